//===- ConvPoolOps.cpp - Conv, AveragePool, MaxPool, GlobalAveragePool ----===//
//
// 2-D only (NCHW). ONNX padding, including auto_pad, is resolved here to the
// explicit [top, left, bottom, right] the qsnn ops take; pads use that same
// order in ONNX ([x1_begin, x2_begin, x1_end, x2_end]).
//
//===----------------------------------------------------------------------===//
#include "IRBuilders.h"
#include "Importer.h"
#include "QuantizedWeights.h"

#include "qsnn/Dialect/QSNN/QSNNShapes.h"

#include <onnx/onnx_pb.h>

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

/// Spatial window attributes shared by Conv and the pools.
struct Window {
  SmallVector<int64_t> kernel, strides{1, 1}, dilations{1, 1}, pads;
  SmallVector<int64_t> outputHW;
};

LogicalResult expectPair(Importer &imp, llvm::StringRef name,
                         ArrayRef<int64_t> values) {
  if (values.size() != 2 ||
      llvm::any_of(values, [](int64_t v) { return v < 1; }))
    return imp.error() << "attribute '" << name
                       << "' must hold 2 positive values, got "
                       << formatShape(values);
  return success();
}

/// Reads strides/pads/auto_pad (kernel and dilations already set) and
/// computes the output extent of H and W.
LogicalResult resolveWindow(Importer &imp, ArrayRef<int64_t> inputHW,
                            bool ceilMode, Window &w) {
  std::string autoPad = "NOTSET";
  if (failed(imp.getAttr("strides", w.strides)) ||
      failed(imp.getAttr("auto_pad", autoPad)) ||
      failed(expectPair(imp, "kernel_shape", w.kernel)) ||
      failed(expectPair(imp, "strides", w.strides)) ||
      failed(expectPair(imp, "dilations", w.dilations)))
    return failure();
  bool hasPads = imp.findAttr("pads") != nullptr;
  if (autoPad == "NOTSET") {
    w.pads.assign(4, 0);
    if (failed(imp.getAttr("pads", w.pads)))
      return failure();
    if (w.pads.size() != 4 ||
        llvm::any_of(w.pads, [](int64_t p) { return p < 0; }))
      return imp.error() << "attribute 'pads' must hold 4 non-negative values "
                            "[top, left, bottom, right], got "
                         << formatShape(w.pads);
  } else if (autoPad == "VALID" || autoPad == "SAME_UPPER" ||
             autoPad == "SAME_LOWER") {
    if (hasPads)
      return imp.error() << "attribute 'pads' cannot be combined with auto_pad="
                         << autoPad;
    w.pads.assign(4, 0);
    if (autoPad != "VALID") {
      for (int d = 0; d < 2; ++d) {
        int64_t out = (inputHW[d] + w.strides[d] - 1) / w.strides[d];
        int64_t extent = (w.kernel[d] - 1) * w.dilations[d] + 1;
        int64_t total = std::max<int64_t>(0, (out - 1) * w.strides[d] + extent -
                                                 inputHW[d]);
        int64_t small = total / 2, large = total - small;
        w.pads[d] = autoPad == "SAME_UPPER" ? small : large;
        w.pads[d + 2] = autoPad == "SAME_UPPER" ? large : small;
      }
    }
  } else {
    return imp.error() << "auto_pad '" << autoPad
                       << "' is not supported (NOTSET, VALID, SAME_UPPER, "
                          "SAME_LOWER)";
  }
  for (int d = 0; d < 2; ++d) {
    int64_t out =
        windowOutputSize(inputHW[d], w.kernel[d], w.strides[d], w.pads[d],
                         w.pads[d + 2], w.dilations[d], ceilMode);
    if (out < 1)
      return imp.error() << "window of extent "
                         << (w.kernel[d] - 1) * w.dilations[d] + 1
                         << " does not fit spatial dimension " << d + 2
                         << " of size " << inputHW[d] << " with padding "
                         << w.pads[d] << "+" << w.pads[d + 2];
    w.outputHW.push_back(out);
  }
  return success();
}

