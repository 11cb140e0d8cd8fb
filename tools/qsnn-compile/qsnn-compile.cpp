//===- qsnn-compile.cpp - compile a Q-SNN to a deployable artifact --------===//
//
// qsnn-compile model.onnx --target cpu -o out/
//
// Imports the model (ONNX, or qsnn-level .mlir), lowers it through the CPU
// pipeline, generates code for the requested CPU and writes model.o,
// model.so, model.h and model.json (docs/compile.md).
//
//===----------------------------------------------------------------------===//
#include "ClCommandLine.h"
#include "CompileHLS.h"
#include "NirCalibration.h"
#include "UsageErrorCode.h"
#include "qsnn/Import/ImportNIR.h"
#include "qsnn/Import/ImportONNX.h"
#include "qsnn/Pipeline/ModelDescription.h"
#include "qsnn/Target/CPU/Artifact.h"
#include "qsnn/Target/CPU/CodeGen.h"
#include "qsnn/Target/CPU/Pipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>
#include <unistd.h>

using namespace mlir;
using namespace mlir::qsnn;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("qsnn-compile options");

cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                               cl::desc("<model.onnx | model.onnxtxt | "
                                        "model.nir | model.mlir>"),
                               cl::cat(category));
cl::opt<std::string>
    outputDir("o",
              cl::desc("Output directory for model.{o,so,h,json} "
                       "(created if missing)"),
              cl::value_desc("dir"), cl::cat(category));
cl::opt<std::string> target("target",
                            cl::desc("Code generation target: cpu (artifact) "
                                     "or hls (HLS C++ project, docs/hls.md)"),
                            cl::init("cpu"), cl::cat(category));
cl::opt<unsigned> hlsII("hls-ii",
                        cl::desc("--target hls: PIPELINE II of innermost "
                                 "loops (default 1)"),
                        cl::init(1), cl::cat(category));
cl::opt<std::string> hlsInterface(
    "hls-interface",
    cl::desc("--target hls: axi (m_axi + s_axilite, default) or memory "
             "(ap_memory)"),
    cl::init("axi"), cl::cat(category));
cl::opt<std::string> hlsTestData(
    "test-data",
    cl::desc("--target hls: test-vector folder whose input_0.pb the "
             "project's integer test vectors are computed from (default: "
             "the model's test_data_set_0)"),
    cl::value_desc("dir"), cl::cat(category));
cl::opt<bool> hlsDataflow("hls-dataflow",
                          cl::desc("--target hls: #pragma HLS DATAFLOW on "
                                   "the top function"),
                          cl::cat(category));
cl::opt<std::string> numerics(
    "numerics",
    cl::desc("integer: the deployed integer model (docs/spec.md §4, int64 "
             "logits); float: the trained float model (§3). Default: "
             "integer when every LIF has membrane_bits < 32, else float"),
    cl::cat(category));
cl::opt<unsigned> multiplierBits(
    "multiplier-bits",
    cl::desc("Significant bits of each layer's largest fixed-point "
             "multiplier, for integer numerics (default 24)"),
    cl::init(24), cl::cat(category));
cl::opt<bool> exposeSpikes(
    "expose-spikes",
    cl::desc("Debugging: return every LIF layer's spikes as extra uint8 "
             "[T, N, ...] outputs named spikes:<ONNX node>"),
    cl::cat(category));
cl::opt<bool> referenceLowering(
    "reference-lowering",
    cl::desc("Compile the plain reference lowering (no bit packing or "
             "popcount kernels): the oracle optimized artifacts must equal "
             "bit for bit"),
    cl::cat(category));
cl::opt<std::string> schedule(
    "schedule",
    cl::desc("Time order of the integer network: layer-major (each layer "
             "runs all T steps, one layer's membranes live; default) or "
             "step-major (all layers advance one step at a time, for "
             "streaming event input)"),
    cl::init("layer-major"), cl::cat(category));
cl::opt<std::string> targetCpu(
    "target-cpu",
    cl::desc("CPU to generate code for: native (this machine, with its "
             "features), generic, x86-64-v3 (AVX2), x86-64-v4 (AVX-512), or "
             "any CPU LLVM knows for the triple, e.g. neoverse-n1"),
    cl::init("native"), cl::cat(category));
cl::opt<std::string>
    targetTriple("target-triple",
                 cl::desc("LLVM target triple (default: this machine's), e.g. "
                          "aarch64-linux-gnu"),
                 cl::cat(category));
