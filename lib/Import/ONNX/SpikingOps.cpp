//===- SpikingOps.cpp - ai.qsnn::LIF and BatchNormalization ---------------===//
//
// LIF attributes are validated here, with the node in the message, rather
// than left to the qsnn.lif verifier: a model with a bad value should say
// which node and which attribute.
//
//===----------------------------------------------------------------------===//
#include "IRBuilders.h"
#include "Importer.h"

#include <onnx/onnx_pb.h>

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

LogicalResult importLIF(Importer &imp) {
  FailureOr<Value> input = imp.runtimeInput(0);
  if (failed(input))
    return failure();
  std::optional<int64_t> metaSteps = imp.timeSteps();
  int64_t steps = metaSteps.value_or(0), bits = 0;
  float tau = 0.5f, threshold = 1.0f, alpha = 0.0f;
  std::string levels = "signed", fireOn = "full", reset = "hard";
  if (failed(imp.getAttr("time_steps", steps)) ||
      failed(imp.getAttr("membrane_bits", bits)) ||
      failed(imp.getAttr("tau", tau)) ||
      failed(imp.getAttr("threshold", threshold)) ||
      failed(imp.getAttr("alpha_u", alpha)) ||
      failed(imp.getAttr("levels", levels)) ||
      failed(imp.getAttr("fire_on", fireOn)) ||
      failed(imp.getAttr("reset", reset)))
    return failure();
  if (!imp.findAttr("time_steps") && !metaSteps)
    return imp.error() << "time_steps is missing: no attribute and no "
                          "qsnn.time_steps metadata";
  if (steps < 1)
    return imp.error() << "time_steps=" << steps << " must be positive";
  if (metaSteps && steps != *metaSteps)
    return imp.error() << "time_steps=" << steps
                       << " differs from the model's qsnn.time_steps="
                       << *metaSteps;
  if (!imp.findAttr("membrane_bits"))
    return imp.error() << "attribute 'membrane_bits' is required";
  if (bits != 2 && bits != 4 && bits != 8 && bits != 32)
    return imp.error() << "membrane_bits=" << bits
                       << " is not supported (2, 4, 8, or 32 for unquantized)";
  if (!(tau > 0.0f && tau <= 1.0f))
    return imp.error() << "tau=" << formatNumber(tau) << " must be in (0, 1]";
  if (!(threshold > 0.0f) || !std::isfinite(threshold))
    return imp.error() << "threshold=" << formatNumber(threshold)
                       << " must be positive and finite";
  std::optional<Levels> levelsValue = symbolizeLevels(levels);
  if (!levelsValue)
    return imp.error() << "levels='" << levels
                       << "' is not supported (signed, paper)";
  std::optional<FireOn> fireOnValue = symbolizeFireOn(fireOn);
  if (!fireOnValue)
    return imp.error() << "fire_on='" << fireOn
                       << "' is not supported (full, quantized)";
  if (reset != "hard")
    return imp.error() << "reset='" << reset
                       << "' is not supported (only hard)";
  bool hasAlpha = imp.findAttr("alpha_u") != nullptr;
  if (bits < 32 && !hasAlpha)
    return imp.error() << "alpha_u is missing: membrane_bits=" << bits
                       << " needs the trained membrane range alpha_u";
  if (hasAlpha && (!(alpha > 0.0f) || !std::isfinite(alpha)))
    return imp.error() << "alpha_u=" << formatNumber(alpha)
                       << " must be positive and finite";
  ArrayRef<int64_t> shape = shapeOf(*input);
  if (shape.empty() || shape[0] % steps != 0)
    return imp.error() << "input shape " << formatShape(shape)
                       << " has no leading dimension divisible by time_steps="
                       << steps;
  OpBuilder &b = imp.builder();
  MLIRContext *context = imp.getContext();
  auto lif = b.create<LIFOp>(
      imp.loc(), input->getType(), *input, b.getI64IntegerAttr(steps),
      b.getF64FloatAttr(widenFloat(tau)),
      b.getF64FloatAttr(widenFloat(threshold)), b.getI64IntegerAttr(bits),
      LevelsAttr::get(context, *levelsValue),
      FireOnAttr::get(context, *fireOnValue),
      hasAlpha ? b.getF64FloatAttr(widenFloat(alpha)) : FloatAttr(),
      ResetAttr::get(context, Reset::Hard), /*v_reset=*/b.getF64FloatAttr(0.0),
      /*strict=*/b.getBoolAttr(false), /*emit_membrane=*/b.getBoolAttr(false));
  return imp.setOutput(0, lif);
}

