//===- ArchitectureTest.cpp - Architectures and the network forward -------===//

#include "TestModels.h"
#include "qsnn/Train/Network.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

using namespace qsnn::train;
using namespace qsnn::train::test;

namespace {

int64_t weightCount(const Network &network) {
  int64_t count = 0;
  for (const at::Tensor &w : network.weightParameters())
    count += w.numel();
  return count;
}

} // namespace

TEST(Architecture, ResNet19HasTheExpectedWeights) {
  ModelConfig m = imageModel("resnet19", 3, 32, 2);
  Network network(m);
  // 3456 + 884736 + 3276800 + 8388608 + 5120 (docs/spec.md §2.10: 12,558,720).
  EXPECT_EQ(weightCount(network), 12558720);
  // conv1 + 8 blocks x 2 + block LIFs: 1 + 8 + 8 = 17 spiking layers.
  EXPECT_EQ(network.spikingLayers().size(), 17u);
}

TEST(Architecture, SmallNetShapesAndQuantizers) {
  Network network(imageModel("small", 1, 28, 4));
  // conv 32 (8-bit), conv 64 and conv 128 (binary), FC 6272 -> 10 (8-bit).
  EXPECT_EQ(network.binaryUnits().size(), 2u);
  EXPECT_EQ(network.spikingLayers().size(), 3u);
  EXPECT_EQ(weightCount(network),
            32 * 9 + 64 * 32 * 9 + 128 * 64 * 9 + 128 * 7 * 7 * 10);
}

TEST(Architecture, VggVariantsBuild) {
  EXPECT_EQ(Network(imageModel("vgg16", 3, 32, 1)).spikingLayers().size(), 13u);
  EXPECT_EQ(Network(imageModel("vggsnn", 2, 48, 1)).spikingLayers().size(), 8u);
}

TEST(Architecture, UnknownNameIsRejected) {
  EXPECT_THROW(Network(imageModel("lenet", 1, 28, 1)), std::invalid_argument);
}

TEST(Network, ForwardIsTimeMajorAndMeanOverTime) {
  Network network(imageModel("tiny", 1, 28, 3));
  network.eval();
  torch::NoGradGuard noGrad;
  at::Tensor pixels = at::randint(0, 256, {5, 1, 28, 28}).to(at::kByte);
  at::Tensor logits = network.forward(pixels);
  EXPECT_EQ(logits.sizes().vec(), (std::vector<int64_t>{15, 10}));
  // Row t*N + n is step t of sample n: sample 2 alone gives its rows.
  at::Tensor alone = network.forward(pixels.slice(0, 2, 3));
  for (int64_t t = 0; t < 3; ++t)
    EXPECT_TRUE(at::allclose(alone[t], logits[t * 5 + 2], 1e-5, 1e-5));
  // (1/T) sum_t o_t on hand values: T = 3, N = 1.
  at::Tensor steps = at::tensor({1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 9.0f})
                         .view({3, 2})
                         .repeat({1, 5});
  at::Tensor mean = network.meanOverTime(steps);
  EXPECT_FLOAT_EQ(mean[0][0].item<float>(), 3.0f);
  EXPECT_FLOAT_EQ(mean[0][1].item<float>(), 5.0f);
}

TEST(Network, NormalizationUsesIntegerZeroPoint) {
  ModelConfig m = imageModel("tiny", 1, 28, 1);
  m.zeroPoint = {73.0f};
  m.scale = {0.0125f};
  Network network(m);
  at::Tensor x = network.normalize(at::full({1, 1, 1, 1}, 153, at::kByte));
  EXPECT_FLOAT_EQ(x.item<float>(), 1.0f); // (153 - 73) * 0.0125
}

TEST(Network, ComputeNormalizationRoundsTheMean) {
  qsnn::data::DataSplit split;
  split.size = 2;
  split.channels = 1;
  split.height = 1;
  split.width = 2;
  split.samples = {0, 100, 200, 101}; // mean 100.25, std 70.712 (pixels)
  split.labels = {0, 1};
  ModelConfig m = imageModel("tiny", 1, 28, 1);
  computeInputNormalization(split, m);
  EXPECT_FLOAT_EQ(m.zeroPoint[0], 100.0f);
  EXPECT_NEAR(m.scale[0], 1.0 / 70.712004, 1e-7); // 1 / (255 * std / 255)
}

TEST(Network, EventInputIsFedPerStep) {
  ModelConfig m = imageModel("tiny", 2, 16, 3);
  m.inputKind = qsnn::data::InputKind::Events;
  m.zeroPoint.clear();
  m.scale.clear();
  Network network(m);
  network.eval();
  torch::NoGradGuard noGrad;
  at::Tensor counts = at::randint(0, 4, {3, 2, 2, 16, 16}).to(at::kByte);
  EXPECT_EQ(network.forward(counts).sizes().vec(),
            (std::vector<int64_t>{6, 10}));
  EXPECT_THROW(network.forward(counts.slice(0, 0, 2)), c10::Error);
}
