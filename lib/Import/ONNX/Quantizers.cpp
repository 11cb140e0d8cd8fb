//===- Quantizers.cpp - QONNX weight quantizers folded at import ----------===//
//
// BipolarQuant(Ŵ, α) = α·sign(Ŵ) (sign(0) = +1) becomes a binary weight and
// Quant/IntQuant(W, s, 0, 8) with signed=1, narrow=1 becomes an int8 weight
// q = clamp(rne(W / s), -127, 127): the synaptic op gets the levels and one
// scale per output channel (docs/spec.md §5), not the dequantized product.
//
//===----------------------------------------------------------------------===//
#include "IRBuilders.h"
#include "Importer.h"
#include "QuantizedWeights.h"

#include <onnx/onnx_pb.h>

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

std::string originOf(Importer &imp) {
  const onnx::NodeProto &node = imp.node();
  return node.op_type() + " node '" +
         (node.name().empty() ? node.output(0) : node.name()) + "'";
}

/// Reads the constant weight and scale shared by both quantizers and checks
/// that the scale broadcasts to the weight and is positive.
LogicalResult readWeightAndScale(Importer &imp, DenseElementsAttr &weight,
                                 DenseElementsAttr &scale) {
  for (unsigned i = 0; i < imp.numInputs(); ++i)
    if (imp.hasInput(i) && !imp.input(i).isConstant())
      return imp.error() << "quantizer input '" << imp.inputName(i)
                         << "' must be a constant (an initializer or a "
                            "Constant node)";
  FailureOr<DenseElementsAttr> w = imp.constantInput(0, "weight");
  if (failed(w))
    return failure();
  FailureOr<DenseElementsAttr> s = imp.constantInput(1, "scale");
  if (failed(s))
    return failure();
  if (!w->getElementType().isF32() || !s->getElementType().isF32())
    return imp.error() << "unsupported dtype: quantizer weight and scale must "
                          "be float32";
  auto wShape = w->getType().getShape(), sShape = s->getType().getShape();
  std::optional<SmallVector<int64_t>> joint = broadcastShapes(wShape, sShape);
  if (!joint || ArrayRef<int64_t>(*joint) != wShape)
    return imp.error() << "scale shape " << formatShape(sShape)
                       << " does not broadcast to the weight shape "
                       << formatShape(wShape);
  for (float v : s->getValues<float>())
    if (!(v > 0.0f) || !std::isfinite(v))
      return imp.error() << "scale must be positive and finite, got "
                         << formatNumber(v);
  weight = *w;
  scale = *s;
  return success();
}

LogicalResult importBipolarQuant(Importer &imp) {
  if (imp.numInputs() != 2)
    return imp.error() << "expects inputs X and scale";
  DenseElementsAttr weight, scale;
  if (failed(readWeightAndScale(imp, weight, scale)))
    return failure();
  SmallVector<float> levels;
  for (float v : weight.getValues<float>())
    levels.push_back(v >= 0.0f ? 1.0f : -1.0f); // sign(0) = +1
  auto quant = std::make_shared<QuantizedWeight>();
  quant->kind = WeightQuant::Binary;
  quant->levels =
      DenseElementsAttr::get(weight.getType(), llvm::ArrayRef(levels));
  quant->scale = scale;
  quant->origin = originOf(imp);
  return imp.setOutputQuant(0, std::move(quant));
}

