//===- PackBits.cpp - binary convolutions to packed popcount form ---------===//
//
// qsnn.iconv2d with -1/+1 weights on spikes or small spike counts becomes
// qsnn.bconv2d with the weights packed as B+ bit masks (docs/spec.md §6). The
// sums are the same integers, so the rewrite never changes a spike.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Dialect/QSNN/BConvLanes.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::qsnn {
#define GEN_PASS_DEF_PACKBITS
#include "qsnn/Transforms/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;
using namespace mlir::qsnn;

namespace {

/// Bit planes that hold every value `input` can take, or nothing when it is
/// not provably a non-negative small count: spikes (i1) have one plane, a
/// sum pool of spikes counts up to its window's area.
std::optional<int64_t> countPlanes(Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getElementType().isInteger(1))
    return 1;
  auto pool = input.getDefiningOp<ISumPool2DOp>();
  if (!pool || !cast<RankedTensorType>(pool.getInput().getType())
                    .getElementType()
                    .isInteger(1))
    return std::nullopt;
  int64_t area = pool.getKernel()[0] * pool.getKernel()[1];
  return static_cast<int64_t>(llvm::Log2_64(static_cast<uint64_t>(area))) + 1;
}

struct PackBinaryConv : OpRewritePattern<IConv2DOp> {
  PackBinaryConv(MLIRContext *context, int64_t vectorBits)
      : OpRewritePattern(context), vectorBits(vectorBits) {}
  int64_t vectorBits;
  LogicalResult matchAndRewrite(IConv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getGroups() != 1 || op.getPerInputChannel() ||
        llvm::any_of(op.getDilations(), [](int64_t d) { return d != 1; }))
      return rewriter.notifyMatchFailure(op, "grouped, dilated or split");
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!inputType.hasStaticShape() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    std::optional<int64_t> planes = countPlanes(op.getInput());
    if (!planes)
      return rewriter.notifyMatchFailure(op, "input is not a spike count");
    DenseIntElementsAttr weights;
    if (!matchPattern(op.getWeight(), m_Constant(&weights)))
      return rewriter.notifyMatchFailure(op, "weights are not a constant");
    if (llvm::any_of(weights.getValues<int8_t>(),
                     [](int8_t w) { return w != 1 && w != -1; }))
      return rewriter.notifyMatchFailure(op, "weights are not binary");

    ArrayRef<int64_t> shape = weights.getType().getShape(); // [O, C, KH, KW]
    int64_t outChannels = shape[0], channels = shape[1], kh = shape[2],
            kw = shape[3];
    unsigned wordBits = BConv2DOp::getWordBits(channels);
    int64_t words = llvm::divideCeil(channels, wordBits);
    int64_t lanes = getBConvVectorLanes(wordBits, vectorBits);
    int64_t paddedOut = llvm::alignTo(outChannels, lanes);

    // [KH, KW, words, O_padded]: bit j of word w is channel w * bits + j.
    SmallVector<APInt> packed(kh * kw * words * paddedOut, APInt(wordBits, 0));
    auto values = weights.getValues<int8_t>();
    for (int64_t o = 0; o < outChannels; ++o)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t x = 0; x < kw; ++x) {
            if (values[((o * channels + c) * kh + y) * kw + x] != 1)
              continue;
            int64_t word = c / wordBits;
            packed[((y * kw + x) * words + word) * paddedOut + o].setBit(
                c % wordBits);
          }
    auto packedType = RankedTensorType::get({kh, kw, words, paddedOut},
                                            rewriter.getIntegerType(wordBits));
    Value packedWeights = rewriter.create<arith::ConstantOp>(
        op.getLoc(), DenseIntElementsAttr::get(packedType, packed));
    // A 2x2 sum pool of spikes read only here folds into the convolution:
    // its three count planes come from bitwise adders on packed spikes.
    Value input = op.getInput();
    DenseI64ArrayAttr inputPool;
    auto pool = input.getDefiningOp<ISumPool2DOp>();
    if (pool && pool->hasOneUse() &&
        pool.getKernel() == ArrayRef<int64_t>{2, 2} &&
        pool.getStrides() == ArrayRef<int64_t>{2, 2} &&
        llvm::all_of(pool.getPadding(), [](int64_t p) { return p == 0; })) {
      input = pool.getInput();
      inputPool = rewriter.getDenseI64ArrayAttr({2, 2});
    }
    auto packedConv = rewriter.create<BConv2DOp>(
        op.getLoc(), resultType, input, packedWeights,
        rewriter.getI64IntegerAttr(*planes), op.getStridesAttr(),
        op.getPaddingAttr(), inputPool);
    auto accBits = QSNNDialect::get(op->getContext()).getAccBitsAttrHelper();
    if (IntegerAttr bits = accBits.getAttr(op))
      accBits.setAttr(packedConv, bits);
    rewriter.replaceOp(op, packedConv.getResult());
    return success();
  }
};

struct PackBitsPass : qsnn::impl::PackBitsBase<PackBitsPass> {
  using PackBitsBase::PackBitsBase;
  void runOnOperation() override {
    if (vectorBits < 8) {
      getOperation()->emitError()
          << "qsnn-pack-bits: vector-bits must be at least 8, got "
          << static_cast<int64_t>(vectorBits);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<PackBinaryConv>(&getContext(), vectorBits);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
