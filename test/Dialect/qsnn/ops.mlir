// Every qsnn op parses, prints and re-parses in custom and generic form.
// RUN: qsnn-opt %s | qsnn-opt | FileCheck %s
// RUN: qsnn-opt %s --mlir-print-op-generic | qsnn-opt | FileCheck %s
// RUN: qsnn-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @counts
// CHECK: qsnn.counts %{{.*}} : tensor<4x?x2x3x3xui8> -> tensor<4x?x2x3x3xf32>
// GENERIC-LABEL: sym_name = "counts"
// GENERIC: "qsnn.counts"(%{{.*}}) : (tensor<4x?x2x3x3xui8>) -> tensor<4x?x2x3x3xf32>
func.func @counts(%p: tensor<4x?x2x3x3xui8>) -> tensor<4x?x2x3x3xf32> {
  %0 = qsnn.counts %p : tensor<4x?x2x3x3xui8> -> tensor<4x?x2x3x3xf32>
  return %0 : tensor<4x?x2x3x3xf32>
}

// CHECK-LABEL: func @normalize
// CHECK: qsnn.normalize %{{.*}} {scale = array<f64: 1.000000e-02, 2.000000e-02>, zero_point = array<i64: 73, 0>} : tensor<?x2x8x8xui8> -> tensor<?x2x8x8xf32>
// GENERIC-LABEL: sym_name = "normalize"
// GENERIC: "qsnn.normalize"(%{{.*}}) <{scale = array<f64: 1.000000e-02, 2.000000e-02>, zero_point = array<i64: 73, 0>}> : (tensor<?x2x8x8xui8>) -> tensor<?x2x8x8xf32>
func.func @normalize(%p: tensor<?x2x8x8xui8>) -> tensor<?x2x8x8xf32> {
  %0 = qsnn.normalize %p {zero_point = array<i64: 73, 0>, scale = array<f64: 0.01, 0.02>} : tensor<?x2x8x8xui8> -> tensor<?x2x8x8xf32>
  return %0 : tensor<?x2x8x8xf32>
}

// CHECK-LABEL: func @encode_readout
// CHECK: qsnn.encode %{{.*}} {time_steps = 4 : i64} : tensor<3x10xf32> -> tensor<12x10xf32>
// CHECK: qsnn.readout %{{.*}} {time_steps = 4 : i64} : tensor<12x10xf32> -> tensor<3x10xf32>
// GENERIC-LABEL: sym_name = "encode_readout"
// GENERIC: "qsnn.encode"(%{{.*}}) <{time_steps = 4 : i64}> : (tensor<3x10xf32>) -> tensor<12x10xf32>
// GENERIC: "qsnn.readout"(%{{.*}}) <{time_steps = 4 : i64}> : (tensor<12x10xf32>) -> tensor<3x10xf32>
func.func @encode_readout(%x: tensor<3x10xf32>) -> tensor<3x10xf32> {
  %0 = qsnn.encode %x {time_steps = 4} : tensor<3x10xf32> -> tensor<12x10xf32>
  %1 = qsnn.readout %0 {time_steps = 4} : tensor<12x10xf32> -> tensor<3x10xf32>
  return %1 : tensor<3x10xf32>
}

