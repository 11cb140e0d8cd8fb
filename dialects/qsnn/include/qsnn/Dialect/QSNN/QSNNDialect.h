//===- QSNNDialect.h - qsnn dialect -----------------------------*- C++ -*-===//
#ifndef QSNN_DIALECT_QSNN_QSNNDIALECT_H
#define QSNN_DIALECT_QSNN_QSNNDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Operation.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h.inc"

#endif // QSNN_DIALECT_QSNN_QSNNDIALECT_H
