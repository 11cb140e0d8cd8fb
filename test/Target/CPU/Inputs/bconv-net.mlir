// A small integer-level Q-SNN with a binary convolution on 64 spike
// channels (one 64-bit word per pixel after qsnn-pack-bits), for the code a
// target generates for it: int8 conv -> LIF -> binary 3x3 conv -> LIF ->
// sum pool -> binary linear readout; 4 output channels of the binary
// convolution, padded to the lanes of one vector of 64-bit words, T = 2.
module attributes {qsnn.time_steps = 2 : i64, qsnn.input_kind = "static"} {
  func.func @forward(%p: tensor<1x1x8x8xui8> {qsnn.name = "pixels"})
      -> (tensor<1x3xi64> {qsnn.name = "logits"}) {
    %x = qsnn.icenter %p {zero_point = array<i64: 100>} : tensor<1x1x8x8xui8> -> tensor<1x1x8x8xi16>
    %w1 = arith.constant dense<3> : tensor<64x1x3x3xi8>
    %c1 = qsnn.iconv2d %x, %w1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x1x8x8xi16>, tensor<64x1x3x3xi8>) -> tensor<1x64x8x8xi32>
    %g1 = qsnn.iaffine %c1 {multiplier = array<i64: 10, 47, 84, 31, 68, 15, 52, 89, 36, 73, 20, 57, 94, 41, 78, 25, 62, 99, 46, 83, 30, 67, 14, 51, 88, 35, 72, 19, 56, 93, 40, 77, 24, 61, 98, 45, 82, 29, 66, 13, 50, 87, 34, 71, 18, 55, 92, 39, 76, 23, 60, 97, 44, 81, 28, 65, 12, 49, 86, 33, 70, 17, 54, 91>, bias = array<i64: -30, 23, 15, 7, -1, -9, -17, -25, 28, 20, 12, 4, -4, -12, -20, -28, 25, 17, 9, 1, -7, -15, -23, 30, 22, 14, 6, -2, -10, -18, -26, 27, 19, 11, 3, -5, -13, -21, -29, 24, 16, 8, 0, -8, -16, -24, 29, 21, 13, 5, -3, -11, -19, -27, 26, 18, 10, 2, -6, -14, -22, -30, 23, 15>, frac_bits = 7} : tensor<1x64x8x8xi32> -> tensor<1x64x8x8xi64>
    %e = qsnn.encode %g1 {time_steps = 2} : tensor<1x64x8x8xi64> -> tensor<2x64x8x8xi64>
    %s1 = qsnn.ilif %e {time_steps = 2, frac_bits = 7, tau_q = 64, threshold = 128, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<2x64x8x8xi64> -> tensor<2x64x8x8xi1> loc("lif1")
    %w2 = arith.constant dense<-1> : tensor<4x64x3x3xi8>
    %c2 = qsnn.iconv2d %s1, %w2 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x64x8x8xi1>, tensor<4x64x3x3xi8>) -> tensor<2x4x8x8xi32>
    %g2 = qsnn.iaffine %c2 {multiplier = array<i64: -1, -2, -3, -4>, bias = array<i64: 40, 41, 42, 43>, frac_bits = 2} : tensor<2x4x8x8xi32> -> tensor<2x4x8x8xi64>
    %s2 = qsnn.ilif %g2 {time_steps = 2, frac_bits = 2, tau_q = 2, threshold = 4, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<2x4x8x8xi64> -> tensor<2x4x8x8xi1> loc("lif2")
    %q = qsnn.isum_pool2d %s2 {kernel = array<i64: 4, 4>, strides = array<i64: 4, 4>} : tensor<2x4x8x8xi1> -> tensor<2x4x2x2xi32>
    %f = qsnn.flatten %q : tensor<2x4x2x2xi32> -> tensor<2x16xi32>
    %wl = arith.constant dense<1> : tensor<3x16xi8>
    %y = qsnn.ilinear %f, %wl : (tensor<2x16xi32>, tensor<3x16xi8>) -> tensor<2x3xi32>
    %a = qsnn.iaffine %y {multiplier = array<i64: 3, 5, 7>, bias = array<i64: 1, -2, 0>, frac_bits = 9} : tensor<2x3xi32> -> tensor<2x3xi64>
    %z = qsnn.ireadout %a {time_steps = 2, frac_bits = 9} : tensor<2x3xi64> -> tensor<1x3xi64>
    return %z : tensor<1x3xi64>
  }
}
