//===- Artifact.h - model.o, model.so, model.h, model.json ----*- C++ -*-===//
#ifndef QSNN_TARGET_CPU_ARTIFACT_H
#define QSNN_TARGET_CPU_ARTIFACT_H

#include "qsnn/Pipeline/ModelDescription.h"

#include "llvm/Support/Error.h"

#include <string>

namespace mlir::qsnn::cpu {

struct ArtifactOptions {
  std::string outputDir;
  /// Path of an ELF linker; empty: ld.lld, then ld.lld-19, on PATH and in
  /// LLVM's bin directory.
  std::string linker;
};

/// model.h: qsnn_abi.h (embedded at build time), prototypes and #defines.
std::string renderHeader(const ModelDescription &description);

/// model.json: metadata, target, memory plan and `librarySha256`, the
/// SHA-256 (lower-case hex) of model.so that the runtime verifies.
std::string renderJSON(const ModelDescription &description,
                       llvm::StringRef librarySha256);

/// Writes model.o, model.so (linked with the system's ld.lld), model.h and
/// model.json into `options.outputDir` (created if missing). Every file is
/// written to a temporary name in that directory first and renamed only once
/// all four exist, so a failure leaves no new or half-written artifact.
llvm::Error writeArtifact(const ModelDescription &description,
                          llvm::ArrayRef<char> object,
                          const ArtifactOptions &options);

} // namespace mlir::qsnn::cpu

#endif // QSNN_TARGET_CPU_ARTIFACT_H
