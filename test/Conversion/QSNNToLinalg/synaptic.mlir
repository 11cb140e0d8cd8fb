// RUN: qsnn-opt %s --convert-qsnn-to-linalg --cse | FileCheck %s

// Padding [top 1, left 0, bottom 0, right 1] becomes a zero tensor.pad;
// strides and dilations go to the named conv; the per-channel affine map
// (scale first, then bias) follows the accumulation.
// Output: H (5 + 1 - 5) / 2 + 1 = 1, W (5 + 1 - 3) / 2 + 1 = 2.
// CHECK-LABEL: func.func @conv_pad_stride_dilation
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x5xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<1.000000e+00> : tensor<3x2x3x3xf32>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, 0.000000e+00, -1.000000e+00]> : tensor<3xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 0, 1]
// CHECK:   tensor.yield %[[ZERO]] : f32
// CHECK: } : tensor<1x2x5x5xf32> to tensor<1x2x6x6xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<1x3x1x2xf32>)
// CHECK: %[[ACC:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<[2, 1]> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %[[W]] : tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>) outs(%[[INIT]] : tensor<1x3x1x2xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID:.*]], #[[CH:.*]], #[[CH]], #[[ID]]]{{.*}} ins(%[[ACC]], %[[S]], %[[B]] :
// CHECK: ^bb0(%[[A:.*]]: f32, %[[SC:.*]]: f32, %[[BI:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[M:.*]] = arith.mulf %[[A]], %[[SC]] : f32
// CHECK:   %[[R:.*]] = arith.addf %[[M]], %[[BI]] : f32
// CHECK:   linalg.yield %[[R]] : f32
// CHECK: return %[[Y]]
func.func @conv_pad_stride_dilation(%x: tensor<1x2x5x5xf32>) -> tensor<1x3x1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<3x2x3x3xf32>
  %s = arith.constant dense<[0.5, 0.25, 2.0]> : tensor<3xf32>
  %b = arith.constant dense<[1.0, 0.0, -1.0]> : tensor<3xf32>
  %y = qsnn.conv2d binary %x, %w scale %s bias %b {padding = array<i64: 1, 0, 0, 1>, strides = array<i64: 2, 2>, dilations = array<i64: 2, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x1x2xf32>
  return %y : tensor<1x3x1x2xf32>
}

// No padding, no scale or bias: the named conv alone.
// CHECK-LABEL: func.func @conv_plain
// CHECK-NOT: tensor.pad
// CHECK: %[[ACC:.*]] = linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.generic
// CHECK: return %[[ACC]]
func.func @conv_plain(%x: tensor<2x1x3x3xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<2x1x2x2xf32> {
  %y = qsnn.conv2d float %x, %w : (tensor<2x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<2x1x2x2xf32>
  return %y : tensor<2x1x2x2xf32>
}

// Two groups: channels split as [G, C/G], weights as [G, O/G, ...].
// CHECK-LABEL: func.func @conv_grouped
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x3x3xf32>, %[[W:.*]]: tensor<4x2x1x1xf32>)
// CHECK: %[[GX:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 3, 3]
// CHECK: %[[GW:.*]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 2, 2, 1, 1]
// CHECK: %[[ACC:.*]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[GX]], %[[GW]] : tensor<1x2x2x3x3xf32>, tensor<2x2x2x1x1xf32>) outs(%{{.*}} : tensor<1x2x2x3x3xf32>)
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[ACC]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x2x3x3xf32> into tensor<1x4x3x3xf32>
// CHECK: return %[[Y]]
func.func @conv_grouped(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x1x1xf32>) -> tensor<1x4x3x3xf32> {
  %y = qsnn.conv2d float %x, %w {groups = 2} : (tensor<1x4x3x3xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}

// The weight is stored [O, K] (Gemm transB); a bias alone adds per column.
// CHECK-LABEL: func.func @linear_bias
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[W:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[ACC:.*]] = linalg.matmul_transpose_b ins(%[[X]], %[[W]] : tensor<2x3xf32>, tensor<4x3xf32>) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL:.*]], #{{.*}}]{{.*}} ins(%[[ACC]], %[[B]] : tensor<2x4xf32>, tensor<4xf32>)
// CHECK-NOT: arith.mulf
// CHECK:   arith.addf
func.func @linear_bias(%x: tensor<2x3xf32>, %w: tensor<4x3xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %y = qsnn.linear float %x, %w bias %b : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// gamma * (x - mean) / sqrt(variance + epsilon) + beta, channel = dim 1.
// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x2x2xf32>, %[[G:.*]]: tensor<3xf32>, %[[BE:.*]]: tensor<3xf32>, %[[MU:.*]]: tensor<3xf32>, %[[VAR:.*]]: tensor<3xf32>)
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: linalg.generic {{.*}} ins(%[[X]], %[[G]], %[[BE]], %[[MU]], %[[VAR]] :
// CHECK: ^bb0(%[[XI:.*]]: f32, %[[GI:.*]]: f32, %[[BI:.*]]: f32, %[[MI:.*]]: f32, %[[VI:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[C:.*]] = arith.subf %[[XI]], %[[MI]] : f32
// CHECK:   %[[S:.*]] = arith.mulf %[[GI]], %[[C]] : f32
// CHECK:   %[[VE:.*]] = arith.addf %[[VI]], %[[EPS]] : f32
// CHECK:   %[[SD:.*]] = math.sqrt %[[VE]] : f32
// CHECK:   %[[N:.*]] = arith.divf %[[S]], %[[SD]] : f32
// CHECK:   %[[Y:.*]] = arith.addf %[[N]], %[[BI]] : f32
// CHECK:   linalg.yield %[[Y]] : f32
func.func @batch_norm(%x: tensor<2x3x2x2xf32>, %g: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x2x2xf32> {
  %y = qsnn.batch_norm %x, %g, %b, %m, %v {epsilon = 0.001} : tensor<2x3x2x2xf32>, tensor<3xf32>
  return %y : tensor<2x3x2x2xf32>
}
