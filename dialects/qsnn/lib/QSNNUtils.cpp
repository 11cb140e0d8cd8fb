//===- QSNNUtils.cpp - constants and numbers every qsnn library reads -----===//
#include "qsnn/Dialect/QSNN/QSNNUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstdio>

using namespace mlir;

FailureOr<SmallVector<double>> qsnn::readFloatElements(ElementsAttr attr) {
  SmallVector<double> result;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return failure();
    for (float v : dense.getValues<float>())
      result.push_back(v);
    return result;
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return failure();
    result.assign(data->begin(), data->end());
    return result;
  }
  return failure();
}

FailureOr<SmallVector<double>> qsnn::readFloatConstant(Value value) {
  ElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return failure();
  return readFloatElements(attr);
}

std::string qsnn::formatNumber(double value, int digits) {
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits, value);
  return buffer;
}
