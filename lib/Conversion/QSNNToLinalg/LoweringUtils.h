//===- LoweringUtils.h - helpers shared by the qsnn lowerings ---*- C++ -*-===//
//
// Small builders for the tensor-level IR the qsnn lowerings produce. Private
// to lib/Conversion/QSNNToLinalg.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_CONVERSION_QSNNTOLINALG_LOWERINGUTILS_H
#define QSNN_LIB_CONVERSION_QSNNTOLINALG_LOWERINGUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::qsnn {

/// Builds the scalar body of an elementwise generic: `x` is the element of
/// the main operand, `params` the elements of the extra operands.
using ElementwiseBody =
    llvm::function_ref<Value(OpBuilder &, Location, Value x, ValueRange params)>;

/// An f32 scalar constant.
Value createF32(OpBuilder &builder, Location loc, double value);

/// A `tensor<Nxf32>` constant holding `values` rounded to f32.
Value createF32Vector(OpBuilder &builder, Location loc,
                      ArrayRef<double> values);

/// `tensor.empty` of `type` filled with `value` through `linalg.fill`.
Value createFilled(OpBuilder &builder, Location loc, RankedTensorType type,
                   double value);

/// An f32 elementwise `linalg.generic` over `input`'s shape. Each of
/// `params` is either a 1-D tensor indexed by dimension `channelDim` (per
/// channel values), a tensor of `input`'s shape (elementwise), or a 2-D
/// tensor indexed by the last two dimensions (per spatial position).
Value createElementwise(OpBuilder &builder, Location loc, Value input,
                        ValueRange params, int64_t channelDim,
                        ElementwiseBody body);

/// True when every operand and result of `op` has a static shape. Lowerings
/// rely on it: the batch and every extent are fixed at import.
bool hasStaticShapes(Operation *op);

} // namespace mlir::qsnn

#endif // QSNN_LIB_CONVERSION_QSNNTOLINALG_LOWERINGUTILS_H
