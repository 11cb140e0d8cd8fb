//===- HDF5Process.cpp - the HDF5 library, contained in a child -----------===//
//
// fork, not spawn: the child needs no program of its own to find, and it
// inherits the file image. The importer runs before any pass, so no thread
// of the parent's is running then; and even with one, the child touches
// only what no other thread of the parent holds: HDF5 (never called in the
// parent), malloc (glibc makes it fork-safe) and pipes.
//
//===----------------------------------------------------------------------===//
#include "HDF5Process.h"

#include "HDF5TreeCodec.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlir::qsnn::nir_import;

// Present only in sanitized builds: sends a sanitizer report to a file
// descriptor (the child's captured stderr) instead of the run's log files.
extern "C" void __sanitizer_set_report_fd(void *fd) __attribute__((weak));

namespace {

constexpr size_t kMaxAnswerBytes = size_t(kMaxTotalBytes) + 4096;
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

/// The child: reads the image, answers on `answerFd`, never returns.
[[noreturn]] void runChild(llvm::StringRef image, int answerFd,
                           int diagnosticFd) {
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
  std::string error, answer;
  std::unique_ptr<H5Node> root = readHDF5Image(image, error);
  if (root)
    encodeHDF5Tree(*root, answer);
  else
    encodeHDF5Error(error, answer);
  _exit(writeAll(answerFd, answer) ? 0 : 3);
}

/// What the parent collected from the child.
struct Outcome {
  std::string answer, diagnostics;
  bool timedOut = false, tooLarge = false, failed = false;
  int status = 0, failure = 0; // failure: errno of a failed poll
};

/// Reads the child's answer and stderr until both close or time is up.
void collect(int answerFd, int diagnosticFd, int timeLimitSeconds,
             Outcome &outcome) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(timeLimitSeconds);
  int fds[2] = {answerFd, diagnosticFd};
  std::string *sinks[2] = {&outcome.answer, &outcome.diagnostics};
  size_t limits[2] = {kMaxAnswerBytes, kMaxDiagnosticBytes};
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

/// Why the child failed, for "the HDF5 library failed ... (<why>)".
std::string describeFailure(const Outcome &outcome, int timeLimitSeconds) {
  if (outcome.timedOut)
    return "no answer within " + std::to_string(timeLimitSeconds) + " s";
  if (outcome.tooLarge)
    return "an answer larger than " + std::to_string(kMaxAnswerBytes) +
           " bytes";
  if (outcome.failed)
    return std::string("lost the reader process: ") +
           std::strerror(outcome.failure);
  if (WIFSIGNALED(outcome.status)) {
    int signal = WTERMSIG(outcome.status);
    return "killed by signal " + std::to_string(signal) + ", " +
           strsignal(signal) + summaryLine(outcome.diagnostics);
  }
  if (WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) != 0)
    return "the reader exited with status " +
           std::to_string(WEXITSTATUS(outcome.status)) +
           summaryLine(outcome.diagnostics);
  return "";
}

} // namespace

std::unique_ptr<H5Node> mlir::qsnn::nir_import::readHDF5ImageContained(
    llvm::StringRef image, std::string &error, int timeLimitSeconds) {
  const std::string failed = "the HDF5 library failed while reading the file (";
  Pipe answer, diagnostics;
  if (!answer.open() || !diagnostics.open()) {
    error =
        std::string("cannot start the HDF5 reader: ") + std::strerror(errno);
    return nullptr;
  }
  pid_t child = fork();
  if (child < 0) {
    error =
        std::string("cannot start the HDF5 reader: ") + std::strerror(errno);
    return nullptr;
  }
  if (child == 0)
    runChild(image, answer.ends[1], diagnostics.ends[1]);
  answer.close(1);
  diagnostics.close(1);
  Outcome outcome;
  collect(answer.ends[0], diagnostics.ends[0], timeLimitSeconds, outcome);
  int waitError = 0;
  if (outcome.timedOut || outcome.tooLarge || outcome.failed)
    kill(child, SIGKILL);
  while (waitpid(child, &outcome.status, 0) < 0) {
    if (errno != EINTR) {
      waitError = errno;
      break;
    }
  }
  std::string why = describeFailure(outcome, timeLimitSeconds);
  if (why.empty() && waitError)
    why = std::string("cannot tell how the reader ended: ") +
          std::strerror(waitError);
  if (!why.empty()) {
    error = failed + why + ")";
    return nullptr;
  }
  bool readerError;
  std::unique_ptr<H5Node> root =
      decodeHDF5Tree(outcome.answer, error, readerError);
  if (!root && !readerError)
    error = failed + error + ")";
  return root;
}
