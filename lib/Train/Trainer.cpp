//===- Trainer.cpp - The training loop of qsnn-train fit ------------------===//

#include "qsnn/Train/Trainer.h"
#include "qsnn/Support/Progress.h"
#include "qsnn/Train/Batching.h"
#include "qsnn/Train/Checkpoint.h"
#include "qsnn/Train/Loss.h"
#include "qsnn/Train/Sampler.h"

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
#include <functional>

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

/// What one process needs to take part in distributed training (null
/// members: one process).
struct Replication {
  Distributed *distributed = nullptr;
  GradientSync *gradients = nullptr;
  /// BatchNorm running buffers, broadcast from rank 0 after every step.
  std::vector<at::Tensor> batchNormBuffers;
  std::ofstream checksums;
  int rank() const { return distributed ? distributed->rank() : 0; }
  int world() const { return distributed ? distributed->worldSize() : 1; }
};

/// The loss of one step and the numbers behind its metrics, over all ranks.
struct StepResult {
  at::Tensor loss;      ///< This rank's loss, to differentiate.
  double lossValue = 0; ///< The global batch's loss.
  int64_t correct = 0, samples = 0;
  std::vector<double> rates; ///< f_l of the global batch.
};

StepResult stepLoss(Network &network, const Batch &batch,
                    const FitOptions &options, Replication &replication) {
  const int64_t steps = network.config().timeSteps;
  at::Tensor stepLogits = network.forward(batch.inputs);
  std::vector<at::Tensor> rates;
  for (const auto &lif : network.spikingLayers())
    rates.push_back(lif->firingRate());
  const int64_t n = batch.labels.size(0);
  const int64_t correct = network.meanOverTime(stepLogits.detach())
                              .argmax(1)
                              .eq(batch.labels)
                              .sum()
                              .item<int64_t>();
  StepResult result;
  if (!replication.distributed) {
    result.loss =
        qsnnLoss(stepLogits, batch.labels, steps, rates, options.lambda);
    result.lossValue = result.loss.item<double>();
    result.correct = correct;
    result.samples = n;
    for (const at::Tensor &rate : rates)
      result.rates.push_back(rate.item<double>());
    return result;
  }
  // One allreduce for the metrics and the firing rates of the global batch
  // (every rank has as many samples, see Sampler.h).
  at::Tensor ce = timeAveragedCrossEntropy(stepLogits, batch.labels, steps);
  std::vector<double> local = {ce.item<double>() * n, double(correct),
                               double(n)};
  for (const at::Tensor &rate : rates)
    local.push_back(rate.item<double>() * n);
  at::Tensor sums = at::tensor(local, at::kDouble);
  replication.distributed->allreduce(sums, ReduceKind::Sum);
  const double total = sums[2].item<double>();
  result.samples = static_cast<int64_t>(total);
  result.correct = static_cast<int64_t>(sums[1].item<double>());
  // L_s of the global rates; its gradient reaches this rank through its own
  // rates, so the averaged gradients are those of one process.
  std::vector<at::Tensor> globalRates;
  for (size_t l = 0; l < rates.size(); ++l) {
    const double f = sums[3 + l].item<double>() / total;
    result.rates.push_back(f);
    globalRates.push_back(rates[l] + (f - rates[l].detach()));
  }
  result.loss = options.lambda == 0.0
                    ? ce
                    : ce + options.lambda * firingRateLoss(globalRates);
  result.lossValue = sums[0].item<double>() / total;
  if (options.lambda != 0.0) {
    double ls = 0.0;
    for (size_t l = 1; l + 1 < result.rates.size(); ++l)
      ls += (result.rates[l] - 0.5) * (result.rates[l] - 0.5);
    result.lossValue += options.lambda * ls;
  }
  return result;
}

