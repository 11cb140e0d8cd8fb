//===- qsnn-run.cpp - run a compiled qsnn artifact ------------------------===//
//
//   qsnn-run out/ --test-data model_dir/test_data_set_0 [--json]
//   qsnn-run out/ --dataset fashion-mnist [--data-dir D] [--limit N] [--json]
//   qsnn-run out/ --info
//
// Exit status: 0 success; 1 an output differs from its test vector or the
// artifact or data could not be used; 2 a command-line mistake.
//
//===----------------------------------------------------------------------===//
#include "Modes.h"
#include "UsageErrors.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

using namespace qsnn::run;

namespace {

void printTestData(const nlohmann::json &report) {
  for (const auto &set : report["test_data"]) {
    std::printf("%s: %s\n", set["dir"].get<std::string>().c_str(),
                set["passed"].get<bool>() ? "PASS" : "FAIL");
    for (const auto &out : set["outputs"]) {
      std::printf("  %-16s %-8s %-8s mismatches %lld/%lld  max |error| %.3g",
                  out["name"].get<std::string>().c_str(),
                  out["dtype"].get<std::string>().c_str(),
                  out["method"].get<std::string>().c_str(),
                  out["mismatches"].get<long long>(),
                  out["elements"].get<long long>(),
                  out["max_abs_error"].get<double>());
      if (out.contains("argmax_agreement"))
        std::printf("  argmax agreement %.2f%%",
                    100 * out["argmax_agreement"].get<double>());
      std::printf("\n");
      if (out.contains("note"))
        std::printf("  note: %s\n", out["note"].get<std::string>().c_str());
    }
  }
  std::printf("latency %.3f ms, throughput %.1f samples/s, peak RSS %.1f MiB\n",
              report["latency_ms"].get<double>(),
              report["throughput_samples_per_s"].get<double>(),
              report["peak_rss_bytes"].get<double>() / (1 << 20));
}

void printDataset(const nlohmann::json &report) {
  std::printf("%s: accuracy %.2f%% (%lld/%lld)\n",
              report["dataset"].get<std::string>().c_str(),
              100 * report["accuracy"].get<double>(),
              report["correct"].get<long long>(),
              report["samples"].get<long long>());
  std::printf("batch %lld: latency %.3f ms/batch, throughput %.1f samples/s\n",
              report["batch"].get<long long>(),
              report["latency_ms_per_batch"].get<double>(),
              report["throughput_samples_per_s"].get<double>());
  std::printf("peak RSS %.1f MiB, workspace %.1f KiB\n",
              report["peak_rss_bytes"].get<double>() / (1 << 20),
              report["workspace_bytes"].get<double>() / 1024);
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"qsnn-run: run a compiled qsnn artifact on ONNX test vectors "
               "or a data set, and report accuracy, agreement and speed.\n"
               "Exit status: 0 success; 1 an output differs from its test "
               "vector, or the artifact or data cannot be used; 2 a "
               "command-line mistake (docs/spec.md §7.7)."};
  std::string dir;
  TestDataOptions testData;
  DatasetOptions dataset;
  bool json = false, info = false, quiet = false;
  app.add_option("artifact", dir, "Folder written by qsnn-compile -o")
      ->required();
  auto *testOpt = app.add_option(
      "--test-data", testData.dirs,
      "ONNX test-data folder(s) with input_<i>.pb and output_<i>.pb");
  app.add_option("--rtol", testData.rtol,
                 "Relative tolerance for float outputs")
      ->check(qsnn::tools::finiteIn(0, 1e6))
      ->capture_default_str();
  app.add_option("--atol", testData.atol,
                 "Absolute tolerance for float outputs")
      ->check(qsnn::tools::finiteIn(0, 1e30))
      ->capture_default_str();
  auto *dataOpt = app.add_option(
      "--dataset", dataset.name,
      "Evaluate on a data set's test split: fashion-mnist, mnist, cifar10, "
      "cifar100, tinyimagenet, dvs-gesture, cifar10-dvs");
  app.add_option("--data-dir", dataset.dataDir,
                 "Where the data set's files are (default: docs/datasets.md)");
  app.add_option("--limit", dataset.limit,
                 "Use only the first N test samples (default: all)")
      ->check(qsnn::tools::integerIn(1, INT64_MAX, -1));
  app.add_option("--batch", dataset.batch,
                 "Samples per runtime call (default: the artifact's batch)")
      ->check(qsnn::tools::integerIn(1, 1 << 20));
  app.add_option("--save-predictions", dataset.predictionsFile,
                 "With --dataset: write the predicted class of every sample, "
                 "one per line, to FILE");
  app.add_flag("--json", json, "Print one JSON object instead of text");
  app.add_flag("--quiet", quiet, "No progress bar");
  auto *infoOpt =
      app.add_flag("--info", info, "Describe the artifact and exit");
  testOpt->excludes(dataOpt);
  infoOpt->excludes(testOpt)->excludes(dataOpt);
  if (int status = qsnn::tools::parseCommandLine(app, argc, argv, "qsnn-run");
      status >= 0)
    return status;

  if (testData.dirs.empty() && dataset.name.empty() && !info) {
    std::cerr << "qsnn-run: error: nothing to do: give --test-data DIR, "
                 "--dataset NAME or --info (see qsnn-run --help)\n";
    return qsnn::tools::kUsageError;
  }
  std::string error;
  Artifact artifact;
  if (!artifact.open(dir, error)) {
    std::cerr << "qsnn-run: error: " << error << "\n";
    return 1;
  }
  nlohmann::json report;
  ExitCode code = Success;
  if (info) {
    report = describeArtifact(artifact);
  } else if (!testData.dirs.empty()) {
    code = runTestData(artifact, testData, report, error);
  } else {
    dataset.progress = !quiet && !json;
    code = runDataset(artifact, dataset, report, error);
  }
  if (code == Failure) {
    std::cerr << "qsnn-run: error: " << error << "\n";
    return 1;
  }
  if (json || info)
    std::cout << report.dump(2) << "\n";
  else if (!testData.dirs.empty())
    printTestData(report);
  else
    printDataset(report);
  return code == Success ? 0 : 1;
}
