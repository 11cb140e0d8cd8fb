//===- ConvertIntegerSynaptic.cpp - integer accumulations to linalg -------===//
//
// The reference lowering of the integer level's synaptic ops (docs/spec.md §4):
// icenter, iconv2d, ilinear, isum_pool2d and iaffine. Plain linalg on
// integers (named ops where one exists, generics otherwise); no bit packing.
// Inputs are widened to i32 first (i1 spikes zero-extended as 0/1, counts
// and centered pixels sign-extended), so every sum is exact in i32; zero
// padding contributes 0.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// p - zero_point[c] in i16, the uint8 pixel widened unsigned (a signless
/// i8 input holds the same bytes).
struct ConvertICenter : StaticShapeLowering<ICenterOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(ICenterOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    Type i16 = rewriter.getI16Type();
    if (inputType.getElementType().isUnsignedInteger(8))
      input = rewriter.create<tensor::BitcastOp>(
          loc, inputType.clone(rewriter.getIntegerType(8)), input);
    SmallVector<int16_t> zeroPoints(op.getZeroPoint().begin(),
                                    op.getZeroPoint().end());
    auto zpType =
        RankedTensorType::get({static_cast<int64_t>(zeroPoints.size())}, i16);
    Value zp = rewriter.create<arith::ConstantOp>(
        loc, DenseIntElementsAttr::get(zpType, ArrayRef<int16_t>(zeroPoints)));
    Value result = createElementwise(
        rewriter, loc, input, zp, /*channelDim=*/1,
        [&](OpBuilder &b, Location l, Value x, ValueRange params) -> Value {
          Value wide = b.create<arith::ExtUIOp>(l, i16, x);
          return b.create<arith::SubIOp>(l, wide, params[0]);
        },
        i16);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Per-input-channel sums: c[n, o, i, y, x] = sum_{kh, kw} W[o, i, kh, kw] *
/// x[n, i, y*sh + kh*dh, x*sw + kw*dw] over the padded i32 input.
Value perInputChannelConv(OpBuilder &builder, Location loc, Value padded,
                          Value weight, RankedTensorType resultType,
                          ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> dilations) {
  MLIRContext *context = builder.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  // Iteration space (n, o, i, oh, ow, kh, kw).
  AffineMap inputMap =
      AffineMap::get(7, 0,
                     {d(0), d(2), d(3) * strides[0] + d(5) * dilations[0],
                      d(4) * strides[1] + d(6) * dilations[1]},
                     context);
  AffineMap weightMap = AffineMap::get(7, 0, {d(1), d(2), d(5), d(6)}, context);
  AffineMap outputMap =
      AffineMap::get(7, 0, {d(0), d(1), d(2), d(3), d(4)}, context);
  using utils::IteratorType;
  SmallVector<IteratorType> iterators(5, IteratorType::parallel);
  iterators.append(2, IteratorType::reduction);
  Value init = createIntFilled(builder, loc, resultType, 0);
  Type i32 = builder.getI32Type();
  return builder
      .create<linalg::GenericOp>(
          loc, resultType, ValueRange{padded, weight}, init,
          ArrayRef<AffineMap>{inputMap, weightMap, outputMap}, iterators,
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value w = b.create<arith::ExtSIOp>(l, i32, args[1]);
            Value product = b.create<arith::MulIOp>(l, args[0], w);
            Value acc = b.create<arith::AddIOp>(l, args[2], product);
            b.create<linalg::YieldOp>(l, acc);
          })
      .getResult(0);
}

/// Convolution sums over the zero-padded input. The named ops sign-extend
/// the i8 weights into the i32 accumulator.
Value buildSum(OpBuilder &builder, Location loc, IConv2DOp op, Value input,
               RankedTensorType resultType) {
  input = padSpatialWithZeros(builder, loc, input, op.getPadding());
  // Type inference already rejects per_input_channel with groups > 1.
  if (op.getPerInputChannel())
    return perInputChannelConv(builder, loc, input, op.getWeight(), resultType,
                               op.getStrides(), op.getDilations());
  return buildConv2D(builder, loc, input, op.getWeight(), resultType,
                     op.getGroups(), op.getStrides(), op.getDilations());
}

/// c[m, o] = sum_k x[m, k] * W[o, k].
Value buildSum(OpBuilder &builder, Location loc, ILinearOp op, Value input,
               RankedTensorType resultType) {
  return buildMatmulTransposeB(builder, loc, input, op.getWeight(), resultType);
}

