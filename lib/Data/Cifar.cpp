//===- Cifar.cpp - CIFAR-10 / CIFAR-100 binary version --------------------===//
//
// Each record is the label byte(s) followed by 3072 pixel bytes: the 32x32
// red plane, then green, then blue, rows top to bottom, which is already the
// [C, H, W] layout of a DataSplit sample. CIFAR-100 records carry a coarse
// (20 superclasses) and a fine (100 classes) label; we train on the fine one.
//
//===----------------------------------------------------------------------===//

#include "Loaders.h"

#include <algorithm>
#include <cstring>

namespace qsnn::data::detail {
namespace {

constexpr int64_t kSide = 32;
constexpr int64_t kPixelBytes = 3 * kSide * kSide;

struct CifarFormat {
  int64_t labelBytes; ///< 1 (CIFAR-10) or 2 (CIFAR-100: coarse, fine).
  int64_t numClasses; ///< Range of the label we keep (the last byte).
  int64_t numCoarse;  ///< Range of the coarse label (CIFAR-100 only).
  const char *subdir; ///< Directory name inside the official archive.
  const char *firstFile;
};

const CifarFormat kCifar10 = {1, 10, 0, "cifar-10-batches-bin",
                              "data_batch_1.bin"};
const CifarFormat kCifar100 = {2, 100, 20, "cifar-100-binary", "train.bin"};

/// The directory holding the .bin files: `dir` itself or the archive's
/// top-level folder inside it.
fs::path findCifarFiles(const fs::path &dir, const CifarFormat &format) {
  std::error_code error;
  if (fs::is_regular_file(dir / format.firstFile, error))
    return dir;
  fs::path nested = dir / format.subdir;
  if (fs::is_regular_file(nested / format.firstFile, error))
    return nested;
  requireDirectory(dir);
  failFile(dir / format.firstFile,
           std::string("missing file (also looked in ") + format.subdir + "/)");
}

/// Appends the records of `path` to `split` until it holds `limit` samples.
void appendCifarFile(const fs::path &path, const CifarFormat &format,
                     int64_t limit, DataSplit &split) {
  std::vector<uint8_t> bytes = readBinaryFile(path);
  const int64_t recordBytes = format.labelBytes + kPixelBytes;
  const int64_t records = int64_t(bytes.size()) / recordBytes;
  if (bytes.empty())
    failFile(path, "empty file");
  if (int64_t(bytes.size()) % recordBytes != 0)
    failTruncated(path, uint64_t(records + 1) * recordBytes, bytes.size());
  const int64_t keep =
      limit < 0 ? records
                : std::max<int64_t>(0, std::min(records, limit - split.size));
  split.samples.resize((split.size + keep) * kPixelBytes);
  for (int64_t r = 0; r < records; ++r) {
    const uint8_t *record = bytes.data() + r * recordBytes;
    int64_t label = record[format.labelBytes - 1];
    if (label >= format.numClasses)
      failFile(path, "label " + std::to_string(label) + " of record " +
                         std::to_string(r) + " is out of range [0, " +
                         std::to_string(format.numClasses) + ")");
    if (format.labelBytes == 2 && record[0] >= format.numCoarse)
      failFile(path, "coarse label " + std::to_string(record[0]) +
                         " of record " + std::to_string(r) +
                         " is out of range [0, " +
                         std::to_string(format.numCoarse) + ")");
    if (r >= keep)
      continue; // Still validated: a corrupt file should not pass unnoticed.
    std::memcpy(split.samples.data() + (split.size + r) * kPixelBytes,
                record + format.labelBytes, kPixelBytes);
    split.labels.push_back(label);
  }
  split.size += keep;
}

DataSplit loadCifarSplit(const fs::path &dir,
                         const std::vector<std::string> &files,
                         const CifarFormat &format, int64_t limit) {
  DataSplit split;
  split.kind = InputKind::Static;
  split.channels = 3;
  split.height = split.width = kSide;
  for (const std::string &file : files)
    appendCifarFile(dir / file, format, limit, split);
  return split;
}

/// Class names from the archive's text file if present, else `fallback`.
std::vector<std::string> readClassNames(const fs::path &path,
                                        int64_t numClasses,
                                        std::vector<std::string> fallback) {
  std::error_code error;
  if (!fs::exists(path, error))
    return fallback;
  std::vector<std::string> names = readTextLines(path);
  if (int64_t(names.size()) != numClasses)
    failFile(path, "expected " + std::to_string(numClasses) +
                       " class names, found " + std::to_string(names.size()));
  return names;
}

} // namespace

DataSet loadCifar10(const fs::path &dir, const LoadOptions &options) {
  fs::path files = findCifarFiles(dir, kCifar10);
  DataSet set;
  set.name = "cifar10";
  set.numClasses = 10;
  set.classNames =
      readClassNames(files / "batches.meta.txt", 10,
                     {"airplane", "automobile", "bird", "cat", "deer", "dog",
                      "frog", "horse", "ship", "truck"});
  if (options.loadTrain)
    set.train = loadCifarSplit(files,
                               {"data_batch_1.bin", "data_batch_2.bin",
                                "data_batch_3.bin", "data_batch_4.bin",
                                "data_batch_5.bin"},
                               kCifar10, options.limitTrain);
  set.test =
      loadCifarSplit(files, {"test_batch.bin"}, kCifar10, options.limitTest);
  return set;
}

DataSet loadCifar100(const fs::path &dir, const LoadOptions &options) {
  fs::path files = findCifarFiles(dir, kCifar100);
  DataSet set;
  set.name = "cifar100";
  set.numClasses = 100;
  set.classNames = readClassNames(files / "fine_label_names.txt", 100, {});
  if (options.loadTrain)
    set.train =
        loadCifarSplit(files, {"train.bin"}, kCifar100, options.limitTrain);
  set.test = loadCifarSplit(files, {"test.bin"}, kCifar100, options.limitTest);
  return set;
}

} // namespace qsnn::data::detail
