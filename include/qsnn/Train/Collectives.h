//===- Collectives.h - What the layers need from a process group -*- C++
//-*-===//
//
// Layers that synchronize across ranks in distributed training (BatchNorm
// with --sync-bn, the LIF's alpha_u) call through this interface, so they do
// not depend on c10d; lib/Train/Distributed.cpp implements it on
// ProcessGroupGloo. A null Collectives pointer means one process.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TRAIN_COLLECTIVES_H
#define QSNN_TRAIN_COLLECTIVES_H

#include <ATen/core/Tensor.h>

namespace qsnn::train {

enum class ReduceKind { Sum, Max };

class Collectives {
public:
  virtual ~Collectives() = default;
  virtual int rank() const = 0;
  virtual int worldSize() const = 0;
  /// Reduces the contiguous CPU `tensor` in place over all ranks and waits.
  virtual void allreduce(at::Tensor &tensor, ReduceKind kind) = 0;
  /// Replaces `tensor` by rank `root`'s copy and waits.
  virtual void broadcast(at::Tensor &tensor, int root) = 0;
  /// --sync-bn: BatchNorm statistics and the LIF's per-step alpha_u are
  /// those of the merged batch of all ranks (one process's result on the
  /// global batch); off, each rank normalizes and quantizes with its own
  /// batch, as DistributedDataParallel does.
  virtual bool synchronizedStatistics() const = 0;
};

} // namespace qsnn::train

#endif // QSNN_TRAIN_COLLECTIVES_H
