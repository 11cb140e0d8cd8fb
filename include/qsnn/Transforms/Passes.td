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

def QuantizeToInteger : Pass<"qsnn-quantize-to-integer", "::mlir::ModuleOp"> {
  let summary = "Turn the float-level Q-SNN into the exact integer form of "
                "DESIGN.md §4";
  let description = [{
    Rewrites every function whose network is built from float-level qsnn ops
    (normalize, encode, conv2d/linear with binary or int8 weights, batch_norm,
    lif, avg/max/global pools, flatten, add, readout) into the integer ops:
    `icenter -> iconv2d -> iaffine -> encode -> ilif -> isum_pool2d ... ->
    ilinear -> iaffine -> ireadout`. The function result becomes the i64
    integer logits z.

    Every float current `I = sum_i a_i[o] * c_i + b[o]` (c_i exact integer
    sums, a_i folding the weight scale, batch norm, pooling divisors and input
    scales) becomes `A = rne(a / Delta * 2^F)`, `B = rne(b / Delta * 2^F)`
    with one F per LIF, `F = P - 1 - floor(log2 max |a / Delta|)`. The
    constants are computed in double with round-half-to-even in the same
    order of operations as python/qsnn/reference.py, so both agree bit for
    bit. `qsnn.batch_norm` after a synaptic layer is folded here in double:
    run this pass on the imported IR (qsnn-fold-batchnorm first narrows the
    folded scales to f32, which can move A and B by one unit).

    Range analysis bounds every integer sum and accumulator; each integer op
    created carries `qsnn.acc_bits`, the width of a signed accumulator that
    holds every value it can produce. Overflow of i32 sums or i64
    accumulators is an error; a LIF that can never fire is a warning.
    See docs/integer.md.
  }];
  let options = [
    Option<"multiplierBits", "multiplier-bits", "int64_t", /*default=*/"24",
           "significant bits P of each layer's largest multiplier">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // QSNN_TRANSFORMS_PASSES_TD
