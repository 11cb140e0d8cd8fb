//===- qsnn-translate.cpp - qsnn translation driver -----------------------===//
//
// mlir-translate with qsnn's translations (ONNX import, HLS C++ emission)
// next to the upstream ones. The driver is mlir-translate's, with qsnn's
// command-line convention: a mistake is one line and exit 2.
//
//===----------------------------------------------------------------------===//
#include "ClCommandLine.h"
#include "UsageErrorCode.h"

#include "qsnn/Import/ImportNIR.h"
#include "qsnn/Import/ImportONNX.h"
#include "qsnn/Target/HLS/HLS.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllTranslations.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Support/ToolUtilities.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {

cl::opt<std::string> inputFilename(cl::Positional, cl::desc("<input file>"),
                                   cl::init("-"));
cl::opt<std::string> outputFilename("o", cl::desc("Output filename"),
                                    cl::value_desc("filename"), cl::init("-"));
cl::opt<bool>
    splitInputFile("split-input-file",
                   cl::desc("Split the input at '// -----' and translate "
                            "each chunk on its own"));
cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check that emitted diagnostics match expected-* lines"));

/// One translation over `buffer`, its diagnostics reported or verified.
LogicalResult translate(const Translation &translation,
                        std::unique_ptr<llvm::MemoryBuffer> buffer,
                        llvm::raw_ostream &os) {
  MLIRContext context;
  context.printOpOnDiagnostic(!verifyDiagnostics);
  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  sourceMgr->AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (!verifyDiagnostics) {
    SourceMgrDiagnosticHandler handler(*sourceMgr, &context);
    return translation(sourceMgr, os, &context);
  }
  SourceMgrDiagnosticVerifierHandler handler(*sourceMgr, &context);
  (void)translation(sourceMgr, os, &context);
  return handler.verify();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAllTranslations();
  mlir::qsnn::registerImportOnnxTranslation();
  mlir::qsnn::registerImportNirTranslation();
  mlir::qsnn::hls::registerEmitHLSCppTranslation();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerTranslationCLOptions();
  registerDefaultTimingManagerCLOptions();
  cl::opt<const Translation *, false, TranslationParser> translation(
      cl::desc("Translation to perform (one of)"));
  ::qsnn::tools::parseClCommandLine(
      argc, argv, "qsnn-translate",
      "qsnn translation driver: ONNX and NIR import (docs/spec.md §5, §8) "
      "and code emission\n");
  if (!translation) {
    llvm::errs()
        << "qsnn-translate: error: no translation given: pass "
           "--import-onnx, --import-nir or --emit-hls-cpp (see qsnn-translate "
           "--help)\n";
    return ::qsnn::tools::kUsageError;
  }
  if (translation.getNumOccurrences() > 1) {
    llvm::errs() << "qsnn-translate: error: give one translation, not "
                 << translation.getNumOccurrences()
                 << " (see qsnn-translate --help)\n";
    return ::qsnn::tools::kUsageError;
  }

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &error);
  if (!input) {
    llvm::errs() << "qsnn-translate: error: " << error << "\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << "qsnn-translate: error: " << error << "\n";
    return 1;
  }
  auto process = [&](std::unique_ptr<llvm::MemoryBuffer> chunk,
                     llvm::raw_ostream &os) {
    return translate(*translation, std::move(chunk), os);
  };
  LogicalResult result =
      splitInputFile
          ? splitAndProcessBuffer(std::move(input), process, output->os(),
                                  kDefaultSplitMarker, kDefaultSplitMarker)
          : process(std::move(input), output->os());
  if (failed(result))
    return 1;
  output->keep();
  return 0;
}
