// The dialect's discardable attributes (QSNNBase.td) are type-checked
// wherever they appear, and the layer attribute round-trips in locations.
// RUN: qsnn-opt %s -split-input-file -verify-diagnostics
// RUN: qsnn-opt %s -split-input-file -verify-diagnostics -mlir-print-debuginfo 2>/dev/null | FileCheck %s

// CHECK: module attributes {qsnn.class_names = ["cat", "dog"], qsnn.input_kind = "events", qsnn.time_steps = 4 : i64}
// CHECK: func.func @tagged(%{{.*}}: tensor<2xi64> {qsnn.batch_dim = -1 : i64, qsnn.name = "x"}{{.*}}) -> (tensor<2xi64> {qsnn.name = "y"})
// CHECK: qsnn.add {{.*}} {qsnn.acc_bits = 33 : i64} : tensor<2xi64> loc([[LOC:#loc[0-9]+]])
// CHECK: [[LOC]] = loc(fused<#qsnn.layer<"L0_add", "qsnn.add (tensor<2xi64>)">>
module attributes {qsnn.time_steps = 4 : i64, qsnn.input_kind = "events", qsnn.class_names = ["cat", "dog"]} {
  func.func @tagged(%x: tensor<2xi64> {qsnn.name = "x", qsnn.batch_dim = -1 : i64}) -> (tensor<2xi64> {qsnn.name = "y"}) {
    %0 = qsnn.add %x, %x {qsnn.acc_bits = 33 : i64} : tensor<2xi64> loc(fused<#qsnn.layer<"L0_add", "qsnn.add (tensor<2xi64>)">>["add"])
    return %0 : tensor<2xi64>
  }
}

// -----

// expected-error @+1 {{attribute 'qsnn.time_steps' must be a positive integer}}
module attributes {qsnn.time_steps = 0 : i64} {}

// -----

// expected-error @+1 {{attribute 'qsnn.input_kind' must be "static" or "events"}}
module attributes {qsnn.input_kind = "video"} {}

// -----

// expected-error @+1 {{attribute 'qsnn.class_names' must be an array of strings}}
module attributes {qsnn.class_names = [1, 2]} {}

// -----

// expected-error @+1 {{unknown qsnn attribute 'qsnn.timesteps'}}
module attributes {qsnn.timesteps = 4 : i64} {}

// -----

func.func @acc_bits(%x: tensor<2xi64>) -> tensor<2xi64> {
  // expected-error @+1 {{attribute 'qsnn.acc_bits' must be an integer in [1, 128]}}
  %0 = qsnn.add %x, %x {qsnn.acc_bits = 0 : i64} : tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// expected-error @+1 {{attribute 'qsnn.batch_dim' must be an integer >= -1 (-1: no batch dimension)}}
func.func @batch_dim(%x: tensor<2xi64> {qsnn.batch_dim = -2 : i64}) -> tensor<2xi64> {
  return %x : tensor<2xi64>
}

// -----

// expected-error @+1 {{unknown qsnn argument or result attribute 'qsnn.names'}}
func.func @result_name(%x: tensor<2xi64>) -> (tensor<2xi64> {qsnn.names = "y"}) {
  return %x : tensor<2xi64>
}
