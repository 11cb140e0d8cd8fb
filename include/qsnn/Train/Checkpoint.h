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
};

void saveCheckpoint(const std::string &path, Network &network,
                    torch::optim::Optimizer *optimizer,
                    const TrainingState &state);

/// The model config stored in `path`.
ModelConfig readCheckpointConfig(const std::string &path);

/// Rebuilds the network of `path` and loads its weights and buffers.
std::shared_ptr<Network> loadNetwork(const std::string &path);

/// Loads the optimizer state and training state of `path` (after the network
/// the optimizer refers to was loaded from the same file).
TrainingState loadTrainingState(const std::string &path,
                                torch::optim::Optimizer *optimizer);

} // namespace qsnn::train

#endif // QSNN_TRAIN_CHECKPOINT_H
