//===- Compare.cpp - compare artifact outputs with expected tensors -------===//
#include "Compare.h"

#include <cmath>

using namespace qsnn::run;

namespace {

/// Counts rows of a [rows, K] pair whose argmax agrees.
template <typename A, typename E>
void countArgmax(const A *actual, const E *expected, const HostTensor &shape,
                 OutputComparison &result) {
  if (shape.shape.size() != 2)
    return;
  int64_t rows = shape.shape[0], width = shape.shape[1];
  result.rows = rows;
  for (int64_t r = 0; r < rows; ++r)
    result.argmaxAgreements += argmax(actual + r * width, width) ==
                               argmax(expected + r * width, width);
}

} // namespace

uint64_t qsnn::run::fnv1a(const void *data, size_t bytes, uint64_t seed) {
  uint64_t hash = seed ? seed : 0xcbf29ce484222325ull;
  auto *p = static_cast<const uint8_t *>(data);
  for (size_t i = 0; i < bytes; ++i) {
    hash ^= p[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

OutputComparison qsnn::run::compareOutput(const HostTensor &expected,
                                          const HostTensor &actual,
                                          const qsnn_model_info &info,
                                          double rtol, double atol) {
  OutputComparison result;
  result.name = expected.name.empty() ? actual.name : expected.name;
  result.elements = expected.elements();
  if (expected.shape != actual.shape) {
    result.method = "shape";
    result.note = "expected and computed shapes differ";
    return result;
  }

  if (expected.dtype == QSNN_DTYPE_INT64) {
    result.method = "exact";
    if (actual.dtype != QSNN_DTYPE_INT64) {
      result.note = "the test vector holds int64 integer logits but the "
                    "artifact computes float logits; compile it with "
                    "--numerics integer";
      return result;
    }
    const int64_t *a = actual.as<int64_t>(), *e = expected.as<int64_t>();
    for (int64_t i = 0; i < result.elements; ++i) {
      double error = std::fabs(static_cast<double>(a[i] - e[i]));
      result.maxAbsError = std::max(result.maxAbsError, error);
      result.mismatches += a[i] != e[i];
    }
    countArgmax(a, e, expected, result);
    result.passed = result.mismatches == 0;
    return result;
  }

  if (expected.dtype == QSNN_DTYPE_UINT8) {
    result.method = "exact";
    if (actual.dtype != QSNN_DTYPE_UINT8) {
      result.note = "the test vector holds uint8 values";
      return result;
    }
    for (int64_t i = 0; i < result.elements; ++i) {
      int diff = std::abs(int(actual.bytes[i]) - int(expected.bytes[i]));
      result.maxAbsError = std::max(result.maxAbsError, double(diff));
      result.mismatches += diff != 0;
    }
    result.passed = result.mismatches == 0;
    return result;
  }
  const float *e = expected.as<float>();
  if (actual.dtype == QSNN_DTYPE_FLOAT32) {
    result.method = "allclose";
    const float *a = actual.as<float>();
    for (int64_t i = 0; i < result.elements; ++i) {
      double error = std::fabs(static_cast<double>(a[i]) - e[i]);
      // NaN never compares close, not even to NaN.
      bool close = error <= atol + rtol * std::fabs(static_cast<double>(e[i]));
      result.mismatches += !close;
      if (!std::isnan(error))
        result.maxAbsError = std::max(result.maxAbsError, error);
    }
    countArgmax(a, e, expected, result);
    result.passed = result.mismatches == 0;
    return result;
  }

  // Integer logits against the float model: derive float logits, report
  // their error, pass on argmax agreement (docs/spec.md §7).
  result.method = "argmax";
  const int64_t *z = actual.as<int64_t>();
  double unit = std::ldexp(1.0, -info.readout_frac_bits) /
                static_cast<double>(info.time_steps > 0 ? info.time_steps : 1);
  for (int64_t i = 0; i < result.elements; ++i)
    result.maxAbsError =
        std::max(result.maxAbsError, std::fabs(z[i] * unit - e[i]));
  if (expected.shape.size() != 2) {
    result.note = "argmax agreement needs [N, K] logits";
    return result;
  }
  countArgmax(z, e, expected, result);
  result.mismatches = result.rows - result.argmaxAgreements;
  result.passed = result.mismatches == 0;
  return result;
}
