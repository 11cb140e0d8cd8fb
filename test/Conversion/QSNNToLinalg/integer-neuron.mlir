// RUN: qsnn-opt %s --convert-qsnn-to-linalg --cse --split-input-file | FileCheck %s

// ilif, fire_on = full, T = 2 steps of N = 3 rows, F = 4, L = 1: the state
// is an i2 tensor (the bits of [-1, 1]); per element
// g = tau_q * m + I, r = clamp((g + 2^3) >>s 4, -1, 1), s = g >= 40,
// m = s ? 0 : r. (2^(F-1) = 8 = tau_q: one constant after cse.)
// CHECK-LABEL: func.func @ilif_full
// CHECK-SAME: (%[[IN:.*]]: tensor<6x3xi64>) -> tensor<6x3xi1>
// CHECK-DAG: %[[TAU:.*]] = arith.constant 8 : i64
// CHECK-DAG: %[[THETA:.*]] = arith.constant 40 : i64
// CHECK-DAG: %[[F:.*]] = arith.constant 4 : i64
// CHECK-DAG: %[[L:.*]] = arith.constant 1 : i64
// CHECK-DAG: %[[NL:.*]] = arith.constant -1 : i64
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: %[[M0:.*]] = linalg.fill ins(%{{.*}} : i2) outs(%{{.*}} : tensor<3x3xi2>)
// CHECK: %[[S0:.*]] = tensor.empty() : tensor<6x3xi1>
// CHECK-DAG: %[[T:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[N:.*]] = arith.constant 3 : index
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[STEP:.*]] = %{{.*}} to %[[T]] step %{{.*}} iter_args(%[[M:.*]] = %[[M0]], %[[S:.*]] = %[[S0]]) -> (tensor<3x3xi2>, tensor<6x3xi1>)
// CHECK:   %[[ROW:.*]] = arith.muli %[[STEP]], %[[N]] : index
// CHECK:   %[[CUR:.*]] = tensor.extract_slice %[[IN]][%[[ROW]], 0] [3, 3] [1, 1]
// CHECK:   %[[SLOT:.*]] = tensor.extract_slice %[[S]][%[[ROW]], 0] [3, 3] [1, 1]
// CHECK:   %[[NEXT:.*]]:2 = linalg.generic {{.*}} ins(%[[CUR]] : tensor<3x3xi64>) outs(%[[M]], %[[SLOT]] : tensor<3x3xi2>, tensor<3x3xi1>)
// CHECK:   ^bb0(%[[I:.*]]: i64, %[[MV:.*]]: i2, %{{.*}}: i1):
// CHECK:     %[[MW:.*]] = arith.extsi %[[MV]] : i2 to i64
// CHECK:     %[[DEC:.*]] = arith.muli %[[TAU]], %[[MW]] : i64
// CHECK:     %[[G:.*]] = arith.addi %[[DEC]], %[[I]] : i64
// CHECK:     %[[HALF:.*]] = arith.addi %[[G]], %[[TAU]] : i64
// CHECK:     %[[SH:.*]] = arith.shrsi %[[HALF]], %[[F]] : i64
// CHECK:     %[[C1:.*]] = arith.minsi %[[SH]], %[[L]] : i64
// CHECK:     %[[R:.*]] = arith.maxsi %[[C1]], %[[NL]] : i64
// CHECK:     %[[FIRE:.*]] = arith.cmpi sge, %[[G]], %[[THETA]] : i64
// CHECK:     %[[KEPT:.*]] = arith.select %[[FIRE]], %[[ZERO]], %[[R]] : i64
// CHECK:     %[[NM:.*]] = arith.trunci %[[KEPT]] : i64 to i2
// CHECK:     linalg.yield %[[NM]], %[[FIRE]] : i2, i1
// CHECK:   %[[INS:.*]] = tensor.insert_slice %[[NEXT]]#1 into %[[S]][%[[ROW]], 0] [3, 3] [1, 1]
// CHECK:   scf.yield %[[NEXT]]#0, %[[INS]] : tensor<3x3xi2>, tensor<6x3xi1>
// CHECK: return %[[LOOP]]#1 : tensor<6x3xi1>
func.func @ilif_full(%g: tensor<6x3xi64>) -> tensor<6x3xi1> {
  %s = qsnn.ilif %g {time_steps = 2, frac_bits = 4, tau_q = 8, threshold = 40, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<6x3xi64> -> tensor<6x3xi1>
  return %s : tensor<6x3xi1>
}

// -----

// fire_on = quantized compares the clamped, rounded membrane (theta_m = 2);
// L = 127 needs an i8 state.
// CHECK-LABEL: func.func @ilif_quantized
// CHECK-DAG: %[[THETA:.*]] = arith.constant 2 : i64
// CHECK-DAG: %[[F:.*]] = arith.constant 3 : i64
// CHECK-DAG: %[[L:.*]] = arith.constant 127 : i64
// CHECK-DAG: %[[NL:.*]] = arith.constant -127 : i64
// CHECK: scf.for {{.*}} -> (tensor<1x2xi8>, tensor<4x2xi1>)
// CHECK:   ^bb0(%{{.*}}: i64, %[[MV:.*]]: i8, %{{.*}}: i1):
// CHECK:     arith.extsi %[[MV]] : i8 to i64
// CHECK:     %[[SH:.*]] = arith.shrsi %{{.*}}, %[[F]] : i64
// CHECK:     %[[C1:.*]] = arith.minsi %[[SH]], %[[L]] : i64
// CHECK:     %[[R:.*]] = arith.maxsi %[[C1]], %[[NL]] : i64
// CHECK:     %[[FIRE:.*]] = arith.cmpi sge, %[[R]], %[[THETA]] : i64
// CHECK:     %[[KEPT:.*]] = arith.select %[[FIRE]], %{{.*}}, %[[R]] : i64
// CHECK:     arith.trunci %[[KEPT]] : i64 to i8
func.func @ilif_quantized(%g: tensor<4x2xi64>) -> tensor<4x2xi1> {
  %s = qsnn.ilif %g {time_steps = 4, frac_bits = 3, tau_q = 4, threshold = 2, levels = 127, fire_on = #qsnn<fire_on quantized>} : tensor<4x2xi64> -> tensor<4x2xi1>
  return %s : tensor<4x2xi1>
}

// -----

// z[n, k] = sum_t g[t*N + n, k], no division.
// CHECK-LABEL: func.func @ireadout
// CHECK: %[[STEPS:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [3, 2, 4] : tensor<6x4xi64> into tensor<3x2x4xi64>
// CHECK: %[[INIT:.*]] = linalg.fill {{.*}} -> tensor<2x4xi64>
// CHECK: %[[Z:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[STEPS]] : tensor<3x2x4xi64>) outs(%[[INIT]] : tensor<2x4xi64>)
// CHECK:   arith.addi %{{.*}}, %{{.*}} : i64
// CHECK-NOT: arith.divsi
// CHECK: return %[[Z]]
func.func @ireadout(%g: tensor<6x4xi64>) -> tensor<2x4xi64> {
  %z = qsnn.ireadout %g {time_steps = 3, frac_bits = 20} : tensor<6x4xi64> -> tensor<2x4xi64>
  return %z : tensor<2x4xi64>
}

// -----

// Max pooling of spikes: the OR of the window over a false-padded input.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-LABEL: func.func @max_pool_spikes
// CHECK: %[[FALSE:.*]] = arith.constant false
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK:   tensor.yield %[[FALSE]] : i1
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[FALSE]] : i1) outs(%{{.*}} : tensor<2x3x2x2xi1>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PAD]], %{{.*}} : tensor<2x3x5x5xi1>, tensor<3x3xi1>) outs(%[[INIT]] : tensor<2x3x2x2xi1>)
// CHECK:   arith.ori %{{.*}}, %{{.*}} : i1
func.func @max_pool_spikes(%s: tensor<2x3x4x4xi1>) -> tensor<2x3x2x2xi1> {
  %m = qsnn.max_pool2d %s {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>} : tensor<2x3x4x4xi1> -> tensor<2x3x2x2xi1>
  return %m : tensor<2x3x2x2xi1>
}