cl::opt<int64_t> batch("batch",
                       cl::desc("Samples per run call, fixed at import "
                                "(default 1); for .mlir input it must match "
                                "the IR"),
                       cl::init(1), cl::cat(category));
cl::opt<std::string> name("name",
                          cl::desc("Symbol prefix: NAME_run, NAME_info "
                                   "(a C identifier, default model)"),
                          cl::init("model"), cl::cat(category));
cl::opt<std::string>
    functionName("function",
                 cl::desc("Entry function of a .mlir input (default forward)"),
                 cl::init("forward"), cl::cat(category));
cl::opt<std::string> emitMlir(
    "emit-mlir",
    cl::desc("Print the IR after a stage to stdout and stop: qsnn, linalg, "
             "bufferized, planned, loops or llvm"),
    cl::value_desc("stage"), cl::cat(category));
cl::opt<bool> emitLlvm("emit-llvm",
                       cl::desc("Print the optimized LLVM IR (with the ABI "
                                "entry points) to stdout and stop"),
                       cl::cat(category));
cl::opt<std::string> linker("linker",
                            cl::desc("ELF linker for model.so (default: "
                                     "ld.lld from lld-19)"),
                            cl::value_desc("path"), cl::cat(category));
cl::list<std::string> bindInputs(
    "bind-input",
    cl::desc("Make graph input NAME a compile-time constant read from the "
             "TensorProto FILE (e.g. a Reshape shape given as an input); "
             "repeatable"),
    cl::value_desc("NAME=FILE"), cl::cat(category));
cl::opt<std::string> maxWorkspace(
    "max-workspace",
    cl::desc("Refuse a model whose workspace (docs/compile.md#memory-plan) "
             "exceeds SIZE bytes; suffixes K, M, G, T are powers of 1024 "
             "(default: half of this machine's RAM)"),
    cl::value_desc("SIZE"), cl::cat(category));
cl::opt<double>
    nirDt("dt",
          cl::desc("NIR input: forward Euler step in seconds for LIF, LI and "
                   "CubaLIF time constants (docs/spec.md §8.3)"),
          cl::init(0.0), cl::cat(category));
cl::opt<int64_t> nirTimeSteps(
    "time-steps",
    cl::desc("NIR input (required): time steps T per run; the artifact takes "
             "uint8 frames [T, N, ...] and returns each Output node at every "
             "step, float32 [T, N, ...] (docs/spec.md §8.4)"),
    cl::init(0), cl::cat(category));
cl::opt<bool> nirExposeMembranes(
    "expose-membranes",
    cl::desc("NIR input: also return the membrane of every LIF, IF and "
             "CubaLIF node after its reset, float32 [T, N, ...] named "
             "membrane:<node>"),
    cl::cat(category));
cl::opt<std::string> calibrationData(
    "calibration-data",
    cl::desc("NIR input, integer numerics: post-training quantization "
             "(docs/spec.md §8.5); the float model runs on DIR/"
             "test_data_set_*/input_<j>.pb (uint8 [T, S, ...] per Input "
             "node) to find each LIF and IF node's membrane range"),
    cl::value_desc("dir"), cl::cat(category));
cl::opt<unsigned> weightBits(
    "weight-bits",
    cl::desc("NIR post-training quantization: weight bits (8: int8 per "
             "output channel; channels of +-alpha weights become binary)"),
    cl::init(8), cl::cat(category));
cl::opt<unsigned> membraneBits(
    "membrane-bits",
    cl::desc("NIR post-training quantization: membrane bits k of every LIF "
             "and IF node (2, 4 or 8; default 8)"),
    cl::init(8), cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("No progress messages on stderr"),
                    cl::cat(category));
cl::alias quietShort("q", cl::aliasopt(quiet), cl::desc("Alias for --quiet"),
                     cl::cat(category));

/// Progress on stderr: one line per long step, and the total at the end.
/// Whole lines, so that diagnostics never land in the middle of one.
class Progress {
public:
  void step(const llvm::Twine &what) {
    if (!quiet)
      llvm::errs() << "qsnn-compile: " << what << "\n";
  }
  double elapsedSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  }

private:
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};

int error(const llvm::Twine &message) {
  llvm::errs() << "qsnn-compile: error: " << message << "\n";
  return 1;
}

/// A command-line mistake: one line and exit 2, as in every qsnn tool.
int usageError(const llvm::Twine &message) {
  llvm::errs() << "qsnn-compile: error: " << message
               << " (see qsnn-compile --help)\n";
  return ::qsnn::tools::kUsageError;
}

