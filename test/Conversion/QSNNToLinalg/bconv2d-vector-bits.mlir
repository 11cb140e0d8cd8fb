// RUN: qsnn-opt %s --convert-qsnn-to-linalg=vector-bits=128 | FileCheck %s
// RUN: not qsnn-opt %s --convert-qsnn-to-linalg=vector-bits=0 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: convert-qsnn-to-linalg: vector-bits must be at least 8, got 0

// On 128-bit registers (NEON) a bconv2d on 64-bit words pads to 2 lanes:
// its 6 output channels are one register block of three 2-lane vectors
// (vector<6xi64>); with the default 512 bits they would be padded to 8.
// CHECK-LABEL: func @neon
// CHECK:     scf.for
// CHECK:       vector.transfer_read %{{.*}} : tensor<3x3x2x6xi64>, vector<6xi64>
// CHECK:       math.ctpop %{{.*}} : vector<6xi64>
// CHECK-NOT: vector<8xi64>
func.func @neon(%s: tensor<1x70x4x4xi1>) -> tensor<1x5x4x4xi32> {
  %w = arith.constant dense<-1> : tensor<3x3x2x6xi64>
  %c = qsnn.bconv2d %s, %w {padding = array<i64: 1, 1, 1, 1>, planes = 1 : i64} : (tensor<1x70x4x4xi1>, tensor<3x3x2x6xi64>) -> tensor<1x5x4x4xi32>
  return %c : tensor<1x5x4x4xi32>
}
