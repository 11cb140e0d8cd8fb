//===- TestModels.h - model configurations the trainer tests share -*- C++
//-*-===//
#ifndef QSNN_TEST_UNIT_TRAIN_TESTMODELS_H
#define QSNN_TEST_UNIT_TRAIN_TESTMODELS_H

#include "qsnn/Train/Layers.h"
#include "qsnn/Train/ModelConfig.h"

#include <string>

namespace qsnn::train::test {

/// `arch` on `channels` x `hw` x `hw` images at `steps` time steps, every
/// channel normalized with `zeroPoint` and `scale`.
inline ModelConfig imageModel(const std::string &arch, int64_t channels,
                              int64_t hw, int64_t steps, float zeroPoint = 0,
                              float scale = 1.0f / 255) {
  ModelConfig m;
  m.arch = arch;
  m.timeSteps = steps;
  m.channels = channels;
  m.height = m.width = hw;
  m.zeroPoint.assign(channels, zeroPoint);
  m.scale.assign(channels, scale);
  return m;
}

/// The tiny net at T = 2 with Fashion-MNIST's normalization.
inline ModelConfig tinyModel() {
  ModelConfig m;
  m.arch = "tiny";
  m.timeSteps = 2;
  m.zeroPoint = {72.0f};
  m.scale = {0.0139f};
  return m;
}

/// A synapse of `in` -> `out` channels without batch norm.
inline SynapseOptions synapse(int64_t in, int64_t out) {
  SynapseOptions options;
  options.in = in;
  options.out = out;
  options.batchNorm = false;
  return options;
}

} // namespace qsnn::train::test

#endif // QSNN_TEST_UNIT_TRAIN_TESTMODELS_H
