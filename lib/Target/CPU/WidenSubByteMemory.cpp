//===- WidenSubByteMemory.cpp - sub-byte buffers as byte buffers ----------===//
#include "qsnn/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_WIDENSUBBYTEMEMORY
#include "qsnn/Target/CPU/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;

namespace {

/// The byte-element form of a memref of i1..i7, or null for other types.
MemRefType widened(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref)
    return nullptr;
  auto element = dyn_cast<IntegerType>(memref.getElementType());
  if (!element || element.getWidth() >= 8)
    return nullptr;
  return MemRefType::Builder(memref).setElementType(
      IntegerType::get(type.getContext(), 8));
}

/// Ops that only carry a buffer along (views) and keep working unchanged
/// once its element type is i8.
bool isView(Operation *op) {
  return isa<memref::AllocOp, memref::AllocaOp, memref::ViewOp,
             memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
             memref::ReinterpretCastOp, memref::CastOp>(op);
}

struct WidenSubByteMemoryPass
    : qsnn::impl::WidenSubByteMemoryBase<WidenSubByteMemoryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (llvm::any_of(func.getArgumentTypes(),
                     [](Type type) { return widened(type) != nullptr; }))
      return;

    // Every sub-byte buffer must come from a view or a loop that carries it
    // (an scf.for iterating over time with the membrane state), and every
    // user must be a view, a load, a store, a deallocation or such a loop;
    // anything else would read the bytes differently.
    auto checkUsers = [&](Value value) -> LogicalResult {
      for (Operation *user : value.getUsers())
        if (!isView(user) &&
            !isa<memref::LoadOp, memref::StoreOp, memref::DeallocOp, scf::ForOp,
                 scf::YieldOp>(user))
          return user->emitError()
                 << "qsnn-widen-sub-byte-memory: unsupported user of a "
                    "sub-byte buffer";
      return success();
    };
    WalkResult checked = func.walk([&](Operation *op) {
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (widened(arg.getType()) &&
                (!isa<scf::ForOp>(op) || failed(checkUsers(arg))))
              return op->emitError()
                         << "qsnn-widen-sub-byte-memory: cannot widen a "
                            "buffer passed into this region",
                     WalkResult::interrupt();
      for (Value result : op->getResults()) {
        if (!widened(result.getType()))
          continue;
        if (!isView(op) && !isa<scf::ForOp>(op))
          return op->emitError()
                     << "qsnn-widen-sub-byte-memory: cannot widen a buffer "
                        "produced by this op",
                 WalkResult::interrupt();
        if (failed(checkUsers(result)))
          return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (checked.wasInterrupted())
      return signalPassFailure();

    SmallVector<memref::LoadOp> loads;
    SmallVector<memref::StoreOp> stores;
    func.walk([&](Operation *op) {
      for (Value result : op->getResults())
        if (MemRefType type = widened(result.getType()))
          result.setType(type);
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (MemRefType type = widened(arg.getType()))
              arg.setType(type);
      if (auto load = dyn_cast<memref::LoadOp>(op))
        loads.push_back(load);
      else if (auto store = dyn_cast<memref::StoreOp>(op))
        stores.push_back(store);
    });

    Type byte = IntegerType::get(&getContext(), 8);
    for (memref::LoadOp load : loads) {
      Type original = load.getType();
      if (original == load.getMemRefType().getElementType())
        continue;
      OpBuilder builder(load);
      auto wide = builder.create<memref::LoadOp>(
          load.getLoc(), load.getMemRef(), load.getIndices());
      Value narrow =
          builder.create<arith::TruncIOp>(load.getLoc(), original, wide);
      load.replaceAllUsesWith(narrow);
      load.erase();
    }
    for (memref::StoreOp store : stores) {
      if (store.getValueToStore().getType() ==
          store.getMemRefType().getElementType())
        continue;
      OpBuilder builder(store);
      Value wide = builder.create<arith::ExtUIOp>(store.getLoc(), byte,
                                                  store.getValueToStore());
      builder.create<memref::StoreOp>(store.getLoc(), wide, store.getMemRef(),
                                      store.getIndices());
      store.erase();
    }
  }
};

} // namespace
