//===- QSNNOps.h - qsnn operations ------------------------------*- C++ -*-===//
#ifndef QSNN_DIALECT_QSNN_QSNNOPS_H
#define QSNN_DIALECT_QSNN_QSNNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/MathExtras.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qsnn/Dialect/QSNN/QSNNAttrs.h.inc"

#define GET_OP_CLASSES
#include "qsnn/Dialect/QSNN/QSNNOps.h.inc"

#endif // QSNN_DIALECT_QSNN_QSNNOPS_H
