//===- qsnn-kernel-bench-peak.cpp - AND + popcount peak loops -------------===//
//
// Each loop keeps its operands in registers: per step and accumulator j,
// acc[j] += popcount(a[j] & b). An empty `asm volatile` that claims to
// modify every a[j] ends each step, so the compiler can neither hoist the
// AND/popcount out of the loop (the values look new each step) nor fold the
// loop into a multiplication; it emits no instruction. The dependency chain
// of an accumulator is one ADD per step, and there are enough accumulators
// for the AND/popcount/ADD throughput, not their latency, to set the pace.
//
// Compiled for the baseline ISA; each loop enables its own instructions with
// a target attribute and runs only where __builtin_cpu_supports says so.
//
//===----------------------------------------------------------------------===//

#include "qsnn-kernel-bench-peak.h"

#include <immintrin.h>

namespace qsnn::bench {

namespace {

// Distinct bit patterns for the operands (any values would do).
constexpr uint64_t kPatterns[8] = {
    0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull,
    0x2545f4914f6cdd1dull, 0xd6e8feb86659fd93ull, 0xa0761d6478bd642full,
    0xe7037ed1a0b428dbull, 0x8ebc6af09c88c6e3ull};

//--- AVX-512 VPOPCNTDQ: VPANDQ + VPOPCNTQ + VPADDQ on zmm (8 words each).
constexpr int kZmmChains = 8;

__attribute__((target("avx512f,avx512vpopcntdq"))) uint64_t
runAvx512(uint64_t iterations) {
  __m512i a0 = _mm512_set1_epi64(kPatterns[0]);
  __m512i a1 = _mm512_set1_epi64(kPatterns[1]);
  __m512i a2 = _mm512_set1_epi64(kPatterns[2]);
  __m512i a3 = _mm512_set1_epi64(kPatterns[3]);
  __m512i a4 = _mm512_set1_epi64(kPatterns[4]);
  __m512i a5 = _mm512_set1_epi64(kPatterns[5]);
  __m512i a6 = _mm512_set1_epi64(kPatterns[6]);
  __m512i a7 = _mm512_set1_epi64(kPatterns[7]);
  __m512i b = _mm512_set1_epi64(0x5555aaaa3333ccccull);
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0, s4 = s0,
          s5 = s0, s6 = s0, s7 = s0;
  for (uint64_t i = 0; i < iterations; ++i) {
    s0 = _mm512_add_epi64(s0, _mm512_popcnt_epi64(_mm512_and_si512(a0, b)));
    s1 = _mm512_add_epi64(s1, _mm512_popcnt_epi64(_mm512_and_si512(a1, b)));
    s2 = _mm512_add_epi64(s2, _mm512_popcnt_epi64(_mm512_and_si512(a2, b)));
    s3 = _mm512_add_epi64(s3, _mm512_popcnt_epi64(_mm512_and_si512(a3, b)));
    s4 = _mm512_add_epi64(s4, _mm512_popcnt_epi64(_mm512_and_si512(a4, b)));
    s5 = _mm512_add_epi64(s5, _mm512_popcnt_epi64(_mm512_and_si512(a5, b)));
    s6 = _mm512_add_epi64(s6, _mm512_popcnt_epi64(_mm512_and_si512(a6, b)));
    s7 = _mm512_add_epi64(s7, _mm512_popcnt_epi64(_mm512_and_si512(a7, b)));
    asm volatile(""
                 : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5),
                   "+v"(a6), "+v"(a7));
  }
  __m512i sum = _mm512_add_epi64(
      _mm512_add_epi64(_mm512_add_epi64(s0, s1), _mm512_add_epi64(s2, s3)),
      _mm512_add_epi64(_mm512_add_epi64(s4, s5), _mm512_add_epi64(s6, s7)));
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, sum);
  uint64_t total = 0;
  for (uint64_t lane : lanes)
    total += lane;
  return total;
}

//--- AVX2: VPAND, then the nibble-lookup popcount (W. Muła): two VPSHUFB
// table lookups on the low and high nibbles, VPADDB into per-byte counters;
// every 16 steps VPSADBW folds the byte counters into 64-bit sums (16 steps
// x at most 8 per byte stay below 256). 4 words per vector.
constexpr int kYmmChains = 4;
constexpr int kYmmStepsPerFold = 16;

/// Byte-wise popcount of a & b.
__attribute__((target("avx2"), always_inline)) inline __m256i
countBytes(__m256i a, __m256i b, __m256i lut, __m256i low) {
  __m256i v = _mm256_and_si256(a, b);
  __m256i lo = _mm256_and_si256(v, low);
  __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
  return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo),
                         _mm256_shuffle_epi8(lut, hi));
}