LogicalResult importQuant(Importer &imp) {
  if (imp.numInputs() != 4)
    return imp.error() << "expects inputs X, scale, zeropt and bitwidth";
  DenseElementsAttr weight, scale;
  if (failed(readWeightAndScale(imp, weight, scale)))
    return failure();
  FailureOr<SmallVector<float>> zeroPoint =
      imp.floatConstantInput(2, "zero point");
  if (failed(zeroPoint))
    return failure();
  FailureOr<SmallVector<float>> bitWidth =
      imp.floatConstantInput(3, "bitwidth");
  if (failed(bitWidth))
    return failure();
  int64_t isSigned = 1, narrow = 0;
  std::string rounding = "ROUND";
  if (failed(imp.getAttr("signed", isSigned)) ||
      failed(imp.getAttr("narrow", narrow)) ||
      failed(imp.getAttr("rounding_mode", rounding)))
    return failure();
  if (llvm::any_of(*zeroPoint, [](float z) { return z != 0.0f; }))
    return imp.error() << "only zero point 0 is supported (symmetric int8)";
  if (bitWidth->size() != 1 || bitWidth->front() != 8.0f)
    return imp.error() << "only bitwidth 8 is supported, got "
                       << formatNumber(bitWidth->empty() ? 0.0f
                                                         : bitWidth->front());
  if (isSigned != 1 || narrow != 1)
    return imp.error() << "only signed=1 narrow=1 quantization is supported "
                          "(int8 levels in [-127, 127]), got signed="
                       << isSigned << " narrow=" << narrow;
  if (rounding != "ROUND")
    return imp.error() << "rounding_mode '" << rounding
                       << "' is not supported (only ROUND, half to even)";

  // Scale index of each weight element under numpy broadcasting.
  ArrayRef<int64_t> wShape = weight.getType().getShape();
  ArrayRef<int64_t> sShape = scale.getType().getShape();
  auto scales = llvm::to_vector(scale.getValues<float>());
  int64_t rank = wShape.size(), offset = rank - sShape.size();
  SmallVector<float> levels;
  int64_t flat = 0;
  for (float w : weight.getValues<float>()) {
    int64_t rest = flat++, index = 0, stride = 1;
    for (int64_t d = rank - 1; d >= offset; --d) {
      int64_t coord = rest % wShape[d];
      rest /= wShape[d];
      if (sShape[d - offset] != 1)
        index += coord * stride;
      stride *= sShape[d - offset];
    }
    // nearbyint rounds half to even in the default floating-point mode.
    float q = std::nearbyint(w / scales[index]);
    levels.push_back(std::min(127.0f, std::max(-127.0f, q)));
  }
  auto quant = std::make_shared<QuantizedWeight>();
  quant->kind = WeightQuant::Int8;
  quant->levels =
      DenseElementsAttr::get(weight.getType(), llvm::ArrayRef(levels));
  quant->scale = scale;
  quant->origin = originOf(imp);
  return imp.setOutputQuant(0, std::move(quant));
}

/// One scale per output channel along `axis` of the weight, or an error when
/// the quantizer's scale varies along another dimension.
FailureOr<SmallVector<float>>
perChannelScale(Importer &imp, const QuantizedWeight &quant, int64_t axis) {
  ArrayRef<int64_t> wShape = quant.levels.getType().getShape();
  ArrayRef<int64_t> sShape = quant.scale.getType().getShape();
  int64_t offset = wShape.size() - sShape.size();
  for (auto [d, extent] : llvm::enumerate(sShape))
    if (extent != 1 && static_cast<int64_t>(d) + offset != axis)
      return imp.error() << "the scale of " << quant.origin << " has shape "
                         << formatShape(sShape)
                         << "; only a scalar or one scale per output channel "
                            "(weight dimension "
                         << axis << " of " << formatShape(wShape)
                         << ") is supported";
  auto values = llvm::to_vector(quant.scale.getValues<float>());
  if (values.size() == 1)
    values.assign(wShape[axis], values.front());
  return values;
}

} // namespace

FailureOr<SynapticWeight> onnx_import::readSynapticWeight(Importer &imp,
                                                          unsigned index,
                                                          int64_t outputAxis) {
  TensorInfo &info = imp.input(index);
  SynapticWeight result;
  if (info.quant) {
    FailureOr<SmallVector<float>> scale =
        perChannelScale(imp, *info.quant, outputAxis);
    if (failed(scale))
      return failure();
    result.quant = info.quant->kind;
    result.constant = info.quant->levels;
    result.scale = std::move(*scale);
    return result;
  }
  if (info.isConstant()) {
    FailureOr<DenseElementsAttr> constant = imp.constantInput(index, "weight");
    if (failed(constant))
      return failure();
    if (!constant->getElementType().isF32())
      return imp.error() << "unsupported dtype " << dtypeName(info.dtype)
                         << " of weight '" << imp.inputName(index) << "'";
    result.constant = *constant;
    return result;
  }
  FailureOr<Value> value = imp.runtimeInput(index);
  if (failed(value))
    return failure();
  result.weight = *value;
  return result;
}

void onnx_import::registerQuantizerOps(OpTable &table) {
  table["qonnx::BipolarQuant"] = {importBipolarQuant, {}, 2, 2};
  OpSpec quant{importQuant, {{"signed"}, {"narrow"}, {"rounding_mode"}}, 4, 4};
  table["qonnx::Quant"] = quant;
  table["qonnx::IntQuant"] = quant;
}
