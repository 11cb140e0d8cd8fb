//===- QuantizeToIntegerLayers.cpp - integer sums of synaptic layers ------===//
//
// conv2d / linear with binary or int8 weights become iconv2d / ilinear on
// the integer input (exact i32 sums) plus the float multipliers a[o] that
// reference.py computes: a = s[o] * sc / divisor (weight scale s, input
// scale sc, pooling divisor), one per (o, c) where input scales differ.
//
//===----------------------------------------------------------------------===//
#include "QuantizeToInteger.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::quantize;

//===----------------------------------------------------------------------===//
// Bounds and numbers
//===----------------------------------------------------------------------===//

namespace {
/// Saturation point of bounds: far above i64, far below overflow of 128 bits.
constexpr Bound kSaturated = Bound(1) << 120;
} // namespace

Bound quantize::addBounds(Bound lhs, Bound rhs) {
  Bound sum = lhs + rhs;
  return sum > kSaturated ? kSaturated : sum;
}

Bound quantize::mulBounds(Bound lhs, Bound rhs) {
  if (lhs == 0 || rhs == 0)
    return 0;
  if (lhs > kSaturated / rhs)
    return kSaturated;
  return lhs * rhs;
}

int64_t quantize::signedBits(Bound bound) {
  int64_t bits = 1;
  while (bits < 128 && (Bound(1) << (bits - 1)) - 1 < bound)
    ++bits;
  return bits;
}

std::string quantize::formatBound(Bound bound) {
  if (bound == 0)
    return "0";
  std::string digits;
  for (; bound != 0; bound /= 10)
    digits.insert(digits.begin(), static_cast<char>('0' + bound % 10));
  return digits;
}

double quantize::roundHalfEven(double value) {
  // The pass never changes the rounding mode; nearbyint follows it.
  return std::nearbyint(value);
}

double quantize::asFloat32(double value) {
  return static_cast<double>(static_cast<float>(value));
}

