// A float-level Q-SNN whose LIF keeps full-precision membranes (k = 32):
// it has no integer form (docs/spec.md §4), so the CPU target runs it in float.
module attributes {qsnn.time_steps = 2 : i64, qsnn.input_kind = "static"} {
  func.func @forward(%p: tensor<1x1x2x2xui8>) -> tensor<1x2xf32> {
    %x = qsnn.normalize %p {zero_point = array<i64: 0>, scale = array<f64: 0.5>} : tensor<1x1x2x2xui8> -> tensor<1x1x2x2xf32>
    %e = qsnn.encode %x {time_steps = 2} : tensor<1x1x2x2xf32> -> tensor<2x1x2x2xf32>
    %f = qsnn.flatten %e : tensor<2x1x2x2xf32> -> tensor<2x4xf32>
    %w = arith.constant dense<1.0> : tensor<2x4xf32>
    %s = arith.constant dense<0.25> : tensor<2xf32>
    %y = qsnn.linear int8 %f, %w scale %s : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x2xf32>
    %l = qsnn.lif %y {time_steps = 2, membrane_bits = 32} : tensor<2x2xf32>
    %w2 = arith.constant dense<1.0> : tensor<2x2xf32>
    %o = qsnn.linear int8 %l, %w2 scale %s : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
    %r = qsnn.readout %o {time_steps = 2} : tensor<2x2xf32> -> tensor<1x2xf32>
    return %r : tensor<1x2xf32>
  }
}