// -----

// A ceil-mode window reaching past the input reads zero padding.
// CHECK-LABEL: func.func @max_pool_spikes_ceil
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: } : tensor<1x1x3x3xi1> to tensor<1x1x4x4xi1>
// CHECK: arith.ori
func.func @max_pool_spikes_ceil(%s: tensor<1x1x3x3xi1>) -> tensor<1x1x2x2xi1> {
  %m = qsnn.max_pool2d %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : tensor<1x1x3x3xi1> -> tensor<1x1x2x2xi1>
  return %m : tensor<1x1x2x2xi1>
}

// -----

// encode, add and flatten keep their integer element types.
// CHECK-LABEL: func.func @structure
// CHECK: %[[REP:.*]] = linalg.broadcast ins(%{{.*}} : tensor<1x2x2x2xi16>) outs(%{{.*}} : tensor<2x1x2x2x2xi16>) dimensions = [0]
// CHECK: %[[E:.*]] = tensor.collapse_shape %[[REP]] {{\[}}[0, 1], [2], [3], [4]] : tensor<2x1x2x2x2xi16> into tensor<2x2x2x2xi16>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x8xi64>)
// CHECK:   arith.addi %{{.*}}, %{{.*}} : i64
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : tensor<2x2x2x2xi1> into tensor<2x8xi1>
// CHECK: return %[[E]], %[[SUM]], %[[F]]
func.func @structure(%x: tensor<1x2x2x2xi16>, %a: tensor<2x8xi64>, %b: tensor<2x8xi64>, %s: tensor<2x2x2x2xi1>) -> (tensor<2x2x2x2xi16>, tensor<2x8xi64>, tensor<2x8xi1>) {
  %e = qsnn.encode %x {time_steps = 2} : tensor<1x2x2x2xi16> -> tensor<2x2x2x2xi16>
  %sum = qsnn.add %a, %b : tensor<2x8xi64>
  %f = qsnn.flatten %s : tensor<2x2x2x2xi1> -> tensor<2x8xi1>
  return %e, %sum, %f : tensor<2x2x2x2xi16>, tensor<2x8xi64>, tensor<2x8xi1>
}
