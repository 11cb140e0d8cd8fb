//===- qsnn-kernel-bench-peak.h - AND + popcount peak loops -----*- C++ -*-===//
//
// The throughput ceiling of a binary (1-bit x 1-bit) multiply-accumulate on
// this CPU: register-resident loops of AND + population count + ADD over
// 64-bit words, with enough independent accumulators to hide latency. No
// loads or stores: the figure is what the execution units can do, the roof
// a bit-packed convolution (docs/spec.md §6, Σ B·s = 2·popcount(s ∧ B⁺) −
// popcount(s)) is measured against. One 64-bit word is 64 binary MACs.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_BENCH_KERNEL_BENCH_PEAK_H
#define QSNN_BENCH_KERNEL_BENCH_PEAK_H

#include <cstdint>
#include <string>
#include <vector>

namespace qsnn::bench {

/// One way of computing popcount(a & b) for a stream of 64-bit words.
struct PopcountPeak {
  /// "avx512_vpopcntdq", "avx2_pshufb" or "scalar_popcnt".
  std::string key;
  /// What the loop does, for the report.
  std::string description;
  /// 64-bit words one iteration of `run` handles.
  uint64_t wordsPerIteration = 0;
  /// Runs `iterations` iterations; returns a checksum (to keep the work).
  uint64_t (*run)(uint64_t iterations) = nullptr;
};

/// The loops this CPU can run (checked with __builtin_cpu_supports), the
/// best first: AVX-512 VPOPCNTDQ, AVX2 (nibble lookup with VPSHUFB), scalar
/// POPCNT.
std::vector<PopcountPeak> availablePopcountPeaks();

/// {"avx512f", "avx512vpopcntdq", "avx2", "popcnt"} -> supported.
std::vector<std::pair<std::string, bool>> popcountCpuFeatures();

} // namespace qsnn::bench

#endif // QSNN_BENCH_KERNEL_BENCH_PEAK_H
