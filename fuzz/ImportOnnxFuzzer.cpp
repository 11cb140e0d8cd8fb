//===- ImportOnnxFuzzer.cpp - the ONNX importer and the qsnn stage --------===//
//
// Any bytes, read as a binary ONNX model (or, built with QSNN_FUZZ_ONNXTEXT,
// as onnxtext), go through validation, the importer and, when they import,
// the qsnn stage the CPU and HLS targets run first (numerics chosen as
// qsnn-compile does: the integer quantizer for quantized LIFs). Errors are
// expected; crashes, sanitizer reports and hangs are findings.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Import/ImportONNX.h"
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
    qsnn::registerImportOnnxDialects(*r);
    qsnn::registerPipelineDialects(*r);
    return r;
  }();
  return *dialects;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: uniqued attributes of earlier inputs would
  // otherwise accumulate for the whole run.
  MLIRContext context(registry(), MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) {
    return success();
  });
  llvm::StringRef contents(reinterpret_cast<const char *>(data), size);
  // The importer reads text when the buffer starts with '<'; each target
  // keeps to its own format so that the corpora stay apart.
#ifdef QSNN_FUZZ_ONNXTEXT
  if (!contents.ltrim().starts_with("<"))
    return -1;
#else
  if (contents.ltrim().starts_with("<"))
    return -1;
#endif
  llvm::StringRef path("<fuzz>"); // no folder: external data is refused
  qsnn::OnnxImportOptions options;
  options.batchSize = 2;
  OwningOpRef<ModuleOp> module =
      qsnn::importOnnxBuffer(contents, path, context, options);
  if (!module)
    return 0;
  qsnn::QSNNStageOptions stage;
  FailureOr<std::string> numerics = qsnn::chooseNumerics(*module, "", stage);
  if (failed(numerics))
    return 0;
  std::string pipeline;
  (void)qsnn::prepareModule(*module, "CPU", stage, pipeline);
  return 0;
}
