//===- ElementwiseOps.cpp - Add/Sub/Mul/Div/Relu/Clip/Cast/Identity/Constant -//
//
// Arithmetic with numpy broadcasting becomes one linalg.generic whose
// indexing maps do the broadcast; uint8 operands compute on an i8 view
// (wrap-around arithmetic, unsigned division) and are bitcast back.
//
//===----------------------------------------------------------------------===//
#include "IRBuilders.h"
#include "Importer.h"
#include "SchemaPatterns.h"

#include <onnx/onnx_pb.h>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/STLExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

enum class BinaryKind { Add, Sub, Mul, Div };

Value binaryScalar(OpBuilder &b, Location loc, BinaryKind kind, Value lhs,
                   Value rhs) {
  bool isFloat = isa<FloatType>(lhs.getType());
  switch (kind) {
  case BinaryKind::Add:
    return isFloat ? b.create<arith::AddFOp>(loc, lhs, rhs).getResult()
                   : b.create<arith::AddIOp>(loc, lhs, rhs).getResult();
  case BinaryKind::Sub:
    return isFloat ? b.create<arith::SubFOp>(loc, lhs, rhs).getResult()
                   : b.create<arith::SubIOp>(loc, lhs, rhs).getResult();
  case BinaryKind::Mul:
    return isFloat ? b.create<arith::MulFOp>(loc, lhs, rhs).getResult()
                   : b.create<arith::MulIOp>(loc, lhs, rhs).getResult();
  case BinaryKind::Div:
    return isFloat ? b.create<arith::DivFOp>(loc, lhs, rhs).getResult()
                   : b.create<arith::DivUIOp>(loc, lhs, rhs).getResult();
  }
  llvm_unreachable("binary kind");
}

/// Add/Sub/Mul/Div-1 and -6 broadcast only with broadcast=1, and then only
/// B to A, with B's dimensions aligned to A's from `axis` (default: the
/// trailing ones). Returns the shape B takes so that numpy broadcasting
/// computes the same: B followed by the ones after its aligned dimensions.
FailureOr<SmallVector<int64_t>>
legacyBroadcast(Importer &imp, ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  int64_t broadcast = 0;
  int64_t rankA = a.size(), rankB = b.size(), axis = rankA - rankB;
  if (failed(imp.getAttr("broadcast", broadcast)) ||
      failed(imp.getAttr("axis", axis)))
    return failure();
  if (!broadcast) {
    if (a != b)
      return imp.error() << "input shapes " << formatShape(a) << " and "
                         << formatShape(b) << " differ: " << imp.versionedOp()
                         << " broadcasts only with broadcast=1";
    return SmallVector<int64_t>(b);
  }
  if (axis < 0 || axis + rankB > rankA)
    return imp.error() << "B of shape " << formatShape(b)
                       << " cannot be aligned to A of shape " << formatShape(a)
                       << " at axis " << axis;
  for (int64_t d = 0; d < rankB; ++d)
    if (b[d] != 1 && b[d] != a[axis + d])
      return imp.error() << "B of shape " << formatShape(b)
                         << " does not broadcast to A of shape "
                         << formatShape(a) << " at axis " << axis;
  SmallVector<int64_t> aligned(b);
  aligned.append(rankA - axis - rankB, 1);
  return aligned;
}

template <BinaryKind Kind> LogicalResult importBinary(Importer &imp) {
  if (imp.numInputs() != 2 || !imp.hasInput(0) || !imp.hasInput(1))
    return imp.error() << "expects 2 inputs";
  TensorInfo &lhsInfo = imp.input(0), &rhsInfo = imp.input(1);
  SmallVector<int64_t> rhsShape(rhsInfo.shape);
  if (imp.opVersion() < 7) {
    FailureOr<SmallVector<int64_t>> aligned =
        legacyBroadcast(imp, lhsInfo.shape, rhsInfo.shape);
    if (failed(aligned))
      return failure();
    rhsShape = std::move(*aligned);
  }
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes(lhsInfo.shape, rhsShape);
  if (!shape)
    return imp.error() << "input shapes " << formatShape(lhsInfo.shape)
                       << " and " << formatShape(rhsInfo.shape)
                       << " do not broadcast";
  // The normalize idiom is numpy-broadcast Sub/Mul (version 7 and later).
  if (Kind == BinaryKind::Mul && imp.opVersion() >= 7) {
    FailureOr<bool> fused = matchNormalize(imp);
    if (failed(fused))
      return failure();
    if (*fused)
      return success();
  }
  FailureOr<Value> lhs = imp.runtimeInput(0, /*allowUInt8=*/true);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = imp.runtimeInput(1, /*allowUInt8=*/true);
  if (failed(rhs))
    return failure();
  if (lhsInfo.dtype != rhsInfo.dtype)
    return imp.error() << "inputs have different dtypes "
                       << dtypeName(lhsInfo.dtype) << " and "
                       << dtypeName(rhsInfo.dtype);
  OpBuilder &b = imp.builder();
  Type element = cast<RankedTensorType>(lhs->getType()).getElementType();
  if (Kind == BinaryKind::Add && element.isF32() &&
      lhsInfo.shape == rhsInfo.shape)
    return imp.setOutput(
        0, b.create<AddOp>(imp.loc(), lhs->getType(), *lhs, *rhs));
  Value l = *lhs, r = *rhs;
  if (ArrayRef<int64_t>(rhsShape) != shapeOf(r))
    r = reshapeTo(b, imp.loc(), r, rhsShape);
  Value result = broadcastGeneric(
      b, imp.loc(), {l, r}, *shape, getElementTypeOrSelf(l.getType()),
      [](OpBuilder &nb, Location loc, ValueRange args) {
        return binaryScalar(nb, loc, Kind, args[0], args[1]);
      });
  return imp.setOutput(0, result);
}

