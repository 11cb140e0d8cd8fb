//===- SchemaPatterns.cpp - ai.qsnn schema idioms to qsnn ops -------------===//
#include "SchemaPatterns.h"
#include "IRBuilders.h"

#include <onnx/onnx_pb.h>

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

/// The values of a constant that varies only along dimension 1 of a rank
/// `rank` tensor with `channels` channels, one per channel; nullopt when the
/// constant is not of that form (or not a plain float constant).
static FailureOr<std::optional<SmallVector<float>>>
perChannelValues(Importer &imp, llvm::StringRef name, int64_t rank,
                 int64_t channels) {
  TensorInfo *info = imp.lookup(name);
  if (!info || info->quant || (!info->proto && !info->constant) ||
      info->dtype != kFloat)
    return std::optional<SmallVector<float>>();
  ArrayRef<int64_t> shape = info->shape;
  int64_t offset = rank - static_cast<int64_t>(shape.size());
  if (offset < 0)
    return std::optional<SmallVector<float>>();
  for (auto [d, extent] : llvm::enumerate(shape))
    if (extent != 1 &&
        !(static_cast<int64_t>(d) + offset == 1 && extent == channels))
      return std::optional<SmallVector<float>>();
  FailureOr<DenseElementsAttr> attr = imp.constantValue(*info, name);
  if (failed(attr))
    return failure();
  auto values = llvm::to_vector(attr->getValues<float>());
  if (values.size() == 1)
    values.assign(channels, values.front());
  return std::optional<SmallVector<float>>(std::move(values));
}

static bool isStandardNode(const onnx::NodeProto *node, llvm::StringRef op) {
  return node && node->op_type() == op &&
         (node->domain().empty() || node->domain() == "ai.onnx");
}

FailureOr<bool> onnx_import::matchNormalize(Importer &imp) {
  for (unsigned side = 0; side < 2; ++side) {
    const onnx::NodeProto *sub = imp.producerOf(imp.inputName(side));
    if (!isStandardNode(sub, "Sub") || sub->input_size() != 2)
      continue;
    const onnx::NodeProto *cast = imp.producerOf(sub->input(0));
    if (!isStandardNode(cast, "Cast"))
      continue;
    bool toFloat = llvm::any_of(cast->attribute(), [](const auto &attr) {
      return attr.name() == "to" && attr.i() == kFloat;
    });
    TensorInfo *pixels = imp.lookup(cast->input(0));
    if (!toFloat || !pixels || pixels->dtype != kUInt8 || !pixels->value ||
        pixels->shape.size() < 2)
      continue;
    int64_t rank = pixels->shape.size(), channels = pixels->shape[1];
    auto zeroPoint = perChannelValues(imp, sub->input(1), rank, channels);
    if (failed(zeroPoint))
      return failure();
    auto scale = perChannelValues(imp, imp.inputName(1 - side), rank, channels);
    if (failed(scale))
      return failure();
    if (!*zeroPoint || !*scale)
      continue;
    // An integer zero point keeps the first layer on integer pixel sums
    // (docs/spec.md §4); anything else stays plain float arithmetic.
    SmallVector<int64_t> zp;
    for (float z : **zeroPoint) {
      if (std::nearbyint(z) != z)
        return false;
      zp.push_back(static_cast<int64_t>(z));
    }
    SmallVector<double> sc;
    for (float s : **scale) {
      if (!std::isfinite(s) || s == 0.0f)
        return false;
      sc.push_back(widenFloat(s));
    }
    OpBuilder &b = imp.builder();
    // qsnn.normalize reads the uint8 pixels themselves, not the i8 view.
    Value raw = unsignedBytes(b, imp.loc(), pixels->value);
    auto normalize = b.create<NormalizeOp>(
        imp.loc(), tensorType(b.getF32Type(), pixels->shape), raw,
        b.getDenseI64ArrayAttr(zp), b.getDenseF64ArrayAttr(sc));
    if (failed(imp.setOutput(0, normalize)))
      return failure();
    return true;
  }
  return false;
}

/// Emits qsnn.encode of `source` (f32, [N, ...]) repeated `steps` times.
static FailureOr<bool> emitEncode(Importer &imp, Value source, int64_t steps) {
  OpBuilder &b = imp.builder();
  SmallVector<int64_t> shape(shapeOf(source));
  shape[0] *= steps;
  auto encode = b.create<EncodeOp>(imp.loc(), tensorType(b.getF32Type(), shape),
                                   source, b.getI64IntegerAttr(steps));
  if (failed(imp.setOutput(0, encode)))
    return failure();
  return true;
}

