//===- EmitLayers.cpp - Affine, Linear, Conv, pooling, Flatten, Scale -----===//
//
// Synaptic layers become qsnn.linear / qsnn.conv2d with float weights;
// Conv1d is a Conv2d over [C, 1, L]. SumPool2d is a linalg sum pooling,
// AvgPool2d qsnn.avg_pool2d counting padded cells (NIR: SumPool; Scale).
//
//===----------------------------------------------------------------------===//
#include "Emitter.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::nir_import;

FailureOr<NodeValue> Emitter::emitAffine(const NodeValue &in, bool hasBias) {
  FailureOr<std::optional<Param>> weight = param("weight");
  if (failed(weight))
    return failure();
  const Param &w = **weight;
  if (w.shape.size() != 2)
    return fail("weight must be [out, in], got " + formatShape(w.shape));
  int64_t outputs = w.shape[0], inputs = w.shape[1];
  if (in.shape != Shape{inputs})
    return failEdge("the input has shape " + formatShape(in.shape) + " but '" +
                    node->name + "' reads [" + std::to_string(inputs) +
                    "] (its weight is " + formatShape(w.shape) + ")");
  Value bias;
  if (hasBias) {
    FailureOr<std::optional<Param>> p = param("bias");
    if (failed(p))
      return failure();
    if ((*p)->values.size() != static_cast<size_t>(outputs))
      return fail("bias has " + std::to_string((*p)->values.size()) +
                  " values for " + std::to_string(outputs) + " outputs");
    bias = constant({outputs}, (*p)->values);
  }
  Shape outShape = {outputs};
  SynapticWeights weights = synapticWeights(w);
  Value y = b.create<LinearOp>(
      loc, mergedType(outShape), in.value, weights.weight, weights.scale, bias,
      WeightQuantAttr::get(b.getContext(), weights.quant));
  return NodeValue{y, outShape};
}

namespace {
/// Output extent of a window: floor((in + pads - d*(k-1) - 1) / s) + 1.
int64_t windowExtent(int64_t in, int64_t padBefore, int64_t padAfter,
                     int64_t kernel, int64_t stride, int64_t dilation) {
  int64_t span = in + padBefore + padAfter - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}
} // namespace

