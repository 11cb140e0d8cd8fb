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

struct ConvertLIF : OpRewritePattern<LIFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LIFOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasStaticShapes(op))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t steps = op.getTimeSteps();
    int64_t rank = type.getRank();
    SmallVector<int64_t> stepShape(type.getShape());
    stepShape[0] /= steps;
    auto stepType = RankedTensorType::get(stepShape, rewriter.getF32Type());

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

    Value membrane0 = createFilled(rewriter, loc, stepType, 0.0);
    Value spikes0 = rewriter.create<tensor::EmptyOp>(loc, type.getShape(),
                                                     rewriter.getF32Type());
    Value lb = rewriter.create<arith::ConstantIndexOp>(loc, 0);
    Value ub = rewriter.create<arith::ConstantIndexOp>(loc, steps);
    Value unit = rewriter.create<arith::ConstantIndexOp>(loc, 1);
    Value batch = rewriter.create<arith::ConstantIndexOp>(loc, stepShape[0]);

    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto loop = rewriter.create<scf::ForOp>(
        loc, lb, ub, unit, ValueRange{membrane0, spikes0},
        [&](OpBuilder &b, Location l, Value t, ValueRange carried) {
          Value row = b.create<arith::MulIOp>(l, t, batch);
          SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
          offsets[0] = row;
          SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
          for (int64_t extent : stepShape)
            sizes.push_back(b.getIndexAttr(extent));
          Value current = b.create<tensor::ExtractSliceOp>(
              l, stepType, op.getInput(), offsets, sizes, strides);
          Value spikeSlot = b.create<tensor::ExtractSliceOp>(
              l, stepType, carried[1], offsets, sizes, strides);
          auto step = b.create<linalg::GenericOp>(
              l, TypeRange{stepType, stepType}, ValueRange{current},
              ValueRange{carried[0], spikeSlot},
              ArrayRef<AffineMap>{identity, identity, identity}, iterators,
              [&](OpBuilder &e, Location el, ValueRange args) {
                Value decayed = e.create<arith::MulFOp>(el, args[1], tau);
                Value h = e.create<arith::AddFOp>(el, decayed, args[0]);
                Value compared = fireOnFull ? h : quant.apply(e, el, h);
                Value fire = e.create<arith::CmpFOp>(
                    el, arith::CmpFPredicate::OGE, compared, threshold);
                Value spike = e.create<arith::SelectOp>(el, fire, one, zero);
                Value kept =
                    e.create<arith::SelectOp>(el, fire, zero, compared);
                Value next = fireOnFull ? quant.apply(e, el, kept) : kept;
                e.create<linalg::YieldOp>(el, ValueRange{next, spike});
              });
          Value spikes = b.create<tensor::InsertSliceOp>(
              l, step.getResult(1), carried[1], offsets, sizes, strides);
          b.create<scf::YieldOp>(l, ValueRange{step.getResult(0), spikes});
        });
    rewriter.replaceOp(op, loop.getResult(1));
    return success();
  }
};

} // namespace

void qsnn::populateLIFPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvertLIF>(patterns.getContext());
}
