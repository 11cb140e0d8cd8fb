//===- QuantizeToIntegerNeurons.cpp - integer currents, LIF and readout ---===//
//
// A current sum_i a_i[o] * c_i + b[o] in units of Delta * 2^-F:
// A_i = rne(a_i / Delta * 2^F), B = rne(b / Delta * 2^F), with
// F = P - 1 - floor(log2 max |a / Delta|) over all terms (branches meeting at
// one LIF share F). Each term becomes one qsnn.iaffine; the first carries the
// whole bias B (the branch biases are summed in double before rounding, as
// reference.py does), the others B = 0. The LIF constants follow docs/spec.md
// §4.
//
//===----------------------------------------------------------------------===//
#include "QuantizeToInteger.h"

#include "mlir/IR/Diagnostics.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::quantize;

namespace {

constexpr int64_t kMinFracBits = 1;
constexpr int64_t kMaxFracBits = 62;

/// Whether a rounded double is an integer an i64 attribute can hold.
bool fitsI64(double value) {
  return std::isfinite(value) && std::abs(value) < 9223372036854775808.0;
}

struct IntegerCurrent {
  Value value;
  int64_t fracBits = 0;
  /// max |g| per output channel.
  SmallVector<Bound> bound;
};

/// Emits `current` in units of `unit * 2^-F` at the builder's insertion
/// point; diagnostics go to `anchor` (the LIF or readout).
FailureOr<IntegerCurrent> emitCurrent(OpBuilder &builder, Operation *anchor,
                                      const Current &current, double unit,
                                      int64_t multiplierBits) {
  double largest = 0.0;
  for (const Term &term : current.terms)
    for (double a : term.multipliers)
      largest = std::max(largest, std::abs(a / unit));
  if (!(largest > 0.0) || !std::isfinite(largest))
    return quantize::layerError(anchor)
           << "has no usable multiplier: the largest |a/Delta| is "
           << formatNumber(largest, 10);
  int64_t fracBits =
      multiplierBits - 1 - static_cast<int64_t>(std::floor(std::log2(largest)));
  if (fracBits < kMinFracBits || fracBits > kMaxFracBits)
    return quantize::layerError(anchor)
           << "needs frac_bits F = " << fracBits << ", outside ["
           << kMinFracBits << ", " << kMaxFracBits
           << "]: the largest multiplier |a/Delta| is "
           << formatNumber(largest, 10) << " with --multiplier-bits "
           << multiplierBits;
  double scale = std::ldexp(1.0, static_cast<int>(fracBits));

  IntegerCurrent result;
  result.fracBits = fracBits;
  int64_t outChannels = current.bias.size();
  result.bound.assign(outChannels, 0);
  Location loc = anchor->getLoc();
  for (auto [index, term] : llvm::enumerate(current.terms)) {
    SmallVector<int64_t> multipliers, biases(outChannels, 0);
    for (double a : term.multipliers) {
      double fixed = roundHalfEven(a / unit * scale);
      if (!fitsI64(fixed))
        return quantize::layerError(anchor)
               << "multiplier " << formatNumber(a / unit * scale, 10)
               << " does not fit i64";
      multipliers.push_back(static_cast<int64_t>(fixed));
    }
    if (index == 0) {
      for (int64_t o = 0; o < outChannels; ++o) {
        double fixed = roundHalfEven(current.bias[o] / unit * scale);
        if (!fitsI64(fixed))
          return quantize::layerError(anchor)
                 << "bias " << formatNumber(current.bias[o] / unit * scale, 10)
                 << " of channel " << o << " does not fit i64";
        biases[o] = static_cast<int64_t>(fixed);
      }
    }
    // |A c + B| <= sum_c |A| max|c| + |B| per output channel.
    SmallVector<Bound> termBound(outChannels, 0);
    for (int64_t o = 0; o < outChannels; ++o) {
      Bound sum = static_cast<Bound>(std::abs(biases[o]));
      for (int64_t c = 0; c < term.inputChannels; ++c) {
        int64_t at = o * term.inputChannels + c;
        sum = addBounds(sum,
                        mulBounds(static_cast<Bound>(std::abs(multipliers[at])),
                                  term.bound[at]));
      }
      termBound[o] = sum;
      result.bound[o] = addBounds(result.bound[o], sum);
    }
    Bound termMax = *llvm::max_element(termBound);
    if (termMax > kI64Max)
      return quantize::layerError(anchor)
             << "accumulator may overflow i64: the current of term #" << index
             << " can reach " << formatBound(termMax) << " ("
             << signedBits(termMax) << " bits)";
    auto affine = builder.create<IAffineOp>(loc, term.sums, multipliers, biases,
                                            fracBits, term.perInputChannel);
    Value value = affine;
    if (term.pendingSteps > 0)
      value = builder.create<EncodeOp>(loc, value, term.pendingSteps);
    if (!result.value) {
      result.value = value;
      continue;
    }
    Bound joined = *llvm::max_element(result.bound);
    if (joined > kI64Max)
      return quantize::layerError(anchor)
             << "accumulator may overflow i64: the joined current can reach "
             << formatBound(joined) << " (" << signedBits(joined) << " bits)";
    auto add = builder.create<AddOp>(loc, result.value, value);
    result.value = add;
  }
  return result;
}

} // namespace

