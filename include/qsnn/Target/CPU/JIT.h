//===- JIT.h - run the CPU pipeline's output in-process ----------*- C++
//-*-===//
//
// For tests: the same LLVM IR as the AOT artifact (ABI entry points
// included), compiled by MLIR's ExecutionEngine for the host.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TARGET_CPU_JIT_H
#define QSNN_TARGET_CPU_JIT_H

#include "qsnn/Pipeline/ModelDescription.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"

namespace mlir::qsnn::cpu {

/// Runs the whole pipeline on `module` (qsnn level) and JIT-compiles it.
/// `description` is filled as for the AOT path; look the entry points up
/// with `engine->lookup(description.name + "_run")`.
llvm::Expected<std::unique_ptr<ExecutionEngine>>
compileForJIT(ModuleOp module, llvm::StringRef functionName,
              llvm::StringRef symbolPrefix, ModelDescription &description);

} // namespace mlir::qsnn::cpu

#endif // QSNN_TARGET_CPU_JIT_H
