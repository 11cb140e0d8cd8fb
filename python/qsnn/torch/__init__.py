"""qsnn.torch: define, train and export Q-SNNs in PyTorch (docs/torch.md).

PyTorch modules with the semantics of qsnn's training model (docs/spec.md
§3; the C++ trainer lib/Train is the same model):

* synapses ``QConv2d``, ``QLinear`` (nn.Conv2d / nn.Linear plus
  ``weight_bits`` 1 / 8 / 32 and WS-DR ``weight_norm``);
* the neuron ``LIF`` (k-bit membrane, both ``fire_on`` orders, both
  ``levels`` modes, running alpha_u, triangular surrogate);
* ``StaticEncoder`` / ``EventEncoder``, ``BasicBlock``, ``SpikingNetwork``;
* ``firing_rate_loss`` (Eq. 15) and ``qsnn_loss`` (Eq. 16);
* the builders ``tiny``, ``small``, ``vggsnn``, ``vgg16``, ``resnet19``
  (``build(arch, ...)``), layer for layer qsnn-train's architectures;
* ``export(model, dir, sample=...)`` to the ai.qsnn ONNX schema (§5) with
  test vectors, ``from_onnx(path)`` and ``from_checkpoint(path)`` back.

Every failure raises ``QSNNError`` naming the module or ONNX node.
"""
from .architectures import ARCHITECTURES, build, resnet19, small, tiny, vgg16, vggsnn
from .blocks import BasicBlock
from .checkpoint import from_checkpoint
from .encoding import EventEncoder, StaticEncoder
from .errors import QSNNError
from .export import export
from .functional import (binary_weight, channel_scale, int8_scale, int8_weight,
                         membrane_levels, quantize_membrane, sign_ste, spike,
                         standardize_weight)
from .importer import from_onnx
from .loss import firing_rate_loss, qsnn_loss
from .network import MeanOverTime, SpikingNetwork
from .neuron import LIF
from .synapses import QConv2d, QLinear

__all__ = [
    "ARCHITECTURES", "BasicBlock", "EventEncoder", "LIF", "MeanOverTime",
    "QConv2d", "QLinear", "QSNNError", "SpikingNetwork", "StaticEncoder",
    "binary_weight", "build", "channel_scale", "export", "firing_rate_loss",
    "from_checkpoint", "from_onnx", "int8_scale", "int8_weight",
    "membrane_levels", "qsnn_loss", "quantize_membrane", "resnet19",
    "sign_ste", "small", "spike", "standardize_weight", "tiny", "vgg16",
    "vggsnn",
]