/// The rank-4 float input of a 2-D window op.
FailureOr<Value> spatialInput(Importer &imp, llvm::StringRef what) {
  TensorInfo &info = imp.input(0);
  if (info.shape.size() != 4)
    return imp.error() << "only 2-D " << what
                       << " (rank-4 N,C,H,W input) is "
                          "supported, got rank "
                       << info.shape.size();
  return imp.runtimeInput(0);
}

LogicalResult importConv(Importer &imp) {
  if (imp.numInputs() < 2)
    return imp.error() << "expects inputs X and W";
  FailureOr<Value> input = spatialInput(imp, "convolution");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> x = shapeOf(*input);
  ArrayRef<int64_t> w = imp.input(1).shape;
  if (w.size() != 4)
    return imp.error() << "weight '" << imp.inputName(1)
                       << "' must have rank 4 [O, I/group, KH, KW], got rank "
                       << w.size();
  Window window;
  window.kernel.assign(w.begin() + 2, w.end());
  int64_t group = 1;
  SmallVector<int64_t> kernel;
  if (failed(imp.getAttr("group", group)) ||
      failed(imp.getAttr("dilations", window.dilations)) ||
      failed(imp.getAttr("kernel_shape", kernel)))
    return failure();
  if (!kernel.empty() &&
      ArrayRef<int64_t>(kernel) != ArrayRef<int64_t>(window.kernel))
    return imp.error() << "kernel_shape " << formatShape(kernel)
                       << " differs from the weight's "
                       << formatShape(window.kernel);
  if (group < 1)
    return imp.error() << "group=" << group << " must be positive";
  if (x[1] % group != 0)
    return imp.error() << "group=" << group << " does not divide " << x[1]
                       << " input channels";
  if (w[0] % group != 0)
    return imp.error() << "group=" << group << " does not divide " << w[0]
                       << " output channels";
  if (w[1] * group != x[1])
    return imp.error() << "input has " << x[1] << " channels but the weight "
                       << "expects " << w[1] << " x group " << group;
  if (failed(resolveWindow(imp, x.drop_front(2), /*ceilMode=*/false, window)))
    return failure();

  FailureOr<SynapticWeight> weight = readSynapticWeight(imp, 1, /*axis=*/0);
  if (failed(weight))
    return failure();
  OpBuilder &b = imp.builder();
  Value weightValue = weight->weight
                          ? weight->weight
                          : imp.constant(weight->constant, imp.inputName(1));
  Value scale;
  if (weight->quant != WeightQuant::Float)
    scale = imp.constant(
        DenseElementsAttr::get(RankedTensorType::get({w[0]}, b.getF32Type()),
                               llvm::ArrayRef(weight->scale)),
        imp.inputName(1) + "_scale");
  Value bias;
  if (imp.hasInput(2)) {
    if (imp.input(2).shape != SmallVector<int64_t>{w[0]})
      return imp.error() << "bias '" << imp.inputName(2)
                         << "' must have shape [" << w[0] << "], got "
                         << formatShape(imp.input(2).shape);
    FailureOr<Value> biasValue = imp.runtimeInput(2);
    if (failed(biasValue))
      return failure();
    bias = *biasValue;
  }
  auto type = tensorType(b.getF32Type(),
                         {x[0], w[0], window.outputHW[0], window.outputHW[1]});
  auto conv = b.create<Conv2DOp>(
      imp.loc(), type, *input, weightValue, scale, bias,
      WeightQuantAttr::get(imp.getContext(), weight->quant),
      b.getDenseI64ArrayAttr(window.strides),
      b.getDenseI64ArrayAttr(window.pads),
      b.getDenseI64ArrayAttr(window.dilations), b.getI64IntegerAttr(group));
  return imp.setOutput(0, conv);
}

/// Reads the pooling window common to AveragePool and MaxPool.
LogicalResult poolWindow(Importer &imp, ArrayRef<int64_t> x, Window &window,
                         int64_t &ceilMode) {
  if (!imp.findAttr("kernel_shape"))
    return imp.error() << "attribute 'kernel_shape' is required";
  if (failed(imp.getAttr("kernel_shape", window.kernel)) ||
      failed(imp.getAttr("ceil_mode", ceilMode)))
    return failure();
  return resolveWindow(imp, x.drop_front(2), ceilMode != 0, window);
}

