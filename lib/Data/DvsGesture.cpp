//===- DvsGesture.cpp - DVS128 Gesture (AEDAT 3.1)
//-------------------------===//
//
// The IBM release (DvsGesture.tar.gz): user<NN>_<lighting>.aedat recordings,
// one <recording>_labels.csv per recording with rows
// class,startTime_usec,endTime_usec (classes 1..11), and trials_to_train.txt /
// trials_to_test.txt naming the recordings of each split. Every csv row is one
// sample: the events of its time window binned into T frames.
//
// AEDAT 3.1: ASCII header lines "#...\r\n" from "#!AER-DAT3.1" to
// "#!END-HEADER", then packets. A packet is a 28-byte little-endian header
// (int16 type, int16 source, int32 eventSize, int32 tsOffset, int32
// tsOverflow, int32 capacity, int32 number, int32 valid) followed by
// capacity * eventSize bytes. Polarity events (type 1) are uint32 data (bit 0
// valid, bit 1 polarity, bits 2-16 y, bits 17-31 x) and int32 timestamp, the
// full time being tsOverflow << 31 | timestamp.
//
//===----------------------------------------------------------------------===//

#include "Loaders.h"

#include <algorithm>
#include <cstring>

namespace qsnn::data::detail {
namespace {

constexpr int64_t kSensorSide = 128;
constexpr int64_t kNumClasses = 11;
constexpr size_t kPacketHeaderBytes = 28;
constexpr int16_t kPolarityEventType = 1;

/// Byte offset of the first packet, after the "#!END-HEADER" line.
size_t skipAedat31Header(const fs::path &path,
                         const std::vector<uint8_t> &bytes) {
  static const char kMagic[] = "#!AER-DAT3.1";
  if (bytes.size() < sizeof kMagic - 1 ||
      std::memcmp(bytes.data(), kMagic, sizeof kMagic - 1) != 0)
    failFile(path,
             "bad magic: expected an '#!AER-DAT3.1' header line, found '" +
                 printablePrefix(bytes.data(), bytes.size()) + "'");
  size_t pos = 0;
  while (pos < bytes.size() && bytes[pos] == '#') {
    const uint8_t *lineEnd = static_cast<const uint8_t *>(
        std::memchr(bytes.data() + pos, '\n', bytes.size() - pos));
    if (!lineEnd)
      break;
    size_t next = size_t(lineEnd - bytes.data()) + 1;
    static const char kEnd[] = "#!END-HEADER";
    bool isEnd = next - pos >= sizeof kEnd - 1 &&
                 std::memcmp(bytes.data() + pos, kEnd, sizeof kEnd - 1) == 0;
    pos = next;
    if (isEnd)
      return pos;
  }
  failFile(path, "header has no '#!END-HEADER' line");
}

std::vector<Event> readAedat31(const fs::path &path) {
  std::vector<uint8_t> bytes = readBinaryFile(path);
  size_t pos = skipAedat31Header(path, bytes);
  std::vector<Event> events;
  events.reserve((bytes.size() - pos) / 8);
  while (pos < bytes.size()) {
    const uint8_t *header = bytes.data() + pos;
    if (bytes.size() - pos < kPacketHeaderBytes)
      failFile(path, "truncated packet header at byte " + std::to_string(pos) +
                         ": expected 28 bytes, got " +
                         std::to_string(bytes.size() - pos));
    int16_t type = int16_t(loadLittleEndian16(header));
    int32_t eventSize = int32_t(loadLittleEndian32(header + 4));
    int32_t overflow = int32_t(loadLittleEndian32(header + 12));
    int32_t capacity = int32_t(loadLittleEndian32(header + 16));
    int32_t number = int32_t(loadLittleEndian32(header + 20));
    if (eventSize <= 0 || capacity < 0 || number < 0 || number > capacity ||
        overflow < 0)
      failFile(path, "corrupt packet header at byte " + std::to_string(pos) +
                         ": eventSize " + std::to_string(eventSize) +
                         ", capacity " + std::to_string(capacity) +
                         ", number " + std::to_string(number) +
                         ", tsOverflow " + std::to_string(overflow));
    pos += kPacketHeaderBytes;
    uint64_t payload = uint64_t(capacity) * uint64_t(eventSize);
    if (bytes.size() - pos < payload)
      failFile(path, "truncated packet at byte " +
                         std::to_string(pos - kPacketHeaderBytes) +
                         ": expected " + std::to_string(payload) +
                         " bytes of events, got " +
                         std::to_string(bytes.size() - pos));
    if (type == kPolarityEventType) {
      if (eventSize < 8)
        failFile(path, "polarity packet at byte " +
                           std::to_string(pos - kPacketHeaderBytes) + " has " +
                           std::to_string(eventSize) +
                           "-byte events, expected 8");
      for (int32_t i = 0; i < number; ++i) {
        const uint8_t *raw = bytes.data() + pos + size_t(i) * eventSize;
        uint32_t data = loadLittleEndian32(raw);
        if (!(data & 1)) // Invalidated by a filter at recording time.
          continue;
        Event event;
        event.polarity = uint8_t(data >> 1 & 1);
        event.y = uint16_t(data >> 2 & 0x7FFF);
        event.x = uint16_t(data >> 17 & 0x7FFF);
        event.time = int64_t(overflow) << 31 | loadLittleEndian32(raw + 4);
        if (event.x >= kSensorSide || event.y >= kSensorSide)
          failFile(path, "event at (" + std::to_string(event.x) + ", " +
                             std::to_string(event.y) +
                             ") lies outside the 128x128 sensor");
        events.push_back(event);
      }
    }
    pos += payload; // Other event types (special, frames, IMU) are skipped.
  }
  // Packets are written in time order; sort only if a file says otherwise.
  auto earlier = [](const Event &a, const Event &b) { return a.time < b.time; };
  if (!std::is_sorted(events.begin(), events.end(), earlier))
    std::stable_sort(events.begin(), events.end(), earlier);
  return events;
}

struct GestureWindow {
  int64_t label, begin, end;
};

std::vector<GestureWindow> readGestureLabels(const fs::path &path) {
  std::vector<std::string> lines = readTextLines(path);
  if (lines.empty() || lines[0].rfind("class", 0) != 0)
    failFile(path, "expected the header 'class,startTime_usec,endTime_usec'");
  std::vector<GestureWindow> windows;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> fields = splitFields(lines[i], ',');
    GestureWindow window;
    if (fields.size() != 3 || !parseInteger(fields[0], window.label) ||
        !parseInteger(fields[1], window.begin) ||
        !parseInteger(fields[2], window.end))
      failFile(path, "line " + std::to_string(i + 1) +
                         ": expected class,startTime_usec,endTime_usec, got '" +
                         lines[i] + "'");
    if (window.label < 1 || window.label > kNumClasses)
      failFile(path, "line " + std::to_string(i + 1) + ": class " +
                         std::to_string(window.label) +
                         " is out of range [1, 11]");
    if (window.end <= window.begin)
      failFile(path, "line " + std::to_string(i + 1) +
                         ": endTime_usec is not after startTime_usec");
    --window.label; // Classes 1..11 -> labels 0..10.
    windows.push_back(window);
  }
  return windows;
}

DataSplit loadGestureSplit(const fs::path &root, const std::string &listName,
                           const EventFrameSpec &spec, int64_t limit) {
  std::vector<std::string> recordings = readTextLines(root / listName);
  if (recordings.empty())
    failFile(root / listName, "lists no recordings");
  DataSplit split = makeEventSplit(spec, 0);
  const int64_t sampleBytes = split.sampleBytes();
  for (size_t index = 0; index < recordings.size(); ++index) {
    const std::string &name = recordings[index];
    requirePlainFileName(root / listName,
                         "entry " + std::to_string(index + 1), name);
    if (limit >= 0 && split.size >= limit)
      break;
    fs::path recording = root / name;
    std::string stem = recording.stem().string();
    std::vector<GestureWindow> windows =
        readGestureLabels(root / (stem + "_labels.csv"));
    std::vector<Event> events = readAedat31(recording);
    for (const GestureWindow &window : windows) {
      if (limit >= 0 && split.size >= limit)
        break;
      auto first = std::lower_bound(
          events.begin(), events.end(), window.begin,
          [](const Event &event, int64_t time) { return event.time < time; });
      auto last = std::lower_bound(
          first, events.end(), window.end,
          [](const Event &event, int64_t time) { return event.time < time; });
      split.samples.resize((split.size + 1) * sampleBytes);
      binEvents(events.data() + (first - events.begin()), size_t(last - first),
                window.begin, window.end, spec,
                split.samples.data() + split.size * sampleBytes);
      split.labels.push_back(window.label);
      ++split.size;
    }
  }
  return split;
}

} // namespace

