//===- ExpandMath.cpp - expand math ops that would call libm --------------===//
#include "qsnn/Target/CPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_EXPANDMATH
#include "qsnn/Target/CPU/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;

namespace {

struct ExpandMathPass : qsnn::impl::ExpandMathBase<ExpandMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // roundeven expands into math.round, which has the same problem; floor
    // and ceil too on CPUs without SSE4.1.
    populateExpandRoundEvenPattern(patterns);
    populateExpandRoundFPattern(patterns);
    populateExpandFloorFPattern(patterns);
    populateExpandCeilFPattern(patterns);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
