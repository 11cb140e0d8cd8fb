//===- PrepareBoundary.cpp - signless, distinct function results ----------===//
#include "qsnn/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_PREPAREBOUNDARY
#include "qsnn/Transforms/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;

namespace {

RankedTensorType signlessOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.getElementType().isUnsignedInteger())
    return {};
  return tensor.clone(IntegerType::get(
      type.getContext(), tensor.getElementType().getIntOrFloatBitWidth()));
}

struct PrepareBoundaryPass
    : qsnn::impl::PrepareBoundaryBase<PrepareBoundaryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    auto returnOp = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    if (failed(makeArgumentsSignless(func, returnOp)))
      return signalPassFailure();
    makeResultsSignless(returnOp);
    copySharedResults(returnOp);
    func.setFunctionType(FunctionType::get(&getContext(),
                                           func.getBody().getArgumentTypes(),
                                           returnOp.getOperandTypes()));
  }

  /// ui8 arguments become i8; their bitcasts to i8 disappear. Returning the
  /// argument itself is the only other use allowed.
  LogicalResult makeArgumentsSignless(func::FuncOp func,
                                      func::ReturnOp returnOp) {
    for (BlockArgument arg : func.getArguments()) {
      RankedTensorType signless = signlessOf(arg.getType());
      if (!signless)
        continue;
      for (Operation *user : arg.getUsers()) {
        auto cast = dyn_cast<tensor::BitcastOp>(user);
        if (user != returnOp && (!cast || cast.getType() != signless))
          return user->emitError()
                 << "uses the unsigned argument #" << arg.getArgNumber()
                 << " other than through tensor.bitcast to " << signless;
      }
      arg.setType(signless);
      for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
        if (user == returnOp)
          continue;
        user->getResult(0).replaceAllUsesWith(arg);
        user->erase();
      }
    }
    return success();
  }

  /// A ui8 result made by tensor.bitcast from i8 returns the i8 value.
  void makeResultsSignless(func::ReturnOp returnOp) {
    for (OpOperand &operand : returnOp->getOpOperands()) {
      if (!signlessOf(operand.get().getType()))
        continue;
      auto cast = operand.get().getDefiningOp<tensor::BitcastOp>();
      if (cast &&
          cast.getSource().getType() == signlessOf(operand.get().getType()))
        operand.set(cast.getSource());
    }
  }

  /// Returned arguments and values returned twice get a copy of their own.
  void copySharedResults(func::ReturnOp returnOp) {
    OpBuilder builder(returnOp);
    llvm::SmallPtrSet<Value, 8> seen;
    for (OpOperand &operand : returnOp->getOpOperands()) {
      Value value = operand.get();
      bool shared = isa<BlockArgument>(value) || !seen.insert(value).second;
      auto type = dyn_cast<RankedTensorType>(value.getType());
      if (!shared || !type)
        continue;
      Location loc = returnOp.getLoc();
      Value empty = builder.create<tensor::EmptyOp>(loc, type.getShape(),
                                                    type.getElementType());
      operand.set(
          builder.create<linalg::CopyOp>(loc, value, empty).getResult(0));
    }
  }
};

} // namespace
