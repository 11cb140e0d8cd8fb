//===- FullPrecisionTest.cpp - --weight-bits 32 (the 32w baselines) -------===//
//
// With ModelConfig::weightBits = 32 every synapse (first, hidden and last)
// uses its float weight as is: no WS-DR, sign or 8-bit rounding, in the
// forward, the gradient, the checkpoint and the ONNX export.
//
//===----------------------------------------------------------------------===//

#include "TestModels.h"
#include "qsnn/Train/Checkpoint.h"
#include "qsnn/Train/ModelExport.h"
#include "qsnn/Train/OnnxExport.h"
#include "qsnn/Train/Quantizers.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace qsnn::train;
using namespace qsnn::train::test;
namespace fs = std::filesystem;

namespace {

ModelConfig tinyConfig(int64_t weightBits, int64_t membraneBits) {
  ModelConfig m = tinyModel();
  m.weightBits = weightBits;
  m.membraneBits = membraneBits;
  return m;
}

std::vector<std::shared_ptr<SynapseUnit>> units(const Network &network) {
  std::vector<std::shared_ptr<SynapseUnit>> result;
  for (const auto &stage : network.stages())
    if (auto unit = std::dynamic_pointer_cast<SynapseUnit>(stage))
      result.push_back(unit);
  return result;
}

fs::path scratch(const std::string &name) {
  fs::path dir = fs::temp_directory_path() /
                 ("qsnn-fp-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

std::vector<float> floats(const onnx::TensorProto &tensor) {
  std::vector<float> values(tensor.raw_data().size() / sizeof(float));
  std::memcpy(values.data(), tensor.raw_data().data(),
              tensor.raw_data().size());
  return values;
}

} // namespace

TEST(FullPrecision, FloatConvUsesTheRawWeight) {
  torch::manual_seed(11);
  SynapseOptions options = synapse(3, 4);
  options.quant = WeightQuant::Float;
  options.weightNorm = WeightNorm::Channel; // Must be ignored.
  SynapseUnit unit(options, nullptr);
  torch::NoGradGuard noGrad;
  at::Tensor x = at::randn({2, 3, 6, 6});
  EXPECT_TRUE(unit.effectiveWeight().equal(unit.weight));
  at::Tensor y = unit.current(x);
  EXPECT_TRUE(y.equal(at::conv2d(x, unit.weight, {}, {1, 1}, {1, 1})));
  // The binarized weight of the same tensor gives another current.
  at::Tensor binary = at::conv2d(
      x, binaryWeight(unit.weight, WeightNorm::Channel), {}, {1, 1}, {1, 1});
  EXPECT_FALSE(y.allclose(binary));
}

TEST(FullPrecision, FloatLinearForwardAndGradientAreExact) {
  SynapseOptions options;
  options.kind = SynapseKind::Linear;
  options.in = 2;
  options.out = 1;
  options.quant = WeightQuant::Float;
  options.batchNorm = false;
  SynapseUnit unit(options, nullptr);
  {
    torch::NoGradGuard noGrad;
    unit.weight.copy_(at::tensor({0.3f, -0.7f}).view({1, 2}));
  }
  // y = 0.3 * 1 + (-0.7) * 2 = -1.1; dy/dW = x = [1, 2] (no STE clipping:
  // an STE through sign would zero |W-hat| > 1 and mix in mu and sigma).
  at::Tensor y = unit.current(at::tensor({1.0f, 2.0f}).view({1, 2}));
  EXPECT_FLOAT_EQ(y.item<float>(), -1.1f);
  y.sum().backward();
  EXPECT_FLOAT_EQ(unit.weight.grad()[0][0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(unit.weight.grad()[0][1].item<float>(), 2.0f);
}

TEST(FullPrecision, EveryLayerIsFloatInA32wNetwork) {
  Network network(tinyConfig(32, 32));
  auto all = units(network);
  ASSERT_EQ(all.size(), 3u); // conv 16, conv 32, FC
  for (const auto &unit : all)
    EXPECT_EQ(unit->options().quant, WeightQuant::Float);
  EXPECT_TRUE(network.binaryUnits().empty());

  ModelConfig resnet = tinyConfig(32, 4);
  resnet.arch = "resnet19";
  resnet.channels = 3;
  resnet.height = resnet.width = 8;
  resnet.zeroPoint.assign(3, 0.0f);
  resnet.scale.assign(3, 1.0f);
  Network deep(resnet);
  EXPECT_TRUE(deep.binaryUnits().empty());
  int blocks = 0;
  for (const auto &stage : deep.stages())
    if (auto block = std::dynamic_pointer_cast<BasicBlock>(stage)) {
      ++blocks;
      EXPECT_EQ(block->conv1->options().quant, WeightQuant::Float);
      EXPECT_EQ(block->conv2->options().quant, WeightQuant::Float);
      if (block->shortcut)
        EXPECT_EQ(block->shortcut->options().quant, WeightQuant::Float);
    }
  EXPECT_EQ(blocks, 8);
}

TEST(FullPrecision, NetworkEqualsTheQSNNWithFakeQuantizationOff) {
  // Same parameters: a 32w-32u network must compute exactly what the 1w-32u
  // network computes with every weight quantizer switched off.
  torch::manual_seed(12);
  Network binary(tinyConfig(1, 32)), full(tinyConfig(32, 32));
  {
    torch::NoGradGuard noGrad;
    auto from = binary.named_parameters();
    for (auto &item : full.named_parameters())
      item.value().copy_(from[item.key()]);
    auto fromBuffers = binary.named_buffers();
    for (auto &item : full.named_buffers())
      item.value().copy_(fromBuffers[item.key()]);
  }
  binary.eval();
  full.eval();
  torch::NoGradGuard noGrad;
  at::Tensor pixels = at::randint(0, 256, {3, 1, 28, 28}).to(at::kByte);
  at::Tensor quantized = binary.forward(pixels);
  binary.setFakeQuantization(false);
  at::Tensor reference = binary.forward(pixels);
  at::Tensor logits = full.forward(pixels);
  EXPECT_TRUE(logits.equal(reference));
  EXPECT_FALSE(logits.equal(quantized));
}

TEST(FullPrecision, ConfigJsonKeepsWeightBitsAndDefaultsOldCheckpoints) {
  ModelConfig m = tinyConfig(32, 32);
  nlohmann::json j = nlohmann::json::parse(toJson(m));
  EXPECT_EQ(j.at("weight_bits").get<int64_t>(), 32);
  EXPECT_EQ(modelConfigFromJson(j.dump()).weightBits, 32);
  // A config written before the field existed is a binary-weight Q-SNN.
  j.erase("weight_bits");
  EXPECT_EQ(modelConfigFromJson(j.dump()).weightBits, 1);
  j["weight_bits"] = 3;
  try {
    modelConfigFromJson(j.dump());
    FAIL() << "weight_bits 3 accepted";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("weight bits must be 1 or 32"),
              std::string::npos)
        << e.what();
  }
}

TEST(FullPrecision, CheckpointRoundTripRestoresFloatLayers) {
  torch::manual_seed(13);
  Network network(tinyConfig(32, 32));
  const std::string path = scratch("fp.pt").string();
  saveCheckpoint(path, network, nullptr, TrainingState{});
  EXPECT_EQ(readCheckpointConfig(path).weightBits, 32);
  auto loaded = loadNetwork(path);
  EXPECT_EQ(loaded->config().weightBits, 32);
  for (const auto &unit : units(*loaded))
    EXPECT_EQ(unit->options().quant, WeightQuant::Float);
  network.eval();
  loaded->eval();
  torch::NoGradGuard noGrad;
  at::Tensor pixels = at::randint(0, 256, {2, 1, 28, 28}).to(at::kByte);
  EXPECT_TRUE(loaded->forward(pixels).equal(network.forward(pixels)));
  fs::remove_all(fs::path(path).parent_path());
}

TEST(FullPrecision, ExportUsesPlainFloatInitializers) {
  torch::manual_seed(14);
  Network network(tinyConfig(32, 32));
  onnx::ModelProto model = exportModel(network);
  EXPECT_NO_THROW(checkModelFully(model));
  std::vector<std::string> ops;
  for (const auto &node : model.graph().node())
    ops.push_back(node.op_type());
  EXPECT_EQ(ops,
            (std::vector<std::string>{
                "Cast", "Sub", "Mul", "Tile", "Conv", "BatchNormalization",
                "LIF", "AveragePool", "Conv", "BatchNormalization", "LIF",
                "AveragePool", "Flatten", "Gemm", "Reshape", "ReduceMean"}));

  // Each Conv/Gemm weight is an initializer holding the float weight.
  auto all = units(network);
  size_t next = 0;
  for (const auto &node : model.graph().node()) {
    if (node.op_type() != "Conv" && node.op_type() != "Gemm")
      continue;
    ASSERT_LT(next, all.size());
    const at::Tensor w = all[next++]->weight.contiguous();
    const onnx::TensorProto *init = nullptr;
    for (const auto &candidate : model.graph().initializer())
      if (candidate.name() == node.input(1))
        init = &candidate;
    ASSERT_NE(init, nullptr) << node.input(1);
    EXPECT_EQ(init->data_type(), onnx::TensorProto::FLOAT);
    EXPECT_EQ(std::vector<int64_t>(init->dims().begin(), init->dims().end()),
              w.sizes().vec());
    std::vector<float> values = floats(*init);
    ASSERT_EQ(values.size(), static_cast<size_t>(w.numel()));
    EXPECT_EQ(std::memcmp(values.data(), w.data_ptr<float>(),
                          values.size() * sizeof(float)),
              0);
  }
  EXPECT_EQ(next, all.size());
  // The LIFs say k = 32 (no membrane quantization).
  for (const auto &node : model.graph().node())
    if (node.op_type() == "LIF")
      for (const auto &attr : node.attribute())
        if (attr.name() == "membrane_bits")
          EXPECT_EQ(attr.i(), 32);
}

TEST(FullPrecision, ExportWritesTestVectorsOfTheFloatModel) {
  torch::manual_seed(15);
  Network network(tinyConfig(32, 32));
  const fs::path dir = scratch("model");
  at::Tensor inputs = at::randint(0, 256, {4, 1, 28, 28}).to(at::kByte);
  exportToDirectory(network, dir.string(), inputs);
  onnx::TensorProto out;
  std::ifstream outFile(dir / "test_data_set_0" / "output_0.pb",
                        std::ios::binary);
  ASSERT_TRUE(out.ParseFromIstream(&outFile));
  at::Tensor expected;
  {
    torch::NoGradGuard noGrad;
    network.eval();
    expected = network.meanOverTime(network.forward(inputs)).contiguous();
  }
  std::vector<float> values = floats(out);
  ASSERT_EQ(values.size(), 40u);
  EXPECT_EQ(std::memcmp(values.data(), expected.data_ptr<float>(),
                        40 * sizeof(float)),
            0);
  fs::remove_all(dir.parent_path());
}
