//===- IRBuilders.h - upstream IR building blocks for the importer -*- C++ -*-//
//
// Static-shape helpers around linalg / tensor / arith that several op
// families share: numpy broadcasting as linalg.generic indexing maps,
// reshapes as collapse/expand_shape, ui8 <-> i8 views.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_ONNX_IRBUILDERS_H
#define QSNN_LIB_IMPORT_ONNX_IRBUILDERS_H

#include "qsnn/Dialect/QSNN/QSNNUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace mlir::qsnn::onnx_import {

RankedTensorType tensorType(Type element, ArrayRef<int64_t> shape);
ArrayRef<int64_t> shapeOf(Value value);
int64_t numElements(ArrayRef<int64_t> shape);
/// "[1, 3, 4]" for messages.
std::string formatShape(ArrayRef<int64_t> shape);

/// The double closest to the shortest decimal that reads back as `value`:
/// ONNX stores float attributes as float32, and an epsilon written as 0.001
/// should reach f64 attributes as 0.001, not 0.0010000000474974513.
double widenFloat(float value);

/// Numpy (multidirectional) broadcast of two shapes, or nullopt.
std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b);

/// ui8 tensors become i8 (non-qsnn IR uses signless integers); others pass.
Value toSignless(OpBuilder &b, Location loc, Value value);
/// Gives a signless i8 result back the ui8 type ONNX assigns it.
Value fromSignless(OpBuilder &b, Location loc, Value value, Type element);
/// The ui8 tensor an i8 value views (the bitcast's source), else a new ui8
/// view of it: qsnn ops read uint8 data as ui8.
Value unsignedBytes(OpBuilder &b, Location loc, Value value);

using ScalarBody = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// One elementwise linalg.generic producing `outShape` x `outElement`; each
/// input broadcasts to `outShape` with numpy rules (leading dimensions added,
/// extents of 1 stretched). Inputs must already be signless.
Value broadcastGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                       ArrayRef<int64_t> outShape, Type outElement,
                       ScalarBody body);

/// Reshape with the same element order: collapse_shape, expand_shape, or a
/// collapse to 1-D followed by an expand when the shapes do not nest.
Value reshapeTo(OpBuilder &b, Location loc, Value value,
                ArrayRef<int64_t> shape);

/// linalg.transpose: result dimension i is input dimension perm[i].
Value transpose(OpBuilder &b, Location loc, Value value,
                ArrayRef<int64_t> perm);

/// tensor.empty + linalg.fill with a float value.
Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Type element, double value);

/// arith.constant holding `attr`, as a dense_resource blob named after
/// `nameHint` when it has more than 1024 elements. ui8 data becomes an i8
/// constant: inside the function uint8 values are signless i8 tensors.
Value materializeConstant(OpBuilder &b, Location loc, DenseElementsAttr attr,
                          llvm::StringRef nameHint);

} // namespace mlir::qsnn::onnx_import

#endif // QSNN_LIB_IMPORT_ONNX_IRBUILDERS_H
