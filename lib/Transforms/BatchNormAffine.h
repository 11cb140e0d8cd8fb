//===- BatchNormAffine.h - batch norm as a per-channel affine map -*- C++
//-*-===//
//
// Eval-mode batch norm y = gamma (x - mean) / sqrt(var + eps) + beta is the
// affine map y = gain x + shift per channel, computed in double. Folding it
// into the preceding layer's scale a and bias b gives a' = a gain and
// b' = b gain + shift: the same arithmetic as python/qsnn/reference.py, so
// the integer multipliers agree to the last unit (docs/spec.md §4.7).
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_TRANSFORMS_BATCHNORMAFFINE_H
#define QSNN_LIB_TRANSFORMS_BATCHNORMAFFINE_H

#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Dialect/QSNN/QSNNUtils.h"

#include <cmath>

namespace mlir::qsnn {

struct BatchNormAffine {
  SmallVector<double> gain, shift;

  /// Fails when a statistic is not a float constant.
  static FailureOr<BatchNormAffine> read(BatchNormOp op, double epsilon) {
    FailureOr<SmallVector<double>> gamma = readFloatConstant(op.getGamma());
    FailureOr<SmallVector<double>> beta = readFloatConstant(op.getBeta());
    FailureOr<SmallVector<double>> mean = readFloatConstant(op.getMean());
    FailureOr<SmallVector<double>> variance =
        readFloatConstant(op.getVariance());
    if (failed(gamma) || failed(beta) || failed(mean) || failed(variance))
      return failure();
    BatchNormAffine affine;
    for (size_t c = 0; c < gamma->size(); ++c) {
      double g = (*gamma)[c] / std::sqrt((*variance)[c] + epsilon);
      affine.gain.push_back(g);
      affine.shift.push_back((*beta)[c] - (*mean)[c] * g);
    }
    return affine;
  }

  /// The folded bias of channel `c` for a layer bias `bias`.
  double foldBias(size_t c, double bias) const {
    return bias * gain[c] + shift[c];
  }
};

} // namespace mlir::qsnn

#endif // QSNN_LIB_TRANSFORMS_BATCHNORMAFFINE_H
