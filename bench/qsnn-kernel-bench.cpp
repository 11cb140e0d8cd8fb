//===- qsnn-kernel-bench.cpp - binary conv against the popcount peak ------===//
//
//   qsnn-kernel-bench [--preset small|small-conv2|resnet19]
//                     [--shape N,C,H,W,O,K,stride,pad] [--seconds S]
//                     [--spike-rate R] [--seed N] [--reference-lowering]
//                     [--json FILE] [--emit-module]
//
// Builds an integer-level qsnn module holding one binary convolution
// (qsnn.iconv2d of i1 spikes with ±1 i8 weights), compiles it in-process
// through the CPU pipeline with its defaults (prepareModule + compileForJIT:
// the passes, LLVM IR and -O3 code generation of `qsnn-compile --target cpu
// --target-cpu native`), checks its output bit for bit against a plain C++
// convolution, then measures its throughput in binary MACs/s against this
// CPU's AND + popcount peak, measured by the same process in interleaved
// rounds (peak, kernel, peak, kernel, ...). Single thread.
//
//===----------------------------------------------------------------------===//

#include "Interleave.h"
#include "Machine.h"
#include "qsnn-kernel-bench-peak.h"

#include "ClCommandLine.h"
#include "qsnn/Target/CPU/JIT.h"
#include "qsnn/Target/CPU/Pipeline.h"

#include "qsnn_abi.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace mlir;
namespace cl = llvm::cl;
namespace cpu = mlir::qsnn::cpu;
namespace kb = ::qsnn::bench;
using Clock = std::chrono::steady_clock;

