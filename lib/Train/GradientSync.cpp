//===- GradientSync.cpp - Bucketed gradient allreduce during backward -----===//
//
// The C++ Reducer of DistributedDataParallel (c10d/reducer.hpp) cannot be
// used from Debian's LibTorch 1.13: its header includes
// torch/csrc/distributed/autograd/context/context.h, which the package does
// not ship. This is the same scheme on the public API: a hook on every
// parameter copies its gradient into a flat bucket as soon as autograd has
// it; a full bucket is all-reduced asynchronously on ProcessGroupGloo's
// worker threads while the backward continues. Buckets are launched in a
// fixed order, the same on every rank, as Gloo pairs collectives by order.
//
//===----------------------------------------------------------------------===//

#include "DistributedImpl.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

namespace qsnn::train {

namespace {

constexpr int64_t kFirstBucketBytes = 1 << 20;
constexpr int64_t kBucketBytes = 25 << 20;

} // namespace

struct GradientSync::Bucket {
  std::vector<size_t> parameters;
  std::vector<bool> ready;
  int64_t pending = 0;
  at::Tensor flat;
  c10::intrusive_ptr<c10d::Work> work;
};

GradientSync::GradientSync(Distributed &distributed,
                           std::vector<at::Tensor> parameters)
    : distributed_(distributed), parameters_(std::move(parameters)) {
  slot_.resize(parameters_.size());
  // Reverse order: the last layers' gradients are ready first.
  int64_t bytes = 0, elements = 0;
  for (size_t k = parameters_.size(); k-- > 0;) {
    const at::Tensor &p = parameters_[k];
    const int64_t cap = buckets_.size() <= 1 ? kFirstBucketBytes : kBucketBytes;
    if (buckets_.empty() ||
        (bytes > 0 && bytes + static_cast<int64_t>(p.nbytes()) > cap)) {
      if (!buckets_.empty())
        buckets_.back()->flat = at::zeros({elements}, at::kFloat);
      buckets_.push_back(std::make_unique<Bucket>());
      bytes = elements = 0;
    }
    TORCH_CHECK(p.scalar_type() == at::kFloat, "float parameters only");
    Bucket &b = *buckets_.back();
    slot_[k] = {buckets_.size() - 1, elements};
    b.parameters.push_back(k);
    bytes += p.nbytes();
    elements += p.numel();
  }
  if (!buckets_.empty())
    buckets_.back()->flat = at::zeros({elements}, at::kFloat);
  for (size_t k = 0; k < parameters_.size(); ++k)
    hooks_.push_back(parameters_[k].register_hook(
        [this, k](const at::Tensor &grad) { onGradient(k, grad); }));
}

GradientSync::~GradientSync() {
  for (size_t k = 0; k < parameters_.size(); ++k)
    parameters_[k].remove_hook(hooks_[k]);
}

void GradientSync::prepare() {
  for (auto &b : buckets_) {
    b->ready.assign(b->parameters.size(), false);
    b->pending = static_cast<int64_t>(b->parameters.size());
    b->work.reset();
  }
  nextLaunch_ = 0;
  armed_ = true;
}

void GradientSync::onGradient(size_t parameter, const at::Tensor &grad) {
  if (!armed_)
    return;
  auto [index, offset] = slot_[parameter];
  Bucket &b = *buckets_[index];
  b.flat.narrow(0, offset, grad.numel()).copy_(grad.reshape({-1}));
  for (size_t i = 0; i < b.parameters.size(); ++i)
    if (b.parameters[i] == parameter && !b.ready[i]) {
      b.ready[i] = true;
      --b.pending;
    }
  launchReady();
}

void GradientSync::launchReady() {
  while (nextLaunch_ < buckets_.size() && buckets_[nextLaunch_]->pending == 0) {
    Bucket &b = *buckets_[nextLaunch_++];
    std::vector<at::Tensor> tensors = {b.flat};
    try {
      b.work = distributed_.impl().group->allreduce(tensors);
    } catch (const std::exception &e) {
      distributed_.fail(e);
    }
  }
}

void GradientSync::finish() {
  armed_ = false;
  // A parameter autograd did not reach contributes zeros (on every rank
  // alike: the graph is the same everywhere).
  for (auto &b : buckets_) {
    for (size_t i = 0; i < b->parameters.size(); ++i)
      if (!b->ready[i]) {
        const size_t k = b->parameters[i];
        b->flat.narrow(0, slot_[k].second, parameters_[k].numel()).zero_();
        b->ready[i] = true;
      }
    b->pending = 0;
  }
  launchReady();
  torch::NoGradGuard noGrad;
  const double world = distributed_.worldSize();
  for (auto &b : buckets_) {
    try {
      b->work->wait();
    } catch (const std::exception &e) {
      distributed_.fail(e);
    }
    b->flat.div_(world);
    for (size_t k : b->parameters) {
      at::Tensor &p = parameters_[k];
      if (!p.grad().defined())
        p.mutable_grad() = at::zeros_like(p);
      p.mutable_grad().copy_(
          b->flat.narrow(0, slot_[k].second, p.numel()).view(p.sizes()));
    }
  }
}

} // namespace qsnn::train
