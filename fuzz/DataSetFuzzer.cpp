//===- DataSetFuzzer.cpp - one data set reader on a folder made of bytes --===//
//
// Built once per data set (QSNN_FUZZ_DATASET selects the layout below). The
// input holds the files of the test split, joined by kFileSeparator in the
// layout's order; the reader must load them or throw DataError, nothing
// else. Files the reader insists on but the test split does not need
// (CIFAR's first training batch, DVS Gesture's training list) are empty.
//
//===----------------------------------------------------------------------===//
#include "FuzzInput.h"

#include "qsnn/Data/Dataset.h"

#include <cstring>

using namespace qsnn;

namespace {

struct Layout {
  const char *dataset;
  std::vector<std::string> fuzzedFiles;
  std::vector<std::string> emptyFiles;
};

const Layout &layout() {
  static const Layout layouts[] = {
      {"mnist", {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}, {}},
      {"cifar10", {"test_batch.bin", "batches.meta.txt"}, {"data_batch_1.bin"}},
      {"cifar100", {"test.bin", "fine_label_names.txt"}, {"train.bin"}},
      {"tinyimagenet",
       {"wnids.txt", "words.txt", "val/val_annotations.txt",
        "val/images/val_0.JPEG"},
       {}},
      {"dvs-gesture",
       {"trials_to_test.txt", "user01_led.aedat", "user01_led_labels.csv"},
       {"trials_to_train.txt"}},
      {"cifar10-dvs",
       {"airplane/cifar10_airplane_0.aedat",
        "airplane/cifar10_airplane_1.aedat"},
       {}},
  };
  for (const Layout &candidate : layouts)
    if (std::strcmp(candidate.dataset, QSNN_FUZZ_DATASET) == 0)
      return candidate;
  std::abort(); // a build mistake: QSNN_FUZZ_DATASET names no layout
}

/// CIFAR10-DVS wants two recordings in each of its ten class folders; the
/// other nine classes get copies of the fuzzed airplane recordings.
void addOtherCifar10DvsClasses(
    std::vector<std::pair<std::string, std::string>> &files) {
  static const char *others[] = {"automobile", "bird",  "cat",  "deer", "dog",
                                 "frog",       "horse", "ship", "truck"};
  std::string first = files[0].second, second = files[1].second;
  for (const char *name : others) {
    std::string folder = std::string(name) + "/cifar10_" + name;
    files.emplace_back(folder + "_0.aedat", first);
    files.emplace_back(folder + "_1.aedat", second);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static fuzz::ScratchFolder scratch;
  const Layout &files = layout();
  std::vector<std::string> parts =
      fuzz::splitFiles(data, size, files.fuzzedFiles.size());
  std::vector<std::pair<std::string, std::string>> contents;
  for (size_t i = 0; i < parts.size(); ++i)
    contents.emplace_back(files.fuzzedFiles[i], parts[i]);
  for (const std::string &name : files.emptyFiles)
    contents.emplace_back(name, "");
  if (std::strcmp(files.dataset, "cifar10-dvs") == 0)
    addOtherCifar10DvsClasses(contents);
  data::LoadOptions options;
  options.dataDir = scratch.fill(contents).string();
  options.loadTrain = false;
  options.timeSteps = 4;
  try {
    data::DataSet set = data::loadDataSet(files.dataset, options);
    // Touch what a trainer or qsnn-run reads.
    volatile uint64_t sum = 0;
    for (uint8_t byte : set.test.samples)
      sum = sum + byte;
    for (int64_t label : set.test.labels)
      if (label < 0 || label >= set.numClasses)
        std::abort(); // a label outside the classes would index past logits
  } catch (const data::DataError &) {
  }
  return 0;
}
