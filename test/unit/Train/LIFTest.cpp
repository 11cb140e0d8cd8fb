//===- LIFTest.cpp - Eq. 1-3 with membrane quantization, both orders ------===//

#include "qsnn/Train/Layers.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

using namespace qsnn::train;

namespace {

LIFOptions options(int64_t steps, int64_t bits, FireOn fireOn) {
  LIFOptions o;
  o.timeSteps = steps;
  o.membraneBits = bits;
  o.levels = LevelMode::Signed;
  o.fireOn = fireOn;
  return o;
}

void setAlphaHat(LIF &lif, float value) {
  torch::NoGradGuard noGrad;
  lif.named_buffers()["alpha_hat"].fill_(value);
}

// Currents of one neuron over 4 steps, tau = 0.5, theta = 1, k = 4 signed
// (L = 7), alpha = 1.4, so the membrane step is 0.2:
//
// fire_on = full:      h = .5 u + I,  s = [h >= 1],  u = Q(h (1 - s))
//   t1: h = 0.65             s = 0   u = Q(0.65) = .2 round(3.25) = 0.6
//   t2: h = 0.3 + 0.9 = 1.2  s = 1   u = Q(0) = 0
//   t3: h = 0.95             s = 0   u = Q(0.95) = .2 round(4.75) = 1.0
//   t4: h = 0.5 + 0.45 = .95 s = 0   u = 1.0
// fire_on = quantized: q = Q(h),  s = [q >= 1],  u = q (1 - s)
//   t1: h = 0.65  q = 0.6    s = 0   u = 0.6
//   t2: h = 1.2   q = 1.2    s = 1   u = 0
//   t3: h = 0.95  q = 1.0    s = 1   u = 0     (fires below theta)
//   t4: h = 0.45  q = .2 round(2.25) = 0.4   s = 0   u = 0.4
const float kCurrents[4] = {0.65f, 0.9f, 0.95f, 0.45f};

void runSteps(FireOn fireOn, const std::vector<float> &spikes,
              const std::vector<float> &membranes) {
  LIFOptions o = options(4, 4, fireOn);
  at::Tensor u = at::zeros({1});
  at::Tensor alpha = at::full({}, 1.4f);
  for (int t = 0; t < 4; ++t) {
    LIFStep step = lifStep(u, at::full({1}, kCurrents[t]), alpha, 7, o);
    EXPECT_FLOAT_EQ(step.spikes.item<float>(), spikes[t]) << "t=" << t + 1;
    EXPECT_NEAR(step.membrane.item<float>(), membranes[t], 1e-6)
        << "t=" << t + 1;
    u = step.membrane;
  }
  // The module in eval mode (alpha_u = alpha_hat) gives the same spikes.
  LIF lif(o);
  lif.eval();
  setAlphaHat(lif, 1.4f);
  at::Tensor out = lif.forward(
      at::tensor({kCurrents[0], kCurrents[1], kCurrents[2], kCurrents[3]})
          .view({4, 1}));
  for (int t = 0; t < 4; ++t)
    EXPECT_FLOAT_EQ(out[t][0].item<float>(), spikes[t]) << "t=" << t + 1;
}

} // namespace

TEST(LIF, HardResetFireOnFull) {
  runSteps(FireOn::Full, {0, 1, 0, 0}, {0.6f, 0.0f, 1.0f, 1.0f});
}

TEST(LIF, HardResetFireOnQuantized) {
  runSteps(FireOn::Quantized, {0, 1, 1, 0}, {0.6f, 0.0f, 0.0f, 0.4f});
}

// Training mode, k = 2 signed (L = 1), two neurons, T = 2:
//   t1: I = (0.5, -2)  h = (0.5, -2)  alpha = 2  s = (0, 0)
//       u = 2 round(clip(h/2)) = (2 round(.25), -2) = (0, -2)
//   t2: I = (0.8, 2)   h = (0.8, -1 + 2 = 1)  alpha = 1  s = (0, 1)
// Unquantized (k = 32) u1 = (0.5, -2) and h2 = (1.05, 1): s = (1, 1).
TEST(LIF, TrainingUsesTheStepBatchMax) {
  at::Tensor currents = at::tensor({0.5f, -2.0f, 0.8f, 2.0f}).view({2, 2});
  LIF quantized(options(2, 2, FireOn::Full));
  quantized.train();
  at::Tensor s = quantized.forward(currents);
  EXPECT_EQ(s[1][0].item<float>(), 0.0f);
  EXPECT_EQ(s[1][1].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(quantized.firingRate().item<float>(), 0.25f);

  LIF full(options(2, 32, FireOn::Full));
  full.train();
  at::Tensor s32 = full.forward(currents);
  EXPECT_EQ(s32[1][0].item<float>(), 1.0f);
  EXPECT_EQ(s32[1][1].item<float>(), 1.0f);
}

// alpha_hat: the first observation initializes it, later ones are an EMA
// with momentum 0.1. Observation = mean over steps of the batch max |h|.
//   forward 1 (currents above): alphas 2 and 1 -> 1.5, alpha_hat = 1.5
//   forward 2 (currents x 2):   h1 = (1, -4) alpha 4, s1 = (1, 0),
//     u1 = (0, -4); h2 = (1.6, -2 + 4 = 2) alpha 2 -> 3;
//     alpha_hat = 0.9 * 1.5 + 0.1 * 3 = 1.65
//   eval forward: unchanged.
TEST(LIF, RunningAlphaUpdate) {
  at::Tensor currents = at::tensor({0.5f, -2.0f, 0.8f, 2.0f}).view({2, 2});
  LIF lif(options(2, 2, FireOn::Full));
  EXPECT_FLOAT_EQ(lif.alphaHat(), 1.0f);
  lif.train();
  lif.forward(currents);
  EXPECT_FLOAT_EQ(lif.alphaHat(), 1.5f);
  lif.forward(currents * 2);
  EXPECT_FLOAT_EQ(lif.alphaHat(), 1.65f);
  lif.eval();
  lif.forward(currents * 10);
  EXPECT_FLOAT_EQ(lif.alphaHat(), 1.65f);
  EXPECT_EQ(lif.named_buffers()["num_updates"].item<int64_t>(), 2);
}

TEST(LIF, SurrogateGradientReachesTheCurrent) {
  // One step, one neuron, h = I = 0.75: ds/dI = 1 - |0.75 - 1| = 0.75.
  LIF lif(options(1, 32, FireOn::Full));
  at::Tensor current = at::full({1, 1}, 0.75f).requires_grad_();
  lif.forward(current).sum().backward();
  EXPECT_FLOAT_EQ(current.grad().item<float>(), 0.75f);
}
