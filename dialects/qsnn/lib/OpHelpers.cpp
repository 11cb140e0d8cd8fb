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

RankedTensorType tensorLike(Type like, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape,
                               cast<RankedTensorType>(like).getElementType());
}

bool allPositive(ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v > 0; });
}

bool allNonNegative(ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v >= 0; });
}

static LogicalResult checkWindow(std::optional<Location> loc,
                                 ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> padding,
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

LogicalResult inferWindow(std::optional<Location> loc, ArrayRef<int64_t> input,
                          int64_t channels, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
                          ArrayRef<int64_t> dilations, bool ceilMode,
                          SmallVectorImpl<int64_t> &result) {
  if (failed(checkWindow(loc, kernel, strides, padding, dilations)))
    return failure();
  result.assign({input[0], channels});
  for (int d = 0; d < 2; ++d) {
    int64_t out =
        windowOutputSize(input[2 + d], kernel[d], strides[d], padding[d],
                         padding[d + 2], dilations[d], ceilMode);
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

LogicalResult expectRank(std::optional<Location> loc, const Twine &what,
                         Type type, int64_t rank) {
  auto shaped = cast<RankedTensorType>(type);
  if (shaped.getRank() != rank)
    return fail(loc, what + " must have rank " + Twine(rank) + ", got " +
                         Twine(shaped.getRank()));
  return success();
}

LogicalResult pushTensor(FailureOr<SmallVector<int64_t>> shape, Type element,
                         SmallVectorImpl<Type> &inferred) {
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, element));
  return success();
}

FailureOr<SmallVector<int64_t>>
inferConvShape(std::optional<Location> loc, StringRef name, Type inputType,
               Type weightType, int64_t groups, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> padding, ArrayRef<int64_t> dilations) {
  if (failed(expectRank(loc, name + " input [N, C, H, W]", inputType, 4)) ||
      failed(expectRank(loc, name + " weight [O, I, KH, KW]", weightType, 4)))
    return failure();
  ArrayRef<int64_t> input = cast<RankedTensorType>(inputType).getShape();
  ArrayRef<int64_t> weight = cast<RankedTensorType>(weightType).getShape();
  if (llvm::any_of(weight, ShapedType::isDynamic))
    return fail(loc, name + " weight must have a static shape");
  if (!ShapedType::isDynamic(input[1]) && input[1] != weight[1] * groups)
    return fail(loc, Twine("input has ") + Twine(input[1]) +
                         " channels but the weight expects " +
                         Twine(weight[1]) + " x groups " + Twine(groups));
  if (weight[0] % groups != 0)
    return fail(loc, Twine(weight[0]) +
                         " output channels are not divisible by groups " +
                         Twine(groups));
  SmallVector<int64_t> shape;
  if (failed(inferWindow(loc, input, weight[0], weight.drop_front(2), strides,
                         padding, dilations, /*ceilMode=*/false, shape)))
    return failure();
  return shape;
}

FailureOr<SmallVector<int64_t>> inferLinearShape(std::optional<Location> loc,
                                                 StringRef name, Type inputType,
                                                 Type weightType) {
  if (failed(expectRank(loc, name + " input [M, K]", inputType, 2)) ||
      failed(expectRank(loc, name + " weight [O, K]", weightType, 2)))
    return failure();
  ArrayRef<int64_t> input = cast<RankedTensorType>(inputType).getShape();
  ArrayRef<int64_t> weight = cast<RankedTensorType>(weightType).getShape();
  if (!ShapedType::isDynamic(input[1]) && !ShapedType::isDynamic(weight[1]) &&
      input[1] != weight[1])
    return fail(loc, Twine("input has ") + Twine(input[1]) +
                         " features but the weight expects " +
                         Twine(weight[1]));
  return SmallVector<int64_t>{input[0], weight[0]};
}

FailureOr<SmallVector<int64_t>>
inferPoolShape(std::optional<Location> loc, StringRef name, Type inputType,
               ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> padding, bool ceilMode) {
  if (failed(expectRank(loc, name + " input [N, C, H, W]", inputType, 4)))
    return failure();
  ArrayRef<int64_t> input = cast<RankedTensorType>(inputType).getShape();
  SmallVector<int64_t, 2> unitDilations = {1, 1};
  SmallVector<int64_t> shape;
  if (failed(inferWindow(loc, input, input[1], kernel, strides, padding,
                         unitDilations, ceilMode, shape)))
    return failure();
  return shape;
}

FailureOr<SmallVector<int64_t>> inferReadoutShape(std::optional<Location> loc,
                                                  StringRef name,
                                                  Type inputType,
                                                  int64_t steps) {
  if (failed(expectRank(loc, name + " input [T*N, K]", inputType, 2)))
    return failure();
  SmallVector<int64_t> shape(cast<RankedTensorType>(inputType).getShape());
  if (!ShapedType::isDynamic(shape[0])) {
    if (shape[0] % steps != 0)
      return fail(loc, Twine("leading dimension ") + Twine(shape[0]) +
                           " is not a multiple of time_steps " + Twine(steps));
    shape[0] /= steps;
  }
  return shape;
}

} // namespace mlir::qsnn::detail
