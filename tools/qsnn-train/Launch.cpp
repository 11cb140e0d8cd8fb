//===- Launch.cpp - qsnn-train launch: local workers like torchrun --------===//

#include "Launch.h"
#include "UsageErrors.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace qsnn::tools {

namespace {

volatile std::sig_atomic_t forwardedSignal = 0;

void onSignal(int signal) { forwardedSignal = signal; }

void installForwarding() {
  struct sigaction action {};
  action.sa_handler = onSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; // No SA_RESTART: waitpid returns EINTR.
  for (int signal : {SIGINT, SIGTERM, SIGHUP})
    sigaction(signal, &action, nullptr);
}

[[noreturn]] void execWorker(const LaunchOptions &o, int local,
                             const char *argv0,
                             const std::vector<std::string> &command) {
  const int rank = o.nodeRank * o.nprocPerNode + local;
  setenv("RANK", std::to_string(rank).c_str(), 1);
  setenv("LOCAL_RANK", std::to_string(local).c_str(), 1);
  setenv("WORLD_SIZE", std::to_string(o.nnodes * o.nprocPerNode).c_str(), 1);
  setenv("LOCAL_WORLD_SIZE", std::to_string(o.nprocPerNode).c_str(), 1);
  setenv("GROUP_RANK", std::to_string(o.nodeRank).c_str(), 1);
  setenv("MASTER_ADDR", o.masterAddr.c_str(), 1);
  setenv("MASTER_PORT", std::to_string(o.masterPort).c_str(), 1);
  std::vector<char *> args = {const_cast<char *>(argv0)};
  for (const std::string &arg : command)
    args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);
  execv("/proc/self/exe", args.data());
  std::fprintf(stderr, "qsnn-train launch: cannot start rank %d: %s\n", rank,
               std::strerror(errno));
  _exit(127);
}

std::string describe(int status) {
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

/// SIGTERM to the workers still running; SIGKILL after 10 s.
void stopAll(std::vector<pid_t> &pids) {
  for (pid_t pid : pids)
    if (pid > 0)
      kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (pid_t &pid : pids) {
    while (pid > 0) {
      int status = 0;
      pid_t done = waitpid(pid, &status, WNOHANG);
      if (done == pid || (done < 0 && errno == ECHILD)) {
        pid = 0;
      } else if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        pid = 0;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
}

} // namespace

CLI::App *addLaunchCommand(CLI::App &app, LaunchOptions &o) {
  CLI::App *cmd = app.add_subcommand(
      "launch", "Run 'fit ...' on several processes (and machines), like "
                "torchrun");
  cmd->add_option("--nproc-per-node", o.nprocPerNode,
                  "Worker processes on this machine")
      ->check(integerIn(1, 1024))
      ->capture_default_str();
  cmd->add_option("--nnodes", o.nnodes, "Machines taking part")
      ->check(integerIn(1, 4096))
      ->capture_default_str();
  cmd->add_option("--node-rank", o.nodeRank,
                  "This machine's index (0 hosts rank 0 and the store)")
      ->check(integerIn(0, 4095))
      ->capture_default_str();
  cmd->add_option("--master-addr", o.masterAddr,
                  "Address of machine 0 (MASTER_ADDR)")
      ->capture_default_str();
  cmd->add_option("--master-port", o.masterPort,
                  "TCP port of rank 0's store (MASTER_PORT)")
      ->check(integerIn(1, 65535))
      ->capture_default_str();
  cmd->prefix_command();
  return cmd;
}

int runLaunch(const LaunchOptions &o, const char *argv0,
              const std::vector<std::string> &command) {
  installForwarding();
  std::vector<pid_t> pids(o.nprocPerNode, 0);
  for (int local = 0; local < o.nprocPerNode; ++local) {
    pid_t pid = fork();
    if (pid < 0) {
      std::fprintf(stderr, "qsnn-train launch: fork failed: %s\n",
                   std::strerror(errno));
      stopAll(pids);
      return 1;
    }
    if (pid == 0)
      execWorker(o, local, argv0, command);
    pids[local] = pid;
  }
  int running = o.nprocPerNode;
  int forwarded = 0;
  while (running > 0) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno != EINTR)
        break;
      if (forwardedSignal) {
        forwarded = forwardedSignal;
        forwardedSignal = 0;
        for (pid_t p : pids)
          if (p > 0)
            kill(p, forwarded);
      }
      continue;
    }
    int local = 0;
    while (local < o.nprocPerNode && pids[local] != pid)
      ++local;
    if (local == o.nprocPerNode)
      continue;
    pids[local] = 0;
    --running;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
      continue;
    if (forwarded) { // The workers end because they were asked to.
      stopAll(pids);
      return 128 + forwarded;
    }
    const int rank = o.nodeRank * o.nprocPerNode + local;
    std::fprintf(stderr,
                 "qsnn-train launch: rank %d (pid %d) %s; stopping the other "
                 "workers\n",
                 rank, static_cast<int>(pid), describe(status).c_str());
    stopAll(pids);
    return 1;
  }
  return forwarded ? 128 + forwarded : 0;
}

} // namespace qsnn::tools
