//===- Registry.cpp - Data set names, default locations, dispatch
//----------===//

#include "Loaders.h"

#include <cstdlib>
#include <functional>

namespace qsnn::data {
namespace {

using detail::fs::path;

struct DataSetEntry {
  const char *name;
  std::function<DataSet(const path &, const LoadOptions &)> load;
};

const std::vector<DataSetEntry> &registry() {
  static const std::vector<DataSetEntry> entries = {
      {"fashion-mnist",
       [](const path &dir, const LoadOptions &options) {
         return detail::loadIdxDataSet("fashion-mnist", dir, options,
                                       {"T-shirt/top", "Trouser", "Pullover",
                                        "Dress", "Coat", "Sandal", "Shirt",
                                        "Sneaker", "Bag", "Ankle boot"});
       }},
      {"mnist",
       [](const path &dir, const LoadOptions &options) {
         return detail::loadIdxDataSet(
             "mnist", dir, options,
             {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
       }},
      {"cifar10", detail::loadCifar10},
      {"cifar100", detail::loadCifar100},
      {"tinyimagenet", detail::loadTinyImageNet},
      {"dvs-gesture", detail::loadDvsGesture},
      {"cifar10-dvs", detail::loadCifar10Dvs},
  };
  return entries;
}

const DataSetEntry &findEntry(const std::string &name) {
  for (const DataSetEntry &entry : registry())
    if (name == entry.name)
      return entry;
  std::string known;
  for (const DataSetEntry &entry : registry())
    known += (known.empty() ? "" : ", ") + std::string(entry.name);
  throw DataError("unknown data set '" + name + "' (known: " + known + ")");
}

std::string environment(const char *variable) {
  const char *value = std::getenv(variable);
  return value ? value : "";
}

} // namespace

std::vector<std::string> knownDataSets() {
  std::vector<std::string> names;
  for (const DataSetEntry &entry : registry())
    names.push_back(entry.name);
  return names;
}

std::string defaultDataDir(const std::string &name) {
  findEntry(name); // Rejects unknown names.
  std::string dataRoot = environment("QSNN_DATA_DIR");
  if (name == "fashion-mnist") {
    std::error_code error;
    if (!dataRoot.empty() &&
        detail::fs::is_directory(path(dataRoot) / name, error))
      return (path(dataRoot) / name).string();
    return "/usr/share/datasets/fashion-mnist";
  }
  if (!dataRoot.empty())
    return (path(dataRoot) / name).string();
  std::string cache = environment("XDG_CACHE_HOME");
  if (cache.empty()) {
    std::string home = environment("HOME");
    if (home.empty())
      throw DataError("no directory for data set '" + name +
                      "': set QSNN_DATA_DIR or HOME, or pass a data directory");
    cache = (path(home) / ".cache").string();
  }
  return (path(cache) / "qsnn" / "data" / name).string();
}

DataSet loadDataSet(const std::string &name, const LoadOptions &options) {
  const DataSetEntry &entry = findEntry(name);
  if (options.timeSteps < 1)
    throw DataError("timeSteps must be at least 1, got " +
                    std::to_string(options.timeSteps));
  if (options.eventSize < 0)
    throw DataError("eventSize must be >= 0 (0: native), got " +
                    std::to_string(options.eventSize));
  if (options.limitTrain < -1 || options.limitTest < -1)
    throw DataError("sample limits must be >= 0, or -1 for all");
  path dir = options.dataDir.empty() ? path(defaultDataDir(name))
                                     : path(options.dataDir);
  std::error_code error;
  if (!detail::fs::is_directory(dir, error))
    throw DataError(dir.string() + ": missing directory for data set '" + name +
                    "' (see docs/datasets.md for the expected files; pass "
                    "--data-dir or set QSNN_DATA_DIR)");
  return entry.load(dir, options);
}

} // namespace qsnn::data
