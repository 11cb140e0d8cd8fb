//===- ModelValidation.h - check an ONNX model before anything reads it -*- C++ -*-===//
//
// A parsed ModelProto is outside bytes: nothing else (ONNX's checker and
// shape inference, the importer) reads it before these checks pass
// (docs/spec.md §5.11). Every tensor's dims and data sizes must agree;
// external data may only come from regular files inside the model's folder
// and is inlined, so no later step reads a file; float data must be finite;
// no node names an attribute twice; the graph keeps a runtime input.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_ONNX_MODELVALIDATION_H
#define QSNN_LIB_IMPORT_ONNX_MODELVALIDATION_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace onnx {
class ModelProto;
class TensorProto;
} // namespace onnx

namespace mlir::qsnn::onnx_import {

/// Largest element count of one tensor (initializer, input or constant).
constexpr int64_t kMaxTensorElements = int64_t(1) << 32;

/// Validates `model` (read from a file in `modelDir`) and inlines its
/// external data. Returns "" or a one-line message naming the tensor, node
/// or input.
std::string validateModel(onnx::ModelProto &model, llvm::StringRef modelDir);

/// The same checks for one tensor, `what` naming it in messages ("tensor
/// 'w'"); external data is refused (`modelDir` empty) or inlined.
std::string validateTensor(onnx::TensorProto &tensor, llvm::StringRef what,
                           llvm::StringRef modelDir);

} // namespace mlir::qsnn::onnx_import

#endif // QSNN_LIB_IMPORT_ONNX_MODELVALIDATION_H
