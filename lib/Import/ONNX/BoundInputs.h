//===- BoundInputs.h - graph inputs bound to TensorProto files --*- C++ -*-===//
//
// `--bind-input NAME=FILE` makes a graph input a compile-time constant: the
// ONNX node tests pass shapes and repeats as graph inputs whose values sit in
// test_data_set_*/input_<i>.pb, while qsnn compiles static programs.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_ONNX_BOUNDINPUTS_H
#define QSNN_LIB_IMPORT_ONNX_BOUNDINPUTS_H

#include "qsnn/Import/ImportONNX.h"

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

namespace onnx {
class ModelProto;
} // namespace onnx

namespace mlir::qsnn::onnx_import {

/// Reads every file of `options.boundInputs`, checks it against the graph
/// input's declared type and stores it as that input's initializer, so that
/// the importer, ONNX shape inference and the checker all see a constant.
/// Emits one error (at `modelPath`, naming the input and the file) and fails
/// on a missing or malformed file, an unknown input name or a dtype/shape
/// that disagrees with the declaration.
LogicalResult bindInputs(onnx::ModelProto &model,
                         const OnnxImportOptions &options,
                         llvm::StringRef modelPath, MLIRContext &context);

} // namespace mlir::qsnn::onnx_import

#endif // QSNN_LIB_IMPORT_ONNX_BOUNDINPUTS_H
