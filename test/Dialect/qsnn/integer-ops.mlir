// Every integer-level qsnn op parses, prints and re-parses in custom and
// generic form.
// RUN: qsnn-opt %s | qsnn-opt | FileCheck %s
// RUN: qsnn-opt %s --mlir-print-op-generic | qsnn-opt | FileCheck %s
// RUN: qsnn-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @first_layer
// CHECK: qsnn.icenter %{{.*}} {zero_point = array<i64: 73>} : tensor<2x1x6x6xui8> -> tensor<2x1x6x6xi16>
// CHECK: qsnn.iconv2d %{{.*}}, %{{.*}} {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x6x6xi16>, tensor<4x1x3x3xi8>) -> tensor<2x4x6x6xi32>
// CHECK: qsnn.iaffine %{{.*}} {bias = array<i64: -5, 0, 5, 9>, frac_bits = 37 : i64, multiplier = array<i64: 8388608, -1, 2, 3>} : tensor<2x4x6x6xi32> -> tensor<2x4x6x6xi64>
// CHECK: qsnn.encode %{{.*}} {time_steps = 2 : i64} : tensor<2x4x6x6xi64> -> tensor<4x4x6x6xi64>
// CHECK: qsnn.ilif %{{.*}} {fire_on = #qsnn<fire_on full>, frac_bits = 37 : i64, levels = 1 : i64, tau_q = 68719476736 : i64, threshold = 232724973494 : i64, time_steps = 2 : i64} : tensor<4x4x6x6xi64> -> tensor<4x4x6x6xi1>
// GENERIC-LABEL: sym_name = "first_layer"
// GENERIC: "qsnn.icenter"(%{{.*}}) <{zero_point = array<i64: 73>}>
// GENERIC: "qsnn.iconv2d"(%{{.*}}, %{{.*}}) <{dilations = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 1, 1, 1>, per_input_channel = false, strides = array<i64: 1, 1>}>
// GENERIC: "qsnn.iaffine"(%{{.*}}) <{bias = array<i64: -5, 0, 5, 9>, frac_bits = 37 : i64, multiplier = array<i64: 8388608, -1, 2, 3>, per_input_channel = false}>
// GENERIC: "qsnn.ilif"(%{{.*}}) <{fire_on = #qsnn<fire_on full>, frac_bits = 37 : i64, levels = 1 : i64, tau_q = 68719476736 : i64, threshold = 232724973494 : i64, time_steps = 2 : i64}>
func.func @first_layer(%p: tensor<2x1x6x6xui8>) -> tensor<4x4x6x6xi1> {
  %w = arith.constant dense<-3> : tensor<4x1x3x3xi8>
  %x = qsnn.icenter %p {zero_point = array<i64: 73>} : tensor<2x1x6x6xui8> -> tensor<2x1x6x6xi16>
  %c = qsnn.iconv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x1x6x6xi16>, tensor<4x1x3x3xi8>) -> tensor<2x4x6x6xi32>
  %g = qsnn.iaffine %c {multiplier = array<i64: 8388608, -1, 2, 3>, bias = array<i64: -5, 0, 5, 9>, frac_bits = 37} : tensor<2x4x6x6xi32> -> tensor<2x4x6x6xi64>
  %e = qsnn.encode %g {time_steps = 2} : tensor<2x4x6x6xi64> -> tensor<4x4x6x6xi64>
  %s = qsnn.ilif %e {time_steps = 2, frac_bits = 37, tau_q = 68719476736, threshold = 232724973494, levels = 1, fire_on = #qsnn<fire_on full>} : tensor<4x4x6x6xi64> -> tensor<4x4x6x6xi1>
  return %s : tensor<4x4x6x6xi1>
}

