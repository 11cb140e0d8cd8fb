// What the HLS translation refuses, with a message naming the construct.
// RUN: not qsnn-translate --emit-hls-cpp --split-input-file %s 2>&1 | FileCheck %s

// CHECK: error: HLS: the kernel is integer-only; type 'f32' is not supported
func.func @forward(%in: memref<4xi8>, %out: memref<1xi64>) {
  %c0 = arith.constant 0 : index
  %f = arith.constant 1.5 : f32
  %i = arith.fptosi %f : f32 to i64
  memref.store %i, %out[%c0] : memref<1xi64>
  return
}

// -----

// CHECK: error: HLS: calls are not supported; the kernel is one function (inline 'helper' first)
func.func private @helper(memref<1xi64>)
func.func @forward(%in: memref<4xi8>, %out: memref<1xi64>) {
  func.call @helper(%out) : (memref<1xi64>) -> ()
  return
}

// -----

// CHECK: error: HLS: argument 1 must hold int64 logits, got 'memref<1xi32>'
func.func @forward(%in: memref<4xi8>, %out: memref<1xi32>) {
  return
}

// -----

// CHECK: error: HLS: the top function takes one uint8 input and one int64 output (and optionally a planned workspace); got 1 arguments
func.func @forward(%in: memref<4xi8>) {
  return
}

// -----

// The last split is valid: only the option is wrong.
// RUN: not qsnn-translate --emit-hls-cpp --split-input-file --hls-interface=stream %s 2>&1 | FileCheck %s --check-prefix=IFACE
// IFACE: error: --hls-interface must be axi or memory
func.func @forward(%in: memref<4xi8>, %out: memref<1xi64>) {
  return
}
