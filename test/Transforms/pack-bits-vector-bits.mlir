// RUN: qsnn-opt %s --split-input-file --qsnn-pack-bits=vector-bits=128 | FileCheck %s --check-prefix=NEON
// RUN: qsnn-opt %s --split-input-file --qsnn-pack-bits=vector-bits=32 | FileCheck %s --check-prefix=SCALAR
// RUN: not qsnn-opt %s --split-input-file --qsnn-pack-bits=vector-bits=4 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: qsnn-pack-bits: vector-bits must be at least 8, got 4

// The output channels are padded to the lanes of one vector register of
// the target (docs/spec.md §7.8): 8-bit words are widened to 32-bit lanes
// (4 per 128-bit NEON register, 1 on a 32-bit core), 64-bit words have 2
// lanes on NEON and 1 (at least one) on a 32-bit core.
// NEON-LABEL: func @spikes
// NEON: qsnn.bconv2d %{{.*}}, %{{.*}} : (tensor<1x3x4x4xi1>, tensor<1x1x1x4xi8>) -> tensor<1x2x4x4xi32>
// SCALAR-LABEL: func @spikes
// SCALAR: qsnn.bconv2d %{{.*}}, %{{.*}} : (tensor<1x3x4x4xi1>, tensor<1x1x1x2xi8>) -> tensor<1x2x4x4xi32>
func.func @spikes(%s: tensor<1x3x4x4xi1>) -> tensor<1x2x4x4xi32> {
  %w = arith.constant dense<[[[[1]], [[-1]], [[1]]], [[[-1]], [[-1]], [[1]]]]> : tensor<2x3x1x1xi8>
  %c = qsnn.iconv2d %s, %w : (tensor<1x3x4x4xi1>, tensor<2x3x1x1xi8>) -> tensor<1x2x4x4xi32>
  return %c : tensor<1x2x4x4xi32>
}

// -----

// NEON-LABEL: func @words64
// NEON: tensor<3x3x2x6xi64>
// SCALAR-LABEL: func @words64
// SCALAR: tensor<3x3x2x5xi64>
func.func @words64(%s: tensor<1x70x4x4xi1>) -> tensor<1x5x4x4xi32> {
  %w = arith.constant dense<-1> : tensor<5x70x3x3xi8>
  %c = qsnn.iconv2d %s, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x70x4x4xi1>, tensor<5x70x3x3xi8>) -> tensor<1x5x4x4xi32>
  return %c : tensor<1x5x4x4xi32>
}
