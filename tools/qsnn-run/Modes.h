//===- Modes.h - what qsnn-run can do with an artifact ----------*- C++ -*-===//
#ifndef QSNN_TOOLS_QSNN_RUN_MODES_H
#define QSNN_TOOLS_QSNN_RUN_MODES_H

#include "Artifact.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace qsnn::run {

/// What a mode found. The process exits 0 for Success and 1 for Mismatch
/// or Failure (the report and the message tell them apart); 2 is kept for
/// command-line mistakes (docs/spec.md §7.7).
enum ExitCode { Success, Mismatch, Failure };

struct TestDataOptions {
  std::vector<std::string> dirs;
  double rtol = 1e-5, atol = 1e-6;
};

struct DatasetOptions {
  std::string name, dataDir;
  std::string predictionsFile; ///< One predicted class per line, if set.
  int64_t limit = -1, batch = 0;
  bool progress = true;
};

/// Runs every test-data folder and compares the outputs; fills `report`.
ExitCode runTestData(Artifact &artifact, const TestDataOptions &options,
                     nlohmann::json &report, std::string &error);

/// Evaluates accuracy on a data set's test split; fills `report`.
ExitCode runDataset(Artifact &artifact, const DatasetOptions &options,
                    nlohmann::json &report, std::string &error);

/// The artifact's own description (shapes, target, workspace).
nlohmann::json describeArtifact(const Artifact &artifact);

/// Peak resident set size of this process in bytes.
uint64_t peakRssBytes();

} // namespace qsnn::run

#endif // QSNN_TOOLS_QSNN_RUN_MODES_H
