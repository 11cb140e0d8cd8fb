//===- ConvertVectorKernels.cpp - explicit vector loops for the CPU -------===//
//
// The optimized lowerings of the synaptic ops: registers of V output
// channels (or of V inputs for ilinear) accumulate across the whole window,
// which LLVM's loop vectorizer cannot arrange from the reference loops
// (their sums live in memory it cannot prove unaliased). qsnn.bconv2d
// always lowers here; iconv2d and ilinear only with `vector-kernels`.
//
// The binary convolution (docs/spec.md §6):
//
// 1. pack: the [N, C, H, W] input becomes words [N, P, words, H, W], bit j
//    of word w of plane p = bit p of channel w * B + j (a linalg.generic
//    whose innermost loop runs along a contiguous row), zero padded
//    spatially: zero words contribute nothing to either popcount.
// 2. for each output position and block of V output channels, V
//    accumulators live in one vector register across the whole window:
//      acc += (popcount(broadcast(x_p) & B+[tap, word, o : o + V]) << p)
//    with the popcount of the input words (independent of o) summed beside
//    it as a scalar; then c = 2 * acc - popcount(x).
// 3. the [N, OH, OW, O] result goes back to NCHW in an elementwise copy
//    that qsnn-fuse-elementwise merges into the following iaffine.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "Patterns.h"

#include "qsnn/Dialect/QSNN/BConvLanes.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::qsnn;

namespace {

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return b.create<arith::ConstantIndexOp>(loc, value);
}

