// qsnn-translate --emit-hls-cpp on hand-written scf/memref/arith IR: views
// (subview with a dynamic offset, collapse_shape), loop-carried scalars,
// scf.if, odd widths wrapped to W bits, unsigned ops, LOOP_TRIPCOUNT for a
// bound that is not constant, and the options.
// RUN: qsnn-translate --emit-hls-cpp %s | FileCheck %s
// RUN: qsnn-translate --emit-hls-cpp --hls-ii=3 --hls-interface=memory --hls-dataflow --hls-name=snn %s | FileCheck %s --check-prefix=OPTS

memref.global "private" constant @weights : memref<4xi8> = dense<[3, -7, 127, -128]>

func.func @forward(%in: memref<2x4xi8>, %out: memref<2xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0 : i64
  %c1_i64 = arith.constant 1 : i64
  %w = memref.get_global @weights : memref<4xi8>
  %state = memref.alloc() : memref<2x2xi3>
  %flat = memref.collapse_shape %state [[0, 1]] : memref<2x2xi3> into memref<4xi3>
  scf.for %n = %c0 to %c2 step %c1 {
    %row = memref.subview %in[%n, 0] [1, 4] [1, 1] : memref<2x4xi8> to memref<4xi8, strided<[1], offset: ?>>
    %sum = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (i64) {
      %p = memref.load %row[%k] : memref<4xi8, strided<[1], offset: ?>>
      %pu = arith.extui %p : i8 to i64
      %q = memref.load %w[%k] : memref<4xi8>
      %qs = arith.extsi %q : i8 to i64
      %m = arith.muli %pu, %qs : i64
      %next = arith.addi %acc, %m : i64
      scf.yield %next : i64
    }
    %neg = arith.cmpi slt, %sum, %zero : i64
    %r = scf.if %neg -> (i64) {
      %s = arith.shrsi %sum, %c1_i64 : i64
      scf.yield %s : i64
    } else {
      %s = arith.shrui %sum, %c1_i64 : i64
      scf.yield %s : i64
    }
    %t = arith.trunci %r : i64 to i3
    %idx = arith.muli %n, %c2 : index
    memref.store %t, %flat[%idx] : memref<4xi3>
    %back = memref.load %flat[%idx] : memref<4xi3>
    %wide = arith.extsi %back : i3 to i64
    %mx = arith.maxsi %wide, %r : i64
    memref.store %mx, %out[%n] : memref<2xi64>
  }
  %ub = memref.load %in[%c0, %c0] : memref<2x4xi8>
  %ubi = arith.index_castui %ub : i8 to index
  %lim = arith.minui %ubi, %c4 : index
  scf.for %i = %c0 to %lim step %c1 {
    %v = memref.load %out[%c0] : memref<2xi64>
    %v1 = arith.addi %v, %c1_i64 : i64
    memref.store %v1, %out[%c0] : memref<2xi64>
  }
  return
}