__attribute__((target("avx2"))) uint64_t runAvx2(uint64_t iterations) {
  const __m256i lut =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, //
                       0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  __m256i a0 = _mm256_set1_epi64x(static_cast<int64_t>(kPatterns[0]));
  __m256i a1 = _mm256_set1_epi64x(static_cast<int64_t>(kPatterns[1]));
  __m256i a2 = _mm256_set1_epi64x(static_cast<int64_t>(kPatterns[2]));
  __m256i a3 = _mm256_set1_epi64x(static_cast<int64_t>(kPatterns[3]));
  __m256i b = _mm256_set1_epi64x(0x5555aaaa3333ccccll);
  __m256i total = _mm256_setzero_si256();
  for (uint64_t i = 0; i < iterations; ++i) {
    __m256i c0 = _mm256_setzero_si256(), c1 = c0, c2 = c0, c3 = c0;
    for (int step = 0; step < kYmmStepsPerFold; ++step) {
      c0 = _mm256_add_epi8(c0, countBytes(a0, b, lut, low));
      c1 = _mm256_add_epi8(c1, countBytes(a1, b, lut, low));
      c2 = _mm256_add_epi8(c2, countBytes(a2, b, lut, low));
      c3 = _mm256_add_epi8(c3, countBytes(a3, b, lut, low));
      asm volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3));
    }
    const __m256i zero = _mm256_setzero_si256();
    total = _mm256_add_epi64(
        total, _mm256_add_epi64(_mm256_add_epi64(_mm256_sad_epu8(c0, zero),
                                                 _mm256_sad_epu8(c1, zero)),
                                _mm256_add_epi64(_mm256_sad_epu8(c2, zero),
                                                 _mm256_sad_epu8(c3, zero))));
  }
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), total);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

//--- Scalar POPCNT: AND + POPCNT + ADD on general-purpose registers, four
// independent chains (one word each).
constexpr int kScalarChains = 4;

__attribute__((target("popcnt"))) uint64_t runScalar(uint64_t iterations) {
  uint64_t a0 = kPatterns[0], a1 = kPatterns[1], a2 = kPatterns[2],
           a3 = kPatterns[3];
  const uint64_t b = 0x5555aaaa3333ccccull;
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (uint64_t i = 0; i < iterations; ++i) {
    s0 += static_cast<uint64_t>(__builtin_popcountll(a0 & b));
    s1 += static_cast<uint64_t>(__builtin_popcountll(a1 & b));
    s2 += static_cast<uint64_t>(__builtin_popcountll(a2 & b));
    s3 += static_cast<uint64_t>(__builtin_popcountll(a3 & b));
    asm volatile("" : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3));
  }
  return s0 + s1 + s2 + s3;
}

bool supports(const char *feature) {
  // __builtin_cpu_supports needs a string literal.
  __builtin_cpu_init();
  std::string name = feature;
  if (name == "avx512f")
    return __builtin_cpu_supports("avx512f");
  if (name == "avx512vpopcntdq")
    return __builtin_cpu_supports("avx512vpopcntdq");
  if (name == "avx2")
    return __builtin_cpu_supports("avx2");
  if (name == "popcnt")
    return __builtin_cpu_supports("popcnt");
  return false;
}

} // namespace

std::vector<std::pair<std::string, bool>> popcountCpuFeatures() {
  std::vector<std::pair<std::string, bool>> features;
  for (const char *name : {"avx512f", "avx512vpopcntdq", "avx2", "popcnt"})
    features.emplace_back(name, supports(name));
  return features;
}

std::vector<PopcountPeak> availablePopcountPeaks() {
  std::vector<PopcountPeak> peaks;
  if (supports("avx512f") && supports("avx512vpopcntdq"))
    peaks.push_back({"avx512_vpopcntdq",
                     "zmm: VPANDQ + VPOPCNTQ + VPADDQ, 8 independent "
                     "accumulators, register operands",
                     static_cast<uint64_t>(kZmmChains) * 8, runAvx512});
  if (supports("avx2"))
    peaks.push_back(
        {"avx2_pshufb",
         "ymm: VPAND + nibble-LUT popcount (2x VPSHUFB, VPSRLW, 2x VPAND, "
         "VPADDB) into byte counters, VPSADBW every 16 steps, 4 chains",
         static_cast<uint64_t>(kYmmChains) * kYmmStepsPerFold * 4, runAvx2});
  if (supports("popcnt"))
    peaks.push_back({"scalar_popcnt",
                     "64-bit GPRs: AND + POPCNT + ADD, 4 independent chains",
                     static_cast<uint64_t>(kScalarChains), runScalar});
  return peaks;
}

} // namespace qsnn::bench
