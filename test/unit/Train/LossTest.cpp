//===- LossTest.cpp - Eq. 15 and Eq. 16 -----------------------------------===//

#include "qsnn/Train/Loss.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <cmath>

using namespace qsnn::train;

namespace {

std::vector<at::Tensor> rates(const std::vector<float> &values) {
  std::vector<at::Tensor> out;
  for (float v : values)
    out.push_back(at::full({}, v).requires_grad_());
  return out;
}

} // namespace

TEST(FiringRateLoss, SkipsFirstAndLastSpikingLayer) {
  // (0.2 - 0.5)^2 + (0.7 - 0.5)^2 = 0.09 + 0.04 = 0.13; d/df = 2 (f - 0.5).
  std::vector<at::Tensor> f = rates({0.9f, 0.2f, 0.7f, 0.1f});
  at::Tensor loss = firingRateLoss(f);
  EXPECT_NEAR(loss.item<float>(), 0.13f, 1e-6);
  loss.backward();
  EXPECT_FALSE(f[0].grad().defined() && f[0].grad().item<float>() != 0.0f);
  EXPECT_NEAR(f[1].grad().item<float>(), -0.6f, 1e-6);
  EXPECT_NEAR(f[2].grad().item<float>(), 0.4f, 1e-6);
  EXPECT_FALSE(f[3].grad().defined() && f[3].grad().item<float>() != 0.0f);
}

TEST(FiringRateLoss, TwoLayersHaveNothingToRegulate) {
  EXPECT_EQ(firingRateLoss(rates({0.9f, 0.1f})).item<float>(), 0.0f);
}

TEST(QsnnLoss, MeanOfPerStepCrossEntropyPlusRegulation) {
  // T = 2, N = 1, label 0. Step 1 logits (0, 0): CE = ln 2 = 0.693147.
  // Step 2 logits (ln 3, 0): CE = -ln(3/4) = 0.287682. Mean 0.490415.
  at::Tensor logits =
      at::tensor({0.0f, 0.0f, static_cast<float>(std::log(3.0)), 0.0f})
          .view({2, 2});
  at::Tensor labels = at::zeros({1}, at::kLong);
  std::vector<at::Tensor> f = rates({0.9f, 0.2f, 0.7f, 0.1f});
  EXPECT_NEAR(qsnnLoss(logits, labels, 2, f, 0.0).item<float>(), 0.490415f,
              1e-5);
  // + lambda * 0.13 with lambda = 0.5.
  EXPECT_NEAR(qsnnLoss(logits, labels, 2, f, 0.5).item<float>(), 0.555415f,
              1e-5);
}
