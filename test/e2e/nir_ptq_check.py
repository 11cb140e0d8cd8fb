"""Post-training quantization of NIR graphs (docs/spec.md §8.5): graphs with
odd shapes, written with h5py (test/Import/NIR/Inputs/make_nir.py's writer),
compiled with ``qsnn-compile --calibration-data`` for integer numerics. The
integer artifact's spikes must equal python/qsnn/nir_reference.py's integer
form (``run_integer``, with the alpha_u the compiler wrote to
calibration.json) bit for bit, and those alpha_u must equal the reference's
own calibration of the float model within 1e-5. A graph whose layers have
±α weights per channel must compile its spiking layer as a binary
(bit-packed) convolution.

    nir_ptq_check.py --compile qsnn-compile [--keep DIR]
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
sys.path.insert(0, os.path.join(HERE, "..", "Import", "NIR", "Inputs"))
from make_nir import io, write  # noqa: E402
from qsnn import nir_reference, runtime  # noqa: E402

F = np.float32
DT = 1e-3


def normal(g, *shape, scale=1.0):
    return (g.normal(size=shape) * scale).astype(F)


def per_channel(g, shape, low, high):
    """A per-neuron array uniform over each channel (dimension 0)."""
    values = low + (high - low) * g.random(shape[0])
    return np.broadcast_to(values.reshape([-1] + [1] * (len(shape) - 1)),
                           shape).astype(F)


def binary(g, *shape):
    alpha = (0.2 + g.random(shape[0])).astype(F)
    signs = np.where(g.random(shape) < 0.5, -1.0, 1.0).astype(F)
    return signs * alpha.reshape([-1] + [1] * (len(shape) - 1))


def conv_graph(g):
    """Conv2d (stride, padding, groups, 'same'), LIF with per-channel R and
    v_leak, SumPool2d with padding, AvgPool2d, Flatten, Affine."""
    nodes = {
        "in": io("Input", [2, 7, 9], "v1"),
        "c1": {"type": "Conv2d", "weight": normal(g, 3, 2, 3, 3, scale=0.8),
               "bias": normal(g, 3, scale=0.1), "stride": np.array([2, 1]),
               "padding": np.array([1, 0]), "dilation": np.array(1),
               "groups": np.array(1)},
        "lif1": {"type": "LIF", "tau": np.full((3, 4, 7), 0.004, F),
                 "r": per_channel(g, (3, 4, 7), 1.0, 2.0),
                 "v_leak": per_channel(g, (3, 4, 7), -0.05, 0.05),
                 "v_threshold": np.full((3, 4, 7), 0.3, F)},
        "sp": {"type": "SumPool2d", "kernel_size": np.array([2, 2]),
               "stride": np.array([2, 2]), "padding": np.array([1, 0])},
        "c2": {"type": "Conv2d", "weight": normal(g, 3, 1, 2, 2, scale=1.5),
               "bias": normal(g, 3, scale=0.1), "stride": np.array(1),
               "padding": "same", "dilation": np.array([1, 1]),
               "groups": np.array(3)},
        "if1": {"type": "IF", "r": np.full((3, 3, 3), 0.7, F),
                "v_threshold": np.full((3, 3, 3), 1.0, F)},
        "ap": {"type": "AvgPool2d", "kernel_size": np.array([1, 2]),
               "stride": np.array([1, 1]), "padding": np.array([0, 1])},
        "fl": {"type": "Flatten", "start_dim": np.array(0),
               "end_dim": np.array(-1)},
        "fc": {"type": "Affine", "weight": normal(g, 5, 36, scale=0.6),
               "bias": normal(g, 5, scale=0.1)},
        "lif2": {"type": "LIF", "tau": np.full(5, 0.01, F),
                 "r": (1 + g.random(5)).astype(F),
                 "v_leak": normal(g, 5, scale=0.02),
                 "v_threshold": np.full(5, 0.05, F)},
        "out": io("Output", [5], "v1"),
    }
    names = list(nodes)
    return nodes, list(zip(names[:-1], names[1:])), [2, 7, 9]


def fan_graph(g):
    """Linear, Scale on a current, a binary Affine, fan-out and fan-in of
    currents, two outputs, edges out of order."""
    nodes = {
        "in": io("Input", [13], "v1"),
        "lin": {"type": "Linear", "weight": normal(g, 6, 13, scale=0.5)},
        "sc": {"type": "Scale", "scale": (0.5 + g.random(6)).astype(F)},
        "if1": {"type": "IF", "r": np.full(6, 1.3, F),
                "v_threshold": np.array(0.9, F)},
        "bin": {"type": "Affine", "weight": binary(g, 7, 6),
                "bias": normal(g, 7, scale=0.1)},
        "skip": {"type": "Affine", "weight": normal(g, 7, 13, scale=0.3),
                 "bias": normal(g, 7, scale=0.1)},
        "lif": {"type": "LIF", "tau": np.array(0.005, F),
                "r": np.array(2.0, F), "v_leak": np.array(0.01, F),
                "v_threshold": np.array(0.4, F)},
        "out_a": io("Output", [7], "v1"),
        "out_b": io("Output", [6], "v1"),
    }
    edges = [("lif", "out_a"), ("in", "lin"), ("lin", "sc"), ("sc", "if1"),
             ("if1", "bin"), ("bin", "lif"), ("in", "skip"), ("skip", "lif"),
             ("if1", "out_b")]
    return nodes, edges, [13]


def binary_conv_graph(g):
    """A spiking conv layer with ±α weights per channel: compiled binary."""
    nodes = {
        "in": io("Input", [2, 6, 5], "v1"),
        "c1": {"type": "Conv2d", "weight": normal(g, 4, 2, 3, 3, scale=0.7),
               "bias": normal(g, 4, scale=0.1), "stride": np.array(1),
               "padding": np.array(1)},
        "if1": {"type": "IF", "r": np.array(1.0, F),
                "v_threshold": np.array(0.5, F)},
        "c2": {"type": "Conv2d", "weight": binary(g, 3, 4, 3, 3),
               "stride": np.array(1), "padding": np.array(1)},
        "if2": {"type": "IF", "r": np.array(1.0, F),
                "v_threshold": np.array(0.8, F)},
        "out": io("Output", [3, 6, 5], "v1"),
    }
    names = list(nodes)
    return nodes, list(zip(names[:-1], names[1:])), [2, 6, 5]


def write_frames(folder, frames_list):
    for i, frames in enumerate(frames_list):
        d = os.path.join(folder, "test_data_set_%d" % i)
        os.makedirs(d, exist_ok=True)
        tensor = numpy_helper.from_array(frames, "in")
        onnx.save_tensor(tensor, os.path.join(d, "input_0.pb"))


def check(name, graph_fn, seed, bits, tool, work, steps=11, batch=3):
    g = np.random.default_rng(seed)
    nodes, edges, shape = graph_fn(g)
    path = os.path.join(work, name + ".nir")
    write(path, nodes, edges)
    # Two calibration sets of 5 and 4 samples: the last chunk of each is
    # padded to the compiled batch.
    calibration = [g.integers(0, 3, size=[steps, s] + shape).astype(np.uint8)
                   for s in (5, 4)]
    calib_dir = os.path.join(work, name + "-calibration")
    write_frames(calib_dir, calibration)
    out = os.path.join(work, name)
    command = [tool, path, "--numerics", "integer", "--weight-bits", "8",
               "--membrane-bits", str(bits), "--calibration-data", calib_dir,
               "--dt", str(DT), "--time-steps", str(steps), "--batch",
               str(batch), "-q"]
    subprocess.run(command + ["-o", out], check=True)
    graph = nir_reference.read(path)
    with open(os.path.join(out, "calibration.json")) as f:
        alpha = json.load(f)["alpha_u"]
    expected_alpha = nir_reference.calibrate(graph, calibration, DT)
    ok = sorted(alpha) == sorted(expected_alpha)
    for node, value in sorted(alpha.items()):
        ref = expected_alpha.get(node, float("nan"))
        close = abs(value - ref) <= 1e-5 * max(1.0, abs(ref))
        print("%s: alpha_u %-5s %.9g (reference %.9g)%s" % (
            name, node, value, ref, "" if close else "  MISMATCH"))
        ok = ok and close
    frames = g.integers(0, 3, size=[steps, batch] + shape).astype(np.uint8)
    with runtime.Model(out) as artifact:
        names = [o["name"] for o in artifact.info["outputs"]]
        results = artifact.run(frames)
        results = results if isinstance(results, list) else [results]
    expected = nir_reference.run_integer(graph, frames, DT, bits, alpha)
    ok = ok and sorted(names) == sorted(expected)
    for key, value in zip(names, results):
        ref = expected[key]
        same = value.dtype == np.uint8 and np.array_equal(value, ref)
        print("%s: k=%d %-6s %s, %d of %d spikes" % (
            name, bits, key, "equal" if same else "DIFFERENT",
            int(np.sum(ref)), ref.size))
        ok = ok and same and 0 < np.sum(ref) < ref.size
    return ok, command


def check_binary_path(command, tool):
    """The ±α conv compiles to a bit-packed binary convolution."""
    ir = subprocess.run(command + ["--emit-mlir", "qsnn"], check=True,
                        capture_output=True, text=True).stdout
    convs = ir.count("qsnn.bconv2d"), ir.count("qsnn.iconv2d")
    print("binary graph: %d qsnn.bconv2d, %d qsnn.iconv2d" % convs)
    return convs == (1, 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compile", required=True)
    parser.add_argument("--keep")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="nir-ptq-")
    os.makedirs(work, exist_ok=True)
    ok = True
    for seed, bits in ((1, 8), (2, 4)):
        for label, fn in (("conv", conv_graph), ("fan", fan_graph)):
            passed, _ = check("%s%d" % (label, seed), fn, seed, bits,
                              args.compile, work)
            ok &= passed
    passed, command = check("binary", binary_conv_graph, 3, 8, args.compile,
                            work)
    ok &= passed and check_binary_path(command, args.compile)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
