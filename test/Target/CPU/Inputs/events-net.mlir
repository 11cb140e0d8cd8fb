// Event frames [T = 2, N = 3, 2] merged to [T*N, 2], with the batch
// dimension of the input given explicitly (qsnn.batch_dim = 1).
module attributes {qsnn.time_steps = 2 : i64, qsnn.input_kind = "events"} {
  func.func @forward(%x: tensor<2x3x2xf32> {qsnn.name = "events", qsnn.batch_dim = 1 : i64})
      -> (tensor<3x2xf32> {qsnn.name = "logits"}) {
    %m = tensor.collapse_shape %x [[0, 1], [2]] : tensor<2x3x2xf32> into tensor<6x2xf32>
    %r = qsnn.readout %m {time_steps = 2} : tensor<6x2xf32> -> tensor<3x2xf32>
    return %r : tensor<3x2xf32>
  }
}
