//===- ScheduleTime.cpp - layer-major or step-major time order ------------===//
//
// step-major: the time-merged part of an integer-level network moves into
// one scf.for over t (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_SCHEDULETIME
#include "qsnn/Transforms/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;
using namespace mlir::qsnn;

namespace {

RankedTensorType withRows(Type type, int64_t rows) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape[0] = rows;
  return tensor.clone(shape);
}

/// The slice of `size` entries of dimension 0 at `offset`, whole along the
/// other dimensions of `shape`.
struct LeadingSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  LeadingSlice(OpBuilder &b, ArrayRef<int64_t> shape, OpFoldResult offset,
               int64_t size)
      : offsets(shape.size(), b.getIndexAttr(0)),
        strides(shape.size(), b.getIndexAttr(1)) {
    offsets[0] = offset;
    sizes.push_back(b.getIndexAttr(size));
    for (int64_t extent : shape.drop_front())
      sizes.push_back(b.getIndexAttr(extent));
  }
};

/// A [T, N, ...] -> [T*N, ...] collapse (event frames): a root of the
/// time-merged network.
bool isTimeCollapse(Operation *op, int64_t steps) {
  auto collapse = dyn_cast<tensor::CollapseShapeOp>(op);
  if (!collapse)
    return false;
  auto groups = collapse.getReassociationIndices();
  return collapse.getSrcType().getDimSize(0) == steps && !groups.empty() &&
         groups.front() == ReassociationIndices{0, 1};
}

/// The ILIFs' common T; none when there is no ILIF; failure when LIFs
/// disagree or a float-level LIF is left.
FailureOr<std::optional<int64_t>> findTimeSteps(func::FuncOp func) {
  std::optional<int64_t> steps;
  bool mismatch = false;
  func.walk([&](Operation *op) {
    if (isa<LIFOp>(op)) {
      mismatch = true;
      return;
    }
    if (auto lif = dyn_cast<ILIFOp>(op)) {
      if (steps && *steps != static_cast<int64_t>(lif.getTimeSteps()))
        mismatch = true;
      steps = lif.getTimeSteps();
    }
  });
  if (mismatch)
    return func.emitError("qsnn-schedule-time: step-major needs an integer-"
                          "level network whose LIFs share one T");
  return steps;
}

/// Moves the time-merged network of one function into an scf.for over t.
class StepMajorScheduler {
public:
  StepMajorScheduler(func::FuncOp func, int64_t steps)
      : func(func), T(steps), loc(func.getLoc()) {}

  LogicalResult run() {
    if (failed(collectNetwork()))
      return failure();
    if (network.empty() || roots.empty())
      return success();
    collectEscaping();
    FailureOr<Operation *> last = findLoopPosition();
    if (failed(last))
      return failure();
    OpBuilder builder((*last)->getBlock(), std::next((*last)->getIterator()));
    if (!buildInitialValues(builder))
      return success();
    scf::ForOp loop = buildLoop(builder);
    replaceResults(builder, loop);
    eraseNetwork();
    return success();
  }

private:
  /// The qsnn ops that (transitively) read an encode or an event collapse;
  /// the roots map to their per-step value.
  LogicalResult collectNetwork();
  /// Values of the network read outside it (other than by ireadout).
  void collectEscaping();
  /// The loop goes after the last op it replaces: every value the network
  /// reads is defined by then; every outside reader must come later.
  FailureOr<Operation *> findLoopPosition();
  /// Initial loop-carried values: LIF states, readout sums, assembled
  /// outputs. False when the network has no LIF.
  bool buildInitialValues(OpBuilder &builder);
  scf::ForOp buildLoop(OpBuilder &builder);
  void mapRoots(OpBuilder &b, Value t);
  void cloneNetwork(OpBuilder &b, ValueRange carried,
                    SmallVectorImpl<Value> &yielded);
  void accumulateReadouts(OpBuilder &b, ValueRange carried,
                          SmallVectorImpl<Value> &yielded);
  void assembleEscaping(OpBuilder &b, Value t, ValueRange carried,
                        SmallVectorImpl<Value> &yielded);
  void replaceResults(OpBuilder &builder, scf::ForOp loop);
  void eraseNetwork();

  func::FuncOp func;
  int64_t T;
  Location loc;
  int64_t rows = -1;
  llvm::SetVector<Operation *> network;
  SmallVector<Operation *> roots, readouts, produced;
  SmallVector<Value> escaping, initial;
  SmallVector<ILIFOp> lifs;
  IRMapping mapping;
};

