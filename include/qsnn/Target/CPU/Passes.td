//===- Passes.td - CPU target passes -----------------------*- tablegen -*-===//
#ifndef QSNN_TARGET_CPU_PASSES_TD
#define QSNN_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

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

def InnermostContiguousLoop : Pass<"qsnn-innermost-contiguous-loop",
                                   "::mlir::func::FuncOp"> {
  let summary = "Reorder convolution and pooling loops so that the output's "
                "last dimension is innermost";
  let description = [{
    `convert-linalg-to-loops` nests loops in iterator order, which for a
    convolution puts the 3-tap kernel width innermost: a short floating-point
    reduction that LLVM may not vectorize without reassociation. Moving the
    loop over the output's last (contiguous) dimension innermost, behind the
    reductions, gives an inner loop with no loop-carried dependence whose
    input is contiguous (or strided) and whose weight is invariant, which the
    loop vectorizer handles. Each output still accumulates its terms in the
    original order, so results are bit-identical.

    Applies to any linalg op whose innermost loop is a reduction, whose
    output's last index is a parallel loop, and whose inputs use that loop
    only in their last index (convolutions and pools; not a matmul with a
    transposed weight, where it would turn loads into gathers). Named ops are
    generalized first.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PlanMemory : Pass<"qsnn-plan-memory", "::mlir::func::FuncOp"> {
  let summary = "Place every memref.alloc in one workspace buffer";
  let description = [{
    A compiled model never allocates (DESIGN.md §7): the caller passes one
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

def CollapseElementwise : Pass<"qsnn-collapse-elementwise",
                                "::mlir::func::FuncOp"> {
  let summary = "Merge the loops of elementwise generics over contiguous "
                "buffers";
  let description = [{
    An elementwise `linalg.generic` over `[N, C, 7, 7]` becomes loops whose
    innermost trip count is 7: too short for a vector of 8 or 16 lanes, so
    LLVM leaves it scalar. Where every operand keeps a run of iteration
    dimensions contiguous (in its indexing map and in its memory layout),
    the run becomes one dimension (`[N, C, 49]`, or `[N*C*H*W]` for
    identity maps): the same elements in the same order, in one long loop.
    Generics that use `linalg.index` or have reductions are left alone.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def WidenSubByteMemory : Pass<"qsnn-widen-sub-byte-memory",
                               "::mlir::func::FuncOp"> {
  let summary = "Store i1 spikes and k-bit membranes as bytes";
  let description = [{
    A buffer of i1 (or i2 .. i7) elements already takes one byte per element
    in memory, but LLVM's vectorizers refuse loads and stores of types that
    are not byte-sized, so every loop touching spikes or k-bit membrane
    state stayed scalar. This pass runs on the loops (after
    convert-linalg-to-loops) and gives such buffers and their views an i8
    element type: `memref.load` becomes a byte load and a truncation,
    `memref.store` a zero extension and a byte store. The values and the
    memory layout do not change; functions with sub-byte memref arguments
    are left alone. Any other user of such a buffer is an error (nothing is
    silently reinterpreted).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def ExpandMath : Pass<"qsnn-cpu-expand-math", "::mlir::func::FuncOp"> {
  let summary = "Expand math ops that would become libm calls";
  let description = [{
    `math.roundeven` lowers to `llvm.roundeven`, which targets without a
    rounding instruction (x86-64 before SSE4.1, the `generic` CPU) turn into a
    call to libm's `roundevenf` (likewise `math.round`, `math.floor`,
    `math.ceil`). Artifacts must load into any process without libm, so these
    are expanded into integer and float arithmetic that every target
    vectorizes.
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

#endif // QSNN_TARGET_CPU_PASSES_TD
