// Not a Q-SNN (no qsnn.time_steps): runs on exactly these shapes.
func.func @forward(%a: tensor<2x3xf32>) -> tensor<1x6xf32> {
  %y = qsnn.flatten %a {axis = 0} : tensor<2x3xf32> -> tensor<1x6xf32>
  return %y : tensor<1x6xf32>
}
