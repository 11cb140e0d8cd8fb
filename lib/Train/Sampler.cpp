//===- Sampler.cpp - Which samples each rank trains on, step by step ------===//

#include "qsnn/Train/Sampler.h"

#include <algorithm>

namespace qsnn::train {

std::mt19937_64 epochGenerator(uint64_t seed, int64_t epoch) {
  return std::mt19937_64(seed * 1000003u + static_cast<uint64_t>(epoch));
}

int64_t paddedEpochSize(int64_t size, int world) {
  return (size + world - 1) / world * world;
}

int64_t stepsPerEpoch(int64_t size, int64_t perRankBatch, int world) {
  const int64_t global = perRankBatch * world;
  return (paddedEpochSize(size, world) + global - 1) / global;
}

std::vector<std::vector<int64_t>> epochShard(std::mt19937_64 &rng, int64_t size,
                                             int64_t perRankBatch, int world,
                                             int rank) {
  std::vector<int64_t> order(size);
  for (int64_t i = 0; i < size; ++i)
    order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  // Padding repeats the start so every rank gets as many samples per step.
  const int64_t padded = paddedEpochSize(size, world);
  for (int64_t i = size; i < padded; ++i)
    order.push_back(order[i - size]);
  const int64_t global = perRankBatch * world;
  std::vector<std::vector<int64_t>> steps;
  for (int64_t first = 0; first < padded; first += global) {
    // The last global batch may be short; it is still a multiple of world.
    const int64_t share = (std::min(padded, first + global) - first) / world;
    auto begin = order.begin() + first + rank * share;
    steps.emplace_back(begin, begin + share);
  }
  return steps;
}

} // namespace qsnn::train
