//===- Passes.h - qsnn target-neutral passes --------------------*- C++ -*-===//
#ifndef QSNN_TRANSFORMS_PASSES_H
#define QSNN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qsnn {

#define GEN_PASS_DECL
#include "qsnn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qsnn/Transforms/Passes.h.inc"

} // namespace mlir::qsnn

#endif // QSNN_TRANSFORMS_PASSES_H
