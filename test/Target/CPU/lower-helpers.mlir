// RUN: qsnn-opt %s --qsnn-memref-copy-to-linalg --qsnn-cpu-expand-math | FileCheck %s

// A strided copy would call MLIR's C runner library (memrefCopy).
// CHECK-LABEL: func.func @copy
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<4xf32, strided<[2]>>) outs(%{{.*}} : memref<4xf32>)
func.func @copy(%a: memref<4xf32, strided<[2]>>, %b: memref<4xf32>) {
  memref.copy %a, %b : memref<4xf32, strided<[2]>> to memref<4xf32>
  return
}

// Rounding becomes arithmetic: no libm call on CPUs without a rounding
// instruction.
// CHECK-LABEL: func.func @round
// CHECK-NOT: math.roundeven
// CHECK-NOT: math.round
// CHECK: arith.bitcast
// CHECK: return
func.func @round(%x: f32) -> f32 {
  %r = math.roundeven %x : f32
  return %r : f32
}
