//===- Distributed.h - qsnn-train fit on several processes ------*- C++ -*-===//
//
// Data-parallel training on LibTorch's c10d: a TCPStore hosted by rank 0 at
// MASTER_ADDR:MASTER_PORT for the rendezvous, start-up agreement and
// heartbeats, and a ProcessGroupGloo for the collectives (gradient
// allreduce, buffer broadcasts, metric and statistic reductions). See
// docs/train.md "More than one process or machine".
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_DISTRIBUTED_H
#define QSNN_TRAIN_DISTRIBUTED_H

#include "qsnn/Train/Collectives.h"

#include <torch/nn/module.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace qsnn::train {

struct DistributedOptions {
  int rank = 0;
  int worldSize = 1;
  int localRank = 0;
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
  /// Start-up rendezvous and every collective give up after this long.
  int timeoutSeconds = 300;
  bool syncBatchNorm = false;
};

/// Another rank failed, was lost or disagrees; the message names it.
class DistributedError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class Distributed : public Collectives {
public:
  /// Rank 0 starts the TCPStore, the others connect to it (within the
  /// timeout); a rank joining twice is refused.
  explicit Distributed(const DistributedOptions &options);
  ~Distributed() override;

  int rank() const override;
  int worldSize() const override;
  void allreduce(at::Tensor &tensor, ReduceKind kind) override;
  void broadcast(at::Tensor &tensor, int root) override;
  bool synchronizedStatistics() const override;
  const DistributedOptions &options() const;

  /// Runs `work` on this rank, then waits until every rank has reported on
  /// `stage`. Rethrows this rank's own exception; throws DistributedError
  /// with the message of the first other rank that failed.
  void agree(const std::string &stage, const std::function<void()> &work);
  /// Every rank must have been started with the same options (a JSON
  /// object of option name -> value); the first difference is reported.
  void compareOptions(const std::string &optionsJson);
  /// Rank 0 makes `bytes` available to the others under `key`.
  void publish(const std::string &key, const std::string &bytes);
  std::string fetch(const std::string &key);

  /// Creates the Gloo process group (all ranks must call it).
  void startProcessGroup();
  /// Replaces the tensors (any dtypes) by rank 0's, one broadcast per dtype.
  void broadcastTensors(const std::vector<at::Tensor> &tensors);
  void barrier();
  /// The training step this rank is at, reported with its heartbeat.
  void setProgress(int64_t step);
  /// Tells the other ranks this one stops with `message`.
  void reportError(const std::string &message);
  /// The diagnosis of the first failed collective ("" if none failed).
  const std::string &failure() const;

  /// After a failed collective: names the rank that was lost, failed or
  /// hung, then throws DistributedError.
  [[noreturn]] void fail(const std::exception &e);

  struct Impl;
  Impl &impl() { return *impl_; }

private:
  std::unique_ptr<Impl> impl_;
};

/// DistributedDataParallel's gradient reduction: gradients are copied into
/// flat buckets (about 1 MiB for the first, 25 MiB for the others, filled
/// in reverse parameter order) as autograd produces them, each full bucket
/// is all-reduced asynchronously while the backward goes on, and finish()
/// waits, averages and writes the result into every .grad.
class GradientSync {
public:
  GradientSync(Distributed &distributed, std::vector<at::Tensor> parameters);
  ~GradientSync();
  /// Call before backward().
  void prepare();
  /// Call after backward(), before the optimizer step.
  void finish();

private:
  struct Bucket;
  void onGradient(size_t parameter, const at::Tensor &grad);
  void launchReady();

  Distributed &distributed_;
  std::vector<at::Tensor> parameters_;
  std::vector<std::unique_ptr<Bucket>> buckets_;
  std::vector<std::pair<size_t, int64_t>> slot_; ///< bucket, offset
  std::vector<unsigned> hooks_;
  size_t nextLaunch_ = 0;
  bool armed_ = false;
};

/// A 64-bit FNV-1a over the bytes of every parameter and buffer of
/// `module`, in registration order: equal on all ranks iff the replicas are
/// bit-identical.
uint64_t replicaChecksum(torch::nn::Module &module);

} // namespace qsnn::train

#endif // QSNN_TRAIN_DISTRIBUTED_H
