//===- QSNNIntegerOps.cpp - integer-level op verifiers and shapes ---------===//
//
// The ops of docs/spec.md §4. The op classes themselves are defined in
// QSNNOps.cpp (one GET_OP_CLASSES include for the dialect).
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::detail;

namespace {

RankedTensorType intTensor(MLIRContext *context, ArrayRef<int64_t> shape,
                           unsigned width) {
  return RankedTensorType::get(shape, IntegerType::get(context, width));
}

/// Largest fractional-bit count whose 2^F and rounding offset fit in i64.
constexpr int64_t kMaxFracBits = 62;

} // namespace

//===----------------------------------------------------------------------===//
// ICenterOp
//===----------------------------------------------------------------------===//

LogicalResult ICenterOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError()
           << "input must have rank >= 2 with channels in dimension 1";
  int64_t channels = getInput().getType().getDimSize(1);
  if (!ShapedType::isDynamic(channels) &&
      static_cast<int64_t>(getZeroPoint().size()) != channels)
    return emitOpError() << "needs one zero point per channel: " << channels
                         << " channels, " << getZeroPoint().size() << " given";
  for (auto [c, zp] : llvm::enumerate(getZeroPoint()))
    if (zp < 0 || zp > 255)
      return emitOpError() << "zero point of channel " << c << " is " << zp
                           << ", outside the uint8 range [0, 255]";
  return success();
}

//===----------------------------------------------------------------------===//
// IConv2DOp / ILinearOp / ISumPool2DOp
//===----------------------------------------------------------------------===//

LogicalResult IConv2DOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  int64_t groups = adaptor.getGroups();
  FailureOr<SmallVector<int64_t>> shape = inferConvShape(
      loc, "iconv2d", adaptor.getInput().getType(),
      adaptor.getWeight().getType(), groups, adaptor.getStrides(),
      adaptor.getPadding(), adaptor.getDilations());
  if (failed(shape))
    return failure();
  if (adaptor.getPerInputChannel()) {
    if (groups != 1)
      return fail(loc, "per_input_channel sums need groups = 1");
    auto input = cast<RankedTensorType>(adaptor.getInput().getType());
    shape->insert(shape->begin() + 2, input.getDimSize(1));
  }
  inferred.push_back(intTensor(context, *shape, 32));
  return success();
}

LogicalResult ILinearOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return pushTensor(inferLinearShape(loc, "ilinear",
                                     adaptor.getInput().getType(),
                                     adaptor.getWeight().getType()),
                    IntegerType::get(context, 32), inferred);
}

LogicalResult ISumPool2DOp::inferReturnTypes(MLIRContext *context,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return pushTensor(inferPoolShape(loc, "isum_pool2d",
                                   adaptor.getInput().getType(),
                                   adaptor.getKernel(), adaptor.getStrides(),
                                   adaptor.getPadding(), /*ceilMode=*/false),
                    IntegerType::get(context, 32), inferred);
}

//===----------------------------------------------------------------------===//
// IAffineOp
//===----------------------------------------------------------------------===//

LogicalResult IAffineOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t minRank = adaptor.getPerInputChannel() ? 3 : 2;
  if (input.getRank() < minRank)
    return fail(loc, Twine("iaffine input must have rank >= ") +
                         Twine(minRank) + ", got " + Twine(input.getRank()));
  SmallVector<int64_t> shape(input.getShape());
  if (adaptor.getPerInputChannel())
    shape.erase(shape.begin() + 2);
  inferred.push_back(intTensor(context, shape, 64));
  return success();
}

LogicalResult IAffineOp::verify() {
  RankedTensorType input = getInput().getType();
  int64_t channels = input.getDimSize(1);
  int64_t perChannel = getPerInputChannel() ? input.getDimSize(2) : 1;
  int64_t biases = getBias().size();
  if (!ShapedType::isDynamic(channels) && biases != channels)
    return emitOpError() << "has " << biases << " biases for " << channels
                         << " channels";
  if (!ShapedType::isDynamic(perChannel) &&
      static_cast<int64_t>(getMultiplier().size()) != biases * perChannel)
    return emitOpError() << "has " << getMultiplier().size()
                         << " multipliers; expected " << biases * perChannel
                         << " (" << biases << " channels x " << perChannel
                         << " input channels)";
  if (static_cast<int64_t>(getFracBits()) > kMaxFracBits)
    return emitOpError() << "frac_bits " << getFracBits()
                         << " exceeds the i64 limit of " << kMaxFracBits;
  return success();
}

//===----------------------------------------------------------------------===//
// ILIFOp / IReadoutOp
//===----------------------------------------------------------------------===//

