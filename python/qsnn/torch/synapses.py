"""Synaptic layers with quantized weights: drop-in subclasses of nn.Conv2d
and nn.Linear (same arguments, parameters and initialization) that add
``weight_bits`` and ``weight_norm`` (docs/spec.md §3).

* ``weight_bits=1``: binary hidden layers, alpha_w * sign(W-hat) with WS-DR
  standardization ``weight_norm`` (``channel`` default, ``layer``, ``none``);
* ``weight_bits=8``: the first and last layer, symmetric per-tensor 8 bits,
  narrow range [-127, 127];
* ``weight_bits=32``: the float weight as it is (the full-precision
  baselines of qsnn-train --weight-bits 32).

PyTorch's default initialization, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for
weight and bias, is the C++ trainer's as well.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .errors import QSNNError
from .functional import (WEIGHT_NORMS, binary_weight, int8_weight,
                         standardize_weight)

WEIGHT_BITS = (1, 8, 32)


def _check(weight_bits, weight_norm):
    if weight_bits not in WEIGHT_BITS:
        raise QSNNError("weight_bits must be 1, 8 or 32, got %r" % (weight_bits,))
    if weight_norm not in WEIGHT_NORMS:
        raise QSNNError("weight_norm must be one of %s, got %r"
                        % (", ".join(WEIGHT_NORMS), weight_norm))


class _QuantizedWeight:
    """The weight the forward uses, shared by QConv2d and QLinear."""

    def quantized_weight(self):
        """alpha_w * B (1 bit), s * q (8 bits) or the float weight (32)."""
        if self.weight_bits == 1:
            return binary_weight(self.weight, self.weight_norm)
        if self.weight_bits == 8:
            return int8_weight(self.weight)
        return self.weight

    def sign_balance(self):
        """p_w of the paper's §4.3: the fraction of +1 in sign(W-hat)."""
        with torch.no_grad():
            w_hat = standardize_weight(self.weight, self.weight_norm)
            return w_hat.ge(0).float().mean().item()

    def extra_repr(self):
        text = super().extra_repr() + ", weight_bits=%d" % self.weight_bits
        if self.weight_bits == 1:
            text += ", weight_norm=%r" % self.weight_norm
        return text


class QConv2d(_QuantizedWeight, nn.Conv2d):
    """2-D convolution with quantized weights.

    Args are those of ``nn.Conv2d`` (no dilation, groups or padding modes:
    the deployed integer form has none) plus ``weight_bits`` (1, 8, 32) and
    ``weight_norm`` (``channel``, ``layer``, ``none``; binary layers only).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, bias=True, *, weight_bits=1, weight_norm="channel"):
        _check(weight_bits, weight_norm)
        super().__init__(in_channels, out_channels, kernel_size, stride=stride,
                         padding=padding, bias=bias)
        self.weight_bits = weight_bits
        self.weight_norm = weight_norm

    def forward(self, x):
        return F.conv2d(x, self.quantized_weight(), self.bias, self.stride,
                        self.padding)


class QLinear(_QuantizedWeight, nn.Linear):
    """Fully connected layer with quantized weights: ``nn.Linear`` plus
    ``weight_bits`` and ``weight_norm`` as for QConv2d."""

    def __init__(self, in_features, out_features, bias=True, *,
                 weight_bits=1, weight_norm="channel"):
        _check(weight_bits, weight_norm)
        super().__init__(in_features, out_features, bias=bias)
        self.weight_bits = weight_bits
        self.weight_norm = weight_norm

    def forward(self, x):
        return F.linear(x, self.quantized_weight(), self.bias)
