//===- Progress.cpp - Progress bar on stderr -----------------===//

#include "qsnn/Support/Progress.h"

#include <cstdio>
#include <unistd.h>

namespace qsnn::support {

ProgressBar::ProgressBar(std::string label, int64_t total)
    : label_(std::move(label)), total_(total > 0 ? total : 1),
      tty_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

double ProgressBar::elapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start_)
      .count();
}

std::string ProgressBar::line(int64_t done, const std::string &stats) const {
  constexpr int width = 24;
  const double fraction = static_cast<double>(done) / total_;
  const double seconds = elapsedSeconds();
  const double rate = seconds > 0 ? done / seconds : 0.0;
  const double eta = rate > 0 ? (total_ - done) / rate : 0.0;
  std::string bar(width, ' ');
  for (int i = 0; i < static_cast<int>(fraction * width); ++i)
    bar[i] = '#';
  char buffer[160];
  std::snprintf(buffer, sizeof(buffer),
                "%s [%s] %3.0f%% %lld/%lld %.0f img/s ETA %02d:%02d ",
                label_.c_str(), bar.c_str(), fraction * 100.0,
                static_cast<long long>(done), static_cast<long long>(total_),
                rate, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
  return buffer + stats;
}

void ProgressBar::update(int64_t done, const std::string &stats) {
  if (tty_) {
    std::fprintf(stderr, "\r%s\033[K", line(done, stats).c_str());
    std::fflush(stderr);
    return;
  }
  if (done >= nextPlainReport_) {
    std::fprintf(stderr, "%s\n", line(done, stats).c_str());
    nextPlainReport_ = done + (total_ + 9) / 10;
  }
}

void ProgressBar::finish(const std::string &stats) {
  std::fprintf(stderr, tty_ ? "\r%s\033[K\n" : "%s\n",
               line(total_, stats).c_str());
  std::fflush(stderr);
}

} // namespace qsnn::support
