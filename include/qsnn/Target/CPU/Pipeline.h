//===- Pipeline.h - the CPU lowering pipeline --------------------*- C++
//-*-===//
//
// qsnn IR -> linalg on tensors -> bufferized memrefs (the target-neutral
// stages) -> planned workspace -> loops -> LLVM dialect. Each stage can be
// printed (`qsnn-compile --emit-mlir=<stage>`); the passes are listed in
// docs/compile.md.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TARGET_CPU_PIPELINE_H
#define QSNN_TARGET_CPU_PIPELINE_H

#include "qsnn/Pipeline/ModelDescription.h"
#include "qsnn/Pipeline/Pipeline.h"

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

/// Adds the passes that take a module from the end of the previous stage
/// to the end of `stage` (none for Stage::QSNN). The linalg and bufferized
/// stages are the target-neutral ones of qsnn/Pipeline/Pipeline.h; with
/// `vectorKernels` the linalg stage lowers the 8-bit layers and binary
/// convolutions to explicit vector loops (the optimized CPU code).
/// `vectorBits` is the target's vector width (TargetDescription).
void buildStage(OpPassManager &pm, Stage stage, bool vectorKernels = false,
                int64_t vectorBits = 512);

/// Dialects, interfaces and translations the pipeline and the translation
/// to LLVM IR need, including the qsnn dialect.
void registerCPUTargetDialects(DialectRegistry &registry);

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
