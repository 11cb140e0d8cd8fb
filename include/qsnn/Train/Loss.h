//===- Loss.h - Firing-rate regulation and the Q-SNN loss -------*- C++ -*-===//
#ifndef QSNN_TRAIN_LOSS_H
#define QSNN_TRAIN_LOSS_H

#include <ATen/core/Tensor.h>

#include <vector>

namespace qsnn::train {

/// Eq. 15: sum of (f_l - 0.5)^2 over the spiking layers except the first and
/// the last; zero (a tensor) when there are fewer than three.
at::Tensor firingRateLoss(const std::vector<at::Tensor> &rates);

/// (1/T) sum_t CE(o_t, y): the mean over all T*N rows of [T*N, K] logits.
at::Tensor timeAveragedCrossEntropy(const at::Tensor &stepLogits,
                                    const at::Tensor &labels,
                                    int64_t timeSteps);

/// Eq. 16: (1/T) sum_t CE(o_t, y) + lambda * L_s. stepLogits is [T*N, K]
/// time-major, labels [N] int64.
at::Tensor qsnnLoss(const at::Tensor &stepLogits, const at::Tensor &labels,
                    int64_t timeSteps, const std::vector<at::Tensor> &rates,
                    double lambda);

} // namespace qsnn::train

#endif // QSNN_TRAIN_LOSS_H
