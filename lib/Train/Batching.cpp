//===- Batching.cpp - uint8 network inputs from a data split --------------===//

#include "qsnn/Train/Batching.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>

namespace qsnn::train {

Batch makeBatch(const qsnn::data::DataSplit &split,
                const std::vector<int64_t> &indices,
                const qsnn::data::AugmentOptions *augment,
                std::mt19937_64 &rng) {
  const int64_t n = static_cast<int64_t>(indices.size());
  const int64_t bytes = split.sampleBytes();
  at::Tensor samples = at::empty({n, bytes}, at::kByte);
  at::Tensor labels = at::empty({n}, at::kLong);
  uint8_t *out = samples.data_ptr<uint8_t>();
  int64_t *label = labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    if (augment)
      qsnn::data::augmentSample(split, indices[i], out + i * bytes, *augment,
                                rng);
    else
      std::memcpy(out + i * bytes, split.sample(indices[i]), bytes);
    label[i] = split.labels[indices[i]];
  }
  Batch batch;
  batch.labels = labels;
  if (split.kind == qsnn::data::InputKind::Static) {
    batch.inputs = samples.view({n, split.channels, split.height, split.width});
  } else {
    batch.inputs = samples
                       .view({n, split.timeSteps, split.channels, split.height,
                              split.width})
                       .transpose(0, 1)
                       .contiguous();
  }
  return batch;
}

std::vector<int64_t> rangeIndices(const qsnn::data::DataSplit &split,
                                  int64_t first, int64_t count) {
  std::vector<int64_t> indices;
  for (int64_t i = first; i < std::min(split.size, first + count); ++i)
    indices.push_back(i);
  return indices;
}

} // namespace qsnn::train
