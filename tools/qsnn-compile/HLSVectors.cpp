//===- HLSVectors.cpp - integer test vectors for the HLS project ----------===//
#include "HLSVectors.h"

#include "qsnn/Import/ImportONNX.h"
#include "qsnn/Target/CPU/JIT.h"

#include "qsnn_abi.h"

#include <onnx/onnx_pb.h>

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::qsnn;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

int64_t elements(const qsnn_tensor_desc &desc) {
  int64_t n = 1;
  for (int32_t d = 0; d < desc.rank; ++d)
    n *= desc.shape[d];
  return n;
}

/// The uint8 values of `path` if it is a TensorProto shaped like `desc`
/// except for a leading batch of any multiple-of-one size.
llvm::Expected<std::pair<onnx::TensorProto, std::string>>
readInputs(llvm::StringRef path, const qsnn_tensor_desc &desc) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError("cannot read " + path + ": " +
                     buffer.getError().message());
  onnx::TensorProto tensor;
  if (!tensor.ParseFromString((*buffer)->getBuffer().str()))
    return makeError(path + ": not an ONNX TensorProto");
  // Sizes and values first: a declared shape must not allocate by itself.
  if (std::string problem = validateTensorFile(
          tensor, (path + ": tensor '" + tensor.name() + "'").str());
      !problem.empty())
    return makeError(problem);
  if (tensor.data_type() != onnx::TensorProto::UINT8)
    return makeError(path +
                     ": the HLS kernel takes uint8 inputs, the tensor "
                     "holds data_type " +
                     llvm::Twine(tensor.data_type()));
  if (desc.batch_dim != 0 || tensor.dims_size() != desc.rank)
    return makeError(path + ": inputs of rank " +
                     llvm::Twine(tensor.dims_size()) +
                     " do not match the "
                     "kernel's input of rank " +
                     llvm::Twine(desc.rank));
  int64_t count = 1;
  for (int32_t d = 0; d < desc.rank; ++d) {
    if (d > 0 && tensor.dims(d) != desc.shape[d])
      return makeError(path + ": dimension " + llvm::Twine(d) + " is " +
                       llvm::Twine(tensor.dims(d)) + ", the kernel's is " +
                       llvm::Twine(desc.shape[d]));
    count *= tensor.dims(d);
  }
  std::string bytes = tensor.raw_data();
  if (bytes.empty())
    for (int32_t v : tensor.int32_data())
      bytes.push_back(static_cast<char>(v));
  if (static_cast<int64_t>(bytes.size()) != count || count == 0)
    return makeError(path + ": " + llvm::Twine(bytes.size()) +
                     " values for dims of " + llvm::Twine(count));
  return std::make_pair(std::move(tensor), std::move(bytes));
}

/// Runs `run` over `samples` samples of `pixels` in chunks of the compiled
/// batch, the last chunk zero-padded; returns the logits of every sample.
std::vector<int64_t> runChunks(qsnn_run_fn run, const qsnn_model_info &info,
                               const std::string &pixels, int64_t samples) {
  int64_t batch = info.batch;
  int64_t inPerSample = elements(info.inputs[0]) / batch;
  int64_t outPerSample = elements(info.outputs[0]) / batch;
  std::vector<uint8_t> in(batch * inPerSample);
  std::vector<int64_t> out(batch * outPerSample), logits;
  size_t bytes = info.workspace_bytes + QSNN_WORKSPACE_ALIGNMENT;
  void *raw = std::malloc(bytes ? bytes : 1);
  void *workspace = reinterpret_cast<void *>(
      (reinterpret_cast<uintptr_t>(raw) + QSNN_WORKSPACE_ALIGNMENT - 1) &
      ~uintptr_t(QSNN_WORKSPACE_ALIGNMENT - 1));
  for (int64_t first = 0; first < samples; first += batch) {
    int64_t count = std::min(batch, samples - first);
    std::fill(in.begin(), in.end(), 0);
    std::memcpy(in.data(), pixels.data() + first * inPerSample,
                count * inPerSample);
    const void *inputs[] = {in.data()};
    void *outputs[] = {out.data()};
    run(inputs, outputs, workspace, info.workspace_bytes);
    logits.insert(logits.end(), out.begin(),
                  out.begin() + count * outPerSample);
  }
  std::free(raw);
  return logits;
}

} // namespace

llvm::Expected<std::vector<std::pair<std::string, std::string>>>
qsnn::makeIntegerVectors(ModuleOp module, llvm::StringRef functionName,
                         llvm::StringRef inputPath) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  OwningOpRef<ModuleOp> copy = module.clone();
  ModelDescription description;
  auto engine = cpu::compileForJIT(*copy, functionName, "vectors", description);
  if (!engine)
    return engine.takeError();
  auto run = (*engine)->lookup("vectors_run");
  auto info = (*engine)->lookup("vectors_info");
  if (!run || !info) {
    llvm::consumeError(run.takeError());
    llvm::consumeError(info.takeError());
    return makeError("the JIT-compiled model has no entry points");
  }
  const qsnn_model_info &modelInfo = *reinterpret_cast<qsnn_info_fn>(*info)();
  if (modelInfo.num_inputs != 1 || modelInfo.num_outputs != 1)
    return makeError("the HLS kernel has one input and one output");
  auto inputs = readInputs(inputPath, modelInfo.inputs[0]);
  if (!inputs)
    return inputs.takeError();
  auto &[inputTensor, pixels] = *inputs;
  int64_t samples = inputTensor.dims(0);
  std::vector<int64_t> logits = runChunks(reinterpret_cast<qsnn_run_fn>(*run),
                                          modelInfo, pixels, samples);

  onnx::TensorProto output;
  output.set_name(modelInfo.outputs[0].name ? modelInfo.outputs[0].name
                                            : "logits");
  output.set_data_type(onnx::TensorProto::INT64);
  output.add_dims(samples);
  for (int32_t d = 1; d < modelInfo.outputs[0].rank; ++d)
    output.add_dims(modelInfo.outputs[0].shape[d]);
  output.set_raw_data(std::string(reinterpret_cast<const char *>(logits.data()),
                                  logits.size() * sizeof(int64_t)));
  onnx::TensorProto input;
  input.set_name(inputTensor.name());
  input.set_data_type(onnx::TensorProto::UINT8);
  for (int64_t d : inputTensor.dims())
    input.add_dims(d);
  input.set_raw_data(pixels);
  return std::vector<std::pair<std::string, std::string>>{
      {"input_0.pb", input.SerializeAsString()},
      {"output_0.pb", output.SerializeAsString()}};
}
