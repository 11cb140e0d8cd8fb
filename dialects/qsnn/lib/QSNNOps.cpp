//===- QSNNOps.cpp - qsnn op verifiers and shape inference ----------------===//
//
// Verifiers reject what the semantics of docs/spec.md §3 cannot run, with a
// message that names the offending value; inferReturnTypes explains shape
// mismatches (it also runs when an op is verified).
//
//===----------------------------------------------------------------------===//
#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "OpHelpers.h"
#include "qsnn/Dialect/QSNN/QSNNShapes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::detail;

namespace {

/// Binary weights hold only ±1, int8 weights only integers in [-127, 127].
/// Weights that are not constants are checked where they become constant.
LogicalResult verifyWeightValues(Operation *op, Value weight,
                                 WeightQuant quant) {
  if (quant == WeightQuant::Float)
    return success();
  ElementsAttr attr;
  if (!matchPattern(weight, m_Constant(&attr)))
    return success();
  FailureOr<SmallVector<double>> values = readFloatElements(attr);
  std::optional<std::pair<int64_t, double>> bad;
  for (auto [index, value] :
       llvm::enumerate(succeeded(values) ? ArrayRef<double>(*values)
                                         : ArrayRef<double>())) {
    bool ok = quant == WeightQuant::Binary
                  ? (value == 1.0 || value == -1.0)
                  : (std::nearbyint(value) == value && std::fabs(value) <= 127);
    if (!ok) {
      bad = {static_cast<int64_t>(index), value};
      break;
    }
  }
  if (!bad)
    return success();
  return op->emitOpError()
         << (quant == WeightQuant::Binary
                 ? "binary weights must be -1 or +1"
                 : "int8 weights must be integers in [-127, 127]")
         << "; weight element " << bad->first << " is "
         << formatNumber(bad->second);
}

/// Checks scale/bias lengths and the scale a quantization mode requires.
template <typename OpT> LogicalResult verifySynaptic(OpT op) {
  int64_t outputs = op.getNumOutputChannels();
  WeightQuant quant = op.getQuant();
  if (quant != WeightQuant::Float && !op.getScale())
    return op.emitOpError() << stringifyWeightQuant(quant)
                            << " weights need a per-output-channel scale";
  for (auto [name, value] :
       {std::pair<StringRef, Value>{"scale", op.getScale()},
        {"bias", op.getBias()}}) {
    if (!value)
      continue;
    int64_t length = cast<RankedTensorType>(value.getType()).getDimSize(0);
    if (!ShapedType::isDynamic(outputs) && length != outputs)
      return op.emitOpError()
             << name << " has " << length << " entries but the weight has "
             << outputs << " output channels";
  }
  return verifyWeightValues(op, op.getWeight(), quant);
}

} // namespace

//===----------------------------------------------------------------------===//
// Custom assembly: `qsnn.conv2d binary %x, %w ...`
//===----------------------------------------------------------------------===//

static ParseResult parseWeightQuantKeyword(OpAsmParser &parser,
                                           WeightQuantAttr &quant) {
  StringRef keyword;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<WeightQuant> value = symbolizeWeightQuant(keyword);
  if (!value)
    return parser.emitError(loc) << "expected weight quantization 'binary', "
                                    "'int8' or 'float', got '"
                                 << keyword << "'";
  quant = WeightQuantAttr::get(parser.getContext(), *value);
  return success();
}

static void printWeightQuantKeyword(OpAsmPrinter &printer, Operation *,
                                    WeightQuantAttr quant) {
  printer << stringifyWeightQuant(quant.getValue());
}

//===----------------------------------------------------------------------===//
// NormalizeOp
//===----------------------------------------------------------------------===//