/// Window sums over the zero-padded input.
Value buildSum(OpBuilder &builder, Location loc, ISumPool2DOp op, Value input,
               RankedTensorType resultType) {
  // Pad for the explicit padding and for any window reaching past it.
  auto inType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> padding(op.getPadding());
  for (int d = 0; d < 2; ++d) {
    int64_t reach = (resultType.getDimSize(2 + d) - 1) * op.getStrides()[d] +
                    op.getKernel()[d];
    padding[2 + d] =
        std::max(padding[2 + d], reach - inType.getDimSize(2 + d) - padding[d]);
  }
  input = padSpatialWithZeros(builder, loc, input, padding);
  Value init = createIntFilled(builder, loc, resultType, 0);
  Value window = builder.create<tensor::EmptyOp>(loc, op.getKernel(),
                                                 builder.getI32Type());
  return builder
      .create<linalg::PoolingNchwSumOp>(
          loc, TypeRange{resultType}, ValueRange{input, window},
          ValueRange{init}, builder.getI64VectorAttr(op.getStrides()),
          builder.getI64VectorAttr({1, 1}))
      .getResult(0);
}

/// iconv2d, ilinear, isum_pool2d: exact i32 sums of the input widened to
/// i32 (spikes as 0/1, counts and centered pixels sign-extended).
template <typename Op> struct ConvertIntegerSum : StaticShapeLowering<Op> {
  using StaticShapeLowering<Op>::StaticShapeLowering;
  LogicalResult lower(Op op, Location loc,
                      PatternRewriter &rewriter) const override {
    Value input =
        castIntegerTensor(rewriter, loc, op.getInput(), rewriter.getI32Type());
    rewriter.replaceOp(op, buildSum(rewriter, loc, op, input,
                                    cast<RankedTensorType>(op.getType())));
    return success();
  }
};

/// g = A[o] * c + B[o] in i64, or with per_input_channel
/// g[m, o, ...] = B[o] + sum_c A[o * C + c] * c[m, o, c, ...].
struct ConvertIAffine : StaticShapeLowering<IAffineOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(IAffineOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    Type i64 = rewriter.getI64Type();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value bias = createI64Vector(rewriter, loc, op.getBias());
    if (!op.getPerInputChannel()) {
      Value multiplier = createI64Vector(rewriter, loc, op.getMultiplier());
      rewriter.replaceOp(
          op,
          createElementwise(
              rewriter, loc, op.getInput(), {multiplier, bias},
              /*channelDim=*/1,
              [&](OpBuilder &b, Location l, Value x, ValueRange p) -> Value {
                Value wide = castInteger(b, l, x, i64);
                Value product = b.create<arith::MulIOp>(l, wide, p[0]);
                return b.create<arith::AddIOp>(l, product, p[1]);
              },
              i64));
      return success();
    }
    // Input [M, O, C, rest...]; output [M, O, rest...]. Iteration space
    // (m, o, rest..., c) with c the reduction.
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = resultType.getRank();
    int64_t outChannels = inputType.getDimSize(1);
    int64_t inChannels = inputType.getDimSize(2);
    auto tableType = RankedTensorType::get({outChannels, inChannels}, i64);
    Value multiplier = rewriter.create<arith::ConstantOp>(
        loc, DenseIntElementsAttr::get(tableType, op.getMultiplier()));
    MLIRContext *context = rewriter.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
    unsigned dims = rank + 1;
    SmallVector<AffineExpr> inputExprs = {d(0), d(1), d(rank)};
    SmallVector<AffineExpr> outputExprs = {d(0), d(1)};
    for (int64_t i = 2; i < rank; ++i) {
      inputExprs.push_back(d(i));
      outputExprs.push_back(d(i));
    }
    AffineMap outputMap = AffineMap::get(dims, 0, outputExprs, context);
    // Start from the bias, then accumulate the products.
    SmallVector<int64_t> broadcastDims = {0};
    for (int64_t i = 2; i < rank; ++i)
      broadcastDims.push_back(i);
    Value empty =
        rewriter.create<tensor::EmptyOp>(loc, resultType.getShape(), i64);
    Value init =
        rewriter.create<linalg::BroadcastOp>(loc, bias, empty, broadcastDims)
            .getResult()[0];
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    rewriter.replaceOp(
        op,
        rewriter
            .create<linalg::GenericOp>(
                loc, resultType, ValueRange{op.getInput(), multiplier}, init,
                ArrayRef<AffineMap>{
                    AffineMap::get(dims, 0, inputExprs, context),
                    AffineMap::get(dims, 0, {d(1), d(rank)}, context),
                    outputMap},
                iterators,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value wide = castInteger(b, l, args[0], i64);
                  Value product = b.create<arith::MulIOp>(l, wide, args[1]);
                  Value acc = b.create<arith::AddIOp>(l, args[2], product);
                  b.create<linalg::YieldOp>(l, acc);
                })
            .getResult(0));
    return success();
  }
};

} // namespace

void qsnn::populateIntegerSynapticPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvertICenter, ConvertIntegerSum<IConv2DOp>,
               ConvertIntegerSum<ILinearOp>, ConvertIntegerSum<ISumPool2DOp>,
               ConvertIAffine>(patterns.getContext());
}
