// RUN: qsnn-opt %s --qsnn-quantize-to-integer | FileCheck %s
// RUN: qsnn-opt %s --qsnn-quantize-to-integer="multiplier-bits=16" | FileCheck %s --check-prefix=P16

// Hand-computed constants (docs/spec.md §4): Delta = alpha_u / L,
// A = rne(a / Delta * 2^F), B = rne(b / Delta * 2^F),
// F = 24 - 1 - floor(log2 max |a / Delta|), tau_q = rne(tau * 2^F),
// theta_g = ceil(theta / Delta * 2^F), theta_m = ceil(theta / Delta).
// qsnn.acc_bits = bits of a signed integer holding every value, from exact
// ranges (docs/spec.md §4.13): c in [sum of w*x over each tap's extreme],
// g = A*c + B channel by channel, LIF: g + tau_q*[-L, L] + 2^(F-1).

// First int8 layer on pixels with zero point 64 and scale 0.25, run once and
// encoded afterwards. a = s * sc: a0 = 0.5 * 0.25 = 0.125,
// a1 = 0.125 * 0.25 = 0.03125. k = 2 signed: L = 1, Delta = 3 / 1 = 3.
// max a/Delta = 0.125 / 3 = 0.041666..., log2 = -4.58, floor -5 -> F = 28.
// A0 = rne(2^25 / 3 = 11184810.67) = 11184811
// A1 = rne(2^23 / 3 = 2796202.67) = 2796203
// B0 = rne(1 / 3 * 2^28 = 89478485.33) = 89478485
// B1 = rne(-0.5 / 3 * 2^28 = -44739242.67) = -44739243
// tau_q = 0.5 * 2^28 = 134217728; theta_g = ceil(2^28 / 3) = 89478486.
// Ranges: p - 64 in [-64, 191] (9 bits); c0 = x0 - 2x1 + 3x2 + 4x3 in
// [-894, 1656], c1 = -127x0 + 5x2 + 6x3 in [-24961, 10229] (16 bits);
// g1 = 2796203 * c1 - 44739243 in [-69840762326, 28557621244] (38 bits);
// LIF: g0 in [-9909742549, 18611525501], so g + 134217728 * [-1, 1] + 2^27
// stays within 38 bits.
// CHECK-LABEL: func.func @first_int8
// CHECK-SAME: -> tensor<2x2x1x1xi1>
// CHECK: %[[X:.*]] = qsnn.icenter %arg0 {qsnn.acc_bits = 9 : i64, zero_point = array<i64: 64>} : tensor<1x1x2x2xui8> -> tensor<1x1x2x2xi16>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1, -2], [3, 4]]], {{\[\[\[}}-127, 0], [5, 6]]]]> : tensor<2x1x2x2xi8>
// CHECK: %[[C:.*]] = qsnn.iconv2d %[[X]], %[[W]] {qsnn.acc_bits = 16 : i64} : (tensor<1x1x2x2xi16>, tensor<2x1x2x2xi8>) -> tensor<1x2x1x1xi32>
// CHECK: %[[G:.*]] = qsnn.iaffine %[[C]] {bias = array<i64: 89478485, -44739243>, frac_bits = 28 : i64, multiplier = array<i64: 11184811, 2796203>, qsnn.acc_bits = 38 : i64} : tensor<1x2x1x1xi32> -> tensor<1x2x1x1xi64>
// CHECK: %[[E:.*]] = qsnn.encode %[[G]] {time_steps = 2 : i64} : tensor<1x2x1x1xi64> -> tensor<2x2x1x1xi64>
// CHECK: %[[S:.*]] = qsnn.ilif %[[E]] {fire_on = #qsnn<fire_on full>, frac_bits = 28 : i64, levels = 1 : i64, qsnn.acc_bits = 38 : i64, tau_q = 134217728 : i64, threshold = 89478486 : i64, time_steps = 2 : i64} : tensor<2x2x1x1xi64> -> tensor<2x2x1x1xi1>
// CHECK-NOT: qsnn.normalize
// CHECK-NOT: qsnn.conv2d
// CHECK: return %[[S]] : tensor<2x2x1x1xi1>
func.func @first_int8(%p: tensor<1x1x2x2xui8>) -> tensor<2x2x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 64>, scale = array<f64: 0.25>} : tensor<1x1x2x2xui8> -> tensor<1x1x2x2xf32>
  %e = qsnn.encode %x {time_steps = 2} : tensor<1x1x2x2xf32> -> tensor<2x1x2x2xf32>
  %w = arith.constant dense<[[[[1.0, -2.0], [3.0, 4.0]]], [[[-127.0, 0.0], [5.0, 6.0]]]]> : tensor<2x1x2x2xf32>
  %s = arith.constant dense<[0.5, 0.125]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, -0.5]> : tensor<2xf32>
  %c = qsnn.conv2d int8 %e, %w scale %s bias %b : (tensor<2x1x2x2xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2x1x1xf32>
  %l = qsnn.lif %c {alpha_u = 3.0, membrane_bits = 2, time_steps = 2} : tensor<2x2x1x1xf32>
  return %l : tensor<2x2x1x1xf32>
}

