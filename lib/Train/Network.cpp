//===- Network.cpp - A Q-SNN as an ordered list of stages -----------------===//

#include "qsnn/Train/Network.h"

#include <ATen/ATen.h>

namespace qsnn::train {

Network::Network(const ModelConfig &config) : config_(config) {
  validate(config_);
  stages_ = buildArchitecture(config_);
  for (size_t i = 0; i < stages_.size(); ++i)
    register_module("stage" + std::to_string(i), stages_[i]);
  // Collect units and neurons in forward order (a block's shortcut runs
  // before its main path, but it has no neuron of its own).
  auto addUnit = [&](const std::shared_ptr<SynapseUnit> &unit) {
    units_.push_back(unit);
    if (unit->options().quant == WeightQuant::Binary)
      binaryUnits_.push_back(unit);
    if (unit->lif)
      lifs_.push_back(unit->lif);
  };
  for (const auto &stage : stages_) {
    if (auto unit = std::dynamic_pointer_cast<SynapseUnit>(stage)) {
      addUnit(unit);
    } else if (auto block = std::dynamic_pointer_cast<BasicBlock>(stage)) {
      addUnit(block->conv1);
      addUnit(block->conv2);
      if (block->shortcut)
        addUnit(block->shortcut);
      lifs_.push_back(block->lif);
    }
  }
  if (config_.inputKind == qsnn::data::InputKind::Static) {
    const int64_t c = config_.channels;
    zeroPoint_ = at::tensor(config_.zeroPoint).view({1, c, 1, 1});
    scale_ = at::tensor(config_.scale).view({1, c, 1, 1});
  }
}

at::Tensor Network::normalize(const at::Tensor &pixels) const {
  return (pixels.to(at::kFloat) - zeroPoint_) * scale_;
}

at::Tensor Network::forward(const at::Tensor &input) {
  const int64_t steps = config_.timeSteps;
  at::Tensor x;
  size_t next = 0;
  if (config_.inputKind == qsnn::data::InputKind::Static) {
    TORCH_CHECK(input.dim() == 4, "static input must be [N, C, H, W]");
    // The first synapse sees the same frame at every step: compute its
    // current once and repeat it (BatchNorm statistics are unchanged).
    auto first = std::static_pointer_cast<SynapseUnit>(stages_.front());
    at::Tensor current = first->current(normalize(input));
    x = first->lif->forward(current.repeat({steps, 1, 1, 1}));
    next = 1;
  } else {
    TORCH_CHECK(input.dim() == 5 && input.size(0) == steps,
                "event input must be [T, N, C, H, W] with T = ", steps);
    x = input.to(at::kFloat).flatten(0, 1);
  }
  for (; next < stages_.size(); ++next)
    x = stages_[next]->forward(x);
  return x;
}

at::Tensor Network::meanOverTime(const at::Tensor &stepLogits) const {
  const int64_t steps = config_.timeSteps;
  return stepLogits.view({steps, -1, stepLogits.size(1)}).mean(0);
}

void Network::setFakeQuantization(bool enabled) {
  for (const auto &unit : units_)
    unit->setWeightQuantization(enabled);
  for (const auto &lif : lifs_)
    lif->setMembraneQuantization(enabled);
}

void Network::setCollectives(Collectives *collectives) {
  for (const auto &unit : units_)
    unit->setCollectives(collectives);
  for (const auto &lif : lifs_)
    lif->setCollectives(collectives);
}

std::vector<at::Tensor> Network::weightParameters() const {
  std::vector<at::Tensor> weights;
  for (const auto &unit : units_)
    weights.push_back(unit->weight);
  return weights;
}

std::vector<at::Tensor> Network::otherParameters() const {
  std::vector<at::Tensor> others;
  for (const auto &param : parameters()) {
    bool isWeight = false;
    for (const auto &unit : units_)
      isWeight |= param.is_same(unit->weight);
    if (!isWeight)
      others.push_back(param);
  }
  return others;
}

} // namespace qsnn::train
