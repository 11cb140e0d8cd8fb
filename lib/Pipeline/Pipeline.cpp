//===- Pipeline.cpp - the target-neutral compiler pipeline ----------------===//
#include "qsnn/Pipeline/Pipeline.h"

#include "qsnn/Conversion/Passes.h"
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;
using namespace mlir::qsnn;

FailureOr<std::string> qsnn::chooseNumerics(ModuleOp module,
                                            StringRef requested,
                                            QSNNStageOptions &options) {
  bool hasIntegerOps = false;
  SmallVector<LIFOp> lifs;
  module.walk([&](Operation *op) {
    if (isa<ILIFOp, IReadoutOp, IAffineOp>(op))
      hasIntegerOps = true;
    else if (auto lif = dyn_cast<LIFOp>(op))
      lifs.push_back(lif);
  });
  options.quantize = false;
  if (hasIntegerOps && lifs.empty()) {
    if (requested == "float")
      return module.emitError()
             << "--numerics float: the model is already at the integer "
                "level; compile the float-level model instead";
    return std::string("integer");
  }
  bool allQuantized = !lifs.empty() && llvm::all_of(lifs, [](LIFOp lif) {
    return lif.getMembraneBits() < 32;
  });
  std::string numerics = requested.empty()
                             ? std::string(allQuantized ? "integer" : "float")
                             : requested.str();
  options.quantize = numerics == "integer";
  return numerics;
}

void qsnn::buildQSNNStage(OpPassManager &pm, const QSNNStageOptions &options) {
  // No qsnn-fold-batchnorm before quantization: quantize-to-integer folds
  // batch norm itself in double (docs/spec.md §4.7); folding first would
  // narrow the scales to f32 and could move the multipliers by one unit.
  if (options.quantize) {
    QuantizeToIntegerOptions quantize;
    quantize.multiplierBits = options.multiplierBits;
    pm.addPass(createQuantizeToInteger(quantize));
  }
  if (options.exposeSpikes)
    pm.addNestedPass<func::FuncOp>(createExposeSpikes());
  if (options.optimize)
    pm.addNestedPass<func::FuncOp>(createHoistTimeInvariant());
  if (options.schedule != "layer-major") {
    ScheduleTimeOptions schedule;
    schedule.schedule = options.schedule;
    pm.addNestedPass<func::FuncOp>(createScheduleTime(schedule));
  }
  if (options.optimize) {
    PackBitsOptions pack;
    pack.vectorBits = options.vectorBits;
    pm.addNestedPass<func::FuncOp>(createPackBits(pack));
  }
}

std::string qsnn::getQSNNStagePipeline(const QSNNStageOptions &options) {
  OpPassManager pm(ModuleOp::getOperationName());
  buildQSNNStage(pm, options);
  return getTextualPipeline(pm);
}

void qsnn::buildLinalgStage(OpPassManager &pm, bool vectorKernels,
                            int64_t vectorBits) {
  ConvertQSNNToLinalgOptions lowering;
  lowering.vectorKernels = vectorKernels;
  lowering.vectorBits = vectorBits;
  pm.addNestedPass<func::FuncOp>(createConvertQSNNToLinalg(lowering));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Producer/consumer elementwise generics (affine maps, residual adds,
  // normalization) merge into one loop nest: one pass over memory instead
  // of one per op. Convolutions and pools stay named ops.
  pm.addNestedPass<func::FuncOp>(createFuseElementwise());
  pm.addPass(createCanonicalizerPass());
}

namespace {

/// `pass` configured through its own options: upstream passes built from
/// an options struct print their defaults, which would make the artifact's
/// record of the pipeline wrong. The options are fixed strings of this file,
/// exercised by every compile.
std::unique_ptr<Pass> withOptions(std::unique_ptr<Pass> pass,
                                  StringRef options) {
  if (failed(pass->initializeOptions(options,
                                     [](const Twine &) { return failure(); })))
    llvm::report_fatal_error("invalid options for pass " + pass->getArgument() +
                             ": " + options);
  return pass;
}

} // namespace

void qsnn::buildBufferizeStage(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createPrepareBoundary());
  // A tensor.empty that only feeds an insert_slice (the LIF's per-step
  // spikes) becomes a slice of the destination, written in place.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(
      withOptions(bufferization::createOneShotBufferizePass(),
                  "bufferize-function-boundaries "
                  "function-boundary-type-conversion=identity-layout-map"));
  // Returned buffers become the caller's output buffers.
  pm.addPass(withOptions(bufferization::createBufferResultsToOutParamsPass(),
                         "hoist-static-allocs"));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createMemRefCopyToLinalg());
}

std::string qsnn::getTextualPipeline(OpPassManager &pm) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      pm.getPasses(), os, [&](Pass &pass) { pass.printAsTextualPipeline(os); },
      ",");
  return text;
}

LogicalResult qsnn::runStage(ModuleOp module, StringRef pipeline,
                             StringRef stage,
                             llvm::function_ref<void(OpPassManager &)> build,
                             SmallVectorImpl<std::string> *record) {
  PassManager pm(module.getContext());
  build(pm);
  if (pm.size() == 0)
    return success();
  if (record)
    record->push_back(getTextualPipeline(pm));
  // A pass that fails says why; the stage is named only when none did, so
  // that every failure is one line.
  bool passReported = false;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler watch(module.getContext(), [&](Diagnostic &diag) {
      passReported |= diag.getSeverity() == DiagnosticSeverity::Error;
      return failure(); // and pass it on to the tool's handler
    });
    result = pm.run(module);
  }
  if (failed(result) && !passReported)
    return module.emitError() << "the " << pipeline
                              << " pipeline failed in stage '" << stage << "'";
  return result;
}

LogicalResult qsnn::prepareModule(ModuleOp module, StringRef target,
                                  const QSNNStageOptions &options,
                                  std::string &pipeline) {
  SmallVector<std::string> record;
  LogicalResult result = runStage(
      module, target, "qsnn",
      [&](OpPassManager &pm) { buildQSNNStage(pm, options); }, &record);
  pipeline = llvm::join(record, ",");
  return result;
}

void qsnn::registerPipelineDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<QSNNDialect>();
}
