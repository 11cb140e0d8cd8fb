//===- HoistTimeInvariant.cpp - layers on a static input run once ---------===//
#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_HOISTTIMEINVARIANT
#include "qsnn/Transforms/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// layer(encode(x)) -> encode(layer(x)) for a per-sample layer whose only
/// time-merged operand is its input.
struct HoistOverEncode : RewritePattern {
  explicit HoistOverEncode(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<Conv2DOp, LinearOp, BatchNormOp, NormalizeOp, CountsOp, ICenterOp,
             IConv2DOp, IAffineOp>(op) ||
        op->getNumResults() != 1 || op->getNumOperands() == 0)
      return failure();
    auto encode = op->getOperand(0).getDefiningOp<EncodeOp>();
    if (!encode)
      return failure();
    for (Value operand : op->getOperands().drop_front())
      if (operand.getDefiningOp<EncodeOp>())
        return rewriter.notifyMatchFailure(op, "another operand is per step");
    auto perSample = cast<RankedTensorType>(encode.getInput().getType());
    auto merged = cast<RankedTensorType>(op->getResult(0).getType());
    if (!merged.hasStaticShape() || !perSample.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    SmallVector<int64_t> shape(merged.getShape());
    shape[0] = perSample.getDimSize(0);
    Operation *once = rewriter.clone(*op);
    once->setOperand(0, encode.getInput());
    once->getResult(0).setType(merged.clone(shape));
    auto repeated = rewriter.create<EncodeOp>(
        op->getLoc(), merged, once->getResult(0), encode.getTimeStepsAttr());
    rewriter.replaceOp(op, repeated.getResult());
    return success();
  }
};

struct HoistTimeInvariantPass
    : qsnn::impl::HoistTimeInvariantBase<HoistTimeInvariantPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<HoistOverEncode>(&getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
