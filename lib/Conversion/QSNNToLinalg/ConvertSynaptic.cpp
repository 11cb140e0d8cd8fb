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
  SmallVector<OpFoldResult> low = {builder.getIndexAttr(0),
                                   builder.getIndexAttr(0),
                                   builder.getIndexAttr(padding[0]),
                                   builder.getIndexAttr(padding[1])};
  SmallVector<OpFoldResult> high = {builder.getIndexAttr(0),
                                    builder.getIndexAttr(0),
                                    builder.getIndexAttr(padding[2]),
                                    builder.getIndexAttr(padding[3])};
  return builder.create<tensor::PadOp>(loc, paddedType, input, low, high,
                                       createF32(builder, loc, value));
}

struct ConvertConv2D : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasStaticShapes(op))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), 0.0);
    Attribute strides = rewriter.getI64VectorAttr(op.getStrides());
    Attribute dilations = rewriter.getI64VectorAttr(op.getDilations());
    int64_t groups = op.getGroups();
    Value acc;
    if (groups == 1) {
      Value init = createFilled(rewriter, loc, resultType, 0.0);
      acc = rewriter
                .create<linalg::Conv2DNchwFchwOp>(
                    loc, TypeRange{resultType}, ValueRange{input, op.getWeight()},
                    ValueRange{init}, strides, dilations)
                .getResult(0);
    } else {
      // Grouped: split the channel dimensions into [G, C/G] and use the
      // grouped named op, then merge the groups back.
      auto inType = cast<RankedTensorType>(input.getType());
      auto wType = cast<RankedTensorType>(op.getWeight().getType());
      ArrayRef<int64_t> in = inType.getShape(), w = wType.getShape(),
                        out = resultType.getShape();
      auto groupedIn = RankedTensorType::get(
          {in[0], groups, in[1] / groups, in[2], in[3]}, rewriter.getF32Type());
      auto groupedW = RankedTensorType::get(
          {groups, w[0] / groups, w[1], w[2], w[3]}, rewriter.getF32Type());
      auto groupedOut = RankedTensorType::get(
          {out[0], groups, out[1] / groups, out[2], out[3]},
          rewriter.getF32Type());
      Value x = rewriter.create<tensor::ExpandShapeOp>(
          loc, groupedIn, input,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      Value weight = rewriter.create<tensor::ExpandShapeOp>(
          loc, groupedW, op.getWeight(),
          SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
      Value init = createFilled(rewriter, loc, groupedOut, 0.0);
      Value grouped = rewriter
                          .create<linalg::Conv2DNgchwGfchwOp>(
                              loc, TypeRange{groupedOut},
                              ValueRange{x, weight}, ValueRange{init}, strides,
                              dilations)
                          .getResult(0);
      acc = rewriter.create<tensor::CollapseShapeOp>(
          loc, resultType, grouped,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    }
    rewriter.replaceOp(op, applyScaleAndBias(rewriter, loc, acc, op.getScale(),
                                             op.getBias()));
    return success();
  }
};

/// y[m, o] = sum_k x[m, k] * W[o, k]: ONNX Gemm with transB, which is how
/// the weight is stored ([O, K]).
struct ConvertLinear : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasStaticShapes(op))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value init = createFilled(rewriter, loc, resultType, 0.0);
    Value acc = rewriter
                    .create<linalg::MatmulTransposeBOp>(
                        loc, TypeRange{resultType},
                        ValueRange{op.getInput(), op.getWeight()},
                        ValueRange{init})
                    .getResult(0);
    rewriter.replaceOp(op, applyScaleAndBias(rewriter, loc, acc, op.getScale(),
                                             op.getBias()));
    return success();
  }
};

/// y = gamma * (x - mean) / sqrt(variance + epsilon) + beta, evaluated in
/// that order in f32.
struct ConvertBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasStaticShapes(op))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Location loc = op.getLoc();
    Value epsilon =
        createF32(rewriter, loc, op.getEpsilon().convertToDouble());
    Value result = createElementwise(
        rewriter, loc, op.getInput(),
        {op.getGamma(), op.getBeta(), op.getMean(), op.getVariance()},
        /*channelDim=*/1,
        [&](OpBuilder &b, Location l, Value x, ValueRange p) {
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
  patterns.add<ConvertConv2D, ConvertLinear, ConvertBatchNorm>(
      patterns.getContext());
}
