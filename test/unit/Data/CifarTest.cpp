//===- CifarTest.cpp - CIFAR-10/100 binary readers on small files
//----------===//

#include "TestFiles.h"

namespace qsnn::data::test {
namespace {

constexpr size_t kPixels = 3 * 32 * 32;

/// One record: label byte(s), then R, G, B planes. Pixel (c, y, x) of record
/// `id` is (id + 7c + 3y + x) mod 256.
Bytes cifarRecord(std::vector<uint8_t> labels, uint32_t id) {
  Bytes record(labels.begin(), labels.end());
  for (uint32_t c = 0; c < 3; ++c)
    for (uint32_t y = 0; y < 32; ++y)
      for (uint32_t x = 0; x < 32; ++x)
        record.push_back(uint8_t(id + 7 * c + 3 * y + x));
  return record;
}

Bytes concat(std::vector<Bytes> parts) {
  Bytes all;
  for (const Bytes &part : parts)
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

class Cifar10Test : public ::testing::Test {
protected:
  void SetUp() override {
    // Batch b holds records 2b and 2b+1 with labels (2b) % 10, (2b+1) % 10.
    for (uint32_t b = 0; b < 5; ++b)
      writeBytes(files / ("data_batch_" + std::to_string(b + 1) + ".bin"),
                 concat({cifarRecord({uint8_t(2 * b % 10)}, 2 * b),
                         cifarRecord({uint8_t((2 * b + 1) % 10)}, 2 * b + 1)}));
    writeBytes(files / "test_batch.bin", cifarRecord({4}, 100));
    writeText(files / "batches.meta.txt",
              "plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
  }
  DataSet load(int64_t limitTrain = -1) {
    LoadOptions options;
    options.dataDir = dir.path().string();
    options.limitTrain = limitTrain;
    return loadDataSet("cifar10", options);
  }
  TempDir dir;
  fs::path files = dir / "cifar-10-batches-bin"; // As the archive extracts.
};

TEST_F(Cifar10Test, DecodesRecordsInOrder) {
  DataSet set = load();
  EXPECT_EQ(set.numClasses, 10);
  ASSERT_EQ(set.classNames.size(), 10u);
  EXPECT_EQ(set.classNames[1], "car"); // From batches.meta.txt.
  ASSERT_EQ(set.train.size, 10);
  EXPECT_EQ(set.train.channels, 3);
  EXPECT_EQ(set.train.height, 32);
  EXPECT_EQ(set.train.width, 32);
  EXPECT_EQ(set.train.labels,
            (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  // Record 7 (data_batch_4.bin), green plane, y = 5, x = 9: 7 + 7 + 15 + 9.
  EXPECT_EQ(set.train.sample(7)[1 * 1024 + 5 * 32 + 9], 38);
  // Blue plane, y = 31, x = 31 of record 0: 14 + 93 + 31 = 138.
  EXPECT_EQ(set.train.sample(0)[2 * 1024 + 31 * 32 + 31], 138);
  ASSERT_EQ(set.test.size, 1);
  EXPECT_EQ(set.test.labels[0], 4);
  EXPECT_EQ(set.test.sample(0)[0], 100);
}

TEST_F(Cifar10Test, FilesDirectlyInDataDirAndBuiltInNames) {
  for (const auto &entry : fs::directory_iterator(files))
    fs::rename(entry.path(), dir / entry.path().filename().string());
  fs::remove(dir / "batches.meta.txt");
  DataSet set = load();
  EXPECT_EQ(set.train.size, 10);
  EXPECT_EQ(set.classNames[0], "airplane");
}

TEST_F(Cifar10Test, LimitStopsEarly) {
  DataSet set = load(3);
  ASSERT_EQ(set.train.size, 3);
  EXPECT_EQ(set.train.samples.size(), 3 * kPixels);
  EXPECT_EQ(set.train.labels, (std::vector<int64_t>{0, 1, 2}));
}

TEST_F(Cifar10Test, TruncatedRecord) {
  Bytes bytes = cifarRecord({4}, 100);
  bytes.resize(bytes.size() + 100, 0); // One whole record plus 100 bytes.
  writeBytes(files / "test_batch.bin", bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(
      message, {"test_batch.bin", "truncated: expected 6146 bytes, got 3173"}));
}

TEST_F(Cifar10Test, LabelOutOfRange) {
  writeBytes(files / "data_batch_2.bin", cifarRecord({10}, 0));
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(
      message, {"data_batch_2.bin", "label 10 of record 0 is out of range"}));
}

TEST_F(Cifar10Test, MissingBatch) {
  fs::remove(files / "data_batch_3.bin");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"data_batch_3.bin", "missing file"}));
}

TEST_F(Cifar10Test, NoFilesAtAll) {
  fs::remove_all(files);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(
      message, {"data_batch_1.bin", "missing file", "cifar-10-batches-bin"}));
}

TEST_F(Cifar10Test, WrongNumberOfClassNames) {
  writeText(files / "batches.meta.txt", "plane\ncar\n");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(
      message, {"batches.meta.txt", "expected 10 class names, found 2"}));
}

class Cifar100Test : public ::testing::Test {
protected:
  void SetUp() override {
    writeBytes(files / "train.bin",
               concat({cifarRecord({19, 99}, 1), cifarRecord({0, 42}, 2),
                       cifarRecord({5, 0}, 3)}));
    writeBytes(files / "test.bin", cifarRecord({3, 17}, 4));
    std::string names;
    for (int i = 0; i < 100; ++i)
      names += "class" + std::to_string(i) + "\n";
    writeText(files / "fine_label_names.txt", names);
  }
  DataSet load() {
    LoadOptions options;
    options.dataDir = dir.path().string();
    return loadDataSet("cifar100", options);
  }
  TempDir dir;
  fs::path files = dir / "cifar-100-binary";
};

TEST_F(Cifar100Test, UsesTheFineLabel) {
  DataSet set = load();
  EXPECT_EQ(set.numClasses, 100);
  ASSERT_EQ(set.classNames.size(), 100u);
  EXPECT_EQ(set.classNames[42], "class42");
  ASSERT_EQ(set.train.size, 3);
  EXPECT_EQ(set.train.labels, (std::vector<int64_t>{99, 42, 0}));
  // Record id 2, red plane, y = 1, x = 2: 2 + 3 + 2 (label bytes skipped).
  EXPECT_EQ(set.train.sample(1)[1 * 32 + 2], 7);
  ASSERT_EQ(set.test.size, 1);
  EXPECT_EQ(set.test.labels[0], 17);
  EXPECT_EQ(set.test.sample(0)[1024], 4 + 7);
}

TEST_F(Cifar100Test, FineLabelOutOfRange) {
  writeBytes(files / "test.bin", cifarRecord({3, 100}, 4));
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(
      message, {"test.bin", "label 100 of record 0 is out of range"}));
}

TEST_F(Cifar100Test, CoarseLabelOutOfRange) {
  writeBytes(files / "train.bin", cifarRecord({20, 1}, 4));
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"train.bin", "coarse label 20"}));
}

TEST_F(Cifar100Test, TruncatedFile) {
  Bytes bytes = cifarRecord({3, 17}, 4);
  bytes.pop_back();
  writeBytes(files / "test.bin", bytes);
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(
      message, {"test.bin", "truncated: expected 3074 bytes, got 3073"}));
}

TEST_F(Cifar100Test, MissingTestFile) {
  fs::remove(files / "test.bin");
  std::string message = dataErrorOf([&] { load(); });
  EXPECT_TRUE(containsAll(message, {"test.bin", "missing file"}));
}

} // namespace
} // namespace qsnn::data::test