// CHECK-LABEL: func @encode_dynamic
// CHECK: qsnn.encode %{{.*}} {time_steps = 2 : i64} : tensor<?x1x4x4xf32> -> tensor<?x1x4x4xf32>
func.func @encode_dynamic(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32> {
  %0 = qsnn.encode %x {time_steps = 2} : tensor<?x1x4x4xf32> -> tensor<?x1x4x4xf32>
  return %0 : tensor<?x1x4x4xf32>
}

// CHECK-LABEL: func @conv2d
// CHECK: qsnn.conv2d binary %{{.*}}, %{{.*}} scale %{{.*}} {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<8x2x9x9xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
// CHECK: qsnn.conv2d int8 %{{.*}}, %{{.*}} scale %{{.*}} bias %{{.*}} : (tensor<8x2x9x9xf32>, tensor<3x2x5x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
// CHECK: qsnn.conv2d float %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, groups = 2 : i64} : (tensor<8x2x9x9xf32>, tensor<4x1x3x3xf32>) -> tensor<8x4x5x5xf32>
// GENERIC-LABEL: sym_name = "conv2d"
// GENERIC: "qsnn.conv2d"(%{{.*}}, %{{.*}}, %{{.*}}) <{dilations = array<i64: 1, 1>, groups = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0>, padding = array<i64: 1, 1, 1, 1>, quant = #qsnn<weight_quant binary>, strides = array<i64: 2, 2>}>
// GENERIC: "qsnn.conv2d"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{{{.*}}operandSegmentSizes = array<i32: 1, 1, 1, 1>, {{.*}}quant = #qsnn<weight_quant int8>
// GENERIC: "qsnn.conv2d"(%{{.*}}, %{{.*}}) <{dilations = array<i64: 2, 2>, groups = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 0, 0>, {{.*}}quant = #qsnn<weight_quant float>
func.func @conv2d(%x: tensor<8x2x9x9xf32>) -> (tensor<8x3x5x5xf32>, tensor<8x3x5x5xf32>, tensor<8x4x5x5xf32>) {
  %wb = arith.constant dense<-1.0> : tensor<3x2x3x3xf32>
  %wq = arith.constant dense<-127.0> : tensor<3x2x5x5xf32>
  %wf = arith.constant dense<0.3> : tensor<4x1x3x3xf32>
  %s = arith.constant dense<0.5> : tensor<3xf32>
  %b = arith.constant dense<0.1> : tensor<3xf32>
  %0 = qsnn.conv2d binary %x, %wb scale %s {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<8x2x9x9xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
  %1 = qsnn.conv2d int8 %x, %wq scale %s bias %b : (tensor<8x2x9x9xf32>, tensor<3x2x5x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<8x3x5x5xf32>
  %2 = qsnn.conv2d float %x, %wf {dilations = array<i64: 2, 2>, groups = 2} : (tensor<8x2x9x9xf32>, tensor<4x1x3x3xf32>) -> tensor<8x4x5x5xf32>
  return %0, %1, %2 : tensor<8x3x5x5xf32>, tensor<8x3x5x5xf32>, tensor<8x4x5x5xf32>
}

// CHECK-LABEL: func @linear
// CHECK: qsnn.linear binary %{{.*}}, %{{.*}} scale %{{.*}} bias %{{.*}} : (tensor<?x16xf32>, tensor<10x16xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
// GENERIC-LABEL: sym_name = "linear"
// GENERIC: "qsnn.linear"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 1>, quant = #qsnn<weight_quant binary>}>
func.func @linear(%x: tensor<?x16xf32>) -> tensor<?x10xf32> {
  %w = arith.constant dense<1.0> : tensor<10x16xf32>
  %s = arith.constant dense<0.25> : tensor<10xf32>
  %b = arith.constant dense<0.0> : tensor<10xf32>
  %0 = qsnn.linear binary %x, %w scale %s bias %b : (tensor<?x16xf32>, tensor<10x16xf32>, tensor<10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// CHECK-LABEL: func @batch_norm
// CHECK: qsnn.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f64} : tensor<4x3x2x2xf32>, tensor<3xf32>
// GENERIC-LABEL: sym_name = "batch_norm"
// GENERIC: "qsnn.batch_norm"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{epsilon = 1.000000e-03 : f64}> : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
func.func @batch_norm(%x: tensor<4x3x2x2xf32>, %p: tensor<3xf32>) -> tensor<4x3x2x2xf32> {
  %0 = qsnn.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-3} : tensor<4x3x2x2xf32>, tensor<3xf32>
  return %0 : tensor<4x3x2x2xf32>
}

// CHECK-LABEL: func @lif
// CHECK: qsnn.lif %{{.*}} {alpha_u = 2.500000e+00 : f64, membrane_bits = 2 : i64, time_steps = 4 : i64} : tensor<8x16xf32>
// CHECK: qsnn.lif %{{.*}} {alpha_u = 1.250000e+00 : f64, fire_on = #qsnn<fire_on quantized>, levels = #qsnn<levels paper>, membrane_bits = 8 : i64, tau = 2.500000e-01 : f64, threshold = 5.000000e-01 : f64, time_steps = 2 : i64} : tensor<8x16xf32>
// CHECK: qsnn.lif %{{.*}} {membrane_bits = 32 : i64, time_steps = 8 : i64} : tensor<8x16xf32>
// GENERIC-LABEL: sym_name = "lif"
// GENERIC: "qsnn.lif"(%{{.*}}) <{alpha_u = 2.500000e+00 : f64, emit_membrane = false, fire_on = #qsnn<fire_on full>, levels = #qsnn<levels signed>, membrane_bits = 2 : i64, reset = #qsnn<reset hard>, strict = false, tau = 5.000000e-01 : f64, threshold = 1.000000e+00 : f64, time_steps = 4 : i64, v_reset = 0.000000e+00 : f64}>
func.func @lif(%x: tensor<8x16xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %0 = qsnn.lif %x {time_steps = 4, membrane_bits = 2, alpha_u = 2.5} : tensor<8x16xf32>
  %1 = qsnn.lif %x {time_steps = 2, membrane_bits = 8, alpha_u = 1.25, tau = 0.25, threshold = 0.5, levels = #qsnn<levels paper>, fire_on = #qsnn<fire_on quantized>, reset = #qsnn<reset hard>} : tensor<8x16xf32>
  %2 = qsnn.lif %x {time_steps = 8, membrane_bits = 32} : tensor<8x16xf32>
  return %0, %1, %2 : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// CHECK-LABEL: func @pools
// CHECK: qsnn.avg_pool2d %{{.*}} {count_include_pad = true, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<2x4x7x7xf32> -> tensor<2x4x4x4xf32>
// CHECK: qsnn.max_pool2d %{{.*}} {ceil_mode = true, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x4x7x7xf32> -> tensor<2x4x4x4xf32>
// CHECK: qsnn.global_avg_pool %{{.*}} : tensor<2x4x7x7xf32> -> tensor<2x4x1x1xf32>
// GENERIC-LABEL: sym_name = "pools"
// GENERIC: "qsnn.avg_pool2d"(%{{.*}}) <{ceil_mode = false, count_include_pad = true, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}>
// GENERIC: "qsnn.max_pool2d"(%{{.*}}) <{ceil_mode = true, kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}>
// GENERIC: "qsnn.global_avg_pool"(%{{.*}}) : (tensor<2x4x7x7xf32>) -> tensor<2x4x1x1xf32>
func.func @pools(%x: tensor<2x4x7x7xf32>) -> (tensor<2x4x4x4xf32>, tensor<2x4x4x4xf32>, tensor<2x4x1x1xf32>) {
  %0 = qsnn.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, count_include_pad = true} : tensor<2x4x7x7xf32> -> tensor<2x4x4x4xf32>
  %1 = qsnn.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = true} : tensor<2x4x7x7xf32> -> tensor<2x4x4x4xf32>
  %2 = qsnn.global_avg_pool %x : tensor<2x4x7x7xf32> -> tensor<2x4x1x1xf32>
  return %0, %1, %2 : tensor<2x4x4x4xf32>, tensor<2x4x4x4xf32>, tensor<2x4x1x1xf32>
}

// CHECK-LABEL: func @add_flatten
// CHECK: qsnn.add %{{.*}}, %{{.*}} : tensor<4x2x3x3xf32>
// CHECK: qsnn.flatten %{{.*}} : tensor<4x2x3x3xf32> -> tensor<4x18xf32>
// CHECK: qsnn.flatten %{{.*}} {axis = 2 : i64} : tensor<4x2x3x3xf32> -> tensor<8x9xf32>
// GENERIC-LABEL: sym_name = "add_flatten"
// GENERIC: "qsnn.add"(%{{.*}}, %{{.*}}) : (tensor<4x2x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<4x2x3x3xf32>
// GENERIC: "qsnn.flatten"(%{{.*}}) <{axis = 1 : i64}> : (tensor<4x2x3x3xf32>) -> tensor<4x18xf32>
func.func @add_flatten(%a: tensor<4x2x3x3xf32>, %b: tensor<4x2x3x3xf32>) -> (tensor<4x18xf32>, tensor<8x9xf32>) {
  %0 = qsnn.add %a, %b : tensor<4x2x3x3xf32>
  %1 = qsnn.flatten %0 : tensor<4x2x3x3xf32> -> tensor<4x18xf32>
  %2 = qsnn.flatten %0 {axis = 2} : tensor<4x2x3x3xf32> -> tensor<8x9xf32>
  return %1, %2 : tensor<4x18xf32>, tensor<8x9xf32>
}
