// A small Q-SNN at the integer level (docs/spec.md §4), written by hand: pixel
// centering, an int8 convolution, a LIF (L = 1), sum pooling, a binary
// linear readout summed over T = 2 steps.
module attributes {qsnn.time_steps = 2 : i64, qsnn.input_kind = "static"} {
  func.func @forward(%p: tensor<1x1x4x4xui8> {qsnn.name = "pixels"})
      -> (tensor<1x2xi64> {qsnn.name = "logits"}) {
    %x = qsnn.icenter %p {zero_point = array<i64: 10>} : tensor<1x1x4x4xui8> -> tensor<1x1x4x4xi16>
    %w = arith.constant dense<[[[[1, 2, 1], [0, 3, 0], [-1, -2, -1]]], [[[5, 0, -5], [7, 0, -7], [5, 0, -5]]]]> : tensor<2x1x3x3xi8>
    %c = qsnn.iconv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xi16>, tensor<2x1x3x3xi8>) -> tensor<1x2x4x4xi32>
    %g = qsnn.iaffine %c {multiplier = array<i64: 96, 64>, bias = array<i64: 20, -10>, frac_bits = 7} : tensor<1x2x4x4xi32> -> tensor<1x2x4x4xi64>
    %e = qsnn.encode %g {time_steps = 2} : tensor<1x2x4x4xi64> -> tensor<2x2x4x4xi64>
    %s = qsnn.ilif %e {time_steps = 2, frac_bits = 7, tau_q = 64, threshold = 128, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<2x2x4x4xi64> -> tensor<2x2x4x4xi1> loc("lif1")
    %q = qsnn.isum_pool2d %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x2x4x4xi1> -> tensor<2x2x2x2xi32>
    %f = qsnn.flatten %q : tensor<2x2x2x2xi32> -> tensor<2x8xi32>
    %wl = arith.constant dense<[[1, -1, 1, -1, 1, 1, -1, -1], [-1, -1, 1, 1, 1, -1, 1, -1]]> : tensor<2x8xi8>
    %y = qsnn.ilinear %f, %wl : (tensor<2x8xi32>, tensor<2x8xi8>) -> tensor<2x2xi32>
    %a = qsnn.iaffine %y {multiplier = array<i64: 3, 5>, bias = array<i64: 1, -2>, frac_bits = 9} : tensor<2x2xi32> -> tensor<2x2xi64>
    %z = qsnn.ireadout %a {time_steps = 2, frac_bits = 9} : tensor<2x2xi64> -> tensor<1x2xi64>
    return %z : tensor<1x2xi64>
  }
}
