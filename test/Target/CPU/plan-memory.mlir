// RUN: qsnn-opt %s --qsnn-plan-memory --split-input-file -verify-diagnostics | FileCheck %s

// Live ranges in program order (bytes, all 64-aligned):
//   %a 256  [alloc a .. copy a->b]
//   %b 256  [alloc b .. copy b->c]      placed beside a: 256
//   %c 128  [alloc c .. copy c->d]      a is dead: reuses 0
//   %d 1024 [alloc d .. copy d->out]    c (0..128) is live, b dead: 128
// Workspace = 128 + 1024 = 1152; without reuse 256 + 256 + 128 + 1024.
// The peak live set is {c, d} = 1152 bytes, all activations.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[IN:.*]]: memref<64xf32>, %[[OUT:.*]]: memref<256xf32>, %[[WS:.*]]: memref<1152xi8> {qsnn.workspace})
// CHECK-SAME: attributes {qsnn.activation_bytes = 1152 : i64, qsnn.scratch_bytes = 0 : i64, qsnn.unplanned_bytes = 1664 : i64, qsnn.workspace_bytes = 1152 : i64}
// CHECK-NOT: memref.alloc
// CHECK: %[[OA:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[OA]]][] : memref<1152xi8> to memref<64xf32>
// CHECK: %[[OB:.*]] = arith.constant 256 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[OB]]][] : memref<1152xi8> to memref<64xf32>
// CHECK: linalg.copy ins(%[[A]] : memref<64xf32>) outs(%[[B]] : memref<64xf32>)
// CHECK: %[[OC:.*]] = arith.constant 0 : index
// CHECK: %[[C:.*]] = memref.view %[[WS]][%[[OC]]][] : memref<1152xi8> to memref<32xf32>
// CHECK: %[[OD:.*]] = arith.constant 128 : index
// CHECK: %[[D:.*]] = memref.view %[[WS]][%[[OD]]][] : memref<1152xi8> to memref<256xf32>
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @chain(%in: memref<64xf32>, %out: memref<256xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  linalg.copy ins(%in : memref<64xf32>) outs(%a : memref<64xf32>)
  %b = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
  linalg.copy ins(%a : memref<64xf32>) outs(%b : memref<64xf32>)
  %c = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
  %bs = memref.subview %b[0] [32] [1] : memref<64xf32> to memref<32xf32, strided<[1]>>
  linalg.copy ins(%bs : memref<32xf32, strided<[1]>>) outs(%c : memref<32xf32>)
  %d = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
  %ds = memref.subview %d[0] [32] [1] : memref<256xf32> to memref<32xf32, strided<[1]>>
  linalg.copy ins(%c : memref<32xf32>) outs(%ds : memref<32xf32, strided<[1]>>)
  linalg.copy ins(%d : memref<256xf32>) outs(%out : memref<256xf32>)
  memref.dealloc %d : memref<256xf32>
  return
}

// -----

// A buffer used inside a loop stays live for the whole loop, so the
// per-iteration buffer %t (scratch) cannot take its place; %t is dead at the
// end of each iteration. %late, allocated after the loop while %acc is still
// read, takes the scratch buffer's place at 256.
// CHECK-LABEL: func.func @loop
// CHECK-SAME: %[[WS:[a-z0-9]+]]: memref<512xi8> {qsnn.workspace}
// CHECK-SAME: qsnn.activation_bytes = 256 : i64, qsnn.scratch_bytes = 256 : i64, qsnn.unplanned_bytes = 768 : i64, qsnn.workspace_bytes = 512 : i64
// CHECK: memref.view %[[WS]][%{{.*}}][] : memref<512xi8> to memref<64xf32>
// CHECK: scf.for
// CHECK:   %[[OT:.*]] = arith.constant 256 : index
// CHECK:   memref.view %[[WS]][%[[OT]]][] : memref<512xi8> to memref<64xf32>
// CHECK: }
// CHECK: %[[OL:.*]] = arith.constant 256 : index
// CHECK: memref.view %[[WS]][%[[OL]]][] : memref<512xi8> to memref<64xf32>
func.func @loop(%in: memref<64xf32>, %out: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %acc = memref.alloc() : memref<64xf32>
  linalg.copy ins(%in : memref<64xf32>) outs(%acc : memref<64xf32>)
  scf.for %i = %c0 to %c4 step %c1 {
    %t = memref.alloc() : memref<64xf32>
    linalg.copy ins(%acc : memref<64xf32>) outs(%t : memref<64xf32>)
    linalg.copy ins(%t : memref<64xf32>) outs(%acc : memref<64xf32>)
  }
  %late = memref.alloc() : memref<64xf32>
  linalg.copy ins(%acc : memref<64xf32>) outs(%late : memref<64xf32>)
  linalg.copy ins(%late : memref<64xf32>) outs(%out : memref<64xf32>)
  return
}

// -----

// No allocations: an empty workspace, still passed for a uniform ABI.
// CHECK-LABEL: func.func @none
// CHECK-SAME: (%{{.*}}: memref<4xf32>, %{{.*}}: memref<0xi8> {qsnn.workspace})
// CHECK-SAME: qsnn.workspace_bytes = 0 : i64
func.func @none(%x: memref<4xf32>) {
  return
}

// -----

func.func @escapes(%n: index, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = memref.alloc() : memref<4xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%buf = %init) -> (memref<4xf32>) {
    // expected-error @+1 {{buffer escapes its block through 'scf.yield'; it cannot be given a fixed workspace offset}}
    %fresh = memref.alloc() : memref<4xf32>
    scf.yield %fresh : memref<4xf32>
  }
  linalg.copy ins(%r : memref<4xf32>) outs(%out : memref<4xf32>)
  return
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @+1 {{only statically shaped, identity-layout allocations can be planned, got 'memref<?xf32>'}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}
