//===- Pipeline.cpp - the integer pipeline down to HLS-ready loops --------===//
//
// The CPU target's `linalg` and `bufferized` stages, then plain loops. Unlike
// the CPU `loops` stage there is no memory planning (separate arrays map to
// separate memories, which HLS schedules independently), no loop
// reordering for vectorizers, and no expansion of strided metadata: the
// translation reads subviews directly.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Target/CPU/Pipeline.h"
#include "qsnn/Target/HLS/HLS.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn;

namespace {
constexpr llvm::StringLiteral kHLSLoops =
    "func.func(convert-linalg-to-loops),lower-affine,canonicalize,cse";
} // namespace

LogicalResult hls::lowerModuleForHLS(ModuleOp module, std::string &pipeline) {
  cpu::registerCPUTargetPasses();
  SmallVector<std::string> stages = {
      cpu::getStagePipeline(cpu::Stage::Linalg).str(),
      cpu::getStagePipeline(cpu::Stage::Bufferized).str(), kHLSLoops.str()};
  static const char *names[] = {"linalg", "bufferized", "loops"};
  for (auto [index, stage] : llvm::enumerate(stages)) {
    PassManager pm(module.getContext());
    if (failed(parsePassPipeline(stage, pm)))
      return module.emitError() << "invalid HLS pipeline stage '"
                                << names[index] << "'";
    if (failed(pm.run(module)))
      return module.emitError()
             << "the HLS pipeline failed in stage '" << names[index] << "'";
  }
  pipeline = "builtin.module(" + llvm::join(stages, ",") + ")";
  return success();
}
