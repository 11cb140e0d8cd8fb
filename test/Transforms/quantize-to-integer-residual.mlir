// RUN: qsnn-opt %s --qsnn-quantize-to-integer | FileCheck %s

// Residuals, batch norm, the readout, per-input-channel sums and event input.
// Constants as in quantize-to-integer.mlir: A = rne(a/Delta * 2^F), etc.

// Layer 1 (int8, Delta = 1) gives spikes s1 (|s1| <= 1).
// Projected residual into LIF 2 (k=2 paper: L = 3, alpha 1.5, Delta = 0.5):
//   main: binary, alpha_w 0.25, bias 0.5, then batch norm gamma 3, beta 0.5,
//     mean 1, var 3, eps 1: g = 3 / sqrt(4) = 1.5; a = 0.375;
//     b = 0.5 * 1.5 + (0.5 - 1 * 1.5) = -0.25
//   projection: binary, alpha_w 0.5, bias 0.75: a = 0.5, b = 0.75
//   shared F over a/Delta = {0.75, 1}: F = 23 - 0 = 23
//   A_main = 0.75 * 2^23 = 6291456, A_proj = 2^23 = 8388608
//   B = (-0.25 + 0.75) / 0.5 * 2^23 = 8388608 on the first term, 0 after
//   tau_q = 2^22 = 4194304; theta_g = ceil(2 * 2^23) = 16777216
//   bits (exact ranges, docs/spec.md §4.13): main 6291456 * [0, 1] + 8388608
//   in [8388608, 14680064] (25); projection (weight -1) 8388608 * [-1, 0]
//   (24); sum [0, 14680064] (25); LIF + 4194304 * [-3, 3] + 2^22 up to
//   31457280 (26).
// Identity residual into LIF 3 (k=4 signed: L = 7, alpha 1.75, Delta = 0.25):
//   main: binary, alpha_w 0.125: a/Delta = 0.5; identity: 1/Delta = 4
//   shared F = 23 - floor(log2 4) = 21; A_main = 0.5 * 2^21 = 1048576;
//   identity A = rne(2^21 / 0.25) = 8388608; B = 0
//   tau_q = 2^20 = 1048576; theta_g = ceil(4 * 2^21) = 8388608
//   bits: 1048576 (22), 8388608 (25), sum 9437184 (25),
//   LIF + 1048576 * 7 + 2^20 = 17825792 (26).
// CHECK-LABEL: func.func @residuals
// CHECK: %[[S1:.*]] = qsnn.ilif
// CHECK: %[[C1:.*]] = qsnn.iconv2d %[[S1]]
// CHECK: %[[C2:.*]] = qsnn.iconv2d %[[S1]]
// CHECK: %[[G1:.*]] = qsnn.iaffine %[[C1]] {bias = array<i64: 8388608>, frac_bits = 23 : i64, multiplier = array<i64: 6291456>, qsnn.acc_bits = 25 : i64}
// CHECK: %[[G2:.*]] = qsnn.iaffine %[[C2]] {bias = array<i64: 0>, frac_bits = 23 : i64, multiplier = array<i64: 8388608>, qsnn.acc_bits = 24 : i64}
// CHECK: %[[J1:.*]] = qsnn.add %[[G1]], %[[G2]] {qsnn.acc_bits = 25 : i64} : tensor<1x1x1x1xi64>
// CHECK: %[[S2:.*]] = qsnn.ilif %[[J1]] {fire_on = #qsnn<fire_on full>, frac_bits = 23 : i64, levels = 3 : i64, qsnn.acc_bits = 26 : i64, tau_q = 4194304 : i64, threshold = 16777216 : i64, time_steps = 1 : i64}
// CHECK: %[[C3:.*]] = qsnn.iconv2d %[[S2]]
// CHECK: %[[G3:.*]] = qsnn.iaffine %[[C3]] {bias = array<i64: 0>, frac_bits = 21 : i64, multiplier = array<i64: 1048576>, qsnn.acc_bits = 22 : i64}
// CHECK: %[[GI:.*]] = qsnn.iaffine %[[S2]] {bias = array<i64: 0>, frac_bits = 21 : i64, multiplier = array<i64: 8388608>, qsnn.acc_bits = 25 : i64} : tensor<1x1x1x1xi1> -> tensor<1x1x1x1xi64>
// CHECK: %[[J2:.*]] = qsnn.add %[[G3]], %[[GI]] {qsnn.acc_bits = 25 : i64}
// CHECK: %[[S3:.*]] = qsnn.ilif %[[J2]] {fire_on = #qsnn<fire_on full>, frac_bits = 21 : i64, levels = 7 : i64, qsnn.acc_bits = 26 : i64, tau_q = 1048576 : i64, threshold = 8388608 : i64, time_steps = 1 : i64}
// CHECK-NOT: qsnn.batch_norm
// CHECK: return %[[S3]]
func.func @residuals(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %one = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s1w = arith.constant dense<1.0> : tensor<1xf32>
  %c1 = qsnn.conv2d int8 %x, %one scale %s1w : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %s1 = qsnn.lif %c1 {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x1x1x1xf32>
  %aw = arith.constant dense<0.25> : tensor<1xf32>
  %bm = arith.constant dense<0.5> : tensor<1xf32>
  %main = qsnn.conv2d binary %s1, %one scale %aw bias %bm : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %gamma = arith.constant dense<3.0> : tensor<1xf32>
  %beta = arith.constant dense<0.5> : tensor<1xf32>
  %mean = arith.constant dense<1.0> : tensor<1xf32>
  %var = arith.constant dense<3.0> : tensor<1xf32>
  %bn = qsnn.batch_norm %main, %gamma, %beta, %mean, %var {epsilon = 1.0} : tensor<1x1x1x1xf32>, tensor<1xf32>
  %minus = arith.constant dense<-1.0> : tensor<1x1x1x1xf32>
  %ap = arith.constant dense<0.5> : tensor<1xf32>
  %bp = arith.constant dense<0.75> : tensor<1xf32>
  %proj = qsnn.conv2d binary %s1, %minus scale %ap bias %bp : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %j1 = qsnn.add %bn, %proj : tensor<1x1x1x1xf32>
  %s2 = qsnn.lif %j1 {alpha_u = 1.5, membrane_bits = 2, levels = #qsnn<levels paper>, time_steps = 1} : tensor<1x1x1x1xf32>
  %a3 = arith.constant dense<0.125> : tensor<1xf32>
  %c3 = qsnn.conv2d binary %s2, %one scale %a3 : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %j2 = qsnn.add %c3, %s2 : tensor<1x1x1x1xf32>
  %s3 = qsnn.lif %j2 {alpha_u = 1.75, membrane_bits = 4, time_steps = 1} : tensor<1x1x1x1xf32>
  return %s3 : tensor<1x1x1x1xf32>
}

// Readout: an int8 classifier on 4 flattened spikes, Delta = 1.
//   a = [0.0625, 0.03125]: F = 23 - floor(log2 0.0625) = 27
//   A = [2^23, 2^22] = [8388608, 4194304]
//   B = [0.5 * 2^27, -0.25 * 2^27] = [67108864, -33554432]
//   bits: sums in [0, 10] and [-12, 14] (5); g0 = 8388608 * [0, 10] +
//   67108864 up to 150994944 (29); z over T = 2: 301989888 (30).
// CHECK-LABEL: func.func @readout
// CHECK-SAME: -> tensor<1x2xi64>
// CHECK: %[[F:.*]] = qsnn.flatten %{{.*}} : tensor<2x1x2x2xi1> -> tensor<2x4xi1>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1, 2, 3, 4], [-5, 6, -7, 8]]> : tensor<2x4xi8>
// CHECK: %[[C:.*]] = qsnn.ilinear %[[F]], %[[W]] {qsnn.acc_bits = 5 : i64} : (tensor<2x4xi1>, tensor<2x4xi8>) -> tensor<2x2xi32>
// CHECK: %[[G:.*]] = qsnn.iaffine %[[C]] {bias = array<i64: 67108864, -33554432>, frac_bits = 27 : i64, multiplier = array<i64: 8388608, 4194304>, qsnn.acc_bits = 29 : i64} : tensor<2x2xi32> -> tensor<2x2xi64>
// CHECK: %[[Z:.*]] = qsnn.ireadout %[[G]] {frac_bits = 27 : i64, qsnn.acc_bits = 30 : i64, time_steps = 2 : i64} : tensor<2x2xi64> -> tensor<1x2xi64>
// CHECK: return %[[Z]] : tensor<1x2xi64>
func.func @readout(%p: tensor<1x1x2x2xui8>) -> tensor<1x2xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x2x2xui8> -> tensor<1x1x2x2xf32>
  %e = qsnn.encode %x {time_steps = 2} : tensor<1x1x2x2xf32> -> tensor<2x1x2x2xf32>
  %one = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s1w = arith.constant dense<1.0> : tensor<1xf32>
  %c1 = qsnn.conv2d int8 %e, %one scale %s1w : (tensor<2x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<2x1x2x2xf32>
  %s1 = qsnn.lif %c1 {alpha_u = 1.0, membrane_bits = 2, time_steps = 2} : tensor<2x1x2x2xf32>
  %f = qsnn.flatten %s1 : tensor<2x1x2x2xf32> -> tensor<2x4xf32>
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [-5.0, 6.0, -7.0, 8.0]]> : tensor<2x4xf32>
  %s = arith.constant dense<[0.0625, 0.03125]> : tensor<2xf32>
  %b = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %y = qsnn.linear int8 %f, %w scale %s bias %b : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %r = qsnn.readout %y {time_steps = 2} : tensor<2x2xf32> -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}

// Two input channels with scales 0.5 and 0.25 (zero points 10, 20): one sum
// per (o, c) and a = s[o] * sc[c] = [[0.125, 0.0625], [0.0625, 0.03125]].
//   Delta = 1: F = 23 - floor(log2 0.125) = 26
//   A = [2^23, 2^22, 2^22, 2^21] = [8388608, 4194304, 4194304, 2097152]
//   B = [0, 2^26] = [0, 67108864]; tau_q = 2^25 = 33554432;
//   theta_g = 2^26 = 67108864
//   bits: p - 10 in [-10, 245] (9), p - 20 in [-20, 235]; sums (o, c):
//   3x0 in [-30, 735], -4x1 in [-940, 80], x0, 2x1 (11 bits); g0 =
//   8388608 * [-30, 735] + 4194304 * [-940, 80] in [-4194304000,
//   6501171200] (34); LIF: + 2^25 * [-1, 1] + 2^25 (34).
// CHECK-LABEL: func.func @per_input_channel
// CHECK: %[[X:.*]] = qsnn.icenter %arg0 {qsnn.acc_bits = 9 : i64, zero_point = array<i64: 10, 20>}
// CHECK: %[[C:.*]] = qsnn.iconv2d %[[X]], %{{.*}} {per_input_channel = true, qsnn.acc_bits = 11 : i64} : (tensor<1x2x1x1xi16>, tensor<2x2x1x1xi8>) -> tensor<1x2x2x1x1xi32>
// CHECK: %[[G:.*]] = qsnn.iaffine %[[C]] {bias = array<i64: 0, 67108864>, frac_bits = 26 : i64, multiplier = array<i64: 8388608, 4194304, 4194304, 2097152>, per_input_channel = true, qsnn.acc_bits = 34 : i64} : tensor<1x2x2x1x1xi32> -> tensor<1x2x1x1xi64>
// CHECK: qsnn.ilif %[[G]] {fire_on = #qsnn<fire_on full>, frac_bits = 26 : i64, levels = 1 : i64, qsnn.acc_bits = 34 : i64, tau_q = 33554432 : i64, threshold = 67108864 : i64, time_steps = 1 : i64}
func.func @per_input_channel(%p: tensor<1x2x1x1xui8>) -> tensor<1x2x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 10, 20>, scale = array<f64: 0.5, 0.25>} : tensor<1x2x1x1xui8> -> tensor<1x2x1x1xf32>
  %w = arith.constant dense<[[[[3.0]], [[-4.0]]], [[[1.0]], [[2.0]]]]> : tensor<2x2x1x1xf32>
  %s = arith.constant dense<[0.25, 0.125]> : tensor<2xf32>
  %b = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s bias %b : (tensor<1x2x1x1xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
  %l = qsnn.lif %c {alpha_u = 1.0, membrane_bits = 2, time_steps = 1} : tensor<1x2x1x1xf32>
  return %l : tensor<1x2x1x1xf32>
}

