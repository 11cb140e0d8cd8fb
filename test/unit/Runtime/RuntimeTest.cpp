//===- RuntimeTest.cpp - libqsnn_runtime on hand-written artifacts --------===//
#include "qsnn_runtime.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

namespace {

void copyFile(const std::string &from, const std::string &to,
              long limit = -1) {
  std::ifstream in(from, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  if (limit >= 0 && static_cast<size_t>(limit) < bytes.size())
    bytes.resize(limit);
  std::ofstream(to, std::ios::binary).write(bytes.data(), bytes.size());
}

void writeText(const std::string &path, const std::string &text) {
  std::ofstream(path) << text;
}

class Runtime : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/qsnn-runtime-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
  }
  void TearDown() override {
    if (model)
      qsnn_model_close(model);
    std::string command = "rm -rf '" + dir + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  /// Lays out an artifact folder from a built library and a manifest.
  void makeArtifact(const char *library,
                    const std::string &json = R"({"name": "fake", "abi_version": 1})") {
    copyFile(library, dir + "/model.so");
    writeText(dir + "/model.json", json);
  }

  qsnn_rt_status open() { return qsnn_model_open(dir.c_str(), &model); }

  std::string dir;
  qsnn_model *model = nullptr;
};

/// Inputs for n samples and the sums the fake model must return.
struct Batch {
  explicit Batch(int64_t n) : n(n), pixels(n * 6), events(2 * n * 3) {
    for (int64_t i = 0; i < n * 6; ++i)
      pixels[i] = static_cast<uint8_t>((i * 37 + 11) % 256);
    for (int64_t i = 0; i < 2 * n * 3; ++i)
      events[i] = static_cast<float>((i * 7) % 5);
    for (int64_t b = 0; b < n; ++b) {
      int64_t p = 0;
      float e = 0;
      for (int k = 0; k < 6; ++k)
        p += pixels[b * 6 + k];
      for (int t = 0; t < 2; ++t)
        for (int k = 0; k < 3; ++k)
          e += events[(t * n + b) * 3 + k];
      expected.push_back(p);
      expected.push_back(static_cast<int64_t>(e));
    }
  }
  int64_t n;
  std::vector<uint8_t> pixels;
  std::vector<float> events;
  std::vector<int64_t> expected;
};

qsnn_tensor tensor(void *data, qsnn_dtype dtype, std::vector<int64_t> shape) {
  qsnn_tensor t{};
  t.data = data;
  t.dtype = dtype;
  t.rank = static_cast<int32_t>(shape.size());
  for (size_t d = 0; d < shape.size(); ++d)
    t.shape[d] = shape[d];
  return t;
}

TEST_F(Runtime, OpensAndDescribes) {
  makeArtifact(FAKE_ARTIFACT);
  ASSERT_EQ(open(), QSNN_RT_OK) << qsnn_last_error();
  const qsnn_model_info *info = qsnn_model_get_info(model);
  EXPECT_EQ(info->batch, 4);
  EXPECT_EQ(info->time_steps, 2);
  EXPECT_EQ(qsnn_model_workspace_bytes(model), 256u);
  qsnn_tensor desc;
  ASSERT_EQ(qsnn_model_input_desc(model, 1, 7, &desc), QSNN_RT_OK);
  EXPECT_EQ(desc.rank, 3);
  EXPECT_EQ(desc.shape[0], 2);
  EXPECT_EQ(desc.shape[1], 7);
  EXPECT_EQ(qsnn_tensor_bytes(&desc), 2u * 7 * 3 * 4);
  EXPECT_EQ(qsnn_model_output_desc(model, 1, 7, &desc), QSNN_RT_ERR_ARGUMENT);
  EXPECT_STREQ(qsnn_last_error(), "the model has 1 output(s), no index 1");
}

TEST_F(Runtime, RunsEveryBatchSize) {
  makeArtifact(FAKE_ARTIFACT);
  ASSERT_EQ(open(), QSNN_RT_OK) << qsnn_last_error();
  // Below, equal to, between and above multiples of the compiled batch 4.
  for (int64_t n : {1, 3, 4, 7, 8, 9}) {
    Batch batch(n);
    std::vector<int64_t> sums(n * 2, -1);
    qsnn_tensor in[2] = {
        tensor(batch.pixels.data(), QSNN_DTYPE_UINT8, {n, 2, 3}),
        tensor(batch.events.data(), QSNN_DTYPE_FLOAT32, {2, n, 3})};
    qsnn_tensor out[1] = {tensor(sums.data(), QSNN_DTYPE_INT64, {n, 2})};
    ASSERT_EQ(qsnn_model_run(model, in, 2, out, 1), QSNN_RT_OK)
        << qsnn_last_error();
    EXPECT_EQ(sums, batch.expected) << "batch " << n;
  }
}

TEST_F(Runtime, RejectsWrongTensors) {
  makeArtifact(FAKE_ARTIFACT);
  ASSERT_EQ(open(), QSNN_RT_OK) << qsnn_last_error();
  Batch batch(3);
  std::vector<int64_t> sums(6);
  qsnn_tensor in[2] = {
      tensor(batch.pixels.data(), QSNN_DTYPE_UINT8, {3, 2, 3}),
      tensor(batch.events.data(), QSNN_DTYPE_FLOAT32, {2, 3, 3})};
  qsnn_tensor out[1] = {tensor(sums.data(), QSNN_DTYPE_INT64, {3, 2})};

  qsnn_tensor wrongDtype[2] = {in[0], in[1]};
  wrongDtype[0].dtype = QSNN_DTYPE_FLOAT32;
  EXPECT_EQ(qsnn_model_run(model, wrongDtype, 2, out, 1), QSNN_RT_ERR_SHAPE);
  EXPECT_STREQ(qsnn_last_error(),
               "input 0 ('pixels') must be uint8, got float32");

  qsnn_tensor wrongShape[2] = {in[0], in[1]};
  wrongShape[0].shape[2] = 4;
  EXPECT_EQ(qsnn_model_run(model, wrongShape, 2, out, 1), QSNN_RT_ERR_SHAPE);
  EXPECT_STREQ(qsnn_last_error(),
               "input 0 ('pixels') has shape [3, 2, 4]; the model expects "
               "[N, 2, 3] (N >= 1, the same for every tensor)");

  qsnn_tensor otherBatch[2] = {in[0], in[1]};
  otherBatch[1].shape[1] = 2;
  EXPECT_EQ(qsnn_model_run(model, otherBatch, 2, out, 1), QSNN_RT_ERR_SHAPE);
  EXPECT_STREQ(qsnn_last_error(),
               "input 1 ('events') has shape [2, 2, 3]; the model expects "
               "[2, N, 3] (N >= 1, the same for every tensor)");

  qsnn_tensor wrongRank[1] = {tensor(sums.data(), QSNN_DTYPE_INT64, {6})};
  EXPECT_EQ(qsnn_model_run(model, in, 2, wrongRank, 1), QSNN_RT_ERR_SHAPE);
  EXPECT_STREQ(qsnn_last_error(), "output 0 ('sums') has shape [6]; the model "
                                  "expects [N, 2] (N >= 1, the same for every "
                                  "tensor)");

  EXPECT_EQ(qsnn_model_run(model, in, 1, out, 1), QSNN_RT_ERR_SHAPE);
  EXPECT_STREQ(qsnn_last_error(), "the model takes 2 input(s) and 1 output(s), "
                                  "got 1 and 1");

  qsnn_tensor noData[2] = {in[0], in[1]};
  noData[1].data = nullptr;
  EXPECT_EQ(qsnn_model_run(model, noData, 2, out, 1), QSNN_RT_ERR_ARGUMENT);
  EXPECT_STREQ(qsnn_last_error(), "input 1 ('events') has no data");
}

TEST_F(Runtime, MissingArtifact) {
  std::string missing = dir + "/nowhere";
  EXPECT_EQ(qsnn_model_open(missing.c_str(), &model), QSNN_RT_ERR_NOT_FOUND);
  EXPECT_EQ(std::string(qsnn_last_error()),
            "artifact folder '" + missing + "' does not exist");
  EXPECT_EQ(open(), QSNN_RT_ERR_NOT_FOUND);
  EXPECT_EQ(std::string(qsnn_last_error()),
            "'" + dir + "' is not a qsnn artifact: " + dir +
                "/model.json not found (write one with qsnn-compile -o " +
                dir + ")");
  writeText(dir + "/model.json", R"({"name": "fake", "abi_version": 1})");
  EXPECT_EQ(open(), QSNN_RT_ERR_NOT_FOUND);
  EXPECT_EQ(std::string(qsnn_last_error()), dir + "/model.so not found");
}

TEST_F(Runtime, CorruptManifest) {
  makeArtifact(FAKE_ARTIFACT, R"({"name": "fake", "abi_ver)");
  EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT);
  EXPECT_EQ(std::string(qsnn_last_error()),
            dir + "/model.json is not valid JSON (truncated or overwritten?)");
  makeArtifact(FAKE_ARTIFACT, R"({"name": "other", "abi_version": 1})");
  EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT);
  EXPECT_EQ(std::string(qsnn_last_error()),
            dir + "/model.so does not export other_info and other_run: not "
                  "a qsnn artifact named 'other'");
}

