//===- DvsGestureTest.cpp - DVS128 Gesture reader on small AEDAT 3.1 files
//-===//

#include "TestFiles.h"

namespace qsnn::data::test {
namespace {

struct RawEvent {
  uint32_t x, y, polarity, timestamp;
  bool valid = true;
};

const std::string kHeader = "#!AER-DAT3.1\r\n"
                            "#Format: RAW\r\n"
                            "#Source 1: DVS128\r\n"
                            "#Start-Time: 2017-01-01 10:00:00 (TZ+0000)\r\n"
                            "#!END-HEADER\r\n";

void appendPacketHeader(Bytes &bytes, uint16_t type, uint32_t eventSize,
                        uint32_t overflow, uint32_t capacity, uint32_t number) {
  appendLittleEndian16(bytes, type);
  appendLittleEndian16(bytes, 1); // eventSource
  appendLittleEndian32(bytes, eventSize);
  appendLittleEndian32(bytes, 4); // eventTSOffset
  appendLittleEndian32(bytes, overflow);
  appendLittleEndian32(bytes, capacity);
  appendLittleEndian32(bytes, number);
  appendLittleEndian32(bytes, number); // eventValid
}

/// A polarity packet; capacity exceeds the event count like libcaer's, so the
/// reader must skip the unused slots.
void appendPolarityPacket(Bytes &bytes, const std::vector<RawEvent> &events,
                          uint32_t overflow = 0) {
  uint32_t capacity = uint32_t(events.size()) + 2;
  appendPacketHeader(bytes, 1, 8, overflow, capacity, uint32_t(events.size()));
  for (const RawEvent &event : events) {
    appendLittleEndian32(bytes, event.x << 17 | event.y << 2 |
                                    event.polarity << 1 |
                                    (event.valid ? 1 : 0));
    appendLittleEndian32(bytes, event.timestamp);
  }
  bytes.resize(bytes.size() + 16, 0xEE); // Unused capacity.
}

/// A special-event packet (type 0, timestamp resets etc.) to be skipped.
void appendSpecialPacket(Bytes &bytes) {
  appendPacketHeader(bytes, 0, 8, 0, 1, 1);
  appendLittleEndian32(bytes, 0xFFFFFFFF);
  appendLittleEndian32(bytes, 5);
}

Bytes aedatFile(const std::vector<std::vector<RawEvent>> &packets) {
  Bytes bytes(kHeader.begin(), kHeader.end());
  appendSpecialPacket(bytes);
  for (const auto &packet : packets)
    appendPolarityPacket(bytes, packet);
  return bytes;
}

class DvsGestureTest : public ::testing::Test {
protected:
  void SetUp() override {
    // user01: two gestures. Class 3 in [1000, 2000), class 11 in [5000, 9000).
    writeBytes(root / "user01_fluorescent.aedat",
               aedatFile({{{10, 20, 1, 500},         // Before the first window.
                           {10, 20, 1, 1000},        // Bin 0 of 4.
                           {10, 20, 1, 1250},        // Bin 1.
                           {11, 20, 0, 1499}},       // Bin 1, OFF.
                          {{10, 20, 1, 1999},        // Bin 3.
                           {10, 20, 1, 1999, false}, // Invalid: dropped.
                           {127, 127, 0, 2000},      // End is exclusive.
                           {127, 127, 0, 6000},
                           {0, 0, 1, 8999}}}));
    writeText(root / "user01_fluorescent_labels.csv",
              "class,startTime_usec,endTime_usec\r\n3,1000,2000\r\n"
              "11,5000,9000\r\n");
    writeBytes(root / "user02_led.aedat",
               aedatFile({{{64, 32, 1, 100}, {65, 32, 1, 150}}}));
    writeText(root / "user02_led_labels.csv",
              "class,startTime_usec,endTime_usec\n1,100,200\n");
    writeText(root / "trials_to_train.txt", "user01_fluorescent.aedat\n\n");
    writeText(root / "trials_to_test.txt", "user02_led.aedat\n");
  }
  DataSet load(EventBinning binning = EventBinning::ByTime,
               int64_t eventSize = 0) {
    LoadOptions options;
    options.dataDir = dir.path().string();
    options.timeSteps = 4;
    options.eventSize = eventSize;
    options.eventBinning = binning;
    return loadDataSet("dvs-gesture", options);
  }
  /// Count at bin t, polarity p, (x, y) of a 128x128 sample.
  TempDir dir;
  fs::path root = dir / "DvsGesture";
};

TEST_F(DvsGestureTest, BinsGestureWindowsByTime) {
  DataSet set = load();
  EXPECT_EQ(set.numClasses, 11);
  ASSERT_EQ(set.classNames.size(), 11u);
  EXPECT_EQ(set.classNames[0], "hand_clapping");
  const DataSplit &train = set.train;
  ASSERT_TRUE(hasLayout(train, InputKind::Events, 2, 4, 2, 128, 128));
  EXPECT_EQ(train.labels, (std::vector<int64_t>{2, 10}));

  EXPECT_EQ(eventCount(train, 0, 0, 1, 10, 20), 1);
  EXPECT_EQ(eventCount(train, 0, 1, 1, 10, 20), 1);
  EXPECT_EQ(eventCount(train, 0, 1, 0, 11, 20), 1);
  EXPECT_EQ(eventCount(train, 0, 3, 1, 10, 20), 1);
  EXPECT_EQ(sampleTotal(train, 0), 4u);

  // Window [5000, 9000): 6000 is in bin 1, 8999 in bin 3.
  EXPECT_EQ(eventCount(train, 1, 1, 0, 127, 127), 1);
  EXPECT_EQ(eventCount(train, 1, 3, 1, 0, 0), 1);
  EXPECT_EQ(sampleTotal(train, 1), 2u);

  ASSERT_EQ(set.test.size, 1);
  EXPECT_EQ(set.test.labels[0], 0);
  EXPECT_EQ(eventCount(set.test, 0, 0, 1, 64, 32), 1);
  EXPECT_EQ(eventCount(set.test, 0, 2, 1, 65, 32), 1);
}

TEST_F(DvsGestureTest, BinsByEventCountAndResizes) {
  DataSet set = load(EventBinning::ByCount, 32);
  const DataSplit &train = set.train;
  EXPECT_EQ(train.height, 32);
  // Four events in the first window: one per bin, in time order. (10, 20) and
  // (11, 20) both fall in frame pixel (2, 5).
  EXPECT_EQ(eventCount(train, 0, 0, 1, 2, 5), 1);
  EXPECT_EQ(eventCount(train, 0, 1, 1, 2, 5), 1);
  EXPECT_EQ(eventCount(train, 0, 2, 0, 2, 5), 1);
  EXPECT_EQ(eventCount(train, 0, 3, 1, 2, 5), 1);
  EXPECT_EQ(sampleTotal(train, 0), 4u);
  // Two events: bins 0 and 2.
  EXPECT_EQ(eventCount(train, 1, 0, 0, 31, 31), 1);
  EXPECT_EQ(eventCount(train, 1, 2, 1, 0, 0), 1);
}

TEST_F(DvsGestureTest, TimestampOverflowExtendsTime) {
  Bytes bytes(kHeader.begin(), kHeader.end());
  appendPolarityPacket(bytes, {{1, 2, 1, 10}}, 1); // t = 2^31 + 10
  writeBytes(root / "user02_led.aedat", bytes);
  writeText(root / "user02_led_labels.csv",
            "class,startTime_usec,endTime_usec\n2,2147483648,2147483660\n");
  DataSet set = load();
  EXPECT_EQ(eventCount(set.test, 0, 3, 1, 1, 2), 1); // (10 * 4) / 12 = 3.
}

TEST_F(DvsGestureTest, BadMagic) {
  Bytes bytes = aedatFile({{{1, 1, 1, 1}}});
  bytes[9] = '2'; // "#!AER-DAT2.1"
  writeBytes(root / "user02_led.aedat", bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"user02_led.aedat", "bad magic",
                                    "#!AER-DAT3.1", "found '#!AER-DAT2.1'"}));
}

