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

def PackBits : Pass<"qsnn-pack-bits"> {
  let summary = "Binary convolutions on bit-packed spikes: popcount instead "
                "of multiply-add";
  let description = [{
    Rewrites each `qsnn.iconv2d` whose weights are a constant of -1/+1
    (groups 1, dilation 1) and whose input is spikes (i1) or a sum pool of
    spikes (counts below 2^planes) into `qsnn.bconv2d`: the weights become
    B+ bit masks packed into words (8, 16, 32 or 64 bits, the smallest that
    holds the input channels), laid out `[KH, KW, words, O_padded]` so that
    the lowering loads one vector of output channels per word, and
    `c = sum_p 2^p (2 popcount(x_p & B+) - popcount(x_p))` replaces the
    multiply-adds (DESIGN.md §6). The sums are identical, so every spike
    and logit stays bit-exact. Convolutions it cannot prove binary on
    non-negative bounded inputs are left alone.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def HoistTimeInvariant : Pass<"qsnn-hoist-time-invariant"> {
  let summary = "Compute layers on a static input once, not T times";
  let description = [{
    `qsnn.encode` repeats a static input over the T steps. A per-sample
    layer after it (conv2d, linear, batch_norm, normalize and their
    integer forms icenter, iconv2d, iaffine) computes the same values at
    every step, so `layer(encode(x))` becomes `encode(layer(x))`, repeatedly,
    until the encode reaches the first LIF: the first layer runs once per
    sample. The LIF lowering then reads that current at every step without
    a T-fold copy. Other operands must not depend on time (weights, scales
    and statistics are constants). Values and their order are unchanged.
  }];
}

def ScheduleTime : Pass<"qsnn-schedule-time", "::mlir::func::FuncOp"> {
  let summary = "Choose the order of time steps and layers (integer level)";
  let description = [{
    `layer-major` (the default; the form every lowering starts from): each
    layer runs all T steps before the next, so only one layer's membranes
    are live at a time, but every activation holds T * N rows (the memory
    model of the paper's Table 2).

    `step-major`: one `scf.for` over t in which every layer advances one
    step. The time-merged `[T*N, ...]` ops of the network become `[N, ...]`
    ops on step t's rows (a static input's `qsnn.encode` becomes its
    per-sample value: the layers before it already ran once); each
    `qsnn.ilif` becomes `qsnn.ilif_step` with its membrane state carried by
    the loop; the `qsnn.ireadout` sum over T becomes an accumulator. Every
    layer's membranes are live for the whole loop, activations only for one
    step: the order for streaming event input. Values used outside the
    network (exposed spikes) are assembled step by step into their
    `[T*N, ...]` tensors. Spikes and logits are bit-identical to
    `layer-major`.
  }];
  let options = [
    Option<"schedule", "schedule", "std::string", /*default=*/"\"layer-major\"",
           "layer-major or step-major">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

#endif // QSNN_TRANSFORMS_PASSES_TD