LogicalResult ILIFOp::verify() {
  if (getInput().getType().getRank() < 1)
    return emitOpError() << "input must have a time-merged batch dimension";
  int64_t leading = getInput().getType().getDimSize(0);
  int64_t steps = getTimeSteps();
  if (!ShapedType::isDynamic(leading) && leading % steps != 0)
    return emitOpError() << "leading dimension " << leading
                         << " is not a multiple of time_steps " << steps;
  if (static_cast<int64_t>(getFracBits()) > kMaxFracBits)
    return emitOpError() << "frac_bits " << getFracBits()
                         << " exceeds the i64 limit of " << kMaxFracBits;
  if (getTauQ() < 0)
    return emitOpError() << "tau_q must be non-negative, got " << getTauQ();
  return success();
}

LogicalResult IReadoutOp::inferReturnTypes(MLIRContext *context,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  return pushTensor(inferReadoutShape(loc, "ireadout",
                                      adaptor.getInput().getType(),
                                      adaptor.getTimeSteps()),
                    IntegerType::get(context, 64), inferred);
}

//===----------------------------------------------------------------------===//
// BConv2DOp
//===----------------------------------------------------------------------===//

LogicalResult BConv2DOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto weight = cast<RankedTensorType>(getWeightBits().getType());
  auto result = cast<RankedTensorType>(getType());
  if (input.getRank() != 4 || weight.getRank() != 4 || result.getRank() != 4)
    return emitOpError() << "needs an [N, C, H, W] input, [KH, KW, words, "
                            "O_padded] packed weights and an [N, O, OH, OW] "
                            "result";
  if (!input.hasStaticShape() || !weight.hasStaticShape() ||
      !result.hasStaticShape())
    return emitOpError() << "needs static shapes";
  unsigned wordBits = weight.getElementTypeBitWidth();
  int64_t channels = input.getDimSize(1);
  int64_t words = weight.getDimSize(2);
  if (words != llvm::divideCeil(channels, wordBits))
    return emitOpError() << channels << " input channels need "
                         << llvm::divideCeil(channels, wordBits) << " words of "
                         << wordBits << " bits, the weights have " << words;
  if (weight.getDimSize(3) < result.getDimSize(1))
    return emitOpError() << "packed weights cover " << weight.getDimSize(3)
                         << " output channels, the result has "
                         << result.getDimSize(1);
  SmallVector<int64_t, 4> windowInput(input.getShape());
  if (std::optional<ArrayRef<int64_t>> pool = getInputPool()) {
    if (*pool != ArrayRef<int64_t>{2, 2})
      return emitOpError() << "input_pool supports the 2x2 sum pool only";
    if (input.getElementTypeBitWidth() != 1 || getPlanes() != 3)
      return emitOpError() << "input_pool needs spike (i1) input and 3 bit "
                              "planes";
    windowInput[2] /= 2;
    windowInput[3] /= 2;
  } else if (input.getElementTypeBitWidth() == 1 && getPlanes() != 1) {
    return emitOpError() << "spike (i1) input has one bit plane, not "
                         << getPlanes();
  }
  if (getPlanes() >= 16)
    return emitOpError() << getPlanes()
                         << " bit planes are more than counts "
                            "of a binary convolution need (at most 15)";
  SmallVector<int64_t, 2> unitDilations = {1, 1};
  SmallVector<int64_t> shape;
  if (failed(inferWindow(getLoc(), windowInput, result.getDimSize(1),
                         weight.getShape().take_front(2), getStrides(),
                         getPadding(), unitDilations, /*ceilMode=*/false,
                         shape)))
    return failure();
  if (ArrayRef<int64_t>(shape) != result.getShape())
    return emitOpError() << "result shape does not match the window over the "
                            "input";
  return success();
}

//===----------------------------------------------------------------------===//
// ILIFStepOp
//===----------------------------------------------------------------------===//

LogicalResult ILIFStepOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto state = cast<RankedTensorType>(getState().getType());
  if (input.getShape() != state.getShape() ||
      input.getShape() != getSpikes().getType().getShape() ||
      getNextState().getType() != state)
    return emitOpError() << "current, state, spikes and next state must have "
                            "one shape (and the states one type)";
  if (getFracBits() > kMaxFracBits)
    return emitOpError() << "frac_bits " << getFracBits() << " exceeds "
                         << kMaxFracBits;
  unsigned width = state.getElementTypeBitWidth();
  if (width < 64 && getLevels() > (int64_t(1) << (width - 1)) - 1)
    return emitOpError() << "an i" << width << " state cannot hold the levels "
                         << "[-" << getLevels() << ", " << getLevels() << "]";
  return success();
}