/// A constant variance must leave var + epsilon > 0 in every channel, or
/// the normalization divides by the square root of a non-positive number.
LogicalResult checkVariance(Importer &imp, float epsilon) {
  if (!imp.input(4).isConstant() || imp.input(4).dtype != kFloat)
    return success();
  FailureOr<SmallVector<float>> variance =
      imp.floatConstantInput(4, "variance");
  if (failed(variance))
    return failure();
  for (auto [channel, value] : llvm::enumerate(*variance))
    if (!(value + epsilon > 0.0f))
      return imp.error() << "variance '" << imp.inputName(4) << "' is "
                         << formatNumber(value) << " in channel " << channel
                         << "; var + epsilon must be positive";
  return success();
}

LogicalResult importBatchNorm(Importer &imp) {
  for (unsigned i = 1; i < imp.numOutputs(); ++i)
    if (!imp.node().output(i).empty())
      return imp.error() << "training-mode outputs (running mean/variance) "
                            "are not supported; export the model in eval mode";
  // BatchNormalization-1 and -6 run in training mode (batch statistics)
  // unless is_test is nonzero; consumed_inputs of version 1 is an in-place
  // hint without effect on the result.
  int64_t trainingMode = 0, spatial = 1, isTest = 0;
  float epsilon = 1e-5f;
  if (failed(imp.getAttr("training_mode", trainingMode)) ||
      failed(imp.getAttr("is_test", isTest)) ||
      failed(imp.getAttr("spatial", spatial)) ||
      failed(imp.getAttr("epsilon", epsilon)))
    return failure();
  if (trainingMode != 0)
    return imp.error() << "training_mode=1 is not supported (inference only)";
  if (imp.opVersion() < 7 && isTest == 0)
    return imp.error() << imp.versionedOp()
                       << " without is_test=1 normalizes with batch "
                          "statistics (training mode), which is not "
                          "supported (inference only)";
  if (spatial != 1)
    return imp.error() << "spatial=0 is not supported";
  if (imp.numInputs() != 5)
    return imp.error() << "expects inputs X, scale, B, mean and var";
  if (!(epsilon > 0.0f))
    return imp.error() << "epsilon=" << formatNumber(epsilon)
                       << " must be positive";
  ArrayRef<int64_t> x = imp.input(0).shape;
  if (x.size() != 2 && x.size() != 4)
    return imp.error() << "only rank-2 and rank-4 inputs are supported, got "
                          "rank "
                       << x.size();
  if (failed(checkVariance(imp, epsilon)))
    return failure();
  SmallVector<Value, 5> operands;
  for (unsigned i = 0; i < 5; ++i) {
    if (i > 0 && imp.input(i).shape != SmallVector<int64_t>{x[1]})
      return imp.error() << "'" << imp.inputName(i) << "' must have shape ["
                         << x[1] << "], got "
                         << formatShape(imp.input(i).shape);
    FailureOr<Value> value = imp.runtimeInput(i);
    if (failed(value))
      return failure();
    operands.push_back(*value);
  }
  OpBuilder &b = imp.builder();
  auto bn = b.create<BatchNormOp>(
      imp.loc(), operands[0].getType(), operands[0], operands[1], operands[2],
      operands[3], operands[4], b.getF64FloatAttr(widenFloat(epsilon)));
  return imp.setOutput(0, bn);
}

} // namespace

void onnx_import::registerSpikingOps(OpTable &table) {
  table["ai.qsnn::LIF"] = {importLIF,
                           {{"time_steps"},
                            {"tau"},
                            {"threshold"},
                            {"membrane_bits"},
                            {"levels"},
                            {"fire_on"},
                            {"alpha_u"},
                            {"reset"}}};
  table["::BatchNormalization"] = {importBatchNorm,
                                   {{"consumed_inputs", 1, 6},
                                    {"epsilon"},
                                    {"is_test", 1, 7},
                                    {"momentum"},
                                    {"spatial", 1, 9},
                                    {"training_mode", 14}},
                                   /*minInputs=*/5,
                                   /*maxInputs=*/5,
                                   /*maxOutputs=*/5};
}
