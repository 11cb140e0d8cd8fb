// RUN: qsnn-opt %s --pass-pipeline='builtin.module(func.func(qsnn-schedule-time{schedule=step-major}))' -split-input-file -verify-diagnostics
// RUN: not qsnn-opt %s --pass-pipeline='builtin.module(func.func(qsnn-schedule-time{schedule=diagonal}))' -split-input-file 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// UNKNOWN: qsnn-schedule-time: unknown schedule 'diagonal' (layer-major or step-major)

// LIFs with different T cannot share one loop.
// expected-error @+1 {{qsnn-schedule-time: step-major needs an integer-level network whose LIFs share one T}}
func.func @mixed_steps(%a: tensor<1x4xi64>, %b: tensor<1x4xi64>) -> (tensor<2x4xi1>, tensor<3x4xi1>) {
  %e = qsnn.encode %a {time_steps = 2 : i64} : tensor<1x4xi64> -> tensor<2x4xi64>
  %s = qsnn.ilif %e {fire_on = #qsnn<fire_on full>, frac_bits = 4 : i64, levels = 1 : i64, tau_q = 8 : i64, threshold = 16 : i64, time_steps = 2 : i64} : tensor<2x4xi64> -> tensor<2x4xi1>
  %f = qsnn.encode %b {time_steps = 3 : i64} : tensor<1x4xi64> -> tensor<3x4xi64>
  %t = qsnn.ilif %f {fire_on = #qsnn<fire_on full>, frac_bits = 4 : i64, levels = 1 : i64, tau_q = 8 : i64, threshold = 16 : i64, time_steps = 3 : i64} : tensor<3x4xi64> -> tensor<3x4xi1>
  return %s, %t : tensor<2x4xi1>, tensor<3x4xi1>
}
