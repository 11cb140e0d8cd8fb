//===- RuntimeInternal.h - shared pieces of libqsnn_runtime -----*- C++ -*-===//
#ifndef QSNN_RUNTIME_INTERNAL_H
#define QSNN_RUNTIME_INTERNAL_H

#include "qsnn_runtime.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#define QSNN_EXPORT __attribute__((visibility("default")))

namespace qsnn::runtime {

/// Records `message` as the calling thread's last error and returns `status`.
qsnn_rt_status fail(qsnn_rt_status status, std::string message);
void clearError();

/// Frees memory from alignedAlloc.
struct AlignedFree {
  void operator()(void *p) const;
};
using AlignedBuffer = std::unique_ptr<uint8_t, AlignedFree>;
/// Zeroed memory aligned to QSNN_WORKSPACE_ALIGNMENT, or null.
AlignedBuffer alignedAlloc(uint64_t bytes);

uint64_t dtypeBytes(int32_t dtype);
const char *dtypeName(int32_t dtype);
/// "[2, 1, 28, 28]"
std::string shapeString(const int64_t *shape, int32_t rank);
/// Bytes of one tensor of `desc` with its batch dimension set to `batch`.
uint64_t descBytes(const qsnn_tensor_desc &desc, int64_t batch);

/// Reads `path` into `bytes` if it is a regular file (never a FIFO or
/// device, which could block or never end) of at most `maxBytes`.
/// QSNN_RT_ERR_NOT_FOUND when it does not exist.
qsnn_rt_status readRegularFile(const std::string &path, uint64_t maxBytes,
                               std::string &bytes);

/// Checks that `bytes`, read from `path`, are a complete ELF shared object
/// for this machine, so that dlopen cannot crash on a truncated or foreign
/// file.
qsnn_rt_status checkSharedLibrary(const std::string &path,
                                  const std::string &bytes);

/// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string sha256Hex(const std::string &bytes);

} // namespace qsnn::runtime

/// An opened artifact: the loaded library, its info, the workspace and the
/// staging buffers used when a batch does not split into whole chunks.
struct qsnn_model {
  std::string path;
  void *library = nullptr;
  const qsnn_model_info *info = nullptr;
  qsnn_run_fn run = nullptr;
  qsnn::runtime::AlignedBuffer workspace;
  uint64_t workspaceBytes = 0;
  std::vector<qsnn::runtime::AlignedBuffer> inputStaging, outputStaging;
};

#endif // QSNN_RUNTIME_INTERNAL_H
