//===- ImportNirFuzzer.cpp - the NIR reader and importer ------------------===//
//
// Any bytes, read as an HDF5 file image (HDF5's core driver, in memory),
// go through the checked HDF5 reader, the graph checks and the importer
// (docs/spec.md §8), and, when they import, the qsnn stage qsnn-compile runs
// for float numerics. Errors are expected; crashes, sanitizer reports and
// hangs are findings. HDF5 itself is the system library, not instrumented:
// findings inside it are reported as its own.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Import/ImportNIR.h"
#include "qsnn/Pipeline/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"

using namespace mlir;

namespace {

const DialectRegistry &registry() {
  static DialectRegistry *dialects = [] {
    auto *r = new DialectRegistry;
    qsnn::registerPipelineDialects(*r);
    return r;
  }();
  return *dialects;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext context(registry(), MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  llvm::StringRef contents(reinterpret_cast<const char *>(data), size);
  qsnn::NirImportOptions options;
  options.timeSteps = 3;
  options.batchSize = 2;
  options.dt = 1e-3;
  options.exposeMembranes = true;
  OwningOpRef<ModuleOp> module =
      qsnn::importNirBuffer(contents, "<fuzz>", context, options);
  if (!module)
    return 0;
  qsnn::QSNNStageOptions stage;
  FailureOr<std::string> numerics =
      qsnn::chooseNumerics(*module, "float", stage);
  if (failed(numerics))
    return 0;
  std::string pipeline;
  (void)qsnn::prepareModule(*module, "CPU", stage, pipeline);
  return 0;
}
