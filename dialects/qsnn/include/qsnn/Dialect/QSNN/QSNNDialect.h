//===- QSNNDialect.h - qsnn dialect -----------------------------*- C++ -*-===//
#ifndef QSNN_DIALECT_QSNN_QSNNDIALECT_H
#define QSNN_DIALECT_QSNN_QSNNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h.inc"

#endif // QSNN_DIALECT_QSNN_QSNNDIALECT_H
