//===- ConvertIntegerNeuron.cpp - ilif, ireadout, integer max pool --------===//
//
// The integer LIF is an scf.for over the T steps that carries the membrane
// state m [N, ...] as a k-bit integer tensor (k = the bits of [-L, L]) and
// the i1 spike output [T*N, ...]. Per element, exactly as the op defines it
// (docs/spec.md §4), in i64:
//   g = tau_q * m + current_t
//   r = clamp((g + 2^(F-1)) >> F, -L, L)      (arithmetic shift)
//   full:      s = g >= threshold;  m = s ? 0 : r
//   quantized: s = r >= threshold;  m = s ? 0 : r
// ireadout sums the readout currents over T; max_pool2d on spikes is the OR
// of the window (zero padding never sets a bit).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// The constants of one integer LIF update (the attributes of ilif and
/// ilif_step), materialized once before the loops.
struct IntegerLIFConstants {
  Value tauQ, threshold, half, shift, upper, lower, zero;
  bool fireOnFull;
  Type stateElement;

  template <typename OpTy>
  IntegerLIFConstants(OpBuilder &b, Location loc, OpTy op, Type state)
      : fireOnFull(op.getFireOn() == FireOn::Full), stateElement(state) {
    auto constant = [&](int64_t value) -> Value {
      return b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(value));
    };
    tauQ = constant(op.getTauQ());
    threshold = constant(op.getThreshold());
    half = constant(int64_t(1) << (op.getFracBits() - 1));
    shift = constant(op.getFracBits());
    upper = constant(op.getLevels());
    lower = constant(-static_cast<int64_t>(op.getLevels()));
    zero = constant(0);
  }

  /// (current, state) -> (next state, spike), elementwise.
  std::pair<Value, Value> step(OpBuilder &e, Location el, Value current,
                               Value state) const {
    Type i64 = e.getI64Type();
    Value m = e.create<arith::ExtSIOp>(el, i64, state);
    Value decayed = e.create<arith::MulIOp>(el, tauQ, m);
    Value g = e.create<arith::AddIOp>(el, decayed, current);
    Value biased = e.create<arith::AddIOp>(el, g, half);
    Value shifted = e.create<arith::ShRSIOp>(el, biased, shift);
    Value rounded = e.create<arith::MaxSIOp>(
        el, e.create<arith::MinSIOp>(el, shifted, upper), lower);
    Value fire = e.create<arith::CmpIOp>(el, arith::CmpIPredicate::sge,
                                         fireOnFull ? g : rounded, threshold);
    Value kept = e.create<arith::SelectOp>(el, fire, zero, rounded);
    Value next = e.create<arith::TruncIOp>(el, stateElement, kept);
    return {next, fire};
  }
};

struct ConvertILIF : StaticShapeLowering<ILIFOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(ILIFOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    int64_t steps = op.getTimeSteps();
    Type stateElement =
        rewriter.getIntegerType(ILIFOp::getStateBits(op.getLevels()));
    RankedTensorType stateType =
        getStepType(cast<RankedTensorType>(op.getType()), steps, stateElement);
    IntegerLIFConstants lif(rewriter, loc, op, stateElement);
    Value state0 = createIntFilled(rewriter, loc, stateType, 0);
    Value spikes = buildLIFTimeLoop(
        rewriter, loc, op.getInput(), steps, state0, rewriter.getI1Type(),
        [&](OpBuilder &e, Location el, ValueRange args) {
          auto [next, fire] = lif.step(e, el, args[0], args[1]);
          e.create<linalg::YieldOp>(el, ValueRange{next, fire});
        });
    rewriter.replaceOp(op, spikes);
    return success();
  }
};

/// One step: an elementwise generic that updates the state in place (it is
/// the generic's first init, read through its block argument: a time loop
/// that carries it bufferizes without copies) and writes the spikes.
struct ConvertILIFStep : StaticShapeLowering<ILIFStepOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(ILIFStepOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    auto stateType = cast<RankedTensorType>(op.getState().getType());
    auto spikeType = cast<RankedTensorType>(op.getSpikes().getType());
    IntegerLIFConstants lif(rewriter, loc, op, stateType.getElementType());
    int64_t rank = stateType.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    Value spikeInit = rewriter.create<tensor::EmptyOp>(
        loc, spikeType.getShape(), spikeType.getElementType());
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{stateType, spikeType}, ValueRange{op.getInput()},
        ValueRange{op.getState(), spikeInit},
        SmallVector<AffineMap>(3, identity),
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &e, Location el, ValueRange args) {
          auto [next, fire] = lif.step(e, el, args[0], args[1]);
          e.create<linalg::YieldOp>(el, ValueRange{next, fire});
        });
    rewriter.replaceOp(op, {generic.getResult(1), generic.getResult(0)});
    return success();
  }
};

