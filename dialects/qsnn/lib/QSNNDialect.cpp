//===- QSNNDialect.cpp - qsnn dialect registration ------------------------===//
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qsnn;

#include "qsnn/Dialect/QSNN/QSNNDialect.cpp.inc"
#include "qsnn/Dialect/QSNN/QSNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qsnn/Dialect/QSNN/QSNNAttrs.cpp.inc"

void QSNNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qsnn/Dialect/QSNN/QSNNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "qsnn/Dialect/QSNN/QSNNOps.cpp.inc"
      >();
}
