//===- CompiledModel.h - JIT-compiled qsnn functions for tests --*- C++ -*-===//
//
// Compiles a qsnn-level module through the CPU pipeline and ABI entry points
// (compileForJIT) and runs NAME_run with a workspace of the planned size.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TEST_UNIT_CPU_COMPILEDMODEL_H
#define QSNN_TEST_UNIT_CPU_COMPILEDMODEL_H

#include "qsnn/Target/CPU/JIT.h"
#include "qsnn/Target/CPU/Pipeline.h"

#include "qsnn_abi.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/TargetSelect.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <vector>

namespace qsnn_test {

using namespace mlir;
namespace cpu = mlir::qsnn::cpu;

/// A JIT-compiled model with its workspace.
class CompiledModel {
public:
  /// Compiles `source` (a module with func @forward); fails the test on error.
  /// With `stageOptions`, the qsnn stage (prepareModule) runs first.
  explicit CompiledModel(llvm::StringRef source,
                         const qsnn::QSNNStageOptions *stageOptions = nullptr) {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    DialectRegistry registry;
    cpu::registerCPUTargetDialects(registry);
    context = std::make_unique<MLIRContext>(registry);
    module = parseSourceString<ModuleOp>(source, context.get());
    if (!module) {
      ADD_FAILURE() << "test IR does not parse";
      return;
    }
    std::string pipeline;
    if (stageOptions &&
        failed(qsnn::prepareModule(*module, "CPU", *stageOptions, pipeline))) {
      ADD_FAILURE() << "the qsnn stage failed";
      return;
    }
    auto compiled = cpu::compileForJIT(*module, "forward", "test", description);
    if (!compiled) {
      ADD_FAILURE() << llvm::toString(compiled.takeError());
      return;
    }
    engine = std::move(*compiled);
    auto run = engine->lookup("test_run");
    auto info = engine->lookup("test_info");
    if (!run || !info) {
      ADD_FAILURE() << "entry points missing";
      llvm::consumeError(run ? info.takeError() : run.takeError());
      return;
    }
    runFn = reinterpret_cast<qsnn_run_fn>(*run);
    infoFn = reinterpret_cast<qsnn_info_fn>(*info);
    workspaceBytes = description.memory.workspaceBytes;
    workspace = std::aligned_alloc(QSNN_WORKSPACE_ALIGNMENT,
                                   workspaceBytes + QSNN_WORKSPACE_ALIGNMENT);
  }
  ~CompiledModel() { std::free(workspace); }

  bool ok() const { return runFn != nullptr; }

  int32_t run(std::vector<const void *> inputs, std::vector<void *> outputs) {
    return runFn(inputs.data(), outputs.data(), workspace, workspaceBytes);
  }

  qsnn_run_fn runFn = nullptr;
  qsnn_info_fn infoFn = nullptr;
  void *workspace = nullptr;
  uint64_t workspaceBytes = 0;
  qsnn::ModelDescription description;

private:
  std::unique_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<ExecutionEngine> engine;
};

} // namespace qsnn_test

#endif // QSNN_TEST_UNIT_CPU_COMPILEDMODEL_H
