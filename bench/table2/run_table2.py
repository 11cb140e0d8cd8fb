#!/usr/bin/python3
"""Reproduce Table 2 of the Q-SNN paper (memory footprint) with qsnn.

For ResNet19 (3x32x32, T=2), VGG16 (3x32x32, T=4) and VGGSNN (2x48x48
events, T=10) with random weights at 1w-8u, 1w-4u and 1w-2u:

  qsnn-train fit (one step on a few synthetic samples in the real data-set
  format) -> qsnn-train export -> qsnn-compile --target cpu --batch B
  for B in 1, 64, 256 -> model.json

and prints, per cell, the paper's figure beside model.json's
`memory.model.paper_table2_bytes` (the paper's convention) and
`memory.model.table2_bytes` (the deployed integer model's convention), the
same formula evaluated by hand from the architecture, and the full plan
(weights, membranes, activations, scratch, workspace). docs/table2.md
explains the conventions and records a run.

    /usr/bin/python3 bench/table2/run_table2.py [--json out.json]

Exit status: 0 when every required check passes (each ResNet19 cell within
5 % of the paper, each model's weights within 3 % of the hand count), 1
otherwise, 2 on a usage or tool error.
"""

import argparse
import datetime
import json
import math
import os
import platform
import random
import shutil
import struct
import subprocess
import sys
import time

MB = 1e6  # The paper's unit: its figures fit 10^6 bytes, not 2^20 (table2.md).

#: Table 2 of the paper: MB at batch 1 / 64 / 256 for each bit width.
PAPER = {
    "resnet19": {"32w-32u": (50.80, 83.83, 184.49),
                 "1w-8u": (1.75, 10.0, 35.17),
                 "1w-4u": (1.68, 5.81, 18.40),
                 "1w-2u": (1.65, 3.72, 10.01)},
    "vgg16": {"32w-32u": (59.16, 75.67, 126.01),
              "1w-8u": (1.96, 6.09, 18.67),
              "1w-4u": (1.93, 3.99, 10.28),
              "1w-2u": (1.91, 2.94, 6.09)},
    "vggsnn": {"32w-32u": (37.44, 70.47, 171.13),
               "1w-8u": (1.31, 9.57, 34.74),
               "1w-4u": (1.25, 5.38, 17.96),
               "1w-2u": (1.21, 3.28, 9.57)},
}
PAPER_BATCHES = (1, 64, 256)

#: The models: trainer architecture, data set, input and T (docs/spec.md §2.10).
MODELS = {
    "resnet19": {"arch": "resnet19", "paper": "resnet19", "dataset": "cifar10",
                 "input": (3, 32, 32), "T": 2, "classes": 10},
    "vgg16": {"arch": "vgg16", "paper": "vgg16", "dataset": "cifar10",
              "input": (3, 32, 32), "T": 4, "classes": 10},
    "vggsnn": {"arch": "vggsnn", "paper": "vggsnn", "dataset": "cifar10-dvs",
               "input": (2, 48, 48), "T": 10, "classes": 10},
    # Not in the default set: the input size the paper's VGGSNN column
    # implies for its membranes (128 x 32 x 32 per sample, table2.md).
    "vggsnn32": {"arch": "vggsnn", "paper": "vggsnn", "dataset": "cifar10-dvs",
                 "input": (2, 32, 32), "T": 10, "classes": 10},
}
DEFAULT_MODELS = ("resnet19", "vgg16", "vggsnn")

TOLERANCE_TABLE2 = 0.05  # ResNet19 cells against the paper
TOLERANCE_WEIGHTS = 0.03  # model weights against the hand count


class ToolError(Exception):
    pass


# --------------------------------------------------------------------------
# The paper's formula by hand, from the architectures of docs/train.md.
# --------------------------------------------------------------------------

