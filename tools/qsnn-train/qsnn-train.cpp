//===- qsnn-train.cpp - Train, evaluate and export Q-SNNs -----------------===//
//
//   qsnn-train fit [options]                 train, write DIR/checkpoint.pt
//   qsnn-train eval CKPT [--data-dir D]      test accuracy of a checkpoint
//   qsnn-train export CKPT -o DIR [--test-vectors N]
//
// See docs/train.md for every option.
//
//===----------------------------------------------------------------------===//

#include "DistributedArgs.h"
#include "Launch.h"
#include "UsageErrors.h"
#include "qsnn/Train/Checkpoint.h"
#include "qsnn/Train/ModelExport.h"
#include "qsnn/Train/OnnxExport.h"
#include "qsnn/Train/Trainer.h"

#include <ATen/ATen.h>
#include <CLI/CLI.hpp>
#include <torch/utils.h>

#include <cstdio>
#include <map>

using namespace qsnn::train;

using qsnn::tools::finiteIn;
using qsnn::tools::integerIn;

namespace {

void addFitCommand(CLI::App &app, FitOptions &fit,
                   std::map<std::string, CLI::Option *> &modelOptions,
                   std::string &weightNorm, std::string &levels,
                   std::string &fireOn) {
  CLI::App *cmd = app.add_subcommand("fit", "Train a Q-SNN");
  ModelConfig &m = fit.model;
  modelOptions["dataset"] =
      cmd->add_option("--dataset", m.dataset, "Data set")
          ->check(CLI::IsMember(qsnn::data::knownDataSets()))
          ->capture_default_str();
  cmd->add_option("--data-dir", fit.dataDir,
                  "Data directory (default: the set's standard location)");
  modelOptions["arch"] = cmd->add_option("--arch", m.arch, "Architecture")
                             ->check(CLI::IsMember(knownArchitectures()))
                             ->capture_default_str();
  modelOptions["time-steps"] =
      cmd->add_option("--time-steps,-T", m.timeSteps, "Time steps T")
          ->check(integerIn(1, 1024))
          ->capture_default_str();
  modelOptions["membrane-bits"] =
      cmd->add_option("--membrane-bits", m.membraneBits,
                      "Membrane bits k (32: unquantized)")
          ->check(CLI::IsMember({2, 4, 8, 32}))
          ->capture_default_str();
  modelOptions["weight-bits"] =
      cmd->add_option("--weight-bits", m.weightBits,
                      "Weight bits: 1 (binary hidden, 8-bit first/last "
                      "layer) or 32 (all float, no WS-DR)")
          ->check(CLI::IsMember({1, 32}))
          ->capture_default_str();
  modelOptions["levels"] =
      cmd->add_option("--levels", levels,
                      "signed: L = 2^(k-1)-1; paper: L = 2^k-1 (Eq. 8)")
          ->check(CLI::IsMember({"signed", "paper"}))
          ->capture_default_str();
  modelOptions["fire-on"] =
      cmd->add_option("--fire-on", fireOn,
                      "Threshold the full-precision or quantized membrane")
          ->check(CLI::IsMember({"full", "quantized"}))
          ->capture_default_str();
  modelOptions["weight-norm"] =
      cmd->add_option("--weight-norm", weightNorm,
                      "WS-DR weight standardization (Eq. 14)")
          ->check(CLI::IsMember({"layer", "channel", "none"}))
          ->capture_default_str();
  cmd->add_option("--lambda", fit.lambda, "Firing-rate loss weight (Eq. 16)")
      ->check(finiteIn(0, 1e6))
      ->capture_default_str();
  cmd->add_option("--optimizer", fit.optimizer, "Optimizer")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  cmd->add_option("--lr", fit.lr,
                  "Initial learning rate (default 0.1 SGD, 1e-3 Adam)")
      ->check(finiteIn(0, 100, /*openLow=*/true));
  cmd->add_option("--momentum", fit.momentum, "SGD momentum")
      ->check(finiteIn(0, 0.999999))
      ->capture_default_str();
  cmd->add_option("--weight-decay", fit.weightDecay,
                  "Weight decay on conv/linear weights")
      ->check(finiteIn(0, 1))
      ->capture_default_str();
  cmd->add_option("--epochs", fit.epochs, "Epochs (cosine schedule length)")
      ->check(integerIn(1, 100000))
      ->capture_default_str();
  cmd->add_option("--batch,--batch-size", fit.batchSize,
                  "Samples per training step (--batch-size is an alias)")
      ->check(integerIn(1, 1 << 20))
      ->capture_default_str();
  cmd->add_option("--seed", fit.seed, "Random seed")->capture_default_str();
  cmd->add_option("--threads", fit.threads,
                  "Intra-op threads (0: LibTorch default)")
      ->check(integerIn(0, 1024))
      ->capture_default_str();
  cmd->add_option("--limit-train", fit.limitTrain,
                  "Use the first N training images (-1: all)")
      ->check(integerIn(1, INT64_MAX, -1))
      ->capture_default_str();
  cmd->add_option("--limit-test", fit.limitTest,
                  "Use the first N test images (-1: all)")
      ->check(integerIn(1, INT64_MAX, -1))
      ->capture_default_str();
  cmd->add_option("--event-size", fit.eventSize,
                  "Resize event frames to SxS (0: native)")
      ->check(integerIn(0, 4096))
      ->capture_default_str();
  cmd->add_flag("--hflip", fit.augment.horizontalFlip,
                "Augment: random horizontal flips");
  cmd->add_option("--crop-padding", fit.augment.cropPadding,
                  "Augment: random crop after zero padding (0: off)")
      ->check(integerIn(0, 256))
      ->capture_default_str();
  cmd->add_option("--cutout", fit.augment.cutout,
                  "Augment: cutout square side (0: off)")
      ->check(integerIn(0, 4096))
      ->capture_default_str();
  cmd->add_flag("--nda", fit.augment.neuromorphic,
                "Augment event frames (roll/rotate/cutout)");
  cmd->add_option("--output,-o", fit.outputDir,
                  "Output directory (checkpoint.pt, metrics.jsonl)")
      ->capture_default_str();
  cmd->add_flag("--resume", fit.resume, "Continue from OUTPUT/checkpoint.pt");
  cmd->add_flag("--overwrite", fit.overwrite,
                "Start over even if OUTPUT holds a checkpoint");
  qsnn::tools::addDistributedOptions(cmd, fit);
}

int runEvalCommand(const std::string &checkpoint, const std::string &dataDir,
                   int64_t limitTest, int64_t batchSize) {
  auto network = loadNetwork(checkpoint);
  qsnn::data::DataSet data =
      loadDataFor(network->config(), dataDir, 0, limitTest);
  EvalResult result = evaluate(*network, data.test, batchSize);
  std::printf("{\"test_accuracy\": %.6f, \"samples\": %lld}\n", result.accuracy,
              static_cast<long long>(result.samples));
  return 0;
}

int runExportCommand(const std::string &checkpoint, const std::string &dir,
                     int64_t testVectors, const std::string &dataDir) {
  auto network = loadNetwork(checkpoint);
  at::Tensor inputs;
  if (testVectors > 0) {
    qsnn::data::DataSet data =
        loadDataFor(network->config(), dataDir, 0, testVectors);
    const qsnn::data::DataSplit &test = data.test;
    std::vector<int64_t> shape = {test.size, test.channels, test.height,
                                  test.width};
    at::Tensor samples =
        at::from_blob(const_cast<uint8_t *>(test.samples.data()),
                      {test.size, test.sampleBytes()}, at::kByte)
            .clone();
    if (test.kind == qsnn::data::InputKind::Static)
      inputs = samples.view(shape);
    else
      inputs = samples
                   .view({test.size, test.timeSteps, test.channels, test.height,
                          test.width})
                   .transpose(0, 1)
                   .contiguous();
  }
  exportToDirectory(*network, dir, inputs);
  std::fprintf(stderr, "wrote %s/model.onnx%s\n", dir.c_str(),
               testVectors > 0 ? " and test_data_set_0/" : "");
  return 0;
}

} // namespace

