//===- LIF.cpp - Multi-step LIF neuron with quantized membrane ------------===//

#include "qsnn/Train/Layers.h"
#include "qsnn/Train/Quantizers.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

namespace qsnn::train {

LIFOptions lifOptionsFrom(const ModelConfig &config) {
  LIFOptions options;
  options.timeSteps = config.timeSteps;
  options.tau = config.tau;
  options.threshold = config.threshold;
  options.membraneBits = config.membraneBits;
  options.levels = config.levels;
  options.fireOn = config.fireOn;
  return options;
}

LIF::LIF(const LIFOptions &options)
    : options_(options),
      levels_(membraneLevels(options.membraneBits, options.levels)) {
  // 1.0 (= theta) until the first training batch replaces it.
  alphaHat_ = register_buffer("alpha_hat", at::ones({}, at::kFloat));
  numUpdates_ = register_buffer("num_updates", at::zeros({}, at::kLong));
}

LIFStep lifStep(const at::Tensor &membrane, const at::Tensor &current,
                const at::Tensor &alpha, int64_t levels,
                const LIFOptions &options) {
  at::Tensor h = membrane * options.tau + current;
  LIFStep step;
  if (options.fireOn == FireOn::Full) {
    // Compare the adder's full-precision output, store it quantized.
    step.spikes = spike(h, options.threshold);
    step.membrane = quantizeMembrane(h * (1.0 - step.spikes), alpha, levels);
  } else {
    // Algorithm 1 literally: quantize, then fire on the quantized value.
    at::Tensor hq = quantizeMembrane(h, alpha, levels);
    step.spikes = spike(hq, options.threshold);
    step.membrane = hq * (1.0 - step.spikes);
  }
  return step;
}

at::Tensor LIF::forward(const at::Tensor &x) {
  const int64_t steps = options_.timeSteps;
  TORCH_CHECK(x.size(0) % steps == 0, "LIF input batch ", x.size(0),
              " is not a multiple of T = ", steps);
  std::vector<at::Tensor> currents = x.chunk(steps, /*dim=*/0);
  std::vector<at::Tensor> spikes, stepAlphas;
  spikes.reserve(steps);
  at::Tensor membrane = at::zeros_like(currents[0]); // u_0 = 0
  for (int64_t t = 0; t < steps; ++t) {
    at::Tensor alpha;
    if (is_training()) {
      // alpha_u of this step: the batch max |h| (detached).
      alpha = stepAlpha(membrane * options_.tau + currents[t]);
      stepAlphas.push_back(alpha);
    } else {
      alpha = alphaHat_;
    }
    LIFStep step = lifStep(membrane, currents[t], alpha,
                           quantizeMembrane_ ? levels_ : 0, options_);
    membrane = step.membrane;
    spikes.push_back(step.spikes);
  }
  if (is_training())
    updateAlphaHat(at::stack(stepAlphas));
  at::Tensor out = at::cat(spikes, /*dim=*/0);
  firingRate_ = out.mean();
  return out;
}

at::Tensor LIF::stepAlpha(const at::Tensor &h) {
  torch::NoGradGuard noGrad;
  at::Tensor alpha = h.abs().max();
  if (collectives_ && collectives_->synchronizedStatistics()) {
    // The max over the merged batch of all ranks, as one process would see.
    alpha = alpha.reshape({1}).contiguous();
    collectives_->allreduce(alpha, ReduceKind::Max);
    alpha = alpha.reshape({});
  }
  return alpha;
}

void LIF::updateAlphaHat(const at::Tensor &stepAlphas) {
  torch::NoGradGuard noGrad;
  at::Tensor maxima = stepAlphas.contiguous();
  // Ranks quantizing with their own batch still agree on alpha_hat: it
  // observes the per-step maxima of the global batch.
  if (collectives_ && !collectives_->synchronizedStatistics())
    collectives_->allreduce(maxima, ReduceKind::Max);
  // One observation per forward, like BatchNorm's running statistics: the
  // mean over steps of the per-step batch maxima.
  at::Tensor observed = maxima.mean().to(alphaHat_.scalar_type());
  if (numUpdates_.item<int64_t>() == 0)
    alphaHat_.copy_(observed);
  else
    alphaHat_.mul_(1.0 - options_.alphaMomentum)
        .add_(observed * options_.alphaMomentum);
  numUpdates_.add_(1);
}

} // namespace qsnn::train
