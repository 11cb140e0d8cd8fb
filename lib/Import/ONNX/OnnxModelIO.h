//===- OnnxModelIO.h - ONNX library calls that may throw --------*- C++ -*-===//
//
// The ONNX parser, checker and shape inference report errors with C++
// exceptions, which the rest of the importer (built like LLVM, without
// exceptions) cannot catch. These functions live in the only translation
// unit compiled with -fexceptions and turn every exception into a message.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_ONNX_ONNXMODELIO_H
#define QSNN_LIB_IMPORT_ONNX_ONNXMODELIO_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace onnx {
class ModelProto;
class TensorProto;
} // namespace onnx

namespace mlir::qsnn::onnx_import {

/// Fills `model` from serialized protobuf bytes or onnxtext (`isText`).
/// Returns an empty string on success, else the reason.
std::string parseModel(llvm::StringRef contents, bool isText,
                       onnx::ModelProto &model);

/// Runs onnx::checker::check_model. Returns an empty string on success.
std::string checkModel(const onnx::ModelProto &model);

/// Fills `tensor` from a serialized TensorProto (an ONNX test-data .pb file).
/// Returns an empty string on success, else the reason.
std::string parseTensor(llvm::StringRef contents, onnx::TensorProto &tensor);

/// Which version of an operator a model's opset selects.
struct OpVersion {
  /// since_version of the selected schema; 0 when the op is not defined at
  /// that opset.
  int64_t since = 0;
  /// The opset that introduced the op, when it is newer than the model's;
  /// 0 when ONNX does not know the op at all.
  int64_t introduced = 0;
  bool deprecated = false;
};

/// Looks up `opType` of `domain` ("" for ai.onnx) in ONNX's schema registry:
/// the schema with the largest since_version <= `opset`.
OpVersion resolveOpVersion(llvm::StringRef opType, llvm::StringRef domain,
                           int64_t opset);

/// Per-tensor shapes: -1 for a dimension ONNX could not determine.
using ShapeMap = llvm::StringMap<llvm::SmallVector<int64_t>>;

/// Runs ONNX shape inference on a copy of `model` whose graph inputs have
/// their symbolic dimensions set to `batchSize` and whose declared
/// value_info/output shapes are dropped, so that the result is ONNX's own
/// opinion. Node-level inference errors are not fatal (ops outside the
/// standard set simply leave their outputs unknown); other failures are
/// returned as a message.
std::string inferShapes(const onnx::ModelProto &model, int64_t batchSize,
                        ShapeMap &shapes);

} // namespace mlir::qsnn::onnx_import

#endif // QSNN_LIB_IMPORT_ONNX_ONNXMODELIO_H
