//===- TestVectors.cpp - model.onnx plus ONNX backend-test vectors --------===//

#include "qsnn/Train/ModelExport.h"
#include "qsnn/Train/OnnxExport.h"
#include "qsnn/Train/OnnxGraphBuilder.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace qsnn::train {

namespace {

/// Writes test_data_set_0 into a fresh temporary folder, then swaps it in.
void writeTestVectors(Network &network, const fs::path &dir,
                      const onnx::ModelProto &model, const at::Tensor &inputs) {
  at::Tensor logits;
  {
    torch::NoGradGuard noGrad;
    network.eval();
    logits = network.meanOverTime(network.forward(inputs));
  }
  const fs::path final = dir / "test_data_set_0";
  const fs::path temp =
      dir / (".test_data_set_0.tmp." + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(temp, ec);
  if (!fs::create_directories(temp, ec) || ec)
    throw ExportError("cannot create '" + temp.string() + "'");
  try {
    writeProtoAtomically(toTensorProto(inputs, model.graph().input(0).name()),
                         (temp / "input_0.pb").string());
    writeProtoAtomically(toTensorProto(logits, model.graph().output(0).name()),
                         (temp / "output_0.pb").string());
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
  fs::remove_all(final, ec);
  fs::rename(temp, final, ec);
  if (ec) {
    fs::remove_all(temp, ec);
    throw ExportError("cannot move test vectors into '" + final.string() + "'");
  }
}

} // namespace

void exportToDirectory(Network &network, const std::string &dir,
                       const at::Tensor &testInputs) {
  onnx::ModelProto model = exportModel(network);
  checkModelFully(model);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw ExportError("cannot create output directory '" + dir + "'");
  if (testInputs.defined())
    writeTestVectors(network, dir, model, testInputs);
  writeProtoAtomically(model, (fs::path(dir) / "model.onnx").string());
}

} // namespace qsnn::train