TEST_F(Runtime, TruncatedOrForeignLibrary) {
  makeArtifact(FAKE_ARTIFACT);
  copyFile(FAKE_ARTIFACT, dir + "/model.so", /*limit=*/700);
  EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT);
  std::string prefix = dir + "/model.so is not a loadable shared library "
                             "(truncated or foreign file?): ";
  EXPECT_EQ(std::string(qsnn_last_error()).rfind(prefix, 0), 0u)
      << qsnn_last_error();
  writeText(dir + "/model.so", "#!/bin/sh\necho not a library\n");
  EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT);
  EXPECT_EQ(std::string(qsnn_last_error()).rfind(prefix, 0), 0u)
      << qsnn_last_error();
}

TEST_F(Runtime, OtherAbiVersion) {
  makeArtifact(FAKE_ARTIFACT, R"({"name": "fake", "abi_version": 2})");
  EXPECT_EQ(open(), QSNN_RT_ERR_ABI_VERSION);
  EXPECT_EQ(std::string(qsnn_last_error()),
            "'" + dir + "' was compiled for qsnn ABI version 2; this runtime "
                        "supports version 1: recompile the model with this "
                        "qsnn-compile");
  // A library whose own info disagrees with its manifest is caught too.
  makeArtifact(FAKE_ARTIFACT_ABI2);
  EXPECT_EQ(open(), QSNN_RT_ERR_ABI_VERSION);
  EXPECT_EQ(std::string(qsnn_last_error()),
            dir + "/model.so was compiled for qsnn ABI version 2; this "
                  "runtime supports version 1");
}