def architecture(arch, input_shape, classes):
    """Synaptic layers as dicts (weights, quant, bn_channels, bias) and the
    neurons per sample of every LIF layer."""
    channels, height, width = input_shape
    layers, lifs = [], []
    state = {"c": channels, "h": height, "w": width, "first": True}

    def conv(out, kernel=3, stride=1, lif=True, bn=True):
        quant = "int8" if state["first"] else "binary"
        state["first"] = False
        layers.append({"weights": state["c"] * out * kernel * kernel,
                       "quant": quant, "bn_channels": out if bn else 0,
                       "bias": 0})
        return out

    def spatial(stride):
        state["h"] = (state["h"] - 1) // stride + 1
        state["w"] = (state["w"] - 1) // stride + 1

    def plain_conv(out):
        conv(out)
        state["c"] = out
        lifs.append(out * state["h"] * state["w"])

    def pool():
        state["h"] //= 2
        state["w"] //= 2

    def block(out, stride):
        cin = state["c"]
        conv(out, stride=stride)           # conv1 + BN + LIF
        spatial(stride)
        state["c"] = out
        lifs.append(out * state["h"] * state["w"])
        conv(out)                          # conv2 + BN (LIF after the add)
        if stride != 1 or cin != out:      # shortcut: 1x1 conv + BN
            saved = state["c"]
            state["c"] = cin
            conv(out, kernel=1)
            state["c"] = saved
        lifs.append(out * state["h"] * state["w"])

    pool_mark = -1
    if arch == "resnet19":
        plain_conv(128)
        for width_, blocks, stride in ((128, 3, 1), (256, 3, 2), (512, 2, 2)):
            for i in range(blocks):
                block(width_, stride if i == 0 else 1)
        state["h"] = state["w"] = 1  # global average pool
    else:
        plan = {"vggsnn": [64, 128, pool_mark, 256, 256, pool_mark, 512, 512,
                           pool_mark, 512, 512, pool_mark],
                "vgg16": [64, 64, pool_mark, 128, 128, pool_mark, 256, 256,
                          256, pool_mark, 512, 512, 512, pool_mark, 512, 512,
                          512, pool_mark]}[arch]
        for item in plan:
            pool() if item == pool_mark else plain_conv(item)
    features = state["c"] * state["h"] * state["w"]
    layers.append({"weights": features * classes, "quant": "int8",
                   "bn_channels": 0, "bias": classes})
    return layers, lifs


def hand_count(arch, input_shape, classes):
    """The paper's Table 2 formula for our architecture (bytes)."""
    layers, lifs = architecture(arch, input_shape, classes)
    binary = sum(l["weights"] for l in layers if l["quant"] == "binary")
    int8 = sum(l["weights"] for l in layers if l["quant"] == "int8")
    params32 = sum(2 * l["bn_channels"] + l["bias"] for l in layers)
    return {
        "weight_count": binary + int8,
        "binary_weights": binary,
        "int8_weights": int8,
        "float32_parameters": params32,  # BN gamma, beta; classifier bias
        "quantized_weight_bytes": math.ceil(binary / 8) + int8 + 4 * params32,
        "float_weight_bytes": 4 * (binary + int8 + params32),
        "peak_neurons": max(lifs),
    }


def hand_table2(count, bits, batch):
    """Bytes of the paper's Table 2 cell: `bits` = 'k' or 32 (32w-32u)."""
    if bits == 32:
        return count["float_weight_bytes"] + 4 * count["peak_neurons"] * batch
    return (count["quantized_weight_bytes"]
            + math.ceil(count["peak_neurons"] * bits * batch / 8))


# --------------------------------------------------------------------------
# Synthetic data in the real formats (random pixels / events; the weights
# are random anyway, the data only has to load).
# --------------------------------------------------------------------------

def write_cifar10(directory, records=4, seed=0):
    """CIFAR-10 binary version: 1 label byte + 3072 pixel bytes per record."""
    rng = random.Random(seed)
    os.makedirs(directory, exist_ok=True)
    names = ["data_batch_%d.bin" % i for i in range(1, 6)] + ["test_batch.bin"]
    for name in names:
        with open(os.path.join(directory, name), "wb") as f:
            for _ in range(records):
                f.write(bytes([rng.randrange(10)]))
                f.write(bytes(rng.randrange(256) for _ in range(3072)))


