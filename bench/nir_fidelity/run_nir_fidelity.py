#!/usr/bin/env python3
"""Fidelity of post-training quantization on the NIR paper's N-MNIST net
(docs/nir.md): conv 2->16 k5 s2 p1, IF, conv 16->16 k3 p1, IF, sum pool 2,
conv 16->8 k3 p1, IF, sum pool 2, flatten, affine 128->256, IF, affine
256->10, IF, with random weights written with h5py. The graph is compiled
twice, ``--numerics float`` and ``--numerics integer --weight-bits 8
--membrane-bits 8 --calibration-data`` (calibrated on streams disjoint from
the test streams), and both artifacts run on random event streams; the
prediction of a sample is the argmax of its output spike counts summed over
T (ties to the lowest index).

    run_nir_fidelity.py --compile qsnn-compile [--samples 512] [--json OUT]

Prints the agreement of per-sample predictions, also over the samples whose
float prediction is a unique maximum (not decided by a tie), and the
agreement of all output spikes.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "Import", "NIR",
                                "Inputs"))
from make_nir import io, write  # noqa: E402
from qsnn import runtime  # noqa: E402

F = np.float32


def layer(g, out, fan_in, shape, gain):
    """Weights N(0, gain^2 / fan_in) and a small random bias."""
    w = (g.normal(size=[out] + shape) * gain / np.sqrt(fan_in)).astype(F)
    return w, (0.05 * g.normal(size=out)).astype(F)


def if_node(shape):
    return {"type": "IF", "r": np.ones(shape, F),
            "v_threshold": np.ones(shape, F)}


def nmnist_graph(g, gain):
    nodes = {"input": io("Input", [2, 34, 34], "v1")}
    chain = [("conv1", 16, 2, 5, 2, [16, 16, 16]),
             ("conv2", 16, 16, 3, 1, [16, 16, 16]),
             ("pool1", None, None, None, None, None),
             ("conv3", 8, 16, 3, 1, [8, 8, 8]),
             ("pool2", None, None, None, None, None)]
    for name, out, cin, k, stride, shape in chain:
        if out is None:
            nodes[name] = {"type": "SumPool2d", "kernel_size": np.array([2, 2]),
                           "stride": np.array([2, 2]), "padding": np.array([0, 0])}
            continue
        w, b = layer(g, out, cin * k * k, [cin, k, k], gain)
        nodes[name] = {"type": "Conv2d", "weight": w, "bias": b,
                       "stride": np.array(stride), "padding": np.array(1),
                       "dilation": np.array(1), "groups": np.array(1)}
        nodes[name + "_if"] = if_node(shape)
    nodes["flatten"] = {"type": "Flatten", "start_dim": np.array(0),
                        "end_dim": np.array(-1)}
    w, b = layer(g, 256, 128, [128], gain)
    nodes["fc1"] = {"type": "Affine", "weight": w, "bias": b}
    nodes["fc1_if"] = if_node([256])
    w, b = layer(g, 10, 256, [256], gain)
    nodes["fc2"] = {"type": "Affine", "weight": w, "bias": b}
    nodes["fc2_if"] = if_node([10])
    nodes["output"] = io("Output", [10], "v1")
    names = list(nodes)
    return nodes, list(zip(names[:-1], names[1:]))


def streams(g, samples, steps, rate):
    """Random DVS-like event counts [T, S, 2, 34, 34]: per sample three
    Gaussian blobs of events at random places, sizes and polarities (so that
    samples differ as digits do), Bernoulli events at up to `rate` per
    pixel and step inside them."""
    yy, xx = np.mgrid[0:34, 0:34]
    density = np.zeros((samples, 2, 34, 34))
    for s in range(samples):
        for _ in range(3):
            cy, cx = g.uniform(4, 30, size=2)
            width = g.uniform(2, 7)
            blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * width ** 2))
            density[s, g.integers(0, 2)] += blob
    density = rate * np.minimum(density, 1.0)
    return (g.random((steps,) + density.shape) < density).astype(np.uint8)


def run(artifact_dir, frames, batch):
    outputs = []
    with runtime.Model(artifact_dir) as model:
        for first in range(0, frames.shape[1], batch):
            chunk = frames[:, first:first + batch]
            outputs.append(np.asarray(model.run(chunk), np.float64))
    return np.concatenate(outputs, axis=1)  # [T, S, 10]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compile", required=True)
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--calibration-samples", type=int, default=64)
    parser.add_argument("--time-steps", type=int, default=16)
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--gain", type=float, default=2.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--work-dir")
    parser.add_argument("--json")
    parser.add_argument("--min-agreement", type=float, default=0.0)
    args = parser.parse_args()
    work = args.work_dir or tempfile.mkdtemp(prefix="nir-fidelity-")
    os.makedirs(work, exist_ok=True)
    g = np.random.default_rng(args.seed)
    nodes, edges = nmnist_graph(g, args.gain)
    path = os.path.join(work, "nmnist.nir")
    write(path, nodes, edges)
    calib = os.path.join(work, "calibration", "test_data_set_0")
    os.makedirs(calib, exist_ok=True)
    onnx.save_tensor(numpy_helper.from_array(
        streams(g, args.calibration_samples, args.time_steps, args.rate),
        "input"), os.path.join(calib, "input_0.pb"))
    common = [args.compile, path, "--time-steps", str(args.time_steps),
              "--batch", str(args.batch), "-q"]
    subprocess.run(common + ["--numerics", "float", "-o",
                             os.path.join(work, "float")], check=True)
    subprocess.run(common + ["--numerics", "integer", "--weight-bits", "8",
                             "--membrane-bits", "8", "--calibration-data",
                             os.path.dirname(calib), "-o",
                             os.path.join(work, "integer")], check=True)
    frames = streams(g, args.samples, args.time_steps, args.rate)
    fl = run(os.path.join(work, "float"), frames, args.batch)
    it = run(os.path.join(work, "integer"), frames, args.batch)
    counts_f, counts_i = fl.sum(axis=0), it.sum(axis=0)
    pred_f, pred_i = counts_f.argmax(axis=1), counts_i.argmax(axis=1)
    unique = (counts_f == counts_f.max(axis=1, keepdims=True)).sum(axis=1) == 1
    result = {
        "samples": args.samples, "time_steps": args.time_steps,
        "event_rate": args.rate, "weight_gain": args.gain, "seed": args.seed,
        "agreement": float(np.mean(pred_f == pred_i)),
        "unique_float_maximum": int(unique.sum()),
        "agreement_unique": float(np.mean((pred_f == pred_i)[unique])),
        "output_spike_agreement": float(np.mean(fl == it)),
        "output_spikes_per_sample": float(fl.sum() / args.samples),
        "classes_predicted": int(len(np.unique(pred_f))),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return 0 if result["agreement"] >= args.min_agreement else 1


if __name__ == "__main__":
    sys.exit(main())
