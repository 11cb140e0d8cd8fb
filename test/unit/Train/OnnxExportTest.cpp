//===- OnnxExportTest.cpp - The ai.qsnn v1 schema of docs/spec.md §5
//---------===//

#include "qsnn/Train/OnnxExport.h"
#include "TestModels.h"
#include "qsnn/Train/ModelExport.h"
#include "qsnn/Train/Quantizers.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

using namespace qsnn::train;
using namespace qsnn::train::test;
namespace fs = std::filesystem;

namespace {

/// 4-bit membranes firing on the quantized value, zero point 73.
ModelConfig config(const std::string &arch, int64_t c, int64_t hw,
                   int64_t steps) {
  ModelConfig m = imageModel(arch, c, hw, steps, 73.0f, 0.0125f);
  m.membraneBits = 4;
  m.fireOn = FireOn::Quantized;
  return m;
}

std::vector<std::string> opTypes(const onnx::ModelProto &model) {
  std::vector<std::string> ops;
  for (const auto &node : model.graph().node())
    ops.push_back(node.op_type());
  return ops;
}

const onnx::AttributeProto *attribute(const onnx::NodeProto &node,
                                      const std::string &name) {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

const onnx::TensorProto *initializer(const onnx::ModelProto &model,
                                     const std::string &name) {
  for (const auto &init : model.graph().initializer())
    if (init.name() == name)
      return &init;
  return nullptr;
}

std::map<std::string, std::string> metadata(const onnx::ModelProto &model) {
  std::map<std::string, std::string> props;
  for (const auto &prop : model.metadata_props())
    props[prop.key()] = prop.value();
  return props;
}

} // namespace

TEST(OnnxExport, TinyNetFollowsTheSchema) {
  Network network(config("tiny", 1, 28, 2));
  {
    torch::NoGradGuard noGrad;
    network.spikingLayers()[0]->named_buffers()["alpha_hat"].fill_(1.75f);
  }
  onnx::ModelProto model = exportModel(network);
  EXPECT_NO_THROW(checkModelFully(model));

  EXPECT_EQ(opTypes(model),
            (std::vector<std::string>{
                "Cast", "Sub", "Mul", "Tile", "Quant", "Conv",
                "BatchNormalization", "LIF", "AveragePool", "BipolarQuant",
                "Conv", "BatchNormalization", "LIF", "AveragePool", "Flatten",
                "Quant", "Gemm", "Reshape", "ReduceMean"}));
  std::map<std::string, int64_t> opsets;
  for (const auto &opset : model.opset_import())
    opsets[opset.domain()] = opset.version();
  EXPECT_EQ(opsets[""], 17);
  EXPECT_EQ(opsets["ai.qsnn"], 1);
  EXPECT_EQ(opsets["qonnx.custom_op.general"], 1);

  const auto &graph = model.graph();
  EXPECT_EQ(graph.input(0).type().tensor_type().elem_type(),
            onnx::TensorProto::UINT8);
  EXPECT_EQ(graph.output(0).type().tensor_type().elem_type(),
            onnx::TensorProto::FLOAT);

  const onnx::NodeProto &lif = graph.node(7);
  EXPECT_EQ(lif.domain(), "ai.qsnn");
  EXPECT_EQ(attribute(lif, "time_steps")->i(), 2);
  EXPECT_FLOAT_EQ(attribute(lif, "tau")->f(), 0.5f);
  EXPECT_FLOAT_EQ(attribute(lif, "threshold")->f(), 1.0f);
  EXPECT_EQ(attribute(lif, "membrane_bits")->i(), 4);
  EXPECT_EQ(attribute(lif, "levels")->s(), "signed");
  EXPECT_EQ(attribute(lif, "fire_on")->s(), "quantized");
  EXPECT_FLOAT_EQ(attribute(lif, "alpha_u")->f(), 1.75f);
  EXPECT_EQ(attribute(lif, "reset")->s(), "hard");

  const onnx::NodeProto &quant = graph.node(4);
  EXPECT_EQ(quant.domain(), "qonnx.custom_op.general");
  EXPECT_EQ(attribute(quant, "signed")->i(), 1);
  EXPECT_EQ(attribute(quant, "narrow")->i(), 1);
  EXPECT_EQ(attribute(quant, "rounding_mode")->s(), "ROUND");
  ASSERT_EQ(quant.input_size(), 4);
  EXPECT_EQ(initializer(model, quant.input(3))->dims_size(), 0); // scalar 8

  // BipolarQuant(W-hat, alpha) with alpha per output channel [O, 1, 1, 1].
  const onnx::NodeProto &bipolar = graph.node(9);
  EXPECT_EQ(bipolar.domain(), "qonnx.custom_op.general");
  const onnx::TensorProto *alpha = initializer(model, bipolar.input(1));
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ(std::vector<int64_t>(alpha->dims().begin(), alpha->dims().end()),
            (std::vector<int64_t>{32, 1, 1, 1}));
  const onnx::TensorProto *zp = initializer(model, graph.node(1).input(1));
  EXPECT_EQ(std::vector<int64_t>(zp->dims().begin(), zp->dims().end()),
            (std::vector<int64_t>{1, 1, 1, 1}));
  float zpValue;
  std::memcpy(&zpValue, zp->raw_data().data(), sizeof(float));
  EXPECT_EQ(zpValue, 73.0f);

  const onnx::NodeProto &mean = graph.node(18);
  EXPECT_EQ(attribute(mean, "axes")->ints(0), 0);
  EXPECT_EQ(attribute(mean, "keepdims")->i(), 0);

  auto props = metadata(model);
  EXPECT_EQ(props["qsnn.schema_version"], "1");
  EXPECT_EQ(props["qsnn.time_steps"], "2");
  EXPECT_EQ(props["qsnn.input_kind"], "static");
}

TEST(OnnxExport, ResidualBlocksUseAddBeforeTheLIF) {
  Network network(config("resnet19", 3, 8, 1));
  onnx::ModelProto model = exportModel(network);
  EXPECT_NO_THROW(checkModelFully(model));
  std::map<std::string, int> counts;
  for (const std::string &op : opTypes(model))
    ++counts[op];
  EXPECT_EQ(counts["Add"], 8);
  EXPECT_EQ(counts["LIF"], 17);
  EXPECT_EQ(counts["BipolarQuant"], 18); // 16 block convs + 2 projections
  EXPECT_EQ(counts["Quant"], 2);
  EXPECT_EQ(counts["GlobalAveragePool"], 1);
  const auto &nodes = model.graph().node();
  for (int i = 0; i < nodes.size(); ++i)
    if (nodes[i].op_type() == "Add")
      EXPECT_EQ(nodes[i + 1].op_type(), "LIF");
}

TEST(OnnxExport, EventInputIsReshapedNotNormalized) {
  ModelConfig m = config("tiny", 2, 16, 3);
  m.inputKind = qsnn::data::InputKind::Events;
  m.zeroPoint.clear();
  m.scale.clear();
  Network network(m);
  onnx::ModelProto model = exportModel(network);
  EXPECT_NO_THROW(checkModelFully(model));
  EXPECT_EQ(opTypes(model)[1], "Reshape");
  EXPECT_EQ(model.graph().input(0).type().tensor_type().shape().dim_size(), 5);
}

TEST(OnnxExport, WritesModelAndBackendTestVectors) {
  Network network(config("tiny", 1, 28, 2));
  const fs::path dir = fs::temp_directory_path() /
                       ("qsnn-export-test-" + std::to_string(::getpid()));
  at::Tensor inputs = at::randint(0, 256, {3, 1, 28, 28}).to(at::kByte);
  exportToDirectory(network, dir.string(), inputs);
  onnx::TensorProto in, out;
  std::ifstream inFile(dir / "test_data_set_0" / "input_0.pb",
                       std::ios::binary);
  std::ifstream outFile(dir / "test_data_set_0" / "output_0.pb",
                        std::ios::binary);
  ASSERT_TRUE(in.ParseFromIstream(&inFile));
  ASSERT_TRUE(out.ParseFromIstream(&outFile));
  EXPECT_EQ(in.data_type(), onnx::TensorProto::UINT8);
  EXPECT_EQ(in.dims_size(), 4);
  EXPECT_EQ(out.data_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(std::vector<int64_t>(out.dims().begin(), out.dims().end()),
            (std::vector<int64_t>{3, 10}));
  // The expected logits are the eval-mode float model's.
  at::Tensor expected;
  {
    torch::NoGradGuard noGrad;
    network.eval();
    expected = network.meanOverTime(network.forward(inputs)).contiguous();
  }
  EXPECT_EQ(out.raw_data().size(), 30 * sizeof(float));
  EXPECT_EQ(std::memcmp(out.raw_data().data(), expected.data_ptr<float>(),
                        30 * sizeof(float)),
            0);
  onnx::ModelProto model;
  std::ifstream modelFile(dir / "model.onnx", std::ios::binary);
  EXPECT_TRUE(model.ParseFromIstream(&modelFile));
  for (const auto &entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos);
  fs::remove_all(dir);
}