/// [N, Cpad, H, W] -> [N, P, words, H, W] of `wordType`.
Value packPlanes(OpBuilder &b, Location loc, Value input, int64_t planes,
                 IntegerType wordType) {
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> in = type.getShape();
  unsigned bits = wordType.getWidth();
  int64_t words = in[1] / bits, pixels = in[2] * in[3];
  // [N, words, bits, H*W]: every loop of the generic is a plain dimension,
  // and the pixels form one long contiguous row.
  input = b.create<tensor::CollapseShapeOp>(
      loc, input, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  input = b.create<tensor::ExpandShapeOp>(
      loc,
      RankedTensorType::get({in[0], words, bits, pixels},
                            type.getElementType()),
      input, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  auto flatType =
      RankedTensorType::get({in[0], planes, words, pixels}, wordType);
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  // Iteration space (n, p, w, j, x): j (the bit) is the reduction; the
  // pixel x stays innermost so the loop runs along contiguous memory.
  AffineMap inputMap = AffineMap::get(5, 0, {d(0), d(2), d(3), d(4)}, context);
  AffineMap outputMap = AffineMap::get(5, 0, {d(0), d(1), d(2), d(4)}, context);
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
      IteratorType::reduction, IteratorType::parallel};
  bool spikes = type.getElementType().isInteger(1);
  Value init = createIntFilled(b, loc, flatType, 0);
  Value flat =
      b.create<linalg::GenericOp>(
           loc, flatType, input, init, ArrayRef<AffineMap>{inputMap, outputMap},
           iterators,
           [&](OpBuilder &e, Location l, ValueRange args) {
             Value x = castInteger(e, l, args[0], wordType);
             Value bit = x;
             if (!spikes) {
               Value plane = e.create<arith::IndexCastOp>(
                   l, wordType, e.create<linalg::IndexOp>(l, 1));
               Value one = e.create<arith::ConstantOp>(
                   l, e.getIntegerAttr(wordType, 1));
               bit = e.create<arith::AndIOp>(
                   l, e.create<arith::ShRUIOp>(l, x, plane), one);
             }
             Value position = e.create<arith::IndexCastOp>(
                 l, wordType, e.create<linalg::IndexOp>(l, 3));
             Value placed = e.create<arith::ShLIOp>(l, bit, position);
             e.create<linalg::YieldOp>(
                 l, ValueRange{e.create<arith::OrIOp>(l, args[1], placed)});
           })
          .getResult(0);
  return b.create<tensor::ExpandShapeOp>(
      loc,
      RankedTensorType::get({in[0], planes, words, in[2], in[3]}, wordType),
      flat, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
}

/// The three count planes of the 2x2 sum pool (stride 2) of packed spikes
/// [N, 1, words, H, W] -> [N, 3, words, H/2, W/2], by bitwise adders: with
/// a + b = 2 c1 + s1, c + d = 2 c2 + s2, s1 + s2 = 2 c3 + p0, the count is
/// p0 + 2 (c1 + c2 + c3), where c1 + c2 + c3 <= 2 (c1 = 1 forces s1 = 0 and
/// so c3 = 0): p1 = c1 ^ c2 ^ c3, p2 = their majority.
Value poolPlanes(OpBuilder &b, Location loc, Value packed) {
  auto type = cast<RankedTensorType>(packed.getType());
  ArrayRef<int64_t> in = type.getShape();
  auto resultType = RankedTensorType::get(
      {in[0], 3, in[2], in[3] / 2, in[4] / 2}, type.getElementType());
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  AffineExpr zero = getAffineConstantExpr(0, context);
  SmallVector<AffineMap> maps;
  for (int64_t dy = 0; dy < 2; ++dy)
    for (int64_t dx = 0; dx < 2; ++dx)
      maps.push_back(AffineMap::get(
          5, 0, {d(0), zero, d(2), d(3) * 2 + dy, d(4) * 2 + dx}, context));
  maps.push_back(b.getMultiDimIdentityMap(5));
  Value init = b.create<tensor::EmptyOp>(loc, resultType.getShape(),
                                         resultType.getElementType());
  return b
      .create<linalg::GenericOp>(
          loc, resultType, ValueRange{packed, packed, packed, packed}, init,
          maps,
          SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
          [&](OpBuilder &e, Location l, ValueRange args) {
            auto x = [&](Value u, Value v) {
              return e.create<arith::XOrIOp>(l, u, v).getResult();
            };
            auto a = [&](Value u, Value v) {
              return e.create<arith::AndIOp>(l, u, v).getResult();
            };
            auto o = [&](Value u, Value v) {
              return e.create<arith::OrIOp>(l, u, v).getResult();
            };
            Value s1 = x(args[0], args[1]), c1 = a(args[0], args[1]);
            Value s2 = x(args[2], args[3]), c2 = a(args[2], args[3]);
            Value p0 = x(s1, s2), c3 = a(s1, s2);
            Value p1 = x(x(c1, c2), c3);
            Value p2 = o(a(c1, c2), a(c3, o(c1, c2)));
            Value plane = e.create<linalg::IndexOp>(l, 1);
            auto is = [&](int64_t value) {
              return e.create<arith::CmpIOp>(
                  l, arith::CmpIPredicate::eq, plane,
                  e.create<arith::ConstantIndexOp>(l, value));
            };
            Value chosen = e.create<arith::SelectOp>(
                l, is(0), p0, e.create<arith::SelectOp>(l, is(1), p1, p2));
            e.create<linalg::YieldOp>(l, chosen);
          })
      .getResult(0);
}

/// [N, P, words, H, W] -> [N, H, W] i32: sum_p 2^p sum_w popcount(x).
Value countOnes(OpBuilder &b, Location loc, Value packed) {
  auto type = cast<RankedTensorType>(packed.getType());
  ArrayRef<int64_t> in = type.getShape();
  Type i32 = b.getI32Type();
  auto resultType = RankedTensorType::get({in[0], in[3], in[4]}, i32);
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  // Iteration space (n, p, w, y, x), p and w reduced.
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel, IteratorType::reduction, IteratorType::reduction,
      IteratorType::parallel, IteratorType::parallel};
  Value init = createIntFilled(b, loc, resultType, 0);
  return b
      .create<linalg::GenericOp>(
          loc, resultType, packed, init,
          ArrayRef<AffineMap>{
              b.getMultiDimIdentityMap(5),
              AffineMap::get(5, 0, {d(0), d(3), d(4)}, context)},
          iterators,
          [&](OpBuilder &e, Location l, ValueRange args) {
            Value ones =
                castInteger(e, l, e.create<math::CtPopOp>(l, args[0]), i32);
            Value plane = e.create<arith::IndexCastOp>(
                l, i32, e.create<linalg::IndexOp>(l, 1));
            Value weighted = e.create<arith::ShLIOp>(l, ones, plane);
            e.create<linalg::YieldOp>(
                l, ValueRange{e.create<arith::AddIOp>(l, args[1], weighted)});
          })
      .getResult(0);
}

/// Output channels per register block: the largest multiple of `lanes`
/// that divides `paddedOut` and spans at most `registers` `vectorBits`-bit
/// registers of `accBits`-bit accumulators. One broadcast input word then
/// feeds every block (up to `registers` AND + popcount + add), instead of
/// one block per reload; more accumulators than that spill.
int64_t chooseBlockLanes(int64_t paddedOut, int64_t lanes, unsigned accBits,
                         int64_t vectorBits, int64_t registers = 8) {
  int64_t most = registers * vectorBits / accBits;
  int64_t best = lanes;
  for (int64_t block = lanes; block <= std::min(paddedOut, most);
       block += lanes)
    if (paddedOut % block == 0)
      best = block;
  return best;
}

/// Per window tap: the contribution of input position (iy, ix) through
/// window indices `taps` (ky, kx, then the kernel's own loops) to the V output
/// channels starting at `o`, added to the carried values `sums` (the
/// accumulator vector first).
using TapBody = llvm::function_ref<SmallVector<Value>(
    OpBuilder &, Location, Value n, Value iy, Value ix, ValueRange taps,
    Value o, ValueRange sums)>;
/// Turns the carried values after the window into the V results (i32).
using FinishBody = llvm::function_ref<Value(
    OpBuilder &, Location, Value n, Value iy0, Value ix0, ValueRange sums)>;

/// The loop nest shared by the vector convolutions: for every output
/// position and block of V output channels, `tap` runs over the window
/// (loop bounds `window`) with the carried values starting at `initial`,
/// and `finish` produces the block's V sums. They are written straight into
/// the [N, O, OH, OW] result along its channel dimension (a strided write:
/// V scalar stores once per block, after the whole window), so that the
/// elementwise ops after it (iaffine, the LIF) read NCHW rows contiguously.
/// Channels past O (the padded block) are masked off.
Value buildOutputChannelVectorLoops(OpBuilder &rewriter, Location loc,
                                    RankedTensorType resultType,
                                    int64_t paddedOut, int64_t lanes,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> window,
                                    ValueRange initial, TapBody tap,
                                    FinishBody finish) {
  ArrayRef<int64_t> out = resultType.getShape(); // [N, O, OH, OW]
  Value result =
      rewriter.create<tensor::EmptyOp>(loc, out, resultType.getElementType());
  Value zero = indexConstant(rewriter, loc, 0);
  Value one = indexConstant(rewriter, loc, 1);
  SmallVector<Value> windowZeros, windowBounds, windowSteps;
  for (int64_t extent : window) {
    windowZeros.push_back(zero);
    windowBounds.push_back(indexConstant(rewriter, loc, extent));
    windowSteps.push_back(one);
  }
  MLIRContext *context = rewriter.getContext();
  AffineMap alongChannels =
      AffineMap::get(4, 0, {getAffineDimExpr(1, context)}, context);
  bool exact = paddedOut == out[1];
  scf::LoopNest outer = scf::buildLoopNest(
      rewriter, loc, ValueRange{zero, zero, zero, zero},
      ValueRange{indexConstant(rewriter, loc, out[0]),
                 indexConstant(rewriter, loc, out[2]),
                 indexConstant(rewriter, loc, out[3]),
                 indexConstant(rewriter, loc, paddedOut / lanes)},
      ValueRange{one, one, one, one}, ValueRange{result},
      [&](OpBuilder &b, Location l, ValueRange ivs,
          ValueRange iterArgs) -> scf::ValueVector {
        Value n = ivs[0], oy = ivs[1], ox = ivs[2];
        Value o =
            b.create<arith::MulIOp>(l, ivs[3], indexConstant(b, l, lanes));
        Value iy0 =
            b.create<arith::MulIOp>(l, oy, indexConstant(b, l, strides[0]));
        Value ix0 =
            b.create<arith::MulIOp>(l, ox, indexConstant(b, l, strides[1]));
        scf::LoopNest inner = scf::buildLoopNest(
            b, l, windowZeros, windowBounds, windowSteps, initial,
            [&](OpBuilder &e, Location el, ValueRange taps,
                ValueRange sums) -> scf::ValueVector {
              Value iy = e.create<arith::AddIOp>(el, iy0, taps[0]);
              Value ix = e.create<arith::AddIOp>(el, ix0, taps[1]);
              return tap(e, el, n, iy, ix, taps, o, sums);
            });
        Value sums = finish(b, l, n, iy0, ix0, inner.results);
        Value written = b.create<vector::TransferWriteOp>(
                             l, sums, iterArgs[0], ValueRange{n, o, oy, ox},
                             alongChannels, ArrayRef<bool>{exact})
                            .getResult();
        return {written};
      });
  return outer.results[0];
}

struct ConvertBConv2D : OpRewritePattern<BConv2DOp> {
  ConvertBConv2D(MLIRContext *context, int64_t vectorBits)
      : OpRewritePattern(context), vectorBits(vectorBits) {}
  int64_t vectorBits;
  LogicalResult matchAndRewrite(BConv2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto weightType = cast<RankedTensorType>(op.getWeightBits().getType());
    auto wordType = cast<IntegerType>(weightType.getElementType());
    unsigned bits = wordType.getWidth();
    int64_t lanes = getBConvVectorLanes(bits, vectorBits);
    ArrayRef<int64_t> w = weightType.getShape(); // [KH, KW, words, Opad]
    if (w[3] % lanes != 0)
      return rewriter.notifyMatchFailure(op, "output channels not padded");
    int64_t planes = op.getPlanes();
    unsigned accBits = bits == 64 ? 64 : 32;
    // One accumulator register block per plane, plus the loaded masks.
    lanes = chooseBlockLanes(
        w[3], lanes, accBits, vectorBits,
        std::max<int64_t>(1, std::min<int64_t>(8, 12 / planes)));

    // 1. Pack the input into words (the bit planes of counts, or of a 2x2
    // pool of spikes formed by adders) and pad them spatially with zeros.
    Value input = padDimensionWithZeros(rewriter, loc, op.getInput(), /*dim=*/1,
                                        w[2] * bits);
    Value packed;
    if (op.getInputPool()) {
      packed = packPlanes(rewriter, loc, input, 1, wordType);
      packed = poolPlanes(rewriter, loc, packed);
    } else {
      packed = packPlanes(rewriter, loc, input, planes, wordType);
    }
    packed = padSpatialWithZeros(rewriter, loc, packed, op.getPadding());
    // sum_p 2^p popcount(x_p) per input pixel: the same for every output
    // channel, so it is summed over the window once per output position.
    Value ones = countOnes(rewriter, loc, packed);

    // 2. The popcount loops: per tap and word, one mask load feeds every
    // plane's accumulator (i32; i64 for 64-bit words, whose popcounts come
    // as i64 lanes); the planes are weighted by 2^p only at the end.
    Type accType = rewriter.getIntegerType(accBits);
    auto accVector = VectorType::get({lanes}, accType);
    auto wordVector = VectorType::get({lanes}, wordType);
    auto i32Vector = VectorType::get({lanes}, rewriter.getI32Type());
    Value weights = op.getWeightBits();
    Value acc0 = rewriter.create<arith::ConstantOp>(
        loc,
        DenseElementsAttr::get(accVector, rewriter.getIntegerAttr(accType, 0)));
    SmallVector<Value> initial(planes, acc0);
    auto tap = [&](OpBuilder &e, Location el, Value n, Value iy, Value ix,
                   ValueRange taps, Value o,
                   ValueRange sums) -> SmallVector<Value> {
      Value word = taps[2];
      Value mask = e.create<vector::TransferReadOp>(
          el, wordVector, weights, ValueRange{taps[0], taps[1], word, o},
          /*inBounds=*/ArrayRef<bool>{true});
      SmallVector<Value> next;
      for (int64_t p = 0; p < planes; ++p) {
        Value x = e.create<tensor::ExtractOp>(
            el, packed, ValueRange{n, indexConstant(e, el, p), word, iy, ix});
        Value hits = e.create<math::CtPopOp>(
            el,
            e.create<arith::AndIOp>(
                el, e.create<vector::BroadcastOp>(el, wordVector, x), mask));
        if (bits < 32)
          hits = e.create<arith::ExtUIOp>(el, accVector, hits);
        next.push_back(e.create<arith::AddIOp>(el, sums[p], hits));
      }
      return next;
    };
    auto finish = [&](OpBuilder &b, Location l, Value n, Value iy0, Value ix0,
                      ValueRange sums) -> Value {
      // popcount(x & B+) = sum_p 2^p acc_p; c = 2 popcount(x & B+) -
      // popcount(x), everything in the accumulator type.
      Value hits = sums[0];
      for (int64_t p = 1; p < planes; ++p) {
        Value shift = b.create<arith::ConstantOp>(
            l, DenseElementsAttr::get(accVector, b.getIntegerAttr(accType, p)));
        hits = b.create<arith::AddIOp>(
            l, hits, b.create<arith::ShLIOp>(l, sums[p], shift));
      }
      Value count =
          b.create<arith::ConstantOp>(l, b.getIntegerAttr(accType, 0));
      for (int64_t ky = 0; ky < w[0]; ++ky)
        for (int64_t kx = 0; kx < w[1]; ++kx) {
          Value iy = b.create<arith::AddIOp>(l, iy0, indexConstant(b, l, ky));
          Value ix = b.create<arith::AddIOp>(l, ix0, indexConstant(b, l, kx));
          Value pixel =
              b.create<tensor::ExtractOp>(l, ones, ValueRange{n, iy, ix});
          if (accBits > 32)
            pixel = b.create<arith::ExtUIOp>(l, accType, pixel);
          count = b.create<arith::AddIOp>(l, count, pixel);
        }
      Value doubled = b.create<arith::AddIOp>(l, hits, hits);
      Value c = b.create<arith::SubIOp>(
          l, doubled, b.create<vector::BroadcastOp>(l, accVector, count));
      if (bits == 64)
        c = b.create<arith::TruncIOp>(l, i32Vector, c);
      return c;
    };
    rewriter.replaceOp(op, buildOutputChannelVectorLoops(
                               rewriter, loc, resultType, w[3], lanes,
                               op.getStrides(), {w[0], w[1], w[2]}, initial,
                               tap, finish));
    return success();
  }
};

/// iconv2d (groups 1, no dilation, one sum per output channel) with constant
/// weights: V output channels per vector, `acc += broadcast(x) * W[tap,
/// c, o : o + V]` in i32 over the window and the input channels. For the
/// 8-bit first layer, whose input is one to three channels of pixels.
struct VectorizeIConv2D : OpRewritePattern<IConv2DOp> {
  VectorizeIConv2D(MLIRContext *context, int64_t vectorBits)
      : OpRewritePattern(context, /*benefit=*/2), vectorBits(vectorBits) {}
  int64_t vectorBits;
  LogicalResult matchAndRewrite(IConv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getGroups() != 1 || op.getPerInputChannel() ||
        llvm::any_of(op.getDilations(), [](int64_t d) { return d != 1; }) ||
        !hasStaticShapes(op))
      return rewriter.notifyMatchFailure(op, "not a plain convolution");
    DenseIntElementsAttr weights;
    if (!matchPattern(op.getWeight(), m_Constant(&weights)))
      return rewriter.notifyMatchFailure(op, "weights are not a constant");
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> shape = weights.getType().getShape(); // [O, C, KH, KW]
    int64_t i32Lanes = std::max<int64_t>(1, vectorBits / 32);
    int64_t paddedOut = llvm::alignTo(shape[0], i32Lanes);
    int64_t lanes = chooseBlockLanes(paddedOut, i32Lanes, 32, vectorBits);
    // [KH, KW, C, O_padded] i32: one contiguous vector per tap and channel.
    SmallVector<int32_t> table(shape[2] * shape[3] * shape[1] * paddedOut, 0);
    auto values = weights.getValues<int8_t>();
    for (int64_t o = 0; o < shape[0]; ++o)
      for (int64_t c = 0; c < shape[1]; ++c)
        for (int64_t y = 0; y < shape[2]; ++y)
          for (int64_t x = 0; x < shape[3]; ++x)
            table[((y * shape[3] + x) * shape[1] + c) * paddedOut + o] =
                values[((o * shape[1] + c) * shape[2] + y) * shape[3] + x];
    Type i32 = rewriter.getI32Type();
    auto tableType =
        RankedTensorType::get({shape[2], shape[3], shape[1], paddedOut}, i32);
    Value tableValue = rewriter.create<arith::ConstantOp>(
        loc, DenseIntElementsAttr::get(tableType, ArrayRef<int32_t>(table)));
    Value input =
        padSpatialWithZeros(rewriter, loc, op.getInput(), op.getPadding());
    auto accVector = VectorType::get({lanes}, i32);
    Value acc0 = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(accVector, rewriter.getI32IntegerAttr(0)));
    auto tap = [&](OpBuilder &e, Location el, Value n, Value iy, Value ix,
                   ValueRange taps, Value o,
                   ValueRange sums) -> SmallVector<Value> {
      Value c = taps[2];
      Value x = castInteger(
          e, el,
          e.create<tensor::ExtractOp>(el, input, ValueRange{n, c, iy, ix}),
          e.getI32Type());
      Value w = e.create<vector::TransferReadOp>(
          el, accVector, tableValue, ValueRange{taps[0], taps[1], c, o},
          /*inBounds=*/ArrayRef<bool>{true});
      Value product = e.create<arith::MulIOp>(
          el, e.create<vector::BroadcastOp>(el, accVector, x), w);
      return {e.create<arith::AddIOp>(el, sums[0], product)};
    };
    auto finish = [](OpBuilder &, Location, Value, Value, Value,
                     ValueRange sums) -> Value { return sums[0]; };
    rewriter.replaceOp(op, buildOutputChannelVectorLoops(
                               rewriter, loc, resultType, paddedOut, lanes,
                               op.getStrides(), {shape[2], shape[3], shape[1]},
                               ValueRange{acc0}, tap, finish));
    return success();
  }
};

