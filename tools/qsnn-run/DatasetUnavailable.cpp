//===- DatasetUnavailable.cpp - --dataset in a runtime-only build ---------===//
//
// The runtime-only build (QSNN_RUNTIME_ONLY, e.g. the aarch64 cross build)
// has no data set readers: they need zlib and libjpeg for the target. It
// runs test vectors; --dataset says plainly why it cannot.
//
//===----------------------------------------------------------------------===//
#include "Modes.h"

using namespace qsnn::run;

ExitCode qsnn::run::runDataset(Artifact &, const DatasetOptions &options,
                               nlohmann::json &, std::string &error) {
  error = "--dataset " + options.name +
          ": this qsnn-run is a runtime-only build without the data set "
          "readers (QSNN_RUNTIME_ONLY); use --test-data, or a full build "
          "for data sets";
  return Failure;
}