namespace {

cl::OptionCategory category("qsnn-kernel-bench options");

cl::opt<std::string> presetName(
    "preset",
    cl::desc("Layer shape: small (default; the small Fashion-MNIST net's "
             "binary conv 64->128 at 7x7, batch 64 x T 4), small-conv2 (its "
             "binary conv 32->64 at 14x14), resnet19 (256->256 3x3 at 16x16, "
             "2 images x T 2)"),
    cl::init("small"), cl::cat(category));
cl::list<int64_t> shapeList(
    "shape",
    cl::desc("N,C,H,W,O,K,stride,pad: time-merged batch N (= T x images), "
             "input channels C, input H x W, output channels O, K x K "
             "kernel, stride, zero padding on every side; overrides "
             "--preset"),
    cl::CommaSeparated, cl::value_desc("N,C,H,W,O,K,stride,pad"),
    cl::cat(category));
cl::opt<double> seconds("seconds",
                        cl::desc("Measuring time, peak and kernel together "
                                 "(default 10; at least 3 rounds run)"),
                        cl::init(10.0), cl::cat(category));
cl::opt<double> spikeRate(
    "spike-rate",
    cl::desc("Fraction of input spikes that are 1 in the random input "
             "(default 0.5)"),
    cl::init(0.5), cl::cat(category));
cl::opt<unsigned> seed("seed",
                       cl::desc("Seed of the random spikes and weights "
                                "(default 1)"),
                       cl::init(1), cl::cat(category));
cl::opt<bool> referenceLowering(
    "reference-lowering",
    cl::desc("Compile the plain reference lowering (QSNNStageOptions::"
             "optimize = false: no qsnn-pack-bits) instead of the pipeline's "
             "defaults, for comparison"),
    cl::init(false), cl::cat(category));
cl::opt<bool> emitModule(
    "emit-module",
    cl::desc("Print the generated qsnn-level module to stdout and stop (the "
             "input of qsnn-compile --emit-mlir=<stage> or qsnn-opt)"),
    cl::init(false), cl::cat(category));
cl::opt<std::string> jsonPath("json", cl::desc("Write the report here"),
                              cl::value_desc("file"), cl::cat(category));

/// The convolution under test.
struct ConvShape {
  std::string preset; // "" for --shape
  int64_t n, c, h, w, o, k, stride, pad;
  int64_t outH() const { return (h + 2 * pad - k) / stride + 1; }
  int64_t outW() const { return (w + 2 * pad - k) / stride + 1; }
  /// N·O·OH·OW·C·K·K: every tap counts, including those on zero padding.
  double macsPerCall() const {
    return static_cast<double>(n) * o * outH() * outW() * c * k * k;
  }
  int64_t inputCount() const { return n * c * h * w; }
  int64_t outputCount() const { return n * o * outH() * outW(); }
  int64_t weightCount() const { return o * c * k * k; }
};

struct Preset {
  const char *name;
  ConvShape shape;
};

// The small net (lib/Train/Architectures.cpp: conv 32 8-bit, pool, conv 64,
// pool, conv 128 on 28x28, 3x3 convs with padding 1) has two binary convs of
// equal MACs per sample (3.6 M); the default is the 64->128 one, the one
// with more weights, at the qsnn-bench batch 64 and the default T = 4.
const Preset kPresets[] = {
    {"small", {"small", 256, 64, 7, 7, 128, 3, 1, 1}},
    {"small-conv2", {"small-conv2", 256, 32, 14, 14, 64, 3, 1, 1}},
    {"resnet19", {"resnet19", 4, 256, 16, 16, 256, 3, 1, 1}},
};

int fail(const llvm::Twine &message) {
  llvm::errs() << "qsnn-kernel-bench: error: " << message << "\n";
  return 1;
}

bool compileError(const llvm::Twine &message) {
  fail(message);
  return false;
}

/// The shape from --shape or --preset; an empty message on success.
std::string resolveShape(ConvShape &shape) {
  if (!shapeList.empty()) {
    if (shapeList.size() != 8)
      return "--shape expects 8 values N,C,H,W,O,K,stride,pad";
    shape = {"",           shapeList[0], shapeList[1],
             shapeList[2], shapeList[3], shapeList[4],
             shapeList[5], shapeList[6], shapeList[7]};
    if (shape.n < 1 || shape.c < 1 || shape.h < 1 || shape.w < 1 ||
        shape.o < 1 || shape.k < 1 || shape.stride < 1 || shape.pad < 0)
      return "--shape: sizes, kernel and stride must be positive, padding "
             "non-negative";
    if (shape.h + 2 * shape.pad < shape.k || shape.w + 2 * shape.pad < shape.k)
      return "--shape: the kernel is larger than the padded input";
    return "";
  }
  for (const Preset &preset : kPresets)
    if (presetName == preset.name) {
      shape = preset.shape;
      return "";
    }
  return "unknown --preset '" + presetName +
         "' (known: small, small-conv2, resnet19)";
}

//===----------------------------------------------------------------------===//
// The module
//===----------------------------------------------------------------------===//

std::string tensorType(std::initializer_list<int64_t> dims,
                       const char *element) {
  std::string text = "tensor<";
  for (int64_t dim : dims)
    text += std::to_string(dim) + "x";
  return text + element + ">";
}

/// func @forward(i8 spikes [N, C, H, W]) -> i64 sums [N, O, OH, OW].
/// The ABI (qsnn_abi.h) has no i1 or i32 tensors, so the spikes enter as
/// bytes 0/1 and become i1 in an elementwise linalg.generic, and the i32
/// sums leave through an identity qsnn.iaffine (multiplier 1, bias 0:
/// canonicalized to a sign extension to i64). The convolution between them
/// is exactly what a binary layer of a deployed net holds.
std::string buildModule(const ConvShape &s,
                        const std::vector<int8_t> &weights) {
  std::ostringstream hex;
  static const char digits[] = "0123456789ABCDEF";
  for (int8_t w : weights) {
    auto byte = static_cast<uint8_t>(w);
    hex << digits[byte >> 4] << digits[byte & 15];
  }
  const std::string in8 = tensorType({s.n, s.c, s.h, s.w}, "i8");
  const std::string in1 = tensorType({s.n, s.c, s.h, s.w}, "i1");
  const std::string wt = tensorType({s.o, s.c, s.k, s.k}, "i8");
  const std::string sums = tensorType({s.n, s.o, s.outH(), s.outW()}, "i32");
  const std::string out = tensorType({s.n, s.o, s.outH(), s.outW()}, "i64");
  std::string ones, zeros;
  for (int64_t i = 0; i < s.o; ++i) {
    ones += (i ? ", 1" : "1");
    zeros += (i ? ", 0" : "0");
  }
  std::ostringstream text;
  text << "module attributes {qsnn.model_name = \"binary_conv\"} {\n"
       << "func.func @forward(%x: " << in8 << ") -> " << out << " {\n"
       << "  %w = arith.constant dense<\"0x" << hex.str() << "\"> : " << wt
       << "\n"
       << "  %e = tensor.empty() : " << in1 << "\n"
       << "  %s = linalg.generic {indexing_maps = "
          "[affine_map<(a, b, c, d) -> (a, b, c, d)>, "
          "affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = "
          "[\"parallel\", \"parallel\", \"parallel\", \"parallel\"]} ins(%x : "
       << in8 << ") outs(%e : " << in1 << ") {\n"
       << "  ^bb0(%in: i8, %unused: i1):\n"
       << "    %bit = arith.trunci %in : i8 to i1\n"
       << "    linalg.yield %bit : i1\n"
       << "  } -> " << in1 << "\n"
       << "  %c = qsnn.iconv2d %s, %w {strides = array<i64: " << s.stride
       << ", " << s.stride << ">, padding = array<i64: " << s.pad << ", "
       << s.pad << ", " << s.pad << ", " << s.pad << ">} : (" << in1 << ", "
       << wt << ") -> " << sums << "\n"
       << "  %o = qsnn.iaffine %c {multiplier = array<i64: " << ones
       << ">, bias = array<i64: " << zeros << ">, frac_bits = 0} : " << sums
       << " -> " << out << "\n"
       << "  return %o : " << out << "\n"
       << "}\n}\n";
  return text.str();
}

/// The JIT-compiled module and what the pipeline said about it.
struct CompiledKernel {
  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<ExecutionEngine> engine;
  mlir::qsnn::ModelDescription description;
  std::string numerics, qsnnPipeline;
  double compileSeconds = 0;
  qsnn_run_fn run = nullptr;
  void *workspace = nullptr;
  uint64_t workspaceBytes = 0;
  ~CompiledKernel() { std::free(workspace); }
};

/// Compiles `source` as qsnn-compile does: chooseNumerics and the qsnn stage
/// with default options, then the whole lowering (compileForJIT).
bool compileKernel(const std::string &source, CompiledKernel &kernel) {
  auto start = Clock::now();
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  DialectRegistry registry;
  cpu::registerCPUTargetDialects(registry);
  kernel.context = std::make_unique<MLIRContext>(registry);
  kernel.context->printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, kernel.context.get());
  kernel.module = parseSourceString<ModuleOp>(source, kernel.context.get());
  if (!kernel.module)
    return compileError("the generated module does not parse");
  // The pipeline's defaults: whatever qsnn-compile would run on this
  // integer-level module.
  mlir::qsnn::QSNNStageOptions stageOptions;
  FailureOr<std::string> numerics =
      mlir::qsnn::chooseNumerics(*kernel.module, "", stageOptions);
  if (failed(numerics))
    return compileError("choosing numerics failed (see diagnostics)");
  kernel.numerics = *numerics;
  if (referenceLowering)
    stageOptions.optimize = false;
  if (failed(mlir::qsnn::prepareModule(*kernel.module, "CPU", stageOptions,
                                       kernel.qsnnPipeline)))
    return compileError("the qsnn stage failed (see diagnostics)");
  auto engine = cpu::compileForJIT(*kernel.module, "forward", "kbench",
                                   kernel.description);
  if (!engine)
    return compileError(llvm::toString(engine.takeError()));
  kernel.engine = std::move(*engine);
  auto run = kernel.engine->lookup("kbench_run");
  if (!run)
    return compileError(llvm::toString(run.takeError()));
  kernel.run = reinterpret_cast<qsnn_run_fn>(*run);
  kernel.workspaceBytes = kernel.description.memory.workspaceBytes;
  const uint64_t align = QSNN_WORKSPACE_ALIGNMENT;
  kernel.workspace = std::aligned_alloc(
      align, (kernel.workspaceBytes + align - 1) / align * align + align);
  kernel.compileSeconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  return kernel.workspace != nullptr;
}