/// [T*N, K] -> [N, K]: z[n, k] = sum_t g[t*N + n, k] in i64.
struct ConvertIReadout : StaticShapeLowering<IReadoutOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(IReadoutOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    int64_t steps = op.getTimeSteps();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t batch = resultType.getDimSize(0),
            classes = resultType.getDimSize(1);
    Type i64 = rewriter.getI64Type();
    auto steppedType = RankedTensorType::get({steps, batch, classes}, i64);
    Value stepped = rewriter.create<tensor::ExpandShapeOp>(
        loc, steppedType, op.getInput(),
        SmallVector<ReassociationIndices>{{0, 1}, {2}});
    Value init = createIntFilled(rewriter, loc, resultType, 0);
    MLIRContext *context = rewriter.getContext();
    AffineMap outputMap = AffineMap::get(
        3, 0, {getAffineDimExpr(1, context), getAffineDimExpr(2, context)},
        context);
    rewriter.replaceOp(
        op,
        rewriter
            .create<linalg::GenericOp>(
                loc, resultType, stepped, init,
                ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(3),
                                    outputMap},
                ArrayRef<utils::IteratorType>{utils::IteratorType::reduction,
                                              utils::IteratorType::parallel,
                                              utils::IteratorType::parallel},
                [](OpBuilder &b, Location l, ValueRange args) {
                  Value acc = b.create<arith::AddIOp>(l, args[1], args[0]);
                  b.create<linalg::YieldOp>(l, acc);
                })
            .getResult(0));
    return success();
  }
};

/// max_pool2d on integers: OR over the window for i1 spikes, signed max for
/// wider values. Padded cells (explicit padding and ceil-mode windows) are
/// 0, which never wins for spikes or the non-negative counts pooled at the
/// integer level.
struct ConvertIntegerMaxPool : StaticShapeLowering<MaxPool2DOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(MaxPool2DOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    Type element = op.getType().getElementType();
    if (!isa<IntegerType>(element))
      return rewriter.notifyMatchFailure(op, "float max pool");
    auto resultType = cast<RankedTensorType>(op.getType());
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides();
    // Pad the end also for ceil-mode windows reaching past the padding.
    SmallVector<int64_t> padding(op.getPadding());
    for (int d = 0; d < 2; ++d) {
      int64_t reach =
          (resultType.getDimSize(2 + d) - 1) * strides[d] + kernel[d];
      padding[2 + d] = std::max(
          padding[2 + d], reach - inputType.getDimSize(2 + d) - padding[d]);
    }
    Value padded = padSpatialWithZeros(rewriter, loc, op.getInput(), padding);
    MLIRContext *context = rewriter.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
    // Iteration space (n, c, oh, ow, kh, kw).
    AffineMap inputMap = AffineMap::get(
        6, 0, {d(0), d(1), d(2) * strides[0] + d(4), d(3) * strides[1] + d(5)},
        context);
    AffineMap windowMap = AffineMap::get(6, 0, {d(4), d(5)}, context);
    AffineMap outputMap =
        AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, context);
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.append(2, utils::IteratorType::reduction);
    Value window = rewriter.create<tensor::EmptyOp>(loc, kernel, element);
    Value init = createIntFilled(rewriter, loc, resultType, 0);
    bool isSpikes = element.isInteger(1);
    rewriter.replaceOp(
        op,
        rewriter
            .create<linalg::GenericOp>(
                loc, resultType, ValueRange{padded, window}, init,
                ArrayRef<AffineMap>{inputMap, windowMap, outputMap}, iterators,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value acc =
                      isSpikes ? b.create<arith::OrIOp>(l, args[2], args[0])
                                     .getResult()
                               : b.create<arith::MaxSIOp>(l, args[2], args[0])
                                     .getResult();
                  b.create<linalg::YieldOp>(l, acc);
                })
            .getResult(0));
    return success();
  }
};

} // namespace

void qsnn::populateIntegerNeuronPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvertILIF, ConvertILIFStep, ConvertIReadout,
               ConvertIntegerMaxPool>(patterns.getContext());
}
