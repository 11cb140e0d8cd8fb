// RUN: qsnn-opt %s --qsnn-hoist-time-invariant --split-input-file | FileCheck %s

// The first layer (conv + batch norm) of a static input runs once per
// sample; the encode moves down to the LIF.
// CHECK-LABEL: func @first_layer
// CHECK: %[[X:.*]] = qsnn.normalize %arg0
// CHECK: %[[C:.*]] = qsnn.conv2d int8 %[[X]], {{.*}} -> tensor<2x4x5x5xf32>
// CHECK: %[[B:.*]] = qsnn.batch_norm %[[C]], {{.*}} : tensor<2x4x5x5xf32>, tensor<4xf32>
// CHECK: %[[E:.*]] = qsnn.encode %[[B]] {time_steps = 3 : i64} : tensor<2x4x5x5xf32> -> tensor<6x4x5x5xf32>
// CHECK: qsnn.lif %[[E]]
func.func @first_layer(%p: tensor<2x1x5x5xui8>) -> tensor<6x4x5x5xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<2x1x5x5xui8> -> tensor<2x1x5x5xf32>
  %e = qsnn.encode %x {time_steps = 3 : i64} : tensor<2x1x5x5xf32> -> tensor<6x1x5x5xf32>
  %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
  %s = arith.constant dense<0.25> : tensor<4xf32>
  %c = qsnn.conv2d int8 %e, %w scale %s bias %s {padding = array<i64: 1, 1, 1, 1>} : (tensor<6x1x5x5xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<6x4x5x5xf32>
  %g = arith.constant dense<1.0> : tensor<4xf32>
  %z = arith.constant dense<0.0> : tensor<4xf32>
  %b = qsnn.batch_norm %c, %g, %z, %z, %g : tensor<6x4x5x5xf32>, tensor<4xf32>
  %l = qsnn.lif %b {alpha_u = 1.0, membrane_bits = 2, time_steps = 3} : tensor<6x4x5x5xf32>
  return %l : tensor<6x4x5x5xf32>
}

// -----

// Integer level: icenter, iconv2d and iaffine move before the encode.
// CHECK-LABEL: func @integer
// CHECK: qsnn.icenter %arg0
// CHECK: qsnn.iconv2d {{.*}} -> tensor<1x2x4x4xi32>
// CHECK: %[[A:.*]] = qsnn.iaffine {{.*}} : tensor<1x2x4x4xi32> -> tensor<1x2x4x4xi64>
// CHECK: qsnn.encode %[[A]] {time_steps = 2 : i64} : tensor<1x2x4x4xi64> -> tensor<2x2x4x4xi64>
func.func @integer(%p: tensor<1x1x4x4xui8>) -> tensor<2x2x4x4xi64> {
  %x = qsnn.icenter %p {zero_point = array<i64: 3>} : tensor<1x1x4x4xui8> -> tensor<1x1x4x4xi16>
  %e = qsnn.encode %x {time_steps = 2 : i64} : tensor<1x1x4x4xi16> -> tensor<2x1x4x4xi16>
  %w = arith.constant dense<2> : tensor<2x1x1x1xi8>
  %c = qsnn.iconv2d %e, %w : (tensor<2x1x4x4xi16>, tensor<2x1x1x1xi8>) -> tensor<2x2x4x4xi32>
  %a = qsnn.iaffine %c {multiplier = array<i64: 3, 5>, bias = array<i64: 1, 2>, frac_bits = 4 : i64} : tensor<2x2x4x4xi32> -> tensor<2x2x4x4xi64>
  return %a : tensor<2x2x4x4xi64>
}

// -----

// Spikes are per step: nothing after a LIF moves.
// CHECK-LABEL: func @after_lif
// CHECK: qsnn.encode
// CHECK-NEXT: qsnn.ilif
// CHECK-NEXT: qsnn.iconv2d
func.func @after_lif(%g: tensor<1x2x4x4xi64>) -> tensor<2x2x4x4xi32> {
  %e = qsnn.encode %g {time_steps = 2 : i64} : tensor<1x2x4x4xi64> -> tensor<2x2x4x4xi64>
  %s = qsnn.ilif %e {fire_on = #qsnn<fire_on full>, frac_bits = 4 : i64, levels = 1 : i64, tau_q = 8 : i64, threshold = 16 : i64, time_steps = 2 : i64} : tensor<2x2x4x4xi64> -> tensor<2x2x4x4xi1>
  %w = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %c = qsnn.iconv2d %s, %w : (tensor<2x2x4x4xi1>, tensor<2x2x1x1xi8>) -> tensor<2x2x4x4xi32>
  return %c : tensor<2x2x4x4xi32>
}
