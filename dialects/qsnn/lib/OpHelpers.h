//===- OpHelpers.h - checks shared by the qsnn op verifiers ------*- C++ -*-===//
#ifndef QSNN_DIALECT_QSNN_LIB_OPHELPERS_H
#define QSNN_DIALECT_QSNN_LIB_OPHELPERS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LogicalResult.h"

#include <optional>
#include <string>

namespace mlir::qsnn::detail {

/// Emits `message` at `loc` when there is one; always failure.
LogicalResult fail(std::optional<Location> loc, const Twine &message);

RankedTensorType f32Tensor(MLIRContext *context, ArrayRef<int64_t> shape);
/// A tensor of `shape` with the element type of `like`.
RankedTensorType tensorLike(Type like, ArrayRef<int64_t> shape);

/// Numbers in messages: "128", "0.25", "1e-07" rather than APFloat's
/// "1.280000e+02".
std::string formatNumber(double value);

bool allPositive(ArrayRef<int64_t> values);
bool allNonNegative(ArrayRef<int64_t> values);

/// Checks the window attributes shared by convolution and pooling.
LogicalResult checkWindow(std::optional<Location> loc, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
                          ArrayRef<int64_t> dilations);

/// Infers [N, C, OH, OW] for a 2-D sliding window over an NCHW input.
LogicalResult inferWindowShape(std::optional<Location> loc,
                               ArrayRef<int64_t> input, int64_t channels,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> padding,
                               ArrayRef<int64_t> dilations, bool ceilMode,
                               SmallVectorImpl<int64_t> &result);

/// Fails unless `type` is a ranked tensor of `rank`, naming it `what`.
LogicalResult expectRank(std::optional<Location> loc, StringRef what,
                         Type type, int64_t rank);

} // namespace mlir::qsnn::detail

#endif // QSNN_DIALECT_QSNN_LIB_OPHELPERS_H
