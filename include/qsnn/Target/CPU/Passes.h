//===- Passes.h - CPU target passes -----------------------------*- C++ -*-===//
#ifndef QSNN_TARGET_CPU_PASSES_H
#define QSNN_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qsnn {

#define GEN_PASS_DECL
#include "qsnn/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qsnn/Target/CPU/Passes.h.inc"

} // namespace mlir::qsnn

#endif // QSNN_TARGET_CPU_PASSES_H
