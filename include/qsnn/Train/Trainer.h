//===- Trainer.h - The fit / eval / export commands of qsnn-train -*- C++
//-*-===//
#ifndef QSNN_TRAIN_TRAINER_H
#define QSNN_TRAIN_TRAINER_H

#include "qsnn/Data/Dataset.h"
#include "qsnn/Train/Distributed.h"
#include "qsnn/Train/ModelConfig.h"
#include "qsnn/Train/Network.h"

#include <string>
#include <vector>

namespace qsnn::train {

struct FitOptions {
  /// arch, dataset, T, k, weight bits, levels, fire-on, weight norm; the
  /// input shape, classes and normalization are filled in from the data set.
  ModelConfig model;
  /// Model options the user passed explicitly (CLI names, e.g. "arch"):
  /// with --resume they must agree with the checkpoint.
  std::vector<std::string> explicitModelOptions;
  std::string dataDir;
  int64_t eventSize = 0;
  double lambda = 1e-3;
  std::string optimizer = "sgd"; ///< sgd | adam
  double lr = -1.0;              ///< < 0: 0.1 for SGD, 1e-3 for Adam.
  double momentum = 0.9;
  double weightDecay = 1e-4;
  int64_t epochs = 10;
  int64_t batchSize = 128;
  uint64_t seed = 0;
  int threads = 0; ///< 0: LibTorch's default.
  int64_t limitTrain = -1, limitTest = -1;
  qsnn::data::AugmentOptions augment;
  std::string outputDir = "qsnn-train-out";
  bool resume = false;
  bool overwrite = false;
  /// Rank, world size, store address, --timeout, --sync-bn; world size 1
  /// trains in this process alone.
  DistributedOptions distributed;
  /// --resume with another global batch (per-rank batch * world size) than
  /// the checkpoint's.
  bool allowBatchChange = false;
  /// Non-empty: append "epoch step checksum" after every optimizer step to
  /// PATH.RANK (replicaChecksum of the model).
  std::string replicaChecksums;
};

struct EvalResult {
  double accuracy = 0.0;
  int64_t samples = 0;
  std::vector<double> firingRates; ///< Per LIF layer, forward order.
};

/// Test accuracy of the eval-mode network (argmax of the mean logits).
EvalResult evaluate(Network &network, const qsnn::data::DataSplit &split,
                    int64_t batchSize);

/// The same over the samples [first, last) of `split` only.
EvalResult evaluateRange(Network &network, const qsnn::data::DataSplit &split,
                         int64_t batchSize, int64_t first, int64_t last);

/// Trains per docs/spec.md §3, writing metrics.jsonl and checkpoint.pt to
/// options.outputDir after every epoch (rank 0 only when distributed).
/// Throws qsnn::data::DataError, CheckpointError, DistributedError or
/// std::invalid_argument with a message for the user.
void runFit(const FitOptions &options);

/// Loads the data set named in `config` for eval/export; `limitTrain` 0
/// reads only the test split (the training files are not opened).
qsnn::data::DataSet loadDataFor(const ModelConfig &config,
                                const std::string &dataDir, int64_t limitTrain,
                                int64_t limitTest);

} // namespace qsnn::train

#endif // QSNN_TRAIN_TRAINER_H
