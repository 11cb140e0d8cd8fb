//===- InnermostContiguousLoop.cpp - vectorizable loop order --------------===//
#include "qsnn/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::qsnn {
#define GEN_PASS_DEF_INNERMOSTCONTIGUOUSLOOP
#include "qsnn/Target/CPU/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;

namespace {

/// The loop order (old loop indices, outermost first) that moves the loop
/// of the output's last dimension innermost, or nothing when that would not
/// help or not be a plain unit of vector work (see the pass description).
std::optional<SmallVector<unsigned>> findLoopOrder(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumLoops() < 2)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators.back() != utils::IteratorType::reduction)
    return std::nullopt;
  AffineMap outputMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outputMap.getNumResults() == 0)
    return std::nullopt;
  auto last = dyn_cast<AffineDimExpr>(outputMap.getResults().back());
  if (!last || iterators[last.getPosition()] != utils::IteratorType::parallel)
    return std::nullopt;
  unsigned dim = last.getPosition();
  for (OpOperand *input : op.getDpsInputOperands()) {
    ArrayRef<AffineExpr> results =
        op.getMatchingIndexingMap(input).getResults();
    for (AffineExpr result : results.drop_back())
      if (result.isFunctionOfDim(dim))
        return std::nullopt;
  }
  SmallVector<unsigned> order;
  for (unsigned loop = 0, e = op.getNumLoops(); loop < e; ++loop)
    if (loop != dim)
      order.push_back(loop);
  order.push_back(dim);
  return order;
}

struct InnermostContiguousLoopPass
    : qsnn::impl::InnermostContiguousLoopBase<InnermostContiguousLoopPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<unsigned>>> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (auto order = findLoopOrder(op))
        work.emplace_back(op, std::move(*order));
    });
    IRRewriter rewriter(&getContext());
    for (auto &[op, order] : work) {
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order)))
        return signalPassFailure();
    }
  }
};

} // namespace
