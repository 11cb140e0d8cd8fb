// RUN: qsnn-opt %s --convert-qsnn-to-linalg --cse | FileCheck %s

// 3x3 windows, stride 2, padding 1 on a 4x4 input, count_include_pad false:
// window 0 covers rows -1..1 (2 real rows), window 1 rows 1..3 (3 real), so
// the divisors are [[2*2, 2*3], [3*2, 3*3]], a per-position table.
// CHECK-LABEL: func.func @avg_exclude_pad
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:   tensor.yield %[[ZERO]] : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<1x1x2x2xf32>)
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %[[WIN]] : tensor<1x1x6x6xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x1x2x2xf32>)
// CHECK: %[[DIV:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00]]> : tensor<2x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[HW:.*]], #[[ID]]]{{.*}} ins(%[[SUM]], %[[DIV]] : tensor<1x1x2x2xf32>, tensor<2x2xf32>)
// CHECK:   %[[Y:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
func.func @avg_exclude_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %y = qsnn.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// The same windows with count_include_pad: every divisor is 9, a scalar.
// CHECK-LABEL: func.func @avg_include_pad
// CHECK: linalg.pooling_nchw_sum
// CHECK: %[[NINE:.*]] = arith.constant 9.000000e+00 : f32
// CHECK: linalg.generic
// CHECK:   arith.divf %{{.*}}, %[[NINE]] : f32
func.func @avg_include_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %y = qsnn.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, count_include_pad = true} : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// ceil_mode on 5x5, 2x2 windows, stride 2: a third window starts at 4 and
// reaches one cell past the input, so the input is padded by 1 at the end
// for the reads, and that cell is never counted, even with
// count_include_pad (it is not explicit padding): divisors 2, 2, 1 per axis.
// CHECK-LABEL: func.func @avg_ceil_mode
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: linalg.pooling_nchw_sum {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x6x6xf32>, tensor<2x2xf32>) outs(%{{.*}} : tensor<1x1x3x3xf32>)
// CHECK: arith.constant dense<{{\[\[}}4.000000e+00, 4.000000e+00, 2.000000e+00], [4.000000e+00, 4.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
func.func @avg_ceil_mode(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %y = qsnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true, count_include_pad = true} : tensor<1x1x5x5xf32> -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// Max pooling pads with -inf and starts from -inf: padding never wins.
// CHECK-LABEL: func.func @max_pad_never_wins
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK:   tensor.yield %[[NEGINF]] : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<1x2x2x2xf32>)
// CHECK: %[[Y:.*]] = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]], %{{.*}} : tensor<1x2x5x5xf32>, tensor<2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
// CHECK: return %[[Y]]
func.func @max_pad_never_wins(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y = qsnn.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// Sum over H and W, one division by H * W = 8, then [N, C] -> [N, C, 1, 1].
// CHECK-LABEL: func.func @global_avg_pool
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}} : tensor<2x3x2x4xf32>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: %[[EIGHT:.*]] = arith.constant 8.000000e+00 : f32
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x3xf32>)
// CHECK:   arith.divf %{{.*}}, %[[EIGHT]] : f32
// CHECK: tensor.expand_shape %[[MEAN]] {{\[\[}}0], [1, 2, 3]] output_shape [2, 3, 1, 1]
func.func @global_avg_pool(%x: tensor<2x3x2x4xf32>) -> tensor<2x3x1x1xf32> {
  %y = qsnn.global_avg_pool %x : tensor<2x3x2x4xf32> -> tensor<2x3x1x1xf32>
  return %y : tensor<2x3x1x1xf32>
}
