//===- TargetMachine.cpp - LLVM code generation for the chosen CPU --------===//
#include "Errors.h"
#include "qsnn/Target/CPU/CodeGen.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

#include <set>

using namespace mlir;
using namespace mlir::qsnn;
using namespace mlir::qsnn::cpu;
namespace cpu = mlir::qsnn::cpu;

namespace {

void initializeTargets() {
  static bool done = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)done;
}

/// The ISA features `subtarget` enables, as "+name,...". LLVM's feature
/// list also holds tuning flags (e.g. "slow-3ops-lea") that no CPU reports;
/// when the target is the host's architecture, only names the host feature
/// detector knows are kept, so a loader can compare them with the machine.
std::string describeFeatures(const llvm::MCSubtargetInfo &subtarget,
                             bool sameArchAsHost) {
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  std::set<std::string> names;
  for (const llvm::SubtargetFeatureKV &feature :
       subtarget.getAllProcessorFeatures()) {
    if (!subtarget.getFeatureBits().test(feature.Value))
      continue;
    if (sameArchAsHost && !host.count(feature.Key))
      continue;
    names.insert(std::string("+") + feature.Key);
  }
  return llvm::join(names.begin(), names.end(), ",");
}

/// The vector register width the lowering should target (docs/compile.md
/// "Targets"): the widest registers the enabled features give. Vectors
/// wider than the registers are split by LLVM into several operations per
/// vector, which for the popcount loops costs more than it saves.
int64_t chooseVectorBits(const llvm::Triple &triple,
                         const llvm::MCSubtargetInfo &subtarget) {
  auto has = [&](llvm::StringRef feature) {
    return subtarget.checkFeatures(("+" + feature).str());
  };
  if (triple.isX86()) {
    if (has("avx512f"))
      return 512;
    return has("avx") ? 256 : 128;
  }
  if (triple.isAArch64())
    return 128; // NEON (SVE lengths are not fixed at compile time)
  if (triple.isARM() || triple.isThumb())
    return has("neon") || has("mve") ? 128 : 32;
  return 64;
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
cpu::createTargetMachine(llvm::StringRef tripleName, llvm::StringRef cpuName,
                         TargetDescription &resolved) {
  initializeTargets();
  std::string hostTriple = llvm::sys::getProcessTriple();
  llvm::Triple triple(tripleName.empty() ? hostTriple
                                         : llvm::Triple::normalize(tripleName));
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple.str(), error);
  if (!target)
    return makeError("unknown target triple '" + triple.str() + "': " + error);
  bool sameArch = triple.getArch() == llvm::Triple(hostTriple).getArch();

  std::string cpu = cpuName.empty() ? "native" : cpuName.str();
  std::string requestedFeatures;
  if (cpu == "native") {
    if (!sameArch)
      return makeError("--target-cpu=native describes this machine (" +
                       hostTriple + "); name a CPU for '" + triple.str() + "'");
    cpu = llvm::sys::getHostCPUName().str();
    // Pass every detected feature, disabled ones too: the CPU name alone
    // may imply features the OS or the part has turned off (e.g. AVX-512).
    llvm::SubtargetFeatures features;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature.getKey(), feature.getValue());
    requestedFeatures = features.getString();
  }
  // Validate the name on a default subtarget first: creating one for an
  // unknown CPU makes LLVM print its own warning.
  std::unique_ptr<llvm::MCSubtargetInfo> probe(
      target->createMCSubtargetInfo(triple.str(), "", ""));
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget;
  if (probe && probe->isCPUStringValid(cpu))
    subtarget.reset(
        target->createMCSubtargetInfo(triple.str(), cpu, requestedFeatures));
  if (!subtarget)
    return makeError(
        "'" + cpu + "' is not a CPU LLVM knows for " + triple.str() +
        " (try native, generic, x86-64-v3, x86-64-v4 or a name from "
        "`llc -mtriple=" +
        triple.str() + " -mcpu=help`)");

  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple.str(), cpu, requestedFeatures, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return makeError("LLVM could not create a target machine for " +
                     triple.str());
  resolved.triple = triple.str();
  resolved.cpu = cpu;
  resolved.features = describeFeatures(*subtarget, sameArch);
  resolved.vectorBits = chooseVectorBits(triple, *subtarget);
  return machine;
}

llvm::Error cpu::optimizeModule(llvm::Module &module,
                                llvm::TargetMachine &machine) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple().str());
  llvm::StringRef cpu = machine.getTargetCPU();
  llvm::StringRef features = machine.getTargetFeatureString();
  for (llvm::Function &function : module) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", cpu);
    if (!features.empty())
      function.addFnAttr("target-features", features);
  }

  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager cgsccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  tuning.LoopUnrolling = true;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(cgsccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, cgsccs, modules);
  llvm::ModulePassManager pipeline =
      builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  pipeline.run(module, modules);
  return llvm::Error::success();
}

llvm::Error cpu::emitObjectFile(llvm::Module &module,
                                llvm::TargetMachine &machine,
                                llvm::SmallVectorImpl<char> &object) {
  llvm::raw_svector_ostream stream(object);
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, stream, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return makeError("LLVM cannot emit object files for " +
                     machine.getTargetTriple().str());
  passes.run(module);
  return llvm::Error::success();
}
