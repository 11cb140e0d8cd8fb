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
llvm::StringRef getStagePipeline(Stage stage);

/// Registers every pass the stage pipelines name (upstream and qsnn), so
/// that they parse.
void registerCPUTargetPasses();

/// Dialects, interfaces and translations the pipeline and the translation
/// to LLVM IR need, including the qsnn dialect.
void registerCPUTargetDialects(DialectRegistry &registry);

/// Runs the pipeline on `module` up to and including `last`. Completes
/// `description.memory` (once Stage::Planned has run; weight bytes are the
/// constant globals) and records the textual pipeline that ran in
/// `description.pipeline`. Errors are emitted on the module's context.
LogicalResult lowerModule(ModuleOp module, ModelDescription &description,
                          Stage last = Stage::LLVM);

} // namespace qsnn::cpu
} // namespace mlir

#endif // QSNN_TARGET_CPU_PIPELINE_H
