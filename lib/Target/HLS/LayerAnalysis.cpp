//===- LayerAnalysis.cpp - layers, value ranges and work of a Q-SNN -------===//
//
// Before lowering, every qsnn op of the entry function is a layer: it gets
// a tag (loop labels and comments of the kernel carry it through the
// lowering) and an exact range analysis of the formulas of docs/spec.md §4:
// pixels [0, 255], spikes [0, 1], sums bounded tap by tap with the actual
// weights, membranes [-L, L]. The bits of the result range are the layer's
// accumulator width. Also counted: MACs and popcounts per inference, ROM
// bits of weights and constants, membrane state bits.
//
//===----------------------------------------------------------------------===//
#include "KernelEmitter.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn;
using namespace mlir::qsnn::hls;

namespace {

using Wide = __int128;
struct Range {
  Wide lo = 0, hi = 0;
};

Range hull(Range a, Range b) {
  return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
}
Range add(Range a, Range b) { return {a.lo + b.lo, a.hi + b.hi}; }
Range scale(Range a, Wide k) {
  return k >= 0 ? Range{a.lo * k, a.hi * k} : Range{a.hi * k, a.lo * k};
}
/// The range including 0: padded taps contribute nothing.
Range withZero(Range a) { return hull(a, Range{0, 0}); }

Range typeRange(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  Type element = shaped ? shaped.getElementType() : type;
  unsigned width = element.getIntOrFloatBitWidth();
  if (width == 1)
    return {0, 1};
  if (element.isUnsignedInteger())
    return {0, (Wide(1) << width) - 1};
  return {-(Wide(1) << (width - 1)), (Wide(1) << (width - 1)) - 1};
}

unsigned bitsOf(Range r) {
  for (unsigned bits = 1; bits < 127; ++bits)
    if (r.lo >= -(Wide(1) << (bits - 1)) && r.hi < (Wide(1) << (bits - 1)))
      return bits;
  return 127;
}

int64_t clampWide(Wide v) {
  return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : int64_t(v);
}

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

/// Range of a weighted sum over the weights of output `o`: `weights` is
/// [O, fanIn] flattened; each tap adds w * x for x in `input`.
Range weightedSum(ArrayRef<int64_t> weights, int64_t fanIn, int64_t o,
                  Range input) {
  Range sum;
  for (int64_t k = 0; k < fanIn; ++k)
    sum = add(sum, scale(input, weights[o * fanIn + k]));
  return sum;
}

class Analysis {
public:
  Analysis(int64_t batch) : batch(batch) {}
  void run(Operation *op, LayerInfo &layer);
  llvm::DenseMap<Value, Range> ranges;

private:
  Range of(Value value) {
    auto it = ranges.find(value);
    return it != ranges.end() ? it->second : typeRange(value.getType());
  }
  void synaptic(Value weight, Value input, int64_t fanIn, int64_t outputs,
                Range in, LayerInfo &layer, Range &result);
  int64_t batch;
};

void Analysis::synaptic(Value weight, Value input, int64_t fanIn,
                        int64_t outputElements, Range in, LayerInfo &layer,
                        Range &result) {
  SmallVector<int64_t> w;
  DenseIntElementsAttr values;
  if (matchPattern(weight, m_Constant(&values)))
    for (const APInt &v : values.getValues<APInt>())
      w.push_back(v.getSExtValue());
  else
    w.assign(elements(weight), 127);
  int64_t outChannels = int64_t(w.size()) / fanIn;
  result = {0, 0};
  for (int64_t o = 0; o < outChannels; ++o)
    result = hull(result, weightedSum(w, fanIn, o, in));
  bool binary = !w.empty() && llvm::all_of(w, [](int64_t v) {
    return v == 1 || v == -1;
  });
  int64_t work = outputElements * fanIn / batch;
  (binary ? layer.binaryMacs : layer.macs) = work;
  layer.weightRomBits = int64_t(w.size()) * (binary ? 1 : 8);
  auto element = cast<ShapedType>(input.getType()).getElementType();
  if (binary && element.isInteger(1))
    layer.popcountWords =
        outputElements / batch * int64_t(llvm::divideCeil(fanIn, 64));
}

void Analysis::run(Operation *op, LayerInfo &layer) {
  Range result = op->getNumResults() ? typeRange(op->getResult(0).getType())
                                     : Range{};
  if (auto center = dyn_cast<ICenterOp>(op)) {
    ArrayRef<int64_t> zp = center.getZeroPoint();
    Wide lo = *llvm::max_element(zp), hi = *llvm::min_element(zp);
    result = {-lo, 255 - hi};
    layer.constantRomBits = int64_t(zp.size()) * 16;
  } else if (auto conv = dyn_cast<IConv2DOp>(op)) {
    auto w = cast<ShapedType>(conv.getWeight().getType());
    int64_t kernel = w.getDimSize(2) * w.getDimSize(3);
    Range in = withZero(of(conv.getInput()));
    if (conv.getPerInputChannel()) {
      // One sum per (o, c): the fan-in is the window only.
      synaptic(conv.getWeight(), conv.getInput(), kernel,
               elements(conv.getResult()), in, layer, result);
    } else {
      synaptic(conv.getWeight(), conv.getInput(),
               w.getDimSize(1) * kernel, elements(conv.getResult()), in,
               layer, result);
    }
  } else if (auto linear = dyn_cast<ILinearOp>(op)) {
    auto w = cast<ShapedType>(linear.getWeight().getType());
    synaptic(linear.getWeight(), linear.getInput(), w.getDimSize(1),
             elements(linear.getResult()), of(linear.getInput()), layer,
             result);
  } else if (auto pool = dyn_cast<ISumPool2DOp>(op)) {
    ArrayRef<int64_t> k = pool.getKernel();
    result = scale(withZero(of(pool.getInput())), k[0] * k[1]);
  } else if (auto affine = dyn_cast<IAffineOp>(op)) {
    ArrayRef<int64_t> a = affine.getMultiplier(), b = affine.getBias();
    int64_t perOutput = int64_t(a.size()) / int64_t(b.size());
    Range in = of(affine.getInput());
    result = {0, 0};
    for (size_t o = 0; o < b.size(); ++o) {
      Range g{b[o], b[o]};
      for (int64_t c = 0; c < perOutput; ++c)
        g = add(g, scale(in, a[o * perOutput + c]));
      result = o ? hull(result, g) : g;
    }
    layer.macs = elements(affine.getResult()) * perOutput / batch;
    layer.constantRomBits = int64_t(a.size() + b.size()) * 64;
  } else if (auto lif = dyn_cast<ILIFOp>(op)) {
    int64_t levels = lif.getLevels();
    Range state{-levels, levels};
    Range g = add(scale(state, lif.getTauQ()), of(lif.getInput()));
    ranges[op->getResult(0)] = {0, 1};
    layer.lo = clampWide(g.lo);
    layer.hi = clampWide(g.hi);
    layer.accBits = bitsOf(g);
    layer.irBits = 64;
    unsigned stateBits = ILIFOp::getStateBits(levels);
    auto type = cast<ShapedType>(lif.getType());
    layer.stateBits = type.getNumElements() / type.getDimSize(0) * stateBits;
    return;
  } else if (auto readout = dyn_cast<IReadoutOp>(op)) {
    result = scale(of(readout.getInput()), readout.getTimeSteps());
  } else if (auto sum = dyn_cast<AddOp>(op)) {
    result = add(of(sum.getLhs()), of(sum.getRhs()));
  } else if (isa<EncodeOp, FlattenOp>(op)) {
    result = of(op->getOperand(0));
  } else if (auto maxPool = dyn_cast<MaxPool2DOp>(op)) {
    result = withZero(of(maxPool.getInput()));
  }
  if (op->getNumResults() == 1) {
    ranges[op->getResult(0)] = result;
    layer.lo = clampWide(result.lo);
    layer.hi = clampWide(result.hi);
    layer.accBits = bitsOf(result);
    auto type = cast<ShapedType>(op->getResult(0).getType());
    layer.irBits = type.getElementTypeBitWidth();
  }
}

} // namespace

