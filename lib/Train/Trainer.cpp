//===- Trainer.cpp - The training loop of qsnn-train fit ------------------===//

#include "qsnn/Train/Trainer.h"
#include "qsnn/Support/Progress.h"
#include "qsnn/Train/Batching.h"
#include "qsnn/Train/Checkpoint.h"
#include "qsnn/Train/Loss.h"

#include <ATen/ATen.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace qsnn::train {

namespace {

std::unique_ptr<torch::optim::Optimizer>
makeOptimizer(Network &network, const FitOptions &options, double lr) {
  // Weight decay only on conv/linear weights, not on BatchNorm or biases.
  std::vector<at::Tensor> decay = network.weightParameters();
  std::vector<at::Tensor> noDecay = network.otherParameters();
  if (options.optimizer == "sgd") {
    auto base = torch::optim::SGDOptions(lr).momentum(options.momentum);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::SGDOptions>(
                                   base.weight_decay(options.weightDecay)));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::SGDOptions>(
                                     base.weight_decay(0.0)));
    return std::make_unique<torch::optim::SGD>(std::move(groups), base);
  }
  if (options.optimizer == "adam") {
    auto base = torch::optim::AdamOptions(lr);
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamOptions>(
                                   base.weight_decay(options.weightDecay)));
    groups.emplace_back(noDecay, std::make_unique<torch::optim::AdamOptions>(
                                     base.weight_decay(0.0)));
    return std::make_unique<torch::optim::Adam>(std::move(groups), base);
  }
  throw std::invalid_argument("--optimizer: unknown optimizer '" +
                              options.optimizer + "' (sgd, adam)");
}

/// With --resume, model options given on the command line must match the
/// checkpoint: silently training a different model would be worse.
void checkResumeMatches(const ModelConfig &stored, const FitOptions &options,
                        const std::string &path) {
  const ModelConfig &asked = options.model;
  auto check = [&](const std::string &name, const std::string &storedValue,
                   const std::string &askedValue) {
    bool given = std::count(options.explicitModelOptions.begin(),
                            options.explicitModelOptions.end(), name) > 0;
    if (given && storedValue != askedValue)
      throw CheckpointError("checkpoint '" + path + "' was trained with --" +
                            name + " " + storedValue + ", not --" + name + " " +
                            askedValue);
  };
  check("arch", stored.arch, asked.arch);
  check("dataset", stored.dataset, asked.dataset);
  check("time-steps", std::to_string(stored.timeSteps),
        std::to_string(asked.timeSteps));
  check("membrane-bits", std::to_string(stored.membraneBits),
        std::to_string(asked.membraneBits));
  check("weight-bits", std::to_string(stored.weightBits),
        std::to_string(asked.weightBits));
  check("levels", toString(stored.levels), toString(asked.levels));
  check("fire-on", toString(stored.fireOn), toString(asked.fireOn));
  check("weight-norm", toString(stored.weightNorm), toString(asked.weightNorm));
}

struct EpochStats {
  double loss = 0.0, accuracy = 0.0, seconds = 0.0, lr = 0.0;
  std::vector<double> firingRates;
};

std::string formatStats(double loss, double accuracy, double rate) {
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "loss %.4f acc %.2f%% fr %.3f", loss,
                accuracy * 100.0, rate);
  return buffer;
}

double mean(const std::vector<double> &values) {
  double sum = 0.0;
  for (double v : values)
    sum += v;
  return values.empty() ? 0.0 : sum / values.size();
}