/// ilinear as dot products of V = vectorBits / 32 lanes (at least 4):
/// c[m, o] = reduce(sum over blocks of x[m, k : k + V] * W[o, k : k + V])
/// in i32, K padded with zeros.
struct VectorizeILinear : StaticShapeLowering<ILinearOp> {
  VectorizeILinear(MLIRContext *context, int64_t vectorBits)
      : StaticShapeLowering(context, /*benefit=*/2), vectorBits(vectorBits) {}
  int64_t vectorBits;
  LogicalResult lower(ILinearOp op, Location loc,
                      PatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rows = resultType.getDimSize(0), outs = resultType.getDimSize(1);
    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    int64_t depth = weightType.getDimSize(1);
    int64_t lanes = std::max<int64_t>(4, vectorBits / 32);
    int64_t paddedDepth = llvm::alignTo(depth, lanes);
    Type i32 = rewriter.getI32Type();
    Value x = castIntegerTensor(rewriter, loc, op.getInput(), i32);
    x = padDimensionWithZeros(rewriter, loc, x, /*dim=*/1, paddedDepth);
    Value w = padDimensionWithZeros(rewriter, loc, op.getWeight(), /*dim=*/1,
                                    paddedDepth);
    auto accVector = VectorType::get({lanes}, i32);
    auto weightVector = VectorType::get({lanes}, weightType.getElementType());
    Value zero = indexConstant(rewriter, loc, 0);
    Value one = indexConstant(rewriter, loc, 1);
    Value acc0 = rewriter.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(accVector, rewriter.getI32IntegerAttr(0)));
    Value init =
        rewriter.create<tensor::EmptyOp>(loc, resultType.getShape(), i32);
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, ValueRange{zero, zero},
        ValueRange{indexConstant(rewriter, loc, rows),
                   indexConstant(rewriter, loc, outs)},
        ValueRange{one, one}, ValueRange{init},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange iterArgs) -> scf::ValueVector {
          Value m = ivs[0], o = ivs[1];
          auto blocks = b.create<scf::ForOp>(
              l, zero, indexConstant(b, l, paddedDepth),
              indexConstant(b, l, lanes), ValueRange{acc0},
              [&](OpBuilder &e, Location el, Value k, ValueRange sums) {
                Value xv = e.create<vector::TransferReadOp>(
                    el, accVector, x, ValueRange{m, k},
                    /*inBounds=*/ArrayRef<bool>{true});
                Value wv = e.create<vector::TransferReadOp>(
                    el, weightVector, w, ValueRange{o, k},
                    /*inBounds=*/ArrayRef<bool>{true});
                wv = e.create<arith::ExtSIOp>(el, accVector, wv);
                Value sum = e.create<arith::AddIOp>(
                    el, sums[0], e.create<arith::MulIOp>(el, xv, wv));
                e.create<scf::YieldOp>(el, sum);
              });
          Value total = b.create<vector::ReductionOp>(
              l, vector::CombiningKind::ADD, blocks.getResult(0));
          Value stored = b.create<tensor::InsertOp>(l, total, iterArgs[0],
                                                    ValueRange{m, o});
          return {stored};
        });
    rewriter.replaceOp(op, nest.results[0]);
    return success();
  }
};

} // namespace

void qsnn::populatePackedConvPatterns(RewritePatternSet &patterns,
                                      int64_t vectorBits) {
  patterns.add<ConvertBConv2D>(patterns.getContext(), vectorBits);
}

void qsnn::populateVectorKernelPatterns(RewritePatternSet &patterns,
                                        int64_t vectorBits) {
  patterns.add<VectorizeIConv2D, VectorizeILinear>(patterns.getContext(),
                                                   vectorBits);
}
