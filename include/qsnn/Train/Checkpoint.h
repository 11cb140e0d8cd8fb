//===- Checkpoint.h - Self-describing training checkpoints ------*- C++ -*-===//
//
// A checkpoint holds the model config (architecture, neuron settings, input
// normalization) as JSON, the weights and buffers, the optimizer state, the
// completed epochs and the fit options, so eval, export and --resume need
// nothing else. Written to a temporary file and renamed into place.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_CHECKPOINT_H
#define QSNN_TRAIN_CHECKPOINT_H

#include "qsnn/Train/Network.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace torch::optim {
class Optimizer;
} // namespace torch::optim

namespace qsnn::train {

/// A missing, corrupt or mismatching checkpoint; the message names the file.
class CheckpointError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct TrainingState {
  int64_t epochsDone = 0;
  std::string fitOptionsJson = "{}"; ///< The options of the run, for resume.
  /// Processes and samples per optimizer step (over all processes) of the
  /// run that wrote it, and its optimizer steps so far. 0 when the
  /// checkpoint predates them (written by one process).
  int64_t worldSize = 0, globalBatch = 0, stepsDone = 0;
};

/// A checkpoint file's bytes, read once (rank 0 sends them to the others).
std::string readCheckpointBytes(const std::string &path);

void saveCheckpoint(const std::string &path, Network &network,
                    torch::optim::Optimizer *optimizer,
                    const TrainingState &state);

/// The readers below take the file's contents from `bytes` when given
/// (`path` then only names it in messages), else from the file.

/// The model config stored in `path`.
ModelConfig readCheckpointConfig(const std::string &path,
                                 const std::string *bytes = nullptr);

/// Rebuilds the network of `path` and loads its weights and buffers.
std::shared_ptr<Network> loadNetwork(const std::string &path,
                                     const std::string *bytes = nullptr);

/// Loads the optimizer state and training state of `path` (after the network
/// the optimizer refers to was loaded from the same file).
TrainingState loadTrainingState(const std::string &path,
                                torch::optim::Optimizer *optimizer,
                                const std::string *bytes = nullptr);

} // namespace qsnn::train

#endif // QSNN_TRAIN_CHECKPOINT_H
