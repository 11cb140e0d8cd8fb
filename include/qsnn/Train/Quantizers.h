//===- Quantizers.h - Differentiable quantizers of Q-SNN training -*- C++
//-*-===//
//
// The non-differentiable pieces of docs/spec.md §3 as custom autograd functions:
// Heaviside firing with the triangular surrogate (Eq. 5), weight binarization
// (Eq. 6-7, 14), symmetric 8-bit weights, and the membrane quantizer (Eq. 8).
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_QUANTIZERS_H
#define QSNN_TRAIN_QUANTIZERS_H

#include "qsnn/Train/ModelConfig.h"

#include <ATen/core/Tensor.h>

namespace qsnn::train {

/// s = [h >= theta]; backward dL/dh = dL/ds * max(0, beta - |h - theta|).
at::Tensor spike(const at::Tensor &h, double theta, double beta = 1.0);

/// sign(w) with sign(0) = +1; backward passes the gradient where |w| <= 1.
at::Tensor signSTE(const at::Tensor &w);

/// Q(x) = (alpha/L) * round(L * clip(x/alpha, -1, 1)) with alpha a detached
/// scalar tensor; backward is the identity where |x| <= alpha, else 0.
/// levels = 0 means no quantization (k = 32).
at::Tensor quantizeMembrane(const at::Tensor &x, const at::Tensor &alpha,
                            int64_t levels);

/// W-hat of Eq. 14 (differentiable): (W - mu) / sigma over the whole tensor
/// or per output channel (dim 0); identity for WeightNorm::None.
at::Tensor standardizeWeight(const at::Tensor &w, WeightNorm norm);

/// alpha_w[o] = mean |w_hat[o, ...]|, shaped [O, 1, ...] to broadcast.
at::Tensor channelScale(const at::Tensor &wHat);

/// alpha_w * sign(w_hat): the effective binary weight of Algorithm 1 line 6.
at::Tensor binaryWeight(const at::Tensor &w, WeightNorm norm);

/// Per-tensor scale s = max|W| / 127 (detached scalar).
at::Tensor int8Scale(const at::Tensor &w);

/// s * clamp(round(W/s), -127, 127); straight-through backward.
at::Tensor int8Weight(const at::Tensor &w);

} // namespace qsnn::train

#endif // QSNN_TRAIN_QUANTIZERS_H
