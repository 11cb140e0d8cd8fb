"""The non-differentiable pieces of Q-SNN training as autograd functions
(docs/spec.md §3): Heaviside firing with the triangular surrogate (Eq. 5),
sign with its clipped straight-through estimator (Eq. 6-7), WS-DR weight
standardization (Eq. 14), symmetric 8-bit weights and the k-bit membrane
quantizer (Eq. 8).

Every function performs the same tensor operations in the same order as the
C++ trainer (lib/Train/Quantizers.cpp), so both give the same float32 bits
on the same LibTorch.
"""
import torch

#: Membrane levels per sign: ``signed`` L = 2^(k-1) - 1, ``paper`` L = 2^k - 1.
LEVEL_MODES = ("signed", "paper")
#: Which membrane the threshold compares (docs/spec.md §3).
FIRE_ON = ("full", "quantized")
#: WS-DR standardization of binary weights before sign (Eq. 14).
WEIGHT_NORMS = ("layer", "channel", "none")


def membrane_levels(bits, levels="signed"):
    """Levels per sign L for k membrane bits; 0 for k = 32 (no quantization)."""
    if bits == 32:
        return 0
    return (1 << (bits - 1)) - 1 if levels == "signed" else (1 << bits) - 1


class _Spike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, h, threshold, width):
        ctx.save_for_backward(h)
        ctx.threshold, ctx.width = threshold, width
        return h.ge(threshold).to(h.dtype)

    @staticmethod
    def backward(ctx, grad):
        (h,) = ctx.saved_tensors
        # Triangle of half-width `width` centred on the threshold (Eq. 5).
        surrogate = (ctx.width - (h - ctx.threshold).abs()).clamp_min(0.0)
        return grad * surrogate, None, None


def spike(h, threshold=1.0, width=1.0):
    """s = [h >= threshold]; backward dL/dh = dL/ds * max(0, width - |h - threshold|).

    ``width`` is the surrogate's beta of Eq. 5 (1 in the paper), not the
    decay the LIF calls ``beta``.
    """
    return _Spike.apply(h, threshold, width)


class _SignSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w):
        ctx.save_for_backward(w)
        # sign(0) = +1 (Eq. 7); torch.sign would give 0.
        return torch.where(w.ge(0), torch.ones_like(w), -torch.ones_like(w))

    @staticmethod
    def backward(ctx, grad):
        (w,) = ctx.saved_tensors
        return grad * w.abs().le(1.0).to(grad.dtype)


def sign_ste(w):
    """sign(w) with sign(0) = +1; the gradient passes where |w| <= 1."""
    return _SignSTE.apply(w)


class _MembraneQuant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, alpha, levels):
        ctx.save_for_backward(x, alpha)
        l = float(levels)
        return (x / alpha).clamp(-1.0, 1.0).mul(l).round().mul(alpha / l)

    @staticmethod
    def backward(ctx, grad):
        x, alpha = ctx.saved_tensors
        return grad * x.abs().le(alpha).to(grad.dtype), None, None


def quantize_membrane(x, alpha, levels):
    """Q(x) = (alpha/L) * round(L * clip(x/alpha, -1, 1)) (Eq. 8).

    ``alpha`` is a scalar tensor used detached; ``levels`` = L, 0 for no
    quantization (k = 32). Rounding is half to even (``torch.round``). The
    backward is the identity where |x| <= alpha and 0 outside.
    """
    if levels == 0:
        return x
    # A silent layer has alpha = 0; any positive scale maps zeros to zero.
    safe_alpha = alpha.detach().clamp_min(1e-12)
    return _MembraneQuant.apply(x, safe_alpha, levels)


def _output_channel_dims(w):
    return list(range(1, w.dim()))


def standardize_weight(w, norm="channel"):
    """W-hat of Eq. 14, differentiable: (W - mu) / sigma with the population
    sigma over the whole tensor (``layer``) or per output channel, dim 0
    (``channel``); W itself for ``none``."""
    eps = 1e-12
    if norm == "none":
        return w
    if norm == "layer":
        mean = w.mean()
        std = (w - mean).pow(2).mean().add(eps).sqrt()
        return (w - mean) / std
    if norm == "channel":
        dims = _output_channel_dims(w)
        mean = w.mean(dims, keepdim=True)
        std = (w - mean).pow(2).mean(dims, keepdim=True).add(eps).sqrt()
        return (w - mean) / std
    raise ValueError("unknown weight_norm %r (%s)" % (norm, ", ".join(WEIGHT_NORMS)))


def channel_scale(w_hat):
    """alpha_w[o] = mean |W-hat[o, ...]|, shaped [O, 1, ...] to broadcast."""
    return w_hat.abs().mean(_output_channel_dims(w_hat), keepdim=True)


def binary_weight(w, norm="channel"):
    """alpha_w * sign(W-hat): the effective binary weight (Algorithm 1 line 6).
    The gradient flows through sign's clipped STE and through alpha_w, mu
    and sigma."""
    w_hat = standardize_weight(w, norm)
    return channel_scale(w_hat) * sign_ste(w_hat)


class _RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.round()

    @staticmethod
    def backward(ctx, grad):
        return grad


def int8_scale(w):
    """Per-tensor step s = max|W| / 127 (detached scalar)."""
    return w.detach().abs().max().clamp_min(1e-12) / 127.0


def int8_weight(w):
    """s * clamp(round(W/s), -127, 127): symmetric, narrow-range 8 bits with a
    straight-through round."""
    s = int8_scale(w)
    q = _RoundSTE.apply(w / s)
    # |W/s| <= 127 by construction of s; the clamp states the contract.
    return q.clamp(-127.0, 127.0) * s
