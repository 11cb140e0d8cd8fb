//===- BConvLanes.h - output channels per vector of a qsnn.bconv2d -*- C++ -*-===//
//
// qsnn-pack-bits pads a binary convolution's output channels to the lanes
// of one vector register of the target, and convert-qsnn-to-linalg's
// popcount loops use vectors of that many lanes: both must agree.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_DIALECT_QSNN_BCONVLANES_H
#define QSNN_DIALECT_QSNN_BCONVLANES_H

#include <cstdint>

namespace mlir::qsnn {

/// Output channels one vector covers for `wordBits`-bit words in a
/// `vectorBits`-bit register (512 for AVX-512, 256 for AVX2, 128 for NEON,
/// 32 for a core without vector unit; docs/spec.md §7.8): one lane per
/// word, words below 32 bits widened to 32-bit lanes, at least one lane.
/// For 512 bits this is BConv2DOp::getVectorLanes(wordBits).
inline int64_t getBConvVectorLanes(unsigned wordBits, int64_t vectorBits) {
  int64_t laneBits = wordBits >= 32 ? wordBits : 32;
  return vectorBits >= laneBits ? vectorBits / laneBits : 1;
}

} // namespace mlir::qsnn

#endif // QSNN_DIALECT_QSNN_BCONVLANES_H
