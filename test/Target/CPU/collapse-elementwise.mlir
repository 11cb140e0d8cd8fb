// RUN: qsnn-opt %s --pass-pipeline='builtin.module(func.func(qsnn-collapse-elementwise))' | FileCheck %s

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>

// Identity maps over contiguous buffers: one loop of 2*3*7*7 = 294.
// CHECK-LABEL: func @identity
// CHECK: memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2, 3]] : memref<2x3x7x7xi64> into memref<294xi64>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]
func.func @identity(%a: memref<2x3x7x7xi64>, %b: memref<2x3x7x7xi64>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : memref<2x3x7x7xi64>) outs(%b : memref<2x3x7x7xi64>) {
  ^bb0(%x: i64, %y: i64):
    %s = arith.addi %x, %x : i64
    linalg.yield %s : i64
  }
  return
}

// A per-channel parameter keeps the channel loop: [2, 3, 49].
// CHECK-LABEL: func @per_channel
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: memref<2x3x49xi64>
func.func @per_channel(%a: memref<2x3x7x7xi64>, %p: memref<3xi64>, %b: memref<2x3x7x7xi64>) {
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %p : memref<2x3x7x7xi64>, memref<3xi64>) outs(%b : memref<2x3x7x7xi64>) {
  ^bb0(%x: i64, %q: i64, %y: i64):
    %s = arith.muli %x, %q : i64
    linalg.yield %s : i64
  }
  return
}

// A strided view whose rows are not contiguous keeps its rows.
// CHECK-LABEL: func @strided
// CHECK: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: memref<4x7xi64, strided<[9, 1]>>
func.func @strided(%a: memref<4x7xi64, strided<[9, 1]>>, %b: memref<4x7xi64>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : memref<4x7xi64, strided<[9, 1]>>) outs(%b : memref<4x7xi64>) {
  ^bb0(%x: i64, %y: i64):
    linalg.yield %x : i64
  }
  return
}

// A one-element operand read at a constant index is not a projected
// permutation, which collapsing requires: the op stays as it is (found by
// the sanitized build on ONNX's test_gemm_default_single_elem_vector_bias).
// CHECK-LABEL: func @constant_index
// CHECK-NOT: memref.collapse_shape
// CHECK: iterator_types = ["parallel", "parallel"]
func.func @constant_index(%a: memref<3x4xf32>, %c: memref<1xf32>, %b: memref<3x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a, %c : memref<3x4xf32>, memref<1xf32>) outs(%b : memref<3x4xf32>) {
  ^bb0(%x: f32, %q: f32, %y: f32):
    %s = arith.addf %x, %q : f32
    linalg.yield %s : f32
  }
  return
}
