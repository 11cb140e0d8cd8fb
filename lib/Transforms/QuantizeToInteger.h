//===- QuantizeToInteger.h - pieces of qsnn-quantize-to-integer --*- C++
//-*-===//
//
// The pass reads the float network as an abstract interpretation, exactly as
// python/qsnn/reference.py (integer_forward) does: every float tensor is
// either an integer tensor with a per-channel scale and a divisor, or a
// synaptic current sum_i a_i[o] * c_i + b[o] of integer sums c_i. Currents
// become integer ops (iaffine, ilif, ireadout) where a LIF or the readout
// consumes them. See docs/integer.md.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_TRANSFORMS_QUANTIZETOINTEGER_H
#define QSNN_LIB_TRANSFORMS_QUANTIZETOINTEGER_H

#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Dialect/QSNN/QSNNUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>

namespace mlir::qsnn::quantize {

/// Diagnostics that name the layer: the importer gives every op a NameLoc
/// with its ONNX node name, which file:line:col output would not show.
inline std::string layerPrefix(Operation *op) {
  auto name = dyn_cast<NameLoc>(op->getLoc());
  if (!name)
    return "";
  return ("layer '" + name.getName().strref() + "' (" +
          op->getName().getStringRef() + "): ")
      .str();
}
inline InFlightDiagnostic layerError(Operation *op) {
  InFlightDiagnostic diag = op->emitError();
  diag << layerPrefix(op);
  return diag;
}
inline InFlightDiagnostic layerWarning(Operation *op) {
  InFlightDiagnostic diag = op->emitWarning();
  diag << layerPrefix(op);
  return diag;
}

} // namespace mlir::qsnn::quantize

namespace mlir::qsnn::quantize {

/// Magnitude bound of integer values for range analysis: unsigned 128-bit,
/// saturating far above any width we could accept.
using Bound = unsigned __int128;
Bound addBounds(Bound lhs, Bound rhs);
Bound mulBounds(Bound lhs, Bound rhs);
/// Width of a two's-complement integer holding every value in [-b, b].
int64_t signedBits(Bound bound);
std::string formatBound(Bound bound);
constexpr Bound kI32Max = 2147483647;
constexpr Bound kI64Max = 9223372036854775807ULL;

/// Round half to even in double (the default rounding mode), as Python's
/// round() and numpy do.
double roundHalfEven(double value);
/// The float32 value an f64 attribute stands for: the ONNX schema carries
/// float32 numbers and the importer prints them as their shortest decimal.
double asFloat32(double value);

/// An integer tensor standing for the float tensor c * scale[ch] / divisor.
struct IntTensor {
  Value value;
  /// Per channel (dimension 1); a single entry applies to all; empty is 1.
  SmallVector<double> scale;
  int64_t divisor = 1;
  /// max |c| per channel (dimension 1), or a single entry for all.
  SmallVector<Bound> bound;
  /// > 0: stands for `qsnn.encode` of `value` over this many steps, not yet
  /// emitted (the first layer runs once per sample, docs/spec.md §6).
  int64_t pendingSteps = 0;
  /// An i8 tensor holding uint8 values (event counts): qsnn.icenter widens
  /// it before arithmetic.
  bool rawBytes = false;
  bool nonNegative = false;
  /// Reshaped to [T, N, ...] for a function result (NIR Output nodes).
  bool stepped = false;

  Bound boundAt(int64_t channel) const {
    return bound.size() == 1 ? bound.front() : bound[channel];
  }
  double scaleAt(int64_t channel) const {
    if (scale.empty())
      return 1.0;
    return scale.size() == 1 ? scale.front() : scale[channel];
  }
  bool hasUniformScale() const;
};

/// One integer tensor of a current with its float multipliers.
struct Term {
  Value sums;
  /// Per output channel o, or per (o, c) at o * inputChannels + c.
  SmallVector<double> multipliers;
  /// max |sums| matching `multipliers`.
  SmallVector<Bound> bound;
  bool perInputChannel = false;
  int64_t inputChannels = 1;
  int64_t pendingSteps = 0;
};

/// The float current sum_i a_i[o] * c_i + bias[o].
struct Current {
  SmallVector<Term> terms;
  SmallVector<double> bias;
};

/// Emits the integer form of a LIF fed by `current` in place of `lif`;
/// returns its i1 spikes.
FailureOr<Value> emitIntegerLIF(OpBuilder &builder, LIFOp lif,
                                const Current &current, int64_t multiplierBits);

/// Emits the integer readout (Delta = 1) of `current` in place of `readout`;
/// returns the i64 logits z.
FailureOr<Value> emitIntegerReadout(OpBuilder &builder, ReadoutOp readout,
                                    const Current &current,
                                    int64_t multiplierBits);

/// Emits the integer sums of a conv2d/linear over `input`; returns the
/// layer's current (before batch norm).
FailureOr<Current> emitSynapticLayer(OpBuilder &builder, Operation *layer,
                                     const IntTensor &input);

/// Folds a per-neuron `x * gain + shift` (the NIR importer's R, v_leak and
/// Scale, docs/spec.md §8.5) on `input` into its multipliers and bias:
/// a' = a * gain[o], b' = b * gain[o] + shift[o]. Fails (after an error) when
/// `op` is not that idiom or gain/shift vary within a channel.
FailureOr<Current> foldNeuronAffine(Operation *op, const Current &input);

/// Widens raw uint8 bytes with qsnn.icenter (zero points 0); other tensors
/// are returned unchanged.
IntTensor widenRawBytes(OpBuilder &builder, Location loc,
                        const IntTensor &tensor);

} // namespace mlir::qsnn::quantize

#endif // QSNN_LIB_TRANSFORMS_QUANTIZETOINTEGER_H