/// Samples per call: far above any batch that fits a cache, and small
/// enough that no shape computation nears int64 overflow.
constexpr int64_t kMaxBatch = int64_t(1) << 20;

/// The --max-workspace limit in bytes, set by validateOptions.
uint64_t workspaceLimit = 0;

/// Half of the physical memory: a workspace beyond it cannot be run here
/// without swapping, and is almost always a mistaken batch or shape.
uint64_t defaultWorkspaceLimit() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return uint64_t(8) << 30;
  return uint64_t(pages) * uint64_t(pageSize) / 2;
}

/// "268435456", "256M", "2G" (powers of 1024); "" is the default limit.
bool parseByteSize(llvm::StringRef text, uint64_t &bytes) {
  if (text.empty()) {
    bytes = defaultWorkspaceLimit();
    return true;
  }
  unsigned shift = 0;
  switch (llvm::toUpper(text.back())) {
  case 'K':
    shift = 10;
    break;
  case 'M':
    shift = 20;
    break;
  case 'G':
    shift = 30;
    break;
  case 'T':
    shift = 40;
    break;
  default:
    break;
  }
  if (shift)
    text = text.drop_back();
  if (text.getAsInteger(10, bytes) || bytes == 0 ||
      bytes > (UINT64_MAX >> shift))
    return false;
  bytes <<= shift;
  return true;
}

/// Checks options that do not need the model. Returns a message or "".
std::string validateOptions(std::optional<cpu::Stage> &stopStage) {
  if (target != "cpu" && target != "hls")
    return "--target " + target + " is not one of: cpu, hls";
  if (schedule != "layer-major" && schedule != "step-major")
    return "--schedule " + schedule + " is not one of: layer-major, step-major";
  if (target != "hls" && !hlsTestData.empty())
    return "--test-data is an HLS option (the CPU artifact is checked with "
           "qsnn-run --test-data)";
  if (target == "hls" && schedule != "layer-major")
    return "--schedule is a CPU option: the HLS kernel runs layer-major";
  if (!numerics.empty() && numerics != "float" && numerics != "integer")
    return "--numerics " + numerics + " is not one of: integer, float";
  if (multiplierBits < 2 || multiplierBits > 62)
    return "--multiplier-bits must be in [2, 62]";
  if (!emitMlir.empty()) {
    stopStage = cpu::parseStage(emitMlir);
    if (!stopStage)
      return "--emit-mlir=" + emitMlir + " is not a stage; stages: " +
             llvm::join(cpu::getStageNames(), ", ");
  }
  if (!stopStage && !emitLlvm && outputDir.empty())
    return "no output directory: pass -o <dir> (or --emit-mlir / "
           "--emit-llvm to print IR)";
  if (batch < 1 || batch > kMaxBatch)
    return "--batch must be at least 1 and at most " +
           std::to_string(kMaxBatch) + ", got " + std::to_string(batch);
  if (!parseByteSize(maxWorkspace, workspaceLimit))
    return "--max-workspace expects a byte count such as 268435456, 256M "
           "or 2G, got '" +
           maxWorkspace + "'";
  for (const std::string &binding : bindInputs) {
    size_t equals = binding.find('=');
    if (equals == 0 || equals == std::string::npos ||
        equals + 1 == binding.size())
      return "--bind-input expects NAME=FILE, got '" + binding + "'";
  }
  if (isNirPath(inputPath)) {
    if (nirTimeSteps < 1)
      return "a NIR model needs --time-steps T (at least 1)";
    if (nirDt.getNumOccurrences() && !(nirDt > 0))
      return "--dt must be positive (seconds)";
    if (!bindInputs.empty())
      return "--bind-input is an ONNX option";
    bool quantize = numerics == "integer" || !calibrationData.empty();
    if (quantize && numerics == "float")
      return "--calibration-data quantizes the graph: it needs --numerics "
             "integer";
    if (quantize && calibrationData.empty())
      return "integer numerics for a NIR graph need --calibration-data DIR "
             "(post-training quantization, docs/nir.md)";
    if (!quantize &&
        (weightBits.getNumOccurrences() || membraneBits.getNumOccurrences()))
      return "--weight-bits and --membrane-bits need --calibration-data";
    if (weightBits != 8)
      return "--weight-bits must be 8 (binary layers are recognized by "
             "their weights)";
    if (membraneBits != 2 && membraneBits != 4 && membraneBits != 8)
      return "--membrane-bits must be 2, 4 or 8";
    if (quantize && nirExposeMembranes)
      return "--expose-membranes needs --numerics float";
    if (quantize && target == "hls")
      return "--target hls does not take NIR graphs yet; compile for the "
             "CPU";
  } else if (nirTimeSteps.getNumOccurrences() || nirDt.getNumOccurrences() ||
             nirExposeMembranes || !calibrationData.empty() ||
             weightBits.getNumOccurrences() ||
             membraneBits.getNumOccurrences()) {
    return "--time-steps, --dt, --expose-membranes, --calibration-data, "
           "--weight-bits and --membrane-bits are options for NIR models "
           "(.nir)";
  }
  if (!mlir::qsnn::isValidSymbolPrefix(name))
    return "--name " + name + " is not a C identifier";
  return "";
}

