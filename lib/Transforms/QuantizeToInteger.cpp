//===- QuantizeToInteger.cpp - float-level Q-SNN to the integer form ------===//
//
// Walks each function once in program order and gives every float value of
// the network an integer meaning (IntTensor or Current, see
// QuantizeToInteger.h), emitting integer ops before the float op they
// replace. Anything the integer form cannot express is an error naming the
// op; the float ops are erased only when the whole function converted.
//
//===----------------------------------------------------------------------===//
#include "QuantizeToInteger.h"
#include "BatchNormAffine.h"
#include "qsnn/Analysis/IntegerRanges.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace mlir::qsnn {
#define GEN_PASS_DEF_QUANTIZETOINTEGER
#include "qsnn/Transforms/Passes.h.inc"
} // namespace mlir::qsnn

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::quantize;

namespace {

Value widenSpikes(OpBuilder &builder, Location loc, Value spikes);

class FunctionConverter {
public:
  FunctionConverter(func::FuncOp func, int64_t multiplierBits)
      : func(func), builder(func.getContext()), multiplierBits(multiplierBits) {
  }

  LogicalResult run();

private:
  LogicalResult visit(Operation *op);
  LogicalResult visitNormalize(NormalizeOp op);
  LogicalResult visitCounts(CountsOp op);
  LogicalResult visitGeneric(linalg::GenericOp op);
  LogicalResult visitCollapse(tensor::CollapseShapeOp op);
  LogicalResult visitExpand(tensor::ExpandShapeOp op);
  LogicalResult visitPad(tensor::PadOp op);
  LogicalResult visitSumPool(linalg::PoolingNchwSumOp op);
  LogicalResult visitEncode(EncodeOp op);
  LogicalResult visitBatchNorm(BatchNormOp op);
  LogicalResult visitAvgPool(AvgPool2DOp op);
  LogicalResult visitMaxPool(MaxPool2DOp op);
  LogicalResult visitGlobalAvgPool(GlobalAvgPoolOp op);
  /// Sum pooling of `input` over `kernel` windows, the divisor folded into
  /// the scale.
  void defineSumPool(Operation *op, IntTensor input, ArrayRef<int64_t> kernel,
                     DenseI64ArrayAttr strides, DenseI64ArrayAttr padding);
  LogicalResult visitFlatten(FlattenOp op);
  LogicalResult visitAdd(AddOp op);
  LogicalResult visitReturn(func::ReturnOp op);

  /// The integer tensor standing for `value`, or an error at `user`.
  FailureOr<IntTensor> intTensorOf(Operation *user, Value value, StringRef why);
  FailureOr<Current> currentOf(Operation *user, Value value, StringRef why);
  bool isMapped(Value value) const {
    return ints.count(value) || currents.count(value) || logits.count(value) ||
           padded.count(value);
  }
  void define(Operation *op, IntTensor tensor) {
    ints[op->getResult(0)] = std::move(tensor);
    converted.push_back(op);
  }
  void define(Operation *op, Current current) {
    currents[op->getResult(0)] = std::move(current);
    converted.push_back(op);
  }

  func::FuncOp func;
  OpBuilder builder;
  int64_t multiplierBits;
  DenseMap<Value, IntTensor> ints;
  DenseMap<Value, Current> currents;
  DenseMap<Value, Value> logits;
  /// Zero padding [top, left, bottom, right] of an integer tensor, waiting
  /// for the sum pool that reads it (the NIR importer pads before pooling).
  DenseMap<Value, std::pair<IntTensor, SmallVector<int64_t>>> padded;
  SmallVector<Operation *> converted;
};

FailureOr<IntTensor>
FunctionConverter::intTensorOf(Operation *user, Value value, StringRef why) {
  auto it = ints.find(value);
  if (it != ints.end())
    return it->second;
  if (currents.count(value))
    return quantize::layerError(user)
           << "reads a membrane current that no LIF turned into spikes; "
           << why;
  return quantize::layerError(user)
         << "reads a value that is neither the normalized input, event "
            "counts, spikes nor their pooling; "
         << why;
}

FailureOr<Current> FunctionConverter::currentOf(Operation *user, Value value,
                                                StringRef why) {
  auto it = currents.find(value);
  if (it != currents.end())
    return it->second;
  return quantize::layerError(user)
         << "reads a value that is not the current of a conv2d/linear; " << why;
}

LogicalResult FunctionConverter::run() {
  for (Operation &op : llvm::make_early_inc_range(func.getBody().front())) {
    builder.setInsertionPoint(&op);
    if (failed(visit(&op)))
      return failure();
  }
  for (Operation *op : llvm::reverse(converted))
    op->erase();
  // Dead constants and layout ops of the float graph.
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) { ops.push_back(op); });
  for (Operation *op : llvm::reverse(ops))
    if (op != func && isOpTriviallyDead(op))
      op->erase();
  annotateAccumulatorBits(func);
  return success();
}

