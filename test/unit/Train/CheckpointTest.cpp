//===- CheckpointTest.cpp - Save, load and reject checkpoints -------------===//

#include "qsnn/Train/Checkpoint.h"
#include "TestModels.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace qsnn::train;
using namespace qsnn::train::test;
namespace fs = std::filesystem;

namespace {

ModelConfig tinyConfig() {
  ModelConfig m = tinyModel();
  m.classNames = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  return m;
}

fs::path scratch(const std::string &name) {
  fs::path dir = fs::temp_directory_path() /
                 ("qsnn-ckpt-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

} // namespace

TEST(Checkpoint, RoundTripKeepsConfigWeightsAndAlphaHat) {
  Network network(tinyConfig());
  {
    torch::NoGradGuard noGrad;
    network.spikingLayers()[1]->named_buffers()["alpha_hat"].fill_(2.5f);
  }
  const std::string path = scratch("round.pt").string();
  TrainingState state;
  state.epochsDone = 3;
  saveCheckpoint(path, network, nullptr, state);

  auto loaded = loadNetwork(path);
  EXPECT_EQ(loaded->config().arch, "tiny");
  EXPECT_EQ(loaded->config().zeroPoint, std::vector<float>{72.0f});
  EXPECT_EQ(loaded->config().classNames.size(), 10u);
  EXPECT_FLOAT_EQ(loaded->spikingLayers()[1]->alphaHat(), 2.5f);
  auto a = network.weightParameters(), b = loaded->weightParameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(at::equal(a[i], b[i]));
  EXPECT_EQ(loadTrainingState(path, nullptr).epochsDone, 3);
  EXPECT_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
}

TEST(Checkpoint, CorruptFileNamesThePath) {
  const std::string path = scratch("corrupt.pt").string();
  std::ofstream(path) << "not a checkpoint";
  try {
    loadNetwork(path);
    FAIL() << "corrupt checkpoint accepted";
  } catch (const CheckpointError &e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  EXPECT_THROW(loadNetwork(scratch("missing.pt").string()), CheckpointError);
}
