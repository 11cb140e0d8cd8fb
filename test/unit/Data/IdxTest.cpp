//===- IdxTest.cpp - MNIST idx reader on small generated files -----------===//

#include "TestFiles.h"

#include <sys/resource.h>

namespace qsnn::data::test {
namespace {

constexpr uint32_t kRows = 4, kCols = 5;

/// Pixel (image, y, x) of the generated images: distinct across positions.
uint8_t pixelValue(uint32_t image, uint32_t y, uint32_t x) {
  return uint8_t(image * 31 + y * 5 + x);
}

Bytes imageData(uint32_t count) {
  Bytes data;
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t y = 0; y < kRows; ++y)
      for (uint32_t x = 0; x < kCols; ++x)
        data.push_back(pixelValue(i, y, x));
  return data;
}

/// Training files gzipped as downloaded, test files unpacked.
class IdxTest : public ::testing::Test {
protected:
  void SetUp() override {
    writeGzip(dir / "train-images-idx3-ubyte.gz",
              makeIdx({3, kRows, kCols}, imageData(3)));
    writeGzip(dir / "train-labels-idx1-ubyte.gz", makeIdx({3}, {3, 0, 9}));
    writeBytes(dir / "t10k-images-idx3-ubyte",
               makeIdx({2, kRows, kCols}, imageData(2)));
    writeBytes(dir / "t10k-labels-idx1-ubyte", makeIdx({2}, {7, 1}));
  }
  DataSet load(int64_t limitTrain = -1) {
    LoadOptions options;
    options.dataDir = dir.path().string();
    options.limitTrain = limitTrain;
    return loadDataSet("mnist", options);
  }
  TempDir dir;
};

TEST_F(IdxTest, DecodesGzippedAndRawFiles) {
  DataSet set = load();
  EXPECT_EQ(set.name, "mnist");
  EXPECT_EQ(set.numClasses, 10);
  ASSERT_EQ(set.classNames.size(), 10u);
  EXPECT_EQ(set.classNames[7], "7");

  const DataSplit &train = set.train;
  ASSERT_TRUE(hasLayout(train, InputKind::Static, 3, 1, 1, 4, 5));
  ASSERT_EQ(train.samples.size(), 3u * 20u);
  EXPECT_EQ(train.labels, (std::vector<int64_t>{3, 0, 9}));
  // Image 2, row 1, column 3 = 2*31 + 1*5 + 3 = 70.
  EXPECT_EQ(train.sample(2)[1 * 5 + 3], 70);
  EXPECT_EQ(train.sample(0)[0], 0);

  ASSERT_EQ(set.test.size, 2);
  EXPECT_EQ(set.test.labels, (std::vector<int64_t>{7, 1}));
  EXPECT_EQ(set.test.sample(1)[3 * 5 + 4], 31 + 15 + 4);
}

TEST_F(IdxTest, LimitKeepsTheFirstSamples) {
  DataSet set = load(2);
  ASSERT_EQ(set.train.size, 2);
  EXPECT_EQ(set.train.samples.size(), 40u);
  EXPECT_EQ(set.train.labels, (std::vector<int64_t>{3, 0}));
  EXPECT_EQ(set.test.size, 2);
}

TEST_F(IdxTest, BadMagicNumber) {
  // A labels file (1 dimension) where the images file should be.
  writeGzip(dir / "train-images-idx3-ubyte.gz", makeIdx({3}, {1, 2, 3}));
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"train-images-idx3-ubyte.gz",
                                    "bad magic number 0x00000801",
                                    "expected 0x00000803"}));
}

TEST_F(IdxTest, TruncatedRawFile) {
  Bytes bytes = makeIdx({2, kRows, kCols}, imageData(2));
  bytes.resize(bytes.size() - 6); // 16 + 40 = 56 bytes expected.
  writeBytes(dir / "t10k-images-idx3-ubyte", bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"t10k-images-idx3-ubyte",
                                    "truncated: expected 56 bytes, got 50"}));
}

