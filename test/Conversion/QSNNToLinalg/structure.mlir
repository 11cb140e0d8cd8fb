// RUN: qsnn-opt %s --convert-qsnn-to-linalg --cse | FileCheck %s

// uint8 pixels are reinterpreted as signless i8 and widened unsigned (200
// stays 200, not -56), then (p - zp[c]) * scale[c] with c = dimension 1.
// CHECK-LABEL: func.func @normalize_pixels
// CHECK-SAME: (%[[P:.*]]: tensor<2x3x2x2xui8>)
// CHECK: %[[B:.*]] = tensor.bitcast %[[P]] : tensor<2x3x2x2xui8> to tensor<2x3x2x2xi8>
// CHECK-DAG: %[[ZP:.*]] = arith.constant dense<[1.000000e+01, 2.000000e+01, 3.000000e+01]> : tensor<3xf32>
// CHECK-DAG: %[[SC:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 2.000000e+00]> : tensor<3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID:.*]], #[[CH:.*]], #[[CH]], #[[ID]]]{{.*}} ins(%[[B]], %[[ZP]], %[[SC]] : tensor<2x3x2x2xi8>, tensor<3xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[V:.*]]: i8, %[[Z:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[F:.*]] = arith.uitofp %[[V]] : i8 to f32
// CHECK:   %[[C:.*]] = arith.subf %[[F]], %[[Z]] : f32
// CHECK:   %[[Y:.*]] = arith.mulf %[[C]], %[[S]] : f32
// CHECK:   linalg.yield %[[Y]] : f32
func.func @normalize_pixels(%p: tensor<2x3x2x2xui8>) -> tensor<2x3x2x2xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 10, 20, 30>, scale = array<f64: 0.5, 0.25, 2.0>} : tensor<2x3x2x2xui8> -> tensor<2x3x2x2xf32>
  return %x : tensor<2x3x2x2xf32>
}

// A float input needs no conversion.
// CHECK-LABEL: func.func @normalize_float
// CHECK-NOT: tensor.bitcast
// CHECK-NOT: arith.uitofp
// CHECK: arith.subf
// CHECK: arith.mulf
func.func @normalize_float(%p: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %x = qsnn.normalize %p {zero_point = array<i64: 1>, scale = array<f64: 3.0>} : tensor<1x1x2x2xf32> -> tensor<1x1x2x2xf32>
  return %x : tensor<1x1x2x2xf32>
}

// Counts keep their value: 200 stays 200.0 (unsigned widening of the i8 view).
// CHECK-LABEL: func.func @counts
// CHECK-SAME: (%[[P:.*]]: tensor<3x1x2xui8>)
// CHECK: %[[B:.*]] = tensor.bitcast %[[P]] : tensor<3x1x2xui8> to tensor<3x1x2xi8>
// CHECK: linalg.generic {{.*}} ins(%[[B]] : tensor<3x1x2xi8>)
// CHECK:   %[[F:.*]] = arith.uitofp %{{.*}} : i8 to f32
// CHECK:   linalg.yield %[[F]] : f32
func.func @counts(%p: tensor<3x1x2xui8>) -> tensor<3x1x2xf32> {
  %x = qsnn.counts %p : tensor<3x1x2xui8> -> tensor<3x1x2xf32>
  return %x : tensor<3x1x2xf32>
}

// [N, ...] -> [T, N, ...] -> [T*N, ...]: row t*N + n is step t of sample n.
// CHECK-LABEL: func.func @encode
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: %[[R:.*]] = linalg.broadcast ins(%[[X]] : tensor<2x3xf32>) outs(%[[E]] : tensor<4x2x3xf32>) dimensions = [0]
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[R]] {{\[\[}}0, 1], [2]] : tensor<4x2x3xf32> into tensor<8x3xf32>
// CHECK: return %[[Y]]
func.func @encode(%x: tensor<2x3xf32>) -> tensor<8x3xf32> {
  %y = qsnn.encode %x {time_steps = 4} : tensor<2x3xf32> -> tensor<8x3xf32>
  return %y : tensor<8x3xf32>
}

// Mean over T = 3: view [T*N, K] as [T, N, K], sum over T, divide by 3.
// CHECK-LABEL: func.func @readout
// CHECK-SAME: (%[[X:.*]]: tensor<6x5xf32>)
// CHECK: %[[V:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0, 1], [2]] output_shape [3, 2, 5] : tensor<6x5xf32> into tensor<3x2x5xf32>
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[OUT:.*]]], iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[V]] : tensor<3x2x5xf32>) outs(%[[Z]] : tensor<2x5xf32>)
// CHECK:   arith.addf
// CHECK: %[[T:.*]] = arith.constant 3.000000e+00 : f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x5xf32>)
// CHECK:   arith.divf %{{.*}}, %[[T]] : f32
func.func @readout(%x: tensor<6x5xf32>) -> tensor<2x5xf32> {
  %y = qsnn.readout %x {time_steps = 3} : tensor<6x5xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// CHECK-LABEL: func.func @add
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x3xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<2x3xf32>)
// CHECK:   arith.addf
func.func @add(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = qsnn.add %a, %b : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @flatten_axis1
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<2x3x4x5xf32> into tensor<2x60xf32>
func.func @flatten_axis1(%x: tensor<2x3x4x5xf32>) -> tensor<2x60xf32> {
  %y = qsnn.flatten %x : tensor<2x3x4x5xf32> -> tensor<2x60xf32>
  return %y : tensor<2x60xf32>
}

// Axis 0 (and axis = rank) make a unit dimension no collapse can create.
// CHECK-LABEL: func.func @flatten_axis0
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: tensor.expand_shape %[[F]] {{\[\[}}0, 1]] output_shape [1, 6] : tensor<6xf32> into tensor<1x6xf32>
func.func @flatten_axis0(%x: tensor<2x3xf32>) -> tensor<1x6xf32> {
  %y = qsnn.flatten %x {axis = 0} : tensor<2x3xf32> -> tensor<1x6xf32>
  return %y : tensor<1x6xf32>
}

// CHECK-LABEL: func.func @flatten_axis_rank
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: tensor.expand_shape %[[F]] {{\[\[}}0, 1]] output_shape [6, 1] : tensor<6xf32> into tensor<6x1xf32>
func.func @flatten_axis_rank(%x: tensor<2x3xf32>) -> tensor<6x1xf32> {
  %y = qsnn.flatten %x {axis = 2} : tensor<2x3xf32> -> tensor<6x1xf32>
  return %y : tensor<6x1xf32>
}

// Already 2-D with the split at axis 1: nothing to do.
// CHECK-LABEL: func.func @flatten_noop
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @flatten_noop(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = qsnn.flatten %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
