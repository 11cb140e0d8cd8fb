//===- Passes.td - qsnn target-neutral passes ----------*- tablegen -*-===//
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
    multipliers (docs/spec.md §4). Folds only when the layer's result has no
    other user and every parameter is a constant; the arithmetic is done in
    double and rounded to f32 once.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QuantizeToInteger : Pass<"qsnn-quantize-to-integer", "::mlir::ModuleOp"> {
  let summary = "Turn the float-level Q-SNN into the exact integer form of "
                "docs/spec.md §4";
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
    multiply-adds (docs/spec.md §6). The sums are identical, so every spike
    and logit stays bit-exact. Convolutions it cannot prove binary on
    non-negative bounded inputs are left alone.

    `vector-bits` is the target's vector register width (qsnn-compile takes
    it from the target: 512 with AVX-512, 256 with AVX2, 128 on NEON, 32 on
    a Cortex-M without vector unit): O is padded to the lanes of one such
    register, which `convert-qsnn-to-linalg` must be given as well.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "vector register width in bits the lowering targets">
  ];
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

//===----------------------------------------------------------------------===//
// Target-neutral passes below the qsnn level (linalg, bufferized memrefs)
//===----------------------------------------------------------------------===//

def PrepareBoundary : Pass<"qsnn-prepare-boundary", "::mlir::func::FuncOp"> {
  let summary = "Signless uint8 arguments and results, and one fresh buffer "
                "per result";
  let description = [{
    Upstream arith and bufferization work on signless integers, and
    `tensor.bitcast` has no bufferization, so `ui8` arguments (which the
    lowering reinterprets with `tensor.bitcast ... to i8`) become `i8`
    arguments, and `ui8` results (produced by `tensor.bitcast` from `i8`)
    become `i8` results; the bitcasts disappear. At the ABI the buffer is the
    same bytes either way. Any other use of a `ui8` argument is an error.

    A result that is a function argument, or that is returned twice, gets a
    copy of its own (`linalg.copy` into a new tensor): every output is a
    distinct caller buffer after buffer-results-to-out-params.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def MemRefCopyToLinalg : Pass<"qsnn-memref-copy-to-linalg",
                              "::mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into linalg.copy";
  let description = [{
    `memref.copy` of a strided view lowers to a call into MLIR's C runner
    library (`memrefCopy`); an artifact must not depend on it. `linalg.copy`
    becomes plain loops like every other linalg op.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FuseElementwise : Pass<"qsnn-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg.generic producers into consumers "
                "where no work is repeated";
  let description = [{
    Merges a producer generic into its consumer when the producer has a
    single use and the consumer reads it through a permutation map, so every
    produced element is still computed exactly once (a chain of affine maps,
    a residual add, an average pool's division folded into the next sum).
    Upstream's `linalg-fuse-elementwise-ops` would also fuse a producer into
    a reduction that reads each element many times (e.g. a division into
    every output row of a matmul) and propagate reshapes through named ops;
    both cost more than the memory traffic they save.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PlanMemory : Pass<"qsnn-plan-memory", "::mlir::func::FuncOp"> {
  let summary = "Place every memref.alloc in one workspace buffer";
  let description = [{
    A compiled model never allocates (docs/spec.md §7): the caller passes one
    workspace. With all shapes static, each `memref.alloc` gets a live range
    (from the alloc to the last use of it or of any view of it, where a use
    inside a loop keeps the buffer live for the whole loop) and a 64-byte
    aligned offset chosen first-fit among the buffers whose ranges overlap.
    The allocs become `memref.view`s of a new trailing argument
    `memref<S x i8>` marked `qsnn.workspace`, deallocs are erased, and the
    function gets the attributes `qsnn.workspace_bytes` (S),
    `qsnn.activation_bytes` / `qsnn.scratch_bytes` (bytes of buffers in the
    function body / inside loops that are live where the total live size
    peaks) and `qsnn.unplanned_bytes` (the sum of all buffers).

    Fails on a dynamically sized alloc and on a buffer that escapes its block
    (returned or yielded), which could not be given a fixed place.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def ExposeSpikes : Pass<"qsnn-expose-spikes", "::mlir::func::FuncOp"> {
  let summary = "Return every LIF layer's spikes as extra uint8 outputs";
  let description = [{
    A debugging aid (`qsnn-compile --expose-spikes`): in every public
    function with a body, the spikes of each `qsnn.ilif` (and float-level
    `qsnn.lif`) become an extra result, in program order after the existing
    ones: a `[T, N, ...]` tensor of `i8` 0/1 values (uint8 at the ABI,
    `qsnn.batch_dim` 1) named `spikes:<name>`, where `<name>` is the first
    `NameLoc` in the op's location (the importer's ONNX node name, or its
    first output for an unnamed node), else `lif<index>`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // QSNN_TRANSFORMS_PASSES_TD
