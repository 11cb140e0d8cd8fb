//===- BoundInputs.cpp - graph inputs bound to TensorProto files ----------===//
//
// A bound input keeps its place among the graph inputs and gets the file's
// tensor as its initializer: an input with an initializer is a constant for
// the importer (not a function argument), for ONNX shape inference and for
// the checker, exactly like a model-supplied default.
//
//===----------------------------------------------------------------------===//
#include "BoundInputs.h"

#include "IRBuilders.h"
#include "ModelValidation.h"
#include "OnnxModelIO.h"
#include "TensorData.h"

#include <onnx/onnx_pb.h>

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

/// Checks `tensor` against the declared type of graph input `input`; returns
/// the reason for a mismatch, or an empty string.
std::string checkDeclaredType(const onnx::TensorProto &tensor,
                              const onnx::ValueInfoProto &input) {
  if (!input.type().has_tensor_type())
    return "the graph input is not a tensor";
  const onnx::TypeProto::Tensor &declared = input.type().tensor_type();
  if (declared.elem_type() != kUndefined &&
      declared.elem_type() != tensor.data_type())
    return "dtype " + dtypeName(tensor.data_type()) +
           " differs from the graph input's declared " +
           dtypeName(declared.elem_type());
  if (!declared.has_shape())
    return "";
  SmallVector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
  SmallVector<int64_t> expected;
  bool same = declared.shape().dim_size() == static_cast<int>(dims.size());
  for (auto [i, dim] : llvm::enumerate(declared.shape().dim())) {
    bool fixed = dim.has_dim_value() && dim.dim_value() >= 0;
    expected.push_back(fixed ? dim.dim_value() : -1);
    if (same && fixed && dim.dim_value() != dims[i])
      same = false;
  }
  if (same)
    return "";
  return "shape " + formatShape(dims) +
         " differs from the graph input's declared " + formatShape(expected);
}

} // namespace

LogicalResult onnx_import::bindInputs(onnx::ModelProto &model,
                                      const OnnxImportOptions &options,
                                      llvm::StringRef modelPath,
                                      MLIRContext &context) {
  // Without a graph the importer reports the model itself.
  if (options.boundInputs.empty() || !model.has_graph())
    return success();
  onnx::GraphProto &graph = *model.mutable_graph();
  Location fileLoc = FileLineColLoc::get(&context, modelPath, 0, 0);
  for (const auto &[name, file] : options.boundInputs) {
    Location loc = NameLoc::get(StringAttr::get(&context, name), fileLoc);
    auto fail = [&, &name = name, &file = file]() {
      InFlightDiagnostic diag = emitError(loc);
      diag << "bound input '" << name << "' ('" << file << "'): ";
      return diag;
    };
    const onnx::ValueInfoProto *input = nullptr;
    for (const onnx::ValueInfoProto &candidate : graph.input())
      if (candidate.name() == name)
        input = &candidate;
    if (!input) {
      InFlightDiagnostic diag = fail() << "the model has no graph input '"
                                       << name << "' (graph inputs: ";
      llvm::interleaveComma(graph.input(), diag,
                            [&](const onnx::ValueInfoProto &candidate) {
                              diag << candidate.name();
                            });
      return diag << ")";
    }
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return fail() << "cannot read the file: " << buffer.getError().message();
    onnx::TensorProto tensor;
    std::string message = parseTensor((*buffer)->getBuffer(), tensor);
    if (!message.empty())
      return fail() << message;
    message = validateTensor(tensor, "the tensor", /*modelDir=*/"");
    if (!message.empty())
      return fail() << message;
    message = checkDeclaredType(tensor, *input);
    if (!message.empty())
      return fail() << message;
    // Decoding now reports truncated or inconsistent data against the file.
    tensor.set_name(name);
    if (!decodeTensor(&context, tensor, message))
      return fail() << message;
    onnx::TensorProto *initializer = nullptr;
    for (onnx::TensorProto &existing : *graph.mutable_initializer())
      if (existing.name() == name)
        initializer = &existing;
    if (!initializer)
      initializer = graph.add_initializer();
    *initializer = std::move(tensor);
  }
  return success();
}
