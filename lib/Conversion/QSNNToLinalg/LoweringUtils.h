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
using ElementwiseBody = llvm::function_ref<Value(OpBuilder &, Location, Value x,
                                                 ValueRange params)>;

/// An f32 scalar constant.
Value createF32(OpBuilder &builder, Location loc, double value);

/// A `tensor<Nxf32>` constant holding `values` rounded to f32.
Value createF32Vector(OpBuilder &builder, Location loc,
                      ArrayRef<double> values);

/// `tensor.empty` of `type` filled with `value` through `linalg.fill`.
Value createFilled(OpBuilder &builder, Location loc, RankedTensorType type,
                   double value);

/// A `tensor<Nxi64>` constant.
Value createI64Vector(OpBuilder &builder, Location loc,
                      ArrayRef<int64_t> values);

/// `tensor.empty` of the integer tensor `type` filled with `value`.
Value createIntFilled(OpBuilder &builder, Location loc, RankedTensorType type,
                      int64_t value);

/// Converts the integer scalar `x` to `type`: i1 (spikes, 0/1) is
/// zero-extended, wider integers are sign-extended or truncated.
Value castInteger(OpBuilder &builder, Location loc, Value x, Type type);

/// An elementwise `linalg.generic` over `input`'s shape with result element
/// type `resultElement` (f32 when null). Each of `params` is either a 1-D
/// tensor indexed by dimension `channelDim` (per channel values), a tensor
/// of `input`'s shape (elementwise), or a 2-D tensor indexed by the last two
/// dimensions (per spatial position).
Value createElementwise(OpBuilder &builder, Location loc, Value input,
                        ValueRange params, int64_t channelDim,
                        ElementwiseBody body, Type resultElement = nullptr);

/// `input` with every element converted by castInteger to `element`.
Value castIntegerTensor(OpBuilder &builder, Location loc, Value input,
                        Type element);

/// One time step of a time-merged [T*N, ...] tensor: [N, ...] of `element`.
RankedTensorType getStepType(RankedTensorType merged, int64_t steps,
                             Type element);

/// A tensor of `type` filled with zeros (f32 or integer elements).
Value createZeros(OpBuilder &builder, Location loc, RankedTensorType type);

/// out[n, o, y, x] = sum_{i, kh, kw} W[o, i, kh, kw] * x[n, g*C/G + i, ...]
/// over an already padded NCHW input, accumulated from zero in the result's
/// element type (the named ops extend narrower operands). Groups > 1 split
/// the channels into [G, C/G] for the grouped named op and merge them back.
Value buildConv2D(OpBuilder &builder, Location loc, Value input, Value weight,
                  RankedTensorType resultType, int64_t groups,
                  ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations);

/// out[m, o] = sum_k x[m, k] * W[o, k] (ONNX Gemm with transB, the weight
/// stored [O, K]), accumulated from zero.
Value buildMatmulTransposeB(OpBuilder &builder, Location loc, Value input,
                            Value weight, RankedTensorType resultType);

/// Pads every dimension d of an integer tensor by low[d] before and high[d]
/// after with zeros (no op when all are 0).
Value padWithZeros(OpBuilder &builder, Location loc, Value input,
                   ArrayRef<int64_t> low, ArrayRef<int64_t> high);

/// Pads the spatial (last two) dimensions of an integer tensor, NCHW or any
/// [..., H, W], by [top, left, bottom, right] with zeros.
Value padSpatialWithZeros(OpBuilder &builder, Location loc, Value input,
                          ArrayRef<int64_t> padding);

/// Pads dimension `dim` of an integer tensor with zeros at its end to
/// `size` elements.
Value padDimensionWithZeros(OpBuilder &builder, Location loc, Value input,
                            int64_t dim, int64_t size);

/// True when every operand and result of `op` has a static shape. Lowerings
/// rely on it: the batch and every extent are fixed at import.
bool hasStaticShapes(Operation *op);

/// The lowering of one op with static shapes (every lowering needs them):
/// `lower` runs only when hasStaticShapes holds.
template <typename Op> struct StaticShapeLowering : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op, PatternRewriter &rewriter) const final {
    if (!hasStaticShapes(op))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    return lower(op, op.getLoc(), rewriter);
  }
  virtual LogicalResult lower(Op op, Location loc,
                              PatternRewriter &rewriter) const = 0;
};

/// The body of one LIF time step, elementwise: `args` are (current, state,
/// spike slot); it yields (next state, spike).
using LIFStepBody =
    llvm::function_ref<void(OpBuilder &, Location, ValueRange args)>;

/// The time loop the float and integer LIF lowerings share: for t in [0, T)
/// it slices step t of `current` ([T*N, ...]), runs `body` elementwise with
/// the carried state (which starts as `initialState`, of the step's shape),
/// and writes the spikes into row block t of a [T*N, ...] tensor of
/// `spikeElement`, which it returns. A `current` produced by qsnn.encode, or
/// of the step's shape [N, ...], is read as is at every step.
Value buildLIFTimeLoop(OpBuilder &builder, Location loc, Value current,
                       int64_t steps, Value initialState, Type spikeElement,
                       LIFStepBody body);

} // namespace mlir::qsnn

#endif // QSNN_LIB_CONVERSION_QSNNTOLINALG_LOWERINGUTILS_H