def write_cifar10_dvs(directory, files_per_class=2, events=3000, seed=0):
    """CIFAR10-DVS: a folder per class of AEDAT 2.0 recordings (header
    lines, then big-endian uint32 address + uint32 timestamp in us)."""
    rng = random.Random(seed)
    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
               "horse", "ship", "truck"]
    for name in classes:
        folder = os.path.join(directory, name)
        os.makedirs(folder, exist_ok=True)
        for index in range(files_per_class):
            stamps = sorted(rng.randrange(1000000) for _ in range(events))
            with open(os.path.join(folder, "cifar10_%s_%d.aedat"
                                   % (name, index)), "wb") as f:
                f.write(b"#!AER-DAT2.0\r\n# synthetic (qsnn bench/table2)\r\n")
                for stamp in stamps:
                    address = (rng.randrange(128) << 8 | rng.randrange(128) << 1
                               | rng.randrange(2))
                    f.write(struct.pack(">II", address, stamp))


def ensure_data(dataset, work):
    directory = os.path.join(work, "data", dataset)
    marker = os.path.join(directory, ".complete")
    if not os.path.exists(marker):
        shutil.rmtree(directory, ignore_errors=True)
        if dataset == "cifar10":
            write_cifar10(directory)
        elif dataset == "cifar10-dvs":
            write_cifar10_dvs(directory)
        else:
            raise ToolError("no synthetic writer for %s" % dataset)
        open(marker, "w").close()
    return directory


# --------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------

def run(command, log):
    start = time.time()
    with open(log, "w") as out:
        out.write("$ " + " ".join(command) + "\n")
        out.flush()
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        with open(log) as f:
            tail = f.read()[-2000:]
        raise ToolError("%s failed (exit %d), log %s:\n%s"
                        % (os.path.basename(command[0]), result.returncode, log,
                           tail))
    return time.time() - start


def trainer_supports(train, option):
    result = subprocess.run([train, "fit", "--help"], capture_output=True,
                            text=True)
    return option in result.stdout + result.stderr


def make_model(args, key, k, weight_bits=None):
    """Trains one step and exports; returns the model directory."""
    spec = MODELS[key]
    name = "%s-%s" % (key, "32w-32u" if weight_bits == 32 else "1w-%du" % k)
    root = os.path.join(args.work_dir, name)
    model_dir = os.path.join(root, "model")
    if os.path.exists(os.path.join(model_dir, "model.onnx")) and args.reuse:
        return name, model_dir
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    data = ensure_data(spec["dataset"], args.work_dir)
    fit = [args.train, "fit", "--dataset", spec["dataset"], "--data-dir", data,
           "--arch", spec["arch"], "--time-steps", str(spec["T"]),
           "--membrane-bits", str(k), "--epochs", "1", "--batch-size", "2",
           "--limit-train", "2", "--limit-test", "2", "--threads",
           str(args.threads), "--seed", "0", "--output",
           os.path.join(root, "run")]
    if spec["dataset"] != "cifar10":
        fit += ["--event-size", str(spec["input"][1])]
    if weight_bits is not None:
        fit += ["--weight-bits", str(weight_bits)]
    run(fit, os.path.join(root, "fit.log"))
    export = [args.train, "export", os.path.join(root, "run", "checkpoint.pt"),
              "-o", model_dir, "--test-vectors", "2", "--data-dir", data]
    run(export, os.path.join(root, "export.log"))
    return name, model_dir


def compile_model(args, name, model_dir, batch):
    out = os.path.join(args.work_dir, name, "b%d" % batch)
    shutil.rmtree(out, ignore_errors=True)
    seconds = run([args.compile, os.path.join(model_dir, "model.onnx"),
                   "--target", "cpu", "--batch", str(batch), "--quiet",
                   "-o", out], out + ".log")
    with open(os.path.join(out, "model.json")) as f:
        manifest = json.load(f)
    if not args.keep_artifacts:
        for artifact in ("model.so", "model.o"):
            path = os.path.join(out, artifact)
            if os.path.exists(path):
                os.remove(path)
    return manifest, seconds


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "logical_cpus": os.cpu_count(),
            "system": platform.platform()}


