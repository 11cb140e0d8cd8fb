//===- PlanMemory.cpp - static workspace planning -------------------------===//
//
// Every shape is static after import, so the whole memory of a forward pass
// can be laid out at compile time, as TVM's AOT executor and TFLite Micro's
// arena planner do: live ranges over the program order, then first-fit
// placement of each buffer beside the ones it is live with.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

namespace mlir::qsnn {
#define GEN_PASS_DEF_PLANMEMORY
#include "qsnn/Transforms/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;
using namespace mlir::qsnn;

namespace {

constexpr int64_t kWorkspaceAlignment = 64; // QSNN_WORKSPACE_ALIGNMENT

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes = 0;
  int64_t start = 0, end = 0; // inclusive positions in program order
  bool scratch = false;       // allocated inside a loop body
  int64_t offset = -1;
};

/// Program order: each op gets [first, last] where `last` is the position of
/// its last nested op, so a use anywhere inside a loop maps to the loop's
/// whole extent.
void numberOps(Operation *op, int64_t &counter,
               DenseMap<Operation *, std::pair<int64_t, int64_t>> &spans) {
  int64_t first = counter++;
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (Operation &nested : block)
        numberOps(&nested, counter, spans);
  spans[op] = {first, counter - 1};
}

int64_t elementBytes(Type type) {
  if (type.isIndex())
    return 8;
  return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
}

struct PlanMemoryPass : qsnn::impl::PlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override;

  /// Fills `buffer.end` from the uses of the alloc and of its views.
  LogicalResult computeLiveRange(
      Buffer &buffer,
      const DenseMap<Operation *, std::pair<int64_t, int64_t>> &spans);
};

LogicalResult PlanMemoryPass::computeLiveRange(
    Buffer &buffer,
    const DenseMap<Operation *, std::pair<int64_t, int64_t>> &spans) {
  Block *home = buffer.alloc->getBlock();
  SmallVector<Value> worklist = {buffer.alloc.getResult()};
  DenseSet<Value> seen(worklist.begin(), worklist.end());
  buffer.end = buffer.start;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (user->hasTrait<OpTrait::IsTerminator>() && user->getBlock() == home)
        return buffer.alloc->emitError()
               << "buffer escapes its block through '" << user->getName()
               << "'; it cannot be given a fixed workspace offset";
      Operation *ancestor = home->findAncestorOpInBlock(*user);
      if (!ancestor)
        return buffer.alloc->emitError()
               << "buffer is used outside the block that allocates it";
      buffer.end = std::max(buffer.end, spans.lookup(ancestor).second);
      // Conservatively, any memref an op derives from the buffer (views,
      // casts, loop results) aliases it; a value yielded from a nested
      // region flows into the results of the op that owns the region.
      Operation *producer =
          user->hasTrait<OpTrait::IsTerminator>() ? user->getParentOp() : user;
      for (Value result : producer->getResults())
        if (isa<BaseMemRefType>(result.getType()) && seen.insert(result).second)
          worklist.push_back(result);
    }
  }
  return success();
}

