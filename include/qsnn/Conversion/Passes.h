//===- Passes.h - qsnn conversion passes ------------------------*- C++ -*-===//
#ifndef QSNN_CONVERSION_PASSES_H
#define QSNN_CONVERSION_PASSES_H

#include "qsnn/Conversion/QSNNToLinalg/QSNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qsnn {

#define GEN_PASS_DECL
#include "qsnn/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qsnn/Conversion/Passes.h.inc"

} // namespace mlir::qsnn

#endif // QSNN_CONVERSION_PASSES_H
