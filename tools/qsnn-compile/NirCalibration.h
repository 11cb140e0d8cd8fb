//===- NirCalibration.h - membrane ranges of a NIR graph ---------*- C++
//-*-===//
//
// Post-training quantization of a NIR graph (docs/spec.md §8.5) needs the
// membrane range alpha_u of every LIF and IF node: qsnn-compile runs the
// float model (JIT-compiled for this machine, membranes exposed) on the
// calibration inputs and takes the largest |stored membrane| per node.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TOOLS_QSNN_COMPILE_NIRCALIBRATION_H
#define QSNN_TOOLS_QSNN_COMPILE_NIRCALIBRATION_H

#include "qsnn/Import/ImportNIR.h"

#include "llvm/Support/Error.h"

#include <map>
#include <string>

namespace mlir::qsnn {

struct NirCalibration {
  /// Per firing neuron node: f32(max |u|) over all calibration samples and
  /// steps, or 1 when every stored membrane was 0.
  std::map<std::string, double> alphaU;
  int64_t samples = 0;
};

/// Imports `path` at the float level with `options` (membranes exposed) and
/// runs it on every `dir`/test_data_set_*/input_<j>.pb: uint8 [T, S, ...]
/// per Input node in node-name order, S samples of any count.
llvm::Expected<NirCalibration> calibrateNir(MLIRContext &context,
                                            llvm::StringRef path,
                                            NirImportOptions options,
                                            llvm::StringRef dir);

/// calibration.json: the weight and membrane bits and every alpha_u.
std::string formatCalibration(const NirCalibration &calibration,
                              int64_t weightBits, int64_t membraneBits);

} // namespace mlir::qsnn

#endif // QSNN_TOOLS_QSNN_COMPILE_NIRCALIBRATION_H