FailureOr<NodeValue> Emitter::emitConv(const NodeValue &in, int spatialDims) {
  FailureOr<std::optional<Param>> weight = param("weight");
  if (failed(weight))
    return failure();
  const Param &w = **weight;
  if (w.shape.size() != static_cast<size_t>(spatialDims) + 2)
    return fail("weight must have rank " + std::to_string(spatialDims + 2) +
                ", got " + formatShape(w.shape));
  auto groupsParam = intPair("groups", 1, 1);
  auto strides = intPair("stride", 1, spatialDims);
  auto dilations = intPair("dilation", 1, spatialDims);
  if (failed(groupsParam) || failed(strides) || failed(dilations))
    return failure();
  int64_t groups = groupsParam->front();
  int64_t outChannels = w.shape[0], groupChannels = w.shape[1];
  if (groups < 1 || outChannels % groups != 0)
    return fail("groups " + std::to_string(groups) +
                " must be positive and "
                "divide the " +
                std::to_string(outChannels) + " output channels");
  for (int64_t v : llvm::concat<int64_t>(*strides, *dilations))
    if (v < 1)
      return fail("stride and dilation must be positive");
  Shape kernel(w.shape.begin() + 2, w.shape.end());
  if (in.shape.size() != static_cast<size_t>(spatialDims) + 1 ||
      in.shape[0] != groupChannels * groups)
    return failEdge(
        "the input has shape " + formatShape(in.shape) + " but '" + node->name +
        "' reads " + std::to_string(groupChannels * groups) + " channels of " +
        std::to_string(spatialDims) + "-D data (weight " +
        formatShape(w.shape) + ", groups " + std::to_string(groups) + ")");
  Shape spatial(in.shape.begin() + 1, in.shape.end());
  if (const H5Node *declared = node->group->member("input_shape"))
    if (declared->kind == H5Node::Kind::Numeric) {
      Shape declaredShape;
      for (double v : declared->numbers)
        declaredShape.push_back(static_cast<int64_t>(v));
      if (declaredShape != spatial)
        return failEdge("the input has spatial shape " + formatShape(spatial) +
                        " but '" + node->name + "' declares input_shape " +
                        formatShape(declaredShape));
    }
  // Padding: an int, a pair, or "same" / "valid" (PyTorch's: "same" puts the
  // odd cell after).
  std::vector<int64_t> before(spatialDims, 0), after(spatialDims, 0);
  if (std::optional<std::string> mode = stringParam("padding")) {
    if (*mode == "same") {
      for (int d = 0; d < spatialDims; ++d) {
        if ((*strides)[d] != 1)
          return fail("padding 'same' needs stride 1");
        int64_t total = (*dilations)[d] * (kernel[d] - 1);
        before[d] = total / 2;
        after[d] = total - before[d];
      }
    } else if (*mode != "valid") {
      return fail("padding '" + *mode +
                  "' is not an integer, 'same' or 'valid'");
    }
  } else {
    auto pads = intPair("padding", 0, spatialDims);
    if (failed(pads))
      return failure();
    for (int d = 0; d < spatialDims; ++d) {
      if ((*pads)[d] < 0)
        return fail("padding must not be negative");
      before[d] = after[d] = (*pads)[d];
    }
  }
  Shape outShape = {outChannels};
  for (int d = 0; d < spatialDims; ++d) {
    int64_t extent = windowExtent(spatial[d], before[d], after[d], kernel[d],
                                  (*strides)[d], (*dilations)[d]);
    if (extent < 1)
      return failEdge("the input " + formatShape(in.shape) +
                      " is smaller than the kernel");
    outShape.push_back(extent);
  }
  FailureOr<std::optional<Param>> biasParam = param("bias", false);
  if (failed(biasParam))
    return failure();
  Value bias;
  if (*biasParam) {
    if ((*biasParam)->values.size() != static_cast<size_t>(outChannels))
      return fail("bias has " + std::to_string((*biasParam)->values.size()) +
                  " values for " + std::to_string(outChannels) + " channels");
    bias = constant({outChannels}, (*biasParam)->values);
  }

  // Conv1d: [C, L] as [C, 1, L] with a [O, I/g, 1, K] weight.
  Value x = in.value;
  Shape weightShape = w.shape;
  std::vector<int64_t> strides2 = *strides, dilations2 = *dilations;
  std::vector<int64_t> pads = {before[0], spatialDims == 2 ? before[1] : 0,
                               after[0], spatialDims == 2 ? after[1] : 0};
  Shape out2 = outShape;
  if (spatialDims == 1) {
    weightShape = {w.shape[0], w.shape[1], 1, w.shape[2]};
    strides2 = {1, (*strides)[0]};
    dilations2 = {1, (*dilations)[0]};
    pads = {0, before[0], 0, after[0]};
    x = b.create<tensor::ExpandShapeOp>(
        loc, mergedType({in.shape[0], 1, in.shape[1]}), x,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    out2 = {outShape[0], 1, outShape[1]};
  }
  SynapticWeights weights = synapticWeights(Param{weightShape, w.values});
  Value y = b.create<Conv2DOp>(
      loc, mergedType(out2), x, weights.weight, weights.scale, bias,
      WeightQuantAttr::get(b.getContext(), weights.quant),
      b.getDenseI64ArrayAttr(strides2), b.getDenseI64ArrayAttr(pads),
      b.getDenseI64ArrayAttr(dilations2), b.getI64IntegerAttr(groups));
  if (spatialDims == 1)
    y = b.create<tensor::CollapseShapeOp>(
        loc, mergedType(outShape), y,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  return NodeValue{y, outShape};
}

FailureOr<NodeValue> Emitter::emitPool(const NodeValue &in, bool average) {
  auto kernel = intPair("kernel_size", std::nullopt);
  if (failed(kernel))
    return failure();
  auto strides = intPair("stride", std::nullopt);
  auto pads = intPair("padding", 0);
  if (failed(strides) || failed(pads))
    return failure();
  for (int d = 0; d < 2; ++d)
    if ((*kernel)[d] < 1 || (*strides)[d] < 1 || (*pads)[d] < 0)
      return fail("kernel_size and stride must be positive, padding not "
                  "negative");
  if (in.shape.size() != 3)
    return failEdge("the input has shape " + formatShape(in.shape) + " but '" +
                    node->name + "' pools [C, H, W]");
  Shape outShape = {in.shape[0]};
  for (int d = 0; d < 2; ++d) {
    int64_t extent = windowExtent(in.shape[d + 1], (*pads)[d], (*pads)[d],
                                  (*kernel)[d], (*strides)[d], 1);
    if (extent < 1)
      return failEdge("the input " + formatShape(in.shape) +
                      " is smaller than the window");
    outShape.push_back(extent);
  }
  std::vector<int64_t> padding = {(*pads)[0], (*pads)[1], (*pads)[0],
                                  (*pads)[1]};
  if (average) {
    Value y = b.create<AvgPool2DOp>(
        loc, mergedType(outShape), in.value, b.getDenseI64ArrayAttr(*kernel),
        b.getDenseI64ArrayAttr(*strides), b.getDenseI64ArrayAttr(padding),
        b.getBoolAttr(false), /*count_include_pad=*/b.getBoolAttr(true));
    return NodeValue{y, outShape};
  }
  Value x = in.value;
  if ((*pads)[0] || (*pads)[1]) {
    SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                     b.getIndexAttr((*pads)[0]),
                                     b.getIndexAttr((*pads)[1])};
    Shape padded = {in.shape[0], in.shape[1] + 2 * (*pads)[0],
                    in.shape[2] + 2 * (*pads)[1]};
    Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.0f));
    x = b.create<tensor::PadOp>(loc, mergedType(padded), x, low, low, zero);
  }
  RankedTensorType outType = mergedType(outShape);
  Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0.0f));
  Value init =
      b.create<linalg::FillOp>(
           loc, zero,
           b.create<tensor::EmptyOp>(loc, outType.getShape(), b.getF32Type())
               .getResult())
          .getResult(0);
  Value window = b.create<tensor::EmptyOp>(loc, *kernel, b.getF32Type());
  Value y =
      b.create<linalg::PoolingNchwSumOp>(
           loc, TypeRange{outType}, ValueRange{x, window}, ValueRange{init},
           b.getI64VectorAttr(*strides), b.getI64VectorAttr({1, 1}))
          .getResult(0);
  return NodeValue{y, outShape};
}

