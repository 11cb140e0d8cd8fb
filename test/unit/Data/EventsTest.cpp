//===- EventsTest.cpp - Binning events into count frames
//-------------------===//

#include "TestFiles.h"

namespace qsnn::data::test {
namespace {

Event event(int64_t time, uint16_t x, uint16_t y, uint8_t polarity) {
  Event e;
  e.time = time;
  e.x = x;
  e.y = y;
  e.polarity = polarity;
  return e;
}

struct Frames {
  EventFrameSpec spec;
  Bytes data;
  int at(int64_t t, int64_t p, int64_t x, int64_t y) const {
    return data[((t * 2 + p) * spec.frameHeight + y) * spec.frameWidth + x];
  }
  uint64_t total() const {
    uint64_t sum = 0;
    for (uint8_t value : data)
      sum += value;
    return sum;
  }
};

Frames bin(const std::vector<Event> &events, int64_t begin, int64_t end,
           EventFrameSpec spec) {
  Frames frames{spec,
                Bytes(spec.timeSteps * 2 * spec.frameWidth * spec.frameHeight,
                      0xAB)}; // Garbage: binEvents must clear it.
  binEvents(events.data(), events.size(), begin, end, spec, frames.data.data());
  return frames;
}

EventFrameSpec spec(int64_t timeSteps, EventBinning binning,
                    int64_t frame = 128) {
  EventFrameSpec s;
  s.timeSteps = timeSteps;
  s.binning = binning;
  s.frameWidth = s.frameHeight = frame;
  return s;
}

TEST(BinEvents, EventAtKnownTimeLandsInItsBin) {
  // [0, 1000) in 10 bins of 100 us.
  Frames frames =
      bin({event(0, 1, 2, 1), event(99, 1, 2, 1), event(100, 3, 4, 0),
           event(750, 5, 6, 1), event(999, 7, 8, 0), event(1000, 9, 9, 1),
           event(-1, 9, 9, 1)},
          0, 1000, spec(10, EventBinning::ByTime));
  EXPECT_EQ(frames.at(0, 1, 1, 2), 2);
  EXPECT_EQ(frames.at(1, 0, 3, 4), 1);
  EXPECT_EQ(frames.at(7, 1, 5, 6), 1);
  EXPECT_EQ(frames.at(9, 0, 7, 8), 1);
  EXPECT_EQ(frames.at(1, 1, 3, 4), 0); // Polarity kept apart.
  EXPECT_EQ(frames.total(), 5u);       // 1000 and -1 lie outside.
}

TEST(BinEvents, ByCountSplitsEventsEvenly) {
  std::vector<Event> events;
  for (int i = 0; i < 12; ++i)
    events.push_back(event(i * i, uint16_t(i), 0, 1)); // Uneven in time.
  Frames frames = bin(events, 0, 0, spec(3, EventBinning::ByCount));
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(frames.at(i / 4, 1, i, 0), 1) << "event " << i;
  EXPECT_EQ(frames.total(), 12u);
}

TEST(BinEvents, CountsSaturateAt255) {
  std::vector<Event> events(300, event(5, 40, 41, 0));
  events.push_back(event(6, 40, 41, 1));
  Frames frames = bin(events, 0, 10, spec(1, EventBinning::ByTime));
  EXPECT_EQ(frames.at(0, 0, 40, 41), 255);
  EXPECT_EQ(frames.at(0, 1, 40, 41), 1);
}

TEST(BinEvents, ResizeSumPoolsCounts) {
  // 128 -> 48: column x goes to x * 48 / 128.
  Frames frames =
      bin({event(0, 0, 0, 1), event(0, 1, 1, 1), event(0, 2, 2, 1),
           event(0, 3, 3, 1), event(0, 127, 127, 0), event(0, 64, 10, 0)},
          0, 1, spec(1, EventBinning::ByTime, 48));
  EXPECT_EQ(frames.data.size(), 2u * 48 * 48);
  EXPECT_EQ(frames.at(0, 1, 0, 0), 3);
  EXPECT_EQ(frames.at(0, 1, 1, 1), 1);
  EXPECT_EQ(frames.at(0, 0, 47, 47), 1);
  EXPECT_EQ(frames.at(0, 0, 24, 3), 1);
  EXPECT_EQ(frames.total(), 6u); // Nothing lost.
}

TEST(BinEvents, EventOutsideTheSensor) {
  std::vector<Event> events = {event(0, 128, 0, 1)};
  std::string message =
      dataErrorOf([&] { bin(events, 0, 1, spec(1, EventBinning::ByTime)); });
  EXPECT_TRUE(containsAll(message, {"(128, 0)", "outside the 128x128 sensor"}));
}

TEST(BinEvents, FrameLargerThanSensor) {
  std::string message =
      dataErrorOf([&] { bin({}, 0, 1, spec(1, EventBinning::ByTime, 256)); });
  EXPECT_TRUE(containsAll(message, {"invalid spec", "frame 256x256"}));
}

TEST(BinEvents, NoEventsGiveEmptyFrames) {
  Frames frames = bin({}, 0, 0, spec(4, EventBinning::ByCount));
  EXPECT_EQ(frames.total(), 0u);
}

} // namespace
} // namespace qsnn::data::test
