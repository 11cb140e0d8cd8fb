//===- DistributedArgs.cpp - fit's rank, world size and store options -----===//

#include "DistributedArgs.h"
#include "UsageErrors.h"

#include <cstdio>
#include <cstdlib>

namespace qsnn::tools {

namespace {

struct Setting {
  const char *option; ///< Without the leading "--".
  const char *env;
  long long lo, hi;
};

const Setting kSettings[] = {{"rank", "RANK", 0, 65535},
                             {"world-size", "WORLD_SIZE", 1, 65536},
                             {"local-rank", "LOCAL_RANK", 0, 65535},
                             {"master-port", "MASTER_PORT", 1, 65535}};

int usageError(const std::string &message) {
  std::fprintf(stderr, "qsnn-train: error: %s (see qsnn-train --help)\n",
               message.c_str());
  return kUsageError;
}

/// The environment's value of `s` when its option was not given; false
/// after printing a usage error.
bool fromEnvironment(const CLI::App &fit, const Setting &s, int &value,
                     int &status) {
  if (fit.get_option(std::string("--") + s.option)->count() > 0)
    return true;
  const char *text = std::getenv(s.env);
  if (!text)
    return true;
  char *end = nullptr;
  errno = 0;
  long long parsed = std::strtoll(text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || parsed < s.lo ||
      parsed > s.hi) {
    status = usageError(std::string(s.env) + "='" + text +
                        "' is not an integer in [" + std::to_string(s.lo) +
                        ", " + std::to_string(s.hi) + "]");
    return false;
  }
  value = static_cast<int>(parsed);
  return true;
}

} // namespace

void addDistributedOptions(CLI::App *cmd, qsnn::train::FitOptions &fit) {
  qsnn::train::DistributedOptions &d = fit.distributed;
  cmd->add_option("--rank", d.rank, "This process's rank (env RANK)")
      ->check(integerIn(0, 65535))
      ->capture_default_str();
  cmd->add_option("--world-size", d.worldSize,
                  "Processes in the run (env WORLD_SIZE; 1: no others)")
      ->check(integerIn(1, 65536))
      ->capture_default_str();
  cmd->add_option("--local-rank", d.localRank,
                  "Rank on this machine (env LOCAL_RANK)")
      ->check(integerIn(0, 65535))
      ->capture_default_str();
  cmd->add_option("--master-addr", d.masterAddr,
                  "Host of rank 0's store (env MASTER_ADDR)")
      ->capture_default_str();
  cmd->add_option("--master-port", d.masterPort,
                  "TCP port of rank 0's store (env MASTER_PORT)")
      ->check(integerIn(1, 65535))
      ->capture_default_str();
  cmd->add_option("--timeout", d.timeoutSeconds,
                  "Seconds before a missing rank or a hung collective stops "
                  "the run")
      ->check(integerIn(1, 86400))
      ->capture_default_str();
  cmd->add_flag("--sync-bn", d.syncBatchNorm,
                "BatchNorm statistics and alpha_u over the batch of all ranks");
  cmd->add_flag("--allow-batch-change", fit.allowBatchChange,
                "--resume with another global batch than the checkpoint's");
  cmd->add_option("--replica-checksums", fit.replicaChecksums,
                  "Append 'epoch step checksum' of the model after every "
                  "step to PATH.RANK");
}

int resolveDistributedOptions(const CLI::App &app,
                              qsnn::train::FitOptions &fit) {
  const CLI::App &cmd = *app.get_subcommand("fit");
  qsnn::train::DistributedOptions &d = fit.distributed;
  int *fields[] = {&d.rank, &d.worldSize, &d.localRank, &d.masterPort};
  int status = -1;
  for (size_t i = 0; i < std::size(kSettings); ++i)
    if (!fromEnvironment(cmd, kSettings[i], *fields[i], status))
      return status;
  if (cmd.get_option("--master-addr")->count() == 0)
    if (const char *addr = std::getenv("MASTER_ADDR"))
      d.masterAddr = addr;
  if (d.masterAddr.empty())
    return usageError("--master-addr (MASTER_ADDR) is empty");
  if (d.rank >= d.worldSize)
    return usageError("--rank (RANK) " + std::to_string(d.rank) +
                      " must be below --world-size (WORLD_SIZE) " +
                      std::to_string(d.worldSize));
  return -1;
}

int checkLaunchedFit(const std::vector<std::string> &command) {
  for (const std::string &arg : command)
    for (const char *own : {"--rank", "--world-size", "--local-rank",
                            "--master-addr", "--master-port"})
      if (arg == own || arg.rfind(std::string(own) + "=", 0) == 0)
        return usageError(
            std::string(own) +
            " is set by launch for each worker; give "
            "--master-addr/--master-port to launch, before 'fit'");
  return -1;
}

void clearDistributedEnvironment() {
  for (const char *name :
       {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"})
    unsetenv(name);
}

} // namespace qsnn::tools
