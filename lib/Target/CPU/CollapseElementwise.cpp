//===- CollapseElementwise.cpp - one long loop for elementwise generics ---===//
#include "qsnn/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_COLLAPSEELEMENTWISE
#include "qsnn/Target/CPU/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;

namespace {

/// True when the operand's memory keeps the iteration dimensions `dims`
/// (consecutive, in order) contiguous: they appear as consecutive results of
/// `map` whose strides nest exactly, or not at all (a broadcast operand).
bool keepsContiguous(AffineMap map, MemRefType type, ArrayRef<int64_t> dims) {
  std::optional<unsigned> first =
      map.getResultPosition(getAffineDimExpr(dims.front(), map.getContext()));
  if (!first)
    return llvm::none_of(dims,
                         [&](int64_t d) { return map.isFunctionOfDim(d); });
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(getStridesAndOffset(type, strides, offset)))
    return false;
  for (size_t i = 1; i < dims.size(); ++i) {
    unsigned position = *first + i;
    if (position >= map.getNumResults() ||
        map.getResult(position) != getAffineDimExpr(dims[i], map.getContext()))
      return false;
    if (ShapedType::isDynamic(strides[position - 1]) ||
        ShapedType::isDynamic(strides[position]) ||
        strides[position - 1] != strides[position] * type.getDimSize(position))
      return false;
  }
  return true;
}

/// Greedy runs of consecutive iteration dimensions that every operand keeps
/// contiguous; only runs of two or more.
SmallVector<ReassociationIndices> findRuns(linalg::GenericOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // collapseOpIterationDims requires projected permutations; a constant
  // index (a broadcast of a one-element tensor: (d0, d1) -> (0)) is not.
  if (!llvm::all_of(maps,
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return {};
  auto fits = [&](ArrayRef<int64_t> run) {
    if (!linalg::areDimSequencesPreserved(maps, {ReassociationIndices(run)}))
      return false;
    for (OpOperand &operand : op->getOpOperands()) {
      auto type = dyn_cast<MemRefType>(operand.get().getType());
      if (!type)
        return false;
      if (!keepsContiguous(op.getMatchingIndexingMap(&operand), type, run))
        return false;
    }
    return true;
  };
  SmallVector<ReassociationIndices> runs;
  ReassociationIndices run = {0};
  for (int64_t d = 1, e = op.getNumLoops(); d <= e; ++d) {
    ReassociationIndices extended = run;
    extended.push_back(d);
    if (d < e && fits(extended)) {
      run = extended;
      continue;
    }
    if (run.size() > 1)
      runs.push_back(run);
    run = {d};
  }
  return runs;
}

struct CollapseElementwisePass
    : qsnn::impl::CollapseElementwiseBase<CollapseElementwisePass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> candidates;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.getNumLoops() > 1 &&
          op.getNumParallelLoops() == op.getNumLoops() &&
          op.hasPureBufferSemantics() &&
          op.getBody()->getOps<linalg::IndexOp>().empty())
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : candidates) {
      SmallVector<ReassociationIndices> runs = findRuns(op);
      if (runs.empty())
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::CollapseResult> collapsed =
          linalg::collapseOpIterationDims(
              cast<linalg::LinalgOp>(op.getOperation()), runs, rewriter);
      if (failed(collapsed))
        continue;
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
