//===- QSNNOps.td - qsnn float-level operations ------------*- tablegen -*-===//
//
// Float-level ops: the trained Q-SNN exactly as docs/spec.md §3 (eval mode)
// defines it. Integer-level ops (docs/spec.md §4) are lowered from these.
//
//===----------------------------------------------------------------------===//

#ifndef QSNN_OPS_TD
#define QSNN_OPS_TD

include "qsnn/Dialect/QSNN/QSNNBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Ops whose result type follows from operands and attributes implement
// inferReturnTypes; its diagnostics explain shape mismatches.
class QSNN_ShapedOp<string mnemonic, list<Trait> traits = []>
    : QSNN_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])>;

//===----------------------------------------------------------------------===//
// Entering and leaving the time-merged layout
//===----------------------------------------------------------------------===//

def QSNN_NormalizeOp : QSNN_Op<"normalize", [Pure,
    QSNN_ResultLikeInput<"::mlir::Float32Type::get(ctx)">]> {
  let summary = "uint8 input to float with per-channel zero point and scale";
  let description = [{
    `x = (p - zero_point[c]) * scale[c]` with `c` the dimension-1 index. The
    zero points are integers so that the first layer can run on integer
    pixel sums (docs/spec.md §4). Both arrays have one entry per channel.

    ```mlir
    %x = qsnn.normalize %pixels {zero_point = array<i64: 73>,
                                 scale = array<f64: 0.0111>}
        : tensor<?x1x28x28xui8> -> tensor<?x1x28x28xf32>
    ```
  }];
  let arguments = (ins QSNN_PixelTensor:$input,
                   DenseI64ArrayAttr:$zero_point,
                   DenseF64ArrayAttr:$scale);
  let results = (outs QSNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def QSNN_CountsOp : QSNN_Op<"counts", [Pure,
    QSNN_ResultLikeInput<"::mlir::Float32Type::get(ctx)">]> {
  let summary = "uint8 counts as float, exactly";
  let description = [{
    The value of each uint8 element as f32: event counts (`[T, N, C, H, W]`
    frames, docs/spec.md §5.2) or pixels a graph uses without normalization.
    The integer form reads the counts themselves (docs/spec.md §4.2), so the
    importer states the conversion as this op rather than as arithmetic.

    ```mlir
    %x = qsnn.counts %frames : tensor<4x1x2x34x34xui8> -> tensor<4x1x2x34x34xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[UI8]>:$input);
  let results = (outs QSNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def QSNN_EncodeOp : QSNN_ShapedOp<"encode"> {
  let summary = "repeat a static input over T time steps";
  let description = [{
    `[N, ...] -> [T*N, ...]`: every time step sees the same frame (direct
    encoding of static images). At the integer level it repeats the first
    layer's sums, which hoist-time-invariant computes once per sample.
  }];
  let arguments = (ins QSNN_AnyValueTensor:$input,
                   ConfinedAttr<I64Attr, [IntPositive]>:$time_steps);
  let results = (outs QSNN_AnyValueTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def QSNN_ReadoutOp : QSNN_ShapedOp<"readout"> {
  let summary = "mean of the classifier output over T time steps";
  let description = [{
    `[T*N, K] -> [N, K]`: `o[n, k] = (1/T) * sum_t x[t*N + n, k]`. The
    prediction is the argmax of the result.
  }];
  let arguments = (ins QSNN_FloatTensor:$input,
                   ConfinedAttr<I64Attr, [IntPositive]>:$time_steps);
  let results = (outs QSNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

//===----------------------------------------------------------------------===//
// Synaptic layers
//===----------------------------------------------------------------------===//

class QSNN_SynapticOp<string mnemonic>
    : QSNN_ShapedOp<mnemonic, [AttrSizedOperandSegments]> {
  let results = (outs QSNN_FloatTensor:$output);
  let assemblyFormat = [{
    custom<WeightQuantKeyword>($quant) $input `,` $weight
    (`scale` $scale^)? (`bias` $bias^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Number of output channels (dimension 0 of the weight).
    int64_t getNumOutputChannels() {
      return ::llvm::cast<::mlir::RankedTensorType>(getWeight().getType())
          .getDimSize(0);
    }
  }];
}

def QSNN_Conv2DOp : QSNN_SynapticOp<"conv2d"> {
  let summary = "2-D convolution with quantized weights";
  let description = [{
    `y[n, o] = scale[o] * (sum_{i, kh, kw} W[o, i, kh, kw] * x[n, ...]) + bias[o]`
    over NCHW input and OIHW weights, with strides, zero padding
    `[top, left, bottom, right]`, dilations and groups.

    `quant` says what the weight tensor holds: `binary` - only -1 and +1
    (sign(Ŵ); `scale` is α_w), `int8` - integers in [-127, 127] (`scale` is
    the symmetric step s), `float` - plain weights (`scale` optional).
  }];
  let arguments = (ins QSNN_FloatTensor:$input, QSNN_FloatTensor:$weight,
                   Optional<QSNN_FloatVector>:$scale,
                   Optional<QSNN_FloatVector>:$bias,
                   QSNN_WeightQuantAttr:$quant,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
                   DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>,
                                     "1">:$groups);
}

def QSNN_LinearOp : QSNN_SynapticOp<"linear"> {
  let summary = "fully connected layer with quantized weights";
  let description = [{
    `y[m, o] = scale[o] * (sum_k W[o, k] * x[m, k]) + bias[o]`; `quant` as
    for `qsnn.conv2d`.
  }];
  let arguments = (ins QSNN_FloatTensor:$input, QSNN_FloatTensor:$weight,
                   Optional<QSNN_FloatVector>:$scale,
                   Optional<QSNN_FloatVector>:$bias,
                   QSNN_WeightQuantAttr:$quant);
}

def QSNN_BatchNormOp : QSNN_Op<"batch_norm", [Pure,
    AllTypesMatch<["input", "output"]>,
    AllTypesMatch<["gamma", "beta", "mean", "variance"]>]> {
  let summary = "batch normalization with running statistics (eval)";
  let description = [{
    `y = gamma[c] * (x - mean[c]) / sqrt(variance[c] + epsilon) + beta[c]`
    over dimension 1 of a rank-2 or rank-4 tensor.
  }];
  let arguments = (ins QSNN_FloatTensor:$input, QSNN_FloatVector:$gamma,
                   QSNN_FloatVector:$beta, QSNN_FloatVector:$mean,
                   QSNN_FloatVector:$variance,
                   DefaultValuedAttr<F64Attr, "1e-5">:$epsilon);
  let results = (outs QSNN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `,` $mean `,` $variance attr-dict
    `:` type($input) `,` type($gamma)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Neurons
//===----------------------------------------------------------------------===//

def QSNN_LIFOp : QSNN_Op<"lif", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "multi-step leaky integrate-and-fire with k-bit membranes";
  let description = [{
    Runs T steps over the time-merged input current `[T*N, ...]` and returns
    the 0/1 spikes. With `u_0 = 0`, per step t:
    `h_t = tau * u_{t-1} + I_t`, and with L levels per sign
    (`signed`: 2^(k-1) - 1, `paper`: 2^k - 1) and
    `Q(x) = (alpha_u / L) * round(L * clip(x / alpha_u, -1, 1))`:

    - `fire_on = full`: `s_t = [h_t >= threshold]`, `u_t = Q(h_t * (1 - s_t))`
    - `fire_on = quantized`: `q = Q(h_t)`, `s_t = [q >= threshold]`,
      `u_t = q * (1 - s_t)`

    `membrane_bits = 32` disables quantization (`alpha_u` unused). Otherwise
    `alpha_u` is the trained running estimate of the membrane range.

    Spiking graphs from other front ends (NIR, docs/spec.md §8) also use:

    - `strict`: `s_t = [h_t > threshold]` (or `[q > threshold]`) instead of
      `>=`, with any membrane_bits (its integer form: §8.5);

    and, with `membrane_bits = 32` and `fire_on = full` only:

    - `reset = subtract`: `u_t = h_t - s_t * threshold`; `reset = none`:
      the neuron never fires (`s_t = 0`, `u_t = h_t`, `threshold` unused);
      `reset = hard` stores `v_reset` (default 0) when it fires;
    - `emit_membrane`: the result is the stored membrane `u_t` of every step
      instead of the spikes.

    The ONNX schema knows only the defaults; the integer form has the
    defaults and `strict`.
  }];
  let arguments = (ins QSNN_FloatTensor:$input,
                   ConfinedAttr<I64Attr, [IntPositive]>:$time_steps,
                   DefaultValuedAttr<F64Attr, "0.5">:$tau,
                   DefaultValuedAttr<F64Attr, "1.0">:$threshold,
                   I64Attr:$membrane_bits,
                   DefaultValuedAttr<QSNN_LevelsAttr,
                                     "::mlir::qsnn::Levels::Signed">:$levels,
                   DefaultValuedAttr<QSNN_FireOnAttr,
                                     "::mlir::qsnn::FireOn::Full">:$fire_on,
                   OptionalAttr<F64Attr>:$alpha_u,
                   DefaultValuedAttr<QSNN_ResetAttr,
                                     "::mlir::qsnn::Reset::Hard">:$reset,
                   DefaultValuedAttr<F64Attr, "0.0">:$v_reset,
                   DefaultValuedAttr<BoolAttr, "false">:$strict,
                   DefaultValuedAttr<BoolAttr, "false">:$emit_membrane);
  let results = (outs QSNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "int64_t":$timeSteps,
                   "int64_t":$membraneBits, "std::optional<double>":$alphaU,
                   CArg<"::mlir::qsnn::FireOn", "::mlir::qsnn::FireOn::Full">:$fireOn,
                   CArg<"::mlir::qsnn::Levels", "::mlir::qsnn::Levels::Signed">:$levels,
                   CArg<"double", "0.5">:$tau, CArg<"double", "1.0">:$threshold), [{
      build($_builder, $_state, input.getType(), input,
            $_builder.getI64IntegerAttr(timeSteps), $_builder.getF64FloatAttr(tau),
            $_builder.getF64FloatAttr(threshold),
            $_builder.getI64IntegerAttr(membraneBits),
            ::mlir::qsnn::LevelsAttr::get($_builder.getContext(), levels),
            ::mlir::qsnn::FireOnAttr::get($_builder.getContext(), fireOn),
            alphaU ? $_builder.getF64FloatAttr(*alphaU) : ::mlir::FloatAttr(),
            ::mlir::qsnn::ResetAttr::get($_builder.getContext(),
                                         ::mlir::qsnn::Reset::Hard),
            $_builder.getF64FloatAttr(0.0), $_builder.getBoolAttr(false),
            $_builder.getBoolAttr(false));
    }]>];
  let extraClassDeclaration = [{
    /// Quantization levels per sign (L), or 0 when membranes are not
    /// quantized (membrane_bits = 32).
    int64_t getNumLevels();
    /// True when only the ai.qsnn defaults of the NIR extensions are used
    /// (hard reset to 0, >= threshold, spikes out): the integer form exists.
    bool hasDefaultDynamics();
  }];
}

//===----------------------------------------------------------------------===//
// Pooling and structure
//===----------------------------------------------------------------------===//

def QSNN_AvgPool2DOp : QSNN_ShapedOp<"avg_pool2d"> {
  let summary = "2-D average pooling";
  let description = [{
    ONNX `AveragePool` semantics on NCHW: `padding` is
    `[top, left, bottom, right]`; padded cells count in the divisor only with
    `count_include_pad`.
  }];
  let arguments = (ins QSNN_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs QSNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def QSNN_MaxPool2DOp : QSNN_ShapedOp<"max_pool2d"> {
  let summary = "2-D max pooling";
  let description = [{
    ONNX `MaxPool` semantics on NCHW; padded cells never win. On spikes
    (i1) it is the OR of the window.
  }];
  let arguments = (ins QSNN_AnyValueTensor:$input, DenseI64ArrayAttr:$kernel,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs QSNN_AnyValueTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def QSNN_GlobalAvgPoolOp : QSNN_ShapedOp<"global_avg_pool"> {
  let summary = "mean over the spatial dimensions";
  let description = [{ `[N, C, H, W] -> [N, C, 1, 1]`. }];
  let arguments = (ins QSNN_FloatTensor:$input);
  let results = (outs QSNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def QSNN_AddOp : QSNN_Op<"add", [Pure, Commutative,
                                 SameOperandsAndResultType]> {
  let summary = "elementwise sum (residual join)";
  let description = [{
    Float activations, or integer currents (i64, in the same fixed-point unit)
    where branches meet before a `qsnn.ilif`.
  }];
  let arguments = (ins RankedTensorOf<[F32, I64]>:$lhs,
                   RankedTensorOf<[F32, I64]>:$rhs);
  let results = (outs RankedTensorOf<[F32, I64]>:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($output)";
}

def QSNN_FlattenOp : QSNN_ShapedOp<"flatten"> {
  let summary = "collapse to 2-D at an axis";
  let description = [{
    ONNX `Flatten`: `[d0, ..., dn] -> [d0*...*d(axis-1), d(axis)*...*dn]`.
  }];
  let arguments = (ins QSNN_AnyValueTensor:$input,
                   DefaultValuedAttr<ConfinedAttr<I64Attr, [IntNonNegative]>,
                                     "1">:$axis);
  let results = (outs QSNN_AnyValueTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

include "qsnn/Dialect/QSNN/QSNNIntegerOps.td"

#endif // QSNN_OPS_TD
