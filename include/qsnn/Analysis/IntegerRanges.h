//===- IntegerRanges.h - exact value ranges of the integer model -*- C++
//-*-===//
//
// One range analysis of the deployed integer model (docs/spec.md §4.13),
// shared by every consumer of widths: qsnn-quantize-to-integer records each
// op's accumulator width (`qsnn.acc_bits`), from which the CPU lowering may
// pick narrower types, and the HLS target sizes its `ap_int`s and reports
// the ranges. Ranges are exact intervals computed from the input types, the
// actual weights and the per-channel constants, kept per channel (dimension
// 1) wherever a value has channels.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_ANALYSIS_INTEGERRANGES_H
#define QSNN_ANALYSIS_INTEGERRANGES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::qsnn {

/// A closed interval of integers, exact in 128 bits (saturating far beyond
/// any width a model may use).
struct IntegerRange {
  __int128 lo = 0, hi = 0;

  /// The range of every value of `type` (or of its elements): i1 is [0, 1]
  /// (spikes), unsigned types are non-negative.
  static IntegerRange ofType(Type type);
  /// Bits of the smallest two's-complement integer holding every value.
  unsigned getSignedBits() const;
  /// The bounds clamped to int64, for reports.
  int64_t getLow() const;
  int64_t getHigh() const;
};

/// Ranges of one value: one per channel, or a single one for all elements.
struct ValueRanges {
  llvm::SmallVector<IntegerRange, 1> channels;
  /// The range of every element.
  IntegerRange getHull() const;
  /// The range of channel `c` (the hull when there is a single range).
  IntegerRange get(int64_t c) const {
    return channels.size() == 1 ? channels.front() : channels[c];
  }
};

/// Exact ranges of the values of one function at the integer level, from its
/// arguments' types (uint8 and i8 arguments are pixels or event counts in
/// [0, 255]).
class IntegerRangeAnalysis {
public:
  explicit IntegerRangeAnalysis(func::FuncOp func);

  /// The ranges of `value`; those of its type where the analysis knows
  /// nothing more.
  ValueRanges getRanges(Value value) const;
  IntegerRange getRange(Value value) const {
    return getRanges(value).getHull();
  }

  /// The range the accumulator of an integer op must hold: the result for
  /// sums, affine maps, joins and the readout; for a LIF the value
  /// `g + 2^(F-1)` of docs/spec.md §4.10 over every reachable membrane,
  /// i.e. `tau_q*[-L, L] + current + 2^(F-1)`. None for other ops.
  std::optional<IntegerRange> getAccumulatorRange(Operation *op) const;

private:
  void visit(Operation *op);
  llvm::DenseMap<Value, ValueRanges> ranges;
};

/// Sets `qsnn.acc_bits` on every integer-level op of `func` from the
/// analysis.
void annotateAccumulatorBits(func::FuncOp func);

} // namespace mlir::qsnn

#endif // QSNN_ANALYSIS_INTEGERRANGES_H
