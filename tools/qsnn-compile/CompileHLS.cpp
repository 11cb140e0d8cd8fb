//===- CompileHLS.cpp - qsnn-compile --target hls -------------------------===//
//
// The integer model (docs/spec.md §4) through the HLS pipeline (the CPU
// target's qsnn, linalg and bufferized stages, then plain loops) to the
// kernel, its testbench, report and Vitis HLS script (docs/hls.md).
//
//===----------------------------------------------------------------------===//
#include "CompileHLS.h"
#include "HLSVectors.h"

#include "qsnn/Dialect/QSNN/QSNNOps.h"
#include "qsnn/Pipeline/ModelDescription.h"
#include "qsnn/Pipeline/Pipeline.h"
#include "qsnn/Target/HLS/HLS.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qsnn;

namespace {

int fail(const llvm::Twine &message) {
  llvm::errs() << "qsnn-compile: error: " << message << "\n";
  return 1;
}

/// The test-vector folder next to the model.
std::string modelTestData(llvm::StringRef inputPath) {
  SmallString<256> dir(inputPath);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_filename(dir);
  llvm::sys::path::append(dir, "test_data_set_0");
  return dir.str().str();
}

/// The project's integer test vectors (test_data_set_0/input_0.pb and
/// output_0.pb) from the inputs of --test-data or the model's own vectors;
/// none when the model has none and --test-data was not given.
FailureOr<std::vector<std::pair<std::string, std::string>>>
integerVectors(ModuleOp module, const HLSCompileOptions &options) {
  std::string dir = options.testData.empty() ? modelTestData(options.inputPath)
                                             : options.testData;
  SmallString<256> input(dir);
  llvm::sys::path::append(input, "input_0.pb");
  if (options.testData.empty() && !llvm::sys::fs::exists(input))
    return std::vector<std::pair<std::string, std::string>>();
  options.progress("computing integer test vectors from " + input);
  auto vectors = makeIntegerVectors(module, options.functionName, input);
  if (!vectors) {
    fail(llvm::toString(vectors.takeError()));
    return failure();
  }
  for (auto &[name, bytes] : *vectors)
    name = "test_data_set_0/" + name;
  return std::move(*vectors);
}

} // namespace

std::string qsnn::validateHLSOptions(const HLSCompileOptions &options) {
  if (options.numerics == "float")
    return "--target hls runs the integer model only (docs/spec.md §4); "
           "--numerics float is available with --target cpu";
  if (options.ii < 1)
    return "--hls-ii must be at least 1";
  if (options.interface != "axi" && options.interface != "memory")
    return "--hls-interface " + options.interface +
           " is not one of: axi, memory";
  if (options.exposeSpikes)
    return "--expose-spikes is not available with --target hls (the top "
           "function has one input and one output)";
  if (!options.emitMlir.empty() && options.emitMlir != "qsnn" &&
      options.emitMlir != "loops")
    return "--emit-mlir=" + options.emitMlir +
           " with --target hls: stages are qsnn and loops";
  if (options.emitMlir.empty() && options.outputDir.empty())
    return "no output directory: pass -o <dir>";
  return "";
}