TEST_F(IdxTest, TruncatedGzipStream) {
  // Big, poorly compressible images so that the cut lands in the pixels.
  Bytes pixels(50 * 28 * 28);
  std::mt19937 noise(1);
  for (uint8_t &pixel : pixels)
    pixel = uint8_t(noise() >> 24);
  writeGzip(dir / "train-images-idx3-ubyte.gz", makeIdx({50, 28, 28}, pixels));
  Bytes gz = readBytes(dir / "train-images-idx3-ubyte.gz");
  ASSERT_GT(gz.size(), 20000u);
  gz.resize(gz.size() / 2);
  writeBytes(dir / "train-images-idx3-ubyte.gz", gz);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"train-images-idx3-ubyte.gz",
                                    "truncated: expected 39216 bytes, got "}));
}

TEST_F(IdxTest, HeaderCutShort) {
  writeBytes(dir / "t10k-labels-idx1-ubyte", {0, 0, 8});
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"t10k-labels-idx1-ubyte",
                                    "truncated: expected 4 bytes, got 3"}));
}

TEST_F(IdxTest, HeaderClaimingMoreThanTheFileHolds) {
  // 2^32 - 1 labels declared, 2 present: refused as truncated, and the
  // reader allocates what arrived, not the 4 GiB the header claims.
  Bytes bytes = makeIdx({2}, {7, 1});
  bytes[4] = bytes[5] = bytes[6] = bytes[7] = 0xff;
  writeBytes(dir / "t10k-labels-idx1-ubyte", bytes);
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  std::string message = dataErrorOf([&] { load(); });
  getrusage(RUSAGE_SELF, &after);
  EXPECT_TRUE(containsAll(message, {"t10k-labels-idx1-ubyte",
                                    "truncated: expected 4294967303 bytes, "
                                    "got 10"}))
      << message;
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 256 * 1024) // kB
      << "peak RSS grew by " << (after.ru_maxrss - before.ru_maxrss) << " kB";
}

TEST_F(IdxTest, TrailingData) {
  Bytes bytes = makeIdx({2}, {7, 1});
  bytes.push_back(5);
  writeBytes(dir / "t10k-labels-idx1-ubyte", bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(
      message, {"t10k-labels-idx1-ubyte", "data after the 2 items"}));
}

TEST_F(IdxTest, MissingFile) {
  fs::remove(dir / "train-labels-idx1-ubyte.gz");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(
      containsAll(message, {"train-labels-idx1-ubyte.gz", "missing file"}));
}

TEST_F(IdxTest, InconsistentCounts) {
  writeBytes(dir / "t10k-labels-idx1-ubyte", makeIdx({3}, {7, 1, 2}));
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"inconsistent counts", "has 2 images",
                                    "t10k-labels-idx1-ubyte", "has 3 labels"}));
}

TEST_F(IdxTest, LabelOutOfRange) {
  writeGzip(dir / "train-labels-idx1-ubyte.gz", makeIdx({3}, {3, 10, 9}));
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"train-labels-idx1-ubyte.gz",
                                    "label 10 of item 1 is out of range"}));
}

} // namespace
} // namespace qsnn::data::test

namespace qsnn::data::test {
namespace {

// A scorer needs only the test split: without loadTrain the training files
// are never opened, so they may be absent.
TEST(IdxTestOnly, ReadsOnlyTheTestSplit) {
  TempDir dir;
  Bytes pixels(2 * 4 * 5, 7);
  writeGzip(dir / "t10k-images-idx3-ubyte.gz", makeIdx({2, 4, 5}, pixels));
  writeGzip(dir / "t10k-labels-idx1-ubyte.gz", makeIdx({2}, {3, 1}));
  LoadOptions options;
  options.dataDir = dir.path().string();
  options.loadTrain = false;
  DataSet set = loadDataSet("mnist", options);
  EXPECT_EQ(set.train.size, 0);
  ASSERT_TRUE(hasLayout(set.test, InputKind::Static, 2, 1, 1, 4, 5));
  EXPECT_EQ(set.test.labels, (std::vector<int64_t>{3, 1}));
  options.loadTrain = true;
  EXPECT_TRUE(containsAll(dataErrorOf([&] { loadDataSet("mnist", options); }),
                          {"train-images-idx3-ubyte"}));
}

} // namespace
} // namespace qsnn::data::test