namespace {

/// The whole command line: fit, eval, export and launch.
struct CommandLine {
  CLI::App app{"qsnn-train: train, evaluate and export quantized spiking "
               "neural networks"};
  FitOptions fit;
  std::map<std::string, CLI::Option *> modelOptions;
  std::string weightNorm = "channel", levels = "signed", fireOn = "full";
  std::string evalCheckpoint, evalDataDir;
  int64_t evalLimit = -1, evalBatch = 256;
  std::string exportCheckpoint, exportDir, exportDataDir;
  int64_t testVectors = 16;
  qsnn::tools::LaunchOptions launch;
  CLI::App *launchCommand = nullptr;

  CommandLine();
  /// -1: run; otherwise the exit status (help printed, or a usage error).
  int parse(int argc, char **argv);
};

CommandLine::CommandLine() {
  app.require_subcommand(1);
  addFitCommand(app, fit, modelOptions, weightNorm, levels, fireOn);

  CLI::App *eval = app.add_subcommand("eval", "Test accuracy of a checkpoint");
  eval->add_option("checkpoint", evalCheckpoint, "checkpoint.pt")->required();
  eval->add_option("--data-dir", evalDataDir, "Data directory");
  eval->add_option("--limit-test", evalLimit, "First N test images")
      ->check(integerIn(1, INT64_MAX, -1))
      ->capture_default_str();
  eval->add_option("--batch,--batch-size", evalBatch,
                   "Samples per evaluation step (--batch-size is an alias)")
      ->check(integerIn(1, 1 << 20))
      ->capture_default_str();

  CLI::App *exp = app.add_subcommand(
      "export", "Write model.onnx (schema ai.qsnn v1) and test vectors");
  exp->add_option("checkpoint", exportCheckpoint, "checkpoint.pt")->required();
  exp->add_option("--output,-o", exportDir, "Output directory")->required();
  exp->add_option("--test-vectors", testVectors,
                  "Test images in test_data_set_0 (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  exp->add_option("--data-dir", exportDataDir,
                  "Data directory for the test vectors");
  launchCommand = qsnn::tools::addLaunchCommand(app, launch);
}

int CommandLine::parse(int argc, char **argv) {
  if (int status = qsnn::tools::parseCommandLine(app, argc, argv, "qsnn-train");
      status >= 0)
    return status;
  if (app.got_subcommand("fit"))
    return qsnn::tools::resolveDistributedOptions(app, fit);
  return -1;
}

void finishFitOptions(CommandLine &cl) {
  FitOptions &fit = cl.fit;
  fit.model.weightNorm = parseWeightNorm(cl.weightNorm);
  fit.model.levels = parseLevelMode(cl.levels);
  fit.model.fireOn = parseFireOn(cl.fireOn);
  for (const auto &[name, option] : cl.modelOptions)
    if (option->count() > 0)
      fit.explicitModelOptions.push_back(name);
  if (fit.model.weightBits == 32) {
    // WS-DR belongs to the binarizer: float weights are used as they
    // are, so an explicit norm would be silently ignored.
    if (cl.modelOptions["weight-norm"]->count() > 0 &&
        fit.model.weightNorm != WeightNorm::None)
      throw std::invalid_argument(
          "--weight-norm " + cl.weightNorm +
          " has no effect with --weight-bits 32 (float weights are not "
          "standardized); omit it or pass none");
    fit.model.weightNorm = WeightNorm::None;
  }
}

/// `launch ... fit ...`: the fit command line is checked here, once, before
/// any worker starts.
int launchWorkers(CommandLine &cl, char *argv0) {
  std::vector<std::string> command = cl.launchCommand->remaining();
  if (command.empty() || command.front() != "fit") {
    std::fprintf(stderr,
                 "qsnn-train: error: launch runs 'fit ...', got '%s' "
                 "(see qsnn-train --help)\n",
                 command.empty() ? "" : command.front().c_str());
    return qsnn::tools::kUsageError;
  }
  if (cl.launch.nodeRank >= cl.launch.nnodes) {
    std::fprintf(stderr,
                 "qsnn-train: error: --node-rank %d must be below "
                 "--nnodes %d (see qsnn-train --help)\n",
                 cl.launch.nodeRank, cl.launch.nnodes);
    return qsnn::tools::kUsageError;
  }
  if (int status = qsnn::tools::checkLaunchedFit(command); status >= 0)
    return status;
  std::vector<char *> args = {argv0};
  for (std::string &arg : command)
    args.push_back(arg.data());
  CommandLine check;
  // Workers get their rank from the environment the launcher sets.
  qsnn::tools::clearDistributedEnvironment();
  if (int status = check.parse(static_cast<int>(args.size()), args.data());
      status >= 0)
    return status;
  return qsnn::tools::runLaunch(cl.launch, argv0, command);
}

} // namespace

