//===- Sampler.h - Which samples each rank trains on, step by step -*- C++
//-*-===//
//
// Like PyTorch's DistributedSampler: every rank draws the same permutation
// of the training split from the seed and the epoch, pads it by repeating
// its start to a multiple of the world size, and cuts it into global
// batches of perRankBatch * world samples; rank r takes the r-th of the
// world equal slices of each global batch. With one process this is the
// plain shuffled order in batches of perRankBatch.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_SAMPLER_H
#define QSNN_TRAIN_SAMPLER_H

#include <cstdint>
#include <random>
#include <vector>

namespace qsnn::train {

/// The generator of `epoch`: it shuffles, then drives the augmentation.
std::mt19937_64 epochGenerator(uint64_t seed, int64_t epoch);

/// Optimizer steps per epoch over `size` samples.
int64_t stepsPerEpoch(int64_t size, int64_t perRankBatch, int world);

/// The padded epoch length (a multiple of `world`).
int64_t paddedEpochSize(int64_t size, int world);

/// Sample indices of every step of the epoch for `rank`, shuffled with
/// `rng` (the same state on every rank).
std::vector<std::vector<int64_t>> epochShard(std::mt19937_64 &rng, int64_t size,
                                             int64_t perRankBatch, int world,
                                             int rank);

} // namespace qsnn::train

#endif // QSNN_TRAIN_SAMPLER_H
