//===- Pipeline.h - the CPU lowering pipeline --------------------*- C++ -*-===//
//
// qsnn IR -> linalg on tensors -> bufferized memrefs -> planned workspace ->
// loops -> LLVM dialect. Each stage can be printed (`qsnn-compile
// --emit-mlir=<stage>`); the passes are listed in docs/compile.md.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TARGET_CPU_PIPELINE_H
#define QSNN_TARGET_CPU_PIPELINE_H

#include "qsnn/Target/CPU/ModelDescription.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <optional>
#include <string>

namespace mlir {
class DialectRegistry;
namespace qsnn::cpu {

enum class Stage { QSNN, Linalg, Bufferized, Planned, Loops, LLVM };

/// "qsnn", "linalg", "bufferized", "planned", "loops", "llvm".
llvm::StringRef getStageName(Stage stage);
std::optional<Stage> parseStage(llvm::StringRef name);
/// The stage names in pipeline order, for help texts.
llvm::ArrayRef<llvm::StringRef> getStageNames();

/// The textual pass pipeline (the body of a `builtin.module(...)`) that
/// takes a module from the end of the previous stage to the end of `stage`;
/// empty for Stage::QSNN.
/// With `vectorKernels`, the linalg stage lowers iconv2d and ilinear to
/// explicit vector loops (the optimized CPU code; HLS never asks for it).
llvm::StringRef getStagePipeline(Stage stage, bool vectorKernels = false);

/// Registers every pass the stage pipelines name (upstream and qsnn), so
/// that they parse.
void registerCPUTargetPasses();

/// Dialects, interfaces and translations the pipeline and the translation
/// to LLVM IR need, including the qsnn dialect.
void registerCPUTargetDialects(DialectRegistry &registry);

/// What the qsnn stage does before lowering (DESIGN.md §4, §6).
struct QSNNStageOptions {
  /// Run qsnn-quantize-to-integer (which folds batch norm in double): the
  /// float-level model becomes the deployed integer model.
  bool quantize = false;
  /// `multiplier-bits` of qsnn-quantize-to-integer (P of DESIGN.md §4).
  unsigned multiplierBits = 24;
  /// Run qsnn-expose-spikes: every LIF's spikes become extra outputs.
  bool exposeSpikes = false;
  /// Run the optimizing qsnn-level passes (qsnn-pack-bits): the CPU
  /// default. False gives the plain reference lowering that every
  /// optimized artifact must equal bit for bit (and what the HLS target,
  /// which has no vector registers, compiles).
  bool optimize = true;
  /// qsnn-schedule-time: "layer-major" (the lowerings' own order) or
  /// "step-major" (integer numerics only).
  std::string schedule = "layer-major";
};

/// The textual qsnn-stage pipeline for `options`; empty when nothing runs.
std::string getQSNNStagePipeline(const QSNNStageOptions &options);

/// Resolves `--numerics` ("" for the default) for `module`: "integer" or
/// "float". The default is integer when the model has LIFs and every one
/// has membrane_bits < 32 (or is already at the integer level), float
/// otherwise. Sets `options.quantize` when a float-level model must be
/// quantized. Emits an error on `module` for a request the model or this
/// build cannot satisfy (k = 32 models fail in the quantization pass with
/// its own message).
FailureOr<std::string> chooseNumerics(ModuleOp module,
                                      llvm::StringRef requested,
                                      QSNNStageOptions &options);

/// Runs the qsnn-stage passes on `module`; `pipeline` receives their textual
/// form (empty when none ran). Errors are emitted on the module's context.
LogicalResult prepareModule(ModuleOp module, const QSNNStageOptions &options,
                            std::string &pipeline);

/// Runs the pipeline on `module` up to and including `last`. Completes
/// `description.memory` (once Stage::Planned has run; weight bytes are the
/// constant globals) and records the textual pipeline that ran in
/// `description.pipeline`, after `description.qsnnPipeline` (the qsnn stage,
/// see prepareModule). Errors are emitted on the module's context.
LogicalResult lowerModule(ModuleOp module, ModelDescription &description,
                          Stage last = Stage::LLVM);

} // namespace qsnn::cpu
} // namespace mlir

#endif // QSNN_TARGET_CPU_PIPELINE_H
