//===- Cifar10Dvs.cpp - CIFAR10-DVS (AEDAT 2.0)
//----------------------------===//
//
// The figshare release: one folder per class (airplane ... truck), each with
// cifar10_<class>_<i>.aedat recordings from a DVS128 in jAER's AEDAT 2.0
// format: ASCII header lines starting with '#' (the first "#!AER-DAT2.0"),
// then 8-byte big-endian events, uint32 address then uint32 timestamp (us).
//
// DVS128 address layout (jAER): bit 0 polarity (0 = ON), bits 1-7 x,
// bits 8-14 y; bit 15 marks external/special events, which we skip. Like
// spikingjelly's reader we flip both raw axes (x = 127 - x, y = 127 - y),
// which gives upright frames with the origin at the top left.
//
// The release has no official split: per class, the first 90% of the files in
// natural order (cifar10_airplane_0 .. _899) train and the rest test, and both
// splits interleave the classes so that limits keep them balanced.
//
//===----------------------------------------------------------------------===//

#include "Loaders.h"

#include <algorithm>
#include <cstring>

namespace qsnn::data::detail {
namespace {

constexpr int64_t kSensorSide = 128;
const char *const kClassNames[] = {"airplane", "automobile", "bird", "cat",
                                   "deer",     "dog",        "frog", "horse",
                                   "ship",     "truck"};
constexpr int64_t kNumClasses = 10;

std::vector<Event> readAedat2(const fs::path &path) {
  std::vector<uint8_t> bytes = readBinaryFile(path);
  static const char kMagic[] = "#!AER-DAT";
  if (bytes.size() < sizeof kMagic - 1 ||
      std::memcmp(bytes.data(), kMagic, sizeof kMagic - 1) != 0)
    failFile(path,
             "bad magic: expected an '#!AER-DAT2.0' header line, found '" +
                 printablePrefix(bytes.data(), bytes.size()) + "'");
  if (bytes.size() < 12 || std::memcmp(bytes.data() + 9, "2.0", 3) != 0)
    failFile(path, "unsupported AEDAT version '" +
                       printablePrefix(bytes.data(), bytes.size()) +
                       "', expected '#!AER-DAT2.0'");
  size_t pos = 0;
  while (pos < bytes.size() && bytes[pos] == '#') {
    const void *lineEnd =
        std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
    if (!lineEnd)
      failFile(path,
               "header line at byte " + std::to_string(pos) + " has no end");
    pos = size_t(static_cast<const uint8_t *>(lineEnd) - bytes.data()) + 1;
  }
  const size_t dataBytes = bytes.size() - pos;
  if (dataBytes % 8 != 0)
    failTruncated(path, bytes.size() + (8 - dataBytes % 8), bytes.size());

  std::vector<Event> events;
  events.reserve(dataBytes / 8);
  for (size_t offset = pos; offset < bytes.size(); offset += 8) {
    uint32_t address = loadBigEndian32(bytes.data() + offset);
    if (address & ~uint32_t(0x7FFF))
      continue; // Not a DVS pixel event.
    Event event;
    event.polarity = uint8_t(1 - (address & 1));
    event.x = uint16_t(kSensorSide - 1 - (address >> 1 & 0x7F));
    event.y = uint16_t(kSensorSide - 1 - (address >> 8 & 0x7F));
    event.time = loadBigEndian32(bytes.data() + offset + 4);
    events.push_back(event);
  }
  auto earlier = [](const Event &a, const Event &b) { return a.time < b.time; };
  if (!std::is_sorted(events.begin(), events.end(), earlier))
    std::stable_sort(events.begin(), events.end(), earlier);
  return events;
}

struct Recording {
  fs::path path;
  int64_t label;
};

/// Interleaves per-class file lists: class 0's first file, class 1's, ...
std::vector<Recording>
interleave(const std::vector<std::vector<fs::path>> &perClass) {
  std::vector<Recording> recordings;
  for (size_t round = 0;; ++round) {
    bool any = false;
    for (size_t label = 0; label < perClass.size(); ++label) {
      if (round < perClass[label].size()) {
        recordings.push_back({perClass[label][round], int64_t(label)});
        any = true;
      }
    }
    if (!any)
      return recordings;
  }
}

DataSplit binRecordings(const std::vector<Recording> &recordings,
                        const EventFrameSpec &spec, int64_t limit) {
  DataSplit split =
      makeEventSplit(spec, keptCount(int64_t(recordings.size()), limit));
  for (int64_t i = 0; i < split.size; ++i) {
    std::vector<Event> events = readAedat2(recordings[i].path);
    int64_t begin = events.empty() ? 0 : events.front().time;
    int64_t end = events.empty() ? 0 : events.back().time + 1;
    binEvents(events.data(), events.size(), begin, end, spec,
              split.samples.data() + i * split.sampleBytes());
    split.labels[i] = recordings[i].label;
  }
  return split;
}

} // namespace

DataSet loadCifar10Dvs(const fs::path &dir, const LoadOptions &options) {
  requireDirectory(dir);
  EventFrameSpec spec = eventSpecFor("cifar10-dvs", kSensorSide, options);
  std::vector<std::vector<fs::path>> trainFiles, testFiles;
  for (const char *className : kClassNames) {
    std::vector<fs::path> files;
    for (const fs::path &file : listDirectory(dir / className, false))
      if (file.extension() == ".aedat")
        files.push_back(file);
    if (files.size() < 2)
      failFile(dir / className,
               "needs at least 2 .aedat recordings to split, found " +
                   std::to_string(files.size()));
    size_t trainCount = files.size() * 9 / 10;
    trainFiles.emplace_back(files.begin(), files.begin() + trainCount);
    testFiles.emplace_back(files.begin() + trainCount, files.end());
  }
  DataSet set;
  set.name = "cifar10-dvs";
  set.numClasses = kNumClasses;
  set.classNames.assign(std::begin(kClassNames), std::end(kClassNames));
  if (options.loadTrain)
    set.train = binRecordings(interleave(trainFiles), spec, options.limitTrain);
  set.test = binRecordings(interleave(testFiles), spec, options.limitTest);
  return set;
}

} // namespace qsnn::data::detail
