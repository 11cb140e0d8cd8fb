//===- MatMulOps.cpp - Gemm and MatMul ------------------------------------===//
//
// Gemm with a constant (possibly quantized) B is a synaptic layer and becomes
// qsnn.linear: alpha folds into the scale, beta * C into the bias when C is a
// constant per output feature. Everything else is linalg.matmul /
// linalg.batch_matmul on tensors, with transposes and broadcasts spelled out.
//
//===----------------------------------------------------------------------===//
#include "IRBuilders.h"
#include "Importer.h"
#include "QuantizedWeights.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::onnx_import;

namespace {

/// [R, C] -> [C, R] of a constant.
DenseElementsAttr transposeConstant(DenseElementsAttr attr) {
  ArrayRef<int64_t> shape = attr.getType().getShape();
  auto values = llvm::to_vector(attr.getValues<float>());
  SmallVector<float> result(values.size());
  for (int64_t r = 0; r < shape[0]; ++r)
    for (int64_t c = 0; c < shape[1]; ++c)
      result[c * shape[0] + r] = values[r * shape[1] + c];
  return DenseElementsAttr::get(attr.getType().clone({shape[1], shape[0]}),
                                llvm::ArrayRef(result));
}

Value matmul2D(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  int64_t m = shapeOf(lhs)[0], n = shapeOf(rhs)[1];
  Value init = filledTensor(b, loc, {m, n}, b.getF32Type(), 0.0);
  return b
      .create<linalg::MatmulOp>(loc, TypeRange{init.getType()},
                                ValueRange{lhs, rhs}, ValueRange{init})
      .getResult(0);
}

/// y * alpha + beta * c with c broadcast to y (c may be null).
Value scaleAndAdd(OpBuilder &b, Location loc, Value y, float alpha, float beta,
                  Value c) {
  SmallVector<Value> inputs = {y};
  if (c)
    inputs.push_back(c);
  return broadcastGeneric(
      b, loc, inputs, shapeOf(y), b.getF32Type(),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value v = args[0];
        if (alpha != 1.0f)
          v = nb.create<arith::MulFOp>(
              l, v, nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(alpha)));
        if (args.size() > 1) {
          Value term = args[1];
          if (beta != 1.0f)
            term = nb.create<arith::MulFOp>(
                l, term,
                nb.create<arith::ConstantOp>(l, nb.getF32FloatAttr(beta)));
          v = nb.create<arith::AddFOp>(l, v, term);
        }
        return v;
      });
}

/// Bias [N] = beta * C when C is a constant that is the same for every row.
std::optional<SmallVector<float>> foldBias(Importer &imp, int64_t n,
                                           float beta) {
  TensorInfo &c = imp.input(2);
  if (!c.proto && !c.constant)
    return std::nullopt;
  ArrayRef<int64_t> shape = c.shape;
  bool perColumn = shape.empty() || (shape.size() == 1) ||
                   (shape.size() == 2 && shape[0] == 1);
  if (!perColumn)
    return std::nullopt;
  FailureOr<SmallVector<float>> values = imp.floatConstantInput(2, "C");
  if (failed(values))
    return std::nullopt;
  SmallVector<float> bias;
  for (int64_t j = 0; j < n; ++j)
    bias.push_back(beta * (*values)[values->size() == 1 ? 0 : j]);
  return bias;
}