LogicalResult NormalizeOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError()
           << "input must have rank >= 2 with channels in dimension 1";
  int64_t channels = getInput().getType().getDimSize(1);
  if (getZeroPoint().size() != getScale().size())
    return emitOpError() << "has " << getZeroPoint().size()
                         << " zero points but " << getScale().size()
                         << " scales";
  if (!ShapedType::isDynamic(channels) &&
      static_cast<int64_t>(getScale().size()) != channels)
    return emitOpError() << "needs one zero point and scale per channel: "
                         << channels << " channels, " << getScale().size()
                         << " given";
  for (auto [c, scale] : llvm::enumerate(getScale()))
    if (!std::isfinite(scale) || scale == 0.0)
      return emitOpError() << "scale of channel " << c
                           << " must be finite and non-zero, got "
                           << formatNumber(scale);
  return success();
}

//===----------------------------------------------------------------------===//
// EncodeOp / ReadoutOp
//===----------------------------------------------------------------------===//

LogicalResult EncodeOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  if (input.getRank() < 1)
    return fail(loc, "input must have a batch dimension");
  SmallVector<int64_t> shape(input.getShape());
  if (!ShapedType::isDynamic(shape[0]))
    shape[0] *= adaptor.getTimeSteps();
  inferred.push_back(tensorLike(input, shape));
  return success();
}

LogicalResult ReadoutOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return pushTensor(inferReadoutShape(loc, "readout",
                                      adaptor.getInput().getType(),
                                      adaptor.getTimeSteps()),
                    Float32Type::get(context), inferred);
}

//===----------------------------------------------------------------------===//
// Conv2DOp / LinearOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return pushTensor(inferConvShape(loc, "conv2d", adaptor.getInput().getType(),
                                   adaptor.getWeight().getType(),
                                   adaptor.getGroups(), adaptor.getStrides(),
                                   adaptor.getPadding(),
                                   adaptor.getDilations()),
                    Float32Type::get(context), inferred);
}

LogicalResult Conv2DOp::verify() { return verifySynaptic(*this); }

LogicalResult LinearOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return pushTensor(inferLinearShape(loc, "linear",
                                     adaptor.getInput().getType(),
                                     adaptor.getWeight().getType()),
                    Float32Type::get(context), inferred);
}

LogicalResult LinearOp::verify() { return verifySynaptic(*this); }

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  RankedTensorType input = getInput().getType();
  if (input.getRank() != 2 && input.getRank() != 4)
    return emitOpError() << "input must have rank 2 or 4, got "
                         << input.getRank();
  int64_t channels = input.getDimSize(1);
  int64_t length = getGamma().getType().getDimSize(0);
  if (!ShapedType::isDynamic(channels) && length != channels)
    return emitOpError() << "parameters have " << length
                         << " entries but the input has " << channels
                         << " channels";
  if (!(getEpsilon().convertToDouble() > 0.0))
    return emitOpError() << "epsilon must be positive";
  return success();
}

//===----------------------------------------------------------------------===//
// LIFOp
//===----------------------------------------------------------------------===//

int64_t LIFOp::getNumLevels() {
  int64_t bits = getMembraneBits();
  if (bits == 32)
    return 0;
  return getLevels() == Levels::Signed ? (int64_t{1} << (bits - 1)) - 1
                                       : (int64_t{1} << bits) - 1;
}

bool LIFOp::hasDefaultDynamics() {
  return getReset() == Reset::Hard && getVReset().isZero() && !getStrict() &&
         !getEmitMembrane();
}

/// The NIR extensions (docs/spec.md §8) exist at the float level only.
static LogicalResult verifyExtendedDynamics(LIFOp op) {
  if (op.hasDefaultDynamics())
    return success();
  // A strict threshold alone has an integer form (docs/spec.md §8.5).
  bool resetsToZero = op.getReset() == Reset::Hard && op.getVReset().isZero() &&
                      !op.getEmitMembrane();
  if (!resetsToZero &&
      (op.getMembraneBits() != 32 || op.getFireOn() != FireOn::Full))
    return op.emitOpError()
           << "reset = subtract | none, a non-zero v_reset and "
              "emit_membrane need membrane_bits = 32 and fire_on = full";
  double vReset = op.getVReset().convertToDouble();
  if (!std::isfinite(vReset))
    return op.emitOpError()
           << "v_reset must be finite, got " << formatNumber(vReset);
  double threshold = op.getThreshold().convertToDouble();
  if (!std::isfinite(threshold))
    return op.emitOpError()
           << "threshold must be finite, got " << formatNumber(threshold);
  return success();
}

