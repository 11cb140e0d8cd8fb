//===- Patterns.h - per-file pattern registration --------------*- C++ -*-===//
//
// Each Convert*.cpp file lowers one family of qsnn ops; the pass collects
// them through these functions. Private to lib/Conversion/QSNNToLinalg.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_CONVERSION_QSNNTOLINALG_PATTERNS_H
#define QSNN_LIB_CONVERSION_QSNNTOLINALG_PATTERNS_H

#include <cstdint>

namespace mlir {
class RewritePatternSet;
namespace qsnn {

/// normalize, encode, readout, add, flatten (encode, add and flatten also
/// on integers).
void populateStructurePatterns(RewritePatternSet &patterns);
/// conv2d, linear, batch_norm.
void populateSynapticPatterns(RewritePatternSet &patterns);
/// lif.
void populateLIFPatterns(RewritePatternSet &patterns);
/// avg_pool2d, max_pool2d, global_avg_pool.
void populatePoolingPatterns(RewritePatternSet &patterns);
/// icenter, iconv2d, ilinear, isum_pool2d, iaffine.
void populateIntegerSynapticPatterns(RewritePatternSet &patterns);
/// bconv2d (bit-packed popcount loops) for `vectorBits`-bit registers.
void populatePackedConvPatterns(RewritePatternSet &patterns,
                                int64_t vectorBits = 512);
/// iconv2d and ilinear as explicit vector loops for `vectorBits`-bit
/// registers (benefit 2: they win over the reference patterns when
/// registered).
void populateVectorKernelPatterns(RewritePatternSet &patterns,
                                  int64_t vectorBits = 512);
/// ilif, ireadout, max_pool2d on integers.
void populateIntegerNeuronPatterns(RewritePatternSet &patterns);

} // namespace qsnn
} // namespace mlir

#endif // QSNN_LIB_CONVERSION_QSNNTOLINALG_PATTERNS_H
