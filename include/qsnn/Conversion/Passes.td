//===- Passes.td - qsnn conversion passes ------------------*- tablegen -*-===//
#ifndef QSNN_CONVERSION_PASSES_TD
#define QSNN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQSNNToLinalg : Pass<"convert-qsnn-to-linalg"> {
  let summary = "Lower qsnn ops (float and integer level) to linalg, tensor, "
                "arith, math and scf on tensors";
  let description = [{
    Implements the eval semantics of docs/spec.md §3 with upstream ops so that
    every later stage (bufferization, loops, LLVM; the HLS emitter) works on
    upstream IR only. Each op becomes a short sequence: synaptic layers a
    zero-padded `linalg.conv_2d_nchw_fchw` / `conv_2d_ngchw_gfchw` /
    `matmul_transpose_b` plus a per-output-channel affine `linalg.generic`;
    `qsnn.lif` an `scf.for` over the T time steps that carries the membrane
    tensor and writes each step's spikes into its slice of the time-merged
    output; pools `linalg.pooling_nchw_sum/max` with constant divisors.
    Floating-point operations follow the trainer's order (for example
    `Q(x) = round(L * clip(x / alpha, -1, 1)) * (alpha / L)` with round half to
    even) so that the lowered model reproduces the trained one.

    Integer-level ops (docs/spec.md §4) get a plain reference lowering with the
    exact arithmetic of their definitions: i32 sums through the same named
    ops on inputs widened to i32 (spikes as 0/1, zero padding contributing
    0), a reduction `linalg.generic` for per-input-channel sums, i64
    multiply-adds for `qsnn.iaffine`, an `scf.for` over T carrying the k-bit
    membrane state for `qsnn.ilif` (arithmetic-shift rounding, both
    `fire_on` orders), an i64 sum over T for `qsnn.ireadout`, OR pooling on
    spikes, and integer `encode` / `flatten` / `add`.

    Every qsnn op must have static shapes (the importer fixes the batch);
    otherwise the pass fails with an error naming the op.
  }];
  let options = [
    Option<"vectorKernels", "vector-kernels", "bool", /*default=*/"false",
           "lower iconv2d and ilinear to explicit vector loops (CPU) "
           "instead of the reference linalg ops">,
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "vector register width in bits of the target (the lanes of the "
           "vector kernels; as given to qsnn-pack-bits)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

#endif // QSNN_CONVERSION_PASSES_TD
