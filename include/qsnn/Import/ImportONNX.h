//===- ImportONNX.h - ONNX models to the qsnn dialect -----------*- C++ -*-===//
//
// Turns an ONNX model (schema ai.qsnn v1, docs/spec.md §5) into one func.func on
// static tensors: qsnn ops for the Q-SNN layers and upstream linalg / tensor /
// arith ops for the rest of the standard operator set. docs/import.md lists
// the supported ops and the IR contract that the lowering relies on.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_IMPORT_IMPORTONNX_H
#define QSNN_IMPORT_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <string>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace onnx {
class TensorProto;
} // namespace onnx

namespace mlir::qsnn {

struct OnnxImportOptions {
  /// Extent given to every symbolic or unknown dimension of a graph input.
  int64_t batchSize = 1;
  /// Name of the generated function.
  std::string functionName = "forward";
  /// Graph inputs made compile-time constants: input name -> path of a
  /// serialized onnx TensorProto (as in test_data_set_*/input_<i>.pb). The
  /// tensor must match the input's declared dtype and shape (symbolic
  /// dimensions match any extent); it then acts exactly like an initializer
  /// and is listed in the module attribute `qsnn.bound_inputs`.
  std::map<std::string, std::string> boundInputs;
};

/// Parses a binary .onnx file, or onnxtext when the file starts with '<' or
/// its name ends in .onnxtxt, and imports it. Returns null after emitting
/// diagnostics on `context` when the model cannot be imported.
OwningOpRef<ModuleOp> importOnnxFile(llvm::StringRef path, MLIRContext &context,
                                     const OnnxImportOptions &options);

/// Same as importOnnxFile for a model already in memory; `path` names it in
/// diagnostics and locates external tensor data.
OwningOpRef<ModuleOp> importOnnxBuffer(llvm::StringRef contents,
                                       llvm::StringRef path,
                                       MLIRContext &context,
                                       const OnnxImportOptions &options);

/// Adds the dialects the imported IR uses to `registry`.
void registerImportOnnxDialects(DialectRegistry &registry);

/// Checks a TensorProto read from a file (a test vector, a bound input) as
/// the importer checks initializers (docs/spec.md §5.11): dims, data sizes,
/// finite floats, uint8 range; external data is refused. Returns "" or a
/// one-line message starting with `what`.
std::string validateTensorFile(onnx::TensorProto &tensor, llvm::StringRef what);

/// Registers `--import-onnx` (options `--batch-size`, `--onnx-function-name`,
/// `--bind-input NAME=FILE`) with mlir-translate.
void registerImportOnnxTranslation();

} // namespace mlir::qsnn

#endif // QSNN_IMPORT_IMPORTONNX_H
