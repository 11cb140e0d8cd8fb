"""Pieces of qsnn-train's training recipe (docs/train.md) for PyTorch
training loops: the input normalization, the optimizer's parameter groups
and the cosine schedule."""
import math

import numpy as np
import torch.nn as nn

from .synapses import QConv2d, QLinear


def input_normalization(images):
    """(zero_point, scale) per channel from uint8 training images
    [N, C, H, W]: zp = round(255 * mean), sc = 1 / (255 * std), the mean
    and population std of the pixels / 255 (std at least 1e-3). The zero
    point is a whole pixel value so that the deployed first layer stays
    exact."""
    pixels = np.asarray(images)
    if pixels.ndim != 4 or pixels.dtype != np.uint8:
        raise ValueError("images must be uint8 [N, C, H, W]")
    v = pixels.transpose(1, 0, 2, 3).reshape(pixels.shape[1], -1).astype(np.float64) / 255.0
    mean = v.mean(axis=1)
    std = np.sqrt(np.maximum((v * v).mean(axis=1) - mean * mean, 0.0))
    zero_point = [float(math.floor(m * 255.0 + 0.5)) for m in mean]
    scale = [float(np.float32(1.0 / (255.0 * max(s, 1e-3)))) for s in std]
    return zero_point, scale


def parameter_groups(model, weight_decay):
    """Two optimizer groups: conv/linear weights with ``weight_decay``,
    everything else (BatchNorm affine parameters, biases) without."""
    weights = [m.weight for m in model.modules()
               if isinstance(m, (QConv2d, QLinear, nn.Conv2d, nn.Linear))]
    ids = {id(w) for w in weights}
    others = [p for p in model.parameters() if id(p) not in ids]
    return [{"params": weights, "weight_decay": weight_decay},
            {"params": others, "weight_decay": 0.0}]


def cosine_lr(base_lr, iteration, total_iterations):
    """Cosine annealing from ``base_lr`` to 0, per iteration."""
    return 0.5 * base_lr * (1.0 + math.cos(math.pi * iteration / total_iterations))
