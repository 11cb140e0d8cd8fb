//===- JITTest.cpp - the CPU pipeline, JIT-compiled, on hand-made numbers -===//
//
// Each test writes a small qsnn function, runs it through the same pipeline
// and ABI entry points as qsnn-compile (compileForJIT), calls NAME_run and
// compares with values worked out by hand in the comments.
//
//===----------------------------------------------------------------------===//
#include "CompiledModel.h"

#include "qsnn/Target/CPU/JIT.h"
#include "qsnn/Target/CPU/Pipeline.h"

#include "qsnn_abi.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <vector>

using namespace mlir;
namespace cpu = mlir::qsnn::cpu;

namespace {

using qsnn_test::CompiledModel;

/// LIF over T = 4 steps of N = 1 sample with three neurons (columns).
std::string lifModule(llvm::StringRef attrs) {
  return (R"mlir(
func.func @forward(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %s = qsnn.lif %x {time_steps = 4, )mlir" +
          attrs + R"mlir(} : tensor<4x3xf32>
  return %s : tensor<4x3xf32>
})mlir")
      .str();
}

// Currents per step (rows) for neurons A, B, C (columns).
const float kCurrents[4][3] = {
    {0.9f, 0.5f, 2.5f}, {0.9f, 0.75f, 0.5f}, {0.3f, -0.6f, 0.75f},
    {1.2f, 0.5f, -0.5f}};

std::vector<float> runLIF(llvm::StringRef attrs) {
  CompiledModel model(lifModule(attrs));
  std::vector<float> spikes(12, -1.0f);
  if (model.ok()) {
    EXPECT_EQ(model.run({kCurrents}, {spikes.data()}), QSNN_OK);
  }
  return spikes;
}

} // namespace

// k = 2 signed: L = 1; alpha = 1, so Q(x) = round(clip(x, -1, 1)).
// tau = 0.5, theta = 1. fire_on = full:
//  A: h = 0.9 -> no spike, u = Q(0.9) = 1; h = 0.5 + 0.9 = 1.4 -> spike,
//     u = 0; h = 0.3 -> no, u = 0; h = 1.2 -> spike.          0 1 0 1
//  B: h = 0.5 -> no, u = Q(0.5) = 0 (half to even); h = 0.75 -> no, u = 1;
//     h = 0.5 - 0.6 = -0.1 -> no, u = 0; h = 0.5 -> no.       0 0 0 0
//  C: h = 2.5 -> spike, u = 0; h = 0.5 -> no, u = Q(0.5) = 0;
//     h = 0.75 -> no, u = 1; h = 0.5 - 0.5 = 0 -> no.          1 0 0 0
TEST(CPUPipelineJIT, LIFFireOnFullK2) {
  std::vector<float> spikes =
      runLIF("membrane_bits = 2, alpha_u = 1.0, fire_on = #qsnn<fire_on full>");
  std::vector<float> expected = {0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0};
  EXPECT_EQ(spikes, expected);
}

// fire_on = quantized compares Q(h):
//  A: Q(0.9) = 1 -> spike; again 1 -> spike; Q(0.3) = 0; Q(1.2) = 1 -> spike.
//  B: Q(0.5) = 0 (half to even; half up would spike) -> no, u = 0;
//     Q(0.75) = 1 -> spike, u = 0; Q(-0.6) = -1, u = -1;
//     h = -0.5 + 0.5 = 0 -> no.                               0 1 0 0
//  C: Q(2.5) = 1 -> spike; Q(0.5) = 0 -> no, u = 0; Q(0.75) = 1 -> spike;
//     Q(-0.5) = 0 -> no.                                      1 0 1 0
TEST(CPUPipelineJIT, LIFFireOnQuantizedK2) {
  std::vector<float> spikes = runLIF(
      "membrane_bits = 2, alpha_u = 1.0, fire_on = #qsnn<fire_on quantized>");
  std::vector<float> expected = {1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0};
  EXPECT_EQ(spikes, expected);
}

