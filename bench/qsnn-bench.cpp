//===- qsnn-bench.cpp - A compiled Q-SNN against LibTorch, in one run -----===//
//
//   qsnn-bench --checkpoint CKPT --artifact ART_DIR [--artifact ART_DIR2]
//              [--batches 1,64] [--seconds S] [--threads 1] [--json FILE]
//
// Measures three implementations of the network in CKPT on the same real
// test images, interleaved round by round so that machine noise hits them
// alike:
//   libtorch_float       the same Network with every fake quantizer off
//                        (Network::setFakeQuantization(false): latent float
//                        weights, unquantized membranes), eval, no grad;
//   libtorch_fake_quant  the trained Q-SNN in eval mode, exactly the forward
//                        `qsnn-train eval` runs (binarized / 8-bit weights
//                        recomputed per call, k-bit membranes);
//   compiled             the artifact through libqsnn_runtime.
// Each of them runs the whole network including the readout (mean over T).
// Prints images/s (median over rounds) and the compiled/LibTorch ratios, and
// writes the numbers with the machine, date and commit as JSON.
//
//===----------------------------------------------------------------------===//

#include "Interleave.h"
#include "Machine.h"
#include "UsageErrors.h"

#include "qsnn/Data/Dataset.h"
#include "qsnn/Train/Checkpoint.h"
#include "qsnn_runtime.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <torch/autograd.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>

using namespace qsnn;