EpochStats trainEpoch(Network &network, torch::optim::Optimizer &optimizer,
                      const qsnn::data::DataSplit &train,
                      const FitOptions &options, int64_t epoch, double baseLr) {
  network.train();
  std::mt19937_64 rng(options.seed * 1000003u + static_cast<uint64_t>(epoch));
  std::vector<int64_t> order(train.size);
  for (int64_t i = 0; i < train.size; ++i)
    order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);

  const qsnn::data::AugmentOptions &a = options.augment;
  const bool augment =
      a.horizontalFlip || a.cropPadding > 0 || a.cutout > 0 || a.neuromorphic;
  const int64_t steps = network.config().timeSteps;
  const int64_t batches =
      (train.size + options.batchSize - 1) / options.batchSize;
  const int64_t totalIterations = batches * options.epochs;
  const size_t layers = network.spikingLayers().size();

  EpochStats stats;
  stats.firingRates.assign(layers, 0.0);
  double lossSum = 0.0;
  int64_t correct = 0, seen = 0;
  qsnn::support::ProgressBar bar("epoch " + std::to_string(epoch + 1) + "/" +
                                     std::to_string(options.epochs),
                                 train.size);
  for (int64_t b = 0; b < batches; ++b) {
    // Cosine annealing per iteration, from baseLr to 0 over all epochs.
    const double progress =
        static_cast<double>(epoch * batches + b) / totalIterations;
    const double lr = 0.5 * baseLr * (1.0 + std::cos(M_PI * progress));
    for (auto &group : optimizer.param_groups())
      group.options().set_lr(lr);
    if (b == 0)
      stats.lr = lr;

    std::vector<int64_t> indices(
        order.begin() + b * options.batchSize,
        order.begin() + std::min(train.size, (b + 1) * options.batchSize));
    Batch batch = makeBatch(train, indices, augment ? &a : nullptr, rng);
    at::Tensor stepLogits = network.forward(batch.inputs);
    std::vector<at::Tensor> rates;
    for (const auto &lif : network.spikingLayers())
      rates.push_back(lif->firingRate());
    at::Tensor loss =
        qsnnLoss(stepLogits, batch.labels, steps, rates, options.lambda);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();

    const int64_t n = static_cast<int64_t>(indices.size());
    lossSum += loss.item<double>() * n;
    correct += network.meanOverTime(stepLogits.detach())
                   .argmax(1)
                   .eq(batch.labels)
                   .sum()
                   .item<int64_t>();
    seen += n;
    std::vector<double> batchRates;
    for (size_t l = 0; l < layers; ++l) {
      batchRates.push_back(rates[l].item<double>());
      stats.firingRates[l] += batchRates.back() * n;
    }
    bar.update(seen,
               formatStats(lossSum / seen, static_cast<double>(correct) / seen,
                           mean(batchRates)));
  }
  stats.loss = lossSum / std::max<int64_t>(seen, 1);
  stats.accuracy = static_cast<double>(correct) / std::max<int64_t>(seen, 1);
  for (double &rate : stats.firingRates)
    rate /= std::max<int64_t>(seen, 1);
  stats.seconds = bar.elapsedSeconds();
  bar.finish(formatStats(stats.loss, stats.accuracy, mean(stats.firingRates)));
  return stats;
}

void appendMetrics(const fs::path &path, const nlohmann::json &line) {
  std::ofstream out(path, std::ios::app);
  out << line.dump() << "\n";
  if (!out.flush())
    throw std::runtime_error("cannot append to '" + path.string() + "'");
}

void checkDataMatches(const ModelConfig &config,
                      const qsnn::data::DataSet &data,
                      const std::string &path) {
  const qsnn::data::DataSplit &s = data.train;
  if (s.channels != config.channels || s.height != config.height ||
      s.width != config.width || data.numClasses != config.numClasses)
    throw CheckpointError("checkpoint '" + path +
                          "' expects inputs and classes that data set '" +
                          data.name + "' does not have");
}

} // namespace

qsnn::data::DataSet loadDataFor(const ModelConfig &config,
                                const std::string &dataDir, int64_t limitTrain,
                                int64_t limitTest) {
  qsnn::data::LoadOptions load;
  load.dataDir = dataDir;
  load.timeSteps = config.timeSteps;
  load.limitTrain = limitTrain;
  load.limitTest = limitTest;
  load.loadTrain = limitTrain != 0; // eval and export read only the test split
  // Event frames may have been resized for training; load them the same way.
  if (config.inputKind == qsnn::data::InputKind::Events &&
      config.height == config.width)
    load.eventSize = config.height;
  return qsnn::data::loadDataSet(config.dataset, load);
}

/// Loads the training data; a fresh run takes the input shape, classes and
/// normalization from it, a resumed one must find what the checkpoint saw.
static qsnn::data::DataSet loadFitData(const FitOptions &options,
                                       const std::string &checkpoint,
                                       ModelConfig &config) {
  qsnn::data::DataSet data;
  if (options.resume) {
    data = loadDataFor(config, options.dataDir, options.limitTrain,
                       options.limitTest);
  } else {
    qsnn::data::LoadOptions load;
    load.dataDir = options.dataDir;
    load.timeSteps = config.timeSteps;
    load.eventSize = options.eventSize;
    load.limitTrain = options.limitTrain;
    load.limitTest = options.limitTest;
    data = qsnn::data::loadDataSet(config.dataset, load);
  }
  if (data.train.kind == qsnn::data::InputKind::Events &&
      data.train.timeSteps != config.timeSteps)
    throw qsnn::data::DataError("data set '" + data.name + "' has " +
                                std::to_string(data.train.timeSteps) +
                                " time bins, the model " +
                                std::to_string(config.timeSteps));
  if (options.resume) {
    checkDataMatches(config, data, checkpoint);
  } else {
    config.numClasses = data.numClasses;
    config.classNames = data.classNames;
    config.inputKind = data.train.kind;
    config.channels = data.train.channels;
    config.height = data.train.height;
    config.width = data.train.width;
    if (config.inputKind == qsnn::data::InputKind::Static)
      computeInputNormalization(data.train, config);
  }
  return data;
}

