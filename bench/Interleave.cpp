//===- Interleave.cpp - interleaved timing shared by the benchmarks -------===//
#include "Interleave.h"

#include "Machine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

namespace qsnn::bench {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Units of `work` that take about `target` seconds (at least 1).
uint64_t calibrate(const TimedWork &work, double target) {
  uint64_t units = work.firstUnits;
  for (;;) {
    auto start = Clock::now();
    work.run(units);
    double took = secondsSince(start);
    if (took >= target / 2 || units >= (uint64_t(1) << 40))
      return std::max<uint64_t>(
          1, static_cast<uint64_t>(static_cast<double>(units) * target /
                                   std::max(took, 1e-9)));
    units *= 2;
  }
}

} // namespace

Rates measureInterleaved(const std::vector<TimedWork> &work,
                         double repetitionSeconds, double totalSeconds) {
  Rates rates;
  for (const TimedWork &item : work) {
    item.run(1);
    rates.units.push_back(calibrate(item, repetitionSeconds));
  }
  rates.wall.resize(work.size());
  rates.cpu.resize(work.size());
  auto start = Clock::now();
  while (rates.wall[0].size() < 3 || secondsSince(start) < totalSeconds) {
    for (size_t w = 0; w < work.size(); ++w) {
      auto begin = Clock::now();
      double cpuBegin = processCpuSeconds();
      work[w].run(rates.units[w]);
      double amount = work[w].workPerUnit * static_cast<double>(rates.units[w]);
      rates.wall[w].push_back(amount / secondsSince(begin));
      rates.cpu[w].push_back(amount / (processCpuSeconds() - cpuBegin));
    }
  }
  return rates;
}

bool writeJsonFile(const nlohmann::json &report, const std::string &path) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    out << report.dump(2) << "\n";
    if (!out.flush())
      return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

} // namespace qsnn::bench
