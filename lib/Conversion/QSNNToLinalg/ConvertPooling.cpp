//===- ConvertPooling.cpp - pooling ops to linalg -------------------------===//
//
// ONNX AveragePool / MaxPool semantics (what PyTorch exports):
// - The input is padded explicitly, and at the end also by whatever a
//   ceil-mode window reaches beyond the explicit padding, so that the named
//   linalg pooling op only ever reads inside its input.
// - Average: the divisor of a window is the number of cells it covers inside
//   the input plus, with count_include_pad, inside the explicit padding (never
//   the extra ceil-mode cells). All shapes are static, so the divisors are
//   compile-time constants: one scalar when they agree, else an [OH, OW]
//   table.
// - Max: padding is -inf, so a padded cell never wins.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// Geometry of one spatial dimension of a pooling window.
struct WindowDim {
  int64_t input, output, kernel, stride, padBegin, padEnd;

  /// End padding that covers the explicit padding and every window.
  int64_t effectivePadEnd() const {
    int64_t reach = (output - 1) * stride + kernel;
    return std::max(padEnd, reach - input - padBegin);
  }

  /// Cells of window `o` that count in an average's divisor.
  int64_t count(int64_t o, bool includePad) const {
    int64_t start = o * stride - padBegin;
    int64_t end = start + kernel;
    int64_t lo = includePad ? start : std::max<int64_t>(start, 0);
    int64_t hi = std::min(end, includePad ? input + padEnd : input);
    return hi - lo;
  }
};

std::pair<WindowDim, WindowDim> windowDims(RankedTensorType input,
                                           RankedTensorType output,
                                           ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> strides,
                                           ArrayRef<int64_t> padding) {
  return {WindowDim{input.getDimSize(2), output.getDimSize(2), kernel[0],
                    strides[0], padding[0], padding[2]},
          WindowDim{input.getDimSize(3), output.getDimSize(3), kernel[1],
                    strides[1], padding[1], padding[3]}};
}

/// Pads `input` for the pooling window with `value`.
Value padForWindow(OpBuilder &builder, Location loc, Value input,
                   const WindowDim &h, const WindowDim &w, double value) {
  int64_t padH = h.effectivePadEnd(), padW = w.effectivePadEnd();
  if (h.padBegin == 0 && w.padBegin == 0 && padH == 0 && padW == 0)
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += h.padBegin + padH;
  shape[3] += w.padBegin + padW;
  SmallVector<OpFoldResult> low = {
      builder.getIndexAttr(0), builder.getIndexAttr(0),
      builder.getIndexAttr(h.padBegin), builder.getIndexAttr(w.padBegin)};
  SmallVector<OpFoldResult> high = {
      builder.getIndexAttr(0), builder.getIndexAttr(0),
      builder.getIndexAttr(padH), builder.getIndexAttr(padW)};
  return builder.create<tensor::PadOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), input, low,
      high, createF32(builder, loc, value));
}

template <typename PoolOp>
Value createPool(OpBuilder &builder, Location loc, Value padded,
                 RankedTensorType resultType, ArrayRef<int64_t> kernel,
                 ArrayRef<int64_t> strides, double initValue) {
  Value init = createFilled(builder, loc, resultType, initValue);
  Value window =
      builder.create<tensor::EmptyOp>(loc, kernel, builder.getF32Type());
  return builder
      .create<PoolOp>(loc, TypeRange{resultType}, ValueRange{padded, window},
                      ValueRange{init}, builder.getI64VectorAttr(strides),
                      builder.getI64VectorAttr({1, 1}))
      .getResult(0);
}

struct ConvertAvgPool : StaticShapeLowering<AvgPool2DOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(AvgPool2DOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto [h, w] = windowDims(inputType, resultType, op.getKernel(),
                             op.getStrides(), op.getPadding());
    Value padded = padForWindow(rewriter, loc, op.getInput(), h, w, 0.0);
    Value sum = createPool<linalg::PoolingNchwSumOp>(rewriter, loc, padded,
                                                     resultType, op.getKernel(),
                                                     op.getStrides(), 0.0);

    bool includePad = op.getCountIncludePad();
    SmallVector<double> divisors;
    for (int64_t oh = 0; oh < h.output; ++oh)
      for (int64_t ow = 0; ow < w.output; ++ow)
        divisors.push_back(static_cast<double>(h.count(oh, includePad) *
                                               w.count(ow, includePad)));
    bool uniform = llvm::all_equal(divisors);
    SmallVector<Value> params;
    Value scalar;
    if (uniform) {
      scalar = createF32(rewriter, loc, divisors.front());
    } else {
      SmallVector<float> table(divisors.begin(), divisors.end());
      auto tableType =
          RankedTensorType::get({h.output, w.output}, rewriter.getF32Type());
      params.push_back(rewriter.create<arith::ConstantOp>(
          loc, DenseFPElementsAttr::get(tableType, ArrayRef<float>(table))));
    }
    Value mean = createElementwise(
        rewriter, loc, sum, params, /*channelDim=*/1,
        [&](OpBuilder &b, Location l, Value x, ValueRange p) {
          Value divisor = uniform ? scalar : p[0];
          return b.create<arith::DivFOp>(l, x, divisor).getResult();
        });
    rewriter.replaceOp(op, mean);
    return success();
  }
};

struct ConvertMaxPool : StaticShapeLowering<MaxPool2DOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(MaxPool2DOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    if (!op.getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "integer max pool");
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto [h, w] = windowDims(inputType, resultType, op.getKernel(),
                             op.getStrides(), op.getPadding());
    double lowest = -std::numeric_limits<double>::infinity();
    Value padded = padForWindow(rewriter, loc, op.getInput(), h, w, lowest);
    rewriter.replaceOp(op, createPool<linalg::PoolingNchwMaxOp>(
                               rewriter, loc, padded, resultType,
                               op.getKernel(), op.getStrides(), lowest));
    return success();
  }
};

/// [N, C, H, W] -> [N, C, 1, 1]: sum over H and W, one division by H*W.
struct ConvertGlobalAvgPool : StaticShapeLowering<GlobalAvgPoolOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(GlobalAvgPoolOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    ArrayRef<int64_t> in = inputType.getShape();
    auto sumType = RankedTensorType::get({in[0], in[1]}, rewriter.getF32Type());
    Value init = createFilled(rewriter, loc, sumType, 0.0);
    MLIRContext *context = rewriter.getContext();
    AffineMap outputMap = AffineMap::get(
        4, 0, {getAffineDimExpr(0, context), getAffineDimExpr(1, context)},
        context);
    Value sum =
        rewriter
            .create<linalg::GenericOp>(
                loc, sumType, op.getInput(), init,
                ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(4),
                                    outputMap},
                ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                              utils::IteratorType::parallel,
                                              utils::IteratorType::reduction,
                                              utils::IteratorType::reduction},
                [](OpBuilder &b, Location l, ValueRange args) {
                  Value acc = b.create<arith::AddFOp>(l, args[1], args[0]);
                  b.create<linalg::YieldOp>(l, acc);
                })
            .getResult(0);
    Value count = createF32(rewriter, loc, static_cast<double>(in[2] * in[3]));
    Value mean = createElementwise(
        rewriter, loc, sum, {}, /*channelDim=*/1,
        [&](OpBuilder &b, Location l, Value x, ValueRange) {
          return b.create<arith::DivFOp>(l, x, count).getResult();
        });
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, op.getType(), mean,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    return success();
  }
};

} // namespace

void qsnn::populatePoolingPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvertAvgPool, ConvertMaxPool, ConvertGlobalAvgPool>(
      patterns.getContext());
}
