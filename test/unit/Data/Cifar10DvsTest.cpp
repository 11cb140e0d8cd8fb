//===- Cifar10DvsTest.cpp - CIFAR10-DVS reader on small AEDAT 2.0 files
//----===//

#include "TestFiles.h"

namespace qsnn::data::test {
namespace {

const char *const kClasses[] = {"airplane", "automobile", "bird", "cat",
                                "deer",     "dog",        "frog", "horse",
                                "ship",     "truck"};

/// A jAER DVS128 address: bit 0 polarity (1 = OFF), bits 1-7 x, 8-14 y.
uint32_t address(uint32_t rawX, uint32_t rawY, uint32_t offBit) {
  return rawY << 8 | rawX << 1 | offBit;
}

const std::string kHeader = "#!AER-DAT2.0\r\n"
                            "# This is a raw AE data file - do not edit\r\n"
                            "# Data format is int32 address, int32 timestamp "
                            "(8 bytes total), repeated for each event\r\n"
                            "# Timestamps tick is 1 us\r\n";

Bytes aedat2(const std::vector<std::pair<uint32_t, uint32_t>> &events) {
  Bytes bytes(kHeader.begin(), kHeader.end());
  for (const auto &[addr, time] : events) {
    appendBigEndian32(bytes, addr);
    appendBigEndian32(bytes, time);
  }
  return bytes;
}

class Cifar10DvsTest : public ::testing::Test {
protected:
  // Three recordings per class, named so that only natural order puts _10
  // last: _0 and _2 train, _10 tests. Recording i of class c has an ON event
  // at raw (c, i) and, in _10, also an OFF event at raw (5, 7).
  void SetUp() override {
    for (uint32_t c = 0; c < 10; ++c)
      for (uint32_t i : {0u, 2u, 10u}) {
        std::vector<std::pair<uint32_t, uint32_t>> events = {
            {address(c, i, 0), 1000}, {address(0, 0, 0), 1100}};
        if (i == 10)
          events.push_back({address(5, 7, 1), 1200});
        events.push_back({0x8000u | address(1, 1, 0), 1300}); // Special.
        events.push_back({address(0, 0, 0), 1400});
        writeBytes(dir / kClasses[c] /
                       ("cifar10_" + std::string(kClasses[c]) + "_" +
                        std::to_string(i) + ".aedat"),
                   aedat2(events));
      }
  }
  DataSet load(int64_t limitTrain = -1) {
    LoadOptions options;
    options.dataDir = dir.path().string();
    options.timeSteps = 2;
    options.limitTrain = limitTrain;
    return loadDataSet("cifar10-dvs", options);
  }
  TempDir dir;
};

TEST_F(Cifar10DvsTest, SplitsNineToOneAndDecodesAddresses) {
  DataSet set = load();
  EXPECT_EQ(set.numClasses, 10);
  ASSERT_EQ(set.classNames.size(), 10u);
  EXPECT_EQ(set.classNames[9], "truck");
  const DataSplit &train = set.train;
  EXPECT_EQ(train.kind, InputKind::Events);
  ASSERT_EQ(train.size, 20); // floor(3 * 0.9) = 2 per class.
  EXPECT_EQ(train.timeSteps, 2);
  EXPECT_EQ(train.height, 128);
  // Interleaved: the _0 of every class, then the _2 of every class.
  for (int64_t s = 0; s < 20; ++s)
    EXPECT_EQ(train.labels[s], s % 10);
  // Sample 13 = class 3, recording _2: ON at raw (3, 2) -> (124, 125), in the
  // first of 2 count bins (3 pixel events: bins 0, 0, 1).
  EXPECT_EQ(eventCount(train, 13, 0, 1, 124, 125), 1);
  EXPECT_EQ(eventCount(train, 13, 0, 1, 127, 127), 1);
  EXPECT_EQ(eventCount(train, 13, 1, 1, 127, 127), 1);
  EXPECT_EQ(eventCount(train, 13, 0, 0, 122, 120), 0);

  ASSERT_EQ(set.test.size, 10);
  for (int64_t s = 0; s < 10; ++s)
    EXPECT_EQ(set.test.labels[s], s);
  // Class 4, _10: ON at raw (4, 10) -> (123, 117); OFF at raw (5, 7) ->
  // (122, 120). 4 pixel events -> bins 0, 0, 1, 1.
  EXPECT_EQ(eventCount(set.test, 4, 0, 1, 123, 117), 1);
  EXPECT_EQ(eventCount(set.test, 4, 1, 0, 122, 120), 1);
  EXPECT_EQ(eventCount(set.test, 4, 1, 1, 127, 127), 1);
}

TEST_F(Cifar10DvsTest, LimitKeepsClassesBalanced) {
  DataSet set = load(12);
  ASSERT_EQ(set.train.size, 12);
  EXPECT_EQ(set.train.labels[10], 0);
  EXPECT_EQ(set.train.labels[11], 1);
}

TEST_F(Cifar10DvsTest, BadMagic) {
  writeText(dir / "cat" / "cifar10_cat_2.aedat", "RIFF....");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"cifar10_cat_2.aedat", "bad magic",
                                    "#!AER-DAT2.0", "found 'RIFF....'"}));
}

TEST_F(Cifar10DvsTest, UnsupportedVersion) {
  writeText(dir / "cat" / "cifar10_cat_2.aedat", "#!AER-DAT1.0\r\n");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(
      containsAll(message, {"cifar10_cat_2.aedat",
                            "unsupported AEDAT version '#!AER-DAT1.0'"}));
}

TEST_F(Cifar10DvsTest, TruncatedEvents) {
  Bytes bytes = aedat2({{address(1, 1, 0), 5}, {address(2, 2, 0), 6}});
  bytes.resize(bytes.size() - 3);
  writeBytes(dir / "frog" / "cifar10_frog_10.aedat", bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message,
                          {"cifar10_frog_10.aedat", "truncated",
                           "expected " + std::to_string(bytes.size() + 3) +
                               " bytes, got " + std::to_string(bytes.size())}));
}

TEST_F(Cifar10DvsTest, MissingClassFolder) {
  fs::remove_all(dir / "horse");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"horse", "missing directory"}));
}

TEST_F(Cifar10DvsTest, TooFewRecordings) {
  fs::remove(dir / "ship" / "cifar10_ship_0.aedat");
  fs::remove(dir / "ship" / "cifar10_ship_2.aedat");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"ship", "found 1"}));
}

} // namespace
} // namespace qsnn::data::test
