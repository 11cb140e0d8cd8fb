//===- IntegerRanges.cpp - exact value ranges of the integer model --------===//
//
// Walks the function once in program order. Every integer op's result gets
// one range per channel: pixels [0, 255] minus the zero point, spikes [0, 1],
// sums bounded tap by tap with the actual weights (padded taps add 0), affine
// maps and joins channel by channel, membranes [-L, L].
//
//===----------------------------------------------------------------------===//
#include "qsnn/Analysis/IntegerRanges.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qsnn;

using Wide = __int128;

namespace {

constexpr Wide kSaturation = Wide(1) << 120;

Wide saturate(Wide v) { return std::clamp(v, -kSaturation, kSaturation); }

IntegerRange hull(IntegerRange a, IntegerRange b) {
  return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
}
IntegerRange add(IntegerRange a, IntegerRange b) {
  return {saturate(a.lo + b.lo), saturate(a.hi + b.hi)};
}
IntegerRange scale(IntegerRange a, int64_t k) {
  Wide x = saturate(a.lo * k), y = saturate(a.hi * k);
  return {std::min(x, y), std::max(x, y)};
}
/// Padded taps and pooled windows contribute 0.
IntegerRange withZero(IntegerRange a) { return hull(a, {0, 0}); }

ValueRanges uniform(IntegerRange range) {
  ValueRanges result;
  result.channels.push_back(range);
  return result;
}

/// The values of a constant integer tensor, or none.
std::optional<SmallVector<int64_t>> constantValues(Value value) {
  DenseIntElementsAttr values;
  if (!matchPattern(value, m_Constant(&values)))
    return std::nullopt;
  SmallVector<int64_t> result;
  for (const APInt &v : values.getValues<APInt>())
    result.push_back(v.getSExtValue());
  return result;
}

/// Range of `sum_k w[k] * x[channelOf(k)]` over the `fanIn` taps of one
/// output, `w` starting at `weights[offset]`.
template <typename ChannelOf>
IntegerRange weightedSum(const std::optional<SmallVector<int64_t>> &weights,
                         int64_t offset, int64_t fanIn,
                         const ValueRanges &input, ChannelOf channelOf) {
  IntegerRange sum;
  for (int64_t k = 0; k < fanIn; ++k) {
    IntegerRange x = input.get(channelOf(k));
    sum = add(sum, weights ? scale(x, (*weights)[offset + k])
                           : hull(scale(x, 127), scale(x, -127)));
  }
  return sum;
}

int64_t dimSize(Value value, unsigned dim) {
  return cast<ShapedType>(value.getType()).getDimSize(dim);
}

} // namespace

IntegerRange IntegerRange::ofType(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (!element.isIntOrIndex())
    return {-kSaturation, kSaturation};
  unsigned width = element.getIntOrFloatBitWidth();
  if (width == 1)
    return {0, 1};
  if (element.isUnsignedInteger())
    return {0, (Wide(1) << width) - 1};
  return {-(Wide(1) << (width - 1)), (Wide(1) << (width - 1)) - 1};
}

unsigned IntegerRange::getSignedBits() const {
  for (unsigned bits = 1; bits < 127; ++bits)
    if (lo >= -(Wide(1) << (bits - 1)) && hi < (Wide(1) << (bits - 1)))
      return bits;
  return 127;
}

int64_t IntegerRange::getLow() const {
  return static_cast<int64_t>(std::clamp<Wide>(lo, INT64_MIN, INT64_MAX));
}
int64_t IntegerRange::getHigh() const {
  return static_cast<int64_t>(std::clamp<Wide>(hi, INT64_MIN, INT64_MAX));
}

IntegerRange ValueRanges::getHull() const {
  IntegerRange result = channels.front();
  for (const IntegerRange &range : channels)
    result = hull(result, range);
  return result;
}

IntegerRangeAnalysis::IntegerRangeAnalysis(func::FuncOp func) {
  for (BlockArgument arg : func.getArguments())
    if (getElementTypeOrSelf(arg.getType()).isInteger(8))
      ranges[arg] = uniform({0, 255});
  func.walk([&](Operation *op) { visit(op); });
}

