//===- ImportNirFuzzer.cpp - the NIR reader and importer ------------------===//
//
// Any bytes, read as the encoded HDF5 tree the importer's HDF5 reader
// process sends (docs/spec.md §8.1), go through the decoder, the graph
// checks and the importer, and, when they import, the qsnn stage
// qsnn-compile runs for float numerics: all of qsnn's own code for NIR
// input, in process. The HDF5 library itself only ever runs in the reader
// process, whose failures are errors (test/Import/NIR/errors.test). Errors
// are expected; crashes, sanitizer reports and hangs are findings.
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
      qsnn::importNirEncodedTree(contents, "<fuzz>", context, options);
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