/// Set by loadModel for a quantized NIR graph: written as calibration.json.
std::optional<NirCalibration> nirCalibration;

OwningOpRef<ModuleOp> loadModel(MLIRContext &context, Progress &progress) {
  bool isMlir = llvm::sys::path::extension(inputPath) == ".mlir";
  if (isMlir) {
    progress.step("parsing " + inputPath);
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(inputPath, &context);
    if (module && batch.getNumOccurrences()) {
      // The batch of hand-written IR is whatever its types say.
      auto func = module->lookupSymbol<func::FuncOp>(functionName);
      auto type = func && func.getNumResults()
                      ? dyn_cast<RankedTensorType>(func.getResultTypes()[0])
                      : RankedTensorType();
      if (type && type.getRank() > 0 && type.getDimSize(0) != batch) {
        error("--batch " + llvm::Twine(batch) + " differs from the batch " +
              llvm::Twine(type.getDimSize(0)) + " of " + inputPath +
              "; MLIR input is compiled with the shapes it has");
        return nullptr;
      }
    }
    return module;
  }
  progress.step("importing " + inputPath);
  if (isNirPath(inputPath)) {
    NirImportOptions options;
    options.timeSteps = nirTimeSteps;
    options.dt = nirDt;
    options.batchSize = batch;
    options.functionName = functionName;
    options.exposeMembranes = nirExposeMembranes;
    if (!calibrationData.empty()) {
      progress.step("calibrating membrane ranges on " + calibrationData);
      auto calibration =
          calibrateNir(context, inputPath, options, calibrationData);
      if (!calibration) {
        error(llvm::toString(calibration.takeError()));
        return nullptr;
      }
      options.quantization.emplace();
      options.quantization->membraneBits = membraneBits;
      options.quantization->alphaU = calibration->alphaU;
      nirCalibration = std::move(*calibration);
    }
    return importNirFile(inputPath, context, options);
  }
  OnnxImportOptions options;
  options.batchSize = batch;
  options.functionName = functionName;
  for (const std::string &binding : bindInputs) {
    size_t equals = binding.find('='); // validateOptions checked the form
    options.boundInputs[binding.substr(0, equals)] = binding.substr(equals + 1);
  }
  return importOnnxFile(inputPath, context, options);
}

HLSCompileOptions getHLSOptions() {
  HLSCompileOptions options;
  options.inputPath = inputPath;
  options.outputDir = outputDir;
  options.name = name;
  options.functionName = functionName;
  options.numerics = numerics;
  options.multiplierBits = multiplierBits;
  options.exposeSpikes = exposeSpikes;
  options.emitMlir = emitMlir;
  options.ii = hlsII;
  options.interface = hlsInterface;
  options.dataflow = hlsDataflow;
  options.testData = hlsTestData;
  return options;
}

