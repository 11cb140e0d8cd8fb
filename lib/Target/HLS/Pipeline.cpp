//===- Pipeline.cpp - the integer pipeline down to HLS-ready loops --------===//
//
// The target-neutral linalg and bufferize stages, then plain loops. Unlike
// the CPU's loops there is no memory planning (separate arrays map to
// separate memories, which HLS schedules independently), no loop reordering
// for vectorizers, and no expansion of strided metadata: the translation
// reads subviews directly.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Pipeline/Pipeline.h"
#include "qsnn/Target/HLS/HLS.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
namespace hls = mlir::qsnn::hls;
using namespace mlir::qsnn;

namespace {

void buildHLSLoopsStage(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

} // namespace

LogicalResult hls::lowerModuleForHLS(ModuleOp module, std::string &pipeline) {
  SmallVector<std::string> record;
  auto run = [&](StringRef name, auto build) {
    return runStage(module, "HLS", name, build, &record);
  };
  if (failed(run("linalg",
                 [](OpPassManager &pm) { buildLinalgStage(pm, false); })) ||
      failed(run("bufferized", buildBufferizeStage)) ||
      failed(run("loops", buildHLSLoopsStage)))
    return failure();
  pipeline = "builtin.module(" + llvm::join(record, ",") + ")";
  return success();
}
