//===- RuntimeTest.cpp - libqsnn_runtime on hand-written artifacts --------===//
#include "qsnn_runtime.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>
#include <sys/stat.h>
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

/// The SHA-256 of a file, by coreutils (an implementation independent of
/// the runtime's).
std::string sha256sum(const std::string &path) {
  std::string command = "sha256sum '" + path + "'";
  FILE *pipe = popen(command.c_str(), "r");
  char digest[65] = {};
  if (!pipe || fscanf(pipe, "%64s", digest) != 1)
    digest[0] = 0;
  if (pipe)
    pclose(pipe);
  return digest;
}

/// The manifest qsnn-compile would write for FakeArtifact.c; `edit` replaces
/// a field's text (e.g. {"\"batch\": 4", "\"batch\": 8"}).
std::string fakeManifest(const std::string &library, const char *triple,
                         std::pair<std::string, std::string> edit = {}) {
  std::string text = R"({"name": "fake", "abi_version": 1,
    "numerics": "integer", "batch": 4, "time_steps": 2, "num_classes": 2,
    "readout_frac_bits": 0, "classes": ["zero", "one"],
    "target": {"triple": ")" + std::string(triple) +
                     R"(", "cpu": "generic", "features": "+sse4.1"},
    "memory": {"workspace_bytes": 256},
    "inputs": [{"name": "pixels", "dtype": "uint8", "batch_dim": 0,
                "shape": [4, 2, 3]},
               {"name": "events", "dtype": "float32", "batch_dim": 1,
                "shape": [2, 4, 3]}],
    "outputs": [{"name": "sums", "dtype": "int64", "batch_dim": 0,
                 "shape": [4, 2]}],
    "files": {"shared_library": "model.so",
              "shared_library_sha256": ")" +
                     sha256sum(library) + R"("}})";
  if (!edit.first.empty()) {
    size_t at = text.find(edit.first);
    EXPECT_NE(at, std::string::npos) << edit.first;
    if (at != std::string::npos)
      text.replace(at, edit.first.size(), edit.second);
  }
  return text;
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

  /// Lays out an artifact folder from a built library and a manifest (by
  /// default the one qsnn-compile would write).
  void makeArtifact(const char *library, const std::string &json = "",
                    const char *triple = "x86_64-unknown-linux-gnu") {
    copyFile(library, dir + "/model.so");
    writeText(dir + "/model.json",
              json.empty() ? fakeManifest(library, triple) : json);
  }

  /// The manifest with one edit, for the library at `library`.
  void makeEditedArtifact(std::pair<std::string, std::string> edit) {
    copyFile(FAKE_ARTIFACT, dir + "/model.so");
    writeText(dir + "/model.json",
              fakeManifest(FAKE_ARTIFACT, "x86_64-unknown-linux-gnu", edit));
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
  writeText(dir + "/model.json", fakeManifest(FAKE_ARTIFACT, "x"));
  EXPECT_EQ(open(), QSNN_RT_ERR_NOT_FOUND);
  EXPECT_EQ(std::string(qsnn_last_error()), dir + "/model.so not found");
}

TEST_F(Runtime, CorruptManifest) {
  makeArtifact(FAKE_ARTIFACT, R"({"name": "fake", "abi_ver)");
  EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT);
  EXPECT_EQ(std::string(qsnn_last_error()),
            dir + "/model.json is not valid JSON (truncated or overwritten?)");
  makeEditedArtifact({R"("name": "fake")", R"("name": "other")"});
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
  makeArtifact(FAKE_ARTIFACT_AARCH64, "", "aarch64-unknown-linux-gnu");
  EXPECT_EQ(open(), QSNN_RT_ERR_UNSUPPORTED_CPU);
#if defined(__x86_64__)
  EXPECT_EQ(std::string(qsnn_last_error()),
            dir + ": the artifact was built for aarch64 but this machine is "
                  "x86_64");
#endif
}

TEST_F(Runtime, ModifiedLibrary) {
  makeArtifact(FAKE_ARTIFACT);
  // A few bytes of code overwritten: still a well-formed ELF file.
  std::fstream library(dir + "/model.so",
                       std::ios::in | std::ios::out | std::ios::binary);
  library.seekp(0x1100);
  library.write("\xcc\xcc\xcc\xcc", 4);
  library.close();
  EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT);
  std::string message = qsnn_last_error();
  EXPECT_EQ(message.rfind(dir + "/model.so has SHA-256 " +
                              sha256sum(dir + "/model.so") + " but " + dir +
                              "/model.json records " +
                              sha256sum(FAKE_ARTIFACT) +
                              ": the library was modified or replaced after "
                              "compilation; recompile the model",
                          0),
            0u)
      << message;
  EXPECT_EQ(model, nullptr);
}

TEST_F(Runtime, ManifestWithoutDigest) {
  makeEditedArtifact({R"("shared_library_sha256")", R"("sha")"});
  EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT);
  EXPECT_EQ(std::string(qsnn_last_error()),
            dir + "/model.json has no files.shared_library_sha256 (64 hex "
                  "digits): recompile the model with this qsnn-compile");
}

TEST_F(Runtime, ManifestContradictsLibrary) {
  struct Case {
    std::pair<std::string, std::string> edit;
    std::string says;
  };
  for (const Case &c : std::vector<Case>{
           {{R"("batch": 4)", R"("batch": 8)"}, "batch is 8 in model.json but 4"},
           {{R"("workspace_bytes": 256)", R"("workspace_bytes": 16)"},
            "memory.workspace_bytes is 16 in model.json but 256"},
           {{R"("shape": [4, 2]})", R"("shape": [4, 3]})"},
            "output 0 shape is [4,3] in model.json but [4,2]"},
           {{R"("dtype": "float32")", R"("dtype": "uint8")"},
            "input 1 dtype is \"uint8\" in model.json but \"float32\""},
           {{R"("numerics": "integer")", R"("numerics": "float")"},
            "numerics is \"float\" in model.json but \"integer\""},
           {{R"("time_steps": 2, )", ""}, "time_steps is missing in model.json but 2"},
           {{R"(["zero", "one"])", R"(["zero"])"},
            "names 1 classes but model.so has 2"}}) {
    makeEditedArtifact(c.edit);
    EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT) << c.says;
    std::string message = qsnn_last_error();
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
    EXPECT_EQ(message.rfind(dir + "/model.json ", 0), 0u) << message;
    EXPECT_EQ(model, nullptr);
  }
}

TEST_F(Runtime, ManifestThatIsNotARegularFile) {
  copyFile(FAKE_ARTIFACT, dir + "/model.so");
  // A FIFO without a writer would block a plain open forever.
  ASSERT_EQ(mkfifo((dir + "/model.json").c_str(), 0600), 0);
  EXPECT_EQ(open(), QSNN_RT_ERR_INVALID_ARTIFACT);
  EXPECT_EQ(std::string(qsnn_last_error()),
            dir + "/model.json is not a regular file");
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