// Event counts [T=2, N=1, C=1, 2, 2] as the importer produces them:
// qsnn.counts, collapse to [T*N, ...]. The counts stay bytes (an i8 view)
// through the collapse and qsnn.icenter (zero point 0) widens them as uint8.
// a = 0.5, Delta = 1:
// F = 24, A = 2^23 = 8388608; sums <= 3 * 255 = 765 (11 bits).
// CHECK-LABEL: func.func @events
// CHECK: %[[B:.*]] = tensor.bitcast %arg0 : tensor<2x1x1x2x2xui8> to tensor<2x1x1x2x2xi8>
// CHECK: %[[M:.*]] = tensor.collapse_shape %[[B]] {{\[\[}}0, 1], [2], [3], [4]] : tensor<2x1x1x2x2xi8> into tensor<2x1x2x2xi8>
// CHECK: %[[X:.*]] = qsnn.icenter %[[M]] {qsnn.acc_bits = 9 : i64, zero_point = array<i64: 0>} : tensor<2x1x2x2xi8> -> tensor<2x1x2x2xi16>
// CHECK: %[[C:.*]] = qsnn.iconv2d %[[X]], %{{.*}} {qsnn.acc_bits = 11 : i64}
// CHECK: qsnn.iaffine %[[C]] {bias = array<i64: 0>, frac_bits = 24 : i64, multiplier = array<i64: 8388608>
// CHECK-NOT: linalg.generic
func.func @events(%arg0: tensor<2x1x1x2x2xui8>) -> tensor<2x1x2x2xf32> {
  %2 = qsnn.counts %arg0 : tensor<2x1x1x2x2xui8> -> tensor<2x1x1x2x2xf32>
  %3 = tensor.collapse_shape %2 [[0, 1], [2], [3], [4]] : tensor<2x1x1x2x2xf32> into tensor<2x1x2x2xf32>
  %w = arith.constant dense<3.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.5> : tensor<1xf32>
  %c = qsnn.conv2d int8 %3, %w scale %s : (tensor<2x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<2x1x2x2xf32>
  %l = qsnn.lif %c {alpha_u = 1.0, membrane_bits = 2, time_steps = 2} : tensor<2x1x2x2xf32>
  return %l : tensor<2x1x2x2xf32>
}