//===----------------------------------------------------------------------===//
// The reference and the check
//===----------------------------------------------------------------------===//

/// c[n, o, y, x] = sum_{i, ky, kx} W[o, i, ky, kx] * s[n, i, y*st + ky - p,
/// x*st + kx - p], zero outside the input; plain loops in int32.
std::vector<int32_t> referenceConv(const ConvShape &s,
                                   const std::vector<int8_t> &spikes,
                                   const std::vector<int8_t> &weights) {
  const int64_t hp = s.h + 2 * s.pad, wp = s.w + 2 * s.pad;
  const int64_t oh = s.outH(), ow = s.outW();
  std::vector<int32_t> padded(s.n * s.c * hp * wp, 0);
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t i = 0; i < s.c; ++i)
      for (int64_t y = 0; y < s.h; ++y)
        for (int64_t x = 0; x < s.w; ++x)
          padded[((n * s.c + i) * hp + y + s.pad) * wp + x + s.pad] =
              spikes[((n * s.c + i) * s.h + y) * s.w + x];
  std::vector<int32_t> out(s.outputCount(), 0);
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t o = 0; o < s.o; ++o) {
      int32_t *plane = &out[(n * s.o + o) * oh * ow];
      for (int64_t i = 0; i < s.c; ++i)
        for (int64_t ky = 0; ky < s.k; ++ky)
          for (int64_t kx = 0; kx < s.k; ++kx) {
            const int32_t w = weights[((o * s.c + i) * s.k + ky) * s.k + kx];
            const int32_t *in = &padded[(n * s.c + i) * hp * wp];
            for (int64_t y = 0; y < oh; ++y) {
              const int32_t *row = in + (y * s.stride + ky) * wp + kx;
              for (int64_t x = 0; x < ow; ++x)
                plane[y * ow + x] += w * row[x * s.stride];
            }
          }
    }
  return out;
}