LogicalResult StepMajorScheduler::collectNetwork() {
  DenseSet<Value> merged;
  for (Operation &op : func.getBody().front()) {
    if (isa<EncodeOp>(op) || isTimeCollapse(&op, T)) {
      roots.push_back(&op);
      merged.insert(op.getResult(0));
      continue;
    }
    if (!llvm::any_of(op.getOperands(),
                      [&](Value v) { return merged.contains(v); }))
      continue;
    if (isa<IReadoutOp>(op)) {
      readouts.push_back(&op);
      continue;
    }
    if (!isa<QSNNDialect>(op.getDialect()))
      continue; // A user outside the network: its inputs get assembled.
    if (isa<ReadoutOp>(op) || op.getNumRegions() != 0)
      return op.emitError("qsnn-schedule-time: cannot run this op per step");
    for (Value result : op.getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || type.getRank() == 0 || type.getDimSize(0) % T != 0)
        return op.emitError("qsnn-schedule-time: expected a time-merged "
                            "[T*N, ...] result");
      merged.insert(result);
    }
    network.insert(&op);
  }
  return success();
}

void StepMajorScheduler::collectEscaping() {
  produced.assign(network.begin(), network.end());
  for (Operation *op : produced)
    for (Value result : op->getResults())
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            return !network.contains(user) &&
                   !llvm::is_contained(readouts, user);
          }))
        escaping.push_back(result);
}

FailureOr<Operation *> StepMajorScheduler::findLoopPosition() {
  Operation *last = network.back();
  for (Operation *op : readouts)
    if (last->isBeforeInBlock(op))
      last = op;
  for (Value value : escaping)
    for (Operation *user : value.getUsers())
      if (!network.contains(user) && !last->isBeforeInBlock(user))
        return user->emitError("qsnn-schedule-time: reads a layer's output "
                               "before the network ends");
  return last;
}

bool StepMajorScheduler::buildInitialValues(OpBuilder &builder) {
  for (Operation *op : network)
    if (auto lif = dyn_cast<ILIFOp>(op)) {
      auto type = cast<RankedTensorType>(lif.getType());
      rows = type.getDimSize(0) / T;
      unsigned bits = ILIFOp::getStateBits(lif.getLevels());
      auto stateType = RankedTensorType::get(withRows(type, rows).getShape(),
                                             builder.getIntegerType(bits));
      // m0 = 0, filled (a zero constant would become a global to copy).
      Value empty = builder.create<tensor::EmptyOp>(loc, stateType.getShape(),
                                                    stateType.getElementType());
      Value zero = builder.create<arith::ConstantOp>(
          loc, builder.getIntegerAttr(stateType.getElementType(), 0));
      initial.push_back(
          builder.create<linalg::FillOp>(loc, zero, empty).getResult(0));
      lifs.push_back(lif);
    }
  if (rows < 0)
    return false;
  for (Operation *op : readouts) {
    auto readout = cast<IReadoutOp>(op);
    initial.push_back(builder.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(cast<RankedTensorType>(readout.getType()),
                                    builder.getI64IntegerAttr(0))));
  }
  for (Value value : escaping)
    initial.push_back(builder.create<tensor::EmptyOp>(
        loc, cast<RankedTensorType>(value.getType()).getShape(),
        cast<RankedTensorType>(value.getType()).getElementType()));
  return true;
}

scf::ForOp StepMajorScheduler::buildLoop(OpBuilder &builder) {
  Value lower = builder.create<arith::ConstantIndexOp>(loc, 0);
  Value upper = builder.create<arith::ConstantIndexOp>(loc, T);
  Value one = builder.create<arith::ConstantIndexOp>(loc, 1);
  auto loop = builder.create<scf::ForOp>(loc, lower, upper, one, initial);
  OpBuilder b = OpBuilder::atBlockBegin(loop.getBody());
  Value t = loop.getInductionVar();
  ValueRange carried = loop.getRegionIterArgs();
  SmallVector<Value> yielded(initial.size());
  mapRoots(b, t);
  cloneNetwork(b, carried, yielded);
  accumulateReadouts(b, carried, yielded);
  assembleEscaping(b, t, carried, yielded);
  b.create<scf::YieldOp>(loc, yielded);
  return loop;
}

void StepMajorScheduler::mapRoots(OpBuilder &b, Value t) {
  for (Operation *root : roots) {
    if (auto encode = dyn_cast<EncodeOp>(root)) {
      mapping.map(encode.getResult(), encode.getInput());
      continue;
    }
    // Step t of the [T, N, ...] event frames, without the T dimension.
    auto collapse = cast<tensor::CollapseShapeOp>(root);
    auto source = collapse.getSrcType();
    LeadingSlice slice(b, source.getShape(), t, 1);
    auto stepType = RankedTensorType::get(source.getShape().drop_front(),
                                          source.getElementType());
    mapping.map(collapse.getResult(),
                b.create<tensor::ExtractSliceOp>(
                    loc, stepType, collapse.getSrc(), slice.offsets,
                    slice.sizes, slice.strides));
  }
}

