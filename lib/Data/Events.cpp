//===- Events.cpp - Binning DVS events into count frames
//-------------------===//
//
// Event data sets are stored as per-bin event counts so that training, export
// test vectors and deployed models see the same uint8 frames (Dataset.h).
//
//===----------------------------------------------------------------------===//

#include "DataIO.h"

#include <algorithm>

namespace qsnn::data {

void binEvents(const Event *events, size_t count, int64_t beginTime,
               int64_t endTime, const EventFrameSpec &spec, uint8_t *out) {
  if (spec.timeSteps < 1 || spec.sensorWidth < 1 || spec.sensorHeight < 1 ||
      spec.frameWidth < 1 || spec.frameHeight < 1 ||
      spec.frameWidth > spec.sensorWidth ||
      spec.frameHeight > spec.sensorHeight)
    throw DataError(
        "event frames: invalid spec: T=" + std::to_string(spec.timeSteps) +
        ", sensor " + std::to_string(spec.sensorWidth) + "x" +
        std::to_string(spec.sensorHeight) + ", frame " +
        std::to_string(spec.frameWidth) + "x" +
        std::to_string(spec.frameHeight) +
        " (frames may not be larger than the sensor)");
  const int64_t planeSize = spec.frameWidth * spec.frameHeight;
  const int64_t frameSize = 2 * planeSize;
  std::fill(out, out + spec.timeSteps * frameSize, uint8_t(0));
  const bool byTime = spec.binning == EventBinning::ByTime;
  const int64_t span = std::max<int64_t>(1, endTime - beginTime);
  for (size_t k = 0; k < count; ++k) {
    const Event &event = events[k];
    if (event.x >= spec.sensorWidth || event.y >= spec.sensorHeight)
      throw DataError("event " + std::to_string(k) + " at (" +
                      std::to_string(event.x) + ", " + std::to_string(event.y) +
                      ") lies outside the " + std::to_string(spec.sensorWidth) +
                      "x" + std::to_string(spec.sensorHeight) + " sensor");
    int64_t bin;
    if (byTime) {
      if (event.time < beginTime || event.time >= endTime)
        continue;
      // Fits in int64: offsets are microseconds (< 2^40) and T is small.
      bin = (event.time - beginTime) * spec.timeSteps / span;
    } else {
      bin = int64_t(k) * spec.timeSteps / int64_t(count);
    }
    int64_t column = int64_t(event.x) * spec.frameWidth / spec.sensorWidth;
    int64_t row = int64_t(event.y) * spec.frameHeight / spec.sensorHeight;
    uint8_t &cell = out[bin * frameSize + (event.polarity ? planeSize : 0) +
                        row * spec.frameWidth + column];
    if (cell != 255)
      ++cell;
  }
}

namespace detail {

DataSplit makeEventSplit(const EventFrameSpec &spec, int64_t size) {
  DataSplit split;
  split.kind = InputKind::Events;
  split.size = size;
  split.timeSteps = spec.timeSteps;
  split.channels = 2;
  split.height = spec.frameHeight;
  split.width = spec.frameWidth;
  split.samples.assign(size * split.sampleBytes(), 0);
  split.labels.assign(size, 0);
  return split;
}

EventFrameSpec eventSpecFor(const std::string &setName, int64_t sensorSide,
                            const LoadOptions &options) {
  if (options.eventSize > sensorSide)
    throw DataError(
        setName + ": eventSize " + std::to_string(options.eventSize) +
        " is larger than the sensor's " + std::to_string(sensorSide) + "x" +
        std::to_string(sensorSide) + "; frames can only be downsized");
  EventFrameSpec spec;
  spec.timeSteps = options.timeSteps;
  spec.sensorWidth = spec.sensorHeight = sensorSide;
  spec.frameWidth = spec.frameHeight =
      options.eventSize > 0 ? options.eventSize : sensorSide;
  spec.binning = options.eventBinning;
  return spec;
}

} // namespace detail
} // namespace qsnn::data
