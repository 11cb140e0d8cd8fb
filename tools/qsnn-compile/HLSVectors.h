//===- HLSVectors.h - integer test vectors for the HLS project ---*- C++
//-*-===//
//
// An HLS project checks itself in C simulation: qsnn-compile --target hls
// runs the deployed integer model (compiled for this machine's CPU, the
// same integer semantics, docs/spec.md §4.15) on the inputs of the model's
// test vectors and writes them with the exact int64 logits in the ONNX
// backend layout, where the testbench and run_hls.tcl read them.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TOOLS_QSNN_COMPILE_HLSVECTORS_H
#define QSNN_TOOLS_QSNN_COMPILE_HLSVECTORS_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace mlir::qsnn {

/// input_0.pb (the uint8 inputs of `inputPath`, a TensorProto) and
/// output_0.pb (the int64 logits the integer `module` computes for them),
/// as file name -> bytes. `module` is at the integer qsnn level; it is
/// cloned, not changed.
llvm::Expected<std::vector<std::pair<std::string, std::string>>>
makeIntegerVectors(ModuleOp module, llvm::StringRef functionName,
                   llvm::StringRef inputPath);

} // namespace mlir::qsnn

#endif // QSNN_TOOLS_QSNN_COMPILE_HLSVECTORS_H
