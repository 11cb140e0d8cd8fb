//===- Compare.h - compare artifact outputs with expected tensors -*- C++
//-*-===//
#ifndef QSNN_TOOLS_QSNN_RUN_COMPARE_H
#define QSNN_TOOLS_QSNN_RUN_COMPARE_H

#include "TensorFile.h"

#include "qsnn_abi.h"

#include <string>

namespace qsnn::run {

/// How one output compared (docs/spec.md §7):
/// - float expected, float artifact: |a - e| <= atol + rtol * |e| everywhere;
/// - int64 expected (integer logits z) or uint8 expected: exact equality;
/// - float expected, integer artifact: float logits z / (T * 2^F) are
///   reported with their max error, and the output passes only if every
///   row's argmax agrees.
struct OutputComparison {
  std::string name;
  std::string method; ///< "allclose", "exact" or "argmax"
  int64_t elements = 0;
  int64_t mismatches = 0;
  double maxAbsError = 0;
  int64_t rows = 0, argmaxAgreements = 0; ///< rank-2 outputs only
  bool passed = false;
  std::string note; ///< why it failed, when it failed for a structural reason
};

/// Index of the largest value of `row` (ties: the lowest index).
template <typename T> int64_t argmax(const T *row, int64_t size) {
  int64_t best = 0;
  for (int64_t k = 1; k < size; ++k)
    if (row[k] > row[best])
      best = k;
  return best;
}

OutputComparison compareOutput(const HostTensor &expected,
                               const HostTensor &actual,
                               const qsnn_model_info &info, double rtol,
                               double atol);

/// 64-bit FNV-1a of a buffer: "the logits' checksum" in reports.
uint64_t fnv1a(const void *data, size_t bytes, uint64_t seed = 0);

} // namespace qsnn::run

#endif // QSNN_TOOLS_QSNN_RUN_COMPARE_H
