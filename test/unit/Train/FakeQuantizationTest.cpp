//===- FakeQuantizationTest.cpp - The float-baseline switch ---------------===//
//
// Network::setFakeQuantization(false) must run the same parameters without
// any quantizer (latent float weights, unquantized membranes), and switching
// back must restore the Q-SNN forward exactly.
//
//===----------------------------------------------------------------------===//

#include "TestModels.h"
#include "qsnn/Train/Network.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

using namespace qsnn::train;
using namespace qsnn::train::test;

namespace {

LIFOptions lifOptions(int64_t bits) {
  LIFOptions o;
  o.timeSteps = 3;
  o.membraneBits = bits;
  return o;
}

} // namespace

TEST(FakeQuantization, UnitWithoutWeightQuantizationUsesLatentWeight) {
  torch::manual_seed(3);
  SynapseOptions options = synapse(2, 4);
  SynapseUnit unit(options, nullptr);
  torch::NoGradGuard noGrad;
  at::Tensor x = at::randn({3, 2, 5, 5});
  at::Tensor quantized = unit.current(x);
  EXPECT_TRUE(quantized.allclose(
      at::conv2d(x, unit.effectiveWeight(), {}, {1, 1}, {1, 1})));

  unit.setWeightQuantization(false);
  EXPECT_FALSE(unit.weightQuantization());
  at::Tensor latent = unit.current(x);
  EXPECT_TRUE(latent.allclose(at::conv2d(x, unit.weight, {}, {1, 1}, {1, 1})));
  EXPECT_FALSE(latent.allclose(quantized));
}

TEST(FakeQuantization, LIFWithoutMembraneQuantizationMatchesK32) {
  torch::manual_seed(4);
  LIF quantized(lifOptions(2)), reference(lifOptions(32));
  quantized.eval();
  reference.eval();
  torch::NoGradGuard noGrad;
  // Currents of 3 steps x 8 samples x 8 neurons; alpha_hat stays 1.
  at::Tensor x = at::rand({3 * 8, 8}) * 1.5;
  at::Tensor withQ = quantized.forward(x);
  quantized.setMembraneQuantization(false);
  EXPECT_FALSE(quantized.membraneQuantization());
  at::Tensor withoutQ = quantized.forward(x);
  EXPECT_TRUE(withoutQ.equal(reference.forward(x)));
  EXPECT_FALSE(withoutQ.equal(withQ));
}

TEST(FakeQuantization, NetworkSwitchReachesEveryLayerAndRestores) {
  torch::manual_seed(5);
  Network network(tinyModel());
  network.eval();
  torch::NoGradGuard noGrad;
  at::Tensor pixels = at::randint(0, 256, {4, 1, 28, 28}).to(at::kByte);
  at::Tensor on = network.forward(pixels);

  network.setFakeQuantization(false);
  for (const auto &lif : network.spikingLayers())
    EXPECT_FALSE(lif->membraneQuantization());
  for (const auto &unit : network.binaryUnits())
    EXPECT_FALSE(unit->weightQuantization());
  at::Tensor off = network.forward(pixels);
  EXPECT_EQ(off.sizes(), on.sizes());
  EXPECT_FALSE(off.equal(on));

  network.setFakeQuantization(true);
  EXPECT_TRUE(network.forward(pixels).equal(on));
}
