"""A Q-SNN as PyTorch sees it: an encoder, a sequence of layers on merged
[T*N, ...] tensors, and the mean-over-time readout (docs/spec.md §3)."""
import torch.nn as nn

from .errors import QSNNError
from .neuron import LIF


def stages(module, prefix):
    """(path, module) of the layers in forward order: nested nn.Sequential
    containers are flattened, every other module (a layer, a BasicBlock, or
    anything else) is one stage."""
    if isinstance(module, nn.Sequential):
        for name, child in module.named_children():
            yield from stages(child, "%s.%s" % (prefix, name) if prefix else name)
    else:
        yield prefix, module


def has_neuron(module):
    return any(isinstance(m, LIF) for m in module.modules())


class MeanOverTime(nn.Module):
    """The readout: (1/T) sum_t o_t, [T*N, K] -> [N, K]."""

    def __init__(self, time_steps):
        super().__init__()
        self.time_steps = int(time_steps)

    def forward(self, step_logits):
        return step_logits.view(self.time_steps, -1, step_logits.size(1)).mean(0)


class SpikingNetwork(nn.Module):
    """encoder -> features -> readout.

    Args:
        encoder: a StaticEncoder (uint8 images [N, C, H, W]) or an
            EventEncoder (uint8 event frames [T, N, C, H, W]).
        features: an nn.Sequential of the layers (QConv2d, QLinear,
            nn.BatchNorm1d/2d, LIF, nn.AvgPool2d, nn.MaxPool2d,
            nn.AdaptiveAvgPool2d(1), nn.Flatten, BasicBlock, nested
            nn.Sequential), ending with the classifier.
        time_steps: T; every LIF must have the same ``time_steps``.
        arch, dataset, class_names: recorded in the exported model's
            metadata.

    ``model(x)`` returns the logits [N, K] (mean over time);
    ``model.forward_steps(x)`` the classifier output of every step,
    [T*N, K] time-major, which the loss needs. A static image passes the
    layers before the first neuron once and is repeated T times right
    before it: the same values, BatchNorm statistics and gradients as
    repeating the image, T times cheaper.
    """

    def __init__(self, encoder, features, time_steps, *, arch="custom",
                 dataset="", class_names=None):
        super().__init__()
        if not isinstance(time_steps, int) or time_steps < 1:
            raise QSNNError("SpikingNetwork: time_steps must be a positive "
                            "integer, got %r" % (time_steps,))
        self.encoder = encoder
        self.features = features
        self.readout = MeanOverTime(time_steps)
        self.time_steps = time_steps
        self.arch = arch
        self.dataset = dataset
        self.class_names = list(class_names or [])

    def stages(self):
        """(path, module) of the feature layers in forward order."""
        return list(stages(self.features, "features"))

    def forward_steps(self, inputs):
        x = self.encoder(inputs)
        repeated = getattr(self.encoder, "is_events", False)
        for _, stage in self.stages():
            if not repeated and has_neuron(stage):
                x = x.repeat(self.time_steps, *([1] * (x.dim() - 1)))
                repeated = True
            x = stage(x)
        if not repeated:
            x = x.repeat(self.time_steps, *([1] * (x.dim() - 1)))
        return x

    def forward(self, inputs):
        return self.readout(self.forward_steps(inputs))

    def lif_layers(self):
        """The LIF neurons in forward order (a block's two in order)."""
        return [m for m in self.features.modules() if isinstance(m, LIF)]

    def firing_rates(self):
        """f_l of every LIF layer from the last forward (tensors with graph)."""
        return [lif.firing_rate for lif in self.lif_layers()]
