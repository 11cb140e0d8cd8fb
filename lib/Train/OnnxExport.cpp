//===- OnnxExport.cpp - Q-SNN to ONNX (schema ai.qsnn v1) -----------------===//

#include "qsnn/Train/OnnxExport.h"
#include "qsnn/Train/OnnxGraphBuilder.h"
#include "qsnn/Train/Quantizers.h"

#include <ATen/ATen.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>
#include <torch/autograd.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace qsnn::train {

namespace {

/// Emits stages in order. Each emitted value is paired with a "shadow" torch
/// tensor of the same shape (a one-sample forward) so that the outputs of
/// custom ops, which ONNX cannot infer, get exact value_info shapes.
class StageEmitter {
public:
  explicit StageEmitter(OnnxGraphBuilder &b) : b_(b) {}

  struct Value {
    std::string name;
    at::Tensor shadow;
  };

  Value unit(SynapseUnit &unit, const Value &in) {
    const SynapseOptions &o = unit.options();
    std::string w = quantizedWeight(unit);
    std::vector<std::string> inputs = {in.name, w};
    if (unit.bias.defined())
      inputs.push_back(b_.initializer("bias", unit.bias));
    Value out{"", unit.current(in.shadow)};
    if (o.kind == SynapseKind::Conv) {
      auto &node = b_.node("Conv", inputs, "conv");
      setAttribute(node, "kernel_shape",
                   std::vector<int64_t>{o.kernel, o.kernel});
      setAttribute(node, "strides", std::vector<int64_t>{o.stride, o.stride});
      setAttribute(node, "pads", std::vector<int64_t>(4, o.padding));
      out.name = node.output(0);
    } else {
      auto &node = b_.node("Gemm", inputs, "gemm");
      setAttribute(node, "transB", int64_t{1});
      out.name = node.output(0);
    }
    if (unit.bn2d || unit.bn1d)
      out.name = batchNorm(unit, out.name);
    if (unit.lif)
      return lif(*unit.lif, out.name, out.shadow);
    return out;
  }

  Value lif(LIF &neuron, const std::string &in, const at::Tensor &shadow) {
    const LIFOptions &o = neuron.options();
    auto &node = b_.node("LIF", {in}, "spikes", kQsnnDomain);
    setAttribute(node, "time_steps", o.timeSteps);
    setAttribute(node, "tau", o.tau);
    setAttribute(node, "threshold", o.threshold);
    setAttribute(node, "membrane_bits", o.membraneBits);
    setAttribute(node, "levels", toString(o.levels));
    setAttribute(node, "fire_on", toString(o.fireOn));
    setAttribute(node, "alpha_u", neuron.alphaHat());
    setAttribute(node, "reset", std::string("hard"));
    at::Tensor out = neuron.forward(shadow);
    b_.floatValueInfo(node.output(0), symbolicBatch(out));
    return {node.output(0), out};
  }