// Paper levels, k = 2: L = 3; alpha = 3, so Q(x) = round(clip(x, -3, 3)).
// tau = 1, theta = 2.75, fire_on = full; column C:
//  h = 2.5 -> no, u = Q(2.5) = 2 (half to even); h = 2.5 -> no, u = 2;
//  h = 2.75 -> spike, u = 0; h = -0.5 -> no.                   0 0 1 0
// With round half up the membrane would be 3 and C would fire at step 2.
// A: h = 0.9, u = 1; h = 1.9, u = 2; h = 2.3, u = 2; h = 3.2 -> spike.
// B: u = Q(0.5) = 0; Q(0.75) = 1; Q(0.4) = 0; h = 0.5 -> no.  0 0 0 0
TEST(CPUPipelineJIT, LIFPaperLevelsRoundHalfEven) {
  std::vector<float> spikes =
      runLIF("membrane_bits = 2, levels = #qsnn<levels paper>, alpha_u = 3.0, "
             "tau = 1.0, threshold = 2.75");
  std::vector<float> expected = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0};
  EXPECT_EQ(spikes, expected);
}

// k = 32: no quantization, the membrane keeps every fraction. tau = 0.5,
// theta = 1.
//  A: 0.9; 0.45 + 0.9 = 1.35 -> spike; 0.3; 0.15 + 1.2 = 1.35 -> spike.
//  B: 0.5; 0.25 + 0.75 = 1.0 -> spike; -0.6; -0.3 + 0.5 = 0.2.   0 1 0 0
//  C: 2.5 -> spike; 0.5; 0.25 + 0.75 = 1.0 -> spike (with k = 2 the
//     membrane 0.5 rounds to 0 and C stays silent); -0.5.       1 0 1 0
TEST(CPUPipelineJIT, LIFUnquantized) {
  std::vector<float> spikes = runLIF("membrane_bits = 32");
  std::vector<float> expected = {0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0};
  EXPECT_EQ(spikes, expected);
}

// 3x3 input 1..9, 2x2 windows, stride 1, padding top/left 1. Without
// count_include_pad the border windows divide by their real cells:
// (0,0) = 1/1, (0,1) = (1+2)/2, (1,0) = (1+4)/2, (2,2) = (5+6+8+9)/4.
TEST(CPUPipelineJIT, AvgPoolExcludesPaddingAtBorder) {
  const char *source = R"mlir(
func.func @forward(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %a = qsnn.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>} : tensor<1x1x3x3xf32> -> tensor<1x1x3x3xf32>
  %b = qsnn.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>, count_include_pad = true} : tensor<1x1x3x3xf32> -> tensor<1x1x3x3xf32>
  return %a, %b : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
})mlir";
  CompiledModel model(source);
  ASSERT_TRUE(model.ok());
  float input[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  float exclude[9], include[9];
  ASSERT_EQ(model.run({input}, {exclude, include}), QSNN_OK);
  EXPECT_EQ(std::vector<float>(exclude, exclude + 9),
            (std::vector<float>{1, 1.5, 2.5, 2.5, 3, 4, 5.5, 6, 7}));
  // With count_include_pad every window divides by 4: (0,0) = 1/4.
  EXPECT_EQ(std::vector<float>(include, include + 9),
            (std::vector<float>{0.25, 0.75, 1.25, 1.25, 3, 4, 2.75, 6, 7}));
}

// 4x4 input 1..16, one 3x3 all-ones filter, stride 2, padding 1: sums
// 1+2+5+6 = 14, 2+3+4+6+7+8 = 30, 5+6+9+10+13+14 = 57, 6+7+8+10+11+12+14+15+16
// = 99; then scale 0.5 and bias 1.
TEST(CPUPipelineJIT, ConvWithPaddingAndStride) {
  const char *source = R"mlir(
func.func @forward(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x3x3xf32>
  %s = arith.constant dense<0.5> : tensor<1xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %y = qsnn.conv2d binary %x, %w scale %s bias %b {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
})mlir";
  CompiledModel model(source);
  ASSERT_TRUE(model.ok());
  float input[16];
  for (int i = 0; i < 16; ++i)
    input[i] = static_cast<float>(i + 1);
  float output[4];
  ASSERT_EQ(model.run({input}, {output}), QSNN_OK);
  EXPECT_EQ(std::vector<float>(output, output + 4),
            (std::vector<float>{8, 16, 29.5, 50.5}));
}

