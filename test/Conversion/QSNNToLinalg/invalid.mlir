// RUN: qsnn-opt %s --convert-qsnn-to-linalg --split-input-file -verify-diagnostics

// Loop bounds, slices and divisors need every extent.
func.func @dynamic_batch(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{convert-qsnn-to-linalg needs static shapes; import the model with a fixed batch size}}
  %s = qsnn.lif %x {time_steps = 2, membrane_bits = 32} : tensor<?x3xf32>
  return %s : tensor<?x3xf32>
}

// -----

func.func @dynamic_pool(%x: tensor<1x1x?x4xf32>) -> tensor<1x1x?x2xf32> {
  // expected-error @+1 {{convert-qsnn-to-linalg needs static shapes}}
  %y = qsnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x1x?x4xf32> -> tensor<1x1x?x2xf32>
  return %y : tensor<1x1x?x2xf32>
}
