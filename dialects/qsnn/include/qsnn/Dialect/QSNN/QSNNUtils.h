//===- QSNNUtils.h - constants and numbers every qsnn library reads -*- C++
//-*-===//
//
// Float constants (weights, scales, batch-norm statistics) reach qsnn ops as
// inline dense attributes or as dense_resource blobs (large ONNX
// initializers); one reader handles both. Numbers in diagnostics print
// short ("0.25", "1e-07"), not as APFloat's "2.500000e-01".
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_DIALECT_QSNN_QSNNUTILS_H
#define QSNN_DIALECT_QSNN_QSNNUTILS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace mlir::qsnn {

/// The values of an f32 elements attribute (dense or dense_resource),
/// widened to double; failure for any other attribute.
FailureOr<SmallVector<double>> readFloatElements(ElementsAttr attr);

/// The values of a constant f32 tensor; failure when `value` is null or not
/// such a constant.
FailureOr<SmallVector<double>> readFloatConstant(Value value);

/// `value` with up to `digits` significant digits, as printf's %g.
std::string formatNumber(double value, int digits = 6);

} // namespace mlir::qsnn

#endif // QSNN_DIALECT_QSNN_QSNNUTILS_H