ValueRanges IntegerRangeAnalysis::getRanges(Value value) const {
  auto it = ranges.find(value);
  if (it != ranges.end())
    return it->second;
  return uniform(IntegerRange::ofType(value.getType()));
}

namespace {

ValueRanges convRanges(IConv2DOp conv, const ValueRanges &in) {
  auto weights = constantValues(conv.getWeight());
  auto shape = cast<ShapedType>(conv.getWeight().getType()).getShape();
  int64_t outChannels = shape[0], inPerGroup = shape[1];
  int64_t taps = shape[2] * shape[3];
  ValueRanges padded;
  for (const IntegerRange &range : in.channels)
    padded.channels.push_back(withZero(range));
  ValueRanges result;
  if (conv.getPerInputChannel()) {
    // One sum per (o, c): result channel o * C + c.
    for (int64_t o = 0; o < outChannels; ++o)
      for (int64_t c = 0; c < inPerGroup; ++c)
        result.channels.push_back(
            weightedSum(weights, (o * inPerGroup + c) * taps, taps, padded,
                        [&](int64_t) { return c; }));
    return result;
  }
  int64_t perGroup = outChannels / conv.getGroups();
  for (int64_t o = 0; o < outChannels; ++o) {
    int64_t first = (o / perGroup) * inPerGroup;
    result.channels.push_back(
        weightedSum(weights, o * inPerGroup * taps, inPerGroup * taps, padded,
                    [&](int64_t k) { return first + k / taps; }));
  }
  return result;
}

ValueRanges linearRanges(ILinearOp linear, const ValueRanges &in) {
  auto weights = constantValues(linear.getWeight());
  auto shape = cast<ShapedType>(linear.getWeight().getType()).getShape();
  ValueRanges result;
  for (int64_t o = 0; o < shape[0]; ++o)
    result.channels.push_back(weightedSum(weights, o * shape[1], shape[1], in,
                                          [](int64_t k) { return k; }));
  return result;
}

ValueRanges affineRanges(IAffineOp affine, const ValueRanges &in) {
  ArrayRef<int64_t> a = affine.getMultiplier(), b = affine.getBias();
  int64_t perOutput = static_cast<int64_t>(a.size() / b.size());
  ValueRanges result;
  for (size_t o = 0; o < b.size(); ++o) {
    IntegerRange g{b[o], b[o]};
    for (int64_t p = 0; p < perOutput; ++p) {
      int64_t at = static_cast<int64_t>(o) * perOutput + p;
      g = add(g, scale(in.get(at), a[at]));
    }
    result.channels.push_back(g);
  }
  return result;
}

/// [N, C, H, W] -> [N, C*H*W]: one range per feature.
ValueRanges flattenRanges(Value input, const ValueRanges &in) {
  if (in.channels.size() == 1)
    return in;
  auto shape = cast<ShapedType>(input.getType()).getShape();
  int64_t perChannel = 1;
  for (int64_t extent : shape.drop_front(2))
    perChannel *= extent;
  ValueRanges result;
  for (const IntegerRange &range : in.channels)
    result.channels.append(perChannel, range);
  return result;
}

template <typename Fn> ValueRanges mapRanges(const ValueRanges &in, Fn fn) {
  ValueRanges result;
  for (const IntegerRange &range : in.channels)
    result.channels.push_back(fn(range));
  return result;
}

ValueRanges addRanges(const ValueRanges &lhs, const ValueRanges &rhs) {
  size_t channels = std::max(lhs.channels.size(), rhs.channels.size());
  ValueRanges result;
  for (size_t c = 0; c < channels; ++c)
    result.channels.push_back(add(lhs.get(c), rhs.get(c)));
  return result;
}

/// g + 2^(F-1) over every reachable membrane m in [-L, L].
IntegerRange lifAccumulator(int64_t tauQ, int64_t levels, int64_t fracBits,
                            IntegerRange current) {
  IntegerRange memory =
      hull(scale({-levels, -levels}, tauQ), scale({levels, levels}, tauQ));
  Wide half = Wide(1) << (fracBits - 1);
  return add(add(memory, current), {half, half});
}

} // namespace

