//===- Passes.td - qsnn-level passes -----------------------*- tablegen -*-===//
#ifndef QSNN_TRANSFORMS_PASSES_TD
#define QSNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldBatchNorm : Pass<"qsnn-fold-batchnorm"> {
  let summary = "Fold qsnn.batch_norm into the scale and bias of the "
                "preceding conv2d or linear";
  let description = [{
    With `g = gamma / sqrt(variance + epsilon)`, a batch norm after a synaptic
    layer `scale * (W * x) + bias` becomes
    `(scale * g) * (W * x) + ((bias - mean) * g + beta)`: one per-channel
    affine map, which is what quantize-to-integer turns into integer
    multipliers (DESIGN.md §4). Folds only when the layer's result has no
    other user and every parameter is a constant; the arithmetic is done in
    double and rounded to f32 once.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // QSNN_TRANSFORMS_PASSES_TD