DataSet loadDvsGesture(const fs::path &dir, const LoadOptions &options) {
  std::error_code error;
  fs::path root = dir;
  if (!fs::is_regular_file(root / "trials_to_train.txt", error) &&
      fs::is_regular_file(dir / "DvsGesture" / "trials_to_train.txt", error))
    root = dir / "DvsGesture";
  requireDirectory(root);
  if (!fs::is_regular_file(root / "trials_to_train.txt", error))
    failFile(root / "trials_to_train.txt",
             "missing file (also looked in DvsGesture/)");
  EventFrameSpec spec = eventSpecFor("dvs-gesture", kSensorSide, options);
  DataSet set;
  set.name = "dvs-gesture";
  set.numClasses = kNumClasses;
  set.classNames = {"hand_clapping",
                    "right_hand_wave",
                    "left_hand_wave",
                    "right_arm_clockwise",
                    "right_arm_counter_clockwise",
                    "left_arm_clockwise",
                    "left_arm_counter_clockwise",
                    "arm_roll",
                    "air_drums",
                    "air_guitar",
                    "other_gestures"};
  if (options.loadTrain)
    set.train =
        loadGestureSplit(root, "trials_to_train.txt", spec, options.limitTrain);
  set.test =
      loadGestureSplit(root, "trials_to_test.txt", spec, options.limitTest);
  return set;
}

} // namespace qsnn::data::detail