LogicalResult FunctionConverter::visit(Operation *op) {
  if (auto normalize = dyn_cast<NormalizeOp>(op))
    return visitNormalize(normalize);
  if (auto counts = dyn_cast<CountsOp>(op))
    return visitCounts(counts);
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    return visitGeneric(generic);
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    return visitCollapse(collapse);
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return visitExpand(expand);
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    return visitPad(pad);
  if (auto pool = dyn_cast<linalg::PoolingNchwSumOp>(op))
    return visitSumPool(pool);
  if (auto encode = dyn_cast<EncodeOp>(op))
    return visitEncode(encode);
  if (isa<Conv2DOp, LinearOp>(op)) {
    FailureOr<IntTensor> input = intTensorOf(
        op, op->getOperand(0),
        "a synaptic layer must read pixels, event counts or spikes");
    if (failed(input))
      return failure();
    FailureOr<Current> current = emitSynapticLayer(builder, op, *input);
    if (failed(current))
      return failure();
    define(op, std::move(*current));
    return success();
  }
  if (auto norm = dyn_cast<BatchNormOp>(op))
    return visitBatchNorm(norm);
  if (auto lif = dyn_cast<LIFOp>(op)) {
    FailureOr<Current> current = currentOf(
        op, lif.getInput(), "a LIF integrates the current of a synaptic layer");
    if (failed(current))
      return failure();
    FailureOr<Value> spikes =
        emitIntegerLIF(builder, lif, *current, multiplierBits);
    if (failed(spikes))
      return failure();
    define(op, IntTensor{*spikes, {}, 1, {1}, 0, false, true});
    return success();
  }
  if (auto pool = dyn_cast<AvgPool2DOp>(op))
    return visitAvgPool(pool);
  if (auto pool = dyn_cast<MaxPool2DOp>(op))
    return visitMaxPool(pool);
  if (auto pool = dyn_cast<GlobalAvgPoolOp>(op))
    return visitGlobalAvgPool(pool);
  if (auto flatten = dyn_cast<FlattenOp>(op))
    return visitFlatten(flatten);
  if (auto add = dyn_cast<AddOp>(op))
    return visitAdd(add);
  if (auto readout = dyn_cast<ReadoutOp>(op)) {
    FailureOr<Current> current =
        currentOf(op, readout.getInput(),
                  "the readout averages the classifier's current");
    if (failed(current))
      return failure();
    FailureOr<Value> z =
        emitIntegerReadout(builder, readout, *current, multiplierBits);
    if (failed(z))
      return failure();
    logits[readout.getResult()] = *z;
    converted.push_back(op);
    return success();
  }
  if (auto ret = dyn_cast<func::ReturnOp>(op))
    return visitReturn(ret);
  for (Value operand : op->getOperands())
    if (isMapped(operand))
      return quantize::layerError(op)
             << "has no integer form: '" << op->getName()
             << "' reads a value of the spiking network (only qsnn ops and "
                "the importer's input idioms can be quantized)";
  return success();
}