// A binary layer after a 2x2 average pool of spikes: the divisor 4 folds
// into a = alpha_w * 1 / 4 = 0.5 / 4 = 0.125. k = 2 signed, alpha_u = 0.25:
// Delta = 0.25, a/Delta = 0.5 -> F = 24; A = 0.5 * 2^24 = 8388608,
// B = 0.125 / 0.25 * 2^24 = 8388608. Pooled spike counts in [0, 4] (4 bits);
// binary sums p0 - p1 in [-4, 4] (4 bits); g = 8388608 * c + 8388608 in
// [-25165824, 41943040] (27 bits); LIF: g + 8388608 * [-1, 1] + 2^23 in
// [-25165824, 58720256] (27 bits).
// theta_g = ceil(1 / 0.25 * 2^24) = 67108864.
// CHECK-LABEL: func.func @binary_after_avg_pool
// CHECK: %[[S1:.*]] = qsnn.ilif
// CHECK: %[[P:.*]] = qsnn.isum_pool2d %[[S1]] {kernel = array<i64: 2, 2>, qsnn.acc_bits = 4 : i64, strides = array<i64: 2, 2>} : tensor<2x2x2x2xi1> -> tensor<2x2x1x1xi32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1]], {{\[\[}}-1]]]]> : tensor<1x2x1x1xi8>
// CHECK: %[[C:.*]] = qsnn.iconv2d %[[P]], %[[W]] {qsnn.acc_bits = 4 : i64} : (tensor<2x2x1x1xi32>, tensor<1x2x1x1xi8>) -> tensor<2x1x1x1xi32>
// CHECK: %[[G:.*]] = qsnn.iaffine %[[C]] {bias = array<i64: 8388608>, frac_bits = 24 : i64, multiplier = array<i64: 8388608>, qsnn.acc_bits = 27 : i64}
// CHECK: qsnn.ilif %[[G]] {fire_on = #qsnn<fire_on full>, frac_bits = 24 : i64, levels = 1 : i64, qsnn.acc_bits = 27 : i64, tau_q = 8388608 : i64, threshold = 67108864 : i64, time_steps = 2 : i64}
func.func @binary_after_avg_pool(%p: tensor<1x1x2x2xui8>) -> tensor<2x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 1.0>} : tensor<1x1x2x2xui8> -> tensor<1x1x2x2xf32>
  %e = qsnn.encode %x {time_steps = 2} : tensor<1x1x2x2xf32> -> tensor<2x1x2x2xf32>
  %w1 = arith.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %s1 = arith.constant dense<[0.5, 0.5]> : tensor<2xf32>
  %c1 = qsnn.conv2d int8 %e, %w1 scale %s1 : (tensor<2x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<2x2x2x2xf32>
  %l1 = qsnn.lif %c1 {alpha_u = 1.0, membrane_bits = 2, time_steps = 2} : tensor<2x2x2x2xf32>
  %p1 = qsnn.avg_pool2d %l1 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x2x2x2xf32> -> tensor<2x2x1x1xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %s2 = arith.constant dense<[0.5]> : tensor<1xf32>
  %b2 = arith.constant dense<[0.125]> : tensor<1xf32>
  %c2 = qsnn.conv2d binary %p1, %w2 scale %s2 bias %b2 : (tensor<2x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x1x1x1xf32>
  %l2 = qsnn.lif %c2 {alpha_u = 0.25, membrane_bits = 2, time_steps = 2} : tensor<2x1x1x1xf32>
  return %l2 : tensor<2x1x1x1xf32>
}

// Both fire_on orders, both levels modes, k = 2/4/8. One int8 1x1 layer on
// pixels (zp 0, scale 0.5, weight 2, step 0.25, bias 0.5): a = 0.125,
// b = 0.5, |c| <= 2 * 255 = 510.
// k=4 signed quantized: L = 7, alpha 1.75 -> Delta = 0.25; a/Delta = 0.5
//   -> F = 24; A = 2^23 = 8388608; B = 2 * 2^24 = 33554432;
//   tau 0.75 -> tau_q = 12582912; theta 0.5 -> theta_m = ceil(2) = 2.
// CHECK-LABEL: func.func @k4_signed_quantized
// CHECK: qsnn.iaffine %{{.*}} {bias = array<i64: 33554432>, frac_bits = 24 : i64, multiplier = array<i64: 8388608>
// CHECK: qsnn.ilif %{{.*}} {fire_on = #qsnn<fire_on quantized>, frac_bits = 24 : i64, levels = 7 : i64, {{.*}}tau_q = 12582912 : i64, threshold = 2 : i64, time_steps = 1 : i64}
func.func @k4_signed_quantized(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s bias %b : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %l = qsnn.lif %c {alpha_u = 1.75, membrane_bits = 4, levels = #qsnn<levels signed>, fire_on = #qsnn<fire_on quantized>, tau = 0.75, threshold = 0.5, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// k=4 paper full: L = 15, alpha 7.5 -> Delta = 0.5; a/Delta = 0.25 -> F = 25;
//   A = 0.25 * 2^25 = 8388608; B = 1 * 2^25 = 33554432;
//   tau_q = 0.5 * 2^25 = 16777216; theta_g = ceil(2 * 2^25) = 67108864.
//   |g| <= 8388608 * 510 + 33554432 = 4311744512 (34 bits);
//   LIF: + 16777216 * 15 + 2^24 = 4580179968 (34 bits).
// With --multiplier-bits=16: F = 16 - 1 + 2 = 17; A = 0.25 * 2^17 = 32768;
//   B = 2^17 = 131072; tau_q = 2^16 = 65536; theta_g = 2 * 2^17 = 262144.
// CHECK-LABEL: func.func @k4_paper_full
// P16-LABEL: func.func @k4_paper_full
// P16: qsnn.iaffine %{{.*}} {bias = array<i64: 131072>, frac_bits = 17 : i64, multiplier = array<i64: 32768>
// P16: qsnn.ilif %{{.*}} {fire_on = #qsnn<fire_on full>, frac_bits = 17 : i64, levels = 15 : i64, {{.*}}tau_q = 65536 : i64, threshold = 262144 : i64, time_steps = 1 : i64}
// CHECK: qsnn.iaffine %{{.*}} {bias = array<i64: 33554432>, frac_bits = 25 : i64, multiplier = array<i64: 8388608>, qsnn.acc_bits = 34 : i64}
// CHECK: qsnn.ilif %{{.*}} {fire_on = #qsnn<fire_on full>, frac_bits = 25 : i64, levels = 15 : i64, qsnn.acc_bits = 34 : i64, tau_q = 16777216 : i64, threshold = 67108864 : i64, time_steps = 1 : i64}
func.func @k4_paper_full(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s bias %b : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %l = qsnn.lif %c {alpha_u = 7.5, membrane_bits = 4, levels = #qsnn<levels paper>, fire_on = #qsnn<fire_on full>, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// k=8 signed quantized: L = 127, alpha 15.875 -> Delta = 0.125; a/Delta = 1
//   -> F = 23; A = 2^23 = 8388608; B = 4 * 2^23 = 33554432;
//   tau_q = 2^22 = 4194304; theta_m = ceil(1 / 0.125) = 8.
// CHECK-LABEL: func.func @k8_signed_quantized
// CHECK: qsnn.iaffine %{{.*}} {bias = array<i64: 33554432>, frac_bits = 23 : i64, multiplier = array<i64: 8388608>
// CHECK: qsnn.ilif %{{.*}} {fire_on = #qsnn<fire_on quantized>, frac_bits = 23 : i64, levels = 127 : i64, {{.*}}tau_q = 4194304 : i64, threshold = 8 : i64, time_steps = 1 : i64}
func.func @k8_signed_quantized(%p: tensor<1x1x1x1xui8>) -> tensor<1x1x1x1xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s bias %b : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %l = qsnn.lif %c {alpha_u = 15.875, membrane_bits = 8, fire_on = #qsnn<fire_on quantized>, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l : tensor<1x1x1x1xf32>
}

// k=2 paper quantized: L = 3, alpha 1.5 -> Delta = 0.5; F = 25 as above;
//   A = 8388608; B = 33554432; tau_q = 16777216; theta_m = ceil(2) = 2.
// k=8 paper full: L = 255, alpha 63.75 -> Delta = 0.25; F = 24;
//   A = 8388608; B = 33554432; tau_q = 8388608; theta 2 -> theta_g =
//   ceil(8 * 2^24) = 134217728.
// CHECK-LABEL: func.func @k2_paper_quantized_k8_paper_full
// CHECK: qsnn.iaffine %{{.*}} {bias = array<i64: 33554432>, frac_bits = 25 : i64, multiplier = array<i64: 8388608>
// CHECK: qsnn.ilif %{{.*}} {fire_on = #qsnn<fire_on quantized>, frac_bits = 25 : i64, levels = 3 : i64, {{.*}}tau_q = 16777216 : i64, threshold = 2 : i64, time_steps = 1 : i64}
// CHECK: qsnn.iaffine %{{.*}} {bias = array<i64: 33554432>, frac_bits = 24 : i64, multiplier = array<i64: 8388608>
// CHECK: qsnn.ilif %{{.*}} {fire_on = #qsnn<fire_on full>, frac_bits = 24 : i64, levels = 255 : i64, {{.*}}tau_q = 8388608 : i64, threshold = 134217728 : i64, time_steps = 1 : i64}
func.func @k2_paper_quantized_k8_paper_full(%p: tensor<1x1x1x1xui8>) -> (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x1x1xui8> -> tensor<1x1x1x1xf32>
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %s = arith.constant dense<0.25> : tensor<1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %c = qsnn.conv2d int8 %x, %w scale %s bias %b : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %l = qsnn.lif %c {alpha_u = 1.5, membrane_bits = 2, levels = #qsnn<levels paper>, fire_on = #qsnn<fire_on quantized>, time_steps = 1} : tensor<1x1x1x1xf32>
  %c2 = qsnn.conv2d int8 %x, %w scale %s bias %b : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %l2 = qsnn.lif %c2 {alpha_u = 63.75, membrane_bits = 8, levels = #qsnn<levels paper>, threshold = 2.0, time_steps = 1} : tensor<1x1x1x1xf32>
  return %l, %l2 : tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>
}
