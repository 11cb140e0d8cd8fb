//===- Quantizers.cpp - Differentiable quantizers of Q-SNN training -------===//

#include "qsnn/Train/Quantizers.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

namespace qsnn::train {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

struct SpikeFunction : torch::autograd::Function<SpikeFunction> {
  static at::Tensor forward(AutogradContext *ctx, const at::Tensor &h,
                            double theta, double beta) {
    ctx->save_for_backward({h});
    ctx->saved_data["theta"] = theta;
    ctx->saved_data["beta"] = beta;
    return h.ge(theta).to(h.scalar_type());
  }
  static variable_list backward(AutogradContext *ctx, variable_list grads) {
    at::Tensor h = ctx->get_saved_variables()[0];
    double theta = ctx->saved_data["theta"].toDouble();
    double beta = ctx->saved_data["beta"].toDouble();
    // Triangular surrogate, Eq. 5.
    at::Tensor surrogate = (beta - (h - theta).abs()).clamp_min(0.0);
    return {grads[0] * surrogate, at::Tensor(), at::Tensor()};
  }
};

struct SignFunction : torch::autograd::Function<SignFunction> {
  static at::Tensor forward(AutogradContext *ctx, const at::Tensor &w) {
    ctx->save_for_backward({w});
    // sign(0) = +1 (Eq. 7); torch::sign would map 0 to 0.
    return at::where(w.ge(0), at::ones_like(w), -at::ones_like(w));
  }
  static variable_list backward(AutogradContext *ctx, variable_list grads) {
    at::Tensor w = ctx->get_saved_variables()[0];
    return {grads[0] * w.abs().le(1.0).to(grads[0].scalar_type())};
  }
};

struct MembraneQuantFunction
    : torch::autograd::Function<MembraneQuantFunction> {
  static at::Tensor forward(AutogradContext *ctx, const at::Tensor &x,
                            const at::Tensor &alpha, int64_t levels) {
    ctx->save_for_backward({x, alpha});
    double l = static_cast<double>(levels);
    return (x / alpha).clamp(-1.0, 1.0).mul(l).round().mul(alpha / l);
  }
  static variable_list backward(AutogradContext *ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    at::Tensor inRange = saved[0].abs().le(saved[1]);
    return {grads[0] * inRange.to(grads[0].scalar_type()), at::Tensor(),
            at::Tensor()};
  }
};

struct RoundSTEFunction : torch::autograd::Function<RoundSTEFunction> {
  static at::Tensor forward(AutogradContext *, const at::Tensor &x) {
    return x.round();
  }
  static variable_list backward(AutogradContext *, variable_list grads) {
    return {grads[0]};
  }
};

} // namespace

at::Tensor spike(const at::Tensor &h, double theta, double beta) {
  return SpikeFunction::apply(h, theta, beta);
}

at::Tensor signSTE(const at::Tensor &w) { return SignFunction::apply(w); }

at::Tensor quantizeMembrane(const at::Tensor &x, const at::Tensor &alpha,
                            int64_t levels) {
  if (levels == 0)
    return x;
  // A zero scale (a silent layer) would divide by zero; any positive scale
  // maps an all-zero membrane to zero.
  at::Tensor safeAlpha = alpha.detach().clamp_min(1e-12);
  return MembraneQuantFunction::apply(x, safeAlpha, levels);
}

at::Tensor standardizeWeight(const at::Tensor &w, WeightNorm norm) {
  constexpr double eps = 1e-12;
  switch (norm) {
  case WeightNorm::None:
    return w;
  case WeightNorm::Layer: {
    at::Tensor mean = w.mean();
    at::Tensor std = (w - mean).pow(2).mean().add(eps).sqrt();
    return (w - mean) / std;
  }
  case WeightNorm::Channel: {
    std::vector<int64_t> dims;
    for (int64_t d = 1; d < w.dim(); ++d)
      dims.push_back(d);
    at::Tensor mean = w.mean(dims, /*keepdim=*/true);
    at::Tensor std =
        (w - mean).pow(2).mean(dims, /*keepdim=*/true).add(eps).sqrt();
    return (w - mean) / std;
  }
  }
  return w;
}

at::Tensor channelScale(const at::Tensor &wHat) {
  std::vector<int64_t> dims;
  for (int64_t d = 1; d < wHat.dim(); ++d)
    dims.push_back(d);
  return wHat.abs().mean(dims, /*keepdim=*/true);
}

at::Tensor binaryWeight(const at::Tensor &w, WeightNorm norm) {
  at::Tensor wHat = standardizeWeight(w, norm);
  return channelScale(wHat) * signSTE(wHat);
}

at::Tensor int8Scale(const at::Tensor &w) {
  return w.detach().abs().max().clamp_min(1e-12) / 127.0;
}

at::Tensor int8Weight(const at::Tensor &w) {
  at::Tensor s = int8Scale(w);
  at::Tensor q = RoundSTEFunction::apply(w / s);
  // |W/s| <= 127 by construction of s; the clamp documents the contract.
  return q.clamp(-127.0, 127.0) * s;
}

} // namespace qsnn::train