/// Runs the kernel on `spikes` and compares every sum with the reference.
nlohmann::json checkInput(CompiledKernel &kernel, const ConvShape &shape,
                          const std::string &name,
                          const std::vector<int8_t> &spikes,
                          const std::vector<int8_t> &weights, bool &passed) {
  std::vector<int64_t> out(shape.outputCount(), 0x5a5a5a5a5a5a5a5all);
  const void *inputs[] = {spikes.data()};
  void *outputs[] = {out.data()};
  int32_t status =
      kernel.run(inputs, outputs, kernel.workspace, kernel.workspaceBytes);
  std::vector<int32_t> expected = referenceConv(shape, spikes, weights);
  int64_t mismatches = 0, first = -1;
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i] != expected[i]) {
      if (first < 0)
        first = static_cast<int64_t>(i);
      ++mismatches;
    }
  int64_t ones = std::count(spikes.begin(), spikes.end(), 1);
  nlohmann::json entry = {
      {"input", name},
      {"spike_rate", static_cast<double>(ones) / spikes.size()},
      {"status", status},
      {"mismatches", mismatches},
      {"outputs", out.size()}};
  if (first >= 0) {
    entry["first_mismatch"] = {
        {"index", first}, {"expected", expected[first]}, {"got", out[first]}};
    std::fprintf(stderr,
                 "qsnn-kernel-bench: %s input: %lld of %zu sums differ from "
                 "the reference (first at %lld: expected %d, got %lld)\n",
                 name.c_str(), static_cast<long long>(mismatches), out.size(),
                 static_cast<long long>(first), expected[first],
                 static_cast<long long>(out[first]));
  }
  if (status != QSNN_OK)
    std::fprintf(stderr, "qsnn-kernel-bench: run returned status %d\n", status);
  passed = passed && status == QSNN_OK && mismatches == 0;
  return entry;
}

//===----------------------------------------------------------------------===//
// Timing
//===----------------------------------------------------------------------===//

volatile uint64_t peakSink;

/// Something timed: `work.run(units)` does `units` units of
/// `work.workPerUnit` binary MACs (loop iterations or kernel calls).
struct Variant {
  std::string key;
  kb::TimedWork work;
};

