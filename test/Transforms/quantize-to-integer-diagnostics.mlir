// RUN: qsnn-opt %s --qsnn-quantize-to-integer -split-input-file -verify-diagnostics
// RUN: not qsnn-opt %s --qsnn-quantize-to-integer="multiplier-bits=63" -split-input-file 2>&1 | FileCheck %s --check-prefix=BITS

// BITS: error: --multiplier-bits must be in [2, 62], got 63

// Warnings: LIFs that can never fire. One int8 1x1 layer: a = 0.5 * 0.25 =
// 0.125, b = 0.5, |c| <= 2 * 255 = 510; alpha 0.25, k = 2 signed: L = 1,
// Delta = 0.25, F = 24, A = 2^23, B = 2^25, tau_q = 2^23.
// quantized, theta 1: theta_m = ceil(1 / 0.25) = 4 > L = 1.
func.func @never_fires_quantized(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s bias %b : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-warning @below {{can never fire: theta_m = 4 exceeds the largest membrane level L = 1}}
  %l = qsnn.lif %c {alpha_u = 0.25, membrane_bits = 2, fire_on = #qsnn<fire_on quantized>, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// -----

// full, theta 1000: theta_g = ceil(1000 / 0.25 * 2^24) = 67108864000 >
// tau_q * L + |A| * 510 + |B| = 8388608 + 4278190080 + 33554432 = 4320133120.
func.func @never_fires_full(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s bias %b : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-warning @below {{can never fire: theta_g = 67108864000 exceeds the largest reachable g = tau_q*L + max|current| = 4320133120}}
  %l = qsnn.lif %c {alpha_u = 0.25, membrane_bits = 2, threshold = 1000.0, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// -----

func.func @k32(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-error @below {{has membrane_bits = 32: k = 32 has no integer form; compile with --numerics float}}
  %l = qsnn.lif %c {membrane_bits = 32, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// -----

func.func @nir_dynamics(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-error @below {{uses the NIR dynamics (subtract or no reset, a non-zero v_reset, or a membrane output) that have no integer form; compile with --numerics float}}
  %l = qsnn.lif %c {membrane_bits = 32, time_steps = 1, strict = true, v_reset = 0.5} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// -----

// A per-neuron gain (NIR R) that differs within channel 0 of a conv current.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#neuron = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
func.func @nir_gain_within_channel(%p: tensor<1x1x1x2xui8>) -> tensor<1x1x1x2xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x2xui8> -> tensor<1x1x1x2xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  %gain = arith.constant dense<[[[1.0, 2.0]]]> : tensor<1x1x2xf32>
  %init = tensor.empty() : tensor<1x1x1x2xf32>
  // expected-error @below {{scales or shifts the current differently within channel 0 (R, v_leak or a Scale that varies over positions); the integer form has one multiplier and bias per channel}}
  %g = linalg.generic {indexing_maps = [#id, #neuron, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %gain : tensor<1x1x1x2xf32>, tensor<1x1x2xf32>) outs(%init : tensor<1x1x1x2xf32>) {
  ^bb0(%in: f32, %k: f32, %out: f32):
    %m = arith.mulf %in, %k : f32
    linalg.yield %m : f32
  } -> tensor<1x1x1x2xf32>
  %l = qsnn.lif %g {alpha_u = 1.0, membrane_bits = 2, time_steps = 1, strict = true} : tensor<1x1x1x2xf32>
  return %l : tensor<1x1x1x2xf32>
}


// -----

// The importer keeps Cast -> Sub(0.5) -> Mul as plain arithmetic because 0.5
// is not an integer zero point.
func.func @fractional_zero_point(%arg0: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %1 = tensor.empty() : tensor<1x1x1x1xf32>
  %2 = qsnn.counts %arg0 : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %zp = arith.constant dense<0.5> : tensor<1x1x1x1xf32>
  // expected-error @below {{subtracts a zero point that is not an integer constant from the uint8 input: the integer form needs integer zero points (docs/spec.md §4)}}
  %3 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %zp : tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) outs(%1 : tensor<1x1x1x1xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<1x1x1x1xf32>
  return %3 : tensor<1x1x1x1xf32>
}

// -----

func.func @avg_pool_divisors_vary(%p: tensor<1x1x2x2xui8>) -> tensor<1x1x2x2xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x2x2xui8> -> tensor<1x1x2x2xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %l = qsnn.lif %c {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x1x2x2xf32>
  // expected-error @below {{has average-pool divisors that vary across windows (padding without count_include_pad): the integer form folds one constant divisor into the next layer}}
  %q = qsnn.avg_pool2d %l {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>} : tensor<1x1x2x2xf32> -> tensor<1x1x2x2xf32>
  return %q : tensor<1x1x2x2xf32>
}

// -----

// a = 0.5 * 2^24 = 2^23, Delta = 1: F = 24 - 1 - 23 = 0.
func.func @frac_bits_too_small(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<16777216.0> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-error @below {{needs frac_bits F = 0, outside [1, 62]: the largest multiplier |a/Delta| is 8388608 with --multiplier-bits 24}}
  %l = qsnn.lif %c {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// -----

// a = 2^-20 * 2^-20 = 2^-40, Delta = 1: F = 23 + 40 = 63.
func.func @frac_bits_too_large(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 9.5367431640625e-07>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<9.5367431640625e-07> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-error @below {{needs frac_bits F = 63, outside [1, 62]: the largest multiplier |a/Delta| is 9.094947018e-13 with --multiplier-bits 24}}
  %l = qsnn.lif %c {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// -----

// a = 2^-10 * 2^-20 = 2^-30; k = 2 paper: L = 3, alpha 1536 -> Delta = 2^9;
// a/Delta = 2^-39 -> F = 62; tau 1 -> tau_q = 2^62; A = 2^23, |c| <= 255:
// tau_q * 3 + 2^23 * 255 + 2^61 = 16140901066634952704 > 2^63 - 1 (65 bits).
func.func @accumulator_overflow(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.0009765625>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<9.5367431640625e-07> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-error @below {{accumulator may overflow i64: tau_q*L + |current| + 2^(F-1) can reach 16140901066634952704 (65 bits)}}
  %l = qsnn.lif %c {alpha_u = 1536.0, membrane_bits = 2, levels = #qsnn<levels paper>, tau = 1.0, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// -----

func.func @float_weights(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<0.3> : tensor<1x1x1x1xf32>
  // expected-error @below {{has float weights, which have no integer form (only binary and int8 layers quantize)}}
  %c = qsnn.conv2d float %x, %w : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  return %c : tensor<1x1x1x1xf32>
}

// -----

func.func @weights_not_constant(%p: tensor<1x1x1x1xui8>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  // expected-error @below {{needs constant f32 weights for the integer form}}
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %c : tensor<1x1x1x1xf32>
}

// -----

func.func @conv_of_current(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-error @below {{reads a membrane current that no LIF turned into spikes; a synaptic layer must read pixels, event counts or spikes}}
  %d = qsnn.conv2d binary %c, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %d : tensor<1x1x1x1xf32>
}

// -----

func.func @lif_of_spikes(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %l = qsnn.lif %c {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x1x1x1xf32>
  // expected-error @below {{reads a value that is not the current of a conv2d/linear; a LIF integrates the current of a synaptic layer}}
  %m = qsnn.lif %l {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x1x1x1xf32>
  return %m : tensor<1x1x1x1xf32>
}

// -----

func.func @add_of_spikes(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %l = qsnn.lif %c {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x1x1x1xf32>
  // expected-error @below {{reads a value that is not the current of a conv2d/linear; a residual joins currents, or a current and spikes}}
  %a = qsnn.add %l, %l : tensor<1x1x1x1xf32>
  return %a : tensor<1x1x1x1xf32>
}

// -----

func.func @readout_of_spikes(%p: tensor<1x2xui8>) -> tensor<1x2xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0, 0>, scale = array<f64: 1.0, 1.0>} : tensor<1x2xui8> -> tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %s = arith.constant dense<1.0> : tensor<2xf32>
  %c = qsnn.linear int8 %x, %w scale %s : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %l = qsnn.lif %c {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x2xf32>
  // expected-error @below {{reads a value that is not the current of a conv2d/linear; the readout averages the classifier's current}}
  %r = qsnn.readout %l {time_steps = 1} : tensor<1x2xf32> -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}

// -----

func.func @relu_of_current(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %e = tensor.empty() : tensor<1x1x1x1xf32>
  // expected-error @below {{has no integer form: it transforms a membrane current by something other than a per-channel scale and shift}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x1x1x1xf32>) outs(%e : tensor<1x1x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x1x1x1xf32>
  return %r : tensor<1x1x1x1xf32>
}

// -----

func.func @returns_current(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  // expected-error @below {{result #0 is neither a qsnn.readout nor spikes; only integer logits or spikes can be returned}}
  return %c : tensor<1x1x1x1xf32>
}