int qsnn::compileForHLS(ModuleOp module, const HLSCompileOptions &options) {
  // k = 32 layers have no integer form: refuse before the quantizer does.
  bool fullPrecision = false, integerLevel = false, hasLif = false;
  module.walk([&](Operation *op) {
    if (auto lif = dyn_cast<LIFOp>(op)) {
      hasLif = true;
      fullPrecision |= lif.getMembraneBits() >= 32;
    }
    integerLevel |= isa<ILIFOp, IReadoutOp>(op);
  });
  if (fullPrecision)
    return fail("--target hls: the model has LIF layers with "
                "membrane_bits = 32, which have no integer form (docs/spec.md "
                "§4.14); the HLS target runs integer numerics only. Compile it "
                "with --target cpu --numerics float");
  if (!hasLif && !integerLevel)
    return fail("--target hls: the model has no quantized LIF layers and no "
                "integer-level ops; only integer Q-SNNs can be synthesized");
  mlir::qsnn::QSNNStageOptions stage;
  stage.optimize = false; // HLS C++ is emitted from the reference loops.
  stage.multiplierBits = options.multiplierBits;
  FailureOr<std::string> numerics =
      mlir::qsnn::chooseNumerics(module, "integer", stage);
  if (failed(numerics))
    return 1;
  std::string qsnnPipeline;
  if (stage.quantize)
    options.progress("preparing integer numerics: " +
                     getQSNNStagePipeline(stage));
  if (failed(mlir::qsnn::prepareModule(module, "HLS", stage, qsnnPipeline)))
    return 1;
  FailureOr<mlir::qsnn::ModelDescription> description =
      mlir::qsnn::describeModel(module, options.functionName, options.name);
  if (failed(description))
    return 1;
  if (description->numerics != "integer")
    return fail("--target hls: the model has no qsnn.ireadout after "
                "quantization; only integer Q-SNNs can be synthesized");
  if (description->inputs.size() != 1 || description->outputs.size() != 1 ||
      description->inputs[0].dtype != mlir::qsnn::DType::UInt8 ||
      description->outputs[0].dtype != mlir::qsnn::DType::Int64)
    return fail("--target hls: the top function takes one uint8 input and "
                "returns one int64 logits tensor");
  func::FuncOp func =
      mlir::qsnn::lookupEntryFunction(module, options.functionName);
  if (!func)
    return 1;
  std::vector<hls::LayerInfo> layers =
      hls::annotateLayers(func, description->batch);
  if (options.emitMlir == "qsnn") {
    module.print(llvm::outs());
    return 0;
  }
  FailureOr<std::vector<std::pair<std::string, std::string>>> vectors =
      integerVectors(module, options);
  if (failed(vectors))
    return 1;
  options.progress("lowering through the HLS pipeline to 'loops'");
  std::string pipeline;
  if (failed(hls::lowerModuleForHLS(module, pipeline)))
    return 1;
  if (options.emitMlir == "loops") {
    module.print(llvm::outs());
    return 0;
  }

  hls::EmitOptions emit;
  emit.name = options.name;
  emit.functionName = options.functionName;
  emit.ii = options.ii;
  emit.interface =
      options.interface == "axi" ? hls::Interface::Axi : hls::Interface::Memory;
  emit.dataflow = options.dataflow;
  emit.headerName = options.name + ".h";
  for (const hls::LayerInfo &layer : layers)
    emit.layerRanges[layer.tag] = {layer.lo, layer.hi};
  options.progress("emitting HLS C++");
  std::string kernel;
  llvm::raw_string_ostream kernelStream(kernel);
  hls::KernelStats stats;
  if (failed(hls::emitHLSCpp(module, kernelStream, emit, &stats)))
    return 1;
  for (hls::LayerInfo &layer : layers)
    layer.cycles = stats.layerCycles.lookup(layer.tag);

  std::string base = options.name;
  std::vector<std::pair<std::string, std::string>> files = {
      {base + ".cpp", kernel},
      {base + ".h", hls::renderKernelHeader(*description, emit)},
      {base + "_tb.cpp", hls::renderTestbench(*description, emit)},
      {base + "_report.json",
       hls::renderReportJSON(*description, emit, layers, stats)},
      {base + "_report.md",
       hls::renderReportMarkdown(*description, emit, layers, stats)},
      {"run_hls.tcl",
       hls::renderTclScript(*description, emit,
                            vectors->empty() ? "" : "test_data_set_0")}};
  files.insert(files.end(), vectors->begin(), vectors->end());
  options.progress("writing the HLS project to " + options.outputDir);
  if (llvm::Error err = hls::writeFilesAtomically(options.outputDir, files))
    return fail(llvm::toString(std::move(err)));
  options.progress(
      "wrote " + options.outputDir + "/" + base + ".{cpp,h}, " + base +
      "_tb.cpp, " + base + "_report.{json,md}, run_hls.tcl" +
      (vectors->empty() ? "" : ", test_data_set_0/") + ": estimated " +
      llvm::Twine(stats.totalCycles) + " cycles per run");
  if (vectors->empty())
    options.progress("note: no test vectors beside the model; give "
                     "--test-data DIR (its input_0.pb) for the project's own "
                     "integer vectors");
  return 0;
}