/// {"median", "min", "max"} of `values` scaled by `scale`.
nlohmann::json stats(const std::vector<double> &values, double scale = 1) {
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return {{"median", kb::median(values) * scale},
          {"min", *lo * scale},
          {"max", *hi * scale}};
}

std::vector<double> perRoundRatios(const std::vector<double> &numerator,
                                   const std::vector<double> &denominator) {
  std::vector<double> ratios;
  for (size_t r = 0; r < numerator.size(); ++r)
    ratios.push_back(numerator[r] / denominator[r]);
  return ratios;
}

std::string describeShape(const ConvShape &s) {
  char text[160];
  std::snprintf(text, sizeof(text),
                "N=%lld C=%lld %lldx%lld -> O=%lld %lldx%lld, K=%lld, "
                "stride %lld, pad %lld",
                (long long)s.n, (long long)s.c, (long long)s.h, (long long)s.w,
                (long long)s.o, (long long)s.outH(), (long long)s.outW(),
                (long long)s.k, (long long)s.stride, (long long)s.pad);
  return text;
}

/// The run's settings and machine (the head of the JSON report).
nlohmann::json describeRun(const ConvShape &shape) {
  nlohmann::json report;
  report["tool"] = "qsnn-kernel-bench";
  report["date"] = kb::utcNow();
  std::string commit = kb::gitCommit(QSNN_BENCH_SOURCE_DIR);
  report["git_commit"] =
      commit.empty() ? nlohmann::json() : nlohmann::json(commit);
  report["machine"] = kb::describeMachine();
  for (const auto &[name, supported] : kb::popcountCpuFeatures())
    report["cpu_features"][name] = supported;
  report["threads"] = 1;
  report["seconds"] = seconds.getValue();
  report["spike_rate"] = spikeRate.getValue();
  report["seed"] = seed.getValue();
  report["shape"] = {{"preset", shape.preset.empty()
                                    ? nlohmann::json()
                                    : nlohmann::json(shape.preset)},
                     {"n", shape.n},
                     {"c", shape.c},
                     {"h", shape.h},
                     {"w", shape.w},
                     {"o", shape.o},
                     {"k", shape.k},
                     {"stride", shape.stride},
                     {"pad", shape.pad},
                     {"out_h", shape.outH()},
                     {"out_w", shape.outW()},
                     {"binary_macs_per_call", shape.macsPerCall()}};
  return report;
}

/// What the pipeline made of the convolution.
nlohmann::json describeCompiled(const ConvShape &shape,
                                const CompiledKernel &kernel) {
  const mlir::qsnn::ModelDescription &desc = kernel.description;
  return {
      {"lowering", referenceLowering ? "reference" : "default"},
      {"interface",
       "i8 spikes 0/1 -> linalg.generic trunci -> i1 -> qsnn.iconv2d -> i32 "
       "-> qsnn.iaffine (multiplier 1, bias 0) -> i64; the ABI has no i1 "
       "or i32 tensors"},
      {"numerics", kernel.numerics},
      {"qsnn_pipeline", kernel.qsnnPipeline},
      {"pipeline", desc.pipeline},
      {"target_triple", desc.target.triple},
      {"target_cpu", desc.target.cpu},
      {"target_features", desc.target.features},
      {"workspace_bytes", desc.memory.workspaceBytes},
      {"weight_bytes", desc.memory.weightBytes},
      {"abi_input_bytes_per_call", shape.inputCount()},
      {"abi_output_bytes_per_call", 8 * shape.outputCount()},
      {"compile_seconds", kernel.compileSeconds}};
}

/// Random ±1 weights and spikes firing at --spike-rate.
void randomOperands(const ConvShape &shape, std::vector<int8_t> &weights,
                    std::vector<int8_t> &spikes) {
  std::mt19937_64 random(seed);
  weights.resize(shape.weightCount());
  for (int8_t &w : weights)
    w = (random() & 1) ? 1 : -1;
  std::bernoulli_distribution fires(spikeRate);
  spikes.resize(shape.inputCount());
  for (int8_t &s : spikes)
    s = fires(random) ? 1 : 0;
}