TEST_F(DvsGestureTest, MissingEndOfHeader) {
  writeText(root / "user02_led.aedat", "#!AER-DAT3.1\r\n#Format: RAW\r\n");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"user02_led.aedat", "#!END-HEADER"}));
}

TEST_F(DvsGestureTest, TruncatedPacket) {
  Bytes bytes = aedatFile({{{1, 1, 1, 1}, {2, 2, 1, 2}}});
  bytes.resize(bytes.size() - 20);
  writeBytes(root / "user02_led.aedat", bytes);
  std::string message = dataErrorOf([&] { load(); });
  // The polarity packet: capacity 4 x 8 bytes = 32 expected, 12 left.
  EXPECT_TRUE(containsAll(message, {"user02_led.aedat", "truncated packet",
                                    "expected 32 bytes of events, got 12"}));
}

TEST_F(DvsGestureTest, TruncatedPacketHeader) {
  Bytes bytes = aedatFile({{{1, 1, 1, 1}}});
  appendLittleEndian32(bytes, 1);
  writeBytes(root / "user02_led.aedat", bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(
      containsAll(message, {"user02_led.aedat", "expected 28 bytes, got 4"}));
}

TEST_F(DvsGestureTest, MissingLabelsFile) {
  fs::remove(root / "user01_fluorescent_labels.csv");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(
      containsAll(message, {"user01_fluorescent_labels.csv", "missing file"}));
}

TEST_F(DvsGestureTest, MissingRecording) {
  fs::remove(root / "user02_led.aedat");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"user02_led.aedat", "missing file"}));
}

TEST_F(DvsGestureTest, ListNamingAFileOutsideTheFolder) {
  // The recording exists, but only by leaving the data set's folder.
  writeBytes(dir / "outside.aedat", aedatFile({{{1, 1, 1, 100}}}));
  writeText(dir / "outside_labels.csv", "class,a,b\n1,100,200\n");
  writeText(root / "trials_to_test.txt", "user02_led.aedat\n../outside.aedat\n");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"trials_to_test.txt", "entry 2",
                                    "'../outside.aedat' is not a plain file "
                                    "name"}))
      << message;
}

TEST_F(DvsGestureTest, ClassOutOfRange) {
  writeText(root / "user02_led_labels.csv",
            "class,startTime_usec,endTime_usec\n12,100,200\n");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"user02_led_labels.csv", "line 2",
                                    "class 12 is out of range [1, 11]"}));
}

TEST_F(DvsGestureTest, MalformedLabelRow) {
  writeText(root / "user02_led_labels.csv",
            "class,startTime_usec,endTime_usec\n1,100\n");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"user02_led_labels.csv", "line 2",
                                    "expected class,startTime_usec"}));
}

TEST_F(DvsGestureTest, EventSizeLargerThanSensor) {
  std::string message = dataErrorOf([&] { load(EventBinning::ByTime, 129); });
  EXPECT_TRUE(containsAll(message, {"eventSize 129", "128x128"}));
}

} // namespace
} // namespace qsnn::data::test
