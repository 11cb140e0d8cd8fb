//===- QuantizerTest.cpp - Eq. 5, 7, 8 and the 8-bit quantizer ------------===//

#include "qsnn/Train/Quantizers.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <set>

using namespace qsnn::train;

namespace {

std::vector<float> values(const at::Tensor &t) {
  at::Tensor c = t.detach().to(at::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

void expectNear(const at::Tensor &actual, const std::vector<float> &expected,
                float tolerance = 1e-6f) {
  std::vector<float> got = values(actual);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected[i], tolerance) << "element " << i;
}

} // namespace

TEST(Surrogate, TriangularGradientAroundThreshold) {
  // theta = 1, beta = 1: ds/dh = max(0, 1 - |h - 1|).
  at::Tensor h =
      at::tensor({-0.5f, 0.0f, 0.5f, 1.0f, 1.25f, 2.0f, 2.5f}).requires_grad_();
  at::Tensor s = spike(h, 1.0, 1.0);
  expectNear(s, {0, 0, 0, 1, 1, 1, 1});
  s.sum().backward();
  expectNear(h.grad(), {0.0f, 0.0f, 0.5f, 1.0f, 0.75f, 0.0f, 0.0f});
}

TEST(Surrogate, WidthFollowsBeta) {
  // beta = 2: max(0, 2 - |h - 1|) at h = -0.5, 0, 1.5 -> 0.5, 1, 1.5.
  at::Tensor h = at::tensor({-0.5f, 0.0f, 1.5f}).requires_grad_();
  spike(h, 1.0, 2.0).sum().backward();
  expectNear(h.grad(), {0.5f, 1.0f, 1.5f});
}

TEST(Sign, ZeroMapsToPlusOneAndGradientIsClipped) {
  at::Tensor w = at::tensor({-0.5f, 0.0f, 0.3f, 2.0f, -1.0f}).requires_grad_();
  at::Tensor b = signSTE(w);
  expectNear(b, {-1, 1, 1, 1, -1});
  b.sum().backward();
  expectNear(w.grad(), {1, 1, 1, 0, 1}); // |w| <= 1 passes.
}

TEST(MembraneQuantizer, LevelsPerSign) {
  EXPECT_EQ(membraneLevels(2, LevelMode::Signed), 1);
  EXPECT_EQ(membraneLevels(4, LevelMode::Signed), 7);
  EXPECT_EQ(membraneLevels(8, LevelMode::Signed), 127);
  EXPECT_EQ(membraneLevels(2, LevelMode::Paper), 3);
  EXPECT_EQ(membraneLevels(4, LevelMode::Paper), 15);
  EXPECT_EQ(membraneLevels(8, LevelMode::Paper), 255);
  EXPECT_EQ(membraneLevels(32, LevelMode::Signed), 0);
}

TEST(MembraneQuantizer, ExactlyTwoLPlusOneLevels) {
  const double alpha = 1.5;
  at::Tensor x = at::linspace(-3.0, 3.0, 20001);
  for (LevelMode mode : {LevelMode::Signed, LevelMode::Paper}) {
    for (int64_t bits : {2, 4, 8}) {
      const int64_t levels = membraneLevels(bits, mode);
      at::Tensor q = quantizeMembrane(x, at::full({}, alpha), levels);
      std::set<int64_t> steps;
      for (float v : values(q)) {
        // Every output is an integer multiple j of alpha/L, |j| <= L.
        double j = v * levels / alpha;
        EXPECT_NEAR(j, std::round(j), 1e-3);
        steps.insert(static_cast<int64_t>(std::llround(j)));
      }
      EXPECT_EQ(static_cast<int64_t>(steps.size()), 2 * levels + 1)
          << "k=" << bits << " " << toString(mode);
      EXPECT_EQ(*steps.begin(), -levels);
      EXPECT_EQ(*steps.rbegin(), levels);
    }
  }
}

TEST(MembraneQuantizer, HandComputedValuesAndSTE) {
  // k = 2 signed: L = 1, alpha = 2: Q(x) = 2 * round(clip(x/2, -1, 1)).
  //   x:       -3    -1.2   -0.9  0.3  0.99  1.01  2.5
  //   x/alpha: -1.5  -0.6  -0.45  .15  .495  .505  1.25
  //   Q:       -2    -2     0     0    0     2     2
  at::Tensor x = at::tensor({-3.0f, -1.2f, -0.9f, 0.3f, 0.99f, 1.01f, 2.5f})
                     .requires_grad_();
  at::Tensor q = quantizeMembrane(x, at::full({}, 2.0f), 1);
  expectNear(q, {-2, -2, 0, 0, 0, 2, 2});
  q.sum().backward();
  // Straight through inside [-alpha, alpha], zero where clip saturates.
  expectNear(x.grad(), {0, 1, 1, 1, 1, 1, 0});
}

TEST(MembraneQuantizer, ThirtyTwoBitsIsIdentity) {
  at::Tensor x = at::tensor({-3.3f, 0.123f, 7.0f});
  expectNear(quantizeMembrane(x, at::full({}, 1.0f), 0), {-3.3f, 0.123f, 7.0f});
}

TEST(Int8Weights, SymmetricPerTensorRoundTrip) {
  // s = max|W| / 127 = 0.01; W/s = 127, 0.4, 0.6, -55.3 -> 127, 0, 1, -55.
  at::Tensor w = at::tensor({1.27f, 0.004f, 0.006f, -0.553f}).requires_grad_();
  EXPECT_NEAR(int8Scale(w).item<float>(), 0.01f, 1e-8f);
  at::Tensor q = int8Weight(w);
  expectNear(q, {1.27f, 0.0f, 0.01f, -0.55f}, 1e-6f);
  q.sum().backward();
  expectNear(w.grad(), {1, 1, 1, 1}); // straight through round()
}