  Value stage(Stage &stage, const Value &in) {
    if (auto *u = dynamic_cast<SynapseUnit *>(&stage))
      return unit(*u, in);
    if (auto *pool = dynamic_cast<PoolStage *>(&stage))
      return poolStage(*pool, in);
    if (dynamic_cast<FlattenStage *>(&stage)) {
      auto &node = b_.node("Flatten", {in.name}, "flat");
      setAttribute(node, "axis", int64_t{1});
      return {node.output(0), stage.forward(in.shadow)};
    }
    if (auto *block = dynamic_cast<BasicBlock *>(&stage)) {
      Value main = unit(*block->conv2, unit(*block->conv1, in));
      Value skip = block->shortcut ? unit(*block->shortcut, in) : in;
      auto &add = b_.node("Add", {main.name, skip.name}, "residual");
      return lif(*block->lif, add.output(0), main.shadow + skip.shadow);
    }
    throw ExportError("export: stage '" + stage.name() + "' has no ONNX form");
  }

private:
  std::string quantizedWeight(SynapseUnit &unit) {
    const SynapseOptions &o = unit.options();
    // Full-precision layers feed the initializer straight into Conv/Gemm:
    // a float weight needs no quantizer node, and the initializer carries
    // its own shape.
    if (o.quant == WeightQuant::Float)
      return b_.initializer("w", unit.weight);
    std::string out;
    if (o.quant == WeightQuant::Binary) {
      // BipolarQuant(W_hat, alpha) = alpha * sign(W_hat), sign(0) = +1.
      at::Tensor wHat = standardizeWeight(unit.weight, o.weightNorm);
      std::string w = b_.initializer("w_hat", wHat);
      std::string alpha = b_.initializer("alpha_w", channelScale(wHat));
      out =
          b_.node("BipolarQuant", {w, alpha}, "w_bin", kQonnxDomain).output(0);
    } else {
      std::string w = b_.initializer("w", unit.weight);
      std::string s = b_.initializer("w_scale", int8Scale(unit.weight));
      std::string zp = b_.initializer("w_zero", at::zeros({}, at::kFloat));
      std::string bits =
          b_.initializer("w_bits", at::full({}, 8.0f, at::kFloat));
      auto &node = b_.node("Quant", {w, s, zp, bits}, "w_q8", kQonnxDomain);
      setAttribute(node, "signed", int64_t{1});
      setAttribute(node, "narrow", int64_t{1});
      setAttribute(node, "rounding_mode", std::string("ROUND"));
      out = node.output(0);
    }
    b_.floatValueInfo(out, unit.weight.sizes().vec());
    return out;
  }

  std::string batchNorm(SynapseUnit &unit, const std::string &in) {
    at::Tensor gamma, beta, mean, var;
    double eps;
    if (unit.bn2d) {
      gamma = unit.bn2d->weight, beta = unit.bn2d->bias;
      mean = unit.bn2d->running_mean, var = unit.bn2d->running_var;
      eps = unit.bn2d->options.eps();
    } else {
      gamma = unit.bn1d->weight, beta = unit.bn1d->bias;
      mean = unit.bn1d->running_mean, var = unit.bn1d->running_var;
      eps = unit.bn1d->options.eps();
    }
    auto &node = b_.node(
        "BatchNormalization",
        {in, b_.initializer("bn_scale", gamma), b_.initializer("bn_bias", beta),
         b_.initializer("bn_mean", mean), b_.initializer("bn_var", var)},
        "bn");
    setAttribute(node, "epsilon", eps);
    return node.output(0);
  }

  Value poolStage(PoolStage &pool, const Value &in) {
    std::vector<int64_t> k = {pool.kernel, pool.kernel};
    onnx::NodeProto *node;
    if (pool.kind == PoolKind::GlobalAverage) {
      node = &b_.node("GlobalAveragePool", {in.name}, "gap");
    } else {
      node =
          &b_.node(pool.kind == PoolKind::Average ? "AveragePool" : "MaxPool",
                   {in.name}, "pool");
      setAttribute(*node, "kernel_shape", k);
      setAttribute(*node, "strides", k);
    }
    return {node->output(0), pool.forward(in.shadow)};
  }

  /// Shape of a shadow tensor with its merged T*N dimension made symbolic.
  static std::vector<int64_t> symbolicBatch(const at::Tensor &shadow) {
    std::vector<int64_t> dims = shadow.sizes().vec();
    dims[0] = -1;
    return dims;
  }

  OnnxGraphBuilder &b_;
};

void addMetadata(onnx::ModelProto &model, const std::string &key,
                 const std::string &value) {
  auto *prop = model.add_metadata_props();
  prop->set_key(key);
  prop->set_value(value);
}

} // namespace

