//===- QSNNIntegerOps.td - qsnn integer-level operations ---*- tablegen -*-===//
//
// The deployed Q-SNN of docs/spec.md §4: exact integer arithmetic that every
// backend reproduces bit for bit. quantize-to-integer produces these ops
// from the float level; spikes are i1, synaptic sums i32, membrane currents
// i64 in units of Delta * 2^-F (Delta = alpha_u / L).
//
//===----------------------------------------------------------------------===//

#ifndef QSNN_INTEGER_OPS_TD
#define QSNN_INTEGER_OPS_TD

def QSNN_ICenterOp : QSNN_Op<"icenter", [Pure,
    QSNN_ResultLikeInput<"::mlir::IntegerType::get(ctx, 16)">]> {
  let summary = "uint8 pixels minus the per-channel integer zero point";
  let description = [{
    `[N, C, ...] ui8 -> i16`: `p - zero_point[c]`. The per-channel scale of
    `qsnn.normalize` is folded into the first layer's multipliers.
  }];
  let arguments = (ins RankedTensorOf<[UI8, I8]>:$input,
                   DenseI64ArrayAttr:$zero_point);
  let results = (outs RankedTensorOf<[I16]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QSNN_IConv2DOp : QSNN_ShapedOp<"iconv2d"> {
  let summary = "integer 2-D convolution: exact i32 sums";
  let description = [{
    `c[n, o, y, x] = sum_{i, kh, kw} W[o, i, kh, kw] * x[n, i, ...]` in i32,
    zero padding contributing 0. Weights are i8: int8 levels in [-127, 127]
    or binary signs in {-1, +1}. Inputs are spikes (i1, as 0/1), small counts
    after sum pooling, or centered pixels (i16).

    With `per_input_channel`, the sums over each input channel stay apart:
    the result is `[N, O, C, OH, OW]`, for a first layer whose input channels
    have different normalization scales (one multiplier per (o, c) pair).
  }];
  let arguments = (ins QSNN_IntTensor:$input, RankedTensorOf<[I8]>:$weight,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                   DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>,
                                     "1">:$groups,
                   DefaultValuedAttr<BoolAttr, "false">:$per_input_channel);
  let results = (outs RankedTensorOf<[I32]>:$output);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def QSNN_ILinearOp : QSNN_ShapedOp<"ilinear"> {
  let summary = "integer fully connected layer: exact i32 sums";
  let description = [{
    `c[m, o] = sum_k W[o, k] * x[m, k]` in i32 with i8 weights.
  }];
  let arguments = (ins QSNN_IntTensor:$input, RankedTensorOf<[I8]>:$weight);
  let results = (outs RankedTensorOf<[I32]>:$output);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def QSNN_ISumPool2DOp : QSNN_ShapedOp<"isum_pool2d"> {
  let summary = "window sums of spikes or counts (average pool, divisor "
                "folded away)";
  let description = [{
    `[N, C, H, W] -> i32 [N, C, OH, OW]`: the sum over each window, padded
    cells contributing 0. The average's divisor is folded into the next
    layer's multipliers, so it must be the same for every window.
  }];
  let arguments = (ins QSNN_IntTensor:$input, DenseI64ArrayAttr:$kernel,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding);
  let results = (outs RankedTensorOf<[I32]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def QSNN_IAffineOp : QSNN_ShapedOp<"iaffine"> {
  let summary = "per-channel fixed-point multiply-add into a membrane current";
  let description = [{
    `g[m, o, ...] = A[o] * c[m, o, ...] + B[o]` in i64, channels in
    dimension 1. With `per_input_channel` (after such a convolution), the
    input is `[M, O, C, ...]` and
    `g[m, o, ...] = sum_c A[o * C + c] * c[m, o, c, ...] + B[o]`. The result is in
    units of `Delta * 2^-frac_bits` for a spiking layer and `2^-frac_bits`
    for the readout. Spikes (i1) count as 0/1: an identity shortcut is an
    iaffine with multiplier `rne(2^F / Delta)` and bias 0.
  }];
  let arguments = (ins QSNN_IntTensor:$input,
                   DenseI64ArrayAttr:$multiplier, DenseI64ArrayAttr:$bias,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$frac_bits,
                   DefaultValuedAttr<BoolAttr, "false">:$per_input_channel);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QSNN_ILIFOp : QSNN_Op<"ilif", [Pure,
    QSNN_ResultLikeInput<"::mlir::IntegerType::get(ctx, 1)">]> {
  let summary = "integer LIF with k-bit membranes";
  let description = [{
    Runs T steps over the time-merged current `[T*N, ...]` (i64, units of
    `Delta * 2^-F`) and returns i1 spikes. The state m in [-L, L] starts at
    0; per step, with `rnd(g) = (g + 2^(F-1)) >> F` (arithmetic shift):

    - `g = tau_q * m + current_t`
    - `fire_on = full`: `s = g >= threshold` (threshold = theta_g, in units of
      `Delta * 2^-F`); `m = s ? 0 : clamp(rnd(g), -L, L)`
    - `fire_on = quantized`: `r = clamp(rnd(g), -L, L)`; `s = r >= threshold`
      (threshold = theta_m, in units of Delta); `m = s ? 0 : r`
  }];
  let arguments = (ins RankedTensorOf<[I64]>:$input,
                   ConfinedAttr<I64Attr, [IntPositive]>:$time_steps,
                   ConfinedAttr<I64Attr, [IntPositive]>:$frac_bits,
                   I64Attr:$tau_q, I64Attr:$threshold,
                   ConfinedAttr<I64Attr, [IntPositive]>:$levels,
                   QSNN_FireOnAttr:$fire_on);
  let results = (outs RankedTensorOf<[I1]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Bits of a membrane state in [-L, L]: a sign bit plus the bits of L
    /// (2 for L = 1). Every backend stores the state in this width.
    static unsigned getStateBits(int64_t levels) {
      return 2 + llvm::Log2_64(static_cast<uint64_t>(levels));
    }
  }];
}

def QSNN_ILIFStepOp : QSNN_Op<"ilif_step", [Pure]> {
  let summary = "one time step of qsnn.ilif, with the membrane state explicit";
  let description = [{
    `(current [N, ...] i64, m [N, ...]) -> (spikes [N, ...] i1, m')`: the
    per-step update of `qsnn.ilif` (same attributes, same arithmetic) for
    one step t. `qsnn-schedule-time{schedule=step-major}` rewrites a
    network into a loop over t in which every layer advances one step and
    carries its state in this form. The state is a signed integer tensor
    wide enough for [-L, L].
  }];
  let arguments = (ins RankedTensorOf<[I64]>:$input,
                   RankedTensorOf<[AnySignlessInteger]>:$state,
                   ConfinedAttr<I64Attr, [IntPositive]>:$frac_bits,
                   I64Attr:$tau_q, I64Attr:$threshold,
                   ConfinedAttr<I64Attr, [IntPositive]>:$levels,
                   QSNN_FireOnAttr:$fire_on);
  let results = (outs RankedTensorOf<[I1]>:$spikes,
                      RankedTensorOf<[AnySignlessInteger]>:$next_state);
  let assemblyFormat = [{
    $input `,` $state attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def QSNN_IReadoutOp : QSNN_ShapedOp<"ireadout"> {
  let summary = "integer logits: the readout current summed over T";
  let description = [{
    `[T*N, K] i64 -> [N, K] i64`: `z[n, k] = sum_t g[t*N + n, k]`, with
    `g = A * c_t + B` from the preceding `qsnn.iaffine`. Float logits are
    `z / (T * 2^frac_bits)`; the prediction is the argmax of z (ties: the
    lowest index).
  }];
  let arguments = (ins RankedTensorOf<[I64]>:$input,
                   ConfinedAttr<I64Attr, [IntPositive]>:$time_steps,
                   ConfinedAttr<I64Attr, [IntNonNegative]>:$frac_bits);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def QSNN_BConv2DOp : QSNN_Op<"bconv2d", [Pure]> {
  let summary = "binary convolution over bit-packed inputs (popcount)";
  let description = [{
    The same sums as a `qsnn.iconv2d` whose weights are all -1 or +1
    (groups 1, dilation 1), computed on bit-packed words: `c[n, o, y, x] =
    sum_p 2^p * (2 * popcount(x_p & B+) - popcount(x_p))` over the window's
    words, where `x_p` is bit plane p of the input (spikes are one plane;
    counts in `[0, 2^planes)`, as after sum pooling of spikes, are several)
    and `B+` has a bit set where the weight is +1. Zero padding contributes
    0 exactly: a zero word adds nothing to either popcount.

    `weight_bits` holds B+ packed as `[KH, KW, words, O_padded]` integers of
    `word_bits` bits: bit j of word w is input channel `w * word_bits + j`;
    channels past `C` and output channels past `O` are 0. The input is the
    unpacked `[N, C, H, W]` tensor; packing it is part of the op's lowering.
    Produced by `qsnn-pack-bits`.

    With `input_pool = [2, 2]`, the input is spikes and the convolution
    reads their 2x2 sum pool (stride 2, no padding): counts 0..4 in three
    bit planes, which the lowering forms from the packed spikes with
    bitwise adders instead of materializing the counts.
  }];
  let arguments = (ins QSNN_IntTensor:$input,
                   RankedTensorOf<[I8, I16, I32, I64]>:$weight_bits,
                   ConfinedAttr<I64Attr, [IntPositive]>:$planes,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                   OptionalAttr<DenseI64ArrayAttr>:$input_pool);
  let results = (outs RankedTensorOf<[I32]>:$output);
  let assemblyFormat = [{
    $input `,` $weight_bits attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Output channels one vector of the lowering covers for `wordBits`-bit
    /// words (a 512-bit register of words, at most 16 lanes); the packed
    /// weights pad O to a multiple of it.
    static int64_t getVectorLanes(unsigned wordBits) {
      return wordBits >= 32 ? 512 / wordBits : 16;
    }
    /// The word size for `channels` input channels: the smallest of 8, 16,
    /// 32 and 64 bits that holds them, else 64.
    static unsigned getWordBits(int64_t channels) {
      for (unsigned bits : {8u, 16u, 32u})
        if (channels <= bits)
          return bits;
      return 64;
    }
  }];
}

#endif // QSNN_INTEGER_OPS_TD
