//===- OpHelpers.h - checks shared by the qsnn op verifiers ------*- C++
//-*-===//
#ifndef QSNN_DIALECT_QSNN_LIB_OPHELPERS_H
#define QSNN_DIALECT_QSNN_LIB_OPHELPERS_H

#include "qsnn/Dialect/QSNN/QSNNUtils.h"

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

bool allPositive(ArrayRef<int64_t> values);
bool allNonNegative(ArrayRef<int64_t> values);

/// [N, channels, OH, OW] of a 2-D window (kernel, strides, padding
/// [top, left, bottom, right], dilations) over an NCHW input shape, after
/// checking the window attributes.
LogicalResult inferWindow(std::optional<Location> loc, ArrayRef<int64_t> input,
                          int64_t channels, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
                          ArrayRef<int64_t> dilations, bool ceilMode,
                          SmallVectorImpl<int64_t> &result);

/// Fails unless `type` is a ranked tensor of `rank`, naming it `what`.
LogicalResult expectRank(std::optional<Location> loc, const Twine &what,
                         Type type, int64_t rank);

/// Pushes a tensor of `shape` and `element` onto `inferred`; failure when
/// the shape could not be inferred.
LogicalResult pushTensor(FailureOr<SmallVector<int64_t>> shape, Type element,
                         SmallVectorImpl<Type> &inferred);

/// The result shapes the float and integer levels share; `name` is the
/// op's mnemonic in messages.

/// [N, O, OH, OW] of a convolution of [N, C, H, W] by a static [O, C/groups,
/// KH, KW] weight.
FailureOr<SmallVector<int64_t>>
inferConvShape(std::optional<Location> loc, StringRef name, Type input,
               Type weight, int64_t groups, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> padding, ArrayRef<int64_t> dilations);
/// [M, O] of a fully connected layer of [M, K] by [O, K].
FailureOr<SmallVector<int64_t>> inferLinearShape(std::optional<Location> loc,
                                                 StringRef name, Type input,
                                                 Type weight);
/// [N, C, OH, OW] of a pooling window over [N, C, H, W].
FailureOr<SmallVector<int64_t>>
inferPoolShape(std::optional<Location> loc, StringRef name, Type input,
               ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> padding, bool ceilMode);
/// [N, K] of a readout of [T*N, K] over `steps` time steps.
FailureOr<SmallVector<int64_t>> inferReadoutShape(std::optional<Location> loc,
                                                  StringRef name, Type input,
                                                  int64_t steps);

} // namespace mlir::qsnn::detail

#endif // QSNN_DIALECT_QSNN_LIB_OPHELPERS_H
