//===- Progress.h - Progress bar on stderr ---------*- C++ -*-===//
#ifndef QSNN_SUPPORT_PROGRESS_H
#define QSNN_SUPPORT_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <string>

namespace qsnn::support {

/// A one-line bar redrawn in place on a terminal; on a pipe or file, a plain
/// line every tenth of the work, so logs stay readable.
class ProgressBar {
public:
  ProgressBar(std::string label, int64_t total);
  /// `done` items of `total` finished; `stats` is appended to the line.
  void update(int64_t done, const std::string &stats);
  /// Ends the line (terminal) or prints the final plain line.
  void finish(const std::string &stats);
  double elapsedSeconds() const;

private:
  std::string line(int64_t done, const std::string &stats) const;

  std::string label_;
  int64_t total_;
  bool tty_;
  int64_t nextPlainReport_ = 0;
  std::chrono::steady_clock::time_point start_;
};

} // namespace qsnn::support

#endif // QSNN_SUPPORT_PROGRESS_H
