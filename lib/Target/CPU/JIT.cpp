//===- JIT.cpp - run the CPU pipeline's output in-process -----------------===//
#include "qsnn/Target/CPU/JIT.h"
#include "Errors.h"

#include "qsnn/Target/CPU/CodeGen.h"
#include "qsnn/Target/CPU/Pipeline.h"

#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::cpu;
namespace cpu = mlir::qsnn::cpu;

llvm::Expected<std::unique_ptr<ExecutionEngine>>
cpu::compileForJIT(ModuleOp module, llvm::StringRef functionName,
                   llvm::StringRef symbolPrefix,
                   ModelDescription &description) {
  FailureOr<ModelDescription> described =
      describeModel(module, functionName, symbolPrefix);
  if (failed(described))
    return makeError("the module does not describe a model (see diagnostics)");
  description = std::move(*described);
  if (failed(lowerModule(module, description)))
    return makeError("the CPU pipeline failed (see diagnostics)");

  // The JIT compiles for the host; the description says so, as an AOT
  // artifact for --target-cpu=native would.
  auto machine = createTargetMachine("", "native", description.target);
  if (!machine)
    return machine.takeError();

  // The same LLVM IR and -O3 pipeline as qsnn-compile produces.
  ExecutionEngineOptions options;
  std::string translationError;
  auto builder =
      [&](Operation *op,
          llvm::LLVMContext &context) -> std::unique_ptr<llvm::Module> {
    auto translated =
        translateToLLVMIR(cast<ModuleOp>(op), context, description);
    if (!translated) {
      translationError = llvm::toString(translated.takeError());
      return nullptr;
    }
    return std::move(*translated);
  };
  options.llvmModuleBuilder = builder;
  llvm::TargetMachine *tm = machine->get();
  auto transformer = [tm](llvm::Module *llvmModule) -> llvm::Error {
    return optimizeModule(*llvmModule, *tm);
  };
  options.transformer = transformer;
  auto engine = ExecutionEngine::create(module, options, std::move(*machine));
  if (!engine && !translationError.empty()) {
    llvm::consumeError(engine.takeError());
    return makeError(translationError);
  }
  return engine;
}
