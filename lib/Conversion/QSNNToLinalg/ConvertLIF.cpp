//===- ConvertLIF.cpp - qsnn.lif to an scf.for over time steps ------------===//
//
// The T steps are sequential (each needs the previous membrane), so the
// lowering is an scf.for that carries the membrane tensor u [N, ...] and the
// spike output [T*N, ...]. Each iteration reads the step's current slice,
// runs one elementwise generic that yields the new membrane (written in place
// over u) and the spikes (written in place over the output slice), and
// inserts the spikes back. Keeping both updates in place lets bufferization
// run the loop without copies.
//
// Arithmetic follows the trainer (lib/Train/LIF.cpp, Quantizers.cpp) in f32:
//   h = u * tau + I
//   Q(x) = round(clip(x / alpha, -1, 1) * L) * (alpha / L), round half to even
//   full:      s = [h >= theta];  u = Q(s ? 0 : h)
//   quantized: q = Q(h); s = [q >= theta]; u = s ? 0 : q
// `s ? 0 : h` equals the trainer's h * (1 - s) for every finite h.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// Constants of the membrane quantizer; `levels == 0` disables it.
struct Quantizer {
  int64_t levels = 0;
  Value alpha, lower, upper, levelsF, step;

  Value apply(OpBuilder &b, Location loc, Value x) const {
    if (levels == 0)
      return x;
    Value ratio = b.create<arith::DivFOp>(loc, x, alpha);
    Value clipped = b.create<arith::MinimumFOp>(
        loc, b.create<arith::MaximumFOp>(loc, ratio, lower), upper);
    Value scaled = b.create<arith::MulFOp>(loc, clipped, levelsF);
    Value rounded = b.create<math::RoundEvenOp>(loc, scaled);
    return b.create<arith::MulFOp>(loc, rounded, step);
  }
};

struct ConvertLIF : StaticShapeLowering<LIFOp> {
  using StaticShapeLowering::StaticShapeLowering;
  LogicalResult lower(LIFOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    int64_t steps = op.getTimeSteps();
    RankedTensorType stepType = getStepType(type, steps, rewriter.getF32Type());

    Quantizer quant;
    quant.levels = op.getNumLevels();
    if (quant.levels != 0) {
      // alpha / L is formed in f32 from the f32 alpha, as the trainer's
      // `alpha / l` on an f32 tensor does.
      float alpha = static_cast<float>(op.getAlphaU()->convertToDouble());
      float levels = static_cast<float>(quant.levels);
      quant.alpha = createF32(rewriter, loc, alpha);
      quant.lower = createF32(rewriter, loc, -1.0);
      quant.upper = createF32(rewriter, loc, 1.0);
      quant.levelsF = createF32(rewriter, loc, levels);
      quant.step = createF32(rewriter, loc, alpha / levels);
    }
    Value tau = createF32(rewriter, loc, op.getTau().convertToDouble());
    Value threshold =
        createF32(rewriter, loc, op.getThreshold().convertToDouble());
    Value zero = createF32(rewriter, loc, 0.0);
    Value one = createF32(rewriter, loc, 1.0);
    bool fireOnFull = op.getFireOn() == FireOn::Full;
    // A strict threshold alone keeps the quantized loop below.
    if (op.getReset() != Reset::Hard || !op.getVReset().isZero() ||
        op.getEmitMembrane()) {
      rewriter.replaceOp(op, lowerExtended(op, loc, rewriter, stepType, tau,
                                           threshold, zero, one));
      return success();
    }

    Value membrane0 = createFilled(rewriter, loc, stepType, 0.0);
    Value spikes = buildLIFTimeLoop(
        rewriter, loc, op.getInput(), steps, membrane0, rewriter.getF32Type(),
        [&](OpBuilder &e, Location el, ValueRange args) {
          Value decayed = e.create<arith::MulFOp>(el, args[1], tau);
          Value h = e.create<arith::AddFOp>(el, decayed, args[0]);
          Value compared = fireOnFull ? h : quant.apply(e, el, h);
          Value fire = e.create<arith::CmpFOp>(el,
                                               op.getStrict()
                                                   ? arith::CmpFPredicate::OGT
                                                   : arith::CmpFPredicate::OGE,
                                               compared, threshold);
          Value spike = e.create<arith::SelectOp>(el, fire, one, zero);
          Value kept = e.create<arith::SelectOp>(el, fire, zero, compared);
          Value next = fireOnFull ? quant.apply(e, el, kept) : kept;
          e.create<linalg::YieldOp>(el, ValueRange{next, spike});
        });
    rewriter.replaceOp(op, spikes);
    return success();
  }

  /// The NIR dynamics (membrane_bits = 32, fire_on = full, the verifier
  /// ensures it), in f32:
  ///   h = u * tau + I
  ///   s = [h > theta] (strict) or [h >= theta]; s = 0 for reset = none
  ///   hard: u = s ? v_reset : h;  subtract: u = h - s * theta;  none: u = h
  /// The loop yields u instead of s when emit_membrane is set.
  static Value lowerExtended(LIFOp op, Location loc, PatternRewriter &rewriter,
                             RankedTensorType stepType, Value tau,
                             Value threshold, Value zero, Value one) {
    Reset reset = op.getReset();
    bool emitMembrane = op.getEmitMembrane();
    arith::CmpFPredicate predicate =
        op.getStrict() ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OGE;
    Value vReset = createF32(rewriter, loc, op.getVReset().convertToDouble());
    Value membrane0 = createFilled(rewriter, loc, stepType, 0.0);
    return buildLIFTimeLoop(
        rewriter, loc, op.getInput(), op.getTimeSteps(), membrane0,
        rewriter.getF32Type(), [&](OpBuilder &e, Location el, ValueRange args) {
          Value decayed = e.create<arith::MulFOp>(el, args[1], tau);
          Value h = e.create<arith::AddFOp>(el, decayed, args[0]);
          Value next = h, spike = zero;
          if (reset != Reset::None) {
            Value fire = e.create<arith::CmpFOp>(el, predicate, h, threshold);
            spike = e.create<arith::SelectOp>(el, fire, one, zero);
            next =
                reset == Reset::Hard
                    ? e.create<arith::SelectOp>(el, fire, vReset, h).getResult()
                    : e.create<arith::SubFOp>(
                           el, h,
                           e.create<arith::SelectOp>(el, fire, threshold, zero))
                          .getResult();
          }
          e.create<linalg::YieldOp>(
              el, ValueRange{next, emitMembrane ? next : spike});
        });
  }
};

} // namespace

void qsnn::populateLIFPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvertLIF>(patterns.getContext());
}
