//===- IntegerJITTest.cpp - the integer level, JIT-compiled, exactly ------===//
//
// The reference lowering of the integer ops (docs/spec.md §4) through the whole
// CPU pipeline and ABI, on integer sequences worked out by hand in the
// comments. Every comparison is exact. Spikes (i1) leave a function either
// through an identity `qsnn.iaffine` (multiplier 1, bias 0: i64 0/1) or
// through qsnn-expose-spikes (uint8 [T, N, ...]).
//
//===----------------------------------------------------------------------===//
#include "CompiledModel.h"

#include <cstring>
#include <string>

using namespace mlir;
using qsnn_test::CompiledModel;
namespace cpu = mlir::qsnn::cpu;

namespace {

/// ilif over T = 4 steps of N = 1 sample with four neurons (columns), F = 2
/// (currents in quarters of Delta), tau_q = 2, L = 1; the spikes come back
/// as i64 0/1.
std::string ilifModule(llvm::StringRef fireOn, int64_t threshold) {
  return (R"mlir(
func.func @forward(%g: tensor<4x4xi64>) -> tensor<4x4xi64> {
  %s = qsnn.ilif %g {time_steps = 4, frac_bits = 2, tau_q = 2, threshold = )mlir" +
          std::to_string(threshold) + ", levels = 1, fire_on = #qsnn<fire_on " +
          fireOn + R"mlir(>} : tensor<4x4xi64> -> tensor<4x4xi1>
  %o = qsnn.iaffine %s {multiplier = array<i64: 1, 1, 1, 1>, bias = array<i64: 0, 0, 0, 0>, frac_bits = 0} : tensor<4x4xi1> -> tensor<4x4xi64>
  return %o : tensor<4x4xi64>
})mlir")
      .str();
}

// Currents per step (rows) for neurons A, B, C, D (columns).
const int64_t kCurrents[4][4] = {
    {2, 3, -2, -12}, {2, -6, 6, 4}, {-2, 1, 2, 2}, {5, 4, -3, 0}};

std::vector<int64_t> runILIF(llvm::StringRef fireOn, int64_t threshold) {
  CompiledModel model(ilifModule(fireOn, threshold));
  std::vector<int64_t> spikes(16, -1);
  if (model.ok()) {
    EXPECT_EQ(model.run({kCurrents}, {spikes.data()}), QSNN_OK);
  }
  return spikes;
}

} // namespace

// g = 2 m + I; rnd(g) = (g + 2) >> 2 (ties up: 2 -> 1, -2 -> 0; arithmetic
// shift: -4 -> -1); full fires on g >= theta_g = 4.
//  A: g = 2, m = rnd 1; g = 2 + 2 = 4 spike; g = -2, m = 0; g = 5 spike.
//  B: g = 3, m = 1; g = 2 - 6 = -4, m = -1; g = -2 + 1 = -1, m = 0; g = 4
//     spike.
//  C: g = -2, m = 0; g = 6 spike; g = 2, m = 1; g = 2 - 3 = -1.
//  D: g = -12, rnd -3 clamped to m = -1; g = -2 + 4 = 2, m = 1; g = 2 + 2 = 4
//     spike (without the clamp m = -3, g = -2, m = 0, g = 2: no spike); g = 0.
TEST(CPUIntegerJIT, ILIFFireOnFullRoundingTie) {
  std::vector<int64_t> expected = {0, 0, 0, 0, 1, 0, 1, 0,
                                   0, 0, 0, 1, 1, 1, 0, 0};
  EXPECT_EQ(runILIF("full", 4), expected);
}

// quantized: r = clamp(rnd(g), -1, 1), fires on r >= theta_m = 1.
//  A: g = 2, r = 1 (the tie rounds up; half-to-even would give 0) spike;
//     g = 2 spike; g = -2, r = 0; g = 5, r = 1 spike.
//  B: g = 3, r = 1 spike; g = -6, r = -4 >> 2 = -1, m = -1; g = -2 + 1, r = 0;
//     g = 4, r = 1 spike.
//  C: g = -2, r = 0; g = 6, r = 2 -> 1 spike; g = 2, r = 1 spike; g = -3,
//     r = -1 >> 2 = -1.
//  D: g = -12, r = -1; g = -2 + 4 = 2 spike; g = 2 spike; g = 0.
TEST(CPUIntegerJIT, ILIFFireOnQuantizedRoundingTie) {
  std::vector<int64_t> expected = {1, 1, 0, 0, 1, 0, 1, 1,
                                   0, 0, 1, 1, 1, 1, 0, 0};
  EXPECT_EQ(runILIF("quantized", 1), expected);
}

