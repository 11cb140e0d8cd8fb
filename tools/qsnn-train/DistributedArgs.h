//===- DistributedArgs.h - fit's rank, world size and store options -*- C++
//-*-===//
//
// `fit` takes its place in a distributed run from --rank, --world-size,
// --local-rank, --master-addr and --master-port, or, for each one not
// given, from torchrun's environment variables RANK, WORLD_SIZE, LOCAL_RANK,
// MASTER_ADDR and MASTER_PORT. Bad values are usage errors (exit 2).
//
//===----------------------------------------------------------------------===//
#ifndef QSNN_TOOLS_QSNN_TRAIN_DISTRIBUTEDARGS_H
#define QSNN_TOOLS_QSNN_TRAIN_DISTRIBUTEDARGS_H

#include "qsnn/Train/Trainer.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace qsnn::tools {

void addDistributedOptions(CLI::App *fit, qsnn::train::FitOptions &options);

/// Fills options.distributed from the command line and the environment;
/// -1 when valid, kUsageError after printing the message otherwise.
int resolveDistributedOptions(const CLI::App &app,
                              qsnn::train::FitOptions &options);

/// Under `launch`, the launcher sets the rank and the store: kUsageError
/// (after the message) when the fit command sets them too, else -1.
int checkLaunchedFit(const std::vector<std::string> &command);

/// Unsets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT.
void clearDistributedEnvironment();

} // namespace qsnn::tools

#endif // QSNN_TOOLS_QSNN_TRAIN_DISTRIBUTEDARGS_H