/// Every op of the network on one step's rows; each LIF becomes an
/// ilif_step carrying its state.
void StepMajorScheduler::cloneNetwork(OpBuilder &b, ValueRange carried,
                                      SmallVectorImpl<Value> &yielded) {
  unsigned lifIndex = 0;
  for (Operation *op : network) {
    if (auto lif = dyn_cast<ILIFOp>(op)) {
      Value state = carried[lifIndex];
      auto step = b.create<ILIFStepOp>(
          lif.getLoc(), withRows(lif.getType(), rows), state.getType(),
          mapping.lookup(lif.getInput()), state, lif.getFracBitsAttr(),
          lif.getTauQAttr(), lif.getThresholdAttr(), lif.getLevelsAttr(),
          lif.getFireOnAttr());
      step->setDiscardableAttrs(lif->getDiscardableAttrDictionary());
      mapping.map(lif.getResult(), step.getSpikes());
      yielded[lifIndex++] = step.getNextState();
      continue;
    }
    Operation *clone = b.clone(*op, mapping);
    for (Value result : clone->getResults())
      result.setType(withRows(result.getType(), rows));
  }
}

/// acc += g_t, written into the carried sum (destination style, so the
/// loop updates one buffer in place).
void StepMajorScheduler::accumulateReadouts(OpBuilder &b, ValueRange carried,
                                            SmallVectorImpl<Value> &yielded) {
  unsigned next = lifs.size();
  for (Operation *op : readouts) {
    auto readout = cast<IReadoutOp>(op);
    auto sumType = cast<RankedTensorType>(carried[next].getType());
    AffineMap identity = b.getMultiDimIdentityMap(sumType.getRank());
    yielded[next] =
        b.create<linalg::GenericOp>(
             readout.getLoc(), sumType, mapping.lookup(readout.getInput()),
             carried[next], ArrayRef<AffineMap>{identity, identity},
             SmallVector<utils::IteratorType>(sumType.getRank(),
                                              utils::IteratorType::parallel),
             [](OpBuilder &e, Location el, ValueRange args) {
               e.create<linalg::YieldOp>(el, ValueRange{e.create<arith::AddIOp>(
                                                 el, args[1], args[0])});
             })
            .getResult(0);
    ++next;
  }
}

/// Rows t*N .. t*N + N - 1 of each escaping value.
void StepMajorScheduler::assembleEscaping(OpBuilder &b, Value t,
                                          ValueRange carried,
                                          SmallVectorImpl<Value> &yielded) {
  Value firstRow = b.create<arith::MulIOp>(
      loc, t, b.create<arith::ConstantIndexOp>(loc, rows));
  unsigned next = lifs.size() + readouts.size();
  for (Value value : escaping) {
    auto type = cast<RankedTensorType>(value.getType());
    LeadingSlice slice(b, type.getShape(), firstRow, rows);
    yielded[next] = b.create<tensor::InsertSliceOp>(
        loc, mapping.lookup(value), carried[next], slice.offsets, slice.sizes,
        slice.strides);
    ++next;
  }
}

/// The loop's results replace the network's: z = the summed currents (an
/// ireadout over one step keeps F for the artifact's description), the
/// assembled tensors for outside users.
void StepMajorScheduler::replaceResults(OpBuilder &builder, scf::ForOp loop) {
  builder.setInsertionPointAfter(loop);
  unsigned next = lifs.size();
  for (Operation *op : readouts) {
    auto readout = cast<IReadoutOp>(op);
    Value z = builder.create<IReadoutOp>(
        readout.getLoc(), readout.getType(), loop.getResult(next),
        builder.getI64IntegerAttr(1), readout.getFracBitsAttr());
    readout.getResult().replaceAllUsesWith(z);
    ++next;
  }
  for (Value value : escaping) {
    value.replaceUsesWithIf(loop.getResult(next), [&](OpOperand &use) {
      return !network.contains(use.getOwner()) &&
             use.getOwner()->getParentOp() != loop.getOperation();
    });
    ++next;
  }
}

void StepMajorScheduler::eraseNetwork() {
  for (Operation *op : llvm::reverse(readouts))
    op->erase();
  for (Operation *op : llvm::reverse(produced))
    op->erase();
  for (Operation *root : llvm::reverse(roots))
    if (root->use_empty())
      root->erase();
}

struct ScheduleTimePass : qsnn::impl::ScheduleTimeBase<ScheduleTimePass> {
  using ScheduleTimeBase::ScheduleTimeBase;

  void runOnOperation() override {
    if (schedule == "layer-major")
      return;
    if (schedule != "step-major") {
      getOperation().emitError() << "qsnn-schedule-time: unknown schedule '"
                                 << schedule << "' (layer-major or step-major)";
      return signalPassFailure();
    }
    if (failed(scheduleStepMajor(getOperation())))
      signalPassFailure();
  }

  LogicalResult scheduleStepMajor(func::FuncOp func) {
    if (func.isExternal())
      return success();
    if (!func.getBody().hasOneBlock())
      return func.emitError(
          "qsnn-schedule-time: needs a single-block function");
    FailureOr<std::optional<int64_t>> steps = findTimeSteps(func);
    if (failed(steps))
      return failure();
    if (!*steps)
      return success();
    return StepMajorScheduler(func, **steps).run();
  }
};

} // namespace
