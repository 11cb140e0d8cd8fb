//===- Passes.td - CPU target passes -----------------------*- tablegen -*-===//
#ifndef QSNN_TARGET_CPU_PASSES_TD
#define QSNN_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

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

#endif // QSNN_TARGET_CPU_PASSES_TD
