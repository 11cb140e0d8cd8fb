//===- Manifest.h - model.json, read and held against model.so --*- C++ -*-===//
//
// model.json is written by qsnn-compile beside model.so. The runtime reads
// it before loading any code (ABI version, symbol prefix, the SHA-256 of
// model.so) and, once the library is loaded, checks that every field the
// library also describes agrees, so files of two compilations never mix.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_RUNTIME_MANIFEST_H
#define QSNN_RUNTIME_MANIFEST_H

#include "RuntimeInternal.h"

#include <nlohmann/json.hpp>

namespace qsnn::runtime {

struct Manifest {
  std::string file; // DIR/model.json, for messages
  std::string name; // the symbol prefix
  std::string librarySha256;
  nlohmann::json root;
};

/// Reads and checks DIR/model.json (a regular file of this ABI version with
/// a name and a SHA-256 of model.so).
qsnn_rt_status readManifest(const std::string &dir, Manifest &manifest);

/// Fails unless `info` (from model.so) says what the manifest says.
qsnn_rt_status checkManifestMatchesInfo(const Manifest &manifest,
                                        const qsnn_model_info &info);

} // namespace qsnn::runtime

#endif // QSNN_RUNTIME_MANIFEST_H
