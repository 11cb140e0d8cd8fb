//===- WeightNormTest.cpp - WS-DR (Eq. 14) and alpha_w (Algorithm 1) ------===//

#include "qsnn/Train/Layers.h"
#include "qsnn/Train/Quantizers.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/utils.h>

using namespace qsnn::train;

namespace {

void expectNear(const at::Tensor &actual, const std::vector<float> &expected,
                float tolerance = 1e-5f) {
  at::Tensor c = actual.detach().flatten().contiguous();
  ASSERT_EQ(c.numel(), static_cast<int64_t>(expected.size()));
  for (int64_t i = 0; i < c.numel(); ++i)
    EXPECT_NEAR(c[i].item<float>(), expected[i], tolerance) << "element " << i;
}

double signBalance(const at::Tensor &w, WeightNorm norm) {
  return standardizeWeight(w, norm).ge(0).to(at::kFloat).mean().item<double>();
}

} // namespace

TEST(WeightNorm, PerChannelHandComputed) {
  // Channel 0: 1 2 3 6 -> mu 3, sigma sqrt(14/4) = 1.870829;
  //   W-hat = (-2 -1 0 3) / 1.870829, alpha = 6 / 4 / 1.870829 = 0.801784.
  // Channel 1: 0 0 4 4 -> mu 2, sigma 2; W-hat = -1 -1 1 1, alpha = 1.
  at::Tensor w =
      at::tensor({1.f, 2.f, 3.f, 6.f, 0.f, 0.f, 4.f, 4.f}).view({2, 1, 2, 2});
  expectNear(standardizeWeight(w, WeightNorm::Channel),
             {-1.069045f, -0.534522f, 0.0f, 1.603567f, -1, -1, 1, 1});
  at::Tensor alpha = channelScale(standardizeWeight(w, WeightNorm::Channel));
  EXPECT_EQ(alpha.sizes().vec(), (std::vector<int64_t>{2, 1, 1, 1}));
  expectNear(alpha, {0.801784f, 1.0f});
  // sign(0) = +1 for the third weight of channel 0.
  expectNear(binaryWeight(w, WeightNorm::Channel),
             {-0.801784f, -0.801784f, 0.801784f, 0.801784f, -1, -1, 1, 1});
}

TEST(WeightNorm, PerLayerHandComputed) {
  // All 8 weights: mu = 2.5, variance = 32 / 8 = 4, sigma = 2.
  // W-hat = -.75 -.25 .25 1.75 | -1.25 -1.25 .75 .75;
  // alpha_w per output channel = 0.75 and 1.0.
  at::Tensor w =
      at::tensor({1.f, 2.f, 3.f, 6.f, 0.f, 0.f, 4.f, 4.f}).view({2, 4});
  expectNear(standardizeWeight(w, WeightNorm::Layer),
             {-.75f, -.25f, .25f, 1.75f, -1.25f, -1.25f, .75f, .75f});
  expectNear(channelScale(standardizeWeight(w, WeightNorm::Layer)),
             {0.75f, 1.0f});
}

TEST(WeightNorm, BalancesOffCentreLayer) {
  torch::manual_seed(7);
  // Deliberately off-centre latent weights: N(0.3, 0.1^2).
  at::Tensor w = at::randn({64, 32, 3, 3}) * 0.1 + 0.3;
  EXPECT_NEAR(signBalance(w, WeightNorm::Layer), 0.5, 0.01);
  EXPECT_NEAR(signBalance(w, WeightNorm::Channel), 0.5, 0.01);
  // Without WS-DR nearly every weight binarizes to +1.
  EXPECT_GT(signBalance(w, WeightNorm::None), 0.95);
}

TEST(WeightNorm, SignBalanceOfAUnit) {
  torch::manual_seed(3);
  SynapseOptions options;
  options.in = 16;
  options.out = 32;
  SynapseUnit unit(options, nullptr);
  {
    torch::NoGradGuard noGrad;
    unit.weight.add_(0.3);
  }
  EXPECT_NEAR(unit.signBalance(), 0.5, 0.02);
}

TEST(WeightNorm, BinaryWeightGradientIsClippedSTE) {
  // No normalization: alpha = mean|W| = 1.25, effective = 1.25 * sign(W).
  // d/dW sum(effective) = (d alpha/dW) * sum(sign) + alpha * 1{|W| <= 1};
  // sum(sign) = 0 here, so the gradient is 1.25 where |W| <= 1.
  at::Tensor w =
      at::tensor({-2.0f, -0.5f, 0.5f, 2.0f}).view({1, 4}).requires_grad_();
  at::Tensor b = binaryWeight(w, WeightNorm::None);
  expectNear(b, {-1.25f, -1.25f, 1.25f, 1.25f});
  b.sum().backward();
  expectNear(w.grad(), {0.0f, 1.25f, 1.25f, 0.0f});
}