// T = 3, N = 2: sample n averages rows n, n + 2, n + 4. Sample 0, class 0:
// (1 + 1 + 0) / 3 = 2/3 in f32; sample 1, class 1: (4 + 8 + 12) / 3 = 8.
TEST(CPUPipelineJIT, ReadoutMeanOverTime) {
  const char *source = R"mlir(
func.func @forward(%x: tensor<6x2xf32>) -> tensor<2x2xf32> {
  %y = qsnn.readout %x {time_steps = 3} : tensor<6x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
})mlir";
  CompiledModel model(source);
  ASSERT_TRUE(model.ok());
  float input[12] = {1, 0, 3, 4, 1, 0, 7, 8, 0, 0, 11, 12};
  float output[4];
  ASSERT_EQ(model.run({input}, {output}), QSNN_OK);
  EXPECT_EQ(output[0], 2.0f / 3.0f);
  EXPECT_EQ(output[1], 0.0f);
  EXPECT_EQ(output[2], 7.0f);
  EXPECT_EQ(output[3], 8.0f);
}

// Pixels are unsigned: 200 stays 200 (not -56): (200 - 10) * 0.5 = 95.
// The info struct describes the uint8 input and the planned workspace, and
// a short or misaligned workspace is refused without touching the output.
TEST(CPUPipelineJIT, NormalizeAndABIInfo) {
  const char *source = R"mlir(
func.func @forward(%p: tensor<1x2x1x2xui8> {qsnn.name = "pixels"}) -> (tensor<2x2x1x2xf32> {qsnn.name = "frames"}) {
  %x = qsnn.normalize %p {zero_point = array<i64: 10, 0>, scale = array<f64: 0.5, 2.0>} : tensor<1x2x1x2xui8> -> tensor<1x2x1x2xf32>
  %e = qsnn.encode %x {time_steps = 2} : tensor<1x2x1x2xf32> -> tensor<2x2x1x2xf32>
  return %e : tensor<2x2x1x2xf32>
})mlir";
  CompiledModel model(source);
  ASSERT_TRUE(model.ok());
  const qsnn_model_info *info = model.infoFn();
  EXPECT_EQ(info->magic, QSNN_ABI_MAGIC);
  EXPECT_EQ(info->abi_version, QSNN_ABI_VERSION);
  EXPECT_STREQ(info->name, "test");
  EXPECT_STREQ(info->numerics, "float");
  EXPECT_EQ(info->num_inputs, 1);
  EXPECT_STREQ(info->inputs[0].name, "pixels");
  EXPECT_EQ(info->inputs[0].dtype, QSNN_DTYPE_UINT8);
  EXPECT_EQ(info->inputs[0].rank, 4);
  EXPECT_EQ(info->inputs[0].shape[1], 2);
  EXPECT_STREQ(info->outputs[0].name, "frames");
  EXPECT_EQ(info->outputs[0].shape[0], 2);
  EXPECT_EQ(info->time_steps, 2);
  EXPECT_EQ(info->workspace_bytes, model.workspaceBytes);

  uint8_t pixels[4] = {200, 10, 3, 255};
  float frames[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
  std::vector<const void *> inputs = {pixels};
  std::vector<void *> outputs = {frames};
  if (model.workspaceBytes > 0) {
    EXPECT_EQ(model.runFn(inputs.data(), outputs.data(), model.workspace,
                          model.workspaceBytes - 1),
              QSNN_ERR_WORKSPACE);
    EXPECT_EQ(model.runFn(inputs.data(), outputs.data(),
                          static_cast<char *>(model.workspace) + 8,
                          model.workspaceBytes),
              QSNN_ERR_WORKSPACE);
    EXPECT_EQ(frames[0], -1.0f);
  }
  ASSERT_EQ(model.run(inputs, outputs), QSNN_OK);
  EXPECT_EQ(std::vector<float>(frames, frames + 8),
            (std::vector<float>{95, 0, 6, 510, 95, 0, 6, 510}));
}
