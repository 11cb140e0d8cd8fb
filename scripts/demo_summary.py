#!/usr/bin/python3
"""Prints the summary of `make demo` from the files it wrote."""
import json
import os
import sys


def load(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def lines(path):
    with open(path) as f:
        return [int(x) for x in f.read().split()]


def main(out, seconds):
    metrics = [json.loads(l) for l in open(os.path.join(out, "train",
                                                          "metrics.jsonl"))]
    deployed = load(os.path.join(out, "cpu-dataset.json"))
    floating = load(os.path.join(out, "cpu-float-dataset.json"))
    vectors = load(os.path.join(out, "cpu-test-vectors.json"))
    manifest = load(os.path.join(out, "cpu", "model.json")) or {}
    dep_pred = lines(os.path.join(out, "cpu-predictions.txt"))
    flt_pred = lines(os.path.join(out, "cpu-float-predictions.txt"))
    agree = sum(a == b for a, b in zip(dep_pred, flt_pred)) / len(dep_pred)
    numerics = deployed["artifact"]["numerics"]

    print("\n==================== qsnn demo summary ====================")
    print("trained            %d epoch(s), %.0f s; LibTorch test accuracy %.2f%%"
          % (len(metrics), sum(m["seconds"] for m in metrics),
             100 * metrics[-1]["test_accuracy"]))
    print("float artifact     accuracy %.2f%% on %d test images"
          % (100 * floating["accuracy"], floating["samples"]))
    print("deployed (%s) accuracy %.2f%%; agrees with the float model on "
          "%.2f%% of images" % (numerics, 100 * deployed["accuracy"],
                                100 * agree))
    if vectors:
        status = "match" if vectors["passed"] else "MISMATCH"
        methods = sorted({o["method"] for t in vectors["test_data"]
                          for o in t["outputs"]})
        print("test vectors       %s (%s) on %d images"
              % (status, ", ".join(methods), vectors["test_data"][0]["batch"]))
    print("speed              %.0f images/s, %.2f ms per batch of %d "
          "(%s, one call at a time)"
          % (deployed["throughput_samples_per_s"],
             deployed["latency_ms_per_batch"], deployed["batch"],
             deployed["artifact"]["target_cpu"]))
    bench = load(os.path.join(out, "bench.json"))
    for result in (bench or {}).get("results", []):
        speed = result["images_per_s"]
        print("vs LibTorch        batch %d: %.0f images/s compiled, %.0f "
              "LibTorch float (%.2fx), %.0f LibTorch fake-quant (%.2fx)"
              % (result["batch"], speed["compiled"], speed["libtorch_float"],
                 result["ratio"]["compiled_over_libtorch_float"],
                 speed["libtorch_fake_quant"],
                 result["ratio"]["compiled_over_libtorch_fake_quant"]))
    model = (manifest.get("memory") or {}).get("model")
    if model:
        float_bytes = 4 * (model.get("weight_count") or 0)
        print("model size         %.1f kB of weights at their bit widths "
              "(binary %d B, int8 %d B, constants %d B)"
              % (model["weight_bytes"] / 1e3, model["binary_weight_bytes"],
                 model["int8_weight_bytes"], model["constant_bytes"]))
        print("memory plan        Table-2 figure %.1f kB (weights + %d "
              "membrane bits per sample); workspace %.1f kB"
              % (model["table2_bytes"] / 1e3,
                 model["membrane_bits_per_sample"],
                 manifest["memory"]["workspace_bytes"] / 1e3))
    print("peak RSS           %.1f MiB (qsnn-run)"
          % (deployed["peak_rss_bytes"] / 2**20))
    hls = os.path.join(out, "hls")
    csim = os.path.join(out, "hls-csim.txt")
    if os.path.exists(csim):
        print("HLS C simulation   " + open(csim).read().strip().splitlines()[-1])
    else:
        print("HLS C++            %s" % (hls if os.path.isdir(hls) else
                                         "not generated (see hls.log)"))
    print("outputs            %s/ (train, model, cpu, cpu-float, plots)" % out)
    print("wall time          %d s" % seconds)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