EpochStats trainEpoch(Network &network, torch::optim::Optimizer &optimizer,
                      const qsnn::data::DataSplit &train,
                      const FitOptions &options, int64_t epoch, double baseLr,
                      Replication &replication, TrainingState &state) {
  network.train();
  const int world = replication.world(), rank = replication.rank();
  std::mt19937_64 rng = epochGenerator(options.seed, epoch);
  std::vector<std::vector<int64_t>> shard =
      epochShard(rng, train.size, options.batchSize, world, rank);
  if (rank > 0) // Other ranks augment their own samples differently.
    rng.seed(options.seed * 1000003u + static_cast<uint64_t>(epoch) +
             7919u * static_cast<uint64_t>(rank));

  const qsnn::data::AugmentOptions &a = options.augment;
  const bool augment =
      a.horizontalFlip || a.cropPadding > 0 || a.cutout > 0 || a.neuromorphic;
  const int64_t batches = static_cast<int64_t>(shard.size());
  const int64_t totalIterations = batches * options.epochs;
  const size_t layers = network.spikingLayers().size();

  EpochStats stats;
  stats.firingRates.assign(layers, 0.0);
  double lossSum = 0.0;
  int64_t correct = 0, seen = 0;
  std::unique_ptr<qsnn::support::ProgressBar> bar;
  if (rank == 0)
    bar = std::make_unique<qsnn::support::ProgressBar>(
        "epoch " + std::to_string(epoch + 1) + "/" +
            std::to_string(options.epochs),
        paddedEpochSize(train.size, world));
  for (int64_t b = 0; b < batches; ++b) {
    if (replication.distributed)
      replication.distributed->setProgress(state.stepsDone);
    // Cosine annealing per iteration, from baseLr to 0 over all epochs.
    const double progress =
        static_cast<double>(epoch * batches + b) / totalIterations;
    const double lr = 0.5 * baseLr * (1.0 + std::cos(M_PI * progress));
    for (auto &group : optimizer.param_groups())
      group.options().set_lr(lr);
    if (b == 0)
      stats.lr = lr;

    Batch batch = makeBatch(train, shard[b], augment ? &a : nullptr, rng);
    StepResult step = stepLoss(network, batch, options, replication);
    optimizer.zero_grad();
    if (replication.gradients)
      replication.gradients->prepare();
    step.loss.backward();
    if (replication.gradients)
      replication.gradients->finish();
    optimizer.step();
    ++state.stepsDone;
    if (replication.distributed) // DDP's broadcast_buffers
      replication.distributed->broadcastTensors(replication.batchNormBuffers);
    if (replication.checksums.is_open())
      replication.checksums << epoch + 1 << " " << state.stepsDone << " "
                            << std::hex << replicaChecksum(network) << std::dec
                            << std::endl;

    lossSum += step.lossValue * step.samples;
    correct += step.correct;
    seen += step.samples;
    for (size_t l = 0; l < layers; ++l)
      stats.firingRates[l] += step.rates[l] * step.samples;
    if (bar)
      bar->update(seen, formatStats(lossSum / seen,
                                    static_cast<double>(correct) / seen,
                                    mean(step.rates)));
  }
  stats.loss = lossSum / std::max<int64_t>(seen, 1);
  stats.accuracy = static_cast<double>(correct) / std::max<int64_t>(seen, 1);
  for (double &rate : stats.firingRates)
    rate /= std::max<int64_t>(seen, 1);
  if (bar) {
    stats.seconds = bar->elapsedSeconds();
    bar->finish(
        formatStats(stats.loss, stats.accuracy, mean(stats.firingRates)));
  }
  return stats;
}

/// The test accuracy over all ranks, each evaluating its slice.
EvalResult evaluateReplicated(Network &network,
                              const qsnn::data::DataSplit &split,
                              int64_t batchSize, Replication &replication) {
  const int world = replication.world(), rank = replication.rank();
  if (world == 1)
    return evaluate(network, split, batchSize);
  EvalResult mine =
      evaluateRange(network, split, batchSize, split.size * rank / world,
                    split.size * (rank + 1) / world);
  std::vector<double> local = {mine.accuracy * mine.samples,
                               double(mine.samples)};
  for (double rate : mine.firingRates)
    local.push_back(rate * mine.samples);
  at::Tensor sums = at::tensor(local, at::kDouble);
  replication.distributed->allreduce(sums, ReduceKind::Sum);
  EvalResult all;
  all.samples = static_cast<int64_t>(sums[1].item<double>());
  const double n = std::max<double>(all.samples, 1);
  all.accuracy = sums[0].item<double>() / n;
  for (size_t l = 0; l < mine.firingRates.size(); ++l)
    all.firingRates.push_back(sums[2 + l].item<double>() / n);
  return all;
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
  return evaluateRange(network, split, batchSize, 0, split.size);
}

