//===- QSNNToLinalg.h - qsnn float ops to linalg ----------------*- C++ -*-===//
#ifndef QSNN_CONVERSION_QSNNTOLINALG_QSNNTOLINALG_H
#define QSNN_CONVERSION_QSNNTOLINALG_QSNNTOLINALG_H

namespace mlir {
class ConversionTarget;
class RewritePatternSet;

namespace qsnn {

/// Adds the patterns that lower every float-level qsnn op (DESIGN.md §3,
/// eval) to linalg/tensor/arith/math/scf on tensors. Ops with dynamic shapes
/// are left alone (the patterns fail to match).
void populateQSNNToLinalgPatterns(RewritePatternSet &patterns);

/// Marks the float-level qsnn ops illegal and the dialects the patterns
/// produce legal.
void configureQSNNToLinalgTarget(ConversionTarget &target);

} // namespace qsnn
} // namespace mlir

#endif // QSNN_CONVERSION_QSNNTOLINALG_QSNNTOLINALG_H