def mb(value):
    return "%.2f" % (value / MB) if value is not None else "-"


def pct(ratio):
    return "%+.2f%%" % ((ratio - 1) * 100) if ratio is not None else "-"


def cell_row(entry):
    memory = entry["memory"]
    model = memory["model"]
    return [entry["bits"], str(entry["batch"]), "%.2f" % entry["paper_mb"],
            mb(entry["hand_bytes"]), mb(entry["paper_table2_bytes"]),
            pct(entry["ratio_paper"]), mb(model["table2_bytes"]),
            pct(entry["ratio_deployed"]), mb(model.get("weight_bytes")),
            mb(model.get("membrane_bytes")), mb(memory["activation_bytes"]),
            mb(memory["scratch_bytes"]), mb(memory["workspace_bytes"]),
            mb(memory["weight_bytes"]), "%.1f" % entry["compile_seconds"]]


HEADER = ["bits", "batch", "paper", "formula", "ours(paper)", "vs paper",
          "ours(deployed)", "vs paper", "weights", "membranes", "activations",
          "scratch", "workspace", ".so weights", "compile s"]


def print_table(rows):
    widths = [max(len(str(r[i])) for r in [HEADER] + rows)
              for i in range(len(HEADER))]
    for row in [HEADER] + rows:
        print("  " + "  ".join(str(c).rjust(w) for c, w in zip(row, widths)))


