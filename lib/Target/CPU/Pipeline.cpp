//===- Pipeline.cpp - the CPU lowering pipeline ---------------------------===//
#include "qsnn/Target/CPU/Pipeline.h"

#include "qsnn/Conversion/Passes.h"
#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Target/CPU/Passes.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qsnn::cpu;
namespace cpu = mlir::qsnn::cpu;

namespace {
constexpr llvm::StringRef kStageNames[] = {"qsnn",    "linalg", "bufferized",
                                           "planned", "loops",  "llvm"};
} // namespace

StringRef cpu::getStageName(Stage stage) {
  return kStageNames[static_cast<int>(stage)];
}

ArrayRef<StringRef> cpu::getStageNames() { return kStageNames; }

std::optional<Stage> cpu::parseStage(StringRef name) {
  for (auto [index, stageName] : llvm::enumerate(kStageNames))
    if (stageName == name)
      return static_cast<Stage>(index);
  return std::nullopt;
}

StringRef cpu::getStagePipeline(Stage stage, bool vectorKernels) {
  switch (stage) {
  case Stage::QSNN:
    return "";
  case Stage::Linalg:
    if (vectorKernels)
      return "func.func(convert-qsnn-to-linalg{vector-kernels}),canonicalize,"
             "cse,func.func(qsnn-fuse-elementwise),canonicalize";
    // Producer/consumer elementwise generics (affine maps, residual adds,
    // normalization) merge into one loop nest: one pass over memory instead
    // of one per op. Convolutions and pools stay named ops.
    return "func.func(convert-qsnn-to-linalg),canonicalize,cse,"
           "func.func(qsnn-fuse-elementwise),canonicalize";
  case Stage::Bufferized:
    // A tensor.empty that only feeds an insert_slice (the LIF's per-step
    // spikes) becomes a slice of the destination, written in place. Returned
    // buffers become the caller's output buffers.
    return "func.func(qsnn-prepare-boundary),eliminate-empty-tensors,"
           "one-shot-bufferize{bufferize-function-boundaries "
           "function-boundary-type-conversion=identity-layout-map},"
           "buffer-results-to-out-params{hoist-static-allocs},canonicalize,"
           "cse,func.func(qsnn-memref-copy-to-linalg)";
  case Stage::Planned:
    return "func.func(qsnn-plan-memory),canonicalize";
  case Stage::Loops:
    // Plain loops over contiguous buffers, convolutions and pools with the
    // output row innermost: LLVM's loop and SLP vectorizers (run at -O3 for
    // the chosen CPU) vectorize the inner loops.
    return "func.func(qsnn-collapse-elementwise,"
           "qsnn-innermost-contiguous-loop,convert-linalg-to-loops,"
           "convert-vector-to-scf{full-unroll=true},"
           "qsnn-cpu-expand-math,qsnn-widen-sub-byte-memory),"
           "expand-strided-metadata,lower-affine,canonicalize,cse";
  case Stage::LLVM:
    // Bare pointers: every buffer of the entry function is one `ptr`
    // argument, which is what the C ABI wrapper passes.
    return "convert-scf-to-cf,convert-vector-to-llvm,convert-cf-to-llvm,"
           "convert-arith-to-llvm,"
           "convert-math-to-llvm,finalize-memref-to-llvm,"
           "convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
           "reconcile-unrealized-casts";
  }
  llvm_unreachable("unknown stage");
}

void cpu::registerCPUTargetPasses() {
  static bool registered = [] {
    registerAllPasses();
    qsnn::registerQSNNPasses();
    qsnn::registerQSNNConversionPasses();
    qsnn::registerQSNNCPUPasses();
    return true;
  }();
  (void)registered;
}

void cpu::registerCPUTargetDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registry.insert<QSNNDialect>();
}

