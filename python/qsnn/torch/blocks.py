"""The ResNet BasicBlock of a spiking ResNet19 (docs/spec.md §3)."""
import torch.nn as nn

from .neuron import LIF
from .synapses import QConv2d


class BasicBlock(nn.Module):
    """lif2(bn2(conv2(lif1(bn1(conv1(x))))) + shortcut(x)).

    conv1 is 3x3 with ``stride``, conv2 3x3 with stride 1, both without bias;
    the shortcut is the identity (``shortcut`` is None) or, when the stride
    or the width changes, a 1x1 conv with ``stride`` + BatchNorm. All three
    convs use ``weight_bits`` (1 in a Q-SNN, 32 in a full-precision
    baseline). ``lif_options`` are LIF's keyword arguments, for both neurons.
    """

    def __init__(self, in_channels, out_channels, stride=1, *, weight_bits=1,
                 weight_norm="channel", lif_options=None):
        super().__init__()
        lif_options = dict(lif_options or {})
        q = dict(weight_bits=weight_bits, weight_norm=weight_norm)
        self.conv1 = QConv2d(in_channels, out_channels, 3, stride, 1, bias=False, **q)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.lif1 = LIF(**lif_options)
        self.conv2 = QConv2d(out_channels, out_channels, 3, 1, 1, bias=False, **q)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                QConv2d(in_channels, out_channels, 1, stride, 0, bias=False, **q),
                nn.BatchNorm2d(out_channels))
        self.lif2 = LIF(**lif_options)

    @classmethod
    def from_layers(cls, conv1, bn1, lif1, conv2, bn2, shortcut, lif2):
        """A block made of existing layers (the ONNX importer rebuilds blocks
        this way); ``shortcut`` is None or an nn.Sequential(conv, bn)."""
        block = cls.__new__(cls)
        nn.Module.__init__(block)
        block.conv1, block.bn1, block.lif1 = conv1, bn1, lif1
        block.conv2, block.bn2 = conv2, bn2
        block.shortcut = shortcut
        block.lif2 = lif2
        return block

    def forward(self, x):
        residual = x if self.shortcut is None else self.shortcut(x)
        main = self.bn2(self.conv2(self.lif1(self.bn1(self.conv1(x)))))
        return self.lif2(main + residual)