LogicalResult importGemm(Importer &imp) {
  if (imp.numInputs() < 2 || (imp.opVersion() < 11 && !imp.hasInput(2)))
    return imp.error() << "expects inputs A, B"
                       << (imp.opVersion() < 11 ? " and C" : " and optional C");
  float alpha = 1.0f, beta = 1.0f;
  // Gemm-1/6 broadcast C only with broadcast=1; since Gemm-7 always.
  int64_t transA = 0, transB = 0, broadcast = imp.opVersion() >= 7;
  if (failed(imp.getAttr("broadcast", broadcast)) ||
      failed(imp.getAttr("alpha", alpha)) ||
      failed(imp.getAttr("beta", beta)) ||
      failed(imp.getAttr("transA", transA)) ||
      failed(imp.getAttr("transB", transB)))
    return failure();
  ArrayRef<int64_t> a = imp.input(0).shape, bShape = imp.input(1).shape;
  if (a.size() != 2 || bShape.size() != 2)
    return imp.error() << "A and B must be 2-D, got shapes " << formatShape(a)
                       << " and " << formatShape(bShape);
  int64_t m = transA ? a[1] : a[0], k = transA ? a[0] : a[1];
  int64_t kB = transB ? bShape[1] : bShape[0],
          n = transB ? bShape[0] : bShape[1];
  if (k != kB)
    return imp.error() << "A has " << k << " columns but B has " << kB
                       << " rows (after transA/transB)";
  bool hasC = imp.hasInput(2);
  if (hasC) {
    std::optional<SmallVector<int64_t>> joint =
        broadcastShapes({m, n}, imp.input(2).shape);
    if (!joint || ArrayRef<int64_t>(*joint) != ArrayRef<int64_t>{m, n})
      return imp.error() << "C of shape " << formatShape(imp.input(2).shape)
                         << " does not broadcast to [" << m << ", " << n << "]";
    if (!broadcast && imp.input(2).shape != SmallVector<int64_t>{m, n})
      return imp.error() << "C of shape " << formatShape(imp.input(2).shape)
                         << " must be [" << m << ", " << n
                         << "]: " << imp.versionedOp()
                         << " broadcasts C only with broadcast=1";
  }
  FailureOr<Value> lhs = imp.runtimeInput(0);
  if (failed(lhs))
    return failure();
  OpBuilder &b = imp.builder();
  Location loc = imp.loc();
  Value x = transA ? transpose(b, loc, *lhs, {1, 0}) : *lhs;
  Value c;
  if (hasC && beta != 0.0f) {
    FailureOr<Value> cValue = imp.runtimeInput(2);
    if (failed(cValue))
      return failure();
    c = *cValue;
  }

  if (!imp.input(1).isConstant()) {
    FailureOr<Value> rhs = imp.runtimeInput(1);
    if (failed(rhs))
      return failure();
    Value w = transB ? transpose(b, loc, *rhs, {1, 0}) : *rhs;
    Value y = matmul2D(b, loc, x, w);
    if (alpha != 1.0f || c)
      y = scaleAndAdd(b, loc, y, alpha, beta, c);
    return imp.setOutput(0, y);
  }

  FailureOr<SynapticWeight> weight =
      readSynapticWeight(imp, 1, /*outputAxis=*/transB ? 0 : 1);
  if (failed(weight))
    return failure();
  DenseElementsAttr w =
      transB ? weight->constant : transposeConstant(weight->constant);
  Value scale;
  if (weight->quant != WeightQuant::Float || alpha != 1.0f) {
    SmallVector<float> values = weight->scale;
    if (values.empty())
      values.assign(n, 1.0f);
    for (float &v : values)
      v *= alpha;
    scale = imp.constant(
        DenseElementsAttr::get(RankedTensorType::get({n}, b.getF32Type()),
                               llvm::ArrayRef(values)),
        imp.inputName(1) + "_scale");
  }
  Value bias;
  if (c) {
    if (std::optional<SmallVector<float>> folded = foldBias(imp, n, beta)) {
      bias = imp.constant(
          DenseElementsAttr::get(RankedTensorType::get({n}, b.getF32Type()),
                                 llvm::ArrayRef(*folded)),
          imp.inputName(2) + "_bias");
      c = nullptr;
    }
  }
  auto linear =
      b.create<LinearOp>(loc, tensorType(b.getF32Type(), {m, n}), x,
                         imp.constant(w, imp.inputName(1)), scale, bias,
                         WeightQuantAttr::get(imp.getContext(), weight->quant));
  Value y = linear;
  if (c) // C varies per row or is not constant: add it after the layer.
    y = scaleAndAdd(b, loc, y, 1.0f, beta, c);
  return imp.setOutput(0, y);
}

/// Broadcasts `value` ([..., R, C]) to batch dimensions `batch`.
Value broadcastBatch(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> batch) {
  ArrayRef<int64_t> shape = shapeOf(value);
  SmallVector<int64_t> full(batch);
  full.append(shape.end() - 2, shape.end());
  if (ArrayRef<int64_t>(full) == shape)
    return value;
  return broadcastGeneric(
      b, loc, {value}, full, b.getF32Type(),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

LogicalResult importMatMul(Importer &imp) {
  FailureOr<Value> lhs = imp.runtimeInput(0);
  if (failed(lhs))
    return failure();
  FailureOr<Value> rhs = imp.runtimeInput(1);
  if (failed(rhs))
    return failure();
  OpBuilder &b = imp.builder();
  Location loc = imp.loc();
  SmallVector<int64_t> a(shapeOf(*lhs)), w(shapeOf(*rhs));
  if (a.empty() || w.empty())
    return imp.error() << "MatMul operands must have rank >= 1";
  // numpy: a 1-D A is a row vector, a 1-D B a column vector; both extra
  // dimensions are dropped from the result.
  bool vectorA = a.size() == 1, vectorB = w.size() == 1;
  if (vectorA)
    a.insert(a.begin(), 1);
  if (vectorB)
    w.push_back(1);
  Value x = reshapeTo(b, loc, *lhs, a), y = reshapeTo(b, loc, *rhs, w);
  int64_t m = a[a.size() - 2], k = a.back(), n = w.back();
  if (w[w.size() - 2] != k)
    return imp.error() << "A has " << k << " columns but B has "
                       << w[w.size() - 2] << " rows";
  std::optional<SmallVector<int64_t>> batch = broadcastShapes(
      ArrayRef<int64_t>(a).drop_back(2), ArrayRef<int64_t>(w).drop_back(2));
  if (!batch)
    return imp.error() << "batch dimensions of " << formatShape(a) << " and "
                       << formatShape(w) << " do not broadcast";
  Value result;
  if (batch->empty()) {
    result = matmul2D(b, loc, x, y);
  } else {
    x = broadcastBatch(b, loc, x, *batch);
    y = broadcastBatch(b, loc, y, *batch);
    int64_t count = numElements(*batch);
    x = reshapeTo(b, loc, x, {count, m, k});
    y = reshapeTo(b, loc, y, {count, k, n});
    Value init = filledTensor(b, loc, {count, m, n}, b.getF32Type(), 0.0);
    result = b.create<linalg::BatchMatmulOp>(loc, TypeRange{init.getType()},
                                             ValueRange{x, y}, ValueRange{init})
                 .getResult(0);
  }
  SmallVector<int64_t> shape(*batch);
  if (!vectorA)
    shape.push_back(m);
  if (!vectorB)
    shape.push_back(n);
  return imp.setOutput(0, reshapeTo(b, loc, result, shape));
}

} // namespace

void onnx_import::registerMatMulOps(OpTable &table) {
  table["::Gemm"] = {
      importGemm,
      {{"alpha"}, {"beta"}, {"broadcast", 1, 7}, {"transA"}, {"transB"}},
      /*minInputs=*/2,
      /*maxInputs=*/3};
  table["::MatMul"] = {importMatMul, {}, 2, 2};
}
