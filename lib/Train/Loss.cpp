//===- Loss.cpp - Firing-rate regulation and the Q-SNN loss ---------------===//

#include "qsnn/Train/Loss.h"

#include <ATen/ATen.h>

namespace qsnn::train {

at::Tensor firingRateLoss(const std::vector<at::Tensor> &rates) {
  at::Tensor loss = at::zeros({}, at::kFloat);
  // The first layer follows the input and the last feeds the readout: both
  // are left free (Eq. 15 sums l = 2 .. L-1).
  for (size_t l = 1; l + 1 < rates.size(); ++l)
    loss = loss + (rates[l] - 0.5).pow(2);
  return loss;
}

at::Tensor timeAveragedCrossEntropy(const at::Tensor &stepLogits,
                                    const at::Tensor &labels,
                                    int64_t timeSteps) {
  // The mean over all T*N rows equals (1/T) sum_t of the per-step batch mean.
  return at::cross_entropy_loss(stepLogits, labels.repeat({timeSteps}));
}

at::Tensor qsnnLoss(const at::Tensor &stepLogits, const at::Tensor &labels,
                    int64_t timeSteps, const std::vector<at::Tensor> &rates,
                    double lambda) {
  at::Tensor ce = timeAveragedCrossEntropy(stepLogits, labels, timeSteps);
  if (lambda == 0.0)
    return ce;
  return ce + lambda * firingRateLoss(rates);
}

} // namespace qsnn::train
