// RUN: qsnn-opt %s --qsnn-prepare-boundary --split-input-file -verify-diagnostics | FileCheck %s

// The ui8 argument becomes i8 and its bitcast disappears.
// CHECK-LABEL: func.func @pixels
// CHECK-SAME: (%[[P:.*]]: tensor<2x3xi8>, %{{.*}}: tensor<2xf32>) -> tensor<2x3xi8>
// CHECK-NOT: tensor.bitcast
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xi8>
// CHECK: %[[C:.*]] = linalg.copy ins(%[[P]] : tensor<2x3xi8>) outs(%[[E]] : tensor<2x3xi8>)
// CHECK: return %[[C]] : tensor<2x3xi8>
func.func @pixels(%p: tensor<2x3xui8>, %x: tensor<2xf32>) -> tensor<2x3xi8> {
  %b = tensor.bitcast %p : tensor<2x3xui8> to tensor<2x3xi8>
  return %b : tensor<2x3xi8>
}

// -----

func.func @other_use(%p: tensor<2xui8>) -> ui8 {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{uses the unsigned argument #0 other than through tensor.bitcast to 'tensor<2xi8>'}}
  %e = tensor.extract %p[%c0] : tensor<2xui8>
  return %e : ui8
}

// -----

// A uint8 result computed in i8 (the importer's convention) returns the i8
// value; a uint8 argument returned as it is gets its own copy.
// CHECK-LABEL: func.func @uint8_results
// CHECK-SAME: (%[[A:.*]]: tensor<2xi8>, %[[B:.*]]: tensor<2xi8>) -> (tensor<2xi8>, tensor<2xi8>)
// CHECK: %[[S:.*]] = arith.addi %[[A]], %[[B]] : tensor<2xi8>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2xi8>
// CHECK: %[[C:.*]] = linalg.copy ins(%[[A]] : tensor<2xi8>) outs(%[[E]] : tensor<2xi8>)
// CHECK: return %[[S]], %[[C]] : tensor<2xi8>, tensor<2xi8>
func.func @uint8_results(%a: tensor<2xui8>, %b: tensor<2xui8>) -> (tensor<2xui8>, tensor<2xui8>) {
  %x = tensor.bitcast %a : tensor<2xui8> to tensor<2xi8>
  %y = tensor.bitcast %b : tensor<2xui8> to tensor<2xi8>
  %s = arith.addi %x, %y : tensor<2xi8>
  %u = tensor.bitcast %s : tensor<2xi8> to tensor<2xui8>
  return %u, %a : tensor<2xui8>, tensor<2xui8>
}

// -----

// The same value returned twice: the second result is a copy.
// CHECK-LABEL: func.func @twice
// CHECK: %[[N:.*]] = arith.negf
// CHECK: %[[C:.*]] = linalg.copy ins(%[[N]]
// CHECK: return %[[N]], %[[C]]
func.func @twice(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %n = arith.negf %x : tensor<3xf32>
  return %n, %n : tensor<3xf32>, tensor<3xf32>
}
