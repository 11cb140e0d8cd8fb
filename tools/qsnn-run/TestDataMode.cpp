//===- TestDataMode.cpp - compare with ONNX test vectors ------------------===//
#include "Compare.h"
#include "Modes.h"

#include <chrono>
#include <sys/resource.h>

using namespace qsnn::run;

uint64_t qsnn::run::peakRssBytes() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

nlohmann::json qsnn::run::describeArtifact(const Artifact &artifact) {
  const qsnn_model_info &i = artifact.info();
  auto tensors = [](const qsnn_tensor_desc *descs, int32_t count) {
    nlohmann::json list = nlohmann::json::array();
    for (int32_t k = 0; k < count; ++k)
      list.push_back(
          {{"name", descs[k].name ? descs[k].name : ""},
           {"dtype", qsnn_dtype_name(descs[k].dtype)},
           {"shape", std::vector<int64_t>(descs[k].shape,
                                          descs[k].shape + descs[k].rank)},
           {"batch_dim", descs[k].batch_dim}});
    return list;
  };
  return {{"name", i.name},
          {"numerics", i.numerics},
          {"target_triple", i.target_triple},
          {"target_cpu", i.target_cpu},
          {"batch", i.batch},
          {"time_steps", i.time_steps},
          {"num_classes", i.num_classes},
          {"readout_frac_bits", i.readout_frac_bits},
          {"workspace_bytes", artifact.workspaceBytes()},
          {"inputs", tensors(i.inputs, i.num_inputs)},
          {"outputs", tensors(i.outputs, i.num_outputs)}};
}

namespace {

/// The batch the test vectors carry: the extent of the first batched input.
int64_t batchOf(const qsnn_model_info &info, const TestVectors &vectors) {
  for (int32_t k = 0; k < info.num_inputs && k < (int32_t)vectors.inputs.size();
       ++k) {
    int32_t dim = info.inputs[k].batch_dim;
    if (dim >= 0 && dim < (int32_t)vectors.inputs[k].shape.size())
      return vectors.inputs[k].shape[dim];
  }
  return info.batch;
}

/// Pairs the artifact's inputs with test inputs: by name when every artifact
/// input's name is among them (inputs compiled in as constants with
/// qsnn-compile --bind-input are then `ignored`), else by position.
bool matchInputs(const qsnn_model_info &info, const TestVectors &vectors,
                 std::vector<const HostTensor *> &inputs,
                 std::vector<std::string> &ignored) {
  std::vector<bool> used(vectors.inputs.size(), false);
  for (int32_t k = 0; k < info.num_inputs; ++k) {
    std::string name = info.inputs[k].name ? info.inputs[k].name : "";
    for (size_t i = 0; i < vectors.inputs.size(); ++i)
      if (!name.empty() && !used[i] && vectors.inputs[i].name == name) {
        used[i] = true;
        inputs.push_back(&vectors.inputs[i]);
        break;
      }
  }
  if ((int32_t)inputs.size() == info.num_inputs) {
    for (size_t i = 0; i < vectors.inputs.size(); ++i)
      if (!used[i])
        ignored.push_back(vectors.inputs[i].name);
    return true;
  }
  inputs.clear();
  for (const HostTensor &t : vectors.inputs)
    inputs.push_back(&t);
  return (int32_t)inputs.size() == info.num_inputs;
}

} // namespace

ExitCode qsnn::run::runTestData(Artifact &artifact,
                                const TestDataOptions &options,
                                nlohmann::json &report, std::string &error) {
  const qsnn_model_info &info = artifact.info();
  bool allPassed = true;
  uint64_t checksum = 0;
  double seconds = 0;
  int64_t samples = 0;
  nlohmann::json sets = nlohmann::json::array();
  for (const std::string &dir : options.dirs) {
    TestVectors vectors;
    if (!readTestVectors(dir, vectors, error))
      return Failure;
    std::vector<const HostTensor *> inputs;
    std::vector<std::string> ignored;
    if (!matchInputs(info, vectors, inputs, ignored) ||
        (int32_t)vectors.outputs.size() != info.num_outputs) {
      error = dir + " holds " + std::to_string(vectors.inputs.size()) +
              " input(s) and " + std::to_string(vectors.outputs.size()) +
              " output(s); the artifact has " +
              std::to_string(info.num_inputs) + " and " +
              std::to_string(info.num_outputs);
      return Failure;
    }
    int64_t batch = batchOf(info, vectors);
    std::vector<HostTensor> outputs;
    auto start = std::chrono::steady_clock::now();
    if (!artifact.run(inputs, batch, outputs, error)) {
      error = dir + ": " + error;
      return Failure;
    }
    seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    samples += batch;

    nlohmann::json compared = nlohmann::json::array();
    bool setPassed = true;
    for (size_t k = 0; k < outputs.size(); ++k) {
      checksum =
          fnv1a(outputs[k].bytes.data(), outputs[k].bytes.size(), checksum);
      OutputComparison c = compareOutput(vectors.outputs[k], outputs[k], info,
                                         options.rtol, options.atol);
      setPassed &= c.passed;
      nlohmann::json entry = {
          {"name", c.name},
          {"dtype", qsnn_dtype_name(outputs[k].dtype)},
          {"expected_dtype", qsnn_dtype_name(vectors.outputs[k].dtype)},
          {"shape", outputs[k].shape},
          {"expected_shape", vectors.outputs[k].shape},
          {"method", c.method},
          {"elements", c.elements},
          {"mismatches", c.mismatches},
          {"max_abs_error", c.maxAbsError},
          {"exact_match", c.passed && c.maxAbsError == 0},
          {"passed", c.passed}};
      if (c.rows)
        entry["argmax_agreement"] =
            static_cast<double>(c.argmaxAgreements) / c.rows;
      if (!c.note.empty())
        entry["note"] = c.note;
      compared.push_back(entry);
    }
    allPassed &= setPassed;
    sets.push_back({{"dir", dir},
                    {"batch", batch},
                    {"ignored_inputs", ignored},
                    {"passed", setPassed},
                    {"outputs", compared}});
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(checksum));
  report = {{"artifact", describeArtifact(artifact)},
            {"test_data", sets},
            {"rtol", options.rtol},
            {"atol", options.atol},
            {"passed", allPassed},
            {"logits_checksum", hex},
            {"latency_ms", seconds * 1e3 / options.dirs.size()},
            {"throughput_samples_per_s", seconds > 0 ? samples / seconds : 0},
            {"peak_rss_bytes", peakRssBytes()}};
  return allPassed ? Success : Mismatch;
}