def main():
    parser = argparse.ArgumentParser(
        description="Reproduce Table 2 of the Q-SNN paper (docs/table2.md).")
    # The build tree of this checkout unless told otherwise.
    source = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    build = os.environ.get("QSNN_BUILD_DIR", os.path.join(source, "build"))
    parser.add_argument("--train", default=os.path.join(build, "bin",
                                                        "qsnn-train"))
    parser.add_argument("--compile", default=os.path.join(build, "bin",
                                                          "qsnn-compile"))
    parser.add_argument("--work-dir", default="/tmp/qsnn-table2",
                        help="models, artifacts and logs (default %(default)s)")
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS),
                        help="comma-separated subset of %s (default "
                             "%%(default)s)" % ",".join(MODELS))
    parser.add_argument("--bits", default="8,4,2",
                        help="membrane bits k (default %(default)s)")
    parser.add_argument("--batches", default="1,64,256",
                        help="compiled batch sizes (default %(default)s)")
    parser.add_argument("--float-baseline", choices=("auto", "on", "off"),
                        default="auto",
                        help="also compile a 32w-32u model (needs "
                             "qsnn-train --weight-bits; auto: when available)")
    parser.add_argument("--threads", type=int, default=1,
                        help="qsnn-train threads (default %(default)s)")
    parser.add_argument("--json", help="write the results as JSON here")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse exported models found in --work-dir")
    parser.add_argument("--keep-artifacts", action="store_true",
                        help="keep model.so/model.o (removed by default)")
    parser.add_argument("--require", default="table2,weights,artifact",
                        help="checks that set the exit status: table2 "
                             "(ResNet19 cells within 5%%), weights "
                             "(paper_weight_bytes within 3%% of the hand "
                             "count), artifact (the .so's weight bytes within "
                             "3%%); default %(default)s")
    args = parser.parse_args()

    require = set(r for r in args.require.split(",") if r)
    if require - {"table2", "weights", "artifact"}:
        parser.error("--require: unknown check(s) %s"
                     % ", ".join(sorted(require - {"table2", "weights",
                                                   "artifact"})))
    try:
        models = [m for m in args.models.split(",") if m]
        bits = [int(b) for b in args.bits.split(",") if b]
        batches = [int(b) for b in args.batches.split(",") if b]
    except ValueError as err:
        parser.error(str(err))
    for model in models:
        if model not in MODELS:
            parser.error("unknown model %r (known: %s)"
                         % (model, ", ".join(MODELS)))
    for k in bits:
        if k not in (2, 4, 8):
            parser.error("--bits: k must be 2, 4 or 8")
    for tool in (args.train, args.compile):
        if not os.access(tool, os.X_OK):
            print("run_table2: %s: not an executable" % tool, file=sys.stderr)
            return 2
    os.makedirs(args.work_dir, exist_ok=True)
    float_baseline = args.float_baseline == "on" or (
        args.float_baseline == "auto"
        and trainer_supports(args.train, "--weight-bits"))

    started = datetime.datetime.now(datetime.timezone.utc)
    report = {"tool": "bench/table2/run_table2.py",
              "date": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "command": " ".join([os.path.basename(sys.executable)]
                                  + sys.argv),
              "machine": machine(),
              "binaries": {}, "unit": "MB = 10^6 bytes",
              "paper": PAPER, "cells": [], "weight_checks": [], "checks": []}
    for tool in (args.train, args.compile):
        report["binaries"][os.path.basename(tool)] = {
            "path": tool, "mtime": datetime.datetime.fromtimestamp(
                os.path.getmtime(tool), datetime.timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%SZ")}
    failed = False

    try:
        for key in models:
            spec = MODELS[key]
            paper = PAPER[spec["paper"]]
            count = hand_count(spec["arch"], spec["input"], spec["classes"])
            variants = [(k, None) for k in bits]
            if float_baseline:
                variants.append((32, 32))
            rows = []
            print("\n%s (%s, input %s, T=%d): %d weights, peak %d neurons "
                  "per sample" % (key, spec["arch"], "x".join(
                      map(str, spec["input"])), spec["T"],
                      count["weight_count"], count["peak_neurons"]))
            for k, weight_bits in variants:
                label = "32w-32u" if weight_bits == 32 else "1w-%du" % k
                name, model_dir = make_model(args, key, k, weight_bits)
                for batch in batches:
                    manifest, seconds = compile_model(args, name, model_dir,
                                                      batch)
                    memory = manifest["memory"]
                    model = memory["model"]
                    if "paper_table2_bytes" not in model:
                        raise ToolError(
                            "%s: model.json has no memory.model."
                            "paper_table2_bytes (qsnn-compile older than "
                            "this script?)" % args.compile)
                    paper_mb = (paper[label][PAPER_BATCHES.index(batch)]
                                if batch in PAPER_BATCHES else None)
                    hand = hand_table2(count, 32 if weight_bits else k, batch)
                    entry = {
                        "model": key, "arch": spec["arch"],
                        "input": list(spec["input"]), "T": spec["T"],
                        "bits": label, "batch": batch, "paper_mb": paper_mb,
                        "hand_bytes": hand,
                        "paper_table2_bytes": model["paper_table2_bytes"],
                        "ratio_paper": (model["paper_table2_bytes"]
                                        / (paper_mb * MB) if paper_mb
                                        else None),
                        "ratio_deployed": (model["table2_bytes"]
                                           / (paper_mb * MB) if paper_mb
                                           else None),
                        "ratio_hand": model["paper_table2_bytes"] / hand,
                        "numerics": manifest.get("numerics"),
                        "compile_seconds": round(seconds, 2),
                        "memory": memory}
                    report["cells"].append(entry)
                    if paper_mb is not None:
                        rows.append(cell_row(entry))
                    if model["membrane_count"] != count["peak_neurons"] * batch:
                        print("  note: %s b=%d: %d membranes in model.json, "
                              "%d by hand" % (label, batch,
                                              model["membrane_count"],
                                              count["peak_neurons"] * batch))
                    if key == "resnet19" and paper_mb is not None:
                        ok = abs(entry["ratio_paper"] - 1) <= TOLERANCE_TABLE2
                        ok_deployed = abs(entry["ratio_deployed"] - 1) \
                            <= TOLERANCE_TABLE2
                        failed |= "table2" in require and not ok
                        report["checks"].append({
                            "check": "resnet19 within 5%", "bits": label,
                            "batch": batch, "paper_mb": paper_mb,
                            "paper_table2_bytes": model["paper_table2_bytes"],
                            "table2_bytes": model["table2_bytes"],
                            "pass": ok, "deployed_pass": ok_deployed})
                # Weights against the hand count (once per model variant).
                reference = (count["float_weight_bytes"] if weight_bits
                             else count["quantized_weight_bytes"])
                weights = {"model": key, "bits": label,
                           "reference_bytes": reference,
                           "paper_weight_bytes": model["paper_weight_bytes"],
                           "weight_bytes": model["weight_bytes"],
                           "artifact_rodata_bytes": memory["weight_bytes"]}
                for field in ("paper_weight_bytes", "weight_bytes",
                              "artifact_rodata_bytes"):
                    weights[field + "_ratio"] = weights[field] / reference
                weights["pass"] = abs(weights["paper_weight_bytes_ratio"]
                                      - 1) <= TOLERANCE_WEIGHTS
                weights["artifact_pass"] = abs(
                    weights["artifact_rodata_bytes_ratio"] - 1) \
                    <= TOLERANCE_WEIGHTS
                failed |= "weights" in require and not weights["pass"]
                failed |= "artifact" in require and not weights["artifact_pass"]
                report["weight_checks"].append(weights)
            print_table(rows)
            if not float_baseline:
                # The 32w-32u column by the formula (no float-weight model).
                fp32 = [hand_table2(count, 32, b) for b in PAPER_BATCHES]
                report["formula_32w_32u"] = report.get("formula_32w_32u", {})
                report["formula_32w_32u"][key] = fp32
                print("  32w-32u by the formula (not compiled): " + ", ".join(
                    "batch %d %.2f (paper %.2f, %s)"
                    % (b, v / MB, paper["32w-32u"][i],
                       pct(v / (paper["32w-32u"][i] * MB)))
                    for i, (b, v) in enumerate(zip(PAPER_BATCHES, fp32))))
    except ToolError as err:
        print("run_table2: %s" % err, file=sys.stderr)
        return 2

    print("\nMB = 10^6 bytes. paper: Table 2. formula: the paper's formula "
          "evaluated by hand for our architecture. ours(paper): model.json "
          "memory.model.paper_table2_bytes; ours(deployed): table2_bytes "
          "(i64 per-channel constants). weights/membranes: memory.model "
          "(deployed convention); activations/scratch/workspace: the CPU "
          "workspace plan; .so weights: the artifact's read-only weights.")

    print("\nWeights (bytes) against the hand count (1-bit hidden + 8-bit "
          "first/last + 32-bit BN gamma/beta and classifier bias; 32w-32u: "
          "all 32-bit):")
    for w in report["weight_checks"]:
        print("  %-9s %-8s hand %10d  paper_weight_bytes %10d (%s) %s  "
              "weight_bytes %10d (%s)  .so weights %10d (%s) %s"
              % (w["model"], w["bits"], w["reference_bytes"],
                 w["paper_weight_bytes"], pct(w["paper_weight_bytes_ratio"]),
                 "PASS" if w["pass"] else "FAIL", w["weight_bytes"],
                 pct(w["weight_bytes_ratio"]), w["artifact_rodata_bytes"],
                 pct(w["artifact_rodata_bytes_ratio"]),
                 "PASS" if w["artifact_pass"] else "FAIL"))

    if report["checks"]:
        print("\nResNet19 against the paper's Table 2 (tolerance 5%):")
        for c in report["checks"]:
            print("  ResNet19 %-8s batch %3d within 5%%: %s  (paper %.2f MB, "
                  "ours %.4f MB %s; deployed convention %.4f MB %s %s)"
                  % (c["bits"], c["batch"], "PASS" if c["pass"] else "FAIL",
                     c["paper_mb"], c["paper_table2_bytes"] / MB,
                     pct(c["paper_table2_bytes"] / (c["paper_mb"] * MB)),
                     c["table2_bytes"] / MB,
                     pct(c["table2_bytes"] / (c["paper_mb"] * MB)),
                     "PASS" if c["deployed_pass"] else "FAIL"))

    report["pass"] = not failed
    report["seconds"] = round(time.time() - started.timestamp(), 1)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")
        print("\nwrote %s" % args.json)
    print("\n%s in %.0f s" % ("PASS" if not failed else "FAIL",
                              report["seconds"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
