//===- ImportNIR.h - NIR graphs to the qsnn dialect -------------*- C++ -*-===//
//
// Turns a NIR graph (the Neuromorphic Intermediate Representation's HDF5
// files, versions 0.1 to 1.x) into one func.func on static tensors at the
// float level: qsnn ops for the synaptic layers and neurons, upstream
// linalg / tensor / arith ops for the rest. The time discretization is
// docs/spec.md §8; the user documentation docs/nir.md.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_IMPORT_IMPORTNIR_H
#define QSNN_IMPORT_IMPORTNIR_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace mlir::qsnn {

/// Post-training quantization of a NIR graph (docs/spec.md §8.5): int8
/// per-output-channel weights (or binary where a channel's weights are
/// ±alpha), and LIF / IF nodes with `membraneBits`-bit membranes of range
/// alphaU[node]. At namespace scope so that clang sees its default member
/// initializers when std::optional checks default construction.
struct NirQuantization {
  int64_t membraneBits = 8;
  std::map<std::string, double> alphaU;
};

struct NirImportOptions {
  /// Time steps T of one run: the function takes [T, N, ...] input frames.
  int64_t timeSteps = 0;
  /// The Euler step in seconds for nodes with time constants (LIF, LI,
  /// CubaLIF, CubaLI); 0 = not given (an error when such a node exists).
  double dt = 0.0;
  /// Samples N per run.
  int64_t batchSize = 1;
  /// Name of the generated function.
  std::string functionName = "forward";
  /// Also return the membrane of every LIF, IF and CubaLIF node as f32
  /// [T, N, ...] named `membrane:<node>`, after the Output nodes.
  bool exposeMembranes = false;
  /// Post-training quantization (docs/spec.md §8.5); see NirQuantization.
  using Quantization = NirQuantization;
  std::optional<Quantization> quantization;
};

/// True when `path` names a NIR file by its extension (.nir).
bool isNirPath(llvm::StringRef path);

/// Imports the NIR file at `path`. Returns null after emitting one error on
/// `context` when the graph cannot be imported.
OwningOpRef<ModuleOp> importNirFile(llvm::StringRef path, MLIRContext &context,
                                    const NirImportOptions &options);

/// Same for a file already in memory; `path` names it in diagnostics.
OwningOpRef<ModuleOp> importNirBuffer(llvm::StringRef contents,
                                      llvm::StringRef path,
                                      MLIRContext &context,
                                      const NirImportOptions &options);

/// Same for the HDF5 tree of a file in the encoding the importer's HDF5
/// reader process sends (docs/spec.md §8.1) instead of the file: all of
/// qsnn's own reading without the HDF5 library (the fuzzer's entry point).
OwningOpRef<ModuleOp> importNirEncodedTree(llvm::StringRef encoded,
                                           llvm::StringRef path,
                                           MLIRContext &context,
                                           const NirImportOptions &options);

/// Registers `--import-nir` (options `--nir-dt`, `--nir-time-steps`,
/// `--nir-expose-membranes`; `--batch` is shared with --import-onnx) with
/// mlir-translate.
void registerImportNirTranslation();

} // namespace mlir::qsnn

#endif // QSNN_IMPORT_IMPORTNIR_H