LogicalResult FunctionConverter::visitNormalize(NormalizeOp op) {
  SmallVector<Bound> bound;
  SmallVector<double> scale;
  for (auto [c, zp] : llvm::enumerate(op.getZeroPoint())) {
    if (zp < 0 || zp > 255)
      return quantize::layerError(op)
             << "zero point of channel " << c << " is " << zp
             << ", outside the uint8 range [0, 255]";
    bound.push_back(static_cast<Bound>(std::max(zp, 255 - zp)));
  }
  for (double s : op.getScale())
    scale.push_back(asFloat32(s));
  auto center =
      builder.create<ICenterOp>(op.getLoc(), op.getInput(), op.getZeroPoint());
  bool nonNegative =
      llvm::all_of(op.getZeroPoint(), [](int64_t zp) { return zp == 0; });
  define(op, IntTensor{center, scale, 1, bound, 0, false, nonNegative});
  return success();
}

/// Event counts (or raw pixels) keep their uint8 values: an integer tensor
/// with scale 1 until a layer widens it. Upstream ops (reshapes) see them
/// as signless i8, which the ABI boundary expects of uint8 arguments.
LogicalResult FunctionConverter::visitCounts(CountsOp op) {
  auto type = cast<RankedTensorType>(op.getInput().getType());
  Value bytes = builder.create<tensor::BitcastOp>(
      op.getLoc(), type.clone(builder.getI8Type()), op.getInput());
  define(op, IntTensor{bytes, {}, 1, {255}, 0, true, true});
  return success();
}

LogicalResult FunctionConverter::visitGeneric(linalg::GenericOp op) {
  if (op.getNumDpsInputs() > 0 && currents.count(op.getDpsInputs()[0])) {
    FailureOr<Current> folded =
        foldNeuronAffine(op, currents[op.getDpsInputs()[0]]);
    if (failed(folded))
      return failure();
    define(op, std::move(*folded));
    return success();
  }
  for (Value input : op.getInputs()) {
    auto it = ints.find(input);
    if (it == ints.end() || !it->second.rawBytes)
      continue;
    // The importer keeps Sub(zp) as plain arithmetic only when zp is not
    // an integer (or not a constant).
    bool subtracts = llvm::any_of(op.getRegion().front(), [](Operation &o) {
      return isa<arith::SubFOp>(o);
    });
    if (subtracts)
      return quantize::layerError(op)
             << "subtracts a zero point that is not an integer constant from "
                "the uint8 input: the integer form needs integer zero points "
                "(docs/spec.md §4)";
  }
  for (Value operand : op->getOperands())
    if (isMapped(operand))
      return quantize::layerError(op)
             << "has no integer form: 'linalg.generic' reads a value of the "
                "spiking network";
  return success();
}

LogicalResult FunctionConverter::visitCollapse(tensor::CollapseShapeOp op) {
  if (!isMapped(op.getSrc()))
    return success();
  FailureOr<IntTensor> input =
      intTensorOf(op, op.getSrc(), "only integer inputs can be reshaped");
  if (failed(input))
    return failure();
  if (input->bound.size() != 1 || !input->hasUniformScale() ||
      input->pendingSteps)
    return quantize::layerError(op)
           << "has no integer form: it reshapes a tensor with "
              "per-channel scales or an unexpanded encode";
  auto elementType =
      cast<RankedTensorType>(input->value.getType()).getElementType();
  auto type = RankedTensorType::get(op.getResultType().getShape(), elementType);
  IntTensor result = *input;
  result.value = builder.create<tensor::CollapseShapeOp>(
      op.getLoc(), type, input->value, op.getReassociationIndices());
  define(op, std::move(result));
  return success();
}

/// [T*N, ...] -> [T, N, ...] of spikes for a function result (NIR Output).
LogicalResult FunctionConverter::visitExpand(tensor::ExpandShapeOp op) {
  if (!isMapped(op.getSrc()))
    return success();
  FailureOr<IntTensor> input =
      intTensorOf(op, op.getSrc(), "only spikes are returned per step");
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->value.getType());
  if (!type.getElementType().isInteger(1) || input->pendingSteps)
    return quantize::layerError(op)
           << "has no integer form: only spikes are reshaped to [T, N, ...]";
  IntTensor result = *input;
  result.value = builder.create<tensor::ExpandShapeOp>(
      op.getLoc(), op.getResultType().clone(type.getElementType()),
      input->value, op.getReassociationIndices());
  result.stepped = true;
  define(op, std::move(result));
  return success();
}