namespace {

/// Bytes of the constant globals that bufferization made of the weights.
int64_t countWeightBytes(ModuleOp module) {
  int64_t bytes = 0;
  module.walk([&](memref::GlobalOp global) {
    if (!global.getConstant())
      return;
    MemRefType type = global.getType();
    bytes += type.getNumElements() *
             llvm::divideCeil(type.getElementTypeBitWidth(), 8);
  });
  return bytes;
}

int64_t readI64(func::FuncOp func, StringRef name) {
  auto attr = func->getAttrOfType<IntegerAttr>(name);
  return attr ? attr.getInt() : 0;
}

} // namespace

namespace {
constexpr llvm::StringLiteral kQuantizePass = "qsnn-quantize-to-integer";
} // namespace

std::string cpu::getQSNNStagePipeline(const QSNNStageOptions &options) {
  SmallVector<std::string> passes;
  // No qsnn-fold-batchnorm before quantization: quantize-to-integer folds
  // batch norm itself in double (as DESIGN.md §4 and the reference model
  // do); folding first would narrow the scales to f32 and could move the
  // integer multipliers by one unit.
  if (options.quantize) {
    passes.push_back((kQuantizePass + "{multiplier-bits=" +
                      llvm::Twine(options.multiplierBits) + "}")
                         .str());
  }
  if (options.exposeSpikes)
    passes.push_back("func.func(qsnn-expose-spikes)");
  if (options.optimize)
    passes.push_back("func.func(qsnn-hoist-time-invariant)");
  if (options.schedule != "layer-major")
    passes.push_back("func.func(qsnn-schedule-time{schedule=" +
                     options.schedule + "})");
  if (options.optimize)
    passes.push_back("func.func(qsnn-pack-bits)");
  return llvm::join(passes, ",");
}

FailureOr<std::string> cpu::chooseNumerics(ModuleOp module,
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
  if (numerics == "float")
    return numerics;
  registerCPUTargetPasses();
  if (!PassInfo::lookup(kQuantizePass))
    return module.emitError()
           << "--numerics integer needs the pass '" << kQuantizePass
           << "', which this build does not have; use --numerics float";
  options.quantize = true;
  return numerics;
}

LogicalResult cpu::prepareModule(ModuleOp module,
                                 const QSNNStageOptions &options,
                                 std::string &pipeline) {
  registerCPUTargetPasses();
  pipeline = getQSNNStagePipeline(options);
  if (pipeline.empty())
    return success();
  PassManager pm(module.getContext());
  if (failed(parsePassPipeline(pipeline, pm)))
    return module.emitError() << "invalid pipeline for stage 'qsnn'";
  if (failed(pm.run(module)))
    return module.emitError() << "the CPU pipeline failed in stage 'qsnn'";
  return success();
}

LogicalResult cpu::lowerModule(ModuleOp module, ModelDescription &description,
                               Stage last) {
  registerCPUTargetPasses();
  SmallVector<StringRef> pipelines;
  if (!description.qsnnPipeline.empty())
    pipelines.push_back(description.qsnnPipeline);
  for (int index = static_cast<int>(Stage::Linalg);
       index <= static_cast<int>(last); ++index) {
    auto stage = static_cast<Stage>(index);
    PassManager pm(module.getContext());
    StringRef stagePipeline =
        getStagePipeline(stage, description.vectorKernels);
    if (failed(parsePassPipeline(stagePipeline, pm)))
      return module.emitError() << "invalid pipeline for stage '"
                                << getStageName(stage) << "'";
    pipelines.push_back(stagePipeline);
    if (failed(pm.run(module)))
      return module.emitError()
             << "the CPU pipeline failed in stage '" << getStageName(stage)
             << "'";
    if (stage == Stage::Planned) {
      func::FuncOp func = lookupEntryFunction(module, description.functionName);
      if (!func)
        return failure();
      MemoryPlan &plan = description.memory;
      plan.weightBytes = countWeightBytes(module);
      plan.workspaceBytes = readI64(func, "qsnn.workspace_bytes");
      plan.activationBytes = readI64(func, "qsnn.activation_bytes");
      plan.scratchBytes = readI64(func, "qsnn.scratch_bytes");
      plan.unplannedBytes = readI64(func, "qsnn.unplanned_bytes");
    }
  }
  description.pipeline = "builtin.module(" + llvm::join(pipelines, ",") + ")";
  return success();
}
