// RUN: qsnn-opt %s --pass-pipeline='builtin.module(func.func(qsnn-schedule-time{schedule=step-major}))' | FileCheck %s
// RUN: qsnn-opt %s --pass-pipeline='builtin.module(func.func(qsnn-schedule-time))' | FileCheck %s --check-prefix=LAYER

// Step-major: the first layer (before the encode) stays outside; inside one
// loop over the 2 steps every layer advances one step on [N, ...] = [1, ...]
// tensors, each LIF carries its i2 state, the readout sums its currents.
// CHECK-LABEL: func @two_layers
// CHECK: %[[A:.*]] = qsnn.iaffine %{{.*}} : tensor<1x2x4x4xi32> -> tensor<1x2x4x4xi64>
// CHECK-NOT: qsnn.encode
// CHECK: %[[S0:.*]] = linalg.fill {{.*}} -> tensor<1x2x4x4xi2>
// CHECK: %[[R:.*]]:2 = scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args(%[[M:.*]] = %[[S0]], %[[Z:.*]] = %{{.*}}) -> (tensor<1x2x4x4xi2>, tensor<1x3xi64>)
// CHECK:   %[[SP:.*]], %[[NEXT:.*]] = qsnn.ilif_step %[[A]], %[[M]] {{.*}} : (tensor<1x2x4x4xi64>, tensor<1x2x4x4xi2>) -> (tensor<1x2x4x4xi1>, tensor<1x2x4x4xi2>)
// CHECK:   %[[F:.*]] = qsnn.flatten %[[SP]] : tensor<1x2x4x4xi1> -> tensor<1x32xi1>
// CHECK:   %[[C:.*]] = qsnn.ilinear %[[F]], %{{.*}} -> tensor<1x3xi32>
// CHECK:   %[[G:.*]] = qsnn.iaffine %[[C]] {{.*}} -> tensor<1x3xi64>
// CHECK:   %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<1x3xi64>) outs(%[[Z]] : tensor<1x3xi64>)
// CHECK:   scf.yield %[[NEXT]], %[[SUM]]
// CHECK: %[[OUT:.*]] = qsnn.ireadout %[[R]]#1 {frac_bits = 4 : i64, time_steps = 1 : i64} : tensor<1x3xi64> -> tensor<1x3xi64>
// CHECK: return %[[OUT]]
// LAYER-LABEL: func @two_layers
// LAYER-NOT: scf.for
// LAYER: qsnn.ilif
func.func @two_layers(%p: tensor<1x1x4x4xui8>) -> tensor<1x3xi64> {
  %x = qsnn.icenter %p {zero_point = array<i64: 3>} : tensor<1x1x4x4xui8> -> tensor<1x1x4x4xi16>
  %w = arith.constant dense<2> : tensor<2x1x1x1xi8>
  %c = qsnn.iconv2d %x, %w : (tensor<1x1x4x4xi16>, tensor<2x1x1x1xi8>) -> tensor<1x2x4x4xi32>
  %a = qsnn.iaffine %c {multiplier = array<i64: 3, 5>, bias = array<i64: 1, 2>, frac_bits = 4 : i64} : tensor<1x2x4x4xi32> -> tensor<1x2x4x4xi64>
  %e = qsnn.encode %a {time_steps = 2 : i64} : tensor<1x2x4x4xi64> -> tensor<2x2x4x4xi64>
  %s = qsnn.ilif %e {fire_on = #qsnn<fire_on full>, frac_bits = 4 : i64, levels = 1 : i64, tau_q = 8 : i64, threshold = 16 : i64, time_steps = 2 : i64} : tensor<2x2x4x4xi64> -> tensor<2x2x4x4xi1>
  %f = qsnn.flatten %s : tensor<2x2x4x4xi1> -> tensor<2x32xi1>
  %wl = arith.constant dense<1> : tensor<3x32xi8>
  %l = qsnn.ilinear %f, %wl : (tensor<2x32xi1>, tensor<3x32xi8>) -> tensor<2x3xi32>
  %g = qsnn.iaffine %l {multiplier = array<i64: 1, 1, 1>, bias = array<i64: 0, 0, 0>, frac_bits = 4 : i64} : tensor<2x3xi32> -> tensor<2x3xi64>
  %z = qsnn.ireadout %g {frac_bits = 4 : i64, time_steps = 2 : i64} : tensor<2x3xi64> -> tensor<1x3xi64>
  return %z : tensor<1x3xi64>
}

