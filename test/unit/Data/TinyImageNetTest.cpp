//===- TinyImageNetTest.cpp - Tiny ImageNet folder reader on small JPEGs
//---===//

#include "TestFiles.h"

#include <cstdlib>

namespace qsnn::data::test {
namespace {

constexpr int kSide = 64;

struct Color {
  uint8_t r, g, b;
};

void writeSolidJpeg(const fs::path &path, Color color, int side = kSide) {
  Bytes pixels;
  for (int i = 0; i < side * side; ++i)
    pixels.insert(pixels.end(), {color.r, color.g, color.b});
  writeJpeg(path, side, side, 3, pixels);
}

/// JPEG is lossy; a solid colour at quality 100 decodes within a few levels.
::testing::AssertionResult near(int actual, int expected) {
  if (std::abs(actual - expected) <= 3)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << actual << " is not within 3 of " << expected;
}

class TinyImageNetTest : public ::testing::Test {
protected:
  // Three classes, listed unsorted in wnids.txt; labels follow sorted order:
  // n01 -> 0, n02 -> 1, n03 -> 2.
  void SetUp() override {
    writeText(root / "wnids.txt", "n03\nn01\nn02\n");
    writeText(root / "words.txt", "n01\tgoldfish, Carassius auratus\n"
                                  "n02\ttabby, tabby cat\n"
                                  "n09\tunused\n");
    for (int c = 1; c <= 3; ++c)
      for (int i = 0; i < 2; ++i)
        writeSolidJpeg(trainImage(c, i), trainColor(c, i));
    // A grayscale image, as a few real Tiny ImageNet images are.
    Bytes gray(kSide * kSide, 90);
    writeJpeg(root / "val" / "images" / "val_0.JPEG", kSide, kSide, 1, gray);
    writeSolidJpeg(root / "val" / "images" / "val_1.JPEG", {10, 20, 240});
    writeText(root / "val" / "val_annotations.txt",
              "val_0.JPEG\tn02\t0\t0\t63\t63\n"
              "val_1.JPEG\tn03\t1\t2\t30\t40\n");
  }
  static Color trainColor(int c, int i) {
    return {uint8_t(40 * c), uint8_t(200 - 50 * i), uint8_t(30 + 60 * i)};
  }
  fs::path trainImage(int c, int i) const {
    std::string wnid = "n0" + std::to_string(c);
    return root / "train" / wnid / "images" /
           (wnid + "_" + std::to_string(i) + ".JPEG");
  }
  DataSet load(int64_t limitTrain = -1) {
    LoadOptions options;
    options.dataDir = dir.path().string();
    options.limitTrain = limitTrain;
    return loadDataSet("tinyimagenet", options);
  }
  TempDir dir;
  fs::path root = dir / "tiny-imagenet-200";
};

TEST_F(TinyImageNetTest, DecodesImagesAndLabels) {
  DataSet set = load();
  EXPECT_EQ(set.numClasses, 3);
  EXPECT_EQ(set.classNames,
            (std::vector<std::string>{"goldfish", "tabby", "n03"}));
  const DataSplit &train = set.train;
  ASSERT_EQ(train.size, 6);
  EXPECT_EQ(train.channels, 3);
  EXPECT_EQ(train.height, 64);
  EXPECT_EQ(train.width, 64);
  // Interleaved across classes: n01_0, n02_0, n03_0, n01_1, n02_1, n03_1.
  EXPECT_EQ(train.labels, (std::vector<int64_t>{0, 1, 2, 0, 1, 2}));
  for (int64_t s = 0; s < 6; ++s) {
    Color color = trainColor(int(s % 3) + 1, int(s / 3));
    const uint8_t *sample = train.sample(s);
    for (int64_t pixel : {int64_t(0), int64_t(17 * 64 + 40), int64_t(4095)}) {
      EXPECT_TRUE(near(sample[pixel], color.r)) << "sample " << s;
      EXPECT_TRUE(near(sample[4096 + pixel], color.g)) << "sample " << s;
      EXPECT_TRUE(near(sample[2 * 4096 + pixel], color.b)) << "sample " << s;
    }
  }
  ASSERT_EQ(set.test.size, 2);
  EXPECT_EQ(set.test.labels, (std::vector<int64_t>{1, 2}));
  for (int c = 0; c < 3; ++c) // Gray replicated to all three channels.
    EXPECT_TRUE(near(set.test.sample(0)[c * 4096 + 100], 90));
  EXPECT_TRUE(near(set.test.sample(1)[2 * 4096 + 63 * 64], 240));
}

TEST_F(TinyImageNetTest, LimitKeepsClassesBalanced) {
  DataSet set = load(4);
  ASSERT_EQ(set.train.size, 4);
  EXPECT_EQ(set.train.labels, (std::vector<int64_t>{0, 1, 2, 0}));
}

TEST_F(TinyImageNetTest, TruncatedJpeg) {
  Bytes bytes = readBytes(trainImage(2, 1));
  bytes.resize(bytes.size() / 2);
  writeBytes(trainImage(2, 1), bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"n02_1.JPEG", "corrupt JPEG"}));
}

TEST_F(TinyImageNetTest, NotAJpeg) {
  writeText(trainImage(3, 0), "GIF89a....");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(
      containsAll(message, {"n03_0.JPEG", "not a JPEG file", "GIF89a"}));
}

TEST_F(TinyImageNetTest, CorruptJpegHeader) {
  Bytes bytes = readBytes(trainImage(1, 0));
  for (size_t i = 2; i < 40; ++i)
    bytes[i] = 0x55;
  writeBytes(trainImage(1, 0), bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"n01_0.JPEG", "corrupt JPEG"}));
}

TEST_F(TinyImageNetTest, WrongImageSize) {
  writeSolidJpeg(trainImage(1, 1), {1, 2, 3}, 32);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(
      containsAll(message, {"n01_1.JPEG", "image is 32x32", "expected 64x64"}));
}

TEST_F(TinyImageNetTest, MissingValImage) {
  fs::remove(root / "val" / "images" / "val_1.JPEG");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"val_1.JPEG", "missing file"}));
}

TEST_F(TinyImageNetTest, MissingClassFolder) {
  fs::remove_all(root / "train" / "n02");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"n02", "missing directory"}));
}

TEST_F(TinyImageNetTest, AnnotationNamingAFileOutsideTheFolder) {
  writeText(root / "val" / "val_annotations.txt",
            "val_0.JPEG\tn01\t0\t0\t1\t1\n"
            "../../train/n01/images/n01_0.JPEG\tn01\t0\t0\t1\t1\n");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"val_annotations.txt", "line 2",
                                    "is not a plain file name"}))
      << message;
}

TEST_F(TinyImageNetTest, UnknownValClass) {
  writeText(root / "val" / "val_annotations.txt",
            "val_0.JPEG\tn07\t0\t0\t1\t1\n");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"val_annotations.txt", "line 1",
                                    "'n07' is not listed in wnids.txt"}));
}

TEST_F(TinyImageNetTest, MissingWnids) {
  fs::remove(root / "wnids.txt");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"wnids.txt", "missing file"}));
}

} // namespace
} // namespace qsnn::data::test
