// RUN: qsnn-opt %s --qsnn-innermost-contiguous-loop | FileCheck %s

// conv_2d_nchw_fchw iterates (n, f, oh, ow, c, kh, kw); ow moves innermost,
// behind the reductions: (n, f, oh, c, kh, kw, ow).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3, d2 * 2 + d4, d6 * 2 + d5)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d3, d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d6)>
// CHECK-LABEL: func.func @conv
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]}
// CHECK:   arith.mulf
// CHECK:   arith.addf
func.func @conv(%x: memref<1x2x7x7xf32>, %w: memref<4x2x3x3xf32>, %y: memref<1x4x3x3xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%x, %w : memref<1x2x7x7xf32>, memref<4x2x3x3xf32>) outs(%y : memref<1x4x3x3xf32>)
  return
}

// With the weight transposed the output column indexes the weight's rows:
// moving it innermost would turn loads into gathers, so the matmul stays.
// CHECK-LABEL: func.func @matmul_transpose_b
// CHECK: linalg.matmul_transpose_b
func.func @matmul_transpose_b(%x: memref<2x8xf32>, %w: memref<4x8xf32>, %y: memref<2x4xf32>) {
  linalg.matmul_transpose_b ins(%x, %w : memref<2x8xf32>, memref<4x8xf32>) outs(%y : memref<2x4xf32>)
  return
}

// Elementwise ops already end with a parallel loop.
// CHECK-LABEL: func.func @elementwise
// CHECK: linalg.copy
func.func @elementwise(%x: memref<2x8xf32>, %y: memref<2x8xf32>) {
  linalg.copy ins(%x : memref<2x8xf32>) outs(%y : memref<2x8xf32>)
  return
}
