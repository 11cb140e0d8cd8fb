//===- SyncBatchNorm.h - BatchNorm over the batch of all ranks --*- C++ -*-===//
//
// --sync-bn: the training-mode statistics of a BatchNorm are computed over
// the merged batch of every rank (allreduce of the per-channel sums, then of
// the squared deviations from the global mean: the same two passes as one
// process on the whole batch), the running buffers are updated with them,
// and the backward reduces sum(dy) and sum(dy * x-hat) so the input gradient
// is that of one BatchNorm over the global batch.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_SYNCBATCHNORM_H
#define QSNN_TRAIN_SYNCBATCHNORM_H

#include "qsnn/Train/Collectives.h"

namespace qsnn::train {

/// The parameters and buffers of a torch::nn::BatchNorm{1,2}d.
struct BatchNormState {
  at::Tensor weight, bias;
  at::Tensor runningMean, runningVar, numBatchesTracked; ///< Updated in place.
  double momentum = 0.1, eps = 1e-5;
};

/// Training-mode BatchNorm of `x` (channels in dim 1) with statistics over
/// all ranks of `collectives`; differentiable in x, weight and bias.
at::Tensor syncBatchNorm(const at::Tensor &x, const BatchNormState &bn,
                         Collectives &collectives);

} // namespace qsnn::train

#endif // QSNN_TRAIN_SYNCBATCHNORM_H