std::vector<LayerInfo> hls::annotateLayers(func::FuncOp func, int64_t batch) {
  std::vector<LayerInfo> layers;
  Analysis analysis(std::max<int64_t>(batch, 1));
  for (BlockArgument arg : func.getArguments())
    if (auto type = dyn_cast<ShapedType>(arg.getType()))
      if (type.getElementType().isInteger(8))
        analysis.ranges[arg] = {0, 255};
  MLIRContext *context = func.getContext();
  func.walk([&](Operation *op) {
    if (!isa<QSNNDialect>(op->getDialect()))
      return;
    LayerInfo layer;
    layer.op = op->getName().getStringRef().str();
    std::string kind = op->getName().stripDialect().str();
    layer.tag = "L" + std::to_string(layers.size()) + "_" + kind;
    if (auto name = dyn_cast<NameLoc>(op->getLoc())) {
      std::string onnx = name.getName().str();
      for (char &c : onnx)
        if (!llvm::isAlnum(c))
          c = '_';
      layer.tag += "_" + onnx.substr(0, 24);
    }
    layer.signature = signature(op);
    analysis.run(op, layer);
    std::string metadata = (kLayerPrefix + layer.tag + ": " +
                            layer.signature)
                               .str();
    op->setLoc(FusedLoc::get(context, {op->getLoc()},
                             StringAttr::get(context, metadata)));
    layers.push_back(layer);
  });
  return layers;
}
