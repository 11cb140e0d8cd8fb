"""The architectures of qsnn-train (lib/Train/Architectures.cpp), layer for
layer: every net starts with an 8-bit conv + BN + LIF reading the normalized
input and ends with an 8-bit linear classifier with bias; the layers in
between have binary weights. With ``weight_bits=32`` every layer keeps float
weights. "conv c" is a 3x3 conv, stride 1, padding 1, no bias, then
BatchNorm2d and a LIF; pooling is 2x2 average pooling.

    model = qsnn.torch.small(membrane_bits=2, zero_point=[73], scale=[0.0113])
"""
import torch.nn as nn

from .blocks import BasicBlock
from .encoding import EventEncoder, StaticEncoder
from .errors import QSNNError
from .network import SpikingNetwork
from .neuron import LIF
from .synapses import QConv2d, QLinear

POOL = "pool"

#: The VGG-style nets: output channels of each conv, POOL for a 2x2 pool.
VGG_LAYERS = {
    "tiny": [16, POOL, 32, POOL],  # CI smoke tests: trains in seconds
    "small": [32, POOL, 64, POOL, 128],
    "vggsnn": [64, 128, POOL, 256, 256, POOL, 512, 512, POOL, 512, 512, POOL],
    "vgg16": [64, 64, POOL, 128, 128, POOL, 256, 256, 256, POOL, 512, 512,
              512, POOL, 512, 512, 512, POOL],
}
ARCHITECTURES = ("tiny", "small", "vggsnn", "vgg16", "resnet19")


class _Builder:
    """Accumulates layers while tracking the activation shape [C, H, W]."""

    def __init__(self, arch, in_channels, input_size, weight_bits,
                 weight_norm, lif_options):
        self.arch = arch
        self.channels = in_channels
        self.height, self.width = input_size
        self.full_precision = weight_bits == 32
        self.weight_norm = weight_norm
        self.lif_options = lif_options
        self.layers = []

    def _quant(self, edge):
        if self.full_precision:
            return dict(weight_bits=32, weight_norm="none")
        return dict(weight_bits=8 if edge else 1, weight_norm=self.weight_norm)

    def conv(self, out, stride=1):
        edge = not self.layers
        self.layers += [QConv2d(self.channels, out, 3, stride, 1, bias=False,
                                **self._quant(edge)),
                        nn.BatchNorm2d(out), LIF(**self.lif_options)]
        self._advance(out, stride)

    def avg_pool(self):
        if self.height < 2 or self.width < 2:
            raise QSNNError("architecture %r: input too small for its pooling"
                            % self.arch)
        self.layers.append(nn.AvgPool2d(2))
        self.height //= 2
        self.width //= 2

    def global_avg_pool(self):
        self.layers.append(nn.AdaptiveAvgPool2d(1))
        self.height = self.width = 1

    def basic_block(self, out, stride):
        q = self._quant(edge=False)
        self.layers.append(BasicBlock(self.channels, out, stride,
                                      lif_options=self.lif_options, **q))
        self._advance(out, stride)

    def classifier(self, num_classes):
        self.layers += [nn.Flatten(),
                        QLinear(self.channels * self.height * self.width,
                                num_classes, bias=True, **self._quant(edge=True))]
        return nn.Sequential(*self.layers)

    def _advance(self, out, stride):
        self.channels = out
        self.height = (self.height - 1) // stride + 1
        self.width = (self.width - 1) // stride + 1


def build(arch, *, in_channels=1, input_size=(28, 28), num_classes=10,
          time_steps=4, membrane_bits=2, weight_bits=1, levels="signed",
          fire_on="full", weight_norm=None, tau=0.5, threshold=1.0,
          events=False, zero_point=None, scale=None, dataset="",
          class_names=None):
    """The SpikingNetwork of architecture ``arch`` (see ARCHITECTURES).

    Args mirror qsnn-train fit (docs/train.md): ``time_steps`` T,
    ``membrane_bits`` k, ``weight_bits`` 1 (binary hidden layers, 8-bit first
    and last) or 32 (all float), ``levels``, ``fire_on``, ``weight_norm``
    (default ``channel``; with weight_bits 32 only ``none``), ``tau``,
    ``threshold``. Static inputs (``events=False``) are normalized with
    ``zero_point`` and ``scale`` per channel (default 0 and 1/255: pixels in
    [0, 1]; qsnn.torch.training.input_normalization computes qsnn-train's
    from the training images); ``events=True`` reads [T, N, C, H, W] counts.
    """
    if weight_bits not in (1, 32):
        raise QSNNError("weight_bits must be 1 or 32, got %r" % (weight_bits,))
    if weight_norm is None:
        weight_norm = "channel" if weight_bits == 1 else "none"
    elif weight_bits == 32 and weight_norm != "none":
        raise QSNNError("weight_norm=%r has no effect with weight_bits=32 "
                        "(float weights are not standardized); omit it or "
                        "pass 'none'" % weight_norm)
    if num_classes < 2:
        raise QSNNError("a classifier needs at least 2 classes")
    input_size = tuple(input_size)
    lif_options = dict(time_steps=time_steps, tau=tau, threshold=threshold,
                       membrane_bits=membrane_bits, levels=levels,
                       fire_on=fire_on)
    b = _Builder(arch, in_channels, input_size, weight_bits, weight_norm,
                 lif_options)
    if arch in VGG_LAYERS:
        for layer in VGG_LAYERS[arch]:
            b.avg_pool() if layer == POOL else b.conv(layer)
    elif arch == "resnet19":
        b.conv(128)
        for width, blocks, stride in ((128, 3, 1), (256, 3, 2), (512, 2, 2)):
            for i in range(blocks):
                b.basic_block(width, stride if i == 0 else 1)
        b.global_avg_pool()
    else:
        raise QSNNError("unknown architecture %r (known: %s)"
                        % (arch, ", ".join(ARCHITECTURES)))
    features = b.classifier(num_classes)
    shape = (in_channels,) + input_size
    if events:
        encoder = EventEncoder(time_steps, shape)
    else:
        zero_point = [0.0] * in_channels if zero_point is None else zero_point
        scale = [1.0 / 255.0] * in_channels if scale is None else scale
        encoder = StaticEncoder(zero_point, scale, shape)
    return SpikingNetwork(encoder, features, time_steps, arch=arch,
                          dataset=dataset, class_names=class_names)


def tiny(**options):
    """conv 16 (8-bit) -> pool -> conv 32 -> pool -> FC (8-bit)."""
    return build("tiny", **options)


def small(**options):
    """conv 32 (8-bit) -> pool -> conv 64 -> pool -> conv 128 -> FC (8-bit)."""
    return build("small", **options)


def vggsnn(**options):
    """VGGSNN for 2x48x48 event frames (pass in_channels, input_size, events)."""
    return build("vggsnn", **options)


def vgg16(**options):
    """VGG16: 13 convs in five pooled stages, then FC (8-bit)."""
    return build("vgg16", **options)


def resnet19(**options):
    """ResNet19: conv 128 (8-bit); BasicBlocks [3, 3, 2] x 128/256/512 with
    strides 1/2/2; global average pool; FC (8-bit)."""
    return build("resnet19", **options)
