// A small Q-SNN through every float-level op family: normalize, encode,
// conv (padding), LIF (k = 2), average pooling (border divisors), global
// average pooling, flatten, linear, readout. For the pixels p = 3 * i
// (i = 0..15, row-major) the logits are [0, 4.1666665] (checked against a
// NumPy float32 reference of docs/spec.md §3).
module attributes {qsnn.time_steps = 2 : i64, qsnn.input_kind = "static",
                   qsnn.model_name = "tiny", qsnn.class_names = ["cat", "dog"]} {
  func.func @forward(%p: tensor<1x1x4x4xui8> {qsnn.name = "pixels"})
      -> (tensor<1x2xf32> {qsnn.name = "logits"}) {
    %x = qsnn.normalize %p {zero_point = array<i64: 10>, scale = array<f64: 0.5>} : tensor<1x1x4x4xui8> -> tensor<1x1x4x4xf32>
    %e = qsnn.encode %x {time_steps = 2} : tensor<1x1x4x4xf32> -> tensor<2x1x4x4xf32>
    %w = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
    %s = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
    %c = qsnn.conv2d binary %e, %w scale %s {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<2x2x4x4xf32>
    %l = qsnn.lif %c {time_steps = 2, membrane_bits = 2, alpha_u = 2.0} : tensor<2x2x4x4xf32>
    %a = qsnn.avg_pool2d %l {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : tensor<2x2x4x4xf32> -> tensor<2x2x2x2xf32>
    %g = qsnn.global_avg_pool %a : tensor<2x2x2x2xf32> -> tensor<2x2x1x1xf32>
    %f = qsnn.flatten %g : tensor<2x2x1x1xf32> -> tensor<2x2xf32>
    %wl = arith.constant dense<[[1.0, -1.0], [2.0, 3.0]]> : tensor<2x2xf32>
    %y = qsnn.linear float %f, %wl : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    %r = qsnn.readout %y {time_steps = 2} : tensor<2x2xf32> -> tensor<1x2xf32>
    return %r : tensor<1x2xf32>
  }
}
