//===- Pipeline.cpp - the CPU lowering pipeline ---------------------------===//
#include "qsnn/Target/CPU/Pipeline.h"

#include "qsnn/Dialect/QSNN/QSNNDialect.h"
#include "qsnn/Target/CPU/Passes.h"
#include "qsnn/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qsnn;
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

namespace {

void buildPlannedStage(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createPlanMemory());
  pm.addPass(createCanonicalizerPass());
}

/// Plain loops over contiguous buffers, convolutions and pools with the
/// output row innermost: LLVM's loop and SLP vectorizers (run at -O3 for
/// the chosen CPU) vectorize the inner loops.
void buildLoopsStage(OpPassManager &pm) {
  OpPassManager &func = pm.nest<func::FuncOp>();
  func.addPass(createCollapseElementwise());
  func.addPass(createInnermostContiguousLoop());
  func.addPass(createConvertLinalgToLoopsPass());
  func.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  func.addPass(createExpandMath());
  func.addPass(createWidenSubByteMemory());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Bare pointers: every buffer of the entry function is one `ptr`
/// argument, which is what the C ABI wrapper passes.
void buildLLVMStage(OpPassManager &pm) {
  pm.addPass(createConvertSCFToCFPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createReconcileUnrealizedCastsPass());
}

} // namespace

void cpu::buildStage(OpPassManager &pm, Stage stage, bool vectorKernels,
                     int64_t vectorBits) {
  switch (stage) {
  case Stage::QSNN:
    return;
  case Stage::Linalg:
    return buildLinalgStage(pm, vectorKernels, vectorBits);
  case Stage::Bufferized:
    return buildBufferizeStage(pm);
  case Stage::Planned:
    return buildPlannedStage(pm);
  case Stage::Loops:
    return buildLoopsStage(pm);
  case Stage::LLVM:
    return buildLLVMStage(pm);
  }
  llvm_unreachable("unknown stage");
}

void cpu::registerCPUTargetDialects(DialectRegistry &registry) {
  registerPipelineDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
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

int64_t valueOr0(IntegerAttr attr) { return attr ? attr.getInt() : 0; }

/// The workspace figures qsnn-plan-memory left on the entry function.
LogicalResult readMemoryPlan(ModuleOp module, ModelDescription &description) {
  func::FuncOp func = lookupEntryFunction(module, description.functionName);
  if (!func)
    return failure();
  MemoryPlan &plan = description.memory;
  plan.weightBytes = countWeightBytes(module);
  QSNNDialect &qsnn = QSNNDialect::get(module.getContext());
  plan.workspaceBytes =
      valueOr0(qsnn.getWorkspaceBytesAttrHelper().getAttr(func));
  plan.activationBytes =
      valueOr0(qsnn.getActivationBytesAttrHelper().getAttr(func));
  plan.scratchBytes = valueOr0(qsnn.getScratchBytesAttrHelper().getAttr(func));
  plan.unplannedBytes =
      valueOr0(qsnn.getUnplannedBytesAttrHelper().getAttr(func));
  return success();
}

} // namespace

LogicalResult cpu::lowerModule(ModuleOp module, ModelDescription &description,
                               Stage last) {
  SmallVector<std::string> pipelines;
  if (!description.qsnnPipeline.empty())
    pipelines.push_back(description.qsnnPipeline);
  for (int index = static_cast<int>(Stage::Linalg);
       index <= static_cast<int>(last); ++index) {
    auto stage = static_cast<Stage>(index);
    if (failed(runStage(
            module, "CPU", getStageName(stage),
            [&](OpPassManager &pm) {
              buildStage(pm, stage, description.vectorKernels,
                         description.target.vectorBits);
            },
            &pipelines)))
      return failure();
    if (stage == Stage::Planned && failed(readMemoryPlan(module, description)))
      return failure();
  }
  description.pipeline = "builtin.module(" + llvm::join(pipelines, ",") + ")";
  return success();
}