FailureOr<Value> quantize::emitIntegerLIF(OpBuilder &builder, LIFOp lif,
                                          const Current &current,
                                          int64_t multiplierBits) {
  // A strict threshold has an integer form (below); the other NIR dynamics
  // do not (docs/spec.md §8.5).
  if (lif.getReset() != Reset::Hard || !lif.getVReset().isZero() ||
      lif.getEmitMembrane())
    return quantize::layerError(lif)
           << "uses the NIR dynamics (subtract or no reset, a non-zero "
              "v_reset, or a membrane output) that have no integer form; "
              "compile with --numerics float";
  int64_t levels = lif.getNumLevels();
  if (levels == 0)
    return quantize::layerError(lif)
           << "has membrane_bits = 32: k = 32 has no integer form; compile "
              "with --numerics float";
  if (!lif.getAlphaU())
    return quantize::layerError(lif)
           << "has no alpha_u: the integer form needs the trained membrane "
              "range for the unit Delta = alpha_u / L";
  double alpha = asFloat32(lif.getAlphaU()->convertToDouble());
  double tau = asFloat32(lif.getTau().convertToDouble());
  double theta = asFloat32(lif.getThreshold().convertToDouble());
  double unit = alpha / static_cast<double>(levels);

  FailureOr<IntegerCurrent> g =
      emitCurrent(builder, lif, current, unit, multiplierBits);
  if (failed(g))
    return failure();
  int64_t fracBits = g->fracBits;
  double scale = std::ldexp(1.0, static_cast<int>(fracBits));
  double tauQ = roundHalfEven(tau * scale);
  // g >= theta/Delta*2^F for an integer g is g >= ceil(...); g > ... is
  // g >= floor(...) + 1 (strict, NIR's v > v_threshold).
  bool strict = lif.getStrict();
  auto least = [&](double bound) {
    return strict ? std::floor(bound) + 1.0 : std::ceil(bound);
  };
  double thetaG = least(theta / unit * scale);
  double thetaM = least(theta / unit);
  bool full = lif.getFireOn() == FireOn::Full;
  double threshold = full ? thetaG : thetaM;
  if (!fitsI64(tauQ) || !fitsI64(threshold))
    return quantize::layerError(lif)
           << "tau_q " << formatNumber(tauQ, 10) << " or threshold "
           << formatNumber(threshold, 10) << " does not fit i64";

  // g = tau_q * m + current with |m| <= L; rnd adds 2^(F-1) before the shift.
  Bound memory = mulBounds(static_cast<Bound>(tauQ), levels);
  Bound reach = addBounds(memory, *llvm::max_element(g->bound));
  Bound accumulator = addBounds(reach, Bound(1) << (fracBits - 1));
  if (accumulator > kI64Max)
    return quantize::layerError(lif)
           << "accumulator may overflow i64: tau_q*L + |current| + 2^(F-1) "
              "can reach "
           << formatBound(accumulator) << " (" << signedBits(accumulator)
           << " bits)";
  if (full && thetaG > 0 && static_cast<Bound>(thetaG) > reach)
    quantize::layerWarning(lif)
        << "can never fire: theta_g = " << static_cast<int64_t>(thetaG)
        << " exceeds the largest reachable g = tau_q*L + "
           "max|current| = "
        << formatBound(reach);
  if (!full && thetaM > static_cast<double>(levels))
    quantize::layerWarning(lif)
        << "can never fire: theta_m = " << static_cast<int64_t>(thetaM)
        << " exceeds the largest membrane level L = " << levels;

  auto ilif = builder.create<ILIFOp>(
      lif.getLoc(), g->value, lif.getTimeStepsAttr(),
      builder.getI64IntegerAttr(fracBits),
      builder.getI64IntegerAttr(static_cast<int64_t>(tauQ)),
      builder.getI64IntegerAttr(static_cast<int64_t>(threshold)),
      builder.getI64IntegerAttr(levels), lif.getFireOnAttr());
  return ilif.getResult();
}

FailureOr<Value> quantize::emitIntegerReadout(OpBuilder &builder,
                                              ReadoutOp readout,
                                              const Current &current,
                                              int64_t multiplierBits) {
  FailureOr<IntegerCurrent> g =
      emitCurrent(builder, readout, current, 1.0, multiplierBits);
  if (failed(g))
    return failure();
  int64_t steps = readout.getTimeSteps();
  Bound total = mulBounds(*llvm::max_element(g->bound), steps);
  if (total > kI64Max)
    return quantize::layerError(readout)
           << "accumulator may overflow i64: the logits summed over " << steps
           << " steps can reach " << formatBound(total) << " ("
           << signedBits(total) << " bits)";
  auto ireadout = builder.create<IReadoutOp>(readout.getLoc(), g->value, steps,
                                             g->fracBits);
  return ireadout.getResult();
}
