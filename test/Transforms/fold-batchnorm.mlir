// RUN: qsnn-opt %s --qsnn-fold-batchnorm --split-input-file | FileCheck %s

// Hand-computed: g = gamma / sqrt(var + eps)
//   channel 0: g = 3 / sqrt(3 + 1) = 1.5;      scale 2 * 1.5 = 3;
//              bias (1 - 1) * 1.5 + 0.5 = 0.5
//   channel 1: g = 1 / sqrt(0.25 + 1) = 0.894427191; scale 0.5 * g = 0.4472136;
//              bias (-1 - 2) * g + 0 = -2.68328157
// CHECK-LABEL: func @linear_bn
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[3.000000e+00, 0.44721359{{[0-9]*}}]> : tensor<2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[5.000000e-01, -2.6832816{{[0-9]*}}]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = qsnn.linear binary %{{.*}}, %{{.*}} scale %[[S]] bias %[[B]]
// CHECK-NOT: qsnn.batch_norm
// CHECK: return %[[Y]]
func.func @linear_bn(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]> : tensor<2x3xf32>
  %s = arith.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %gamma = arith.constant dense<[3.0, 1.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 0.25]> : tensor<2xf32>
  %y = qsnn.linear binary %x, %w scale %s bias %b : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %z = qsnn.batch_norm %y, %gamma, %beta, %mean, %var {epsilon = 1.0} : tensor<4x2xf32>, tensor<2xf32>
  return %z : tensor<4x2xf32>
}

// -----

// A float conv without scale or bias gains both: scale g = 2 / sqrt(4) = 1,
// bias (0 - 3) * 1 + 1 = -2.
// CHECK-LABEL: func @conv_bn_no_scale
// CHECK-DAG: %[[S:.*]] = arith.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<-2.000000e+00> : tensor<1xf32>
// CHECK: qsnn.conv2d float %{{.*}}, %{{.*}} scale %[[S]] bias %[[B]] {padding = array<i64: 1, 1, 1, 1>}
// CHECK-NOT: qsnn.batch_norm
func.func @conv_bn_no_scale(%x: tensor<2x1x4x4xf32>) -> tensor<2x1x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x3x3xf32>
  %gamma = arith.constant dense<2.0> : tensor<1xf32>
  %beta = arith.constant dense<1.0> : tensor<1xf32>
  %mean = arith.constant dense<3.0> : tensor<1xf32>
  %var = arith.constant dense<3.99999> : tensor<1xf32>
  %y = qsnn.conv2d float %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<2x1x4x4xf32>
  %z = qsnn.batch_norm %y, %gamma, %beta, %mean, %var {epsilon = 1.0e-5} : tensor<2x1x4x4xf32>, tensor<1xf32>
  return %z : tensor<2x1x4x4xf32>
}

// -----

// The layer's output is also used elsewhere: folding would change that use.
// CHECK-LABEL: func @shared_output
// CHECK: qsnn.batch_norm
func.func @shared_output(%x: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x3xf32>
  %s = arith.constant dense<1.0> : tensor<2xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %y = qsnn.linear binary %x, %w scale %s : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %z = qsnn.batch_norm %y, %p, %p, %p, %p : tensor<4x2xf32>, tensor<2xf32>
  return %y, %z : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Statistics that are not constants cannot be folded at compile time.
// CHECK-LABEL: func @runtime_statistics
// CHECK: qsnn.batch_norm
func.func @runtime_statistics(%x: tensor<4x3xf32>, %p: tensor<2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x3xf32>
  %s = arith.constant dense<1.0> : tensor<2xf32>
  %y = qsnn.linear binary %x, %w scale %s : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %z = qsnn.batch_norm %y, %p, %p, %p, %p : tensor<4x2xf32>, tensor<2xf32>
  return %z : tensor<4x2xf32>
}