// CHECK: typedef ap_int<3> qsnn_i3;
// CHECK: typedef int8_t qsnn_i3;
// CHECK: // ROM @weights: memref<4xi8>
// CHECK-NEXT: static const int8_t const_rom[4] = {
// CHECK-NEXT: 3, -7, 127, -128,
// CHECK: void model_top(const uint8_t in[8], int64_t out[2]) {
// CHECK: QSNN_HLS(ARRAY_PARTITION variable=buf_membrane type=complete)
// CHECK: static qsnn_i3 buf_membrane[4]; // memref<2x2xi3>, 3-bit membrane state
// CHECK: loop_d0: for (int i0 = 0; i0 < 2; i0 += 1) {
// The loop-carried sum of 4 products of [0, 255] x [-128, 127] needs 18
// bits; the if's result keeps 64 (an unsigned shift of a value the
// intervals cannot prove non-negative).
// CHECK-NEXT: qsnn_i18 [[ACC:v[0-9]+]] = 0;
// CHECK-NEXT: loop_d1: for (int i1 = 0; i1 < 4; i1 += 1) {
// CHECK-NEXT: QSNN_HLS(PIPELINE II=1)
// CHECK-NEXT: const int8_t [[P:v[0-9]+]] = (int8_t)in[i0 * 4 + i1];
// CHECK-NEXT: const qsnn_i9 [[PU:v[0-9]+]] = ((int64_t)[[P]] & 255);
// CHECK-NEXT: const int8_t [[Q:v[0-9]+]] = const_rom[i1];
// CHECK-NEXT: const int8_t [[QS:v[0-9]+]] = (int64_t)[[Q]];
// CHECK-NEXT: const int16_t [[M:v[0-9]+]] = (int64_t)[[PU]] * (int64_t)[[QS]];
// CHECK-NEXT: const qsnn_i18 [[N:v[0-9]+]] = (int64_t)[[ACC]] + (int64_t)[[M]];
// CHECK-NEXT: [[ACC]] = [[N]];
// CHECK-NEXT: }
// CHECK-NEXT: const bool [[NEG:v[0-9]+]] = (int64_t)[[ACC]] < 0;
// CHECK-NEXT: int64_t [[R:v[0-9]+]];
// CHECK-NEXT: if ([[NEG]]) {
// CHECK-NEXT: const qsnn_i17 [[S1:v[0-9]+]] = (int64_t)[[ACC]] >> (int64_t)(uint64_t)1;
// CHECK-NEXT: [[R]] = [[S1]];
// CHECK-NEXT: } else {
// CHECK-NEXT: const int64_t [[S2:v[0-9]+]] = (int64_t)((uint64_t)(int64_t)(uint64_t)[[ACC]] >> (int64_t)(uint64_t)1);
// CHECK-NEXT: [[R]] = [[S2]];
// CHECK-NEXT: }
// CHECK-NEXT: const qsnn_i3 [[T:v[0-9]+]] = (int8_t)qsnn_wrap<3>([[R]]);
// CHECK-NEXT: const int [[IDX:v[0-9]+]] = i0 * 2;
// CHECK-NEXT: buf_membrane[[[IDX]]] = [[T]];
// CHECK-NEXT: const qsnn_i3 [[B:v[0-9]+]] = buf_membrane[[[IDX]]];
// CHECK-NEXT: const qsnn_i3 [[W:v[0-9]+]] = (int64_t)[[B]];
// CHECK-NEXT: const int64_t [[MX:v[0-9]+]] = ((int64_t)[[W]] > [[R]] ? (int64_t)[[W]] : [[R]]);
// CHECK-NEXT: out[i0] = [[MX]];
// CHECK: const int [[UB:v[0-9]+]] = (int)(((int64_t)v{{[0-9]+}} & 255));
// CHECK-NEXT: const int [[LIM:v[0-9]+]] = ([[UB]] < 4 ? [[UB]] : 4);
// CHECK-NEXT: loop_n2_d0: for (int i0 = 0; i0 < [[LIM]]; i0 += 1) {
// CHECK-NEXT: QSNN_HLS(LOOP_TRIPCOUNT max=4)
// CHECK-NEXT: QSNN_HLS(PIPELINE II=1)

// OPTS: void snn_top(const uint8_t in[8], int64_t out[2]) {
// OPTS-NEXT: QSNN_HLS(INTERFACE mode=ap_memory port=in storage_type=rom_1p)
// OPTS-NEXT: QSNN_HLS(INTERFACE mode=ap_memory port=out storage_type=ram_1p)
// OPTS-NEXT: QSNN_HLS(INTERFACE mode=ap_ctrl_hs port=return)
// OPTS-NEXT: QSNN_HLS(DATAFLOW)
// OPTS: QSNN_HLS(PIPELINE II=3)
// OPTS: QSNN_HLS(PIPELINE II=3)