void IntegerRangeAnalysis::visit(Operation *op) {
  if (op->getNumResults() == 0 ||
      !isa_and_nonnull<QSNNDialect, tensor::TensorDialect>(op->getDialect()))
    return;
  auto input = [&](unsigned i) { return getRanges(op->getOperand(i)); };
  Value result = op->getResult(0);
  if (auto center = dyn_cast<ICenterOp>(op)) {
    ValueRanges r;
    for (int64_t zp : center.getZeroPoint())
      r.channels.push_back({-zp, 255 - zp});
    ranges[result] = r;
  } else if (auto conv = dyn_cast<IConv2DOp>(op)) {
    ranges[result] = convRanges(conv, input(0));
  } else if (auto linear = dyn_cast<ILinearOp>(op)) {
    ranges[result] = linearRanges(linear, input(0));
  } else if (auto pool = dyn_cast<ISumPool2DOp>(op)) {
    ArrayRef<int64_t> k = pool.getKernel();
    ranges[result] = mapRanges(input(0), [&](IntegerRange r) {
      return scale(withZero(r), k[0] * k[1]);
    });
  } else if (auto affine = dyn_cast<IAffineOp>(op)) {
    ranges[result] = affineRanges(affine, input(0));
  } else if (isa<AddOp>(op)) {
    ranges[result] = addRanges(input(0), input(1));
  } else if (isa<EncodeOp>(op)) {
    ranges[result] = input(0);
  } else if (isa<FlattenOp>(op)) {
    ranges[result] = flattenRanges(op->getOperand(0), input(0));
  } else if (isa<MaxPool2DOp>(op)) {
    ranges[result] = mapRanges(input(0), withZero);
  } else if (auto readout = dyn_cast<IReadoutOp>(op)) {
    ranges[result] = mapRanges(input(0), [&](IntegerRange r) {
      return scale(r, readout.getTimeSteps());
    });
  } else if (isa<ILIFOp>(op)) {
    ranges[result] = uniform({0, 1});
  } else if (auto step = dyn_cast<ILIFStepOp>(op)) {
    ranges[step.getSpikes()] = uniform({0, 1});
    int64_t levels = step.getLevels();
    ranges[step.getNextState()] = uniform({-levels, levels});
  } else if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
                 tensor::BitcastOp>(op)) {
    // Reshapes keep the values; channels survive only if dimension 1 does.
    ValueRanges in = input(0);
    bool keepsChannels =
        in.channels.size() > 1 &&
        cast<ShapedType>(result.getType()).getRank() > 1 &&
        dimSize(result, 1) == static_cast<int64_t>(in.channels.size());
    ranges[result] = keepsChannels ? in : uniform(in.getHull());
  }
}

std::optional<IntegerRange>
IntegerRangeAnalysis::getAccumulatorRange(Operation *op) const {
  if (auto lif = dyn_cast<ILIFOp>(op))
    return lifAccumulator(lif.getTauQ(), lif.getLevels(), lif.getFracBits(),
                          getRange(lif.getInput()));
  if (auto step = dyn_cast<ILIFStepOp>(op))
    return lifAccumulator(step.getTauQ(), step.getLevels(), step.getFracBits(),
                          getRange(step.getInput()));
  if (isa<ICenterOp, IConv2DOp, ILinearOp, ISumPool2DOp, IAffineOp, IReadoutOp>(
          op))
    return getRange(op->getResult(0));
  if (isa<AddOp>(op) &&
      getElementTypeOrSelf(op->getResult(0).getType()).isSignlessInteger())
    return getRange(op->getResult(0));
  return std::nullopt;
}

void qsnn::annotateAccumulatorBits(func::FuncOp func) {
  IntegerRangeAnalysis analysis(func);
  auto helper = QSNNDialect::get(func.getContext()).getAccBitsAttrHelper();
  Builder builder(func.getContext());
  func.walk([&](Operation *op) {
    if (std::optional<IntegerRange> range = analysis.getAccumulatorRange(op))
      helper.setAttr(op, builder.getI64IntegerAttr(range->getSignedBits()));
  });
}
