//===- Layers.cpp - Synapse units, pooling and residual blocks ------------===//

#include "qsnn/Train/Layers.h"
#include "qsnn/Train/Quantizers.h"
#include "qsnn/Train/SyncBatchNorm.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>

namespace qsnn::train {

SynapseUnit::SynapseUnit(const SynapseOptions &options,
                         const LIFOptions *lifOptions)
    : options_(options) {
  const bool conv = options.kind == SynapseKind::Conv;
  std::vector<int64_t> shape = {options.out, options.in};
  if (conv) {
    shape.push_back(options.kernel);
    shape.push_back(options.kernel);
  }
  const int64_t fanIn =
      options.in * (conv ? options.kernel * options.kernel : 1);
  // PyTorch's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  const double bound = 1.0 / std::sqrt(static_cast<double>(fanIn));
  weight = register_parameter(
      "weight", at::empty(shape, at::kFloat).uniform_(-bound, bound));
  if (options.bias)
    bias = register_parameter(
        "bias", at::empty({options.out}, at::kFloat).uniform_(-bound, bound));
  if (options.batchNorm) {
    if (conv)
      bn2d = register_module("bn", torch::nn::BatchNorm2d(options.out));
    else
      bn1d = register_module("bn", torch::nn::BatchNorm1d(options.out));
  }
  if (lifOptions)
    lif = register_module("lif", std::make_shared<LIF>(*lifOptions));
}

at::Tensor SynapseUnit::effectiveWeight() const {
  switch (options_.quant) {
  case WeightQuant::Binary:
    return binaryWeight(weight, options_.weightNorm);
  case WeightQuant::Int8:
    return int8Weight(weight);
  case WeightQuant::Float:
    return weight;
  }
  return weight;
}

double SynapseUnit::signBalance() const {
  torch::NoGradGuard noGrad;
  return standardizeWeight(weight, options_.weightNorm)
      .ge(0)
      .to(at::kFloat)
      .mean()
      .item<double>();
}

at::Tensor SynapseUnit::current(const at::Tensor &x) {
  at::Tensor w = quantizeWeight_ ? effectiveWeight() : weight;
  at::Tensor y;
  if (options_.kind == SynapseKind::Conv)
    y = at::conv2d(x, w, bias, {options_.stride, options_.stride},
                   {options_.padding, options_.padding});
  else
    y = at::linear(x, w, bias);
  return batchNorm(y);
}

at::Tensor SynapseUnit::batchNorm(const at::Tensor &y) {
  if (!bn2d && !bn1d)
    return y;
  if (!collectives_ || !collectives_->synchronizedStatistics() ||
      !is_training())
    return bn2d ? bn2d->forward(y) : bn1d->forward(y);
  auto state = [](auto &bn) {
    BatchNormState s;
    s.weight = bn->weight;
    s.bias = bn->bias;
    s.runningMean = bn->running_mean;
    s.runningVar = bn->running_var;
    s.numBatchesTracked = bn->num_batches_tracked;
    s.momentum = bn->options.momentum().value_or(0.1);
    s.eps = bn->options.eps();
    return s;
  };
  return syncBatchNorm(y, bn2d ? state(bn2d) : state(bn1d), *collectives_);
}

at::Tensor SynapseUnit::forward(const at::Tensor &x) {
  at::Tensor y = current(x);
  return lif ? lif->forward(y) : y;
}

PoolStage::PoolStage(PoolKind kind, int64_t kernel)
    : kind(kind), kernel(kernel) {}

at::Tensor PoolStage::forward(const at::Tensor &x) {
  switch (kind) {
  case PoolKind::Average:
    return at::avg_pool2d(x, {kernel, kernel}, {kernel, kernel});
  case PoolKind::Max:
    return at::max_pool2d(x, {kernel, kernel}, {kernel, kernel});
  case PoolKind::GlobalAverage:
    return at::adaptive_avg_pool2d(x, {1, 1});
  }
  return x;
}

at::Tensor FlattenStage::forward(const at::Tensor &x) {
  return x.flatten(/*start_dim=*/1);
}

BasicBlock::BasicBlock(int64_t in, int64_t out, int64_t stride,
                       WeightQuant quant, WeightNorm norm,
                       const LIFOptions &lifOptions) {
  SynapseOptions first;
  first.in = in;
  first.out = out;
  first.stride = stride;
  first.quant = quant;
  first.weightNorm = norm;
  conv1 = register_module("conv1",
                          std::make_shared<SynapseUnit>(first, &lifOptions));
  SynapseOptions second = first;
  second.in = out;
  second.stride = 1;
  conv2 =
      register_module("conv2", std::make_shared<SynapseUnit>(second, nullptr));
  if (stride != 1 || in != out) {
    SynapseOptions projection = first;
    projection.kernel = 1;
    projection.padding = 0;
    shortcut = register_module(
        "shortcut", std::make_shared<SynapseUnit>(projection, nullptr));
  }
  lif = register_module("lif", std::make_shared<LIF>(lifOptions));
}

at::Tensor BasicBlock::forward(const at::Tensor &x) {
  at::Tensor residual = shortcut ? shortcut->forward(x) : x;
  return lif->forward(conv2->forward(conv1->forward(x)) + residual);
}

} // namespace qsnn::train