int compile() {
  std::optional<cpu::Stage> stopStage;
  if (std::string problem = validateOptions(stopStage); !problem.empty())
    return usageError(problem);
  if (target == "hls")
    if (std::string problem = validateHLSOptions(getHLSOptions());
        !problem.empty())
      return usageError(problem);

  DialectRegistry registry;
  cpu::registerCPUTargetDialects(registry);
  registerImportOnnxDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Diagnostics name the location; a dump of the whole module is noise.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  // Resolve the target first: a typo in --target-cpu fails before the
  // long steps.
  mlir::qsnn::TargetDescription resolvedTarget;
  auto machine =
      cpu::createTargetMachine(targetTriple, targetCpu, resolvedTarget);
  if (!machine) // a --target-cpu or --target-triple LLVM does not know
    return usageError(llvm::toString(machine.takeError()));

  Progress progress;
  OwningOpRef<ModuleOp> module = loadModel(context, progress);
  if (!module)
    return 1;
  if (target == "hls") {
    HLSCompileOptions options = getHLSOptions();
    options.progress = [&](const llvm::Twine &what) { progress.step(what); };
    return compileForHLS(*module, options);
  }
  mlir::qsnn::QSNNStageOptions stageOptions;
  stageOptions.multiplierBits = multiplierBits;
  stageOptions.exposeSpikes = exposeSpikes;
  stageOptions.optimize = !referenceLowering;
  stageOptions.schedule = schedule;
  FailureOr<std::string> chosen =
      mlir::qsnn::chooseNumerics(*module, numerics, stageOptions);
  if (failed(chosen))
    return 1;
  if (schedule != "layer-major" && *chosen != "integer")
    return error("--schedule " + schedule +
                 " needs integer numerics (the "
                 "float model runs layer-major)");
  std::string qsnnPipeline = getQSNNStagePipeline(stageOptions);
  if (!qsnnPipeline.empty())
    progress.step("preparing " + *chosen + " numerics: " + qsnnPipeline);
  if (failed(mlir::qsnn::prepareModule(*module, "CPU", stageOptions,
                                       qsnnPipeline)))
    return 1;
  FailureOr<mlir::qsnn::ModelDescription> description =
      mlir::qsnn::describeModel(*module, functionName, name);
  if (failed(description))
    return 1;
  description->qsnnPipeline = qsnnPipeline;
  description->vectorKernels = stageOptions.optimize;
  description->schedule = stageOptions.schedule;
  description->target = resolvedTarget;

  cpu::Stage last = stopStage.value_or(cpu::Stage::LLVM);
  progress.step("lowering through the CPU pipeline to '" +
                cpu::getStageName(last) + "'");
  if (failed(cpu::lowerModule(*module, *description, last)))
    return 1;
  if (description->memory.workspaceBytes > workspaceLimit)
    return error("the model needs a " +
                 llvm::Twine(description->memory.workspaceBytes) +
                 "-byte workspace, more than --max-workspace " +
                 llvm::Twine(workspaceLimit) +
                 " bytes (a smaller --batch needs less; raise the limit "
                 "with --max-workspace if this is intended)");
  if (stopStage) {
    module->print(llvm::outs());
    return 0;
  }

  progress.step("optimizing for " + resolvedTarget.triple + " (" +
                resolvedTarget.cpu + ")");
  llvm::LLVMContext llvmContext;
  auto llvmModule = cpu::translateToLLVMIR(*module, llvmContext, *description);
  if (!llvmModule)
    return error(llvm::toString(llvmModule.takeError()));
  if (auto err = cpu::optimizeModule(**llvmModule, **machine))
    return error(llvm::toString(std::move(err)));
  if (emitLlvm) {
    (*llvmModule)->print(llvm::outs(), nullptr);
    return 0;
  }

  progress.step("generating object code");
  llvm::SmallVector<char> object;
  if (auto err = cpu::emitObjectFile(**llvmModule, **machine, object))
    return error(llvm::toString(std::move(err)));

  progress.step("writing the artifact to " + outputDir);
  cpu::ArtifactOptions artifact;
  artifact.outputDir = outputDir;
  artifact.linker = linker;
  if (auto err = cpu::writeArtifact(*description, object, artifact))
    return error(llvm::toString(std::move(err)));
  if (nirCalibration) {
    std::string path = outputDir + "/calibration.json";
    std::string text =
        formatCalibration(*nirCalibration, weightBits, membraneBits);
    if (auto err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
          os << text;
          return llvm::Error::success();
        }))
      return error("cannot write " + path + ": " +
                   llvm::toString(std::move(err)));
  }
  if (!quiet)
    llvm::errs() << "qsnn-compile: wrote " << outputDir
                 << "/model.{so,o,h,json} in "
                 << llvm::format("%.1f", progress.elapsedSeconds())
                 << "s: workspace " << description->memory.workspaceBytes
                 << " bytes, weights " << description->memory.weightBytes
                 << " bytes\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  ::qsnn::tools::parseClCommandLine(
      argc, argv, "qsnn-compile",
      "qsnn-compile: compile a Q-SNN (ONNX schema ai.qsnn v1, docs/spec.md "
      "§5), a NIR graph (§8) or qsnn-level MLIR to a CPU artifact\n\n"
      "  qsnn-compile model.onnx --target cpu -o out/\n"
      "  qsnn-compile model.nir --dt 1e-4 --time-steps 1000 -o out/\n\n"
      "writes out/model.so, model.o, model.h (the C ABI) and model.json "
      "(metadata and memory plan). See docs/compile.md.\n");
  return compile();
}