// Two uint8 channels of 2x2 pixels, zero points 10 and 20, centered:
//   x0 = [[2, 0], [-3, 245]], x1 = [[0, 5], [-20, 1]].
// A 2x2 per-input-channel convolution with padding [1, 1, 0, 0] keeps one sum
// per (output, input) channel; e.g. c[o0, c0] at (0, 0) sees only x0[0, 0] at
// tap (1, 1): 2 * 4 = 8, and at (1, 1) all of x0: 2*1 + 0*2 - 3*3 + 245*4 =
// 973. The iaffine then computes g[o] = sum_c A[o, c] * c[o, c] + B[o] with
// A = [[3, -2], [1, 100]], B = [7, -1000]: g[0, 0, 0] = 3*8 - 2*0 + 7 = 31.
TEST(CPUIntegerJIT, PerInputChannelConvAndAffine) {
  CompiledModel model(R"mlir(
func.func @forward(%p: tensor<1x2x2x2xui8>) -> tensor<1x2x2x2xi64> {
  %w = arith.constant dense<[[[[1, 2], [3, 4]], [[-1, 1], [2, -2]]],
                             [[[0, 1], [1, 0]], [[5, 0], [0, -5]]]]> : tensor<2x2x2x2xi8>
  %x = qsnn.icenter %p {zero_point = array<i64: 10, 20>} : tensor<1x2x2x2xui8> -> tensor<1x2x2x2xi16>
  %c = qsnn.iconv2d %x, %w {padding = array<i64: 1, 1, 0, 0>, per_input_channel = true} : (tensor<1x2x2x2xi16>, tensor<2x2x2x2xi8>) -> tensor<1x2x2x2x2xi32>
  %g = qsnn.iaffine %c {multiplier = array<i64: 3, -2, 1, 100>, bias = array<i64: 7, -1000>, frac_bits = 4, per_input_channel = true} : tensor<1x2x2x2x2xi32> -> tensor<1x2x2x2xi64>
  return %g : tensor<1x2x2x2xi64>
})mlir");
  ASSERT_TRUE(model.ok());
  const uint8_t pixels[8] = {12, 10, 7, 255, 20, 25, 0, 21};
  std::vector<int64_t> g(8, 0);
  ASSERT_EQ(model.run({pixels}, {g.data()}), QSNN_OK);
  // Sums: c[o0] = {c0: [8, 6, -8, 973], c1: [0, -10, 40, -37]},
  //       c[o1] = {c0: [0, 2, 2, -3], c1: [0, -25, 100, -5]}.
  std::vector<int64_t> expected = {31,    45,    -97,  3000,
                                   -1000, -3498, 9002, -1503};
  EXPECT_EQ(g, expected);
}

// Spikes from an ilif whose currents are 0 or 5 (F = 1, tau_q = 1: a neuron
// fires where g >= 2 and rnd(0) keeps m = 0), T = 2:
//   t0 = [[1, 0, 1], [0, 1, 0], [0, 0, 1]],  t1 = only the centre.
// A 3x3 convolution with padding 1 on the i1 spikes: filter 0 all +1 counts
// the spikes in each window (padding adds nothing); filter 1 is the
// checkerboard [[1, -1, 1], [-1, 1, -1], [1, -1, 1]]. E.g. at (0, 0) of t0
// filter 1 sees s(0,0) at tap (1,1) +1, s(1,1) at tap (2,2) +1: 2; at (0, 1)
// s(0,0), s(0,2) and s(1,1) all meet -1 taps: -3. The spikes also
// come back through qsnn-expose-spikes as uint8 [T, N, C, H, W].
TEST(CPUIntegerJIT, ConvOnSpikesWithPadding) {
  qsnn::QSNNStageOptions options;
  options.exposeSpikes = true;
  CompiledModel model(R"mlir(
func.func @forward(%g: tensor<2x1x3x3xi64>) -> tensor<2x2x3x3xi64> {
  %w = arith.constant dense<[[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]],
                             [[[1, -1, 1], [-1, 1, -1], [1, -1, 1]]]]> : tensor<2x1x3x3xi8>
  %s = qsnn.ilif %g {time_steps = 2, frac_bits = 1, tau_q = 1, threshold = 2, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<2x1x3x3xi64> -> tensor<2x1x3x3xi1> loc("lif1")
  %c = qsnn.iconv2d %s, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x3x3xi1>, tensor<2x1x3x3xi8>) -> tensor<2x2x3x3xi32>
  %o = qsnn.iaffine %c {multiplier = array<i64: 1, 1>, bias = array<i64: 0, 0>, frac_bits = 0} : tensor<2x2x3x3xi32> -> tensor<2x2x3x3xi64>
  return %o : tensor<2x2x3x3xi64>
})mlir",
                      &options);
  ASSERT_TRUE(model.ok());
  ASSERT_EQ(model.description.outputs.size(), 2u);
  EXPECT_EQ(model.description.outputs[1].name, "spikes:lif1");
  EXPECT_EQ(model.description.outputs[1].dtype, qsnn::DType::UInt8);
  EXPECT_EQ(model.description.outputs[1].batchDim, 1);
  const int64_t currents[18] = {5, 0, 5, 0, 5, 0, 0, 0, 5,
                                0, 0, 0, 0, 5, 0, 0, 0, 0};
  std::vector<int64_t> c(36, 0);
  std::vector<uint8_t> spikes(18, 7);
  ASSERT_EQ(model.run({currents}, {c.data(), spikes.data()}), QSNN_OK);
  std::vector<int64_t> expected = {
      // t0, filter 0 (window counts), filter 1 (checkerboard)
      2, 3, 2, 2, 4, 3, 1, 2, 2, 2, -3, 2, -2, 4, -3, 1, -2, 2,
      // t1: the centre spike reaches every output through tap (2-y, 2-x)
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, 1, -1, 1, -1, 1, -1, 1};
  EXPECT_EQ(c, expected);
  std::vector<uint8_t> expectedSpikes = {1, 0, 1, 0, 1, 0, 0, 0, 1,
                                         0, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(spikes, expectedSpikes);
}