/// The measured rates of the peak loops and the kernel, into `report`.
void reportRates(const std::vector<kb::PopcountPeak> &peaks,
                 const kb::Rates &rates, size_t kernelIndex,
                 const ConvShape &shape, nlohmann::json &report) {
  for (size_t p = 0; p < peaks.size(); ++p) {
    const double words = 1.0 / 64;
    report["peaks"][peaks[p].key] = {
        {"description", peaks[p].description},
        {"words_per_s", stats(rates.wall[p], words)},
        {"binary_macs_per_s", stats(rates.wall[p])},
        {"repetition_iterations", rates.units[p]},
        {"cpu_time",
         {{"words_per_s", stats(rates.cpu[p], words)},
          {"binary_macs_per_s", stats(rates.cpu[p])}}}};
  }
  const auto &kernelWall = rates.wall[kernelIndex];
  const auto &kernelCpu = rates.cpu[kernelIndex];
  report["kernel"] = {
      {"binary_macs_per_s", stats(kernelWall)},
      {"seconds_per_call", shape.macsPerCall() / kb::median(kernelWall)},
      {"cpu_seconds_per_call", shape.macsPerCall() / kb::median(kernelCpu)},
      {"calls_per_repetition", rates.units[kernelIndex]},
      {"cpu_time", {{"binary_macs_per_s", stats(kernelCpu)}}}};
  report["rounds"] = kernelWall.size();
  if (peaks.empty())
    return;
  // The roof is the best loop this CPU has (the first available).
  report["reference_peak"] = peaks.front().key;
  nlohmann::json fraction = {
      {"wall", kb::median(kernelWall) / kb::median(rates.wall[0])},
      {"cpu_time", kb::median(kernelCpu) / kb::median(rates.cpu[0])},
      {"median_per_round",
       kb::median(perRoundRatios(kernelWall, rates.wall[0]))}};
  for (size_t p = 0; p < peaks.size(); ++p)
    fraction["of_each_peak_cpu_time"][peaks[p].key] =
        kb::median(kernelCpu) / kb::median(rates.cpu[p]);
  report["fraction_of_peak"] = fraction;
}

/// The human-readable summary on stdout.
void printSummary(const ConvShape &shape, const CompiledKernel &kernel,
                  const std::vector<Variant> &variants, const kb::Rates &rates,
                  size_t kernelIndex, const nlohmann::json &report) {
  std::printf("%s (%s), 1 thread\n",
              report["machine"]["cpu"].get<std::string>().c_str(),
              kernel.description.target.cpu.c_str());
  std::printf("binary conv %s%s%s: %.4g binary MACs per call\n",
              describeShape(shape).c_str(),
              shape.preset.empty() ? "" : ", preset ", shape.preset.c_str(),
              shape.macsPerCall());
  std::printf("lowering: %s (qsnn stage: %s)\n",
              referenceLowering ? "reference (--reference-lowering)"
                                : "pipeline defaults",
              kernel.qsnnPipeline.empty() ? "no passes"
                                          : kernel.qsnnPipeline.c_str());
  std::printf("check: bit-exact against the C++ reference on random "
              "(rate %.2f) and all-ones spikes\n",
              spikeRate.getValue());
  std::printf("%-18s %18s %18s %18s\n", "", "wall GMAC/s", "CPU-time GMAC/s",
              "G words/s (CPU)");
  for (size_t v = 0; v < variants.size(); ++v) {
    double cpuRate = kb::median(rates.cpu[v]);
    std::printf("%-18s %18.2f %18.2f %18s\n", variants[v].key.c_str(),
                kb::median(rates.wall[v]) / 1e9, cpuRate / 1e9,
                v == kernelIndex
                    ? "-"
                    : std::to_string(cpuRate / 64 / 1e9).substr(0, 6).c_str());
  }
  if (report.contains("fraction_of_peak"))
    std::printf(
        "kernel / %s peak: %.2f%% (CPU time), %.2f%% (wall), "
        "%.2f%% (median per round); %zu rounds, %.3g s per call\n",
        report["reference_peak"].get<std::string>().c_str(),
        100 * report["fraction_of_peak"]["cpu_time"].get<double>(),
        100 * report["fraction_of_peak"]["wall"].get<double>(),
        100 * report["fraction_of_peak"]["median_per_round"].get<double>(),
        rates.wall[kernelIndex].size(),
        report["kernel"]["seconds_per_call"].get<double>());
}

