// RUN: qsnn-opt %s --pass-pipeline='builtin.module(func.func(qsnn-widen-sub-byte-memory))' -split-input-file -verify-diagnostics | FileCheck %s

// Views of the workspace keep their shape and strides, with bytes; loads
// truncate, stores zero-extend.
// CHECK-LABEL: func @spikes
// CHECK: %[[V:.*]] = memref.view %{{.*}} : memref<64xi8> to memref<4x16xi8>
// CHECK: %[[S:.*]] = memref.subview %[[V]][1, 0] [1, 16] [1, 1] : memref<4x16xi8> to memref<1x16xi8, strided<[16, 1], offset: 16>>
// CHECK: %[[W:.*]] = arith.extui %{{.*}} : i1 to i8
// CHECK: memref.store %[[W]], %[[S]]
// CHECK: %[[L:.*]] = memref.load %[[V]]
// CHECK: %[[N:.*]] = arith.trunci %[[L]] : i8 to i1
// CHECK: %[[M:.*]] = memref.load %{{.*}} : memref<8xi8>
// CHECK: %[[K:.*]] = arith.trunci %[[M]] : i8 to i2
// CHECK: return %[[N]], %[[K]]
func.func @spikes(%ws: memref<64xi8>, %i: index) -> (i1, i2) {
  %c0 = arith.constant 0 : index
  %v = memref.view %ws[%c0][] : memref<64xi8> to memref<4x16xi1>
  %s = memref.subview %v[1, 0] [1, 16] [1, 1] : memref<4x16xi1> to memref<1x16xi1, strided<[16, 1], offset: 16>>
  %t = arith.constant true
  memref.store %t, %s[%c0, %i] : memref<1x16xi1, strided<[16, 1], offset: 16>>
  %x = memref.load %v[%c0, %i] : memref<4x16xi1>
  %m = memref.alloc() : memref<8xi2>
  %k = memref.load %m[%i] : memref<8xi2>
  return %x, %k : i1, i2
}

// -----

// Anything else that reads the buffer would see other bytes: an error.
func.func @unsupported(%ws: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %v = memref.view %ws[%c0][] : memref<64xi8> to memref<64xi1>
  %f = arith.constant false
  // expected-error @below {{qsnn-widen-sub-byte-memory: unsupported user of a sub-byte buffer}}
  linalg.fill ins(%f : i1) outs(%v : memref<64xi1>)
  return
}