/// Zero padding of spikes or counts, kept for the sum pool that reads it.
LogicalResult FunctionConverter::visitPad(tensor::PadOp op) {
  if (!isMapped(op.getSource()))
    return success();
  FailureOr<IntTensor> input = intTensorOf(
      op, op.getSource(), "only spikes or counts are padded for pooling");
  if (failed(input))
    return failure();
  auto low = op.getStaticLow(), high = op.getStaticHigh();
  FloatAttr value;
  bool zero = matchPattern(op.getConstantPaddingValue(), m_Constant(&value)) &&
              value.getValueAsDouble() == 0.0;
  if (!zero || low.size() != 4 || low[0] || low[1] || high[0] || high[1] ||
      llvm::any_of(low, ShapedType::isDynamic) ||
      llvm::any_of(high, ShapedType::isDynamic) ||
      !llvm::all_of(op->getUsers(), [](Operation *user) {
        return isa<linalg::PoolingNchwSumOp>(user);
      }))
    return quantize::layerError(op)
           << "has no integer form: only zero padding of the spatial "
              "dimensions before a sum pool is supported";
  padded[op.getResult()] = {*input, {low[2], low[3], high[2], high[3]}};
  converted.push_back(op);
  return success();
}

LogicalResult FunctionConverter::visitSumPool(linalg::PoolingNchwSumOp op) {
  Value source = op.getInputs()[0];
  if (!isMapped(source))
    return success();
  SmallVector<int64_t> padding = {0, 0, 0, 0};
  IntTensor input;
  if (auto it = padded.find(source); it != padded.end()) {
    input = it->second.first;
    padding = it->second.second;
  } else {
    FailureOr<IntTensor> read =
        intTensorOf(op, source, "sum pools add spikes or counts");
    if (failed(read))
      return failure();
    input = *read;
  }
  auto window = cast<RankedTensorType>(op.getInputs()[1].getType());
  bool unitDilation = llvm::all_of(
      op.getDilations(), [](const APInt &d) { return d.getSExtValue() == 1; });
  if (!unitDilation || input.pendingSteps)
    return quantize::layerError(op)
           << "has no integer form: a dilated sum pool or one of an "
              "unexpanded encode";
  SmallVector<int64_t> strides;
  for (const APInt &s : op.getStrides())
    strides.push_back(s.getSExtValue());
  IntTensor widened = widenRawBytes(builder, op.getLoc(), input);
  // A window sum keeps the scale and divisor: it is not an average.
  int64_t divisor = widened.divisor;
  defineSumPool(op, std::move(widened), window.getShape(),
                builder.getDenseI64ArrayAttr(strides),
                builder.getDenseI64ArrayAttr(padding));
  ints[op->getResult(0)].divisor = divisor;
  return success();
}

LogicalResult FunctionConverter::visitEncode(EncodeOp op) {
  FailureOr<IntTensor> input = intTensorOf(
      op, op.getInput(), "only the input pixels are repeated over time");
  if (failed(input))
    return failure();
  if (input->pendingSteps)
    return quantize::layerError(op) << "has no integer form: it encodes twice";
  IntTensor result = *input;
  result.pendingSteps = op.getTimeSteps();
  define(op, std::move(result));
  return success();
}

LogicalResult FunctionConverter::visitBatchNorm(BatchNormOp op) {
  FailureOr<Current> input =
      currentOf(op, op.getInput(), "batch norm folds into a conv2d/linear");
  if (failed(input))
    return failure();
  FailureOr<BatchNormAffine> norm =
      BatchNormAffine::read(op, asFloat32(op.getEpsilon().convertToDouble()));
  if (failed(norm))
    return quantize::layerError(op)
           << "needs constant statistics for the integer form";
  Current result = *input;
  for (size_t o = 0; o < result.bias.size(); ++o) {
    for (Term &term : result.terms)
      for (int64_t c = 0; c < term.inputChannels; ++c)
        term.multipliers[o * term.inputChannels + c] *= norm->gain[o];
    result.bias[o] = norm->foldBias(o, result.bias[o]);
  }
  define(op, std::move(result));
  return success();
}

