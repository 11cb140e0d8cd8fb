//===- qsnn-translate.cpp - qsnn translation driver -----------------------===//
//
// mlir-translate with qsnn's translations (ONNX import, HLS C++ emission)
// next to the upstream ones.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Import/ImportONNX.h"
#include "qsnn/Target/HLS/HLS.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  mlir::qsnn::registerImportOnnxTranslation();
  mlir::qsnn::hls::registerEmitHLSCppTranslation();
  return mlir::failed(mlir::mlirTranslateMain(
      argc, argv, "qsnn translation driver: ONNX import and code emission\n"));
}
