// RUN: qsnn-opt %s --convert-qsnn-to-linalg | FileCheck %s

// A binary convolution on a 2x2 pool of spikes, 3 channels in 8-bit words:
// pack the spikes (a reduction over the 8 bits of each word along rows of
// pixels), form the three count planes with bitwise adders, sum each
// pixel's input popcounts once, then per output position one vector of the
// 16 (padded) output channels per plane: AND with the broadcast word,
// popcount, add; the 2 real channels are written into the NCHW result with
// a masked strided write.
// CHECK-LABEL: func @pooled
// CHECK:      tensor.pad %arg0 low[0, 0, 0, 0] high[0, 5, 0, 0]
// CHECK:      linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]
// CHECK:        arith.shli
// CHECK:        arith.ori
// CHECK:      linalg.generic
// CHECK-COUNT-5: arith.xori
// CHECK:      linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction", "parallel", "parallel"]
// CHECK:        math.ctpop %{{.*}} : i8
// CHECK:      scf.for
// CHECK:        vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<1x1x1x16xi8>, vector<16xi8>
// CHECK-COUNT-3: math.ctpop %{{.*}} : vector<16xi8>
// CHECK:        arith.shli %{{.*}} : vector<16xi32>
// CHECK:        vector.transfer_write %{{.*}} {permutation_map = #{{.*}}} : vector<16xi32>, tensor<1x2x2x2xi32>
func.func @pooled(%s: tensor<1x3x4x4xi1>) -> tensor<1x2x2x2xi32> {
  %w = arith.constant dense<[[[[5, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]]]> : tensor<1x1x1x16xi8>
  %c = qsnn.bconv2d %s, %w {input_pool = array<i64: 2, 2>, planes = 3 : i64} : (tensor<1x3x4x4xi1>, tensor<1x1x1x16xi8>) -> tensor<1x2x2x2xi32>
  return %c : tensor<1x2x2x2xi32>
}