/// Every memref.alloc of `func` with the first program point it is live.
FailureOr<SmallVector<Buffer>> collectBuffers(
    func::FuncOp func,
    const DenseMap<Operation *, std::pair<int64_t, int64_t>> &spans) {
  SmallVector<Buffer> buffers;
  WalkResult walk = func.walk([&](memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
      alloc->emitError() << "only statically shaped, identity-layout "
                            "allocations can be planned, got "
                         << type;
      return WalkResult::interrupt();
    }
    Buffer buffer;
    buffer.alloc = alloc;
    buffer.bytes = type.getNumElements() * elementBytes(type.getElementType());
    buffer.start = spans.lookup(alloc).first;
    buffer.scratch = alloc->getBlock() != &func.getBody().front();
    buffers.push_back(buffer);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return buffers;
}

/// First fit in program order: the lowest aligned offset that does not
/// overlap any already placed buffer whose live range intersects. Returns
/// the workspace size; `unplanned` gets the sum of all buffers.
int64_t placeFirstFit(MutableArrayRef<Buffer> buffers, int64_t &unplanned) {
  int64_t total = 0;
  unplanned = 0;
  SmallVector<Buffer *> placed;
  for (Buffer &buffer : buffers) {
    SmallVector<Buffer *> conflicts;
    for (Buffer *other : placed)
      if (other->start <= buffer.end && buffer.start <= other->end)
        conflicts.push_back(other);
    llvm::sort(conflicts,
               [](Buffer *a, Buffer *b) { return a->offset < b->offset; });
    int64_t candidate = 0;
    for (Buffer *other : conflicts) {
      if (candidate + buffer.bytes <= other->offset)
        break;
      candidate = std::max(
          candidate, static_cast<int64_t>(llvm::alignTo(
                         other->offset + other->bytes, kWorkspaceAlignment)));
    }
    buffer.offset = candidate;
    placed.push_back(&buffer);
    total =
        std::max(total, static_cast<int64_t>(llvm::alignTo(
                            candidate + buffer.bytes, kWorkspaceAlignment)));
    unplanned += llvm::alignTo(buffer.bytes, kWorkspaceAlignment);
  }
  return total;
}

/// Breakdown of the peak: the live bytes by kind where their sum is largest
/// (a live set's maximum is always reached at some buffer's start).
std::pair<int64_t, int64_t> peakBreakdown(ArrayRef<Buffer> buffers) {
  int64_t peakActivations = 0, peakScratch = 0;
  for (const Buffer &at : buffers) {
    int64_t activations = 0, scratch = 0;
    for (const Buffer &other : buffers)
      if (other.start <= at.start && at.start <= other.end)
        (other.scratch ? scratch : activations) += other.bytes;
    if (activations + scratch > peakActivations + peakScratch) {
      peakActivations = activations;
      peakScratch = scratch;
    }
  }
  return {peakActivations, peakScratch};
}

/// The allocs become views of a new trailing workspace argument.
void rewriteIntoWorkspace(func::FuncOp func, ArrayRef<Buffer> buffers,
                          int64_t total) {
  MLIRContext *context = func.getContext();
  auto workspaceType = MemRefType::get({total}, IntegerType::get(context, 8));
  unsigned index = func.getNumArguments();
  func.insertArgument(
      index, workspaceType,
      DictionaryAttr::get(
          context,
          {NamedAttribute(
              StringAttr::get(context,
                              QSNNDialect::WorkspaceAttrHelper::getNameStr()),
              UnitAttr::get(context))}),
      func.getLoc());
  Value workspace = func.getArgument(index);
  for (const Buffer &buffer : buffers) {
    memref::AllocOp alloc = buffer.alloc;
    OpBuilder builder(alloc);
    Location loc = alloc.getLoc();
    Value offset = builder.create<arith::ConstantIndexOp>(loc, buffer.offset);
    Value view = builder.create<memref::ViewOp>(loc, alloc.getType(), workspace,
                                                offset, ValueRange{});
    alloc.getResult().replaceAllUsesWith(view);
    alloc.erase();
  }
  func.walk([](memref::DeallocOp dealloc) { dealloc.erase(); });
}

void PlanMemoryPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  DenseMap<Operation *, std::pair<int64_t, int64_t>> spans;
  int64_t counter = 0;
  numberOps(func, counter, spans);
  FailureOr<SmallVector<Buffer>> buffers = collectBuffers(func, spans);
  if (failed(buffers))
    return signalPassFailure();
  for (Buffer &buffer : *buffers)
    if (failed(computeLiveRange(buffer, spans)))
      return signalPassFailure();
  int64_t unplanned = 0;
  int64_t total = placeFirstFit(*buffers, unplanned);
  auto [peakActivations, peakScratch] = peakBreakdown(*buffers);
  rewriteIntoWorkspace(func, *buffers, total);

  Builder builder(&getContext());
  QSNNDialect &qsnn = QSNNDialect::get(&getContext());
  qsnn.getWorkspaceBytesAttrHelper().setAttr(func,
                                             builder.getI64IntegerAttr(total));
  qsnn.getActivationBytesAttrHelper().setAttr(
      func, builder.getI64IntegerAttr(peakActivations));
  qsnn.getScratchBytesAttrHelper().setAttr(
      func, builder.getI64IntegerAttr(peakScratch));
  qsnn.getUnplannedBytesAttrHelper().setAttr(
      func, builder.getI64IntegerAttr(unplanned));
}

} // namespace
