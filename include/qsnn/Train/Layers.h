//===- Layers.h - Q-SNN layers: synapses, LIF, pooling, residuals -*- C++
//-*-===//
//
// Every stage maps a time-major merged tensor [T*N, ...] (row t*N + n is step
// t of sample n) to another one, so convolutions, BatchNorm and pooling run
// once over all steps and only the LIF neuron loops over time.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_LAYERS_H
#define QSNN_TRAIN_LAYERS_H

#include "qsnn/Train/Collectives.h"
#include "qsnn/Train/ModelConfig.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>

#include <memory>

namespace qsnn::train {

/// A network stage; the exporter walks stages by their concrete type.
class Stage : public torch::nn::Module {
public:
  virtual at::Tensor forward(const at::Tensor &x) = 0;
};

struct LIFOptions {
  int64_t timeSteps = 4;
  double tau = 0.5;
  double threshold = 1.0;
  int64_t membraneBits = 2;
  LevelMode levels = LevelMode::Signed;
  FireOn fireOn = FireOn::Full;
  double alphaMomentum = 0.1; ///< EMA momentum of the running alpha_u.
};

LIFOptions lifOptionsFrom(const ModelConfig &config);

struct LIFStep {
  at::Tensor spikes;   ///< s_t
  at::Tensor membrane; ///< u~_t, the (quantized) membrane kept for t + 1.
};

/// One step of Eq. 1-3 with the membrane quantizer (Eq. 8) in the order
/// `options.fireOn` selects: h = tau * u~_{t-1} + I_t, then
///   full:      s = [h >= theta],  u~ = Q(h * (1 - s))
///   quantized: s = [Q(h) >= theta], u~ = Q(h) * (1 - s)
/// with `levels` = L (0: no quantization) and scale `alpha`.
LIFStep lifStep(const at::Tensor &membrane, const at::Tensor &current,
                const at::Tensor &alpha, int64_t levels,
                const LIFOptions &options);

/// Multi-step LIF with hard reset and quantized membrane (docs/spec.md §3).
/// Training quantizes with the batch max |h| of each step; eval with the
/// running estimate `alpha_hat` (a buffer, exported as the LIF alpha_u).
class LIF : public Stage {
public:
  explicit LIF(const LIFOptions &options);
  at::Tensor forward(const at::Tensor &x) override;

  const LIFOptions &options() const { return options_; }
  int64_t levels() const { return levels_; }
  /// Off: the forward skips Q (as for k = 32) whatever membraneBits says;
  /// alpha_hat is still tracked. For float baselines (qsnn-bench); the
  /// exporter ignores the switch.
  void setMembraneQuantization(bool enabled) { quantizeMembrane_ = enabled; }
  bool membraneQuantization() const { return quantizeMembrane_; }
  double alphaHat() const { return alphaHat_.item<double>(); }
  /// Mean spike rate of the last forward over (T, N, neurons), with graph.
  const at::Tensor &firingRate() const { return firingRate_; }
  /// Distributed training: the running alpha_hat observes the batch maxima
  /// of all ranks, and with synchronized statistics every step's alpha_u is
  /// the max over all ranks. Null: one process.
  void setCollectives(Collectives *collectives) { collectives_ = collectives; }

private:
  void updateAlphaHat(const at::Tensor &stepAlphas);
  at::Tensor stepAlpha(const at::Tensor &h);

  LIFOptions options_;
  int64_t levels_;
  bool quantizeMembrane_ = true;
  Collectives *collectives_ = nullptr;
  at::Tensor alphaHat_;   ///< Buffer: running alpha_u.
  at::Tensor numUpdates_; ///< Buffer: EMA updates so far (0: uninitialized).
  at::Tensor firingRate_;
};

enum class SynapseKind { Conv, Linear };
/// Binary: alpha_w * sign(W-hat) (hidden layers); Int8: symmetric 8-bit
/// (first and last layer); Float: the latent weight as is (32w baselines).
enum class WeightQuant { Binary, Int8, Float };

struct SynapseOptions {
  SynapseKind kind = SynapseKind::Conv;
  int64_t in = 0, out = 0;
  int64_t kernel = 3, stride = 1, padding = 1; ///< Conv only.
  WeightQuant quant = WeightQuant::Binary;
  WeightNorm weightNorm = WeightNorm::Channel;
  bool batchNorm = true;
  bool bias = false;
};

/// Quantized (or float) conv or linear, then optional BatchNorm, then
/// optional LIF.
class SynapseUnit : public Stage {
public:
  SynapseUnit(const SynapseOptions &options, const LIFOptions *lif);
  /// Synapse and BatchNorm only: the input current I_t of the neuron.
  at::Tensor current(const at::Tensor &x);
  at::Tensor forward(const at::Tensor &x) override;

  const SynapseOptions &options() const { return options_; }
  /// The weight the forward uses (binary alpha*B, 8-bit s*q, or the float
  /// weight itself).
  at::Tensor effectiveWeight() const;
  /// Fraction of +1 in sign(W-hat) (binary layers): p_w of §4.3.
  double signBalance() const;
  /// Off: current() uses the latent float `weight` as is (no WS-DR, sign or
  /// 8-bit rounding). For float baselines (qsnn-bench); effectiveWeight()
  /// and the exporter ignore the switch.
  void setWeightQuantization(bool enabled) { quantizeWeight_ = enabled; }
  bool weightQuantization() const { return quantizeWeight_; }
  /// Distributed training with synchronized statistics: the training-mode
  /// BatchNorm normalizes over the batch of all ranks. Null: one process.
  void setCollectives(Collectives *collectives) { collectives_ = collectives; }

  at::Tensor weight, bias; ///< bias undefined when options().bias is false.
  torch::nn::BatchNorm2d bn2d{nullptr};
  torch::nn::BatchNorm1d bn1d{nullptr};
  std::shared_ptr<LIF> lif; ///< Null for units without a neuron.

private:
  at::Tensor batchNorm(const at::Tensor &y);

  SynapseOptions options_;
  bool quantizeWeight_ = true;
  Collectives *collectives_ = nullptr;
};

enum class PoolKind { Average, Max, GlobalAverage };

class PoolStage : public Stage {
public:
  PoolStage(PoolKind kind, int64_t kernel);
  at::Tensor forward(const at::Tensor &x) override;
  PoolKind kind;
  int64_t kernel; ///< Kernel = stride; unused for GlobalAverage.
};

class FlattenStage : public Stage {
public:
  at::Tensor forward(const at::Tensor &x) override;
};

/// ResNet BasicBlock: LIF(conv2(LIF(conv1(x))) + shortcut(x)), shortcut the
/// identity or a 1x1 conv + BN when the shape changes. All three convs use
/// `quant` (Binary in a Q-SNN, Float in a 32w baseline).
class BasicBlock : public Stage {
public:
  BasicBlock(int64_t in, int64_t out, int64_t stride, WeightQuant quant,
             WeightNorm norm, const LIFOptions &lifOptions);
  at::Tensor forward(const at::Tensor &x) override;

  std::shared_ptr<SynapseUnit> conv1, conv2,
      shortcut; ///< shortcut may be null.
  std::shared_ptr<LIF> lif;
};

} // namespace qsnn::train

#endif // QSNN_TRAIN_LAYERS_H
