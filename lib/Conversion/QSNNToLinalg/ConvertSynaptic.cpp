//===- ConvertSynaptic.cpp - conv2d, linear, batch_norm to linalg ---------===//
//
// A synaptic layer is `scale[o] * (sum W * x) + bias[o]` (the op's own
// definition): the integer-valued accumulation over the stored weights comes
// first, the per-output-channel affine map after it, exactly as the deployed
// integer model factors it (docs/spec.md §4).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// Applies the optional per-channel `scale` and `bias` of a synaptic layer to
/// its accumulator; returns `acc` unchanged when both are absent.
Value applyScaleAndBias(OpBuilder &builder, Location loc, Value acc,
                        Value scale, Value bias) {
  if (!scale && !bias)
    return acc;
  SmallVector<Value> params;
  if (scale)
    params.push_back(scale);
  if (bias)
    params.push_back(bias);
  return createElementwise(
      builder, loc, acc, params, /*channelDim=*/1,
      [&](OpBuilder &b, Location l, Value x, ValueRange values) {
        Value y = x;
        if (scale)
          y = b.create<arith::MulFOp>(l, y, values[0]);
        if (bias)
          y = b.create<arith::AddFOp>(l, y, values.back());
        return y;
      });
}

/// Zero-pads the spatial dimensions of an NCHW tensor by
/// [top, left, bottom, right] with `value`.
Value padSpatial(OpBuilder &builder, Location loc, Value input,
                 ArrayRef<int64_t> padding, double value) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += padding[0] + padding[2];
  shape[3] += padding[1] + padding[3];
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> low = {
      builder.getIndexAttr(0), builder.getIndexAttr(0),
      builder.getIndexAttr(padding[0]), builder.getIndexAttr(padding[1])};
  SmallVector<OpFoldResult> high = {
      builder.getIndexAttr(0), builder.getIndexAttr(0),
      builder.getIndexAttr(padding[2]), builder.getIndexAttr(padding[3])};
  return builder.create<tensor::PadOp>(loc, paddedType, input, low, high,
                                       createF32(builder, loc, value));
}

/// The exact f32 sum of a conv2d: over the zero-padded input.
Value buildSum(OpBuilder &builder, Location loc, Conv2DOp op,
               RankedTensorType resultType) {
  Value input = padSpatial(builder, loc, op.getInput(), op.getPadding(), 0.0);
  return buildConv2D(builder, loc, input, op.getWeight(), resultType,
                     op.getGroups(), op.getStrides(), op.getDilations());
}

/// y[m, o] = sum_k x[m, k] * W[o, k]: ONNX Gemm with transB, which is how
/// the weight is stored ([O, K]).
Value buildSum(OpBuilder &builder, Location loc, LinearOp op,
               RankedTensorType resultType) {
  return buildMatmulTransposeB(builder, loc, op.getInput(), op.getWeight(),
                               resultType);
}

/// conv2d and linear: the sum, then the per-channel scale and bias.
template <typename Op> struct ConvertSynapticSum : StaticShapeLowering<Op> {
  using StaticShapeLowering<Op>::StaticShapeLowering;
  LogicalResult lower(Op op, Location loc,
                      PatternRewriter &rewriter) const override {
    Value acc =
        buildSum(rewriter, loc, op, cast<RankedTensorType>(op.getType()));
    rewriter.replaceOp(
        op, applyScaleAndBias(rewriter, loc, acc, op.getScale(), op.getBias()));
    return success();
  }
};

/// y = gamma * (x - mean) / sqrt(variance + epsilon) + beta, evaluated in
/// that order in f32.
struct ConvertBatchNorm : StaticShapeLowering<BatchNormOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(BatchNormOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    Value epsilon = createF32(rewriter, loc, op.getEpsilon().convertToDouble());
    Value result = createElementwise(
        rewriter, loc, op.getInput(),
        {op.getGamma(), op.getBeta(), op.getMean(), op.getVariance()},
        /*channelDim=*/1, [&](OpBuilder &b, Location l, Value x, ValueRange p) {
          Value centered = b.create<arith::SubFOp>(l, x, p[2]);
          Value scaled = b.create<arith::MulFOp>(l, p[0], centered);
          Value var = b.create<arith::AddFOp>(l, p[3], epsilon);
          Value std = b.create<math::SqrtOp>(l, var);
          Value normed = b.create<arith::DivFOp>(l, scaled, std);
          return b.create<arith::AddFOp>(l, normed, p[1]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void qsnn::populateSynapticPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvertSynapticSum<Conv2DOp>, ConvertSynapticSum<LinearOp>,
               ConvertBatchNorm>(patterns.getContext());
}