FailureOr<NodeValue> Emitter::emitFlatten(const NodeValue &in) {
  auto start = intPair("start_dim", 1, 1), end = intPair("end_dim", -1, 1);
  if (failed(start) || failed(end))
    return failure();
  int64_t rank = static_cast<int64_t>(in.shape.size());
  int64_t first = start->front() < 0 ? start->front() + rank : start->front();
  int64_t last = end->front() < 0 ? end->front() + rank : end->front();
  if (first < 0 || last >= rank || first > last)
    return failEdge("the input has shape " + formatShape(in.shape) +
                    ": start_dim " + std::to_string(start->front()) +
                    " and end_dim " + std::to_string(end->front()) +
                    " do not select its dimensions");
  if (const H5Node *declared = node->group->member("input_type")) {
    if (declared->isGroup())
      declared = declared->member("input");
    if (declared && declared->kind == H5Node::Kind::Numeric) {
      Shape declaredShape;
      for (double v : declared->numbers)
        declaredShape.push_back(static_cast<int64_t>(v));
      if (declaredShape != in.shape)
        return failEdge("the input has shape " + formatShape(in.shape) +
                        " but '" + node->name + "' declares " +
                        formatShape(declaredShape));
    }
  }
  Shape outShape(in.shape.begin(), in.shape.begin() + first);
  int64_t folded = 1;
  for (int64_t d = first; d <= last; ++d)
    folded *= in.shape[d];
  outShape.push_back(folded);
  outShape.insert(outShape.end(), in.shape.begin() + last + 1, in.shape.end());
  if (first == last)
    return NodeValue{in.value, outShape};
  // Dimension d of the NIR shape is dimension d + 1 of the merged tensor.
  SmallVector<ReassociationIndices> groups = {{0}};
  for (int64_t d = 0; d < rank; ++d) {
    if (d > first && d <= last)
      groups.back().push_back(d + 1);
    else
      groups.push_back({d + 1});
  }
  Value y = b.create<tensor::CollapseShapeOp>(loc, mergedType(outShape),
                                              in.value, groups);
  return NodeValue{y, outShape};
}

FailureOr<NodeValue> Emitter::emitScale(const NodeValue &in) {
  FailureOr<Param> scale = neuronParam("scale", in.shape);
  if (failed(scale))
    return failure();
  return NodeValue{scaleAndShift(in.value, in.shape, &*scale, nullptr),
                   in.shape};
}

FailureOr<NodeValue> Emitter::emitThreshold(const NodeValue &in) {
  FailureOr<Param> theta = neuronParam("threshold", in.shape);
  if (failed(theta))
    return failure();
  // z = [x > theta] (strict, as every NIR neuron fires).
  auto type = cast<RankedTensorType>(in.value.getType());
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> neuronDims;
  for (int64_t d = 1; d < rank; ++d)
    neuronDims.push_back(b.getAffineDimExpr(d));
  Value thresholds =
      constant(in.shape, theta->values.size() == 1
                             ? std::vector<double>(type.getNumElements() /
                                                       type.getDimSize(0),
                                                   theta->values[0])
                             : theta->values);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap neuronMap = AffineMap::get(rank, 0, neuronDims, b.getContext());
  Value init = b.create<tensor::EmptyOp>(loc, type.getShape(), b.getF32Type());
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{type}, ValueRange{in.value, thresholds}, ValueRange{init},
      ArrayRef<AffineMap>{identity, neuronMap, identity},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value fire = nb.create<arith::CmpFOp>(l, arith::CmpFPredicate::OGT,
                                              args[0], args[1]);
        Value one = nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(1.0f));
        Value zero = nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(0.0f));
        nb.create<linalg::YieldOp>(
            l, nb.create<arith::SelectOp>(l, fire, one, zero).getResult());
      });
  return NodeValue{generic.getResult(0), in.shape};
}
