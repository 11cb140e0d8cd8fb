//===- NirCalibration.cpp - membrane ranges of a NIR graph ----------------===//
#include "NirCalibration.h"

#include "qsnn/Import/ImportONNX.h"
#include "qsnn/Target/CPU/JIT.h"

#include "qsnn_abi.h"

#include <onnx/onnx_pb.h>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::qsnn;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

int64_t perStep(const qsnn_tensor_desc &desc) {
  int64_t n = 1;
  for (int32_t d = 2; d < desc.rank; ++d)
    n *= desc.shape[d];
  return n;
}

/// The sorted test_data_set_* folders of `dir`.
llvm::Expected<std::vector<std::string>> listSets(llvm::StringRef dir) {
  std::vector<std::string> sets;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::filename(it->path()).starts_with("test_data_set_"))
      sets.push_back(it->path());
  if (ec)
    return makeError("--calibration-data " + dir + ": " + ec.message());
  if (sets.empty())
    return makeError("--calibration-data " + dir +
                     " holds no test_data_set_* folder");
  std::sort(sets.begin(), sets.end());
  return sets;
}

/// input_<j>.pb of `set`: uint8 [T, S, shape...] matching `desc` but for S.
llvm::Expected<onnx::TensorProto> readInput(const std::string &set, int j,
                                            const qsnn_tensor_desc &desc) {
  std::string path = set + "/input_" + std::to_string(j) + ".pb";
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError("cannot read " + path + ": " +
                     buffer.getError().message());
  onnx::TensorProto tensor;
  if (!tensor.ParseFromString((*buffer)->getBuffer().str()))
    return makeError(path + ": not an ONNX TensorProto");
  if (std::string problem = validateTensorFile(tensor, path); !problem.empty())
    return makeError(problem);
  bool shaped = tensor.data_type() == onnx::TensorProto::UINT8 &&
                tensor.dims_size() == desc.rank &&
                tensor.dims(0) == desc.shape[0] && tensor.dims(1) > 0;
  for (int32_t d = 2; shaped && d < desc.rank; ++d)
    shaped = tensor.dims(d) == desc.shape[d];
  std::string expected = "[" + std::to_string(desc.shape[0]) + ", S";
  for (int32_t d = 2; d < desc.rank; ++d)
    expected += ", " + std::to_string(desc.shape[d]);
  if (!shaped)
    return makeError(path + ": input '" + (desc.name ? desc.name : "") +
                     "' needs uint8 frames " + expected +
                     "] (T steps, S samples)");
  if (tensor.raw_data().empty()) // int32_data holds uint8 values
    for (int32_t v : tensor.int32_data())
      tensor.mutable_raw_data()->push_back(static_cast<char>(v));
  return tensor;
}

} // namespace

llvm::Expected<NirCalibration> qsnn::calibrateNir(MLIRContext &context,
                                                  llvm::StringRef path,
                                                  NirImportOptions options,
                                                  llvm::StringRef dir) {
  auto sets = listSets(dir);
  if (!sets)
    return sets.takeError();
  options.exposeMembranes = true;
  options.quantization.reset();
  OwningOpRef<ModuleOp> module = importNirFile(path, context, options);
  if (!module)
    return makeError("the float model for calibration did not import");
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  ModelDescription description;
  auto engine = cpu::compileForJIT(*module, options.functionName, "calibrate",
                                   description);
  if (!engine)
    return engine.takeError();
  auto run = (*engine)->lookup("calibrate_run");
  auto info = (*engine)->lookup("calibrate_info");
  if (!run || !info) {
    llvm::consumeError(run.takeError());
    llvm::consumeError(info.takeError());
    return makeError("the JIT-compiled float model has no entry points");
  }
  const qsnn_model_info &model = *reinterpret_cast<qsnn_info_fn>(*info)();
  auto runFn = reinterpret_cast<qsnn_run_fn>(*run);
  int64_t steps = options.timeSteps, batch = options.batchSize;

  std::vector<std::vector<uint8_t>> in(model.num_inputs);
  std::vector<std::vector<float>> out(model.num_outputs);
  for (int32_t k = 0; k < model.num_inputs; ++k)
    in[k].resize(steps * batch * perStep(model.inputs[k]));
  for (int32_t k = 0; k < model.num_outputs; ++k)
    out[k].resize(steps * batch * perStep(model.outputs[k]));
  std::vector<float> largest(model.num_outputs, 0.0f);
  size_t bytes = model.workspace_bytes + QSNN_WORKSPACE_ALIGNMENT;
  std::unique_ptr<char, decltype(&std::free)> raw(
      static_cast<char *>(std::malloc(bytes)), &std::free);
  void *workspace = reinterpret_cast<void *>(
      (reinterpret_cast<uintptr_t>(raw.get()) + QSNN_WORKSPACE_ALIGNMENT - 1) &
      ~uintptr_t(QSNN_WORKSPACE_ALIGNMENT - 1));

  NirCalibration result;
  for (const std::string &set : *sets) {
    std::vector<onnx::TensorProto> tensors;
    for (int32_t k = 0; k < model.num_inputs; ++k) {
      auto tensor = readInput(set, k, model.inputs[k]);
      if (!tensor)
        return tensor.takeError();
      if (k > 0 && tensor->dims(1) != tensors.front().dims(1))
        return makeError(set + ": the inputs hold different sample counts");
      tensors.push_back(std::move(*tensor));
    }
    int64_t samples = tensors.front().dims(1);
    for (int64_t first = 0; first < samples; first += batch) {
      int64_t count = std::min(batch, samples - first);
      std::vector<const void *> inputs;
      for (int32_t k = 0; k < model.num_inputs; ++k) {
        int64_t size = perStep(model.inputs[k]);
        std::fill(in[k].begin(), in[k].end(), 0);
        for (int64_t t = 0; t < steps; ++t)
          std::memcpy(in[k].data() + t * batch * size,
                      tensors[k].raw_data().data() +
                          (t * samples + first) * size,
                      count * size);
        inputs.push_back(in[k].data());
      }
      std::vector<void *> outputs;
      for (auto &buffer : out)
        outputs.push_back(buffer.data());
      runFn(inputs.data(), outputs.data(), workspace, model.workspace_bytes);
      // Only the real samples of a zero-padded last chunk count.
      for (int32_t k = 0; k < model.num_outputs; ++k) {
        int64_t size = perStep(model.outputs[k]);
        for (int64_t t = 0; t < steps; ++t)
          for (int64_t i = 0; i < count * size; ++i)
            largest[k] =
                std::max(largest[k], std::fabs(out[k][t * batch * size + i]));
      }
    }
    result.samples += samples;
  }
  for (int32_t k = 0; k < model.num_outputs; ++k) {
    llvm::StringRef name = model.outputs[k].name ? model.outputs[k].name : "";
    if (name.consume_front("membrane:"))
      result.alphaU[name.str()] = largest[k] > 0.0f ? largest[k] : 1.0;
  }
  return result;
}

std::string qsnn::formatCalibration(const NirCalibration &calibration,
                                    int64_t weightBits, int64_t membraneBits) {
  llvm::json::Object alpha;
  for (const auto &[node, value] : calibration.alphaU)
    alpha[node] = value;
  llvm::json::Object root{{"weight_bits", weightBits},
                          {"membrane_bits", membraneBits},
                          {"samples", calibration.samples},
                          {"alpha_u", std::move(alpha)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return text;
}
