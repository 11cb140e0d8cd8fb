// RUN: qsnn-opt %s --convert-qsnn-to-linalg --cse --split-input-file | FileCheck %s

// T = 2 steps of N = 3 rows. fire_on = full, k = 2 signed: L = 2^(2-1) - 1 = 1, alpha = 2, so
// Q(x) = round(clip(x / 2, -1, 1) * 1) * (2 / 1). Each step fires on the
// full-precision h, then quantizes the kept membrane.
// CHECK-LABEL: func.func @lif_full_k2
// CHECK-SAME: (%[[IN:.*]]: tensor<6x3xf32>) -> tensor<6x3xf32>
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[TAU:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[U0:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<3x3xf32>)
// CHECK: %[[S0:.*]] = tensor.empty() : tensor<6x3xf32>
// CHECK-DAG: %[[T:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[N:.*]] = arith.constant 3 : index
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[STEP:.*]] = %{{.*}} to %[[T]] step %{{.*}} iter_args(%[[U:.*]] = %[[U0]], %[[S:.*]] = %[[S0]])
// CHECK:   %[[ROW:.*]] = arith.muli %[[STEP]], %[[N]] : index
// CHECK:   %[[CUR:.*]] = tensor.extract_slice %[[IN]][%[[ROW]], 0] [3, 3] [1, 1]
// CHECK:   %[[SLOT:.*]] = tensor.extract_slice %[[S]][%[[ROW]], 0] [3, 3] [1, 1]
// CHECK:   %[[NEXT:.*]]:2 = linalg.generic {{.*}} ins(%[[CUR]] : tensor<3x3xf32>) outs(%[[U]], %[[SLOT]] : tensor<3x3xf32>, tensor<3x3xf32>)
// CHECK:   ^bb0(%[[I:.*]]: f32, %[[UU:.*]]: f32, %{{.*}}: f32):
// CHECK:     %[[DEC:.*]] = arith.mulf %[[UU]], %[[TAU]] : f32
// CHECK:     %[[H:.*]] = arith.addf %[[DEC]], %[[I]] : f32
// CHECK:     %[[FIRE:.*]] = arith.cmpf oge, %[[H]], %[[ONE]] : f32
// CHECK:     %[[SPIKE:.*]] = arith.select %[[FIRE]], %[[ONE]], %[[ZERO]] : f32
// CHECK:     %[[KEPT:.*]] = arith.select %[[FIRE]], %[[ZERO]], %[[H]] : f32
// CHECK:     %[[R:.*]] = arith.divf %[[KEPT]], %[[ALPHA]] : f32
// CHECK:     %[[C1:.*]] = arith.maximumf %[[R]], %[[LO]] : f32
// CHECK:     %[[C2:.*]] = arith.minimumf %[[C1]], %[[ONE]] : f32
// CHECK:     %[[M:.*]] = arith.mulf %[[C2]], %[[ONE]] : f32
// CHECK:     %[[RD:.*]] = math.roundeven %[[M]] : f32
// CHECK:     %[[Q:.*]] = arith.mulf %[[RD]], %[[ALPHA]] : f32
// CHECK:     linalg.yield %[[Q]], %[[SPIKE]] : f32, f32
// CHECK:   %[[INS:.*]] = tensor.insert_slice %[[NEXT]]#1 into %[[S]][%[[ROW]], 0] [3, 3] [1, 1]
// CHECK:   scf.yield %[[NEXT]]#0, %[[INS]]
// CHECK: return %[[LOOP]]#1
func.func @lif_full_k2(%x: tensor<6x3xf32>) -> tensor<6x3xf32> {
  %s = qsnn.lif %x {time_steps = 2, membrane_bits = 2, alpha_u = 2.0} : tensor<6x3xf32>
  return %s : tensor<6x3xf32>
}

// -----

