//===- QuantizeToIntegerNIR.cpp - per-neuron affine maps on currents ------===//
//
// The NIR importer scales and shifts a neuron's input current per neuron
// (x * f32(k*R) + f32(k*v_leak), a Scale node's x * s) with a
// linalg.generic: input 0 the current (identity map), the other inputs
// constant tensors of the neuron shape (the time-merged dimension dropped),
// the body `mulf` then `addf`, each optional, with block arguments or scalar
// constants. On a current [T*N, O, ...] such a map is exact in the integer
// form when gain and shift are uniform over each channel o: they fold into
// the term multipliers and the bias in double (docs/spec.md §8.5).
//
//===----------------------------------------------------------------------===//
#include "QuantizeToInteger.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::quantize;

namespace {

/// The per-channel values of a body operand: a scalar constant, or a block
/// argument bound to a constant neuron tensor uniform over each channel.
/// `reported` is set when the failure was already diagnosed.
FailureOr<SmallVector<double>> channelValues(linalg::GenericOp op, Value v,
                                             int64_t channels, bool &reported) {
  if (auto cst = v.getDefiningOp<arith::ConstantOp>()) {
    auto value = dyn_cast<FloatAttr>(cst.getValue());
    if (!value)
      return failure();
    return SmallVector<double>(channels, value.getValueAsDouble());
  }
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || arg.getOwner() != &op.getRegion().front() ||
      arg.getArgNumber() == 0 ||
      arg.getArgNumber() >= static_cast<unsigned>(op.getNumDpsInputs()))
    return failure();
  FailureOr<SmallVector<double>> values =
      readFloatConstant(op.getDpsInputs()[arg.getArgNumber()]);
  if (failed(values) || values->size() % channels != 0)
    return failure();
  int64_t perChannel = values->size() / channels;
  SmallVector<double> result(channels);
  for (int64_t o = 0; o < channels; ++o) {
    result[o] = (*values)[o * perChannel];
    for (int64_t e = 1; e < perChannel; ++e)
      if ((*values)[o * perChannel + e] != result[o]) {
        reported = true;
        return layerError(op)
               << "scales or shifts the current differently within channel "
               << o
               << " (R, v_leak or a Scale that varies over positions); the "
                  "integer form has one multiplier and bias per channel";
      }
  }
  return result;
}

/// Input 0 and the result with identity maps, the others [T*N, ...] -> the
/// neuron dimensions.
bool hasNeuronMaps(linalg::GenericOp op) {
  auto type = cast<RankedTensorType>(op.getResult(0).getType());
  int64_t rank = type.getRank();
  MLIRContext *context = op.getContext();
  SmallVector<AffineExpr> neuronDims;
  for (int64_t d = 1; d < rank; ++d)
    neuronDims.push_back(getAffineDimExpr(d, context));
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
  AffineMap neuron = AffineMap::get(rank, 0, neuronDims, context);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (auto [index, map] : llvm::enumerate(maps)) {
    bool first = index == 0 || index + 1 == maps.size();
    if (map != (first ? identity : neuron))
      return false;
  }
  return op.getNumDpsInits() == 1 && op.getNumParallelLoops() == rank;
}

} // namespace

FailureOr<Current> quantize::foldNeuronAffine(Operation *anchor,
                                              const Current &input) {
  auto op = dyn_cast<linalg::GenericOp>(anchor);
  auto notAffine = [&]() {
    return layerError(anchor)
           << "has no integer form: it transforms a membrane current by "
              "something other than a per-channel scale and shift";
  };
  if (!op || !hasNeuronMaps(op))
    return notAffine();
  int64_t channels = input.bias.size();
  Block &body = op.getRegion().front();
  Value x = body.getArgument(0);
  SmallVector<double> gain(channels, 1.0), shift(channels, 0.0);
  bool multiplied = false, added = false;
  for (Operation &inner : body.without_terminator()) {
    if (isa<arith::ConstantOp>(inner))
      continue;
    bool isMul = isa<arith::MulFOp>(inner), isAdd = isa<arith::AddFOp>(inner);
    if ((!isMul && !isAdd) || (isMul && (multiplied || added)) || added)
      return notAffine();
    Value lhs = inner.getOperand(0), rhs = inner.getOperand(1);
    if (rhs == x)
      std::swap(lhs, rhs);
    if (lhs != x)
      return notAffine();
    bool reported = false;
    FailureOr<SmallVector<double>> values =
        channelValues(op, rhs, channels, reported);
    if (failed(values))
      return reported ? failure() : notAffine();
    (isMul ? gain : shift) = std::move(*values);
    (isMul ? multiplied : added) = true;
    x = inner.getResult(0);
  }
  if (body.getTerminator()->getOperand(0) != x)
    return notAffine();
  // a' = a * g, b' = b * g + v, in double (§8.5).
  Current result = input;
  for (int64_t o = 0; o < channels; ++o) {
    for (Term &term : result.terms)
      for (int64_t c = 0; c < term.inputChannels; ++c)
        term.multipliers[o * term.inputChannels + c] *= gain[o];
    result.bias[o] = result.bias[o] * gain[o] + shift[o];
  }
  return result;
}
