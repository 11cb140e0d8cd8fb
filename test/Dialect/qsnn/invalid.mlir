// Verifiers reject what the semantics cannot run, and say why.
// RUN: qsnn-opt %s -split-input-file -verify-diagnostics

func.func @lif_bits(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{membrane_bits must be 2, 4, 8 or 32 (unquantized), got 3}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 3, alpha_u = 1.0} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_time_steps(%x: tensor<10x4xf32>) -> tensor<10x4xf32> {
  // expected-error @+1 {{leading dimension 10 is not a multiple of time_steps 4}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 2, alpha_u = 1.0} : tensor<10x4xf32>
  return %0 : tensor<10x4xf32>
}

// -----

func.func @lif_zero_time_steps(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{attribute 'time_steps' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = qsnn.lif %x {time_steps = 0, membrane_bits = 2, alpha_u = 1.0} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_missing_alpha(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{membrane_bits = 4 needs alpha_u, the membrane range the quantizer was trained with}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 4} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_alpha(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{alpha_u must be positive and finite, got -2}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 4, alpha_u = -2.0} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_tau(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{tau must be in (0, 1], got 1.5}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 2, alpha_u = 1.0, tau = 1.5} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_threshold(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{threshold must be positive and finite, got 0}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 2, alpha_u = 1.0, threshold = 0.0} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_reset(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+2 {{expected ::mlir::qsnn::Reset to be one of: hard}}
  // expected-error @+1 {{failed to parse QSNN_ResetAttr parameter 'value' which is to be a `::mlir::qsnn::Reset`}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 2, alpha_u = 1.0, reset = #qsnn<reset soft>} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

// expected-note @+1 {{prior use here}}
func.func @lif_type(%x: tensor<8x4xf32>) -> tensor<8x5xf32> {
  // expected-error @+1 {{use of value '%x' expects different type than prior uses: 'tensor<8x5xf32>' vs 'tensor<8x4xf32>'}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 2, alpha_u = 1.0} : tensor<8x5xf32>
  return %0 : tensor<8x5xf32>
}

// -----

func.func @binary_weight_value(%x: tensor<2x16xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0], [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0], [1.0, -1.0, 1.0, -1.0, 1.0, 0.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0], [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0]]> : tensor<4x16xf32>
  %s = arith.constant dense<1.0> : tensor<4xf32>
  // expected-error @+1 {{binary weights must be -1 or +1; weight element 37 is 0}}
  %0 = qsnn.linear binary %x, %w scale %s : (tensor<2x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @int8_weight_range(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<128.0> : tensor<2x1x3x3xf32>
  %s = arith.constant dense<1.0> : tensor<2xf32>
  // expected-error @+1 {{int8 weights must be integers in [-127, 127]; weight element 0 is 128}}
  %0 = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @int8_weight_fraction(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<2.5> : tensor<2x1x3x3xf32>
  %s = arith.constant dense<1.0> : tensor<2xf32>
  // expected-error @+1 {{int8 weights must be integers in [-127, 127]; weight element 0 is 2.5}}
  %0 = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @scale_length(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
  %s = arith.constant dense<1.0> : tensor<3xf32>
  // expected-error @+1 {{scale has 3 entries but the weight has 2 output channels}}
  %0 = qsnn.conv2d binary %x, %w scale %s : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<3xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @bias_length(%x: tensor<2x16xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x16xf32>
  %b = arith.constant dense<1.0> : tensor<5xf32>
  // expected-error @+1 {{bias has 5 entries but the weight has 4 output channels}}
  %0 = qsnn.linear float %x, %w bias %b : (tensor<2x16xf32>, tensor<4x16xf32>, tensor<5xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @missing_scale(%x: tensor<2x16xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x16xf32>
  // expected-error @+1 {{binary weights need a per-output-channel scale}}
  %0 = qsnn.linear binary %x, %w : (tensor<2x16xf32>, tensor<4x16xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @unknown_quant(%x: tensor<2x16xf32>, %w: tensor<4x16xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{expected weight quantization 'binary', 'int8' or 'float', got 'ternary'}}
  %0 = qsnn.linear ternary %x, %w : (tensor<2x16xf32>, tensor<4x16xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{input has 3 channels but the weight expects 2 x groups 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.conv2d float %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_groups(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+2 {{3 output channels are not divisible by groups 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.conv2d float %x, %w {groups = 2} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

func.func @conv_result_shape(%x: tensor<1x2x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{'qsnn.conv2d' op inferred type(s) 'tensor<1x4x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.conv2d float %x, %w : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_rank(%x: tensor<2x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{conv2d input [N, C, H, W] must have rank 4, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.conv2d float %x, %w : (tensor<2x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_padding(%x: tensor<1x2x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{padding must have 4 non-negative entries [top, left, bottom, right]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.conv2d float %x, %w {padding = array<i64: 1, 1>} : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_strides(%x: tensor<1x2x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+2 {{strides must have 2 positive entries [sh, sw]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.conv2d float %x, %w {strides = array<i64: 0, 1>} : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_too_small(%x: tensor<1x2x2x2xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+2 {{window of extent 3 does not fit spatial dimension 2 of size 2 with padding 0+0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.conv2d float %x, %w : (tensor<1x2x2x2xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @linear_features(%x: tensor<2x15xf32>, %w: tensor<4x16xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{input has 15 features but the weight expects 16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.linear float %x, %w : (tensor<2x15xf32>, tensor<4x16xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @batch_norm_channels(%x: tensor<4x3x2x2xf32>, %p: tensor<4xf32>) -> tensor<4x3x2x2xf32> {
  // expected-error @+1 {{parameters have 4 entries but the input has 3 channels}}
  %0 = qsnn.batch_norm %x, %p, %p, %p, %p : tensor<4x3x2x2xf32>, tensor<4xf32>
  return %0 : tensor<4x3x2x2xf32>
}

// -----

func.func @batch_norm_rank(%x: tensor<4x3x2xf32>, %p: tensor<3xf32>) -> tensor<4x3x2xf32> {
  // expected-error @+1 {{input must have rank 2 or 4, got 3}}
  %0 = qsnn.batch_norm %x, %p, %p, %p, %p : tensor<4x3x2xf32>, tensor<3xf32>
  return %0 : tensor<4x3x2xf32>
}

// -----

func.func @batch_norm_epsilon(%x: tensor<4x3xf32>, %p: tensor<3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{epsilon must be positive}}
  %0 = qsnn.batch_norm %x, %p, %p, %p, %p {epsilon = 0.0} : tensor<4x3xf32>, tensor<3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @readout_time_steps(%x: tensor<9x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+2 {{leading dimension 9 is not a multiple of time_steps 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.readout %x {time_steps = 4} : tensor<9x10xf32> -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

func.func @readout_rank(%x: tensor<8x10x1xf32>) -> tensor<2x10xf32> {
  // expected-error @+2 {{readout input [T*N, K] must have rank 2, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.readout %x {time_steps = 4} : tensor<8x10x1xf32> -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

func.func @encode_result(%x: tensor<2x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+2 {{'qsnn.encode' op inferred type(s) 'tensor<8x10xf32>' are incompatible with return type(s) of operation 'tensor<4x10xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.encode %x {time_steps = 4} : tensor<2x10xf32> -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

func.func @normalize_channels(%p: tensor<1x3x4x4xui8>) -> tensor<1x3x4x4xf32> {
  // expected-error @+1 {{needs one zero point and scale per channel: 3 channels, 1 given}}
  %0 = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x3x4x4xui8> -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

func.func @normalize_arrays(%p: tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{has 2 zero points but 1 scales}}
  %0 = qsnn.normalize %p {zero_point = array<i64: 0, 0>, scale = array<f64: 1.0>} : tensor<1x2x4x4xui8> -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

func.func @normalize_scale(%p: tensor<1x1x4x4xui8>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{scale of channel 0 must be finite and non-zero, got 0}}
  %0 = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.0>} : tensor<1x1x4x4xui8> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @pool_kernel(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+2 {{kernel must have 2 positive entries [kh, kw]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.max_pool2d %x {kernel = array<i64: 2>} : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @pool_shape(%x: tensor<1x1x7x7xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+2 {{'qsnn.avg_pool2d' op inferred type(s) 'tensor<1x1x3x3xf32>' are incompatible with return type(s) of operation 'tensor<1x1x4x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x1x7x7xf32> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @global_pool_rank(%x: tensor<1x4xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+2 {{global_avg_pool input [N, C, H, W] must have rank 4, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.global_avg_pool %x : tensor<1x4xf32> -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @flatten_axis(%x: tensor<2x3xf32>) -> tensor<6x1xf32> {
  // expected-error @+2 {{axis 3 exceeds the input rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.flatten %x {axis = 3} : tensor<2x3xf32> -> tensor<6x1xf32>
  return %0 : tensor<6x1xf32>
}

// -----

// expected-note @+1 {{prior use here}}
func.func @add_types(%a: tensor<4x3xf32>, %b: tensor<4x2xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{use of value '%b' expects different type than prior uses: 'tensor<4x3xf32>' vs 'tensor<4x2xf32>'}}
  %0 = qsnn.add %a, %b : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @float_only(%x: tensor<4x3xf64>) -> tensor<4x3xf64> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<4x3xf64>'}}
  %0 = "qsnn.lif"(%x) <{time_steps = 1 : i64, membrane_bits = 32 : i64}> : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %0 : tensor<4x3xf64>
}

// -----

func.func @icenter_channels(%p: tensor<1x3x4x4xui8>) -> tensor<1x3x4x4xi16> {
  // expected-error @+1 {{needs one zero point per channel: 3 channels, 1 given}}
  %0 = qsnn.icenter %p {zero_point = array<i64: 0>} : tensor<1x3x4x4xui8> -> tensor<1x3x4x4xi16>
  return %0 : tensor<1x3x4x4xi16>
}

// -----

func.func @icenter_range(%p: tensor<1x1x4x4xui8>) -> tensor<1x1x4x4xi16> {
  // expected-error @+1 {{zero point of channel 0 is 256, outside the uint8 range [0, 255]}}
  %0 = qsnn.icenter %p {zero_point = array<i64: 256>} : tensor<1x1x4x4xui8> -> tensor<1x1x4x4xi16>
  return %0 : tensor<1x1x4x4xi16>
}

// -----

func.func @iconv_groups(%x: tensor<1x4x4x4xi1>, %w: tensor<2x2x1x1xi8>) -> tensor<1x2x4x4x4xi32> {
  // expected-error @+2 {{per_input_channel sums need groups = 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.iconv2d %x, %w {groups = 2, per_input_channel = true} : (tensor<1x4x4x4xi1>, tensor<2x2x1x1xi8>) -> tensor<1x2x4x4x4xi32>
  return %0 : tensor<1x2x4x4x4xi32>
}

// -----

func.func @iconv_weight_type(%x: tensor<1x1x4x4xi1>, %w: tensor<2x1x3x3xi32>) -> tensor<1x2x2x2xi32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 8-bit signless integer values, but got 'tensor<2x1x3x3xi32>'}}
  %0 = qsnn.iconv2d %x, %w : (tensor<1x1x4x4xi1>, tensor<2x1x3x3xi32>) -> tensor<1x2x2x2xi32>
  return %0 : tensor<1x2x2x2xi32>
}

// -----

func.func @iaffine_biases(%c: tensor<2x3xi32>) -> tensor<2x3xi64> {
  // expected-error @+1 {{has 2 biases for 3 channels}}
  %0 = qsnn.iaffine %c {multiplier = array<i64: 1, 2>, bias = array<i64: 0, 0>, frac_bits = 8} : tensor<2x3xi32> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

func.func @iaffine_multipliers(%c: tensor<2x3x2xi32>) -> tensor<2x3xi64> {
  // expected-error @+1 {{has 3 multipliers; expected 6 (3 channels x 2 input channels)}}
  %0 = qsnn.iaffine %c {multiplier = array<i64: 1, 2, 3>, bias = array<i64: 0, 0, 0>, frac_bits = 8, per_input_channel = true} : tensor<2x3x2xi32> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

func.func @iaffine_frac_bits(%c: tensor<2x1xi32>) -> tensor<2x1xi64> {
  // expected-error @+1 {{frac_bits 63 exceeds the i64 limit of 62}}
  %0 = qsnn.iaffine %c {multiplier = array<i64: 1>, bias = array<i64: 0>, frac_bits = 63} : tensor<2x1xi32> -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

func.func @ilif_time_steps(%g: tensor<5x3xi64>) -> tensor<5x3xi1> {
  // expected-error @+1 {{leading dimension 5 is not a multiple of time_steps 2}}
  %0 = qsnn.ilif %g {time_steps = 2, frac_bits = 8, tau_q = 128, threshold = 300, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<5x3xi64> -> tensor<5x3xi1>
  return %0 : tensor<5x3xi1>
}

// -----

func.func @ilif_levels(%g: tensor<4x3xi64>) -> tensor<4x3xi1> {
  // expected-error @+1 {{attribute 'levels' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = qsnn.ilif %g {time_steps = 2, frac_bits = 8, tau_q = 128, threshold = 300, levels = 0, fire_on = #qsnn<fire_on full>} : tensor<4x3xi64> -> tensor<4x3xi1>
  return %0 : tensor<4x3xi1>
}

// -----

func.func @ireadout_rank(%g: tensor<4x3x1xi64>) -> tensor<2x3xi64> {
  // expected-error @+2 {{ireadout input [T*N, K] must have rank 2, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = qsnn.ireadout %g {time_steps = 2, frac_bits = 8} : tensor<4x3x1xi64> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// The NIR dynamics (docs/spec.md §8.3) other than a strict threshold exist
// only for unquantized membranes (§8.5).
func.func @lif_v_reset_quantized(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{reset = subtract | none, a non-zero v_reset and emit_membrane need membrane_bits = 32 and fire_on = full}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 2, alpha_u = 1.0, strict = true, v_reset = 0.25} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_membrane_fire_on_quantized(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{need membrane_bits = 32 and fire_on = full}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 32, fire_on = #qsnn<fire_on quantized>, emit_membrane = true} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_v_reset_inf(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{v_reset must be finite, got inf}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 32, v_reset = 0x7FF0000000000000 : f64} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @lif_strict_threshold_nan(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{threshold must be finite, got nan}}
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 32, strict = true, threshold = 0x7FF8000000000000 : f64} : tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}
