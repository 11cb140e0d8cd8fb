// RUN: qsnn-opt %s -split-input-file -verify-diagnostics

func.func @words(%s: tensor<1x70x4x4xi1>, %w: tensor<1x1x1x8xi64>) -> tensor<1x8x4x4xi32> {
  // expected-error @below {{70 input channels need 2 words of 64 bits, the weights have 1}}
  %c = qsnn.bconv2d %s, %w {planes = 1 : i64} : (tensor<1x70x4x4xi1>, tensor<1x1x1x8xi64>) -> tensor<1x8x4x4xi32>
  return %c : tensor<1x8x4x4xi32>
}

// -----

func.func @planes(%s: tensor<1x3x4x4xi1>, %w: tensor<1x1x1x16xi8>) -> tensor<1x2x4x4xi32> {
  // expected-error @below {{spike (i1) input has one bit plane, not 3}}
  %c = qsnn.bconv2d %s, %w {planes = 3 : i64} : (tensor<1x3x4x4xi1>, tensor<1x1x1x16xi8>) -> tensor<1x2x4x4xi32>
  return %c : tensor<1x2x4x4xi32>
}

// -----

func.func @shape(%s: tensor<1x3x4x4xi1>, %w: tensor<3x3x1x16xi8>) -> tensor<1x2x4x4xi32> {
  // expected-error @below {{result shape does not match the window over the input}}
  %c = qsnn.bconv2d %s, %w {planes = 1 : i64} : (tensor<1x3x4x4xi1>, tensor<3x3x1x16xi8>) -> tensor<1x2x4x4xi32>
  return %c : tensor<1x2x4x4xi32>
}

// -----

func.func @outputs(%s: tensor<1x3x4x4xi1>, %w: tensor<1x1x1x16xi8>) -> tensor<1x20x4x4xi32> {
  // expected-error @below {{packed weights cover 16 output channels, the result has 20}}
  %c = qsnn.bconv2d %s, %w {planes = 1 : i64} : (tensor<1x3x4x4xi1>, tensor<1x1x1x16xi8>) -> tensor<1x20x4x4xi32>
  return %c : tensor<1x20x4x4xi32>
}
