//===- qsnn-opt.cpp - qsnn pass driver ------------------------------------===//
//
// mlir-opt with the qsnn dialect and passes registered next to every upstream
// dialect and pass, for lit tests and for running pipelines by hand. A
// command-line mistake is one line and exit 2, as in every qsnn tool.
//
//===----------------------------------------------------------------------===//
#include "ClCommandLine.h"

#include "qsnn/Conversion/Passes.h"
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Target/CPU/Passes.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/Debug/Counter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"

namespace cl = llvm::cl;

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::qsnn::registerQSNNPasses();
  mlir::qsnn::registerQSNNConversionPasses();
  mlir::qsnn::registerQSNNCPUPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::qsnn::QSNNDialect>();

  // mlir-opt's own options, then the parse with qsnn's convention.
  cl::opt<std::string> inputFilename(cl::Positional, cl::desc("<input file>"),
                                     cl::init("-"));
  cl::opt<std::string> outputFilename("o", cl::desc("Output filename"),
                                      cl::value_desc("filename"),
                                      cl::init("-"));
  mlir::MlirOptMainConfig::registerCLOptions(registry);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  mlir::tracing::DebugCounter::registerCLOptions();
  ::qsnn::tools::parseClCommandLine(
      argc, argv, "qsnn-opt",
      "qsnn optimizer driver: runs qsnn and MLIR passes\n");
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, inputFilename, outputFilename, registry));
}