void FunctionConverter::defineSumPool(Operation *op, IntTensor input,
                                      ArrayRef<int64_t> kernel,
                                      DenseI64ArrayAttr strides,
                                      DenseI64ArrayAttr padding) {
  int64_t window = kernel[0] * kernel[1];
  input.value = builder.create<ISumPool2DOp>(
      op->getLoc(), input.value, builder.getDenseI64ArrayAttr(kernel), strides,
      padding);
  for (Bound &b : input.bound)
    b = mulBounds(b, window);
  input.divisor *= window;
  define(op, std::move(input));
}

LogicalResult FunctionConverter::visitAvgPool(AvgPool2DOp op) {
  FailureOr<IntTensor> input = intTensorOf(
      op, op.getInput(), "average pools sum spikes, counts or pixels");
  if (failed(input))
    return failure();
  bool padded = llvm::any_of(op.getPadding(), [](int64_t p) { return p; });
  if (op.getCeilMode() || (padded && !op.getCountIncludePad()))
    return quantize::layerError(op)
           << "has average-pool divisors that vary across windows ("
           << (op.getCeilMode() ? "ceil_mode"
                                : "padding without "
                                  "count_include_pad")
           << "): the integer form folds one constant divisor into the next "
              "layer";
  IntTensor result = widenRawBytes(builder, op.getLoc(), *input);
  defineSumPool(op, std::move(result), op.getKernel(), op.getStridesAttr(),
                op.getPaddingAttr());
  return success();
}

LogicalResult FunctionConverter::visitMaxPool(MaxPool2DOp op) {
  FailureOr<IntTensor> input =
      intTensorOf(op, op.getInput(), "max pools take spikes or counts");
  if (failed(input))
    return failure();
  IntTensor result = widenRawBytes(builder, op.getLoc(), *input);
  if (!result.nonNegative)
    return quantize::layerError(op)
           << "has no integer form: max pooling of centered "
              "pixels (which can be negative) is not supported";
  result.value = builder.create<MaxPool2DOp>(
      op.getLoc(), result.value, op.getKernelAttr(), op.getStridesAttr(),
      op.getPaddingAttr(), op.getCeilModeAttr());
  define(op, std::move(result));
  return success();
}

LogicalResult FunctionConverter::visitGlobalAvgPool(GlobalAvgPoolOp op) {
  FailureOr<IntTensor> input = intTensorOf(
      op, op.getInput(), "global pools sum spikes, counts or pixels");
  if (failed(input))
    return failure();
  IntTensor result = widenRawBytes(builder, op.getLoc(), *input);
  auto type = cast<RankedTensorType>(result.value.getType());
  SmallVector<int64_t, 2> kernel = {type.getDimSize(2), type.getDimSize(3)};
  defineSumPool(op, std::move(result), kernel,
                builder.getDenseI64ArrayAttr({1, 1}),
                builder.getDenseI64ArrayAttr({0, 0, 0, 0}));
  return success();
}

LogicalResult FunctionConverter::visitFlatten(FlattenOp op) {
  FailureOr<IntTensor> input =
      intTensorOf(op, op.getInput(), "only spikes or counts are flattened");
  if (failed(input))
    return failure();
  if (!input->hasUniformScale())
    return quantize::layerError(op)
           << "has no integer form: it flattens channels with "
              "different input scales";
  IntTensor result = *input;
  result.value =
      builder.create<FlattenOp>(op.getLoc(), result.value, op.getAxisAttr());
  Bound largest = *llvm::max_element(result.bound);
  result.bound.assign(1, largest);
  if (!result.scale.empty())
    result.scale.resize(1);
  define(op, std::move(result));
  return success();
}

