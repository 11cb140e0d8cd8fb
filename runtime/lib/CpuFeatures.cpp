//===- CpuFeatures.cpp - can this CPU run the artifact's code? ------------===//
//
// An artifact records the LLVM target triple and features it was built for.
// Running AVX-512 code on an AVX2-only CPU dies with SIGILL; refuse it with a
// message instead. Only instruction-set features that change generated code
// are checked (x86-64: CPUID through __builtin_cpu_supports; aarch64 Linux:
// the kernel's HWCAP bits through getauxval); LLVM's tuning flags and
// features unknown here are ignored.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <cstring>
#include <string>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

using namespace qsnn::runtime;

namespace {

const char *hostArchitecture() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

/// -1: not a feature this runtime checks; 0: missing; 1: present.
int hostHasFeature(const std::string &feature) {
#if defined(__x86_64__)
  __builtin_cpu_init();
#define QSNN_X86(NAME, BUILTIN)                                                \
  if (feature == NAME)                                                         \
    return __builtin_cpu_supports(BUILTIN) ? 1 : 0;
  QSNN_X86("sse4.1", "sse4.1")
  QSNN_X86("sse4.2", "sse4.2")
  QSNN_X86("popcnt", "popcnt")
  QSNN_X86("avx", "avx")
  QSNN_X86("avx2", "avx2")
  QSNN_X86("fma", "fma")
  QSNN_X86("bmi", "bmi")
  QSNN_X86("bmi2", "bmi2")
  QSNN_X86("avx512f", "avx512f")
  QSNN_X86("avx512bw", "avx512bw")
  QSNN_X86("avx512cd", "avx512cd")
  QSNN_X86("avx512dq", "avx512dq")
  QSNN_X86("avx512vl", "avx512vl")
  QSNN_X86("avx512vpopcntdq", "avx512vpopcntdq")
  QSNN_X86("avx512bitalg", "avx512bitalg")
  QSNN_X86("avx512vnni", "avx512vnni")
  QSNN_X86("avx512vbmi", "avx512vbmi")
  QSNN_X86("avx512fp16", "avx512fp16")
  QSNN_X86("amx-tile", "amx-tile")
#undef QSNN_X86
#endif
#if defined(__aarch64__) && defined(__linux__)
  // LLVM's AArch64 feature names and the Linux HWCAP / HWCAP2 bits that
  // report them (asm/hwcap.h; the values are the kernel's ABI). Only
  // features that add instructions compiled code may use: system and
  // speculation controls (ssbs, sb, dit, bti, mte, pauth, ...) are not
  // used by generated kernels and not reported by every kernel or emulator.
  struct HwcapFeature {
    const char *name;
    int word; // 1: AT_HWCAP, 2: AT_HWCAP2
    unsigned long bit;
  };
  static const HwcapFeature kFeatures[] = {
      {"fp-armv8", 1, 1ul << 0},   {"neon", 1, 1ul << 1},
      {"aes", 1, 1ul << 3},        {"sha2", 1, 1ul << 6},
      {"crc", 1, 1ul << 7},        {"lse", 1, 1ul << 8},
      {"fullfp16", 1, 1ul << 10},  {"rdm", 1, 1ul << 12},
      {"jsconv", 1, 1ul << 13},    {"complxnum", 1, 1ul << 14},
      {"rcpc", 1, 1ul << 15},      {"sha3", 1, 1ul << 17},
      {"sm4", 1, 1ul << 19},       {"dotprod", 1, 1ul << 20},
      {"sve", 1, 1ul << 22},       {"fp16fml", 1, 1ul << 23},
      {"sve2", 2, 1ul << 1},       {"i8mm", 2, 1ul << 13},
      {"bf16", 2, 1ul << 14},      {"sme", 2, 1ul << 23},
  };
  for (const HwcapFeature &known : kFeatures)
    if (feature == known.name) {
      unsigned long caps = getauxval(known.word == 1 ? AT_HWCAP : AT_HWCAP2);
      return (caps & known.bit) ? 1 : 0;
    }
#endif
  (void)feature;
  return -1;
}

/// The advice for a missing feature: a lower CPU level to compile for.
const char *recompileAdvice() {
#if defined(__aarch64__)
  return "recompile it with --target-cpu generic or the name of this CPU "
         "(e.g. cortex-a53)";
#else
  return "recompile it with --target-cpu native or a lower level such as "
         "x86-64-v3";
#endif
}

} // namespace

extern "C" QSNN_EXPORT int qsnn_cpu_supports(const char *triple,
                                             const char *features) {
  std::string arch = triple ? triple : "";
  arch = arch.substr(0, arch.find('-'));
  if (arch == "arm64")
    arch = "aarch64";
  if (!arch.empty() && arch != hostArchitecture()) {
    fail(QSNN_RT_ERR_UNSUPPORTED_CPU, "the artifact was built for " + arch +
                                          " but this machine is " +
                                          hostArchitecture());
    return 0;
  }
  std::string list = features ? features : "";
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos)
      end = list.size();
    std::string item = list.substr(start, end - start);
    start = end + 1;
    if (item.size() < 2 || item[0] != '+')
      continue;
    std::string feature = item.substr(1);
    if (hostHasFeature(feature) == 0) {
      fail(QSNN_RT_ERR_UNSUPPORTED_CPU,
           "the artifact needs the CPU feature '" + feature +
               "', which this CPU lacks; " + recompileAdvice());
      return 0;
    }
  }
  return 1;
}
