//===- RegistryTest.cpp - Set names, default directories, option checks
//----===//

#include "TestFiles.h"

#include <cstdlib>
#include <optional>

namespace qsnn::data::test {
namespace {

/// Sets (or unsets) an environment variable for the scope of a test.
class ScopedEnv {
public:
  ScopedEnv(const char *name, std::optional<std::string> value) : name(name) {
    if (const char *old = std::getenv(name))
      saved = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (saved)
      setenv(name, saved->c_str(), 1);
    else
      unsetenv(name);
  }

private:
  const char *name;
  std::optional<std::string> saved;
};

TEST(Registry, KnownDataSets) {
  EXPECT_EQ(
      knownDataSets(),
      (std::vector<std::string>{"fashion-mnist", "mnist", "cifar10", "cifar100",
                                "tinyimagenet", "dvs-gesture", "cifar10-dvs"}));
}

TEST(Registry, UnknownNameListsKnownOnes) {
  std::string message =
      dataErrorOf([] { loadDataSet("imagenet", LoadOptions()); });
  EXPECT_TRUE(containsAll(message, {"unknown data set 'imagenet'",
                                    "fashion-mnist, mnist, cifar10, cifar100, "
                                    "tinyimagenet, dvs-gesture, cifar10-dvs"}));
  EXPECT_TRUE(containsAll(dataErrorOf([] { defaultDataDir("svhn"); }),
                          {"unknown data set 'svhn'"}));
}

TEST(Registry, DefaultDirectories) {
  TempDir dataRoot;
  {
    ScopedEnv data("QSNN_DATA_DIR", dataRoot.path().string());
    EXPECT_EQ(defaultDataDir("cifar10"), (dataRoot / "cifar10").string());
    // Fashion-MNIST uses QSNN_DATA_DIR only when the copy exists there.
    EXPECT_EQ(defaultDataDir("fashion-mnist"),
              "/usr/share/datasets/fashion-mnist");
    fs::create_directories(dataRoot / "fashion-mnist");
    EXPECT_EQ(defaultDataDir("fashion-mnist"),
              (dataRoot / "fashion-mnist").string());
  }
  {
    ScopedEnv data("QSNN_DATA_DIR", std::nullopt);
    ScopedEnv cache("XDG_CACHE_HOME", std::nullopt);
    ScopedEnv home("HOME", "/home/researcher");
    EXPECT_EQ(defaultDataDir("dvs-gesture"),
              "/home/researcher/.cache/qsnn/data/dvs-gesture");
    EXPECT_EQ(defaultDataDir("fashion-mnist"),
              "/usr/share/datasets/fashion-mnist");
  }
  {
    ScopedEnv data("QSNN_DATA_DIR", std::nullopt);
    ScopedEnv cache("XDG_CACHE_HOME", "/var/cache/me");
    EXPECT_EQ(defaultDataDir("cifar100"), "/var/cache/me/qsnn/data/cifar100");
  }
}

TEST(Registry, MissingDirectoryNamesItAndTheFix) {
  LoadOptions options;
  options.dataDir = "/nonexistent/qsnn/cifar10";
  std::string message = dataErrorOf([&] { loadDataSet("cifar10", options); });
  EXPECT_TRUE(containsAll(message, {"/nonexistent/qsnn/cifar10",
                                    "missing directory", "QSNN_DATA_DIR"}));
}

TEST(Registry, RejectsBadOptions) {
  TempDir dir;
  LoadOptions options;
  options.dataDir = dir.path().string();
  options.timeSteps = 0;
  EXPECT_TRUE(
      containsAll(dataErrorOf([&] { loadDataSet("dvs-gesture", options); }),
                  {"timeSteps must be at least 1, got 0"}));
  options.timeSteps = 4;
  options.eventSize = -2;
  EXPECT_TRUE(
      containsAll(dataErrorOf([&] { loadDataSet("dvs-gesture", options); }),
                  {"eventSize must be >= 0"}));
  options.eventSize = 0;
  options.limitTest = -5;
  EXPECT_TRUE(containsAll(dataErrorOf([&] { loadDataSet("mnist", options); }),
                          {"sample limits"}));
}

} // namespace
} // namespace qsnn::data::test