/// Elementwise min/max clamp of a float tensor; NaN bounds mean "none".
LogicalResult clampTo(Importer &imp, Value input, float lo, float hi) {
  OpBuilder &b = imp.builder();
  Value result = broadcastGeneric(
      b, imp.loc(), {input}, shapeOf(input), b.getF32Type(),
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        Value x = args[0];
        if (lo > -std::numeric_limits<float>::infinity())
          x = nb.create<arith::MaximumFOp>(
              loc, x,
              nb.create<arith::ConstantOp>(loc, nb.getF32FloatAttr(lo)));
        if (hi < std::numeric_limits<float>::infinity())
          x = nb.create<arith::MinimumFOp>(
              loc, x,
              nb.create<arith::ConstantOp>(loc, nb.getF32FloatAttr(hi)));
        return x;
      });
  return imp.setOutput(0, result);
}

LogicalResult importRelu(Importer &imp) {
  FailureOr<Value> input = imp.runtimeInput(0);
  if (failed(input))
    return failure();
  return clampTo(imp, *input, 0.0f, std::numeric_limits<float>::infinity());
}

/// Clip-1 and -6 take min/max as attributes, Clip-11 and later as optional
/// scalar constant inputs.
LogicalResult importClip(Importer &imp) {
  FailureOr<Value> input = imp.runtimeInput(0);
  if (failed(input))
    return failure();
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  if (imp.opVersion() < 11) {
    if (failed(imp.getAttr("min", lo)) || failed(imp.getAttr("max", hi)))
      return failure();
  } else {
    for (auto [index, bound] :
         {std::pair<unsigned, float *>{1, &lo}, {2, &hi}}) {
      if (!imp.hasInput(index))
        continue;
      FailureOr<SmallVector<float>> value =
          imp.floatConstantInput(index, index == 1 ? "min" : "max");
      if (failed(value))
        return failure();
      if (value->size() != 1)
        return imp.error() << (index == 1 ? "min" : "max")
                           << " must be a scalar";
      *bound = value->front();
    }
  }
  return clampTo(imp, *input, lo, hi);
}

LogicalResult importCast(Importer &imp) {
  if (!imp.findAttr("to"))
    return imp.error() << "attribute 'to' is required";
  int64_t to = kUndefined;
  if (imp.opVersion() < 6) {
    // Cast-1 names the type: "FLOAT", "UINT8", ...
    std::string name;
    if (failed(imp.getAttr("to", name)))
      return failure();
    onnx::TensorProto::DataType parsed;
    if (!onnx::TensorProto::DataType_Parse(name, &parsed))
      return imp.error() << "attribute 'to' names no ONNX data type: '" << name
                         << "'";
    to = parsed;
  } else if (failed(imp.getAttr("to", to))) {
    return failure();
  }
  TensorInfo &in = imp.input(0);
  if (to == in.dtype)
    return imp.forwardInput(0, 0);
  bool toFloat = to == kFloat && in.dtype == kUInt8;
  bool toUInt8 = to == kUInt8 && in.dtype == kFloat;
  if (!toFloat && !toUInt8)
    return imp.error() << "unsupported dtype: Cast of '" << imp.inputName(0)
                       << "' from " << dtypeName(in.dtype) << " to "
                       << dtypeName(to) << " (supported: uint8 <-> float32)";
  FailureOr<Value> input = imp.runtimeInput(0, /*allowUInt8=*/true);
  if (failed(input))
    return failure();
  OpBuilder &b = imp.builder();
  if (toFloat) {
    // Counts (event frames, raw pixels): an op the integer form reads.
    Value bytes = unsignedBytes(b, imp.loc(), *input);
    return imp.setOutput(0, b.create<CountsOp>(imp.loc(), bytes));
  }
  Type i8 = b.getI8Type();
  Value result = broadcastGeneric(
      b, imp.loc(), {*input}, shapeOf(*input), i8,
      [&](OpBuilder &nb, Location loc, ValueRange args) -> Value {
        return nb.create<arith::FPToUIOp>(loc, i8, args[0]);
      });
  return imp.setOutput(0, result);
}