LogicalResult LIFOp::verify() {
  int64_t bits = getMembraneBits();
  if (bits != 2 && bits != 4 && bits != 8 && bits != 32)
    return emitOpError() << "membrane_bits must be 2, 4, 8 or 32 "
                            "(unquantized), got "
                         << bits;
  RankedTensorType type = getInput().getType();
  if (type.getRank() < 1)
    return emitOpError() << "input must have a time-merged batch dimension";
  int64_t leading = type.getDimSize(0);
  int64_t steps = getTimeSteps();
  if (!ShapedType::isDynamic(leading) && leading % steps != 0)
    return emitOpError() << "leading dimension " << leading
                         << " is not a multiple of time_steps " << steps;
  double tau = getTau().convertToDouble();
  if (!(tau > 0.0 && tau <= 1.0))
    return emitOpError() << "tau must be in (0, 1], got " << formatNumber(tau);
  double threshold = getThreshold().convertToDouble();
  if (hasDefaultDynamics() && (!(threshold > 0.0) || !std::isfinite(threshold)))
    return emitOpError() << "threshold must be positive and finite, got "
                         << formatNumber(threshold);
  if (failed(verifyExtendedDynamics(*this)))
    return failure();
  std::optional<APFloat> alpha = getAlphaU();
  if (bits != 32 && !alpha)
    return emitOpError() << "membrane_bits = " << bits
                         << " needs alpha_u, the membrane range the "
                            "quantizer was trained with";
  if (alpha && !(alpha->convertToDouble() > 0.0 &&
                 std::isfinite(alpha->convertToDouble())))
    return emitOpError() << "alpha_u must be positive and finite, got "
                         << formatNumber(alpha->convertToDouble());
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferPoolType(MLIRContext *context,
                                   std::optional<Location> loc, Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  Type inputType = adaptor.getInput().getType();
  return pushTensor(inferPoolShape(loc, "pool", inputType, adaptor.getKernel(),
                                   adaptor.getStrides(), adaptor.getPadding(),
                                   adaptor.getCeilMode()),
                    cast<RankedTensorType>(inputType).getElementType(),
                    inferred);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPoolType(context, loc, adaptor, inferred);
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPoolType(context, loc, adaptor, inferred);
}

LogicalResult
GlobalAvgPoolOp::inferReturnTypes(MLIRContext *context,
                                  std::optional<Location> loc, Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  Type inputType = adaptor.getInput().getType();
  if (failed(
          expectRank(loc, "global_avg_pool input [N, C, H, W]", inputType, 4)))
    return failure();
  ArrayRef<int64_t> input = cast<RankedTensorType>(inputType).getShape();
  inferred.push_back(f32Tensor(context, {input[0], input[1], 1, 1}));
  return success();
}

//===----------------------------------------------------------------------===//
// FlattenOp
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = cast<RankedTensorType>(adaptor.getInput().getType());
  int64_t axis = adaptor.getAxis();
  if (axis > input.getRank())
    return fail(loc, Twine("axis ") + Twine(axis) + " exceeds the input rank " +
                         Twine(input.getRank()));
  auto product = [](ArrayRef<int64_t> dims) {
    int64_t result = 1;
    for (int64_t d : dims) {
      if (ShapedType::isDynamic(d))
        return ShapedType::kDynamic;
      result *= d;
    }
    return result;
  };
  ArrayRef<int64_t> shape = input.getShape();
  inferred.push_back(tensorLike(input, {product(shape.take_front(axis)),
                                        product(shape.drop_front(axis))}));
  return success();
}

#define GET_OP_CLASSES
#include "qsnn/Dialect/QSNN/QSNNOps.cpp.inc"
