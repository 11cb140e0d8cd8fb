//===- TensorData.h - ONNX TensorProto contents as MLIR attributes -*- C++ -*-//
#ifndef QSNN_LIB_IMPORT_ONNX_TENSORDATA_H
#define QSNN_LIB_IMPORT_ONNX_TENSORDATA_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace mlir::qsnn::onnx_import {

/// ONNX TensorProto::DataType values the importer distinguishes.
enum OnnxDType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUInt8 = 2,
  kInt64 = 7,
};

/// "float32", "uint8", "float16", ... for messages.
std::string dtypeName(int32_t dtype);

/// The MLIR element type of a supported dtype (f32, ui8, i64), or null.
Type elementTypeFor(MLIRContext *context, int32_t dtype);

/// Decodes an initializer or Constant value into a DenseElementsAttr (f32,
/// ui8 or i64 elements) from raw_data or the typed repeated fields;
/// external data was inlined by validateModel. On failure returns null and
/// sets `error`.
DenseElementsAttr decodeTensor(MLIRContext *context,
                               const onnx::TensorProto &tensor,
                               std::string &error);

} // namespace mlir::qsnn::onnx_import

#endif // QSNN_LIB_IMPORT_ONNX_TENSORDATA_H