// fire_on = quantized, k = 2 paper levels: L = 2^2 - 1 = 3, alpha = 1.5,
// step alpha / L = 0.5; tau = 0.25 and threshold = 0.75 come through. The
// threshold compares the quantized value, which is also what is kept.
// CHECK-LABEL: func.func @lif_quantized_paper
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 1.500000e+00 : f32
// CHECK-DAG: %[[L:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[STEPQ:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[TAU:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: %[[THETA:.*]] = arith.constant 7.500000e-01 : f32
// CHECK-DAG: %[[T:.*]] = arith.constant 3 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[T]]
// CHECK:   linalg.generic
// CHECK:     %[[DEC:.*]] = arith.mulf %{{.*}}, %[[TAU]] : f32
// CHECK:     %[[H:.*]] = arith.addf %[[DEC]], %{{.*}} : f32
// CHECK:     %[[R:.*]] = arith.divf %[[H]], %[[ALPHA]] : f32
// CHECK:     %[[C1:.*]] = arith.maximumf %[[R]]
// CHECK:     %[[C2:.*]] = arith.minimumf %[[C1]]
// CHECK:     %[[M:.*]] = arith.mulf %[[C2]], %[[L]] : f32
// CHECK:     %[[RD:.*]] = math.roundeven %[[M]] : f32
// CHECK:     %[[Q:.*]] = arith.mulf %[[RD]], %[[STEPQ]] : f32
// CHECK:     %[[FIRE:.*]] = arith.cmpf oge, %[[Q]], %[[THETA]] : f32
// CHECK:     %[[SPIKE:.*]] = arith.select %[[FIRE]]
// CHECK:     %[[KEPT:.*]] = arith.select %[[FIRE]], %{{.*}}, %[[Q]] : f32
// CHECK:     linalg.yield %[[KEPT]], %[[SPIKE]] : f32, f32
func.func @lif_quantized_paper(%x: tensor<3x2x2xf32>) -> tensor<3x2x2xf32> {
  %s = qsnn.lif %x {time_steps = 3, membrane_bits = 2, levels = #qsnn<levels paper>, fire_on = #qsnn<fire_on quantized>, alpha_u = 1.5, tau = 0.25, threshold = 0.75} : tensor<3x2x2xf32>
  return %s : tensor<3x2x2xf32>
}

// -----

// k = 8 signed: L = 127, alpha / L = 1.0 / 127 rounded to f32.
// CHECK-LABEL: func.func @lif_k8
// CHECK-DAG: arith.constant 1.270000e+02 : f32
// CHECK-DAG: arith.constant 0.00787401571 : f32
// CHECK: math.roundeven
func.func @lif_k8(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s = qsnn.lif %x {time_steps = 2, membrane_bits = 8, alpha_u = 1.0} : tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

// k = 32: no quantizer at all; the kept membrane is the full-precision h.
// CHECK-LABEL: func.func @lif_unquantized
// CHECK: linalg.generic
// CHECK:   %[[H:.*]] = arith.addf
// CHECK:   %[[FIRE:.*]] = arith.cmpf oge, %[[H]]
// CHECK:   %[[SPIKE:.*]] = arith.select %[[FIRE]]
// CHECK:   %[[KEPT:.*]] = arith.select %[[FIRE]], %{{.*}}, %[[H]] : f32
// CHECK-NOT: math.roundeven
// CHECK:   linalg.yield %[[KEPT]], %[[SPIKE]] : f32, f32
func.func @lif_unquantized(%x: tensor<4x1x2x2xf32>) -> tensor<4x1x2x2xf32> {
  %s = qsnn.lif %x {time_steps = 4, membrane_bits = 32} : tensor<4x1x2x2xf32>
  return %s : tensor<4x1x2x2xf32>
}

// -----

// NIR dynamics (docs/spec.md §8.3): strict threshold 0.1, hard reset to
// v_reset = -0.5; the spikes are the result.
// CHECK-LABEL: func.func @lif_nir_strict_v_reset
// CHECK-DAG: %[[TAU:.*]] = arith.constant 0.959999978 : f32
// CHECK-DAG: %[[THETA:.*]] = arith.constant 1.000000e-01 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[VRESET:.*]] = arith.constant -5.000000e-01 : f32
// CHECK: scf.for
// CHECK:   linalg.generic
// CHECK:     %[[DEC:.*]] = arith.mulf %{{.*}}, %[[TAU]] : f32
// CHECK:     %[[H:.*]] = arith.addf %[[DEC]], %{{.*}} : f32
// CHECK:     %[[FIRE:.*]] = arith.cmpf ogt, %[[H]], %[[THETA]] : f32
// CHECK:     %[[SPIKE:.*]] = arith.select %[[FIRE]], %[[ONE]], %[[ZERO]] : f32
// CHECK:     %[[KEPT:.*]] = arith.select %[[FIRE]], %[[VRESET]], %[[H]] : f32
// CHECK:     linalg.yield %[[KEPT]], %[[SPIKE]] : f32, f32
func.func @lif_nir_strict_v_reset(%x: tensor<6x3xf32>) -> tensor<6x3xf32> {
  %s = qsnn.lif %x {time_steps = 2, membrane_bits = 32, tau = 0.96, threshold = 0.1, strict = true, v_reset = -0.5} : tensor<6x3xf32>
  return %s : tensor<6x3xf32>
}

// -----

// reset = subtract with the membrane as the result (>= threshold).
// CHECK-LABEL: func.func @lif_subtract_membrane
// CHECK-DAG: %[[THETA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:   linalg.generic
// CHECK:     %[[H:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK:     %[[FIRE:.*]] = arith.cmpf oge, %[[H]], %[[THETA]] : f32
// CHECK:     %[[SUB:.*]] = arith.select %[[FIRE]], %[[THETA]], %[[ZERO]] : f32
// CHECK:     %[[NEXT:.*]] = arith.subf %[[H]], %[[SUB]] : f32
// CHECK:     linalg.yield %[[NEXT]], %[[NEXT]] : f32, f32
func.func @lif_subtract_membrane(%x: tensor<6x3xf32>) -> tensor<6x3xf32> {
  %s = qsnn.lif %x {time_steps = 2, membrane_bits = 32, tau = 1.0, threshold = 2.0, reset = #qsnn<reset subtract>, emit_membrane = true} : tensor<6x3xf32>
  return %s : tensor<6x3xf32>
}

// -----

// reset = none: a leaky integrator; it never compares, the membrane is out.
// CHECK-LABEL: func.func @lif_leaky_integrator
// CHECK:   linalg.generic
// CHECK:     %[[DEC:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK:     %[[H:.*]] = arith.addf %[[DEC]], %{{.*}} : f32
// CHECK-NOT: arith.cmpf
// CHECK:     linalg.yield %[[H]], %[[H]] : f32, f32
func.func @lif_leaky_integrator(%x: tensor<6x3xf32>) -> tensor<6x3xf32> {
  %s = qsnn.lif %x {time_steps = 2, membrane_bits = 32, tau = 0.5, reset = #qsnn<reset none>, emit_membrane = true} : tensor<6x3xf32>
  return %s : tensor<6x3xf32>
}
