//===- Checkpoint.cpp - Self-describing training checkpoints --------------===//

#include "qsnn/Train/Checkpoint.h"

#include <torch/optim/optimizer.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

namespace qsnn::train {

namespace {

constexpr const char *kFormat = "qsnn-train-checkpoint-v1";

[[noreturn]] void fail(const std::string &path, const std::string &why) {
  throw CheckpointError("checkpoint '" + path + "': " + why);
}

torch::serialize::InputArchive openArchive(const std::string &path,
                                           const std::string *bytes) {
  if (!bytes && !std::filesystem::is_regular_file(path))
    fail(path, "no such file");
  torch::serialize::InputArchive archive;
  try {
    if (bytes)
      archive.load_from(bytes->data(), bytes->size());
    else
      archive.load_from(path);
    c10::IValue format;
    if (!archive.try_read("format", format) || !format.isString() ||
        format.toStringRef() != kFormat)
      fail(path, "not a qsnn-train checkpoint");
  } catch (const c10::Error &e) {
    fail(path, std::string("unreadable or corrupt (") +
                   e.what_without_backtrace() + ")");
  }
  return archive;
}

std::string readString(torch::serialize::InputArchive &archive,
                       const std::string &path, const std::string &key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString())
    fail(path, "missing '" + key + "'");
  return value.toStringRef();
}

std::map<std::string, std::vector<int64_t>> shapesOf(Network &network) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto &item : network.named_parameters())
    shapes[item.key()] = item.value().sizes().vec();
  for (const auto &item : network.named_buffers())
    shapes[item.key()] = item.value().sizes().vec();
  return shapes;
}

} // namespace

void saveCheckpoint(const std::string &path, Network &network,
                    torch::optim::Optimizer *optimizer,
                    const TrainingState &state) {
  torch::serialize::OutputArchive archive, model;
  archive.write("format", c10::IValue(std::string(kFormat)));
  archive.write("config", c10::IValue(toJson(network.config())));
  archive.write("epochs_done", c10::IValue(state.epochsDone));
  archive.write("fit_options", c10::IValue(state.fitOptionsJson));
  archive.write("world_size", c10::IValue(state.worldSize));
  archive.write("global_batch", c10::IValue(state.globalBatch));
  archive.write("steps_done", c10::IValue(state.stepsDone));
  network.save(model);
  archive.write("model", model);
  if (optimizer) {
    torch::serialize::OutputArchive optimizerArchive;
    optimizer->save(optimizerArchive);
    archive.write("optimizer", optimizerArchive);
  }
  // Never leave a half-written checkpoint: write aside, then rename.
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  try {
    archive.save_to(temp);
  } catch (const c10::Error &e) {
    std::filesystem::remove(temp);
    fail(path,
         std::string("cannot write (") + e.what_without_backtrace() + ")");
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp);
    fail(path, "cannot rename into place: " + ec.message());
  }
}

std::string readCheckpointBytes(const std::string &path) {
  if (!std::filesystem::is_regular_file(path))
    fail(path, "no such file");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof())
    fail(path, "cannot be read");
  return bytes;
}

ModelConfig readCheckpointConfig(const std::string &path,
                                 const std::string *bytes) {
  torch::serialize::InputArchive archive = openArchive(path, bytes);
  try {
    return modelConfigFromJson(readString(archive, path, "config"));
  } catch (const std::invalid_argument &e) {
    fail(path, e.what());
  }
}

std::shared_ptr<Network> loadNetwork(const std::string &path,
                                     const std::string *bytes) {
  ModelConfig config = readCheckpointConfig(path, bytes);
  auto network = std::make_shared<Network>(config);
  auto expected = shapesOf(*network);
  torch::serialize::InputArchive archive = openArchive(path, bytes);
  try {
    torch::serialize::InputArchive model;
    if (!archive.try_read("model", model))
      fail(path, "missing the model weights");
    network->load(model);
  } catch (const c10::Error &e) {
    fail(path, std::string("weights do not match architecture '") +
                   config.arch + "' (" + e.what_without_backtrace() + ")");
  }
  // Archive reads replace tensors wholesale, so check the shapes stayed.
  if (shapesOf(*network) != expected)
    fail(path, "weight shapes do not match architecture '" + config.arch + "'");
  return network;
}

TrainingState loadTrainingState(const std::string &path,
                                torch::optim::Optimizer *optimizer,
                                const std::string *bytes) {
  torch::serialize::InputArchive archive = openArchive(path, bytes);
  TrainingState state;
  c10::IValue epochs;
  if (!archive.try_read("epochs_done", epochs) || !epochs.isInt())
    fail(path, "missing 'epochs_done'");
  state.epochsDone = epochs.toInt();
  // Absent before distributed training existed: 0 (see TrainingState).
  for (auto [key, field] :
       {std::pair<const char *, int64_t *>{"world_size", &state.worldSize},
        {"global_batch", &state.globalBatch},
        {"steps_done", &state.stepsDone}}) {
    c10::IValue value;
    if (archive.try_read(key, value)) {
      if (!value.isInt() || value.toInt() < 0)
        fail(path, std::string("invalid '") + key + "'");
      *field = value.toInt();
    }
  }
  state.fitOptionsJson = readString(archive, path, "fit_options");
  if (optimizer) {
    torch::serialize::InputArchive optimizerArchive;
    if (!archive.try_read("optimizer", optimizerArchive))
      fail(path, "has no optimizer state to resume from");
    try {
      optimizer->load(optimizerArchive);
    } catch (const c10::Error &e) {
      fail(path, std::string("optimizer state does not match (") +
                     e.what_without_backtrace() + ")");
    }
  }
  return state;
}

} // namespace qsnn::train
