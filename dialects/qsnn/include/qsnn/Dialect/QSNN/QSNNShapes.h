//===- QSNNShapes.h - shape rules shared by ops and importers ---*- C++ -*-===//
#ifndef QSNN_DIALECT_QSNN_QSNNSHAPES_H
#define QSNN_DIALECT_QSNN_QSNNSHAPES_H

#include <cstdint>

namespace mlir::qsnn {

/// Output extent of one spatial dimension of a sliding window (conv or pool)
/// under ONNX's rules, including ceil mode (a last window that would start in
/// the end padding is dropped, as ONNX's reference and PyTorch do). Returns
/// ShapedType::kDynamic for a dynamic input and a value < 1 when the window
/// does not fit.
int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode);

} // namespace mlir::qsnn

#endif // QSNN_DIALECT_QSNN_QSNNSHAPES_H
