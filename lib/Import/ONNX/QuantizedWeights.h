//===- QuantizedWeights.h - quantizer outputs as qsnn weights ---*- C++ -*-===//
#ifndef QSNN_LIB_IMPORT_ONNX_QUANTIZEDWEIGHTS_H
#define QSNN_LIB_IMPORT_ONNX_QUANTIZEDWEIGHTS_H

#include "Importer.h"

namespace mlir::qsnn::onnx_import {

/// The weight, scale and quant attribute a synaptic op (conv2d, linear) gets
/// from one of its ONNX weight inputs.
struct SynapticWeight {
  WeightQuant quant = WeightQuant::Float;
  /// Weight as it sits in the ONNX graph (levels for quantized weights).
  Value weight;
  /// Compile-time weight contents, when constant.
  DenseElementsAttr constant;
  /// One scale per output channel (binary/int8 only).
  SmallVector<float> scale;
};

/// Reads input `index` of the current node as a synaptic weight whose output
/// channels run along dimension `outputAxis`. Quantizer outputs give their
/// levels and a per-channel scale; other constants and runtime tensors are
/// float weights. The weight is not materialized (callers may transpose
/// constants first).
FailureOr<SynapticWeight> readSynapticWeight(Importer &imp, unsigned index,
                                             int64_t outputAxis);

} // namespace mlir::qsnn::onnx_import

#endif // QSNN_LIB_IMPORT_ONNX_QUANTIZEDWEIGHTS_H