bool IntTensor::hasUniformScale() const {
  return llvm::all_of(scale, [&](double s) { return s == scale.front(); });
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

IntTensor quantize::widenRawBytes(OpBuilder &builder, Location loc,
                                  const IntTensor &tensor) {
  if (!tensor.rawBytes)
    return tensor;
  auto type = cast<RankedTensorType>(tensor.value.getType());
  SmallVector<int64_t> zeros(type.getDimSize(1), 0);
  IntTensor widened = tensor;
  auto center = builder.create<ICenterOp>(loc, tensor.value, zeros);
  widened.value = center;
  widened.rawBytes = false;
  return widened;
}

//===----------------------------------------------------------------------===//
// Synaptic layers
//===----------------------------------------------------------------------===//

namespace {

/// The layer's quantized weights as i8, checked against its `quant`.
FailureOr<SmallVector<int8_t>> readWeights(Operation *layer, Value weight,
                                           WeightQuant quant) {
  FailureOr<SmallVector<double>> values = readFloatConstant(weight);
  if (failed(values))
    return quantize::layerError(layer)
           << "needs constant f32 weights for the integer form";
  SmallVector<int8_t> levels;
  levels.reserve(values->size());
  for (auto [index, v] : llvm::enumerate(*values)) {
    bool ok = quant == WeightQuant::Binary
                  ? (v == 1.0 || v == -1.0)
                  : (v == std::floor(v) && v >= -127.0 && v <= 127.0);
    if (!ok)
      return quantize::layerError(layer)
             << "weight #" << index << " is " << formatNumber(v, 10) << ", not "
             << (quant == WeightQuant::Binary ? "-1 or +1 (binary)"
                                              : "an integer in [-127, 127]");
    levels.push_back(static_cast<int8_t>(v));
  }
  return levels;
}

/// A per-output-channel vector operand (scale or bias), or `fill`.
FailureOr<SmallVector<double>> readVector(Operation *layer, Value operand,
                                          int64_t channels, double fill,
                                          StringRef what) {
  if (!operand)
    return SmallVector<double>(channels, fill);
  FailureOr<SmallVector<double>> values = readFloatConstant(operand);
  if (failed(values) || static_cast<int64_t>(values->size()) != channels)
    return quantize::layerError(layer)
           << "needs a constant " << what << " with " << channels
           << " entries for the integer form";
  return values;
}

} // namespace

FailureOr<Current> quantize::emitSynapticLayer(OpBuilder &builder,
                                               Operation *layer,
                                               const IntTensor &rawInput) {
  auto conv = dyn_cast<Conv2DOp>(layer);
  auto linear = dyn_cast<LinearOp>(layer);
  Value weight = conv ? conv.getWeight() : linear.getWeight();
  WeightQuant quant = conv ? conv.getQuant() : linear.getQuant();
  if (quant == WeightQuant::Float)
    return quantize::layerError(layer)
           << "has float weights, which have no integer form (only binary "
              "and int8 layers quantize)";
  FailureOr<SmallVector<int8_t>> levels = readWeights(layer, weight, quant);
  if (failed(levels))
    return failure();
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t outChannels = weightType.getDimSize(0);
  FailureOr<SmallVector<double>> scale =
      readVector(layer, conv ? conv.getScale() : linear.getScale(), outChannels,
                 1.0, "scale");
  FailureOr<SmallVector<double>> bias =
      readVector(layer, conv ? conv.getBias() : linear.getBias(), outChannels,
                 0.0, "bias");
  if (failed(scale) || failed(bias))
    return failure();

  IntTensor input = widenRawBytes(builder, layer->getLoc(), rawInput);
  int64_t groups = conv ? static_cast<int64_t>(conv.getGroups()) : 1;
  int64_t inChannels = weightType.getDimSize(1) * groups;
  bool perInputChannel = !input.hasUniformScale();
  if (perInputChannel && (linear || groups != 1))
    return quantize::layerError(layer)
           << "reads input channels with different scales"
           << (linear ? "; ilinear has no per-input-channel sums"
                      : " with groups > 1; per-input-channel sums need "
                        "groups = 1");

  // Exact sums: bound |c| by sum |w| * max |x| per output (and input)
  // channel; they must fit the i32 the integer ops produce.
  int64_t perOutput = weightType.getNumElements() / outChannels;
  int64_t window = perOutput / weightType.getDimSize(1);
  int64_t groupOut = outChannels / groups;
  int64_t columns = perInputChannel ? inChannels : 1;
  SmallVector<Bound> bound(outChannels * columns, 0);
  for (int64_t o = 0; o < outChannels; ++o) {
    for (int64_t e = 0; e < perOutput; ++e) {
      int64_t c = (o / groupOut) * weightType.getDimSize(1) + e / window;
      Bound term =
          mulBounds(std::abs((*levels)[o * perOutput + e]), input.boundAt(c));
      Bound &slot = bound[o * columns + (perInputChannel ? c : 0)];
      slot = addBounds(slot, term);
    }
  }
  Bound largest = *llvm::max_element(bound);
  if (largest > kI32Max)
    return quantize::layerError(layer)
           << "integer sums can reach " << formatBound(largest)
           << ", beyond the i32 the integer layer produces";

  auto i8Type =
      RankedTensorType::get(weightType.getShape(), builder.getIntegerType(8));
  Value weights = builder.create<arith::ConstantOp>(
      layer->getLoc(), DenseIntElementsAttr::get(i8Type, ArrayRef(*levels)));
  Operation *sums;
  if (conv)
    sums = builder.create<IConv2DOp>(layer->getLoc(), input.value, weights,
                                     conv.getStrides(), conv.getPadding(),
                                     conv.getDilations(), conv.getGroups(),
                                     perInputChannel);
  else
    sums = builder.create<ILinearOp>(layer->getLoc(), input.value, weights);

  // a = s * sc / divisor in this order, as reference.py computes it.
  Term term;
  term.sums = sums->getResult(0);
  term.bound = std::move(bound);
  term.perInputChannel = perInputChannel;
  term.inputChannels = columns;
  term.pendingSteps = input.pendingSteps;
  double divisor = static_cast<double>(input.divisor);
  for (int64_t o = 0; o < outChannels; ++o)
    for (int64_t c = 0; c < columns; ++c)
      term.multipliers.push_back((*scale)[o] * input.scaleAt(c) / divisor);
  Current current;
  current.terms.push_back(std::move(term));
  current.bias = std::move(*bias);
  return current;
}
