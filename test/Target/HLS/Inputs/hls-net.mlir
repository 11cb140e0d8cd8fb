// A small integer-level Q-SNN for the HLS tests (docs/spec.md §4), written by
// hand: centered pixels into an int8 convolution, a LIF firing on the full
// current (L = 1), a binary convolution on spikes joined with an identity
// shortcut, a LIF firing on the quantized membrane (L = 7, 4-bit state),
// max and sum pooling, an int8 linear readout summed over T = 2 steps.
module attributes {qsnn.time_steps = 2 : i64, qsnn.input_kind = "static"} {
  func.func @forward(%p: tensor<1x1x6x6xui8> {qsnn.name = "pixels"})
      -> (tensor<1x3xi64> {qsnn.name = "logits"}) {
    %x = qsnn.icenter %p {zero_point = array<i64: 100>} : tensor<1x1x6x6xui8> -> tensor<1x1x6x6xi16>
    %w1 = arith.constant dense<[[[[1, 2, 1], [0, 3, 0], [-1, -2, -1]]], [[[5, 0, -5], [7, 0, -7], [5, 0, -5]]]]> : tensor<2x1x3x3xi8>
    %c1 = qsnn.iconv2d %x, %w1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x1x6x6xi16>, tensor<2x1x3x3xi8>) -> tensor<1x2x6x6xi32>
    %g1 = qsnn.iaffine %c1 {multiplier = array<i64: 1, 1>, bias = array<i64: 20, -10>, frac_bits = 7} : tensor<1x2x6x6xi32> -> tensor<1x2x6x6xi64>
    %e = qsnn.encode %g1 {time_steps = 2} : tensor<1x2x6x6xi64> -> tensor<2x2x6x6xi64>
    %s1 = qsnn.ilif %e {time_steps = 2, frac_bits = 7, tau_q = 64, threshold = 128, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<2x2x6x6xi64> -> tensor<2x2x6x6xi1> loc("lif1")
    %wb = arith.constant dense<[[[[1, -1, 1], [-1, 1, -1], [1, 1, -1]], [[-1, -1, 1], [1, 1, 1], [-1, 1, -1]]], [[[1, 1, 1], [-1, -1, -1], [1, -1, 1]], [[1, -1, -1], [1, 1, -1], [-1, 1, 1]]]]> : tensor<2x2x3x3xi8>
    %c2 = qsnn.iconv2d %s1, %wb {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x2x6x6xi1>, tensor<2x2x3x3xi8>) -> tensor<2x2x6x6xi32>
    %g2 = qsnn.iaffine %c2 {multiplier = array<i64: 100, 77>, bias = array<i64: -30, 12>, frac_bits = 8} : tensor<2x2x6x6xi32> -> tensor<2x2x6x6xi64>
    %id = qsnn.iaffine %s1 {multiplier = array<i64: 256, 256>, bias = array<i64: 0, 0>, frac_bits = 8} : tensor<2x2x6x6xi1> -> tensor<2x2x6x6xi64>
    %j = qsnn.add %g2, %id : tensor<2x2x6x6xi64>
    %s2 = qsnn.ilif %j {time_steps = 2, frac_bits = 8, tau_q = 128, threshold = 2, levels = 7, fire_on = #qsnn<fire_on quantized>} : tensor<2x2x6x6xi64> -> tensor<2x2x6x6xi1> loc("lif2")
    %m = qsnn.max_pool2d %s2 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x2x6x6xi1> -> tensor<2x2x3x3xi1>
    %q = qsnn.isum_pool2d %m {kernel = array<i64: 3, 3>, strides = array<i64: 3, 3>} : tensor<2x2x3x3xi1> -> tensor<2x2x1x1xi32>
    %f = qsnn.flatten %q : tensor<2x2x1x1xi32> -> tensor<2x2xi32>
    %wl = arith.constant dense<[[3, -2], [-5, 7], [1, 1]]> : tensor<3x2xi8>
    %y = qsnn.ilinear %f, %wl : (tensor<2x2xi32>, tensor<3x2xi8>) -> tensor<2x3xi32>
    %a = qsnn.iaffine %y {multiplier = array<i64: 3, 5, 7>, bias = array<i64: 1, -2, 0>, frac_bits = 4} : tensor<2x3xi32> -> tensor<2x3xi64>
    %z = qsnn.ireadout %a {time_steps = 2, frac_bits = 4} : tensor<2x3xi64> -> tensor<1x3xi64>
    return %z : tensor<1x3xi64>
  }
}
