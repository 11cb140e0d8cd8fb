//===- ContainedProcess.h - run library code in a forked child --*- C++ -*-===//
//
// Some libraries the importers call do not check everything a hostile file
// can say (HDF5 1.10 reads a corrupt global heap without bounds checks; onnx
// 1.12's shape inference dereferences a missing input shape for a Conv with
// a rank-2 data input). The importers run such calls in a child process: the
// child does the work and sends back bytes; a child that dies, exits
// abnormally, answers too much or takes too long is one failure, described
// in a short phrase. The parent must check whatever the answer says
// (docs/spec.md §8.1).
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_SUPPORT_CONTAINEDPROCESS_H
#define QSNN_SUPPORT_CONTAINEDPROCESS_H

#include <cstddef>
#include <functional>
#include <string>

namespace qsnn::support {

/// What a contained run produced.
struct ContainedResult {
  /// The child's answer, when `failure` is empty.
  std::string answer;
  /// Why there is no answer ("killed by signal 11, Segmentation fault",
  /// "no answer within 60 s", ...); empty on success.
  std::string failure;
};

/// Runs `work` in a forked child and returns what it returned. fork, not
/// spawn: the child inherits the work's inputs and needs no program of its
/// own. Call it where no other thread of the process holds a lock `work`
/// needs; malloc is fork-safe in glibc.
ContainedResult runContained(const std::function<std::string()> &work,
                             int timeLimitSeconds, size_t maxAnswerBytes);

} // namespace qsnn::support

#endif // QSNN_SUPPORT_CONTAINEDPROCESS_H