// CHECK-LABEL: func @hidden_and_readout
// CHECK: qsnn.isum_pool2d %{{.*}} {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<4x4x6x6xi1> -> tensor<4x4x3x3xi32>
// CHECK: qsnn.iconv2d %{{.*}}, %{{.*}} {per_input_channel = true} : (tensor<4x4x3x3xi32>, tensor<2x4x1x1xi8>) -> tensor<4x2x4x3x3xi32>
// CHECK: qsnn.iaffine %{{.*}} {bias = array<i64: 1, 2>, frac_bits = 20 : i64, multiplier = array<i64: 1, 2, 3, 4, 5, 6, 7, 8>, per_input_channel = true} : tensor<4x2x4x3x3xi32> -> tensor<4x2x3x3xi64>
// CHECK: qsnn.add %{{.*}}, %{{.*}} : tensor<4x2x3x3xi64>
// CHECK: qsnn.ilif %{{.*}} {fire_on = #qsnn<fire_on quantized>, {{.*}}} : tensor<4x2x3x3xi64> -> tensor<4x2x3x3xi1>
// CHECK: qsnn.max_pool2d %{{.*}} {kernel = array<i64: 3, 3>, strides = array<i64: 3, 3>} : tensor<4x2x3x3xi1> -> tensor<4x2x1x1xi1>
// CHECK: qsnn.flatten %{{.*}} : tensor<4x2x1x1xi1> -> tensor<4x2xi1>
// CHECK: qsnn.ilinear %{{.*}}, %{{.*}} : (tensor<4x2xi1>, tensor<3x2xi8>) -> tensor<4x3xi32>
// CHECK: qsnn.ireadout %{{.*}} {frac_bits = 24 : i64, time_steps = 2 : i64} : tensor<4x3xi64> -> tensor<2x3xi64>
// GENERIC-LABEL: sym_name = "hidden_and_readout"
// GENERIC: "qsnn.isum_pool2d"(%{{.*}}) <{kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}>
// GENERIC: "qsnn.ilinear"(%{{.*}}, %{{.*}}) : (tensor<4x2xi1>, tensor<3x2xi8>) -> tensor<4x3xi32>
// GENERIC: "qsnn.ireadout"(%{{.*}}) <{frac_bits = 24 : i64, time_steps = 2 : i64}>
func.func @hidden_and_readout(%s: tensor<4x4x6x6xi1>, %shortcut: tensor<4x2x3x3xi64>) -> tensor<2x3xi64> {
  %w = arith.constant dense<1> : tensor<2x4x1x1xi8>
  %w2 = arith.constant dense<-1> : tensor<3x2xi8>
  %p = qsnn.isum_pool2d %s {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<4x4x6x6xi1> -> tensor<4x4x3x3xi32>
  %c = qsnn.iconv2d %p, %w {per_input_channel = true} : (tensor<4x4x3x3xi32>, tensor<2x4x1x1xi8>) -> tensor<4x2x4x3x3xi32>
  %g = qsnn.iaffine %c {multiplier = array<i64: 1, 2, 3, 4, 5, 6, 7, 8>, bias = array<i64: 1, 2>, frac_bits = 20, per_input_channel = true} : tensor<4x2x4x3x3xi32> -> tensor<4x2x3x3xi64>
  %j = qsnn.add %g, %shortcut : tensor<4x2x3x3xi64>
  %t = qsnn.ilif %j {time_steps = 2, frac_bits = 20, tau_q = 524288, threshold = 3, levels = 7, fire_on = #qsnn<fire_on quantized>} : tensor<4x2x3x3xi64> -> tensor<4x2x3x3xi1>
  %m = qsnn.max_pool2d %t {kernel = array<i64: 3, 3>, strides = array<i64: 3, 3>} : tensor<4x2x3x3xi1> -> tensor<4x2x1x1xi1>
  %f = qsnn.flatten %m : tensor<4x2x1x1xi1> -> tensor<4x2xi1>
  %l = qsnn.ilinear %f, %w2 : (tensor<4x2xi1>, tensor<3x2xi8>) -> tensor<4x3xi32>
  %a = qsnn.iaffine %l {multiplier = array<i64: 9, 9, 9>, bias = array<i64: 0, 0, 0>, frac_bits = 24} : tensor<4x3xi32> -> tensor<4x3xi64>
  %z = qsnn.ireadout %a {time_steps = 2, frac_bits = 24} : tensor<4x3xi64> -> tensor<2x3xi64>
  return %z : tensor<2x3xi64>
}