LogicalResult importIdentity(Importer &imp) { return imp.forwardInput(0, 0); }

LogicalResult importConstant(Importer &imp) {
  if (imp.node().attribute_size() != 1)
    return imp.error() << "needs exactly one value attribute";
  const onnx::AttributeProto &attr = imp.node().attribute(0);
  MLIRContext *context = imp.getContext();
  auto f32 = Float32Type::get(context);
  auto i64 = IntegerType::get(context, 64);
  llvm::StringRef name = attr.name();
  if (name == "value") {
    if (attr.type() != onnx::AttributeProto::TENSOR)
      return imp.error() << "attribute 'value' must be a tensor";
    std::string message;
    DenseElementsAttr value = decodeTensor(context, attr.t(), message);
    if (!value)
      return imp.error() << message;
    return imp.setOutputConstant(0, value);
  }
  if (name == "value_float" || name == "value_floats") {
    SmallVector<float> values;
    if (name == "value_float") {
      float v = 0;
      if (failed(imp.getAttr(name, v)))
        return failure();
      return imp.setOutputConstant(
          0, DenseElementsAttr::get(RankedTensorType::get({}, f32), v));
    }
    if (failed(imp.getAttr(name, values)))
      return failure();
    return imp.setOutputConstant(
        0, DenseElementsAttr::get(
               RankedTensorType::get({int64_t(values.size())}, f32),
               llvm::ArrayRef(values)));
  }
  if (name == "value_int" || name == "value_ints") {
    SmallVector<int64_t> values;
    if (name == "value_int") {
      int64_t v = 0;
      if (failed(imp.getAttr(name, v)))
        return failure();
      return imp.setOutputConstant(
          0, DenseElementsAttr::get(RankedTensorType::get({}, i64), v));
    }
    if (failed(imp.getAttr(name, values)))
      return failure();
    return imp.setOutputConstant(
        0, DenseElementsAttr::get(
               RankedTensorType::get({int64_t(values.size())}, i64),
               llvm::ArrayRef(values)));
  }
  return imp.error() << "unsupported dtype: Constant attribute '" << name
                     << "' (supported: value, value_float(s), value_int(s))";
}

} // namespace

void onnx_import::registerElementwiseOps(OpTable &table) {
  // Versions 1 and 6 have the legacy broadcast/axis attributes; version 1
  // also consumed_inputs, an in-place hint without effect on the result.
  std::vector<AttrSpec> legacy = {
      {"broadcast", 1, 7}, {"axis", 1, 7}, {"consumed_inputs", 1, 6}};
  table["::Add"] = {importBinary<BinaryKind::Add>, legacy, 2, 2};
  table["::Sub"] = {importBinary<BinaryKind::Sub>, legacy, 2, 2};
  table["::Mul"] = {importBinary<BinaryKind::Mul>, legacy, 2, 2};
  table["::Div"] = {importBinary<BinaryKind::Div>, legacy, 2, 2};
  table["::Relu"] = {importRelu, {{"consumed_inputs", 1, 6}}};
  table["::Clip"] = {
      importClip,
      {{"min", 1, 11}, {"max", 1, 11}, {"consumed_inputs", 1, 6}},
      1,
      3,
      /*maxOutputs=*/1,
      /*arities=*/{{1, 11, 1, 1}}};
  table["::Cast"] = {importCast, {{"to"}}};
  table["::Identity"] = {importIdentity, {}};
  table["::Constant"] = {importConstant,
                         {{"value"},
                          {"sparse_value", 11},
                          {"value_float", 12},
                          {"value_floats", 12},
                          {"value_int", 12},
                          {"value_ints", 12},
                          {"value_string", 12},
                          {"value_strings", 12}},
                         /*minInputs=*/0,
                         /*maxInputs=*/0};
}
