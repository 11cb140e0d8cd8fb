//===- Launch.h - qsnn-train launch: local workers like torchrun -*- C++
//-*-===//
#ifndef QSNN_TOOLS_QSNN_TRAIN_LAUNCH_H
#define QSNN_TOOLS_QSNN_TRAIN_LAUNCH_H

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace qsnn::tools {

struct LaunchOptions {
  int nprocPerNode = 1;
  int nnodes = 1;
  int nodeRank = 0;
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
};

/// The `launch` subcommand; everything after its options (`fit ...`) is
/// left in the subcommand's remaining() arguments.
CLI::App *addLaunchCommand(CLI::App &app, LaunchOptions &options);

/// Starts nprocPerNode copies of this executable running `command` with
/// RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR and
/// MASTER_PORT set, forwards SIGINT, SIGTERM and SIGHUP to them, and waits.
/// When a worker fails, stops the others and prints one line naming it.
/// Returns the exit status of the launcher (0: every worker succeeded).
int runLaunch(const LaunchOptions &options, const char *argv0,
              const std::vector<std::string> &command);

} // namespace qsnn::tools

#endif // QSNN_TOOLS_QSNN_TRAIN_LAUNCH_H
