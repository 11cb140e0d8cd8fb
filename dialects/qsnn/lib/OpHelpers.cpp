//===- OpHelpers.cpp - checks shared by the qsnn op verifiers -------------===//
#include "OpHelpers.h"
#include "qsnn/Dialect/QSNN/QSNNShapes.h"

#include "llvm/ADT/STLExtras.h"

#include <cstdio>

using namespace mlir;

namespace mlir::qsnn::detail {

LogicalResult fail(std::optional<Location> loc, const Twine &message) {
  return emitOptionalError(loc, message);
}

RankedTensorType f32Tensor(MLIRContext *context, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, Float32Type::get(context));
}

/// A tensor of `shape` with the element type of `like`.
RankedTensorType tensorLike(Type like, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape,
                               cast<RankedTensorType>(like).getElementType());
}



std::string formatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

bool allPositive(ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v > 0; });
}

bool allNonNegative(ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v >= 0; });
}

/// Checks the window attributes shared by convolution and pooling.
LogicalResult checkWindow(std::optional<Location> loc, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
                          ArrayRef<int64_t> dilations) {
  if (kernel.size() != 2 || !allPositive(kernel))
    return fail(loc, "kernel must have 2 positive entries [kh, kw]");
  if (strides.size() != 2 || !allPositive(strides))
    return fail(loc, "strides must have 2 positive entries [sh, sw]");
  if (padding.size() != 4 || !allNonNegative(padding))
    return fail(loc, "padding must have 4 non-negative entries "
                     "[top, left, bottom, right]");
  if (dilations.size() != 2 || !allPositive(dilations))
    return fail(loc, "dilations must have 2 positive entries [dh, dw]");
  return success();
}

/// Infers [N, C, OH, OW] for a 2-D sliding window over an NCHW input.
LogicalResult inferWindowShape(std::optional<Location> loc,
                               ArrayRef<int64_t> input, int64_t channels,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> padding,
                               ArrayRef<int64_t> dilations, bool ceilMode,
                               SmallVectorImpl<int64_t> &result) {
  result.assign({input[0], channels});
  for (int d = 0; d < 2; ++d) {
    int64_t out = windowOutputSize(input[2 + d], kernel[d], strides[d],
                                   padding[d], padding[d + 2], dilations[d],
                                   ceilMode);
    if (!ShapedType::isDynamic(out) && out < 1)
      return fail(loc, Twine("window of extent ") +
                           Twine(dilations[d] * (kernel[d] - 1) + 1) +
                           " does not fit spatial dimension " + Twine(2 + d) +
                           " of size " + Twine(input[2 + d]) +
                           " with padding " + Twine(padding[d]) + "+" +
                           Twine(padding[d + 2]));
    result.push_back(out);
  }
  return success();
}

LogicalResult expectRank(std::optional<Location> loc, StringRef what,
                         Type type, int64_t rank) {
  auto shaped = cast<RankedTensorType>(type);
  if (shaped.getRank() != rank)
    return fail(loc, Twine(what) + " must have rank " + Twine(rank) +
                         ", got " + Twine(shaped.getRank()));
  return success();
}

} // namespace mlir::qsnn::detail
