//===- qsnn-opt.cpp - qsnn pass driver ------------------------------------===//
//
// mlir-opt with the qsnn dialect and passes registered next to every upstream
// dialect and pass, for lit tests and for running pipelines by hand.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Conversion/Passes.h"
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Target/CPU/Passes.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::qsnn::registerQSNNPasses();
  mlir::qsnn::registerQSNNConversionPasses();
  mlir::qsnn::registerQSNNCPUPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::qsnn::QSNNDialect>();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qsnn optimizer driver: runs qsnn and MLIR passes\n",
      registry));
}
