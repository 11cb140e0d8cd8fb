//===- Network.h - A Q-SNN as an ordered list of stages ---------*- C++ -*-===//
//
// The network takes the raw uint8 input a deployed model receives, applies the
// input normalization of docs/spec.md §4, repeats static frames over T (after
// the first layer's synapse and BatchNorm, which see the same frame at every
// step), runs its stages on [T*N, ...] tensors and returns per-step logits.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_NETWORK_H
#define QSNN_TRAIN_NETWORK_H

#include "qsnn/Train/Layers.h"
#include "qsnn/Train/ModelConfig.h"

#include <memory>
#include <string>
#include <vector>

namespace qsnn::train {

/// Names accepted by ModelConfig::arch.
std::vector<std::string> knownArchitectures();

/// The stages of `config.arch` for its input shape and class count. The first
/// stage is an 8-bit SynapseUnit with a LIF, the last an 8-bit linear
/// classifier without one (both float when config.weightBits is 32). Throws
/// std::invalid_argument for an unknown name.
std::vector<std::shared_ptr<Stage>>
buildArchitecture(const ModelConfig &config);

class Network : public torch::nn::Module {
public:
  explicit Network(const ModelConfig &config);

  /// input: uint8 [N, C, H, W] (static) or [T, N, C, H, W] (events).
  /// Returns the classifier output of every step, [T*N, K], time-major.
  at::Tensor forward(const at::Tensor &input);
  /// x = (p - zp) * sc on a float copy of static pixels [N, C, H, W].
  at::Tensor normalize(const at::Tensor &pixels) const;
  /// (1/T) sum_t o_t: [T*N, K] -> [N, K].
  at::Tensor meanOverTime(const at::Tensor &stepLogits) const;

  const ModelConfig &config() const { return config_; }
  const std::vector<std::shared_ptr<Stage>> &stages() const { return stages_; }
  /// LIF layers in forward order.
  const std::vector<std::shared_ptr<LIF>> &spikingLayers() const {
    return lifs_;
  }
  /// Synapse units with binary weights, in forward order.
  const std::vector<std::shared_ptr<SynapseUnit>> &binaryUnits() const {
    return binaryUnits_;
  }
  /// Switches every fake quantizer of the forward: weight binarization and
  /// 8-bit rounding of all synapse units and the membrane quantizer of all
  /// LIFs. Off gives the float baseline of the same architecture and
  /// parameters (latent weights, unquantized membranes); spikes stay binary.
  /// On (the default) is the Q-SNN that training and `eval` run.
  void setFakeQuantization(bool enabled);
  /// Distributed training: hands the process group to every LIF and
  /// synapse unit (see Collectives.h); null for one process.
  void setCollectives(Collectives *collectives);
  /// Conv/linear weights (weight decay applies) and everything else
  /// (BatchNorm affine parameters and biases).
  std::vector<at::Tensor> weightParameters() const;
  std::vector<at::Tensor> otherParameters() const;

private:
  ModelConfig config_;
  std::vector<std::shared_ptr<Stage>> stages_;
  std::vector<std::shared_ptr<LIF>> lifs_;
  std::vector<std::shared_ptr<SynapseUnit>> units_, binaryUnits_;
  at::Tensor zeroPoint_, scale_; ///< [1, C, 1, 1]; undefined for events.
};

} // namespace qsnn::train

#endif // QSNN_TRAIN_NETWORK_H
