//===- DatasetMode.cpp - accuracy and speed on a data set's test split ----===//
#include "Compare.h"
#include "Modes.h"

#include "qsnn/Data/Dataset.h"
#include "qsnn/Support/Progress.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

using namespace qsnn::run;

namespace {

/// Checks that the artifact's first input takes the split's samples: static
/// images [N, C, H, W] (batch_dim 0) or event frames [T, N, C, H, W]
/// (batch_dim 1).
bool checkLayout(const qsnn_model_info &info,
                 const qsnn::data::DataSplit &split, const std::string &name,
                 std::string &error) {
  const qsnn_tensor_desc &in = info.inputs[0];
  std::vector<int64_t> sample = {split.channels, split.height, split.width};
  bool events = split.kind == qsnn::data::InputKind::Events;
  std::vector<int64_t> model(in.shape, in.shape + in.rank);
  bool ok = info.num_inputs == 1 && in.dtype == QSNN_DTYPE_UINT8 &&
            in.batch_dim == (events ? 1 : 0) && in.rank == (events ? 5 : 4);
  if (ok && events)
    ok = model[0] == split.timeSteps &&
         std::equal(sample.begin(), sample.end(), model.begin() + 2);
  else if (ok)
    ok = std::equal(sample.begin(), sample.end(), model.begin() + 1);
  if (!ok) {
    std::string theirs =
        events ? "[T=" + std::to_string(split.timeSteps) + ", N, " +
                     std::to_string(split.channels) + ", " +
                     std::to_string(split.height) + ", " +
                     std::to_string(split.width) + "] uint8 event frames"
               : "[N, " + std::to_string(split.channels) + ", " +
                     std::to_string(split.height) + ", " +
                     std::to_string(split.width) + "] uint8 images";
    error = "the artifact's input '" + std::string(in.name ? in.name : "") +
            "' is " + qsnn_dtype_name(in.dtype) + " " + shapeString(model) +
            " but " + name + " provides " + theirs;
  }
  if (ok && (info.num_outputs < 1 || info.outputs[0].rank != 2)) {
    error = "the artifact's first output is not [N, classes] logits";
    ok = false;
  }
  return ok;
}

/// Samples [start, start + count) in the artifact's input layout.
void fillChunk(const qsnn::data::DataSplit &split, int64_t start, int64_t count,
               HostTensor &chunk) {
  int64_t frame = split.channels * split.height * split.width;
  if (split.kind == qsnn::data::InputKind::Static) {
    chunk.shape = {count, split.channels, split.height, split.width};
    chunk.bytes.assign(split.sample(start),
                       split.sample(start) + count * frame);
    return;
  }
  // [N, T, ...] samples to [T, N, ...] frames.
  int64_t steps = split.timeSteps;
  chunk.shape = {steps, count, split.channels, split.height, split.width};
  chunk.bytes.resize(steps * count * frame);
  for (int64_t n = 0; n < count; ++n)
    for (int64_t t = 0; t < steps; ++t)
      std::memcpy(chunk.bytes.data() + (t * count + n) * frame,
                  split.sample(start + n) + t * frame, frame);
}

/// Checked before the evaluation: a predictions path that exists must be a
/// regular file (it is replaced).
bool checkPredictionsPath(const std::string &path, std::string &error) {
  struct stat status;
  if (path.empty() || stat(path.c_str(), &status) != 0 ||
      S_ISREG(status.st_mode))
    return true;
  error = "--save-predictions " + path + " is not a regular file";
  return false;
}

/// Writes one class index per line, through a temporary file and a rename.
bool writePredictions(const std::string &path,
                      const std::vector<int64_t> &predictions,
                      std::string &error) {
  std::string temporary = path + ".tmp";
  bool written;
  {
    std::ofstream out(temporary);
    for (int64_t p : predictions)
      out << p << "\n";
    written = static_cast<bool>(out);
  }
  if (!written) {
    error = "cannot write " + temporary;
  } else if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + temporary + " to " + path + ": " +
            std::strerror(errno);
    written = false;
  }
  if (!written)
    std::remove(temporary.c_str()); // nothing half-written stays behind
  return written;
}

} // namespace

ExitCode qsnn::run::runDataset(Artifact &artifact,
                               const DatasetOptions &options,
                               nlohmann::json &report, std::string &error) {
  const qsnn_model_info &info = artifact.info();
  if (!checkPredictionsPath(options.predictionsFile, error))
    return Failure;
  qsnn::data::LoadOptions load;
  load.dataDir = options.dataDir;
  load.timeSteps = info.time_steps > 0 ? info.time_steps : 1;
  load.loadTrain = false; // only the test split is scored
  load.limitTest = options.limit;
  if (info.inputs[0].rank == 5)
    load.eventSize = info.inputs[0].shape[4];
  qsnn::data::DataSet data;
  try {
    data = qsnn::data::loadDataSet(options.name, load);
  } catch (const qsnn::data::DataError &e) {
    error = e.what();
    return Failure;
  }
  const qsnn::data::DataSplit &split = data.test;
  if (split.size == 0) {
    error = options.name + " has no test samples";
    return Failure;
  }
  if (!checkLayout(info, split, options.name, error))
    return Failure;

  int64_t batch = options.batch > 0 ? options.batch : info.batch;
  int64_t classes = info.outputs[0].shape[1];
  int64_t correct = 0;
  uint64_t checksum = 0;
  double seconds = 0;
  int64_t calls = 0;
  qsnn::support::ProgressBar progress("qsnn-run", split.size);
  HostTensor chunk;
  chunk.name = info.inputs[0].name ? info.inputs[0].name : "";
  chunk.dtype = QSNN_DTYPE_UINT8;
  std::vector<HostTensor> outputs;
  std::vector<int64_t> predictions;
  predictions.reserve(split.size);
  for (int64_t start = 0; start < split.size; start += batch) {
    int64_t count = std::min(batch, split.size - start);
    fillChunk(split, start, count, chunk);
    auto begin = std::chrono::steady_clock::now();
    if (!artifact.run({&chunk}, count, outputs, error))
      return Failure;
    seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
            .count();
    ++calls;
    const HostTensor &logits = outputs[0];
    checksum = fnv1a(logits.bytes.data(), logits.bytes.size(), checksum);
    for (int64_t n = 0; n < count; ++n) {
      int64_t predicted =
          logits.dtype == QSNN_DTYPE_INT64
              ? argmax(logits.as<int64_t>() + n * classes, classes)
              : argmax(logits.as<float>() + n * classes, classes);
      correct += predicted == split.labels[start + n];
      predictions.push_back(predicted);
    }
    if (options.progress) {
      char stats[64];
      std::snprintf(stats, sizeof(stats), "acc %.2f%%",
                    100.0 * correct / (start + count));
      progress.update(start + count, stats);
    }
  }
  if (options.progress)
    progress.finish("");
  if (!options.predictionsFile.empty() &&
      !writePredictions(options.predictionsFile, predictions, error))
    return Failure;
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(checksum));
  report = {{"artifact", describeArtifact(artifact)},
            {"dataset", options.name},
            {"samples", split.size},
            {"correct", correct},
            {"accuracy", static_cast<double>(correct) / split.size},
            {"batch", batch},
            {"latency_ms_per_batch", seconds * 1e3 / calls},
            {"throughput_samples_per_s", split.size / seconds},
            {"logits_checksum", hex},
            {"peak_rss_bytes", peakRssBytes()},
            {"workspace_bytes", artifact.workspaceBytes()}};
  return Success;
}