EvalResult evaluateRange(Network &network, const qsnn::data::DataSplit &split,
                         int64_t batchSize, int64_t begin, int64_t end) {
  torch::NoGradGuard noGrad;
  network.eval();
  const size_t layers = network.spikingLayers().size();
  EvalResult result;
  result.firingRates.assign(layers, 0.0);
  int64_t correct = 0;
  std::mt19937_64 unusedRng(0);
  for (int64_t first = begin; first < end; first += batchSize) {
    Batch batch = makeBatch(
        split, rangeIndices(split, first, std::min(batchSize, end - first)),
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

namespace {

/// The options every rank must share, by their command-line names.
std::string sharedOptionsJson(const FitOptions &o) {
  const ModelConfig &m = o.model;
  const qsnn::data::AugmentOptions &a = o.augment;
  nlohmann::json j = {{"world-size", o.distributed.worldSize},
                      {"dataset", m.dataset},
                      {"arch", m.arch},
                      {"time-steps", m.timeSteps},
                      {"membrane-bits", m.membraneBits},
                      {"weight-bits", m.weightBits},
                      {"levels", toString(m.levels)},
                      {"fire-on", toString(m.fireOn)},
                      {"weight-norm", toString(m.weightNorm)},
                      {"lambda", o.lambda},
                      {"optimizer", o.optimizer},
                      {"lr", o.lr},
                      {"momentum", o.momentum},
                      {"weight-decay", o.weightDecay},
                      {"epochs", o.epochs},
                      {"batch", o.batchSize},
                      {"seed", o.seed},
                      {"limit-train", o.limitTrain},
                      {"limit-test", o.limitTest},
                      {"event-size", o.eventSize},
                      {"hflip", a.horizontalFlip},
                      {"crop-padding", a.cropPadding},
                      {"cutout", a.cutout},
                      {"nda", a.neuromorphic},
                      {"resume", o.resume},
                      {"sync-bn", o.distributed.syncBatchNorm},
                      {"allow-batch-change", o.allowBatchChange},
                      {"timeout", o.distributed.timeoutSeconds}};
  return j.dump();
}

/// With --resume, the checkpoint's global batch must be this run's.
void checkGlobalBatch(const TrainingState &state, const FitOptions &options,
                      const std::string &path) {
  int64_t stored = state.globalBatch;
  if (stored == 0) // Written before the field existed, by one process.
    stored = nlohmann::json::parse(state.fitOptionsJson)
                 .value("batch_size", int64_t(0));
  const int64_t world = options.distributed.worldSize;
  const int64_t now = options.batchSize * world;
  if (stored == now || options.allowBatchChange || stored == 0)
    return;
  throw CheckpointError("checkpoint '" + path +
                        "' was trained with a global batch of " +
                        std::to_string(stored) + " (" +
                        std::to_string(std::max<int64_t>(state.worldSize, 1)) +
                        " process(es)), this run has " + std::to_string(now) +
                        " (" + std::to_string(world) + " x --batch " +
                        std::to_string(options.batchSize) +
                        "); pass --allow-batch-change to continue with it");
}

/// BatchNorm running means and variances of every unit, in module order.
std::vector<at::Tensor> batchNormBuffers(Network &network) {
  std::vector<at::Tensor> buffers;
  for (const auto &item : network.named_buffers()) {
    const std::string &name = item.key();
    if (name.find("running_mean") != std::string::npos ||
        name.find("running_var") != std::string::npos)
      buffers.push_back(item.value());
  }
  return buffers;
}

} // namespace

void runFit(const FitOptions &options) {
  if (options.batchSize < 1 || options.epochs < 1)
    throw std::invalid_argument("--batch-size and --epochs must be >= 1");
  if (options.threads > 0)
    torch::set_num_threads(options.threads);
  torch::manual_seed(options.seed);
  const fs::path dir = options.outputDir;
  const std::string checkpoint = (dir / "checkpoint.pt").string();

  std::unique_ptr<Distributed> distributed;
  if (options.distributed.worldSize > 1)
    distributed = std::make_unique<Distributed>(options.distributed);
  const bool leader = !distributed || distributed->rank() == 0;
  // Runs `work` on every rank; when distributed, a failure on any rank
  // stops all of them with its message.
  auto everywhere = [&](const std::string &stage,
                        const std::function<void()> &work) {
    if (distributed)
      distributed->agree(stage, work);
    else
      work();
  };
  everywhere("options", [&] {
    if (distributed)
      distributed->compareOptions(sharedOptionsJson(options));
  });

  // Rank 0 owns the output directory; the others get the checkpoint's
  // bytes from it (they may run on machines without that directory).
  ModelConfig config = options.model;
  std::string bytes;
  everywhere("checkpoint", [&] {
    if (!leader)
      return;
    if (options.resume) {
      bytes = readCheckpointBytes(checkpoint);
      config = readCheckpointConfig(checkpoint, &bytes);
      checkResumeMatches(config, options, checkpoint);
      if (distributed)
        distributed->publish("checkpoint", bytes);
    } else if (fs::exists(checkpoint) && !options.overwrite) {
      throw std::invalid_argument(
          "--output: '" + dir.string() +
          "' already holds a checkpoint; pass --resume to continue it or "
          "--overwrite to start over");
    }
  });

  qsnn::data::DataSet data;
  std::shared_ptr<Network> network;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  TrainingState state;
  const double baseLr =
      options.lr > 0 ? options.lr : (options.optimizer == "adam" ? 1e-3 : 0.1);
  everywhere("data", [&] {
    if (options.resume && !leader) {
      bytes = distributed->fetch("checkpoint");
      config = readCheckpointConfig(checkpoint, &bytes);
    }
    data = loadFitData(options, checkpoint, config);
    network = options.resume ? loadNetwork(checkpoint, &bytes)
                             : std::make_shared<Network>(config);
    optimizer = makeOptimizer(*network, options, baseLr);
    if (options.resume) {
      state = loadTrainingState(checkpoint, optimizer.get(), &bytes);
      checkGlobalBatch(state, options, checkpoint);
    }
  });
  bytes.clear();

  Replication replication;
  std::unique_ptr<GradientSync> gradients;
  if (distributed) {
    distributed->startProcessGroup();
    // Rank 0's replica is everyone's (DDP does the same at construction).
    std::vector<at::Tensor> all = network->parameters();
    for (const auto &buffer : network->buffers())
      all.push_back(buffer);
    distributed->broadcastTensors(all);
    network->setCollectives(distributed.get());
    gradients =
        std::make_unique<GradientSync>(*distributed, network->parameters());
    replication.distributed = distributed.get();
    replication.gradients = gradients.get();
    replication.batchNormBuffers = batchNormBuffers(*network);
  }
  if (!options.replicaChecksums.empty()) {
    const std::string path =
        options.replicaChecksums + "." + std::to_string(replication.rank());
    replication.checksums.open(path, options.resume ? std::ios::app
                                                    : std::ios::trunc);
    if (!replication.checksums)
      throw std::invalid_argument("--replica-checksums: cannot write '" + path +
                                  "'");
  }

  const fs::path metrics = dir / "metrics.jsonl";
  if (leader) {
    fs::create_directories(dir);
    if (!options.resume)
      std::ofstream(metrics, std::ios::trunc);
  }
  nlohmann::json fitJson = {
      {"optimizer", options.optimizer}, {"lr", baseLr},
      {"epochs", options.epochs},       {"batch_size", options.batchSize},
      {"lambda", options.lambda},       {"seed", options.seed}};
  state.fitOptionsJson = fitJson.dump();
  state.worldSize = replication.world();
  state.globalBatch = options.batchSize * replication.world();
  if (state.epochsDone >= options.epochs && leader)
    std::fprintf(stderr, "%s: already trained %lld of %lld epochs\n",
                 checkpoint.c_str(), static_cast<long long>(state.epochsDone),
                 static_cast<long long>(options.epochs));

  try {
    for (int64_t epoch = state.epochsDone; epoch < options.epochs; ++epoch) {
      EpochStats train = trainEpoch(*network, *optimizer, data.train, options,
                                    epoch, baseLr, replication, state);
      EvalResult test = evaluateReplicated(*network, data.test,
                                           options.batchSize, replication);
      state.epochsDone = epoch + 1;
      if (!leader)
        continue;
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
                              {"steps", state.stepsDone},
                              {"global_batch", state.globalBatch},
                              {"seconds", train.seconds}});
      std::fprintf(stderr, "epoch %lld: test accuracy %.2f%% (%lld images)\n",
                   static_cast<long long>(epoch + 1), test.accuracy * 100.0,
                   static_cast<long long>(test.samples));
      saveCheckpoint(checkpoint, *network, optimizer.get(), state);
    }
    if (distributed) // Nobody leaves before rank 0's last checkpoint.
      distributed->barrier();
  } catch (const DistributedError &) {
    throw;
  } catch (const std::exception &e) {
    if (!distributed)
      throw;
    // A collective that failed inside autograd comes back re-wrapped.
    if (!distributed->failure().empty())
      throw DistributedError(distributed->failure());
    distributed->reportError(e.what());
    throw;
  }
}

} // namespace qsnn::train