int main(int argc, char **argv) {
  CommandLine cl;
  if (int status = cl.parse(argc, argv); status >= 0)
    return status;
  if (cl.app.got_subcommand("launch"))
    return launchWorkers(cl, argv[0]);

  const std::string rankPrefix =
      cl.fit.distributed.worldSize > 1
          ? "rank " + std::to_string(cl.fit.distributed.rank) + ": "
          : "";
  const char *prefix = rankPrefix.c_str();
  try {
    if (cl.app.got_subcommand("fit")) {
      finishFitOptions(cl);
      runFit(cl.fit);
      return 0;
    }
    if (cl.app.got_subcommand("eval"))
      return runEvalCommand(cl.evalCheckpoint, cl.evalDataDir, cl.evalLimit,
                            cl.evalBatch);
    return runExportCommand(cl.exportCheckpoint, cl.exportDir, cl.testVectors,
                            cl.exportDataDir);
  } catch (const qsnn::data::DataError &e) {
    std::fprintf(stderr, "qsnn-train: %sdata error: %s\n", prefix, e.what());
  } catch (const CheckpointError &e) {
    std::fprintf(stderr, "qsnn-train: %s%s\n", prefix, e.what());
  } catch (const ExportError &e) {
    std::fprintf(stderr, "qsnn-train: export failed: %s\n", e.what());
  } catch (const DistributedError &e) {
    std::fprintf(stderr, "qsnn-train: %s%s\n", prefix, e.what());
  } catch (const std::invalid_argument &e) {
    std::fprintf(stderr, "qsnn-train: %s%s\n", prefix, e.what());
  } catch (const std::exception &e) {
    std::fprintf(stderr, "qsnn-train: %serror: %s\n", prefix, e.what());
  }
  return 1;
}
