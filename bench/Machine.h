//===- Machine.h - Where and when a benchmark ran ---------------*- C++ -*-===//
//
// The facts a benchmark report needs to be comparable later: CPU model and
// core count, kernel, date, and the source revision, read from files only
// (/proc, /etc, the .git directory) so the benchmark needs no other tool.
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_BENCH_MACHINE_H
#define QSNN_BENCH_MACHINE_H

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace qsnn::bench {

/// {"cpu", "cpu_family", "cpu_model", "virtualized", "logical_cpus",
/// "kernel", "os"} of this machine.
nlohmann::json describeMachine();

/// The current time in UTC, ISO 8601 ("2026-11-28T13:05:10Z").
std::string utcNow();

/// The commit checked out in the git work tree at `sourceDir` (HEAD
/// resolved through loose refs and packed-refs), or "" when unavailable.
std::string gitCommit(const std::string &sourceDir);

/// CPU time of this process (all threads) in seconds.
double processCpuSeconds();

/// Median of `values` (not empty).
double median(std::vector<double> values);

} // namespace qsnn::bench

#endif // QSNN_BENCH_MACHINE_H
