// RUN: qsnn-opt %s --convert-qsnn-to-linalg --cse --split-input-file | FileCheck %s

// icenter: the uint8 pixel widened unsigned to i16, minus zp[c].
// CHECK-LABEL: func.func @icenter
// CHECK: %[[BYTES:.*]] = tensor.bitcast %{{.*}} : tensor<1x2x2x2xui8> to tensor<1x2x2x2xi8>
// CHECK: %[[ZP:.*]] = arith.constant dense<[10, 20]> : tensor<2xi16>
// CHECK: linalg.generic {{.*}} ins(%[[BYTES]], %[[ZP]] : tensor<1x2x2x2xi8>, tensor<2xi16>)
// CHECK:   %[[WIDE:.*]] = arith.extui %{{.*}} : i8 to i16
// CHECK:   arith.subi %[[WIDE]], %{{.*}} : i16
func.func @icenter(%p: tensor<1x2x2x2xui8>) -> tensor<1x2x2x2xi16> {
  %x = qsnn.icenter %p {zero_point = array<i64: 10, 20>} : tensor<1x2x2x2xui8> -> tensor<1x2x2x2xi16>
  return %x : tensor<1x2x2x2xi16>
}

// -----

// iconv2d on spikes: i1 zero-extended (a spike counts 1, not -1), zero
// padding (contributing 0), the named convolution with i8 weights into i32.
// CHECK-LABEL: func.func @iconv2d_spikes
// CHECK-SAME: (%[[S:.*]]: tensor<2x1x3x3xi1>, %[[W:.*]]: tensor<2x1x3x3xi8>)
// CHECK: %[[WIDE:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<2x1x3x3xi1>) outs(%{{.*}} : tensor<2x1x3x3xi32>)
// CHECK:   arith.extui %{{.*}} : i1 to i32
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[PAD:.*]] = tensor.pad %[[WIDE]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:   tensor.yield %[[ZERO]] : i32
// CHECK: } : tensor<2x1x3x3xi32> to tensor<2x1x5x5xi32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : i32) outs(%{{.*}} : tensor<2x2x2x2xi32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[PAD]], %[[W]] : tensor<2x1x5x5xi32>, tensor<2x1x3x3xi8>) outs(%[[INIT]] : tensor<2x2x2x2xi32>)
func.func @iconv2d_spikes(%s: tensor<2x1x3x3xi1>, %w: tensor<2x1x3x3xi8>) -> tensor<2x2x2x2xi32> {
  %c = qsnn.iconv2d %s, %w {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<2x1x3x3xi1>, tensor<2x1x3x3xi8>) -> tensor<2x2x2x2xi32>
  return %c : tensor<2x2x2x2xi32>
}

// -----

// per_input_channel: one i32 sum per (output, input) channel, a reduction
// over (kh, kw) only.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d3 + d5, d4 + d6)>
// CHECK-DAG: #[[WT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, d5, d6)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @iconv2d_per_input_channel
// CHECK: arith.extsi %{{.*}} : i16 to i32
// CHECK: %[[PAD:.*]] = tensor.pad {{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[INIT:.*]] = linalg.fill {{.*}} -> tensor<1x3x2x4x4xi32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PAD]], %{{.*}} : tensor<1x2x6x6xi32>, tensor<3x2x3x3xi8>) outs(%[[INIT]] : tensor<1x3x2x4x4xi32>)
// CHECK:   %[[WV:.*]] = arith.extsi %{{.*}} : i8 to i32
// CHECK:   %[[P:.*]] = arith.muli %{{.*}}, %[[WV]] : i32
// CHECK:   arith.addi %{{.*}}, %[[P]] : i32
func.func @iconv2d_per_input_channel(%x: tensor<1x2x4x4xi16>, %w: tensor<3x2x3x3xi8>) -> tensor<1x3x2x4x4xi32> {
  %c = qsnn.iconv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, per_input_channel = true} : (tensor<1x2x4x4xi16>, tensor<3x2x3x3xi8>) -> tensor<1x3x2x4x4xi32>
  return %c : tensor<1x3x2x4x4xi32>
}

// -----