onnx::ModelProto exportModel(Network &network) {
  torch::NoGradGuard noGrad;
  network.eval();
  const ModelConfig &config = network.config();
  const int64_t steps = config.timeSteps, c = config.channels;

  onnx::ModelProto model;
  model.set_ir_version(8); // The IR of opset 17 (ONNX 1.12).
  model.set_producer_name("qsnn-train");
  model.set_producer_version("0.1.0");
  auto addOpset = [&](const std::string &domain, int64_t version) {
    auto *opset = model.add_opset_import();
    opset->set_domain(domain);
    opset->set_version(version);
  };
  addOpset("", kOnnxOpset);
  addOpset(kQsnnDomain, 1);
  addOpset(kQonnxDomain, 1);

  onnx::GraphProto &graph = *model.mutable_graph();
  graph.set_name("qsnn_" + config.arch);
  OnnxGraphBuilder b(graph);
  StageEmitter emit(b);

  const bool events = config.inputKind == qsnn::data::InputKind::Events;
  onnx::ValueInfoProto &input = *graph.add_input();
  input.set_name(b.uniqueName("input"));
  std::vector<int64_t> inputDims = {-1, c, config.height, config.width};
  if (events)
    inputDims.insert(inputDims.begin(), steps);
  setTensorType(input, onnx::TensorProto::UINT8, inputDims, "N");

  auto &cast = b.node("Cast", {input.name()}, "input_f32");
  setAttribute(cast, "to", int64_t{onnx::TensorProto::FLOAT});
  StageEmitter::Value x{cast.output(0), {}};
  if (!events) {
    at::Tensor zp = at::tensor(config.zeroPoint).view({1, c, 1, 1});
    at::Tensor sc = at::tensor(config.scale).view({1, c, 1, 1});
    x.name =
        b.node("Sub", {x.name, b.initializer("zero_point", zp)}, "centered")
            .output(0);
    x.name = b.node("Mul", {x.name, b.initializer("scale", sc)}, "normalized")
                 .output(0);
    x.name = b.node("Tile",
                    {x.name, b.int64Initializer("repeats", {steps, 1, 1, 1})},
                    "repeated")
                 .output(0);
    x.shadow = at::zeros({steps, c, config.height, config.width});
  } else {
    x.name = b.node("Reshape",
                    {x.name,
                     b.int64Initializer("merged_shape",
                                        {-1, c, config.height, config.width})},
                    "merged")
                 .output(0);
    x.shadow = at::zeros({steps, c, config.height, config.width});
  }
  for (const auto &stage : network.stages())
    x = emit.stage(*stage, x);

  const int64_t k = config.numClasses;
  std::string perStep =
      b.node("Reshape",
             {x.name, b.int64Initializer("readout_shape", {steps, -1, k})},
             "step_logits")
          .output(0);
  auto &mean = b.node("ReduceMean", {perStep}, "logits");
  setAttribute(mean, "axes", std::vector<int64_t>{0});
  setAttribute(mean, "keepdims", int64_t{0});
  onnx::ValueInfoProto &output = *graph.add_output();
  output.set_name(mean.output(0));
  setTensorType(output, onnx::TensorProto::FLOAT, {-1, k}, "N");

  addMetadata(model, "qsnn.schema_version", "1");
  addMetadata(model, "qsnn.time_steps", std::to_string(steps));
  addMetadata(model, "qsnn.input_kind", toString(config.inputKind));
  addMetadata(model, "qsnn.arch", config.arch);
  addMetadata(model, "qsnn.dataset", config.dataset);
  if (!config.classNames.empty())
    addMetadata(model, "qsnn.class_names",
                nlohmann::json(config.classNames).dump());
  return model;
}

void checkModelFully(const onnx::ModelProto &model) {
  try {
    onnx::checker::check_model(model);
    onnx::ModelProto inferred = model;
    onnx::ShapeInferenceOptions strict(/*check_type=*/true,
                                       /*strict_mode=*/1);
    onnx::shape_inference::InferShapes(
        inferred, onnx::OpSchemaRegistry::Instance(), strict);
  } catch (const std::exception &e) {
    throw ExportError(std::string("ONNX check failed: ") + e.what());
  }
}

void writeProtoAtomically(const google::protobuf::MessageLite &message,
                          const std::string &path) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out || !message.SerializeToOstream(&out) || !out.flush()) {
      std::filesystem::remove(temp);
      throw ExportError("cannot write '" + path + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp);
    throw ExportError("cannot write '" + path + "': " + ec.message());
  }
}

} // namespace qsnn::train
