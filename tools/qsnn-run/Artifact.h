//===- Artifact.h - an opened artifact for qsnn-run -------------*- C++ -*-===//
#ifndef QSNN_TOOLS_QSNN_RUN_ARTIFACT_H
#define QSNN_TOOLS_QSNN_RUN_ARTIFACT_H

#include "TensorFile.h"

#include "qsnn_runtime.h"

#include <string>
#include <vector>

namespace qsnn::run {

/// Owns a qsnn_model and runs HostTensors through it.
class Artifact {
public:
  Artifact() = default;
  Artifact(const Artifact &) = delete;
  Artifact &operator=(const Artifact &) = delete;
  ~Artifact();

  /// Opens `dir`; on failure `error` holds the runtime's message.
  bool open(const std::string &dir, std::string &error);
  const qsnn_model_info &info() const { return *qsnn_model_get_info(model); }
  uint64_t workspaceBytes() const { return qsnn_model_workspace_bytes(model); }

  /// Allocates outputs for `batch` samples and runs `inputs` through the
  /// model; returns false with the runtime's message on failure.
  bool run(const std::vector<const HostTensor *> &inputs, int64_t batch,
           std::vector<HostTensor> &outputs, std::string &error);

private:
  qsnn_model *model = nullptr;
};

std::string shapeString(const std::vector<int64_t> &shape);

} // namespace qsnn::run

#endif // QSNN_TOOLS_QSNN_RUN_ARTIFACT_H
