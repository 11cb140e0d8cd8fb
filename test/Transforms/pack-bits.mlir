// RUN: qsnn-opt %s --qsnn-pack-bits --split-input-file | FileCheck %s

// Spikes, 3 input channels: 8-bit words, one plane. B+ of output channel 0
// (+1, -1, +1) = 0b101 = 5, of channel 1 (-1, -1, +1) = 0b100 = 4; output
// channels padded to the 16 lanes of a vector of 8-bit words.
// CHECK-LABEL: func @spikes
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}5, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]]]> : tensor<1x1x1x16xi8>
// CHECK: qsnn.bconv2d %{{.*}}, %[[W]] {planes = 1 : i64, qsnn.acc_bits = 3 : i64, strides = array<i64: 2, 2>} : (tensor<1x3x4x4xi1>, tensor<1x1x1x16xi8>) -> tensor<1x2x2x2xi32>
func.func @spikes(%s: tensor<1x3x4x4xi1>) -> tensor<1x2x2x2xi32> {
  %w = arith.constant dense<[[[[1]], [[-1]], [[1]]], [[[-1]], [[-1]], [[1]]]]> : tensor<2x3x1x1xi8>
  %c = qsnn.iconv2d %s, %w {strides = array<i64: 2, 2>, qsnn.acc_bits = 3 : i64} : (tensor<1x3x4x4xi1>, tensor<2x3x1x1xi8>) -> tensor<1x2x2x2xi32>
  return %c : tensor<1x2x2x2xi32>
}

// -----

// Counts of a 2x2 sum pool of spikes are 0..4: three bit planes. 70 input
// channels need two 64-bit words; 5 output channels pad to 8 lanes. A pool
// read only by the convolution folds into it (input_pool: the planes come
// from adders on the packed spikes); one with another reader stays.
// CHECK-LABEL: func @pooled
// CHECK-NOT: qsnn.isum_pool2d
// CHECK: qsnn.bconv2d %arg0, %{{.*}} {input_pool = array<i64: 2, 2>, padding = array<i64: 2, 2, 2, 2>, planes = 3 : i64} : (tensor<1x70x8x8xi1>, tensor<5x5x2x8xi64>) -> tensor<1x5x4x4xi32>
func.func @pooled(%s: tensor<1x70x8x8xi1>) -> tensor<1x5x4x4xi32> {
  %p = qsnn.isum_pool2d %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x70x8x8xi1> -> tensor<1x70x4x4xi32>
  %w = arith.constant dense<-1> : tensor<5x70x5x5xi8>
  %c = qsnn.iconv2d %p, %w {padding = array<i64: 2, 2, 2, 2>} : (tensor<1x70x4x4xi32>, tensor<5x70x5x5xi8>) -> tensor<1x5x4x4xi32>
  return %c : tensor<1x5x4x4xi32>
}

// CHECK-LABEL: func @pool_shared
// CHECK: %[[P:.*]] = qsnn.isum_pool2d
// CHECK: qsnn.bconv2d %[[P]], %{{.*}} {planes = 3 : i64} : (tensor<1x3x2x2xi32>, tensor<1x1x1x16xi8>) -> tensor<1x2x2x2xi32>
func.func @pool_shared(%s: tensor<1x3x4x4xi1>) -> (tensor<1x2x2x2xi32>, tensor<1x3x2x2xi32>) {
  %p = qsnn.isum_pool2d %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x3x4x4xi1> -> tensor<1x3x2x2xi32>
  %w = arith.constant dense<1> : tensor<2x3x1x1xi8>
  %c = qsnn.iconv2d %p, %w : (tensor<1x3x2x2xi32>, tensor<2x3x1x1xi8>) -> tensor<1x2x2x2xi32>
  return %c, %p : tensor<1x2x2x2xi32>, tensor<1x3x2x2xi32>
}

// -----

// Left alone: int8 weights, counts of unknown range, grouped convolutions.
// CHECK-LABEL: func @not_binary
// CHECK-NOT: qsnn.bconv2d
// CHECK-COUNT-3: qsnn.iconv2d
func.func @not_binary(%s: tensor<1x2x4x4xi1>, %x: tensor<1x2x4x4xi32>) -> (tensor<1x1x4x4xi32>, tensor<1x1x4x4xi32>, tensor<1x2x4x4xi32>) {
  %w8 = arith.constant dense<3> : tensor<1x2x1x1xi8>
  %a = qsnn.iconv2d %s, %w8 : (tensor<1x2x4x4xi1>, tensor<1x2x1x1xi8>) -> tensor<1x1x4x4xi32>
  %wb = arith.constant dense<1> : tensor<1x2x1x1xi8>
  %b = qsnn.iconv2d %x, %wb : (tensor<1x2x4x4xi32>, tensor<1x2x1x1xi8>) -> tensor<1x1x4x4xi32>
  %wg = arith.constant dense<1> : tensor<2x1x1x1xi8>
  %g = qsnn.iconv2d %s, %wg {groups = 2 : i64} : (tensor<1x2x4x4xi1>, tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xi32>
  return %a, %b, %g : tensor<1x1x4x4xi32>, tensor<1x1x4x4xi32>, tensor<1x2x4x4xi32>
}
