//===- CompileHLS.h - qsnn-compile --target hls ------------------*- C++
//-*-===//
#ifndef QSNN_TOOLS_QSNN_COMPILE_COMPILEHLS_H
#define QSNN_TOOLS_QSNN_COMPILE_COMPILEHLS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/Twine.h"

#include <functional>
#include <string>

namespace mlir::qsnn {

struct HLSCompileOptions {
  std::string inputPath; // the model, for the default test-vector folder
  std::string outputDir;
  std::string name; // symbol prefix and file names
  std::string functionName;
  std::string numerics; // as requested: "", "integer" or "float"
  unsigned multiplierBits = 24;
  bool exposeSpikes = false;
  std::string emitMlir; // a stage: print the IR after it and stop
  unsigned ii = 1;
  std::string interface = "axi";
  bool dataflow = false;
  /// Folder whose input_0.pb feeds the project's integer test vectors; ""
  /// for the model's own test_data_set_0 (skipped when it is missing).
  std::string testData;
  std::function<void(const llvm::Twine &)> progress;
};

/// Checks the HLS options; returns a message or "".
std::string validateHLSOptions(const HLSCompileOptions &options);

/// Quantizes, lowers and translates `module`, then writes <name>.cpp/.h,
/// <name>_tb.cpp, <name>_report.json/.md and run_hls.tcl atomically.
/// Returns the process exit status (errors are printed).
int compileForHLS(ModuleOp module, const HLSCompileOptions &options);

} // namespace mlir::qsnn

#endif // QSNN_TOOLS_QSNN_COMPILE_COMPILEHLS_H
