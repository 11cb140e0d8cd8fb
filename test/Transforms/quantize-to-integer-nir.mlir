// RUN: qsnn-opt %s --qsnn-quantize-to-integer --split-input-file | FileCheck %s

// The NIR idioms of docs/spec.md §8.5, as the importer emits them for a
// post-training quantized graph: event counts, an int8 linear layer, a
// per-neuron gain tensor and a scalar shift (x * f32(k*R) + f32(k*v_leak)),
// a strict LIF, and the Output reshaped to [T, N, ...].
// a = s * G: a0 = 0.5 * 2 = 1, a1 = 0.25 * 4 = 1.
// b = bias * G + V: b0 = 0.5 * 2 + 0.125 = 1.125, b1 = -1 * 4 + 0.125 = -3.875.
// k = 2 signed: L = 1, Delta = alpha_u = 2; a/Delta = 0.5 -> F = 24.
// A = 0.5 * 2^24 = 8388608; B0 = 0.5625 * 2^24 = 9437184,
// B1 = -1.9375 * 2^24 = -32505856; tau_q = 0.75 * 2^24 = 12582912.
// Strict: theta_g = floor(1 / 2 * 2^24) + 1 = 8388609 (>= would give
// ceil(...) = 8388608).
// CHECK-LABEL: func.func @nir_strict_gain
// CHECK-SAME: -> (tensor<2x1x2xi8> {qsnn.name = "out"})
// CHECK: %[[C:.*]] = qsnn.ilinear
// CHECK: %[[G:.*]] = qsnn.iaffine %[[C]] {bias = array<i64: 9437184, -32505856>, frac_bits = 24 : i64, multiplier = array<i64: 8388608, 8388608>
// CHECK: %[[S:.*]] = qsnn.ilif %[[G]] {fire_on = #qsnn<fire_on full>, frac_bits = 24 : i64, levels = 1 : i64, qsnn.acc_bits = {{[0-9]+}} : i64, tau_q = 12582912 : i64, threshold = 8388609 : i64, time_steps = 2 : i64}
// CHECK: %[[E:.*]] = tensor.expand_shape %[[S]] {{\[\[}}0, 1], [2]] output_shape [2, 1, 2] : tensor<2x2xi1> into tensor<2x1x2xi1>
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%[[E]] : tensor<2x1x2xi1>)
// CHECK: arith.extui %{{.*}} : i1 to i8
// CHECK: return %[[B]] : tensor<2x1x2xi8>
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
func.func @nir_strict_gain(%arg0: tensor<2x1x3xui8>) -> (tensor<2x1x2xf32> {qsnn.name = "out"}) {
  %0 = qsnn.counts %arg0 : tensor<2x1x3xui8> -> tensor<2x1x3xf32>
  %x = tensor.collapse_shape %0 [[0, 1], [2]] : tensor<2x1x3xf32> into tensor<2x3xf32>
  %w = arith.constant dense<[[1.0, 2.0, -1.0], [0.0, 3.0, 1.0]]> : tensor<2x3xf32>
  %s = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %b = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %1 = qsnn.linear int8 %x, %w scale %s bias %b : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %gain = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %init = tensor.empty() : tensor<2x2xf32>
  %2 = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%1, %gain : tensor<2x2xf32>, tensor<2xf32>) outs(%init : tensor<2x2xf32>) {
  ^bb0(%in: f32, %g: f32, %out: f32):
    %m = arith.mulf %in, %g : f32
    %v = arith.constant 1.250000e-01 : f32
    %a = arith.addf %m, %v : f32
    linalg.yield %a : f32
  } -> tensor<2x2xf32>
  %3 = qsnn.lif %2 {alpha_u = 2.0 : f64, membrane_bits = 2 : i64, strict = true, tau = 0.75 : f64, threshold = 1.0 : f64, time_steps = 2 : i64} : tensor<2x2xf32>
  %4 = tensor.expand_shape %3 [[0, 1], [2]] output_shape [2, 1, 2] : tensor<2x2xf32> into tensor<2x1x2xf32>
  return %4 : tensor<2x1x2xf32>
}

// -----

// A NIR SumPool2d with padding: tensor.pad of the spikes and a linalg sum
// pool become one qsnn.isum_pool2d; a window sum keeps the divisor (no
// average), so the binary layer after it has a = alpha_w = 0.5.
// CHECK-LABEL: func.func @nir_sum_pool
// CHECK: %[[S:.*]] = qsnn.ilif
// CHECK: %[[P:.*]] = qsnn.isum_pool2d %[[S]] {kernel = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>, qsnn.acc_bits = 4 : i64, strides = array<i64: 2, 2>} : tensor<2x1x2x2xi1> -> tensor<2x1x2x1xi32>
// CHECK: qsnn.iconv2d %[[P]]
// CHECK: qsnn.iaffine {{.*}} multiplier = array<i64: 8388608>
// CHECK-NOT: tensor.pad
// CHECK-NOT: linalg.pooling_nchw_sum
func.func @nir_sum_pool(%arg0: tensor<2x1x2x2xui8>) -> tensor<2x1x2x1xf32> {
  %0 = qsnn.counts %arg0 : tensor<2x1x2x2xui8> -> tensor<2x1x2x2xf32>
  %w0 = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s0 = arith.constant dense<1.0> : tensor<1xf32>
  %1 = qsnn.conv2d int8 %0, %w0 scale %s0 : (tensor<2x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<2x1x2x2xf32>
  %2 = qsnn.lif %1 {alpha_u = 1.0 : f64, membrane_bits = 2 : i64, strict = true, tau = 1.0 : f64, threshold = 0.5 : f64, time_steps = 2 : i64} : tensor<2x1x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %3 = tensor.pad %2 low[0, 0, 1, 0] high[0, 0, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x1x2x2xf32> to tensor<2x1x4x2xf32>
  %init = tensor.empty() : tensor<2x1x2x1xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%init : tensor<2x1x2x1xf32>) -> tensor<2x1x2x1xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %4 = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%3, %window : tensor<2x1x4x2xf32>, tensor<2x2xf32>) outs(%fill : tensor<2x1x2x1xf32>) -> tensor<2x1x2x1xf32>
  %w1 = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s1 = arith.constant dense<0.5> : tensor<1xf32>
  %5 = qsnn.conv2d binary %4, %w1 scale %s1 : (tensor<2x1x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<2x1x2x1xf32>
  %6 = qsnn.lif %5 {alpha_u = 1.0 : f64, membrane_bits = 2 : i64, strict = true, tau = 1.0 : f64, threshold = 0.5 : f64, time_steps = 2 : i64} : tensor<2x1x2x1xf32>
  return %6 : tensor<2x1x2x1xf32>
}
