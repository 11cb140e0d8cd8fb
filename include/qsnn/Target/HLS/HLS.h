//===- HLS.h - HLS C++ emission for integer Q-SNNs ---------------*- C++
//-*-===//
//
// The HLS target (docs/spec.md §6, docs/hls.md): the deployed integer model,
// lowered to scf/memref/arith loops, translated to C++ that Vitis HLS
// synthesizes and that g++ compiles for C simulation. qsnn-translate
// --emit-hls-cpp runs the translation alone; qsnn-compile --target hls adds
// the pipeline, a testbench, a report and a Vitis HLS script.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TARGET_HLS_HLS_H
#define QSNN_TARGET_HLS_HLS_H

#include "qsnn/Pipeline/ModelDescription.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace mlir::qsnn::hls {

enum class Interface { Axi, Memory };

struct EmitOptions {
  /// The top function is `<name>_top`; a C identifier.
  std::string name = "model";
  /// The entry function of the module.
  std::string functionName = "forward";
  /// Initiation interval of `#pragma HLS PIPELINE` on innermost loops.
  unsigned ii = 1;
  Interface interface = Interface::Axi;
  bool dataflow = false;
  /// The exact range [lo, hi] of each layer's accumulator (tag ->
  /// range, from annotateLayers): the kernel sizes the arrays that
  /// accumulate them. Empty: accumulators keep the IR's types.
  llvm::StringMap<std::pair<int64_t, int64_t>> layerRanges;
  /// When set, the kernel includes this header (its prototype and macros)
  /// instead of declaring the top function itself.
  std::string headerName;
};

/// One qsnn-level layer, as the report lists it (LayerAnalysis.cpp).
struct LayerInfo {
  std::string tag;             // L<i>_<op>[_<onnx name>]: loop labels, comments
  std::string op;              // qsnn.iconv2d, ...
  std::string signature;       // operand and result types
  int64_t lo = 0, hi = 0;      // exact range of the layer's result
  unsigned accBits = 0;        // bits of the smallest signed type holding it
  unsigned irBits = 0;         // bits of the IR's result element type
  int64_t macs = 0;            // multiply-accumulates per inference (int8)
  int64_t binaryMacs = 0;      // sign-accumulates per inference (binary)
  int64_t popcountWords = 0;   // 64-bit popcounts per inference, packed
  int64_t weightRomBits = 0;   // weights at their bit widths
  int64_t constantRomBits = 0; // multipliers, biases, zero points
  int64_t stateBits = 0;       // membranes per sample x their bits (ilif)
  int64_t cycles = 0;          // estimated cycles (filled after emission)
};

/// An array of the kernel as declared.
struct ArrayInfo {
  std::string name;
  std::string kind; // buffer, membrane, rom
  int64_t elements = 0;
  unsigned irBits = 0; // the IR's element width
  unsigned bits = 0;   // the width the kernel stores
};

/// The multiplies of a layer with the same operand widths.
struct MultiplyInfo {
  unsigned wideBits = 0, narrowBits = 0; // operand widths, wider first
  bool constantOperand = false;          // one operand is a literal
  int64_t sites = 0;                     // multiplies in the kernel's code
  /// Both operands fit one DSP48E2 multiplier (signed 27 x 18).
  bool fitsDSP() const { return wideBits <= 27 && narrowBits <= 18; }
};

/// Summary of the emitted kernel, for the report.
struct KernelStats {
  /// ROM bits of the kernel's constant arrays as emitted.
  int64_t romBits = 0;
  /// Bits of the kernel's local arrays (intermediate buffers, membranes).
  int64_t ramBits = 0;
  /// Bits of the local arrays with a sub-byte membrane type.
  int64_t membraneRamBits = 0;
  int64_t pipelinedLoops = 0;
  /// Estimated cycles per layer tag ("" for code outside any layer).
  llvm::StringMap<int64_t> layerCycles;
  /// Every local and ROM array with its IR and stored widths.
  std::vector<ArrayInfo> arrays;
  /// Multiplies per layer tag, by operand widths.
  llvm::StringMap<std::vector<MultiplyInfo>> layerMultiplies;
  /// Scalars and arrays (besides the interface) declared 64 bits wide.
  int64_t int64Scalars = 0, int64Arrays = 0;
  int64_t totalCycles = 0;   // sequential: the sum over loop nests
  int64_t maxNestCycles = 0; // the slowest nest: the DATAFLOW interval
};

/// Tags every qsnn op of `func` with its layer (a FusedLoc whose metadata
/// is "qsnn.layer <tag>: <op> <signature>") so that the loops lowered from
/// it carry the tag, and returns the layers with their range analysis.
std::vector<LayerInfo> annotateLayers(func::FuncOp func, int64_t batch);

/// Runs the integer pipeline from the qsnn level to HLS-ready loops:
/// the CPU stages `linalg` and `bufferized`, then convert-linalg-to-loops,
/// lower-affine, canonicalize and cse. No memory planning (every buffer
/// stays its own array) and no loop reordering for vectorization.
/// `pipeline` receives the textual pipeline.
LogicalResult lowerModuleForHLS(ModuleOp module, std::string &pipeline);

/// Translates the loops-level `options.functionName` of `module` to HLS
/// C++. Fails with an error on the module for anything the kernel cannot
/// express (floats, dynamic shapes, calls, other interfaces).
LogicalResult emitHLSCpp(ModuleOp module, raw_ostream &os,
                         const EmitOptions &options,
                         KernelStats *stats = nullptr);

/// Registers `--emit-hls-cpp` (and its `--hls-*` options) with
/// mlir-translate.
void registerEmitHLSCppTranslation();

/// The generated files next to the kernel (Artifacts.cpp).
std::string renderKernelHeader(const qsnn::ModelDescription &description,
                               const EmitOptions &options);
std::string renderTestbench(const qsnn::ModelDescription &description,
                            const EmitOptions &options);
std::string renderTclScript(const qsnn::ModelDescription &description,
                            const EmitOptions &options,
                            llvm::StringRef testData);
std::string renderReportJSON(const qsnn::ModelDescription &description,
                             const EmitOptions &options,
                             const std::vector<LayerInfo> &layers,
                             const KernelStats &stats);
std::string renderReportMarkdown(const qsnn::ModelDescription &description,
                                 const EmitOptions &options,
                                 const std::vector<LayerInfo> &layers,
                                 const KernelStats &stats);

/// Writes `files` (name -> contents) into `dir` (created if missing): each
/// to a temporary name first, all renamed into place only once every one
/// was written; on failure the temporaries are removed.
llvm::Error
writeFilesAtomically(llvm::StringRef dir,
                     llvm::ArrayRef<std::pair<std::string, std::string>> files);

} // namespace mlir::qsnn::hls

#endif // QSNN_TARGET_HLS_HLS_H
