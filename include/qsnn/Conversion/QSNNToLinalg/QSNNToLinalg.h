//===- QSNNToLinalg.h - qsnn ops to linalg ---------------------*- C++ -*-===//
#ifndef QSNN_CONVERSION_QSNNTOLINALG_QSNNTOLINALG_H
#define QSNN_CONVERSION_QSNNTOLINALG_QSNNTOLINALG_H

#include <cstdint>

namespace mlir {
class ConversionTarget;
class RewritePatternSet;

namespace qsnn {

/// Adds the patterns that lower every float-level qsnn op (docs/spec.md §3,
/// eval) and every integer-level op (§4, a plain reference lowering) to
/// linalg/tensor/arith/math/scf on tensors. Ops with dynamic shapes
/// are left alone (the patterns fail to match). The popcount loops of
/// qsnn.bconv2d use `vectorBits`-bit vectors (qsnn-pack-bits' vector-bits).
void populateQSNNToLinalgPatterns(RewritePatternSet &patterns,
                                  int64_t vectorBits = 512);

/// Marks the qsnn ops illegal and the dialects the patterns
/// produce legal.
void configureQSNNToLinalgTarget(ConversionTarget &target);

} // namespace qsnn
} // namespace mlir

#endif // QSNN_CONVERSION_QSNNTOLINALG_QSNNTOLINALG_H
