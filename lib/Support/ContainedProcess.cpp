//===- ContainedProcess.cpp - run library code in a forked child ----------===//
//
// A crash in the child ends it by its signal: none of the parent's signal
// handlers (LLVM deletes the parent's temporary files on a signal) runs
// there, and no core file is written.
//
//===----------------------------------------------------------------------===//
#include "qsnn/Support/ContainedProcess.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace qsnn::support;

// Present only in sanitized builds: sends a sanitizer report to a file
// descriptor (the child's captured stderr) instead of the run's log files.
extern "C" void __sanitizer_set_report_fd(void *fd) __attribute__((weak));

namespace {

constexpr size_t kMaxDiagnosticBytes = 16384;

/// Both ends of a pipe, closed when it goes out of scope.
struct Pipe {
  int ends[2] = {-1, -1};
  bool open() { return pipe2(ends, O_CLOEXEC) == 0; }
  void close(int end) {
    if (ends[end] >= 0)
      ::close(ends[end]);
    ends[end] = -1;
  }
  ~Pipe() {
    close(0);
    close(1);
  }
};

bool writeAll(int fd, const std::string &bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// The child: does the work, answers on `answerFd`, never returns.
[[noreturn]] void runChild(const std::function<std::string()> &work,
                           int answerFd, int diagnosticFd) {
  // A crash ends the child by its signal: no handler of the parent's (LLVM
  // deletes the parent's temporary files on a signal) runs here.
  for (int signal :
       {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGPIPE})
    std::signal(signal, SIG_DFL);
  struct rlimit noCore = {0, 0};
  setrlimit(RLIMIT_CORE, &noCore);
  dup2(diagnosticFd, STDERR_FILENO);
  if (__sanitizer_set_report_fd)
    __sanitizer_set_report_fd(reinterpret_cast<void *>(STDERR_FILENO));
  _exit(writeAll(answerFd, work()) ? 0 : 3);
}

/// What the parent collected from the child.
struct Outcome {
  std::string answer, diagnostics;
  bool timedOut = false, tooLarge = false, failed = false;
  int status = 0, failure = 0; // failure: errno of a failed poll
};

/// Reads the child's answer and stderr until both close or time is up.
void collect(int answerFd, int diagnosticFd, int timeLimitSeconds,
             size_t maxAnswerBytes, Outcome &outcome) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(timeLimitSeconds);
  int fds[2] = {answerFd, diagnosticFd};
  std::string *sinks[2] = {&outcome.answer, &outcome.diagnostics};
  size_t limits[2] = {maxAnswerBytes, kMaxDiagnosticBytes};
  char buffer[65536];
  while (fds[0] >= 0 || fds[1] >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      outcome.timedOut = true;
      return;
    }
    pollfd polls[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
    int ready = poll(polls, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) {
      outcome.failed = true;
      outcome.failure = errno;
      return;
    }
    for (int i = 0; i < 2 && ready > 0; ++i) {
      if (fds[i] < 0 || !polls[i].revents)
        continue;
      ssize_t n = read(fds[i], buffer, sizeof(buffer));
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0) {
        fds[i] = -1; // closed: the child has ended (or closed it)
        continue;
      }
      if (sinks[i]->size() + static_cast<size_t>(n) > limits[i]) {
        if (i == 0) {
          outcome.tooLarge = true;
          return;
        }
        continue; // enough of its stderr kept; keep draining it
      }
      sinks[i]->append(buffer, static_cast<size_t>(n));
    }
  }
}

/// A sanitizer's one-line summary in the child's stderr, if any.
std::string summaryLine(const std::string &diagnostics) {
  size_t at = diagnostics.find("SUMMARY: ");
  if (at == std::string::npos)
    return "";
  size_t end = diagnostics.find('\n', at);
  std::string line = diagnostics.substr(
      at, end == std::string::npos ? std::string::npos : end - at);
  return "; " + line.substr(0, 300);
}

/// Why the child failed, in a short phrase; empty if it did not.
std::string describeFailure(const Outcome &outcome, int timeLimitSeconds,
                            size_t maxAnswerBytes) {
  if (outcome.timedOut)
    return "no answer within " + std::to_string(timeLimitSeconds) + " s";
  if (outcome.tooLarge)
    return "an answer larger than " + std::to_string(maxAnswerBytes) +
           " bytes";
  if (outcome.failed)
    return std::string("lost the child process: ") +
           std::strerror(outcome.failure);
  if (WIFSIGNALED(outcome.status)) {
    int signal = WTERMSIG(outcome.status);
    return "killed by signal " + std::to_string(signal) + ", " +
           strsignal(signal) + summaryLine(outcome.diagnostics);
  }
  if (WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) != 0)
    return "the child exited with status " +
           std::to_string(WEXITSTATUS(outcome.status)) +
           summaryLine(outcome.diagnostics);
  return "";
}

} // namespace

ContainedResult
qsnn::support::runContained(const std::function<std::string()> &work,
                            int timeLimitSeconds, size_t maxAnswerBytes) {
  ContainedResult result;
  Pipe answer, diagnostics;
  if (!answer.open() || !diagnostics.open()) {
    result.failure =
        std::string("cannot start a child process: ") + std::strerror(errno);
    return result;
  }
  pid_t child = fork();
  if (child < 0) {
    result.failure =
        std::string("cannot start a child process: ") + std::strerror(errno);
    return result;
  }
  if (child == 0)
    runChild(work, answer.ends[1], diagnostics.ends[1]);
  answer.close(1);
  diagnostics.close(1);
  Outcome outcome;
  collect(answer.ends[0], diagnostics.ends[0], timeLimitSeconds,
          maxAnswerBytes, outcome);
  if (outcome.timedOut || outcome.tooLarge || outcome.failed)
    kill(child, SIGKILL);
  int waitError = 0;
  while (waitpid(child, &outcome.status, 0) < 0) {
    if (errno != EINTR) {
      waitError = errno;
      break;
    }
  }
  result.failure = describeFailure(outcome, timeLimitSeconds, maxAnswerBytes);
  if (result.failure.empty() && waitError)
    result.failure = std::string("cannot tell how the child ended: ") +
                     std::strerror(waitError);
  if (result.failure.empty())
    result.answer = std::move(outcome.answer);
  return result;
}