// CHECK-LABEL: func.func @ilinear
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xi1>, %[[W:.*]]: tensor<3x8xi8>)
// CHECK: %[[WIDE:.*]] = linalg.generic
// CHECK:   arith.extui %{{.*}} : i1 to i32
// CHECK: %[[INIT:.*]] = linalg.fill {{.*}} -> tensor<4x3xi32>
// CHECK: linalg.matmul_transpose_b ins(%[[WIDE]], %[[W]] : tensor<4x8xi32>, tensor<3x8xi8>) outs(%[[INIT]] : tensor<4x3xi32>)
func.func @ilinear(%x: tensor<4x8xi1>, %w: tensor<3x8xi8>) -> tensor<4x3xi32> {
  %c = qsnn.ilinear %x, %w : (tensor<4x8xi1>, tensor<3x8xi8>) -> tensor<4x3xi32>
  return %c : tensor<4x3xi32>
}

// -----

// Window sums of spikes; the padded cells are 0.
// CHECK-LABEL: func.func @isum_pool2d
// CHECK: %[[WIDE:.*]] = linalg.generic
// CHECK:   arith.extui %{{.*}} : i1 to i32
// CHECK: %[[PAD:.*]] = tensor.pad %[[WIDE]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: } : tensor<2x3x4x4xi32> to tensor<2x3x6x6xi32>
// CHECK: %[[INIT:.*]] = linalg.fill {{.*}} -> tensor<2x3x3x3xi32>
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<2x2xi32>
// CHECK: linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[PAD]], %[[WIN]] : tensor<2x3x6x6xi32>, tensor<2x2xi32>) outs(%[[INIT]] : tensor<2x3x3x3xi32>)
func.func @isum_pool2d(%s: tensor<2x3x4x4xi1>) -> tensor<2x3x3x3xi32> {
  %c = qsnn.isum_pool2d %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : tensor<2x3x4x4xi1> -> tensor<2x3x3x3xi32>
  return %c : tensor<2x3x3x3xi32>
}

// -----

// g = A[o] * c + B[o] in i64.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @iaffine
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1, 2, 3]> : tensor<3xi64>
// CHECK-DAG: %[[A:.*]] = arith.constant dense<[5, -6, 7]> : tensor<3xi64>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[ID]]]{{.*}} ins(%{{.*}}, %[[A]], %[[B]] : tensor<2x3x4x4xi32>, tensor<3xi64>, tensor<3xi64>)
// CHECK:   ^bb0(%[[C:.*]]: i32, %[[AV:.*]]: i64, %[[BV:.*]]: i64, %{{.*}}: i64):
// CHECK:   %[[WIDE:.*]] = arith.extsi %[[C]] : i32 to i64
// CHECK:   %[[P:.*]] = arith.muli %[[WIDE]], %[[AV]] : i64
// CHECK:   %[[G:.*]] = arith.addi %[[P]], %[[BV]] : i64
// CHECK:   linalg.yield %[[G]] : i64
func.func @iaffine(%c: tensor<2x3x4x4xi32>) -> tensor<2x3x4x4xi64> {
  %g = qsnn.iaffine %c {multiplier = array<i64: 5, -6, 7>, bias = array<i64: 1, 2, 3>, frac_bits = 8} : tensor<2x3x4x4xi32> -> tensor<2x3x4x4xi64>
  return %g : tensor<2x3x4x4xi64>
}

// -----

// per_input_channel: B[o] broadcast, then sum_c A[o, c] * c[m, o, c, ...],
// the multipliers as an [O, C] table.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d2, d3)>
// CHECK-DAG: #[[TAB:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @iaffine_per_input_channel
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[-1, 1]> : tensor<2xi64>
// CHECK-DAG: %[[A:.*]] = arith.constant dense<{{\[}}[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[B]] : tensor<2xi64>) outs(%{{.*}} : tensor<1x2x4x4xi64>) dimensions = [0, 2, 3]
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[TAB]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.*}}, %[[A]] : tensor<1x2x3x4x4xi32>, tensor<2x3xi64>) outs(%[[INIT]] : tensor<1x2x4x4xi64>)
// CHECK:   %[[WIDE:.*]] = arith.extsi %{{.*}} : i32 to i64
// CHECK:   %[[P:.*]] = arith.muli %[[WIDE]], %{{.*}} : i64
// CHECK:   arith.addi %{{.*}}, %[[P]] : i64
func.func @iaffine_per_input_channel(%c: tensor<1x2x3x4x4xi32>) -> tensor<1x2x4x4xi64> {
  %g = qsnn.iaffine %c {multiplier = array<i64: 1, 2, 3, 4, 5, 6>, bias = array<i64: -1, 1>, frac_bits = 8, per_input_channel = true} : tensor<1x2x3x4x4xi32> -> tensor<1x2x4x4xi64>
  return %g : tensor<1x2x4x4xi64>
}
