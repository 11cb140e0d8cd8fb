//===- DistributedImpl.h - The c10d side of qsnn::train::Distributed ------===//
//
// Private to lib/Train: the only header that includes c10d (built with
// USE_C10D_GLOO, which Debian's LibTorch 1.13 was compiled with).
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_LIB_TRAIN_DISTRIBUTEDIMPL_H
#define QSNN_LIB_TRAIN_DISTRIBUTEDIMPL_H

#include "qsnn/Train/Distributed.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace qsnn::train {

struct Distributed::Impl {
  DistributedOptions options;
  std::chrono::milliseconds timeout{0};
  /// The rendezvous store; rank 0 hosts it. `beatStore` is a second client
  /// connection used only by the heartbeat thread.
  c10::intrusive_ptr<c10d::TCPStore> store, beatStore;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  std::atomic<int64_t> step{0};
  std::string failure;

  void startHeartbeat();
  void stopHeartbeat();
  /// One line naming the rank that was lost, failed or hung, from the
  /// error keys and heartbeats in the store; `what` is the c10d error.
  std::string diagnose(const std::string &what);

private:
  std::thread heartbeat_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

} // namespace qsnn::train

#endif // QSNN_LIB_TRAIN_DISTRIBUTEDIMPL_H
