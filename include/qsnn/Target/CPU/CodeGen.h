//===- CodeGen.h - LLVM IR, ABI entry points and object code -----*- C++
//-*-===//
#ifndef QSNN_TARGET_CPU_CODEGEN_H
#define QSNN_TARGET_CPU_CODEGEN_H

#include "qsnn/Pipeline/ModelDescription.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir::qsnn::cpu {

/// Translates a module at Stage::LLVM to LLVM IR, makes the entry function
/// internal (NAME_forward) with noalias buffers, and adds the ABI entry
/// points NAME_run (workspace checks, then the call) and NAME_info (a
/// constant qsnn_model_info). Fails if the code would call any function
/// outside the artifact other than memcpy/memset/memmove.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                  const ModelDescription &description);

/// Creates a TargetMachine for `triple` (empty: the host) and `cpu`
/// ("native": the host CPU and its features; "generic", "x86-64-v3",
/// "x86-64-v4", or any CPU name LLVM knows for the triple). Fills
/// `resolved` with the triple, CPU and ISA features actually used.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(llvm::StringRef triple, llvm::StringRef cpu,
                    TargetDescription &resolved);

/// Sets the module's triple and data layout from `machine` and runs LLVM's
/// -O3 pipeline (vectorizers included) tuned for it.
llvm::Error optimizeModule(llvm::Module &module, llvm::TargetMachine &machine);

/// Object file bytes for `module` (already optimized for `machine`).
llvm::Error emitObjectFile(llvm::Module &module, llvm::TargetMachine &machine,
                           llvm::SmallVectorImpl<char> &object);

} // namespace mlir::qsnn::cpu

#endif // QSNN_TARGET_CPU_CODEGEN_H
