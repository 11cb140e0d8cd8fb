//===- FashionMnistTest.cpp - The real Fashion-MNIST from Debian
//-----------===//
//
// Reads /usr/share/datasets/fashion-mnist (package dataset-fashion-mnist).
// Reference values were computed with an independent reader (Python's gzip).
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"

#include <array>
#include <numeric>

namespace qsnn::data::test {
namespace {

const char *const kDebianDir = "/usr/share/datasets/fashion-mnist";

class FashionMnistTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!fs::exists(fs::path(kDebianDir) / "train-images-idx3-ubyte.gz"))
      return;
    LoadOptions options;
    options.dataDir = kDebianDir;
    set = new DataSet(loadDataSet("fashion-mnist", options));
  }
  static void TearDownTestSuite() {
    delete set;
    set = nullptr;
  }
  void SetUp() override {
    // Not a skip: scripts/bootstrap installs the package, so its absence is
    // a broken environment.
    ASSERT_NE(set, nullptr)
        << kDebianDir << " is missing: install dataset-fashion-mnist";
  }
  static DataSet *set;
};

DataSet *FashionMnistTest::set = nullptr;

TEST_F(FashionMnistTest, ShapesAndClasses) {
  EXPECT_EQ(set->name, "fashion-mnist");
  EXPECT_EQ(set->numClasses, 10);
  ASSERT_EQ(set->classNames.size(), 10u);
  EXPECT_EQ(set->classNames[0], "T-shirt/top");
  EXPECT_EQ(set->classNames[9], "Ankle boot");
  for (const DataSplit *split : {&set->train, &set->test}) {
    EXPECT_EQ(split->kind, InputKind::Static);
    EXPECT_EQ(split->channels, 1);
    EXPECT_EQ(split->height, 28);
    EXPECT_EQ(split->width, 28);
    EXPECT_EQ(split->timeSteps, 1);
  }
  EXPECT_EQ(set->train.size, 60000);
  EXPECT_EQ(set->test.size, 10000);
  EXPECT_EQ(set->train.samples.size(), 60000u * 784u);
  EXPECT_EQ(set->test.labels.size(), 10000u);
}

TEST_F(FashionMnistTest, LabelHistogramIsBalanced) {
  std::array<int64_t, 10> trainCounts{}, testCounts{};
  for (int64_t label : set->train.labels)
    ++trainCounts.at(label);
  for (int64_t label : set->test.labels)
    ++testCounts.at(label);
  for (int c = 0; c < 10; ++c) {
    EXPECT_EQ(trainCounts[c], 6000) << "class " << c;
    EXPECT_EQ(testCounts[c], 1000) << "class " << c;
  }
}

TEST_F(FashionMnistTest, KnownValues) {
  EXPECT_EQ((std::vector<int64_t>(set->train.labels.begin(),
                                  set->train.labels.begin() + 6)),
            (std::vector<int64_t>{9, 0, 0, 3, 0, 2}));
  EXPECT_EQ(set->test.labels[0], 9);
  EXPECT_EQ(set->test.labels[1], 2);
  // Row 14, columns 10..17 of the first training and the last test image.
  const uint8_t *first = set->train.sample(0) + 14 * 28 + 10;
  EXPECT_EQ(Bytes(first, first + 8),
            (Bytes{0, 0, 237, 226, 217, 223, 222, 219}));
  const uint8_t *last = set->test.sample(9999) + 14 * 28 + 10;
  EXPECT_EQ(Bytes(last, last + 8),
            (Bytes{69, 128, 100, 120, 132, 123, 135, 171}));
  uint64_t trainSum = std::accumulate(set->train.samples.begin(),
                                      set->train.samples.end(), uint64_t(0));
  uint64_t testSum = std::accumulate(set->test.samples.begin(),
                                     set->test.samples.end(), uint64_t(0));
  EXPECT_EQ(trainSum, 3431114169u);
  EXPECT_EQ(testSum, 573469082u);
}

} // namespace
} // namespace qsnn::data::test
