//===- QSNNShapes.cpp - shape rules shared by ops and importers -----------===//
#include "qsnn/Dialect/QSNN/QSNNShapes.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

int64_t qsnn::windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                               int64_t padBegin, int64_t padEnd,
                               int64_t dilation, bool ceilMode) {
  if (ShapedType::isDynamic(input))
    return ShapedType::kDynamic;
  int64_t span = input + padBegin + padEnd - dilation * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  int64_t out = span / stride + 1;
  if (ceilMode && span % stride != 0) {
    ++out;
    if ((out - 1) * stride >= input + padBegin)
      --out;
  }
  return out;
}