namespace {

struct Options {
  std::string checkpoint;
  std::vector<std::string> artifacts;
  std::vector<int64_t> batches = {1, 64};
  double seconds = 10;
  int threads = 1;
  int64_t checkImages = 512;
  std::string dataDir, jsonPath;
};

/// One implementation under test: runs a batch and returns [N, K] argmaxes
/// on request.
struct Variant {
  std::string key;
  std::function<void()> run;
  std::function<std::vector<int64_t>()> predict;
};

class BenchError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// An opened artifact; closes it on destruction.
struct Artifact {
  std::string dir;
  qsnn_model *model = nullptr;
  explicit Artifact(const std::string &path) : dir(path) {
    if (qsnn_model_open(path.c_str(), &model) != QSNN_RT_OK)
      throw BenchError(qsnn_last_error());
  }
  ~Artifact() { qsnn_model_close(model); }
  const qsnn_model_info &info() const { return *qsnn_model_get_info(model); }
};

/// Samples [0, count) of `split` in the deployed layout: [N, C, H, W] images
/// or [T, N, C, H, W] event frames.
at::Tensor inputBatch(const data::DataSplit &split, int64_t count) {
  const int64_t frame = split.channels * split.height * split.width;
  if (split.kind == data::InputKind::Static)
    return at::from_blob(const_cast<uint8_t *>(split.sample(0)),
                         {count, split.channels, split.height, split.width},
                         at::kByte)
        .clone();
  const int64_t steps = split.timeSteps;
  at::Tensor frames = at::empty(
      {steps, count, split.channels, split.height, split.width}, at::kByte);
  uint8_t *out = frames.data_ptr<uint8_t>();
  for (int64_t n = 0; n < count; ++n)
    for (int64_t t = 0; t < steps; ++t)
      std::memcpy(out + (t * count + n) * frame, split.sample(n) + t * frame,
                  frame);
  return frames;
}

std::vector<int64_t> argmaxRows(const at::Tensor &logits) {
  at::Tensor index = logits.argmax(1).to(at::kLong).contiguous();
  return {index.data_ptr<int64_t>(), index.data_ptr<int64_t>() + index.numel()};
}

Variant libtorchVariant(const std::string &key, train::Network &network,
                        const at::Tensor &input) {
  auto forward = [&network, input] {
    torch::NoGradGuard noGrad;
    return network.meanOverTime(network.forward(input));
  };
  return {key, [forward] { forward(); },
          [forward] { return argmaxRows(forward()); }};
}

/// The compiled artifact on `input` (the runtime splits the batch into the
/// artifact's compiled batch and pads the last chunk).
Variant compiledVariant(Artifact &artifact, const at::Tensor &input) {
  const int32_t batchDim = artifact.info().inputs[0].batch_dim;
  if (batchDim < 0 || batchDim >= input.dim())
    throw BenchError(artifact.dir + " has no batch dimension on its input");
  const int64_t batch = input.size(batchDim);
  auto in = std::make_shared<qsnn_tensor>();
  in->data = input.data_ptr();
  in->dtype = QSNN_DTYPE_UINT8;
  in->rank = static_cast<int32_t>(input.dim());
  for (int64_t d = 0; d < input.dim(); ++d)
    in->shape[d] = input.size(d);
  const int32_t numOutputs = artifact.info().num_outputs;
  auto outs = std::make_shared<std::vector<qsnn_tensor>>(numOutputs);
  auto buffers = std::make_shared<std::vector<std::vector<uint64_t>>>();
  for (int32_t k = 0; k < numOutputs; ++k) {
    qsnn_tensor &out = (*outs)[k];
    if (qsnn_model_output_desc(artifact.model, k, batch, &out) != QSNN_RT_OK)
      throw BenchError(qsnn_last_error());
    buffers->emplace_back((qsnn_tensor_bytes(&out) + 7) / 8);
    out.data = buffers->back().data();
  }
  qsnn_model *model = artifact.model;
  auto run = [model, in, outs, buffers, input] {
    if (qsnn_model_run(model, in.get(), 1, outs->data(),
                       static_cast<int32_t>(outs->size())) != QSNN_RT_OK)
      throw BenchError(std::string("compiled artifact: ") + qsnn_last_error());
  };
  auto predict = [run, outs] {
    run();
    const qsnn_tensor &logits = outs->front();
    at::Tensor view = at::from_blob(
        logits.data, {logits.shape[0], logits.shape[1]},
        logits.dtype == QSNN_DTYPE_INT64 ? at::kLong : at::kFloat);
    return argmaxRows(view);
  };
  return {"compiled", run, predict};
}

/// The artifact compiled for exactly `batch` samples, else the first one.
Artifact &pickArtifact(std::vector<std::unique_ptr<Artifact>> &artifacts,
                       int64_t batch) {
  for (auto &artifact : artifacts)
    if (artifact->info().batch == batch)
      return *artifact;
  return *artifacts.front();
}

/// Medians, ranges and compiled/baseline ratios of one clock's rates
/// (variants in the order float, fake quant, compiled).
nlohmann::json summarize(const std::vector<std::vector<double>> &rates,
                         const std::vector<Variant> &variants) {
  nlohmann::json out;
  std::vector<double> medians;
  for (size_t v = 0; v < variants.size(); ++v) {
    medians.push_back(bench::median(rates[v]));
    auto [lo, hi] = std::minmax_element(rates[v].begin(), rates[v].end());
    out["median"][variants[v].key] = medians.back();
    out["min"][variants[v].key] = *lo;
    out["max"][variants[v].key] = *hi;
  }
  // Per-round ratios pair measurements taken under the same load.
  std::vector<double> vsFloat, vsFakeQuant;
  for (size_t r = 0; r < rates[0].size(); ++r) {
    vsFloat.push_back(rates[2][r] / rates[0][r]);
    vsFakeQuant.push_back(rates[2][r] / rates[1][r]);
  }
  out["ratio"] = {
      {"compiled_over_libtorch_float", medians[2] / medians[0]},
      {"compiled_over_libtorch_fake_quant", medians[2] / medians[1]}};
  out["ratio_median_per_round"] = {
      {"compiled_over_libtorch_float", bench::median(vsFloat)},
      {"compiled_over_libtorch_fake_quant", bench::median(vsFakeQuant)}};
  return out;
}

nlohmann::json describeArtifact(const Artifact &artifact) {
  const qsnn_model_info &info = artifact.info();
  return {{"dir", artifact.dir},
          {"numerics", info.numerics},
          {"compiled_batch", info.batch},
          {"target_triple", info.target_triple},
          {"target_cpu", info.target_cpu},
          {"target_features", info.target_features},
          {"workspace_bytes", qsnn_model_workspace_bytes(artifact.model)}};
}

nlohmann::json describeModel(const train::ModelConfig &config) {
  return {{"arch", config.arch},
          {"dataset", config.dataset},
          {"time_steps", config.timeSteps},
          {"membrane_bits", config.membraneBits},
          {"levels", train::toString(config.levels)},
          {"fire_on", train::toString(config.fireOn)},
          {"weight_norm", train::toString(config.weightNorm)}};
}

/// Accuracy of every variant on the first `count` test images in chunks of
/// `chunk`, and the compiled artifact's argmax agreement with the fake-quant
/// network (the model it was compiled from).
nlohmann::json checkPredictions(train::Network &floatNet,
                                train::Network &fakeQuant, Artifact &artifact,
                                const data::DataSplit &split, int64_t count) {
  const int64_t chunk = 64;
  int64_t correct[3] = {0, 0, 0}, agree = 0;
  for (int64_t start = 0; start < count; start += chunk) {
    int64_t n = std::min(chunk, count - start);
    data::DataSplit part = split;
    part.samples.assign(split.sample(start), split.sample(start + n));
    at::Tensor input = inputBatch(part, n);
    std::vector<int64_t> predicted[3] = {
        libtorchVariant("", floatNet, input).predict(),
        libtorchVariant("", fakeQuant, input).predict(),
        compiledVariant(artifact, input).predict()};
    for (int64_t i = 0; i < n; ++i) {
      for (int v = 0; v < 3; ++v)
        correct[v] += predicted[v][i] == split.labels[start + i];
      agree += predicted[2][i] == predicted[1][i];
    }
  }
  auto rate = [count](int64_t hits) { return double(hits) / count; };
  return {{"images", count},
          {"accuracy",
           {{"libtorch_float", rate(correct[0])},
            {"libtorch_fake_quant", rate(correct[1])},
            {"compiled", rate(correct[2])}}},
          {"compiled_vs_fake_quant_argmax_agreement", rate(agree)}};
}

nlohmann::json run(const Options &options) {
  torch::set_num_threads(options.threads);
  try {
    at::set_num_interop_threads(1);
  } catch (const std::exception &) {
    // Already fixed by an earlier parallel call; intra-op threads matter.
  }
  auto floatNet = train::loadNetwork(options.checkpoint);
  auto fakeQuant = train::loadNetwork(options.checkpoint);
  floatNet->eval();
  fakeQuant->eval();
  floatNet->setFakeQuantization(false);
  const train::ModelConfig &config = fakeQuant->config();

  std::vector<std::unique_ptr<Artifact>> artifacts;
  for (const std::string &dir : options.artifacts)
    artifacts.push_back(std::make_unique<Artifact>(dir));

  const int64_t maxBatch =
      *std::max_element(options.batches.begin(), options.batches.end());
  data::LoadOptions load;
  load.dataDir = options.dataDir;
  load.timeSteps = config.timeSteps;
  load.eventSize =
      config.inputKind == data::InputKind::Events ? config.height : 0;
  load.loadTrain = false; // only test images are measured
  load.limitTest = std::max(maxBatch, options.checkImages);
  data::DataSplit test = data::loadDataSet(config.dataset, load).test;
  if (test.size < maxBatch)
    throw BenchError(config.dataset + " has " + std::to_string(test.size) +
                     " test images, fewer than batch " +
                     std::to_string(maxBatch));

  nlohmann::json report;
  report["tool"] = "qsnn-bench";
  report["date"] = bench::utcNow();
  std::string commit = bench::gitCommit(QSNN_BENCH_SOURCE_DIR);
  report["git_commit"] =
      commit.empty() ? nlohmann::json() : nlohmann::json(commit);
  report["machine"] = bench::describeMachine();
  report["libtorch_version"] = TORCH_VERSION;
  report["threads"] = options.threads;
  report["seconds_per_batch_size"] = options.seconds;
  report["checkpoint"] = options.checkpoint;
  report["model"] = describeModel(config);
  for (const auto &artifact : artifacts)
    report["artifacts"].push_back(describeArtifact(*artifact));
  report["baselines"] = {
      {"libtorch_float",
       "same Network, Network::setFakeQuantization(false): latent float "
       "weights, no membrane quantizer; eval, NoGradGuard"},
      {"libtorch_fake_quant",
       "trained Q-SNN in eval mode as qsnn-train eval runs it: binarized / "
       "8-bit weights recomputed per call, k-bit membranes; NoGradGuard"},
      {"compiled", "artifact through libqsnn_runtime (single-threaded code)"}};
  report["check"] =
      checkPredictions(*floatNet, *fakeQuant, *artifacts.front(), test,
                       std::min(options.checkImages, test.size));

  for (int64_t batch : options.batches) {
    at::Tensor input = inputBatch(test, batch);
    Artifact &artifact = pickArtifact(artifacts, batch);
    std::vector<Variant> variants = {
        libtorchVariant("libtorch_float", *floatNet, input),
        libtorchVariant("libtorch_fake_quant", *fakeQuant, input),
        compiledVariant(artifact, input)};
    std::fprintf(stderr, "qsnn-bench: batch %lld, %.1f s...\n",
                 static_cast<long long>(batch), options.seconds);
    // One unit = one call on a batch: rates in images per second.
    std::vector<bench::TimedWork> work;
    for (const Variant &variant : variants)
      work.push_back({[&variant](uint64_t calls) {
                        for (uint64_t i = 0; i < calls; ++i)
                          variant.run();
                      },
                      static_cast<double>(batch)});
    bench::Rates rates = bench::measureInterleaved(
        work, std::clamp(options.seconds / 30, 0.01, 0.5), options.seconds);
    nlohmann::json wall = summarize(rates.wall, variants);
    nlohmann::json entry = {
        {"batch", batch},
        {"artifact", artifact.dir},
        {"artifact_compiled_batch", artifact.info().batch},
        {"rounds", rates.wall[0].size()},
        {"images_per_s", wall["median"]},
        {"images_per_s_min", wall["min"]},
        {"images_per_s_max", wall["max"]},
        {"ratio", wall["ratio"]},
        {"ratio_median_per_round", wall["ratio_median_per_round"]},
        {"cpu_time", summarize(rates.cpu, variants)}};
    report["results"].push_back(entry);
  }
  return report;
}

void printTable(const nlohmann::json &report) {
  std::printf("%s, %d thread(s), %s, T=%lld, k=%lld, artifact numerics %s\n",
              report["machine"]["cpu"].get<std::string>().c_str(),
              report["threads"].get<int>(),
              report["model"]["arch"].get<std::string>().c_str(),
              report["model"]["time_steps"].get<long long>(),
              report["model"]["membrane_bits"].get<long long>(),
              report["artifacts"][0]["numerics"].get<std::string>().c_str());
  std::printf("%6s %16s %20s %12s %16s %21s\n", "batch", "libtorch-float",
              "libtorch-fake-quant", "compiled", "compiled/float",
              "compiled/fake-quant");
  for (const auto &entry : report["results"]) {
    const auto &rate = entry["images_per_s"];
    const auto &ratio = entry["ratio"];
    std::printf("%6lld %16.1f %20.1f %12.1f %15.2fx %20.2fx\n",
                entry["batch"].get<long long>(),
                rate["libtorch_float"].get<double>(),
                rate["libtorch_fake_quant"].get<double>(),
                rate["compiled"].get<double>(),
                ratio["compiled_over_libtorch_float"].get<double>(),
                ratio["compiled_over_libtorch_fake_quant"].get<double>());
  }
  std::printf("per CPU-second (the process's CPU time; robust to other "
              "load):\n");
  for (const auto &entry : report["results"]) {
    const auto &cpu = entry["cpu_time"];
    std::printf(
        "%6lld %16.1f %20.1f %12.1f %15.2fx %20.2fx\n",
        entry["batch"].get<long long>(),
        cpu["median"]["libtorch_float"].get<double>(),
        cpu["median"]["libtorch_fake_quant"].get<double>(),
        cpu["median"]["compiled"].get<double>(),
        cpu["ratio"]["compiled_over_libtorch_float"].get<double>(),
        cpu["ratio"]["compiled_over_libtorch_fake_quant"].get<double>());
  }
  const auto &check = report["check"];
  std::printf(
      "images/s: median over rounds (wall clock above). accuracy on %lld test "
      "images: "
      "float %.2f%%, fake-quant %.2f%%, compiled %.2f%% "
      "(argmax agreement with fake-quant %.2f%%)\n",
      check["images"].get<long long>(),
      100 * check["accuracy"]["libtorch_float"].get<double>(),
      100 * check["accuracy"]["libtorch_fake_quant"].get<double>(),
      100 * check["accuracy"]["compiled"].get<double>(),
      100 * check["compiled_vs_fake_quant_argmax_agreement"].get<double>());
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  CLI::App app{"Throughput of a compiled Q-SNN against LibTorch float and "
               "LibTorch fake quantization, measured in one interleaved run"};
  app.add_option("--checkpoint", options.checkpoint,
                 "qsnn-train checkpoint the artifact was exported from")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--artifact", options.artifacts,
                 "qsnn-compile output folder; repeat to give one per compiled "
                 "batch (each batch uses the artifact compiled for it, else "
                 "the first)")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--batches", options.batches, "batch sizes")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  app.add_option("--seconds", options.seconds,
                 "measuring time per batch size, all variants together")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", options.threads,
                 "LibTorch intra-op threads (the artifact runs on one)")
      ->check(CLI::PositiveNumber);
  app.add_option("--check-images", options.checkImages,
                 "test images for the accuracy check")
      ->check(CLI::PositiveNumber);
  app.add_option("--data-dir", options.dataDir, "data set folder");
  app.add_option("--json", options.jsonPath, "write the report here");
  if (int status = qsnn::tools::parseCommandLine(app, argc, argv, "qsnn-bench");
      status >= 0)
    return status;
  try {
    nlohmann::json report = run(options);
    printTable(report);
    if (!options.jsonPath.empty() &&
        !bench::writeJsonFile(report, options.jsonPath))
      throw BenchError("cannot write " + options.jsonPath);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "qsnn-bench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
