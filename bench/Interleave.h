//===- Interleave.h - interleaved timing shared by the benchmarks -*- C++ -*-===//
//
// Both benchmarks compare several pieces of work on a shared machine: each
// is calibrated to a repetition of about the same length, then they run in
// rounds (a, b, c, a, b, c, ...) so that load from other processes hits all
// alike, and every repetition is measured by wall clock and by the process's
// CPU time.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_BENCH_INTERLEAVE_H
#define QSNN_BENCH_INTERLEAVE_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qsnn::bench {

/// Work to time: `run(units)` does `units` units of it; a rate counts
/// `workPerUnit` (images, binary MACs) per unit.
struct TimedWork {
  std::function<void(uint64_t)> run;
  double workPerUnit = 1;
  uint64_t firstUnits = 1; // calibration starts here
};

/// Per work: the rate of every repetition by wall clock and by CPU time,
/// and the units of one repetition after calibration.
struct Rates {
  std::vector<std::vector<double>> wall, cpu;
  std::vector<uint64_t> units;
};

/// One unit of each work first (lazy initialization, page faults), then
/// calibration to about `repetitionSeconds` per repetition, then rounds of
/// one repetition each until `totalSeconds` have passed (at least 3 rounds).
Rates measureInterleaved(const std::vector<TimedWork> &work,
                         double repetitionSeconds, double totalSeconds);

/// Writes `report` (indented) through a temporary file renamed into place;
/// false when either step fails.
bool writeJsonFile(const nlohmann::json &report, const std::string &path);

} // namespace qsnn::bench

#endif // QSNN_BENCH_INTERLEAVE_H