EvalResult evaluate(Network &network, const qsnn::data::DataSplit &split,
                    int64_t batchSize) {
  torch::NoGradGuard noGrad;
  network.eval();
  const size_t layers = network.spikingLayers().size();
  EvalResult result;
  result.firingRates.assign(layers, 0.0);
  int64_t correct = 0;
  std::mt19937_64 unusedRng(0);
  for (int64_t first = 0; first < split.size; first += batchSize) {
    Batch batch = makeBatch(split, rangeIndices(split, first, batchSize),
                            nullptr, unusedRng);
    at::Tensor logits = network.meanOverTime(network.forward(batch.inputs));
    correct += logits.argmax(1).eq(batch.labels).sum().item<int64_t>();
    const int64_t n = batch.labels.size(0);
    for (size_t l = 0; l < layers; ++l)
      result.firingRates[l] +=
          network.spikingLayers()[l]->firingRate().item<double>() * n;
    result.samples += n;
  }
  const double n = static_cast<double>(std::max<int64_t>(result.samples, 1));
  result.accuracy = correct / n;
  for (double &rate : result.firingRates)
    rate /= n;
  return result;
}

void runFit(const FitOptions &options) {
  if (options.batchSize < 1 || options.epochs < 1)
    throw std::invalid_argument("--batch-size and --epochs must be >= 1");
  if (options.threads > 0)
    torch::set_num_threads(options.threads);
  torch::manual_seed(options.seed);
  const fs::path dir = options.outputDir;
  const std::string checkpoint = (dir / "checkpoint.pt").string();

  ModelConfig config = options.model;
  if (options.resume) {
    config = readCheckpointConfig(checkpoint);
    checkResumeMatches(config, options, checkpoint);
  } else if (fs::exists(checkpoint) && !options.overwrite) {
    throw std::invalid_argument(
        "--output: '" + dir.string() +
        "' already holds a checkpoint; pass --resume to continue it or "
        "--overwrite to start over");
  }

  qsnn::data::DataSet data = loadFitData(options, checkpoint, config);

  std::shared_ptr<Network> network = options.resume
                                         ? loadNetwork(checkpoint)
                                         : std::make_shared<Network>(config);
  const double baseLr =
      options.lr > 0 ? options.lr : (options.optimizer == "adam" ? 1e-3 : 0.1);
  auto optimizer = makeOptimizer(*network, options, baseLr);
  TrainingState state;
  if (options.resume)
    state = loadTrainingState(checkpoint, optimizer.get());

  fs::create_directories(dir);
  const fs::path metrics = dir / "metrics.jsonl";
  if (!options.resume)
    std::ofstream(metrics, std::ios::trunc);
  nlohmann::json fitJson = {
      {"optimizer", options.optimizer}, {"lr", baseLr},
      {"epochs", options.epochs},       {"batch_size", options.batchSize},
      {"lambda", options.lambda},       {"seed", options.seed}};
  state.fitOptionsJson = fitJson.dump();
  if (state.epochsDone >= options.epochs)
    std::fprintf(stderr, "%s: already trained %lld of %lld epochs\n",
                 checkpoint.c_str(), static_cast<long long>(state.epochsDone),
                 static_cast<long long>(options.epochs));

  for (int64_t epoch = state.epochsDone; epoch < options.epochs; ++epoch) {
    EpochStats train =
        trainEpoch(*network, *optimizer, data.train, options, epoch, baseLr);
    EvalResult test = evaluate(*network, data.test, options.batchSize);
    std::vector<double> signBalance;
    for (const auto &unit : network->binaryUnits())
      signBalance.push_back(unit->signBalance());
    appendMetrics(metrics, {{"epoch", epoch + 1},
                            {"loss", train.loss},
                            {"train_accuracy", train.accuracy},
                            {"test_accuracy", test.accuracy},
                            {"firing_rate", train.firingRates},
                            {"test_firing_rate", test.firingRates},
                            {"weight_sign_balance", signBalance},
                            {"lr", train.lr},
                            {"seconds", train.seconds}});
    std::fprintf(stderr, "epoch %lld: test accuracy %.2f%% (%lld images)\n",
                 static_cast<long long>(epoch + 1), test.accuracy * 100.0,
                 static_cast<long long>(test.samples));
    state.epochsDone = epoch + 1;
    saveCheckpoint(checkpoint, *network, optimizer.get(), state);
  }
}

} // namespace qsnn::train
