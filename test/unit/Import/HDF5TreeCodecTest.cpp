//===- HDF5TreeCodecTest.cpp - the HDF5 tree encoding, both ways ----------===//
#include "HDF5TreeCodec.h"
#include "NirGraph.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace mlir::qsnn::nir_import;

namespace {

std::unique_ptr<H5Node> dataset(H5Node::Kind kind, std::vector<int64_t> shape) {
  auto node = std::make_unique<H5Node>();
  node->kind = kind;
  node->shape = std::move(shape);
  return node;
}

/// A root with a nested group, an integer, a float and a string dataset.
std::unique_ptr<H5Node> sampleTree() {
  auto root = std::make_unique<H5Node>();
  root->path = "/";
  auto group = std::make_unique<H5Node>();
  auto weight = dataset(H5Node::Kind::Numeric, {2, 3});
  weight->numbers = {1.5, -2.0, 0.0, 1e-300, -0.0, 7.25};
  group->members["weight"] = std::move(weight);
  auto count = dataset(H5Node::Kind::Numeric, {});
  count->numbers = {42};
  count->integerClass = true;
  group->members["count"] = std::move(count);
  root->members["node"] = std::move(group);
  auto edges = dataset(H5Node::Kind::String, {2, 2});
  edges->strings = {"in", "fc", "", std::string("a\0b", 3)};
  root->members["edges"] = std::move(edges);
  return root;
}

std::unique_ptr<H5Node> decode(const std::string &bytes, std::string &error,
                               bool &readerError) {
  return decodeHDF5Tree(bytes, error, readerError);
}

TEST(HDF5TreeCodec, RoundTripKeepsEveryValueAndRebuildsPaths) {
  std::string bytes, error;
  encodeHDF5Tree(*sampleTree(), bytes);
  bool readerError = true;
  std::unique_ptr<H5Node> root = decode(bytes, error, readerError);
  ASSERT_TRUE(root) << error;
  EXPECT_FALSE(readerError);
  EXPECT_TRUE(root->isGroup());
  EXPECT_EQ(root->path, "/");
  const H5Node *weight = root->member("node")->member("weight");
  ASSERT_TRUE(weight);
  EXPECT_EQ(weight->path, "/node/weight");
  EXPECT_EQ(weight->kind, H5Node::Kind::Numeric);
  EXPECT_FALSE(weight->integerClass);
  EXPECT_EQ(weight->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(weight->numbers,
            (std::vector<double>{1.5, -2.0, 0.0, 1e-300, -0.0, 7.25}));
  EXPECT_TRUE(std::signbit(weight->numbers[4]));
  const H5Node *count = root->member("node")->member("count");
  EXPECT_TRUE(count->integerClass);
  EXPECT_TRUE(count->shape.empty());
  EXPECT_EQ(count->numbers, std::vector<double>{42});
  const H5Node *edges = root->member("edges");
  EXPECT_EQ(edges->path, "/edges");
  EXPECT_EQ(edges->strings,
            (std::vector<std::string>{"in", "fc", "", std::string("a\0b", 3)}));
}

TEST(HDF5TreeCodec, EveryTruncationIsRefused) {
  std::string bytes;
  encodeHDF5Tree(*sampleTree(), bytes);
  for (size_t length = 0; length < bytes.size(); ++length) {
    std::string error;
    bool readerError;
    EXPECT_FALSE(decode(bytes.substr(0, length), error, readerError)) << length;
    EXPECT_FALSE(readerError);
    EXPECT_EQ(error.rfind("the HDF5 reader's answer is damaged at byte ", 0),
              0u)
        << error;
  }
  std::string error;
  bool readerError;
  EXPECT_FALSE(decode(bytes + "x", error, readerError));
  EXPECT_EQ(error, "the HDF5 reader's answer is damaged at byte " +
                       std::to_string(bytes.size()) +
                       " (bytes after the tree)");
}

TEST(HDF5TreeCodec, ReaderErrorsArriveAsOneLine) {
  std::string bytes, error;
  encodeHDF5Error("HDF5 '/node/a\nb': cannot read the link", bytes);
  bool readerError = false;
  EXPECT_FALSE(decode(bytes, error, readerError));
  EXPECT_TRUE(readerError);
  EXPECT_EQ(error, "HDF5 '/node/a?b': cannot read the link");
}

/// The header, a root group of one member `name`, then `rest`.
std::string oneMember(const std::string &rest) {
  return std::string("QSNNH5\0\1T", 9) + std::string("\0\1\0\0\0", 5) +
         std::string("\4\0", 2) + "name" + rest;
}

std::string decodeError(const std::string &bytes) {
  std::string error;
  bool readerError;
  EXPECT_FALSE(decodeHDF5Tree(bytes, error, readerError));
  return error;
}

TEST(HDF5TreeCodec, CountsAreCheckedBeforeAllocating) {
  // 2^26 doubles claimed, none present: refused without allocating 512 MiB.
  std::string huge("\1\1\0\0\0\4\0\0\0\0", 10);
  EXPECT_EQ(decodeError(oneMember(huge)),
            "the HDF5 reader's answer is damaged at byte 30 (it ends early)");
  std::string tooMany("\1\1\1\0\0\4\0\0\0\0", 10);
  EXPECT_EQ(decodeError(oneMember(tooMany)),
            "the HDF5 reader's answer is damaged at byte 30 (more than "
            "67108864 elements)");
  EXPECT_EQ(decodeError(oneMember(std::string("\2\x09", 2))),
            "the HDF5 reader's answer is damaged at byte 22 (rank 9)");
  std::string group(std::string("QSNNH5\0\1T", 9) +
                    std::string("\0\1\0\1\0", 5));
  EXPECT_EQ(decodeError(group), "the HDF5 reader's answer is damaged at byte "
                                "14 (a group with 65537 members)");
  EXPECT_EQ(decodeError(oneMember(std::string("\7", 1))),
            "the HDF5 reader's answer is damaged at byte 21 (node kind 7)");
}

TEST(HDF5TreeCodec, NamesAndNestingAreChecked) {
  std::string slash(std::string("QSNNH5\0\1T", 9) +
                    std::string("\0\1\0\0\0\3\0", 7) + "a/b" +
                    std::string("\0\0\0\0\0", 5));
  EXPECT_EQ(decodeError(slash), "the HDF5 reader's answer is damaged at byte "
                                "19 (a member name that is empty or holds '/' "
                                "or NUL)");
  std::string twice(std::string("QSNNH5\0\1T", 9) +
                    std::string("\0\2\0\0\0", 5));
  for (int i = 0; i < 2; ++i)
    twice += std::string("\1\0", 2) + "a" + std::string("\0\0\0\0\0", 5);
  EXPECT_EQ(decodeError(twice), "the HDF5 reader's answer is damaged at byte "
                                "30 (member 'a' twice)");
  // 17 nested groups: deeper than the reader reads.
  std::string deep(std::string("QSNNH5\0\1T", 9));
  for (int i = 0; i <= kMaxDepth; ++i)
    deep += std::string("\0\1\0\0\0\1\0", 7) + "g";
  deep += std::string("\0\0\0\0\0", 5);
  EXPECT_EQ(decodeError(deep), "the HDF5 reader's answer is damaged at byte " +
                                   std::to_string(9 + 8 * (kMaxDepth + 1)) +
                                   " (groups nested deeper than 16)");
  // A scalar number (kind, rank 0, integer flag, 8 bytes) as the root.
  EXPECT_EQ(
      decodeError(std::string("QSNNH5\0\1T\1\0\0", 12) + std::string(8, '\0')),
      "the HDF5 reader's answer is damaged at byte 20 (the root is not "
      "a group)");
  EXPECT_EQ(decodeError("HDF5"),
            "the HDF5 reader's answer is damaged at byte 0 (no header)");
}

std::string readFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The fuzzer's seeds are written by fuzz/make_seeds.py's own encoder: they
// must decode here, or fuzzing would start outside the format.
TEST(HDF5TreeCodec, FuzzSeedsDecodeToTheirGraphs) {
  int seeds = 0;
  for (const auto &entry :
       std::filesystem::directory_iterator(QSNN_NIR_SEEDS)) {
    std::string error;
    bool readerError;
    std::unique_ptr<H5Node> root =
        decodeHDF5Tree(readFile(entry.path()), error, readerError);
    ASSERT_TRUE(root) << entry.path() << ": " << error;
    ++seeds;
    if (entry.path().filename() != "lif-v1")
      continue;
    NirGraph graph;
    ASSERT_TRUE(buildNirGraph(*root, graph, error)) << error;
    std::vector<std::string> names;
    for (const NirNode &node : graph.nodes)
      names.push_back(node.name + ":" + node.type);
    EXPECT_EQ(names, (std::vector<std::string>{"fc:Affine", "in:Input",
                                               "lif:LIF", "out:Output"}));
  }
  EXPECT_EQ(seeds, 6);
}

} // namespace
