"""Input encodings (docs/spec.md §3): what a deployed model receives is
uint8, and the network normalizes it itself.

* ``StaticEncoder``: uint8 images [N, C, H, W] -> x = (p - zp[c]) * sc[c]
  (ONNX: Cast -> Sub -> Mul). The network repeats x over the T steps right
  before its first neuron (ONNX: Tile), so the layers before it run once
  per sample.
* ``EventEncoder``: uint8 event counts [T, N, C, H, W] -> float
  [T*N, C, H, W], not normalized (ONNX: Cast -> Reshape).
"""
import numpy as np
import torch
import torch.nn as nn

from .errors import QSNNError


def _shape(input_shape):
    if input_shape is None:
        return None
    shape = tuple(int(d) for d in input_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise QSNNError("input_shape must be (C, H, W), got %r" % (input_shape,))
    return shape


class StaticEncoder(nn.Module):
    """Per-channel normalization of uint8 pixels.

    Args:
        zero_point: one integer pixel value per channel (an integer zero
            point keeps the deployed first layer exact).
        scale: one float per channel, in pixel units: x = (p - zp) * scale.
        input_shape: (C, H, W), optional; export takes it from the sample
            otherwise.
    """

    is_events = False

    def __init__(self, zero_point, scale, input_shape=None):
        super().__init__()
        # np.array copies: the buffers never alias the caller's arrays.
        zp = torch.from_numpy(np.array(zero_point, dtype=np.float32).reshape(-1))
        sc = torch.from_numpy(np.array(scale, dtype=np.float32).reshape(-1))
        if zp.numel() != sc.numel() or zp.numel() < 1:
            raise QSNNError("StaticEncoder: one zero point and one scale per "
                            "channel, got %d and %d" % (zp.numel(), sc.numel()))
        if not torch.equal(zp, zp.round()) or zp.min() < 0 or zp.max() > 255:
            raise QSNNError("StaticEncoder: zero points must be integer pixel "
                            "values in [0, 255], got %s" % zp.tolist())
        if not torch.isfinite(sc).all() or (sc == 0).any():
            raise QSNNError("StaticEncoder: scales must be finite and non-zero, "
                            "got %s" % sc.tolist())
        self.input_shape = _shape(input_shape)
        if self.input_shape and self.input_shape[0] != zp.numel():
            raise QSNNError("StaticEncoder: input_shape %r has %d channels, "
                            "zero_point %d" % (self.input_shape,
                                               self.input_shape[0], zp.numel()))
        c = zp.numel()
        self.register_buffer("zero_point", zp.view(1, c, 1, 1))
        self.register_buffer("scale", sc.view(1, c, 1, 1))

    @property
    def channels(self):
        return self.zero_point.size(1)

    def forward(self, pixels):
        if pixels.dim() != 4:
            raise QSNNError("StaticEncoder: input must be uint8 [N, C, H, W], "
                            "got shape %s" % list(pixels.shape))
        return (pixels.to(torch.float32) - self.zero_point) * self.scale

    def extra_repr(self):
        return "zero_point=%s, scale=%s" % (
            self.zero_point.flatten().tolist(), self.scale.flatten().tolist())


class EventEncoder(nn.Module):
    """Event frames: uint8 counts [T, N, C, H, W] -> float [T*N, C, H, W].

    Args:
        time_steps: T, the number of event bins.
        input_shape: (C, H, W), optional.
    """

    is_events = True

    def __init__(self, time_steps, input_shape=None):
        super().__init__()
        self.time_steps = int(time_steps)
        self.input_shape = _shape(input_shape)

    def forward(self, frames):
        if frames.dim() != 5 or frames.size(0) != self.time_steps:
            raise QSNNError("EventEncoder: input must be uint8 [T, N, C, H, W] "
                            "with T = %d, got shape %s"
                            % (self.time_steps, list(frames.shape)))
        return frames.to(torch.float32).flatten(0, 1)