// z[n, k] = sum_t g[t*N + n, k] over T = 3 steps of N = 2 samples; the info
// struct reports integer numerics and the readout's F.
TEST(CPUIntegerJIT, ReadoutSumsOverTime) {
  CompiledModel model(R"mlir(
func.func @forward(%g: tensor<6x3xi64>) -> tensor<2x3xi64> {
  %z = qsnn.ireadout %g {time_steps = 3, frac_bits = 5} : tensor<6x3xi64> -> tensor<2x3xi64>
  return %z : tensor<2x3xi64>
})mlir");
  ASSERT_TRUE(model.ok());
  // Rows t*2 + n. Sample 0: rows 0, 2, 4; sample 1: rows 1, 3, 5.
  const int64_t g[18] = {1,         -2, 3,  10, 20, 30, //
                         4,         -5, 6,  40, 50, 60, //
                         1LL << 40, -8, -9, -7, 0,  -90};
  std::vector<int64_t> z(6, 0);
  ASSERT_EQ(model.run({g}, {z.data()}), QSNN_OK);
  // n0: 1 + 4 + 2^40, -2 - 5 - 8, 3 + 6 - 9; n1: 10 + 40 - 7, 20 + 50 + 0,
  // 30 + 60 - 90.
  std::vector<int64_t> expected = {(1LL << 40) + 5, -15, 0, 43, 70, 0};
  EXPECT_EQ(z, expected);
  const qsnn_model_info *info = model.infoFn();
  EXPECT_STREQ(info->numerics, "integer");
  EXPECT_EQ(info->readout_frac_bits, 5);
  EXPECT_EQ(info->outputs[0].dtype, QSNN_DTYPE_INT64);
}

// The integer forms of the structural ops. Spikes of T = 2 steps (F = 1,
// tau_q = 1, fire on g >= 2): t0 only the last of four cells, t1 none; a 2x2
// max pool is their OR: t0 1, t1 0. Flattened and through ilinear with
// W = [[3], [-1]]: t0 [3, -1], t1 [0, 0]; iaffine A = [2, 5], B = [1, 0]:
// t0 [7, -5], t1 [1, 0]. encode repeats b = [100, 200] over both steps and
// the i64 add joins them: t0 [107, 195], t1 [101, 200]; ireadout sums over
// T: [208, 395].
TEST(CPUIntegerJIT, MaxPoolFlattenEncodeAdd) {
  CompiledModel model(R"mlir(
func.func @forward(%g: tensor<2x1x2x2xi64>, %b: tensor<1x2xi64>) -> tensor<1x2xi64> {
  %w = arith.constant dense<[[3], [-1]]> : tensor<2x1xi8>
  %s = qsnn.ilif %g {time_steps = 2, frac_bits = 1, tau_q = 1, threshold = 2, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<2x1x2x2xi64> -> tensor<2x1x2x2xi1>
  %m = qsnn.max_pool2d %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x1x2x2xi1> -> tensor<2x1x1x1xi1>
  %f = qsnn.flatten %m : tensor<2x1x1x1xi1> -> tensor<2x1xi1>
  %c = qsnn.ilinear %f, %w : (tensor<2x1xi1>, tensor<2x1xi8>) -> tensor<2x2xi32>
  %a = qsnn.iaffine %c {multiplier = array<i64: 2, 5>, bias = array<i64: 1, 0>, frac_bits = 0} : tensor<2x2xi32> -> tensor<2x2xi64>
  %e = qsnn.encode %b {time_steps = 2} : tensor<1x2xi64> -> tensor<2x2xi64>
  %sum = qsnn.add %a, %e : tensor<2x2xi64>
  %z = qsnn.ireadout %sum {time_steps = 2, frac_bits = 0} : tensor<2x2xi64> -> tensor<1x2xi64>
  return %z : tensor<1x2xi64>
})mlir");
  ASSERT_TRUE(model.ok());
  const int64_t g[8] = {0, 0, 0, 5, 0, 0, 0, 0};
  const int64_t b[2] = {100, 200};
  std::vector<int64_t> z(2, 0);
  ASSERT_EQ(model.run({g, b}, {z.data()}), QSNN_OK);
  EXPECT_EQ(z, (std::vector<int64_t>{208, 395}));
}
