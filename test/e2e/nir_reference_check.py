"""NIR graphs of every supported node type with odd shapes (docs/spec.md §8),
written with h5py (test/Import/NIR/Inputs/make_nir.py's writer), compiled
with ``qsnn-compile --numerics float`` and run on random event frames; the
numpy reference python/qsnn/nir_reference.py must give the same spike
trains exactly and float outputs and membranes within 1e-5 (relative to
max(1, |value|)).

    nir_reference_check.py --compile qsnn-compile [--keep DIR]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "Import", "NIR", "Inputs"))
from make_nir import io, write  # noqa: E402
from qsnn import nir_reference, runtime  # noqa: E402

F = np.float32
DT = 1e-3


def normal(g, *shape, scale=1.0):
    return (g.normal(size=shape) * scale).astype(F)


def conv_graph(g):
    """Conv2d (stride, padding, groups, 'same'), SumPool, AvgPool, Flatten,
    Affine, LIF, IF, CubaLIF."""
    nodes = {
        "in": io("Input", [2, 7, 9], "v1"),
        "c1": {"type": "Conv2d", "weight": normal(g, 3, 2, 3, 3, scale=0.8),
               "bias": normal(g, 3, scale=0.1), "stride": np.array([2, 1]),
               "padding": np.array([1, 0]), "dilation": np.array(1),
               "groups": np.array(1), "input_shape": np.array([7, 9])},
        "lif1": {"type": "LIF", "tau": np.full((3, 4, 7), 0.004, F),
                 "r": (1 + g.random((3, 4, 7))).astype(F),
                 "v_leak": normal(g, 3, 4, 7, scale=0.05),
                 "v_threshold": np.full((3, 4, 7), 0.3, F),
                 "v_reset": np.full((3, 4, 7), -0.05, F)},
        "sp": {"type": "SumPool2d", "kernel_size": np.array([2, 2]),
               "stride": np.array([2, 2]), "padding": np.array([0, 0])},
        "c2": {"type": "Conv2d", "weight": normal(g, 3, 1, 2, 2, scale=1.5),
               "bias": normal(g, 3, scale=0.1), "stride": np.array(1),
               "padding": "same", "dilation": np.array([1, 1]),
               "groups": np.array(3)},
        "if1": {"type": "IF", "r": np.full((3, 2, 3), 0.7, F),
                "v_threshold": np.full((3, 2, 3), 1.0, F)},
        "ap": {"type": "AvgPool2d", "kernel_size": np.array([1, 2]),
               "stride": np.array([1, 1]), "padding": np.array([0, 1])},
        "fl": {"type": "Flatten", "start_dim": np.array(0),
               "end_dim": np.array(-1), "input_type": np.array([3, 2, 4])},
        "fc": {"type": "Affine", "weight": normal(g, 5, 24, scale=0.6),
               "bias": normal(g, 5, scale=0.1)},
        "cuba": {"type": "CubaLIF", "tau_syn": np.full(5, 0.005, F),
                 "tau_mem": np.full(5, 0.01, F), "r": np.full(5, 2.0, F),
                 "v_leak": np.zeros(5, F), "v_threshold": np.full(5, 0.05, F),
                 "w_in": (0.5 + g.random(5)).astype(F)},
        "out": io("Output", [5], "v1"),
    }
    names = list(nodes)
    return nodes, list(zip(names[:-1], names[1:])), [2, 7, 9]


def integrator_graph(g):
    """Conv1d, Scale, LI, Integrator, Linear, Threshold; fan-out and fan-in,
    two outputs, edges out of order."""
    nodes = {
        "in": io("Input", [3, 11], "v1"),
        "c1d": {"type": "Conv1d", "weight": normal(g, 4, 3, 3),
                "bias": normal(g, 4, scale=0.1), "stride": np.array(2),
                "padding": np.array(1), "dilation": np.array(1),
                "groups": np.array(1), "input_shape": np.array(11)},
        "sc": {"type": "Scale", "scale": normal(g, 4, 6)},
        "li": {"type": "LI", "tau": np.full((4, 6), 0.003, F),
               "r": np.full((4, 6), 1.5, F),
               "v_leak": normal(g, 4, 6, scale=0.1)},
        "int": {"type": "I", "r": normal(g, 4, 6, scale=0.5)},
        "fl": {"type": "Flatten", "start_dim": np.array(0),
               "end_dim": np.array(1)},
        "lin": {"type": "Linear", "weight": normal(g, 7, 24, scale=0.5)},
        "fl_in": {"type": "Flatten", "start_dim": np.array(-2),
                  "end_dim": np.array(-1)},
        "skip": {"type": "Affine", "weight": normal(g, 7, 33, scale=0.3),
                 "bias": normal(g, 7, scale=0.1)},
        "th": {"type": "Threshold", "threshold": normal(g, 7, scale=0.2)},
        "out_spikes": io("Output", [7], "v1"),
        "out_v": io("Output", [4, 6], "v1"),
    }
    edges = [("th", "out_spikes"), ("in", "c1d"), ("c1d", "sc"), ("sc", "li"),
             ("li", "int"), ("int", "out_v"), ("li", "fl"), ("fl", "lin"),
             ("lin", "th"), ("in", "fl_in"), ("fl_in", "skip"),
             ("skip", "th")]
    return nodes, edges, [3, 11]


def check(name, graph_fn, seed, compile_tool, work, steps=13, batch=3):
    g = np.random.default_rng(seed)
    nodes, edges, shape = graph_fn(g)
    path = os.path.join(work, name + ".nir")
    write(path, nodes, edges)
    out = os.path.join(work, name)
    subprocess.run([compile_tool, path, "--numerics", "float", "--dt", str(DT),
                    "--time-steps", str(steps), "--batch", str(batch),
                    "--expose-membranes", "-q", "-o", out], check=True)
    frames = g.integers(0, 3, size=[steps, batch] + shape).astype(np.uint8)
    with runtime.Model(out) as artifact:
        names = [o["name"] for o in artifact.info["outputs"]]
        results = artifact.run(frames)
        results = results if isinstance(results, list) else [results]
    outputs, membranes = nir_reference.run(nir_reference.read(path), frames,
                                           DT)
    expected = dict(outputs)
    expected.update({"membrane:" + k: v for k, v in membranes.items()})
    ok = sorted(names) == sorted(expected)
    for key, value in zip(names, results):
        ref = expected.get(key)
        if ref is None or ref.shape != value.shape:
            print("%s: output %s: shape %s, reference %s" % (
                name, key, value.shape, None if ref is None else ref.shape))
            ok = False
            continue
        spiking = set(np.unique(ref).tolist()) <= {0.0, 1.0} and \
            not key.startswith("membrane:")
        error = float(np.max(np.abs(value - ref) / np.maximum(1, np.abs(ref))))
        same = np.array_equal(value, ref) if spiking else error <= 1e-5
        print("%s: %-16s %s %s, %d spikes" % (
            name, key, "spikes" if spiking else "float ",
            "equal" if np.array_equal(value, ref) else
            "largest relative error %.2g" % error,
            int(np.sum(ref)) if spiking else -1))
        ok = ok and same
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compile", required=True)
    parser.add_argument("--keep")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="nir-reference-")
    os.makedirs(work, exist_ok=True)
    ok = True
    for seed in (1, 2):
        ok &= check("conv%d" % seed, conv_graph, seed, args.compile, work)
        ok &= check("integrator%d" % seed, integrator_graph, seed,
                    args.compile, work)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
