//===- ConvertStructure.cpp - layout and glue ops to linalg ---------------===//
//
// The ops that enter and leave the time-merged layout (normalize, encode,
// readout) and the structural ones (add, flatten).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// Reassociation that merges dimensions [0, split) and [split, rank) into
/// two groups; both groups must be non-empty.
SmallVector<ReassociationIndices> twoGroups(int64_t split, int64_t rank) {
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t d = 0; d < rank; ++d)
    groups[d < split ? 0 : 1].push_back(d);
  return groups;
}

/// Reassociation that merges the leading `count` dimensions and keeps the
/// others.
SmallVector<ReassociationIndices> mergeLeading(int64_t count, int64_t rank) {
  SmallVector<ReassociationIndices> groups(1);
  for (int64_t d = 0; d < count; ++d)
    groups[0].push_back(d);
  for (int64_t d = count; d < rank; ++d)
    groups.push_back({d});
  return groups;
}

/// x = (p - zero_point[c]) * scale[c]. A uint8 input is reinterpreted as
/// signless i8 (arith works on signless integers) and widened unsigned; the
/// difference of two integers below 2^24 is exact in f32, as in the ONNX
/// graph's Cast -> Sub -> Mul.
struct ConvertNormalize : StaticShapeLowering<NormalizeOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(NormalizeOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    bool isPixels = inputType.getElementType().isUnsignedInteger(8);
    if (isPixels)
      input = rewriter.create<tensor::BitcastOp>(
          loc, inputType.clone(rewriter.getIntegerType(8)), input);
    SmallVector<double> zeroPoints(op.getZeroPoint().begin(),
                                   op.getZeroPoint().end());
    Value zp = createF32Vector(rewriter, loc, zeroPoints);
    Value scale = createF32Vector(rewriter, loc, op.getScale());
    Value result = createElementwise(
        rewriter, loc, input, {zp, scale}, /*channelDim=*/1,
        [&](OpBuilder &b, Location l, Value x, ValueRange params) {
          if (isPixels)
            x = b.create<arith::UIToFPOp>(l, b.getF32Type(), x);
          Value centered = b.create<arith::SubFOp>(l, x, params[0]);
          return b.create<arith::MulFOp>(l, centered, params[1]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// uint8 -> f32, value preserving: reinterpreted as signless i8 and widened
/// unsigned.
struct ConvertCounts : StaticShapeLowering<CountsOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(CountsOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    Value bytes = rewriter.create<tensor::BitcastOp>(
        loc, inputType.clone(rewriter.getIntegerType(8)), op.getInput());
    Value result = createElementwise(
        rewriter, loc, bytes, {}, /*channelDim=*/1,
        [&](OpBuilder &b, Location l, Value x, ValueRange) {
          return b.create<arith::UIToFPOp>(l, b.getF32Type(), x).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// [N, ...] -> [T*N, ...]: broadcast to [T, N, ...], then merge T into the
/// batch (time-major, row t*N + n is step t of sample n). Any element type:
/// at the integer level it repeats the first layer's sums.
struct ConvertEncode : StaticShapeLowering<EncodeOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(EncodeOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    SmallVector<int64_t> stepped = {static_cast<int64_t>(op.getTimeSteps())};
    llvm::append_range(stepped, inputType.getShape());
    Value init = rewriter.create<tensor::EmptyOp>(loc, stepped,
                                                  inputType.getElementType());
    Value repeated = rewriter
                         .create<linalg::BroadcastOp>(loc, op.getInput(), init,
                                                      ArrayRef<int64_t>{0})
                         .getResult()[0];
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, op.getType(), repeated, mergeLeading(2, stepped.size()));
    return success();
  }
};

/// [T*N, K] -> [N, K]: view as [T, N, K], sum over T, divide by T (a mean,
/// as ReduceMean computes it: a sum, then one division).
struct ConvertReadout : StaticShapeLowering<ReadoutOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(ReadoutOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    int64_t steps = op.getTimeSteps();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t batch = resultType.getDimSize(0),
            classes = resultType.getDimSize(1);
    auto steppedType =
        RankedTensorType::get({steps, batch, classes}, rewriter.getF32Type());
    Value stepped = rewriter.create<tensor::ExpandShapeOp>(
        loc, steppedType, op.getInput(),
        SmallVector<ReassociationIndices>{{0, 1}, {2}});
    Value init = createFilled(rewriter, loc, resultType, 0.0);
    MLIRContext *context = rewriter.getContext();
    AffineMap inputMap = rewriter.getMultiDimIdentityMap(3);
    AffineMap outputMap = AffineMap::get(
        3, 0, {getAffineDimExpr(1, context), getAffineDimExpr(2, context)},
        context);
    Value sum =
        rewriter
            .create<linalg::GenericOp>(
                loc, resultType, stepped, init,
                ArrayRef<AffineMap>{inputMap, outputMap},
                ArrayRef<utils::IteratorType>{utils::IteratorType::reduction,
                                              utils::IteratorType::parallel,
                                              utils::IteratorType::parallel},
                [](OpBuilder &b, Location l, ValueRange args) {
                  Value acc = b.create<arith::AddFOp>(l, args[1], args[0]);
                  b.create<linalg::YieldOp>(l, acc);
                })
            .getResult(0);
    Value divisor = createF32(rewriter, loc, static_cast<double>(steps));
    Value mean = createElementwise(
        rewriter, loc, sum, {}, /*channelDim=*/1,
        [&](OpBuilder &b, Location l, Value x, ValueRange) {
          return b.create<arith::DivFOp>(l, x, divisor).getResult();
        });
    rewriter.replaceOp(op, mean);
    return success();
  }
};

struct ConvertAdd : StaticShapeLowering<AddOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(AddOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    // Float activations, or i64 currents joining before a qsnn.ilif.
    Type element = op.getType().getElementType();
    bool isFloat = isa<FloatType>(element);
    Value sum = createElementwise(
        rewriter, op.getLoc(), op.getLhs(), op.getRhs(), /*channelDim=*/1,
        [&](OpBuilder &b, Location l, Value x, ValueRange params) -> Value {
          if (isFloat)
            return b.create<arith::AddFOp>(l, x, params[0]);
          return b.create<arith::AddIOp>(l, x, params[0]);
        },
        element);
    rewriter.replaceOp(op, sum);
    return success();
  }
};

/// ONNX Flatten is a pure reshape. When one side of the split is empty
/// (axis 0 or axis = rank) the result has a unit dimension that no single
/// collapse can create: collapse to 1-D, then expand.
struct ConvertFlatten : StaticShapeLowering<FlattenOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(FlattenOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = inputType.getRank();
    int64_t axis = op.getAxis();
    if (inputType.getShape() == resultType.getShape()) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    if (axis > 0 && axis < rank) {
      rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
          op, resultType, op.getInput(), twoGroups(axis, rank));
      return success();
    }
    Value flat = op.getInput();
    if (rank != 1) {
      auto flatType = RankedTensorType::get({inputType.getNumElements()},
                                            inputType.getElementType());
      flat = rewriter.create<tensor::CollapseShapeOp>(loc, flatType, flat,
                                                      mergeLeading(rank, rank));
    }
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, flat, SmallVector<ReassociationIndices>{{0, 1}});
    return success();
  }
};

} // namespace

void qsnn::populateStructurePatterns(RewritePatternSet &patterns) {
  patterns.add<ConvertNormalize, ConvertCounts, ConvertEncode, ConvertReadout,
               ConvertAdd, ConvertFlatten>(patterns.getContext());
}