/// [N, C, OH, OW] f32: the result of pooling `input` over `window`.
RankedTensorType poolType(OpBuilder &b, Value input, const Window &window) {
  ArrayRef<int64_t> x = shapeOf(input);
  return tensorType(b.getF32Type(),
                    {x[0], x[1], window.outputHW[0], window.outputHW[1]});
}

LogicalResult importAveragePool(Importer &imp) {
  FailureOr<Value> input = spatialInput(imp, "pooling");
  if (failed(input))
    return failure();
  Window window;
  int64_t ceilMode = 0, countIncludePad = 0;
  if (failed(imp.getAttr("count_include_pad", countIncludePad)) ||
      failed(poolWindow(imp, shapeOf(*input), window, ceilMode)))
    return failure();
  OpBuilder &b = imp.builder();
  auto pool = b.create<AvgPool2DOp>(
      imp.loc(), poolType(b, *input, window), *input,
      b.getDenseI64ArrayAttr(window.kernel),
      b.getDenseI64ArrayAttr(window.strides),
      b.getDenseI64ArrayAttr(window.pads), b.getBoolAttr(ceilMode != 0),
      b.getBoolAttr(countIncludePad != 0));
  return imp.setOutput(0, pool);
}

LogicalResult importMaxPool(Importer &imp) {
  if (imp.numOutputs() > 1 && !imp.node().output(1).empty())
    return imp.error() << "the Indices output of MaxPool is not supported";
  FailureOr<Value> input = spatialInput(imp, "pooling");
  if (failed(input))
    return failure();
  Window window;
  int64_t ceilMode = 0, storageOrder = 0;
  if (failed(imp.getAttr("dilations", window.dilations)) ||
      failed(imp.getAttr("storage_order", storageOrder)))
    return failure();
  if (llvm::any_of(window.dilations, [](int64_t d) { return d != 1; }))
    return imp.error() << "dilations " << formatShape(window.dilations)
                       << " are not supported (only 1)";
  if (storageOrder != 0)
    return imp.error() << "storage_order=" << storageOrder
                       << " is not supported (only 0, row major)";
  if (failed(poolWindow(imp, shapeOf(*input), window, ceilMode)))
    return failure();
  OpBuilder &b = imp.builder();
  auto pool = b.create<MaxPool2DOp>(
      imp.loc(), poolType(b, *input, window), *input,
      b.getDenseI64ArrayAttr(window.kernel),
      b.getDenseI64ArrayAttr(window.strides),
      b.getDenseI64ArrayAttr(window.pads), b.getBoolAttr(ceilMode != 0));
  return imp.setOutput(0, pool);
}

LogicalResult importGlobalAveragePool(Importer &imp) {
  FailureOr<Value> input = spatialInput(imp, "pooling");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> x = shapeOf(*input);
  OpBuilder &b = imp.builder();
  auto type = tensorType(b.getF32Type(), {x[0], x[1], 1, 1});
  return imp.setOutput(0, b.create<GlobalAvgPoolOp>(imp.loc(), type, *input));
}

} // namespace

void onnx_import::registerConvPoolOps(OpTable &table) {
  table["::Conv"] = {importConv,
                     {{"auto_pad"},
                      {"dilations"},
                      {"group"},
                      {"kernel_shape"},
                      {"pads"},
                      {"strides"}},
                     /*minInputs=*/2,
                     /*maxInputs=*/3};
  table["::AveragePool"] = {importAveragePool,
                            {{"auto_pad"},
                             {"ceil_mode", 10},
                             {"count_include_pad", 7},
                             {"kernel_shape"},
                             {"pads"},
                             {"strides"}}};
  table["::MaxPool"] = {importMaxPool,
                        {{"auto_pad"},
                         {"ceil_mode", 10},
                         {"dilations", 10},
                         {"kernel_shape"},
                         {"pads"},
                         {"storage_order", 8},
                         {"strides"}},
                        /*minInputs=*/1,
                        /*maxInputs=*/1,
                        /*maxOutputs=*/2};
  table["::GlobalAveragePool"] = {importGlobalAveragePool, {}};
}