FailureOr<bool> onnx_import::matchEncodeTile(Importer &imp,
                                             ArrayRef<int64_t> repeats) {
  std::optional<int64_t> steps = imp.timeSteps();
  if (!steps || repeats.empty() || repeats[0] != *steps ||
      imp.input(0).dtype != kFloat ||
      llvm::any_of(repeats.drop_front(), [](int64_t r) { return r != 1; }))
    return false;
  FailureOr<Value> input = imp.runtimeInput(0);
  if (failed(input))
    return failure();
  return emitEncode(imp, *input, *steps);
}

FailureOr<bool> onnx_import::matchEncodeConcat(Importer &imp, int64_t axis) {
  std::optional<int64_t> steps = imp.timeSteps();
  if (!steps || axis != 0 || imp.numInputs() != *steps ||
      imp.input(0).dtype != kFloat)
    return false;
  for (unsigned i = 1; i < imp.numInputs(); ++i)
    if (imp.inputName(i) != imp.inputName(0))
      return false;
  FailureOr<Value> input = imp.runtimeInput(0);
  if (failed(input))
    return failure();
  return emitEncode(imp, *input, *steps);
}

FailureOr<bool> onnx_import::matchEncodeExpand(Importer &imp,
                                               ArrayRef<int64_t> shape) {
  std::optional<int64_t> steps = imp.timeSteps();
  const onnx::NodeProto *expand = imp.producerOf(imp.inputName(0));
  if (!steps || !isStandardNode(expand, "Expand"))
    return false;
  TensorInfo *repeated = imp.lookup(expand->output(0));
  TensorInfo *single = imp.lookup(expand->input(0));
  if (!repeated || !single || single->dtype != kFloat || !single->value ||
      repeated->shape.size() < 2 ||
      single->shape.size() != repeated->shape.size())
    return false;
  // [1, N, ...] -> [T, N, ...] -> [T*N, ...].
  ArrayRef<int64_t> rest = ArrayRef<int64_t>(repeated->shape).drop_front();
  if (repeated->shape[0] != *steps || single->shape[0] != 1 ||
      ArrayRef<int64_t>(single->shape).drop_front() != rest ||
      shape.size() != rest.size() || shape[0] != *steps * rest[0] ||
      shape.drop_front() != rest.drop_front())
    return false;
  // Prefer the tensor that was unsqueezed into [1, N, ...] over undoing it.
  Value source;
  const onnx::NodeProto *lift = imp.producerOf(expand->input(0));
  if (lift &&
      (isStandardNode(lift, "Unsqueeze") || isStandardNode(lift, "Reshape")))
    if (TensorInfo *x = imp.lookup(lift->input(0));
        x && x->value && ArrayRef<int64_t>(x->shape) == rest)
      source = x->value;
  if (!source)
    source = reshapeTo(imp.builder(), imp.loc(), single->value, rest);
  return emitEncode(imp, source, *steps);
}

FailureOr<bool> onnx_import::matchReadout(Importer &imp, ArrayRef<int64_t> axes,
                                          int64_t keepDims) {
  const onnx::NodeProto *reshape = imp.producerOf(imp.inputName(0));
  if (keepDims != 0 || axes != ArrayRef<int64_t>{0} ||
      !isStandardNode(reshape, "Reshape"))
    return false;
  TensorInfo *merged = imp.lookup(reshape->input(0));
  ArrayRef<int64_t> split = imp.input(0).shape;
  if (!merged || merged->dtype != kFloat || !merged->value ||
      merged->shape.size() != 2 || split.size() != 3 ||
      split[0] * split[1] != merged->shape[0] || split[2] != merged->shape[1])
    return false;
  int64_t steps = split[0];
  if (imp.timeSteps() && *imp.timeSteps() != steps)
    return false;
  OpBuilder &b = imp.builder();
  auto readout = b.create<ReadoutOp>(
      imp.loc(), tensorType(b.getF32Type(), {split[1], split[2]}),
      merged->value, b.getI64IntegerAttr(steps));
  if (failed(imp.setOutput(0, readout)))
    return failure();
  return true;
}