int runBench() {
  ConvShape shape;
  if (std::string problem = resolveShape(shape); !problem.empty())
    return fail(problem);
  if (!(seconds > 0))
    return fail("--seconds must be positive");
  if (!(spikeRate >= 0 && spikeRate <= 1))
    return fail("--spike-rate must be in [0, 1]");
  std::vector<int8_t> weights, spikes;
  randomOperands(shape, weights, spikes);
  if (emitModule) {
    std::fputs(buildModule(shape, weights).c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr,
               "qsnn-kernel-bench: %s, %.3g binary MACs per call; "
               "compiling...\n",
               describeShape(shape).c_str(), shape.macsPerCall());
  CompiledKernel kernel;
  if (!compileKernel(buildModule(shape, weights), kernel))
    return 1;

  // Bit-exact check before any timing: the random input and all ones (every
  // window full: the largest sums, and the padding taps).
  bool passed = true;
  nlohmann::json check = nlohmann::json::array();
  check.push_back(checkInput(kernel, shape, "random", spikes, weights, passed));
  check.push_back(checkInput(kernel, shape, "all_ones",
                             std::vector<int8_t>(spikes.size(), 1), weights,
                             passed));
  nlohmann::json report = describeRun(shape);
  report["compiled"] = describeCompiled(shape, kernel);
  report["check"] = {{"passed", passed}, {"inputs", check}};
  if (!passed) {
    if (!jsonPath.empty())
      kb::writeJsonFile(report, jsonPath);
    return fail("the compiled kernel differs from the reference convolution; "
                "not timing it");
  }

  // Variants: every available peak loop, then the kernel.
  std::vector<kb::PopcountPeak> peaks = kb::availablePopcountPeaks();
  std::vector<Variant> variants;
  for (const auto &peak : peaks) {
    auto loop = peak.run;
    variants.push_back({peak.key,
                        {[loop](uint64_t units) { peakSink += loop(units); },
                         64.0 * peak.wordsPerIteration, 1024}});
  }
  std::vector<int64_t> out(shape.outputCount());
  const void *inputs[] = {spikes.data()};
  void *outputs[] = {out.data()};
  qsnn_run_fn run = kernel.run;
  void *workspace = kernel.workspace;
  uint64_t workspaceBytes = kernel.workspaceBytes;
  variants.push_back({"kernel",
                      {[&, run, workspace, workspaceBytes](uint64_t calls) {
                         for (uint64_t i = 0; i < calls; ++i)
                           run(inputs, outputs, workspace, workspaceBytes);
                       },
                       shape.macsPerCall(), 1}});
  const size_t kernelIndex = variants.size() - 1;

  std::fprintf(stderr, "qsnn-kernel-bench: check passed; measuring %.1f s...\n",
               seconds.getValue());
  std::vector<kb::TimedWork> work;
  for (const Variant &variant : variants)
    work.push_back(variant.work);
  kb::Rates rates = kb::measureInterleaved(
      work, std::clamp(seconds / (10.0 * variants.size()), 0.005, 0.5),
      seconds);
  reportRates(peaks, rates, kernelIndex, shape, report);
  printSummary(shape, kernel, variants, rates, kernelIndex, report);
  if (!jsonPath.empty() && !kb::writeJsonFile(report, jsonPath))
    return fail("cannot write " + jsonPath);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  ::qsnn::tools::parseClCommandLine(
      argc, argv, "qsnn-kernel-bench",
      "qsnn-kernel-bench: binary convolution kernel throughput (binary "
      "MACs/s) against this CPU's AND + popcount peak\n\n"
      "  qsnn-kernel-bench --preset small --seconds 20 --json k.json\n\n"
      "Compiles one qsnn.iconv2d (i1 spikes, +-1 weights) through the CPU "
      "pipeline's defaults, checks it bit for bit against a C++ reference, "
      "then times it interleaved with register-resident AND + VPOPCNTQ / "
      "AVX2 / POPCNT loops. See docs/performance.md.\n");
  return runBench();
}
