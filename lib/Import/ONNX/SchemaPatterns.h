//===- SchemaPatterns.h - ai.qsnn schema idioms to qsnn ops -----*- C++ -*-===//
//
// docs/spec.md §5 spells some qsnn ops as small standard-op idioms. Each
// matcher runs at the node that ends its idiom, looks at the producers of
// that node's inputs and, when the idiom matches, records the node's output
// as the qsnn op and returns true. The earlier nodes of the idiom were
// already imported as plain ops; the graph importer drops them when nothing
// else uses them. A matcher that does not match returns false and emits
// nothing.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_IMPORT_ONNX_SCHEMAPATTERNS_H
#define QSNN_LIB_IMPORT_ONNX_SCHEMAPATTERNS_H

#include "Importer.h"

namespace mlir::qsnn::onnx_import {

/// At Mul: Cast(uint8 -> float) -> Sub(integer zero point per channel) ->
/// Mul(scale per channel) becomes qsnn.normalize.
FailureOr<bool> matchNormalize(Importer &imp);

/// At Tile with repeats [T, 1, ...] (T = qsnn.time_steps): qsnn.encode.
FailureOr<bool> matchEncodeTile(Importer &imp, ArrayRef<int64_t> repeats);

/// At Concat along axis 0 of T copies of one tensor: qsnn.encode.
FailureOr<bool> matchEncodeConcat(Importer &imp, int64_t axis);

/// At Reshape [T, N, ...] -> [T*N, ...] of Expand(x viewed as [1, N, ...]):
/// qsnn.encode of x.
FailureOr<bool> matchEncodeExpand(Importer &imp, ArrayRef<int64_t> shape);

/// At ReduceMean(axes = [0], keepdims = 0) of Reshape [T*N, K] -> [T, N, K]:
/// qsnn.readout.
FailureOr<bool> matchReadout(Importer &imp, ArrayRef<int64_t> axes,
                             int64_t keepDims);

} // namespace mlir::qsnn::onnx_import

#endif // QSNN_LIB_IMPORT_ONNX_SCHEMAPATTERNS_H
