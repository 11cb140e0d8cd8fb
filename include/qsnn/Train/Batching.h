//===- Batching.h - uint8 network inputs from a data split ------*- C++ -*-===//
#ifndef QSNN_TRAIN_BATCHING_H
#define QSNN_TRAIN_BATCHING_H

#include "qsnn/Data/Dataset.h"

#include <ATen/core/Tensor.h>

#include <random>
#include <vector>

namespace qsnn::train {

struct Batch {
  at::Tensor inputs; ///< uint8: static [N, C, H, W], events [T, N, C, H, W].
  at::Tensor labels; ///< int64 [N].
};

/// Gathers the samples `indices` of `split` in the network's input layout
/// (event samples are stored [N, T, ...] and become time-major). With
/// `augment`, each sample is an augmented copy drawn with `rng`.
Batch makeBatch(const qsnn::data::DataSplit &split,
                const std::vector<int64_t> &indices,
                const qsnn::data::AugmentOptions *augment,
                std::mt19937_64 &rng);

/// Indices first..first+count-1 (clamped to the split size).
std::vector<int64_t> rangeIndices(const qsnn::data::DataSplit &split,
                                  int64_t first, int64_t count);

} // namespace qsnn::train

#endif // QSNN_TRAIN_BATCHING_H
