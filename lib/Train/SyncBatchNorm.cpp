//===- SyncBatchNorm.cpp - BatchNorm over the batch of all ranks ----------===//

#include "qsnn/Train/SyncBatchNorm.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>
#include <torch/utils.h>

namespace qsnn::train {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

/// Every dimension but the channel one (dim 1).
std::vector<int64_t> reducedDims(const at::Tensor &x) {
  std::vector<int64_t> dims = {0};
  for (int64_t d = 2; d < x.dim(); ++d)
    dims.push_back(d);
  return dims;
}

/// [C] -> [1, C, 1, ...] to broadcast against x.
at::Tensor perChannel(const at::Tensor &v, const at::Tensor &x) {
  std::vector<int64_t> shape(x.dim(), 1);
  shape[1] = v.numel();
  return v.view(shape);
}

/// y = (x - mean) * invstd * weight + bias with the global statistics given;
/// the backward needs the global sums of dy and dy * x-hat.
struct SyncNormalize : torch::autograd::Function<SyncNormalize> {
  static at::Tensor forward(AutogradContext *ctx, const at::Tensor &x,
                            const at::Tensor &weight, const at::Tensor &bias,
                            const at::Tensor &mean, const at::Tensor &invstd,
                            int64_t globalCount, int64_t collectivesAddress) {
    at::Tensor xhat = (x - perChannel(mean, x)) * perChannel(invstd, x);
    ctx->save_for_backward({xhat, weight, invstd});
    ctx->saved_data["count"] = globalCount;
    ctx->saved_data["collectives"] = collectivesAddress;
    return xhat * perChannel(weight, x) + perChannel(bias, x);
  }

  static tensor_list backward(AutogradContext *ctx, tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &xhat = saved[0], &weight = saved[1], &invstd = saved[2];
    auto *collectives =
        reinterpret_cast<Collectives *>(ctx->saved_data["collectives"].toInt());
    const double count = static_cast<double>(ctx->saved_data["count"].toInt());
    at::Tensor dy = grads[0].contiguous();
    std::vector<int64_t> dims = reducedDims(dy);
    at::Tensor sumDy = dy.sum(dims);
    at::Tensor sumDyXhat = (dy * xhat).sum(dims);
    // The parameter gradients are this rank's share; the gradient allreduce
    // averages them like every other parameter.
    at::Tensor global = at::cat({sumDy, sumDyXhat}).contiguous();
    collectives->allreduce(global, ReduceKind::Sum);
    const int64_t c = sumDy.numel();
    at::Tensor meanDy = global.narrow(0, 0, c) / count;
    at::Tensor meanDyXhat = global.narrow(0, c, c) / count;
    at::Tensor dx =
        (dy - perChannel(meanDy, dy) - xhat * perChannel(meanDyXhat, dy)) *
        perChannel(invstd * weight, dy);
    return {dx,           sumDyXhat,    sumDy,       at::Tensor(),
            at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

} // namespace

at::Tensor syncBatchNorm(const at::Tensor &input, const BatchNormState &bn,
                         Collectives &collectives) {
  at::Tensor x = input.contiguous();
  std::vector<int64_t> dims = reducedDims(x);
  at::Tensor mean, var;
  int64_t count = 0;
  {
    torch::NoGradGuard noGrad;
    // Two passes like one process: the global mean first, then the squared
    // deviations from it (no E[x^2] - E[x]^2 cancellation).
    const int64_t channels = x.size(1);
    at::Tensor sums =
        at::cat({x.sum(dims).to(at::kDouble),
                 at::full({1}, static_cast<double>(x.numel() / channels),
                          at::kDouble)});
    collectives.allreduce(sums, ReduceKind::Sum);
    count = static_cast<int64_t>(sums[channels].item<double>());
    TORCH_CHECK(count > 1,
                "BatchNorm needs more than one value per channel "
                "over all ranks, got ",
                count);
    mean = (sums.narrow(0, 0, channels) / count).to(x.scalar_type());
    at::Tensor squares =
        (x - perChannel(mean, x)).pow(2).sum(dims).to(at::kDouble);
    collectives.allreduce(squares, ReduceKind::Sum);
    var = (squares / count).to(x.scalar_type());
    // Running statistics as torch::nn::BatchNorm: unbiased variance.
    bn.runningMean.mul_(1.0 - bn.momentum).add_(mean * bn.momentum);
    bn.runningVar.mul_(1.0 - bn.momentum)
        .add_(var * (bn.momentum * count / (count - 1.0)));
    bn.numBatchesTracked.add_(1);
  }
  at::Tensor invstd = (var + bn.eps).rsqrt();
  return SyncNormalize::apply(
      x, bn.weight, bn.bias, mean, invstd, count,
      static_cast<int64_t>(reinterpret_cast<intptr_t>(&collectives)));
}

} // namespace qsnn::train
