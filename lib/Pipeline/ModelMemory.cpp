//===- ModelMemory.cpp - the model's memory at its bit widths -------------===//
//
// What a Q-SNN needs at its storage bit widths (docs/spec.md §6): 1-bit binary
// and 8-bit weights, the per-channel constants, and the membranes of the
// LIF layers. The layer-major schedule runs each LIF over all T steps before
// the next layer starts, so only one layer's membranes are live: the peak is
// the largest layer. The CPU code stores some of these in wider types
// (byte-addressed membranes, padded weight words); this is the figure a
// bit-exact accelerator needs, comparable to Table 2 of the paper.
//
// The paper counts the per-channel constants differently: its Table 2 is
// weights at their bit widths + the trained model's other parameters as
// 32-bit floats (BatchNorm gamma and beta, the classifier's bias) + the
// largest layer's membranes x k bits x batch, in MB = 10^6 bytes
// (docs/table2.md recomputes it for ResNet19). paperConstantBytes follows
// that convention; constantBytes counts what the integer model stores.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Pipeline/ModelDescription.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn;

namespace {

/// Elements of a statically shaped value; 0 for an absent optional operand.
int64_t countElements(Value value) {
  if (!value)
    return 0;
  auto type = dyn_cast<ShapedType>(value.getType());
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

/// True when `weight` is a constant holding only -1 and +1.
bool isBinaryConstant(Value weight) {
  DenseIntElementsAttr values;
  if (!matchPattern(weight, m_Constant(&values)))
    return false;
  return llvm::all_of(values.getValues<APInt>(), [](const APInt &v) {
    int64_t s = v.getSExtValue();
    return s == 1 || s == -1;
  });
}

/// Bits of a membrane in [-L, L]: the sign and the bits of L.
int64_t membraneBits(int64_t levels) {
  return levels == 0 ? 32 : ILIFOp::getStateBits(levels);
}

/// Membranes per sample of one LIF over a time-merged [T*N, ...] tensor.
int64_t neuronsPerSample(Value spikes) {
  auto type = cast<ShapedType>(spikes.getType());
  if (!type.hasStaticShape() || type.getRank() == 0 || type.getDimSize(0) == 0)
    return 0;
  return type.getNumElements() / type.getDimSize(0);
}

/// The +-1 weights of a bit-packed convolution: weight_bits is
/// [KH, KW, words, O_padded]; the input [N, C, H, W] and the result
/// [N, O, OH, OW] give the real C and O.
int64_t binaryConvSigns(BConv2DOp conv) {
  auto weights = cast<ShapedType>(conv.getWeightBits().getType());
  auto input = cast<ShapedType>(conv.getInput().getType());
  auto output = cast<ShapedType>(conv.getResult().getType());
  if (!weights.hasStaticShape() || weights.getRank() != 4 ||
      !input.hasStaticShape() || input.getRank() != 4 ||
      !output.hasStaticShape() || output.getRank() != 4)
    return 0;
  return weights.getDimSize(0) * weights.getDimSize(1) * input.getDimSize(1) *
         output.getDimSize(1);
}

/// Output channels of a synaptic layer's result ([N, O, ...]).
int64_t outputChannels(Value result) {
  auto type = dyn_cast<ShapedType>(result.getType());
  return type && type.hasStaticShape() && type.getRank() >= 2
             ? type.getDimSize(1)
             : 0;
}

/// True when an integer synaptic layer's sums feed the readout (through its
/// iaffine): the classifier, which has a bias and no BatchNorm.
bool feedsIntegerReadout(Value sums) {
  for (Operation *user : sums.getUsers()) {
    if (isa<IReadoutOp>(user))
      return true;
    if (isa<IAffineOp>(user) &&
        llvm::any_of(user->getResult(0).getUsers(),
                     [](Operation *op) { return isa<IReadoutOp>(op); }))
      return true;
  }
  return false;
}

/// The paper's 32-bit per-channel parameters of the integer synaptic layer
/// producing `sums`: BatchNorm gamma and beta per output channel, or the
/// classifier's bias. (Identity shortcuts and the input normalization,
/// which have no synaptic layer, have none.)
int64_t paperIntegerConstantBytes(Value sums) {
  return 4 * outputChannels(sums) * (feedsIntegerReadout(sums) ? 1 : 2);
}

} // namespace

void qsnn::describeModelMemory(func::FuncOp func, int64_t batch,
                               MemoryPlan &plan) {
  int64_t binaryBits = 0;
  plan.int8WeightBytes = plan.floatWeightBytes = plan.constantBytes = 0;
  plan.membraneBitsPerSample = plan.membraneCountPerSample = 0;
  plan.weightCount = plan.paperConstantBytes = 0;
  auto addWeights = [&](Value weight, WeightQuant quant) {
    int64_t count = countElements(weight);
    plan.weightCount += count;
    if (quant == WeightQuant::Binary)
      binaryBits += count;
    else if (quant == WeightQuant::Int8)
      plan.int8WeightBytes += count;
    else
      plan.floatWeightBytes += 4 * count;
  };
  auto addMembranes = [&](Value spikes, int64_t levels) {
    int64_t neurons = neuronsPerSample(spikes);
    if (neurons * membraneBits(levels) > plan.membraneBitsPerSample) {
      plan.membraneBitsPerSample = neurons * membraneBits(levels);
      plan.membraneCountPerSample = neurons;
    }
  };
  // Step-major (qsnn.ilif_step): every layer's membranes stay live for the
  // whole time loop, so they add up instead of taking the largest layer.
  int64_t steppedBits = 0, steppedCount = 0;
  func.walk([&](Operation *op) {
    if (auto step = dyn_cast<ILIFStepOp>(op)) {
      int64_t neurons = neuronsPerSample(step.getSpikes());
      steppedBits += neurons * membraneBits(step.getLevels());
      steppedCount += neurons;
    } else if (auto conv = dyn_cast<IConv2DOp>(op)) {
      addWeights(conv.getWeight(), isBinaryConstant(conv.getWeight())
                                       ? WeightQuant::Binary
                                       : WeightQuant::Int8);
      plan.paperConstantBytes += paperIntegerConstantBytes(conv.getResult());
    } else if (auto conv = dyn_cast<BConv2DOp>(op)) {
      // qsnn-pack-bits' form of a binary iconv2d: count the KH x KW x C x O
      // signs, not the padded words that hold them.
      int64_t signs = binaryConvSigns(conv);
      plan.weightCount += signs;
      binaryBits += signs;
      plan.paperConstantBytes += paperIntegerConstantBytes(conv.getResult());
    } else if (auto linear = dyn_cast<ILinearOp>(op)) {
      addWeights(linear.getWeight(), isBinaryConstant(linear.getWeight())
                                         ? WeightQuant::Binary
                                         : WeightQuant::Int8);
      plan.paperConstantBytes += paperIntegerConstantBytes(linear.getResult());
    } else if (auto affine = dyn_cast<IAffineOp>(op))
      plan.constantBytes +=
          8 * (affine.getMultiplier().size() + affine.getBias().size());
    else if (auto center = dyn_cast<ICenterOp>(op))
      plan.constantBytes += 2 * center.getZeroPoint().size();
    else if (auto lif = dyn_cast<ILIFOp>(op))
      addMembranes(lif.getResult(), lif.getLevels());
    else if (auto conv = dyn_cast<Conv2DOp>(op)) {
      addWeights(conv.getWeight(), conv.getQuant());
      plan.constantBytes +=
          4 * (countElements(conv.getScale()) + countElements(conv.getBias()));
      // The paper: a bias is a parameter; the weight scale (alpha_w, s) is
      // computed from the weights.
      plan.paperConstantBytes += 4 * countElements(conv.getBias());
    } else if (auto linear = dyn_cast<LinearOp>(op)) {
      addWeights(linear.getWeight(), linear.getQuant());
      plan.constantBytes += 4 * (countElements(linear.getScale()) +
                                 countElements(linear.getBias()));
      plan.paperConstantBytes += 4 * countElements(linear.getBias());
    } else if (auto norm = dyn_cast<BatchNormOp>(op)) {
      plan.constantBytes += 4 * 4 * countElements(norm.getGamma());
      // gamma and beta; the running statistics are buffers.
      plan.paperConstantBytes += 2 * 4 * countElements(norm.getGamma());
    } else if (auto normalize = dyn_cast<NormalizeOp>(op))
      plan.constantBytes += 8 * normalize.getZeroPoint().size();
    else if (auto lif = dyn_cast<LIFOp>(op))
      addMembranes(lif.getResult(), lif.getNumLevels());
  });
  if (steppedCount > 0) {
    plan.membraneBitsPerSample = steppedBits;
    plan.membraneCountPerSample = steppedCount;
  }
  plan.binaryWeightBytes = llvm::divideCeil(binaryBits, 8);
  plan.membraneBytes = llvm::divideCeil(plan.membraneBitsPerSample * batch, 8);
}