LogicalResult FunctionConverter::visitAdd(AddOp op) {
  Value lhs = op.getLhs(), rhs = op.getRhs();
  if (currents.count(lhs) && currents.count(rhs)) {
    Current result = currents[lhs];
    const Current &other = currents[rhs];
    result.terms.append(other.terms.begin(), other.terms.end());
    for (size_t o = 0; o < result.bias.size(); ++o)
      result.bias[o] += other.bias[o];
    define(op, std::move(result));
    return success();
  }
  if (!currents.count(lhs))
    std::swap(lhs, rhs);
  FailureOr<Current> current =
      currentOf(op, lhs, "a residual joins currents, or a current and spikes");
  if (failed(current))
    return failure();
  FailureOr<IntTensor> shortcut =
      intTensorOf(op, rhs, "an identity shortcut adds spikes");
  if (failed(shortcut))
    return failure();
  if (!shortcut->scale.empty() || shortcut->divisor != 1 ||
      shortcut->rawBytes || shortcut->pendingSteps)
    return quantize::layerError(op)
           << "has no integer form: an identity shortcut must "
              "add spikes (no scale, divisor or encode)";
  // The shortcut counts with multiplier 1 (1/Delta once divided by Delta).
  int64_t channels = current->bias.size();
  Term identity;
  identity.sums = shortcut->value;
  identity.multipliers.assign(channels, 1.0);
  for (int64_t o = 0; o < channels; ++o)
    identity.bound.push_back(shortcut->boundAt(o));
  current->terms.push_back(std::move(identity));
  define(op, std::move(*current));
  return success();
}

LogicalResult FunctionConverter::visitReturn(func::ReturnOp op) {
  SmallVector<Type> resultTypes;
  for (OpOperand &operand : op->getOpOperands()) {
    auto it = logits.find(operand.get());
    if (it != logits.end()) {
      operand.set(it->second);
    } else if (isMapped(operand.get())) {
      // Spikes may be returned as i1 (e.g. a network probed at a LIF).
      auto tensor = ints.find(operand.get());
      auto type = tensor == ints.end()
                      ? RankedTensorType()
                      : cast<RankedTensorType>(tensor->second.value.getType());
      if (!type || !type.getElementType().isInteger(1) ||
          tensor->second.pendingSteps)
        return quantize::layerError(op)
               << "result #" << operand.getOperandNumber()
               << " is neither a qsnn.readout nor spikes; "
                  "only integer logits or spikes can be "
                  "returned";
      operand.set(tensor->second.stepped
                      ? widenSpikes(builder, op.getLoc(), tensor->second.value)
                      : tensor->second.value);
    }
    resultTypes.push_back(operand.get().getType());
  }
  func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(),
                                 resultTypes));
  return success();
}

/// i1 spikes -> i8 0/1, the ABI's uint8 (docs/spec.md §8.5).
Value widenSpikes(OpBuilder &builder, Location loc, Value spikes) {
  auto type = cast<RankedTensorType>(spikes.getType());
  auto bytes = type.clone(builder.getI8Type());
  Value init = builder.create<tensor::EmptyOp>(loc, type.getShape(),
                                               builder.getI8Type());
  AffineMap identity = builder.getMultiDimIdentityMap(type.getRank());
  return builder
      .create<linalg::GenericOp>(
          loc, TypeRange{bytes}, spikes, init,
          ArrayRef<AffineMap>{identity, identity},
          SmallVector<utils::IteratorType>(type.getRank(),
                                           utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange args) {
            b.create<linalg::YieldOp>(
                l, b.create<arith::ExtUIOp>(l, b.getI8Type(), args[0])
                       .getResult());
          })
      .getResult(0);
}

struct QuantizeToIntegerPass
    : qsnn::impl::QuantizeToIntegerBase<QuantizeToIntegerPass> {
  using QuantizeToIntegerBase::QuantizeToIntegerBase;

  void runOnOperation() override {
    int64_t bits = multiplierBits;
    if (bits < 2 || bits > 62) {
      quantize::layerError(getOperation())
          << "--multiplier-bits must be in [2, 62], got " << bits;
      return signalPassFailure();
    }
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (failed(FunctionConverter(func, bits).run()))
        return signalPassFailure();
    }
  }
};

} // namespace