TEST_F(Runtime, OtherArchitecture) {
  makeArtifact(FAKE_ARTIFACT_AARCH64);
  EXPECT_EQ(open(), QSNN_RT_ERR_UNSUPPORTED_CPU);
#if defined(__x86_64__)
  EXPECT_EQ(std::string(qsnn_last_error()),
            dir + ": the artifact was built for aarch64 but this machine is "
                  "x86_64");
#endif
}

TEST(CpuFeatures, ChecksInstructionSets) {
#if defined(__x86_64__)
  EXPECT_TRUE(qsnn_cpu_supports("x86_64-unknown-linux-gnu",
                                "+sse4.1,+cx16,-avx512f,+some-tuning-flag"));
  // The first feature of these that this CPU lacks.
  std::string missing;
  if (!__builtin_cpu_supports("avx512vpopcntdq"))
    missing = "avx512vpopcntdq";
  else if (!__builtin_cpu_supports("avx512fp16"))
    missing = "avx512fp16";
  else if (!__builtin_cpu_supports("amx-tile"))
    missing = "amx-tile";
  else
    GTEST_SKIP() << "this CPU has every feature the test could ask for";
  EXPECT_FALSE(qsnn_cpu_supports("x86_64-unknown-linux-gnu",
                                 ("+popcnt,+" + missing).c_str()));
  EXPECT_EQ(std::string(qsnn_last_error()),
            "the artifact needs the CPU feature '" + missing +
                "', which this CPU lacks; recompile it with --target-cpu "
                "native or a lower level such as x86-64-v3");
#else
  GTEST_SKIP() << "x86-64 feature names";
#endif
}

} // namespace
