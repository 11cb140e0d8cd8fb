//===- Pipeline.h - the target-neutral compiler pipeline ---------*- C++
//-*-===//
//
// What every target shares: the qsnn stage (numerics, quantization, the
// qsnn-level rewrites), the lowering to linalg on tensors and one-shot
// bufferization to memrefs (docs/spec.md §6). Targets (lib/Target/*) build
// their own stages after these. Pipelines are built in C++ from the passes'
// create functions, so a pass that does not exist fails at build time.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_PIPELINE_PIPELINE_H
#define QSNN_PIPELINE_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace mlir {
class DialectRegistry;
namespace qsnn {

/// What the qsnn stage does before lowering (docs/spec.md §4, §6.2).
struct QSNNStageOptions {
  /// Run qsnn-quantize-to-integer (which folds batch norm in double): the
  /// float-level model becomes the deployed integer model.
  bool quantize = false;
  /// `multiplier-bits` of qsnn-quantize-to-integer (P of docs/spec.md §4.2).
  unsigned multiplierBits = 24;
  /// Run qsnn-expose-spikes: every LIF's spikes become extra outputs.
  bool exposeSpikes = false;
  /// Run the optimizing qsnn-level passes (qsnn-hoist-time-invariant,
  /// qsnn-pack-bits): the CPU default. False gives the plain reference
  /// lowering that every optimized artifact must equal bit for bit (and
  /// what the HLS target compiles).
  bool optimize = true;
  /// qsnn-schedule-time: "layer-major" (the lowerings' own order) or
  /// "step-major" (integer numerics only).
  std::string schedule = "layer-major";
  /// The target's vector register width (qsnn-pack-bits' vector-bits; the
  /// linalg stage must be built with the same value).
  int64_t vectorBits = 512;
};

/// Resolves `--numerics` ("" for the default) for `module`: "integer" or
/// "float". The default is integer when the model has LIFs and every one
/// has membrane_bits < 32 (or is already at the integer level), float
/// otherwise. Sets `options.quantize` when a float-level model must be
/// quantized. Emits an error on `module` for a request the model cannot
/// satisfy (k = 32 models fail in the quantization pass with its own
/// message).
FailureOr<std::string> chooseNumerics(ModuleOp module,
                                      llvm::StringRef requested,
                                      QSNNStageOptions &options);

/// Adds the qsnn-stage passes for `options` to `pm` (a module pass
/// manager); adds nothing when no pass is needed.
void buildQSNNStage(OpPassManager &pm, const QSNNStageOptions &options);

/// The textual form of the qsnn stage for `options` ("" when no pass runs),
/// for progress messages and the artifact's record.
std::string getQSNNStagePipeline(const QSNNStageOptions &options);

/// qsnn (float and integer level) -> linalg, tensor, arith, math and scf on
/// tensors, with elementwise producers fused into their consumers. With
/// `vectorKernels` the 8-bit layers and binary convolutions lower to
/// explicit vector loops (the optimized CPU code) of `vectorBits`-bit
/// registers.
void buildLinalgStage(OpPassManager &pm, bool vectorKernels,
                      int64_t vectorBits = 512);

/// Tensors -> memrefs: one-shot bufferization across function boundaries,
/// results as caller-provided output buffers, no runtime library copies.
void buildBufferizeStage(OpPassManager &pm);

/// The exact, re-runnable textual form of `pm` (`qsnn-opt
/// --pass-pipeline=...`), without the enclosing anchor.
std::string getTextualPipeline(OpPassManager &pm);

/// Runs the passes `build` adds to a module pass manager on `module`. On
/// failure emits "the <pipeline> pipeline failed in stage '<stage>'"; the
/// stage's textual pipeline is appended to `record` (if given, and only
/// when the stage has passes).
LogicalResult runStage(ModuleOp module, llvm::StringRef pipeline,
                       llvm::StringRef stage,
                       llvm::function_ref<void(OpPassManager &)> build,
                       llvm::SmallVectorImpl<std::string> *record = nullptr);

/// Runs the qsnn stage on `module` for `target` (which names it in
/// errors); `pipeline` receives its textual form (empty when no pass ran).
/// Errors are emitted on the module's context.
LogicalResult prepareModule(ModuleOp module, llvm::StringRef target,
                            const QSNNStageOptions &options,
                            std::string &pipeline);

/// Dialects and interfaces the target-neutral stages need, including qsnn.
void registerPipelineDialects(DialectRegistry &registry);

} // namespace qsnn
} // namespace mlir

#endif // QSNN_PIPELINE_PIPELINE_H
