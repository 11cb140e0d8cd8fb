//===- FoldBatchNorm.cpp - fold batch norm into synaptic layers -----------===//
#include "BatchNormAffine.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Dialect/QSNN/QSNNUtils.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::qsnn {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "qsnn/Transforms/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;
using namespace mlir::qsnn;

namespace {

Value makeConstant(PatternRewriter &rewriter, Location loc,
                   ArrayRef<double> values) {
  SmallVector<float> narrowed(values.begin(), values.end());
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    rewriter.getF32Type());
  return rewriter.create<arith::ConstantOp>(
      loc, DenseFPElementsAttr::get(type, ArrayRef<float>(narrowed)));
}

template <typename LayerOp>
struct FoldIntoLayer : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp norm,
                                PatternRewriter &rewriter) const override {
    auto layer = norm.getInput().template getDefiningOp<LayerOp>();
    if (!layer)
      return failure();
    if (!layer->hasOneUse())
      return rewriter.notifyMatchFailure(norm, "layer output has other users");
    FailureOr<BatchNormAffine> affine =
        BatchNormAffine::read(norm, norm.getEpsilon().convertToDouble());
    if (failed(affine))
      return rewriter.notifyMatchFailure(norm, "non-constant statistics");
    size_t channels = affine->gain.size();
    SmallVector<double> scale(channels, 1.0), bias(channels, 0.0);
    if (layer.getScale()) {
      auto values = readFloatConstant(layer.getScale());
      if (failed(values))
        return rewriter.notifyMatchFailure(layer, "non-constant scale");
      scale = *values;
    }
    if (layer.getBias()) {
      auto values = readFloatConstant(layer.getBias());
      if (failed(values))
        return rewriter.notifyMatchFailure(layer, "non-constant bias");
      bias = *values;
    }
    for (size_t c = 0; c < channels; ++c) {
      scale[c] *= affine->gain[c];
      bias[c] = affine->foldBias(c, bias[c]);
    }
    rewriter.setInsertionPoint(layer);
    Value newScale = makeConstant(rewriter, norm.getLoc(), scale);
    Value newBias = makeConstant(rewriter, norm.getLoc(), bias);
    rewriter.modifyOpInPlace(layer, [&] {
      layer.getScaleMutable().assign(newScale);
      layer.getBiasMutable().assign(newBias);
    });
    rewriter.replaceOp(norm, layer.getOutput());
    return success();
  }
};

struct FoldBatchNormPass : qsnn::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoLayer<Conv2DOp>, FoldIntoLayer<LinearOp>>(
        &getContext());
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
