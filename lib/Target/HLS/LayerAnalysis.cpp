//===- LayerAnalysis.cpp - layers, value ranges and work of a Q-SNN -------===//
//
// Before lowering, every qsnn op of the entry function is a layer: it gets
// a tag (loop labels and comments of the kernel carry it through the
// lowering) and the range of its accumulator from the shared analysis of
// docs/spec.md §4.13 (qsnn/Analysis/IntegerRanges.h). Also counted: MACs and
// popcounts per inference, ROM bits of weights and constants, membrane
// state bits.
//
//===----------------------------------------------------------------------===//
#include "KernelEmitter.h"

#include "qsnn/Analysis/IntegerRanges.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn;
using namespace mlir::qsnn::hls;

namespace {

int64_t elements(Value value) {
  return cast<ShapedType>(value.getType()).getNumElements();
}

std::string signature(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << op->getName() << " (";
  llvm::interleaveComma(op->getOperandTypes(), os);
  os << ") -> ";
  llvm::interleaveComma(op->getResultTypes(), os);
  return text;
}

/// MACs, popcounts and weight ROM bits of a synaptic layer whose `fanIn`
/// taps per output read `input`.
void countSynapticWork(Value weight, Value input, Value output, int64_t fanIn,
                       int64_t batch, LayerInfo &layer) {
  DenseIntElementsAttr values;
  bool binary = matchPattern(weight, m_Constant(&values)) &&
                llvm::all_of(values.getValues<APInt>(), [](const APInt &v) {
                  return v.isOne() || v.isAllOnes();
                });
  int64_t work = elements(output) * fanIn / batch;
  (binary ? layer.binaryMacs : layer.macs) = work;
  layer.weightRomBits = elements(weight) * (binary ? 1 : 8);
  auto element = cast<ShapedType>(input.getType()).getElementType();
  if (binary && element.isInteger(1))
    layer.popcountWords =
        elements(output) / batch * int64_t(llvm::divideCeil(fanIn, 64));
}

/// The work and storage of `op` as one layer of the kernel.
void countWork(Operation *op, int64_t batch, LayerInfo &layer) {
  if (auto center = dyn_cast<ICenterOp>(op)) {
    layer.constantRomBits = int64_t(center.getZeroPoint().size()) * 16;
  } else if (auto conv = dyn_cast<IConv2DOp>(op)) {
    auto w = cast<ShapedType>(conv.getWeight().getType());
    int64_t kernel = w.getDimSize(2) * w.getDimSize(3);
    // Per-input-channel sums: the fan-in of one sum is the window only.
    int64_t fanIn =
        conv.getPerInputChannel() ? kernel : w.getDimSize(1) * kernel;
    countSynapticWork(conv.getWeight(), conv.getInput(), conv.getResult(),
                      fanIn, batch, layer);
  } else if (auto linear = dyn_cast<ILinearOp>(op)) {
    auto w = cast<ShapedType>(linear.getWeight().getType());
    countSynapticWork(linear.getWeight(), linear.getInput(), linear.getResult(),
                      w.getDimSize(1), batch, layer);
  } else if (auto affine = dyn_cast<IAffineOp>(op)) {
    int64_t perOutput = int64_t(affine.getMultiplier().size()) /
                        int64_t(affine.getBias().size());
    layer.macs = elements(affine.getResult()) * perOutput / batch;
    layer.constantRomBits =
        int64_t(affine.getMultiplier().size() + affine.getBias().size()) * 64;
  } else if (auto lif = dyn_cast<ILIFOp>(op)) {
    auto type = cast<ShapedType>(lif.getType());
    layer.stateBits = type.getNumElements() / type.getDimSize(0) *
                      ILIFOp::getStateBits(lif.getLevels());
  }
}

/// The layer's range: its accumulator's where it has one, else its result's.
void recordRange(Operation *op, const IntegerRangeAnalysis &ranges,
                 LayerInfo &layer) {
  if (op->getNumResults() != 1)
    return;
  std::optional<IntegerRange> range = ranges.getAccumulatorRange(op);
  if (!range)
    range = ranges.getRange(op->getResult(0));
  layer.lo = range->getLow();
  layer.hi = range->getHigh();
  layer.accBits = range->getSignedBits();
  layer.irBits = isa<ILIFOp>(op) ? 64
                                 : cast<ShapedType>(op->getResult(0).getType())
                                       .getElementTypeBitWidth();
}

/// L<i>_<op>[_<onnx name>]: a C identifier that names loops and buffers.
std::string layerTag(Operation *op, size_t index) {
  std::string tag =
      "L" + std::to_string(index) + "_" + op->getName().stripDialect().str();
  if (auto name = dyn_cast<NameLoc>(op->getLoc())) {
    std::string onnx = name.getName().str();
    for (char &c : onnx)
      if (!llvm::isAlnum(c))
        c = '_';
    tag += "_" + onnx.substr(0, 24);
  }
  return tag;
}

} // namespace

std::vector<LayerInfo> hls::annotateLayers(func::FuncOp func, int64_t batch) {
  std::vector<LayerInfo> layers;
  IntegerRangeAnalysis ranges(func);
  batch = std::max<int64_t>(batch, 1);
  MLIRContext *context = func.getContext();
  func.walk([&](Operation *op) {
    if (!isa<QSNNDialect>(op->getDialect()))
      return;
    LayerInfo layer;
    layer.op = op->getName().getStringRef().str();
    layer.tag = layerTag(op, layers.size());
    layer.signature = signature(op);
    countWork(op, batch, layer);
    recordRange(op, ranges, layer);
    // Loops and buffers lowered from `op` keep its location, so they know
    // their layer.
    op->setLoc(
        FusedLoc::get(context, {op->getLoc()},
                      LayerAttr::get(context, layer.tag, layer.signature)));
    layers.push_back(layer);
  });
  return layers;
}
