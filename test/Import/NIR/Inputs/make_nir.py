#!/usr/bin/env python3
"""Writes NIR graphs as HDF5 files with h5py, following the layout of the
`nir` package (neuromorphs/NIR nir/serialization.py) without using it or
qsnn: the tests of the NIR importer read these files.

    make_nir.py CASE OUT.nir      one graph (CASE from the table below)
    make_nir.py --list            the case names

`damaged-heap` is `lif-v1` with the first object of its global heap (the
variable-length strings) claiming 1 GiB: HDF5 1.10 copies that many bytes
out of the 4 KiB heap (the importer must contain the crash).

Layouts: `v0` is file version 0.1 (Input/Output `shape`, `type` as bytes,
edges as byte strings); `v1` is 1.x (str `type`, fixed-length edge
strings, Input/Output `input_type`/`output_type` groups)."""
import sys

import h5py
import numpy as np

F = np.float32


def write(path, nodes, edges, version="1.0.0", layout="v1", compression="gzip"):
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data=version, dtype=h5py.string_dtype())
        top = f.create_group("node")
        top.create_dataset("type", data=b"NIRGraph")
        group = top.create_group("nodes")
        for name, params in nodes.items():
            g = group.create_group(name)
            for key, value in params.items():
                if key == "type" and value is not None:
                    if layout == "v0":
                        g.create_dataset("type", data=value.encode())
                    else:
                        g.create_dataset("type", data=value,
                                         dtype=h5py.string_dtype())
                elif isinstance(value, dict):
                    sub = g.create_group(key)
                    for k, v in value.items():
                        sub.create_dataset(k, data=v)
                elif isinstance(value, str):
                    g.create_dataset(key, data=value, dtype=h5py.string_dtype())
                elif value is not None:
                    scalar = np.ndim(value) == 0  # HDF5 filters need chunks
                    g.create_dataset(key, data=value,
                                     compression=None if scalar else compression)
        if layout == "v0":
            data = np.array([[a.encode(), b.encode()] for a, b in edges],
                            dtype=object)
            top.create_dataset("edges", data=data,
                               dtype=h5py.string_dtype())
        else:
            width = max([len(x) for e in edges for x in e] + [1])
            top.create_dataset("edges", data=np.array(edges, dtype="S%d" % width)
                               if edges else np.zeros((0, 2), "S1"))


def io(kind, shape, layout):
    shape = np.array(shape, dtype=np.int64)
    if layout == "v0":
        return {"type": kind, "shape": shape}
    key = "input_type" if kind == "Input" else "output_type"
    return {"type": kind, key: {key.split("_")[0]: shape}}


def lif(n, tau=0.0025, r=1.0, v_leak=0.0, thr=0.1, v_reset=None):
    p = {"type": "LIF", "tau": np.full(n, tau, F), "r": np.full(n, r, F),
         "v_leak": np.full(n, v_leak, F), "v_threshold": np.full(n, thr, F)}
    if v_reset is not None:
        p["v_reset"] = np.full(n, v_reset, F)
    return p


def chain(names_nodes, layout="v1", version="1.0.0"):
    """A sequential graph of (name, params) pairs."""
    nodes = dict(names_nodes)
    names = [n for n, _ in names_nodes]
    return nodes, list(zip(names[:-1], names[1:])), layout, version


def rng(seed):
    return np.random.default_rng(seed)


def case_lif_v0():
    w = np.array([[1.0]], F)
    return chain([("input", io("Input", [1], "v0")),
                  ("0", {"type": "Affine", "weight": w, "bias": np.zeros(1, F)}),
                  ("1", lif(1)), ("output", io("Output", [1], "v0"))],
                 layout="v0", version="0.1.1")


def case_lif_v1():
    g = rng(1)
    return chain([("in", io("Input", [3], "v1")),
                  ("fc", {"type": "Affine",
                          "weight": g.normal(size=(5, 3)).astype(F),
                          "bias": g.normal(size=5).astype(F)}),
                  ("lif", lif(5, tau=0.02, r=2.0, v_leak=0.1, thr=0.5,
                              v_reset=-0.1)),
                  ("out", io("Output", [5], "v1"))])


def case_fan():
    """Fan-out from the input to two Linear layers, fan-in into one IF."""
    g = rng(2)
    nodes = {"in": io("Input", [4], "v1"),
             "a": {"type": "Linear", "weight": g.normal(size=(3, 4)).astype(F)},
             "b": {"type": "Linear", "weight": g.normal(size=(3, 4)).astype(F)},
             "if": {"type": "IF", "r": np.full(3, 0.5, F),
                    "v_threshold": np.ones(3, F)},
             "out": io("Output", [3], "v1")}
    edges = [("b", "if"), ("in", "a"), ("if", "out"), ("a", "if"), ("in", "b")]
    return nodes, edges, "v1", "1.0.0"


def case_missing_type():
    nodes, edges, layout, version = case_lif_v1()
    nodes["lif"] = {k: v for k, v in nodes["lif"].items() if k != "type"}
    return nodes, edges, layout, version


def case_unknown_type():
    nodes, edges, layout, version = case_lif_v1()
    nodes["lif"]["type"] = "Izhikevich"
    return nodes, edges, layout, version


def case_shape_mismatch():
    nodes, edges, layout, version = case_lif_v1()
    nodes["lif"] = lif(4)
    return nodes, edges, layout, version


def case_affine_mismatch():
    nodes, edges, layout, version = case_lif_v1()
    nodes["in"] = io("Input", [2], "v1")
    return nodes, edges, layout, version


def case_cycle():
    nodes, edges, layout, version = case_lif_v1()
    return nodes, edges + [("lif", "fc")], layout, version


def case_tau_zero():
    nodes, edges, layout, version = case_lif_v1()
    nodes["lif"] = lif(5, tau=0.0)
    return nodes, edges, layout, version


def case_tau_negative():
    nodes, edges, layout, version = case_lif_v1()
    nodes["lif"] = lif(5, tau=-0.5)
    return nodes, edges, layout, version


def case_unknown_edge():
    nodes, edges, layout, version = case_lif_v1()
    return nodes, edges + [("lif", "readout")], layout, version


def case_fan_in_mismatch():
    nodes, edges, layout, version = case_fan()
    nodes["b"]["weight"] = np.ones((2, 4), F)
    return nodes, edges, layout, version


def case_delay():
    nodes, edges, layout, version = case_lif_v1()
    nodes["lif"] = {"type": "Delay", "delay": np.ones(5, F)}
    return nodes, edges, layout, version


def case_li():
    """An LI readout: no integer form."""
    nodes, edges, layout, version = case_lif_v1()
    nodes["lif"] = {"type": "LI", "tau": np.full(5, 0.02, F),
                    "r": np.full(5, 2.0, F), "v_leak": np.zeros(5, F)}
    return nodes, edges, layout, version


def case_r_per_position():
    """A Conv2d feeding an IF whose R differs within a channel."""
    g = rng(3)
    r = np.ones((2, 2, 2), F)
    r[0, 1, 1] = 2.0
    return chain([("in", io("Input", [1, 3, 3], "v1")),
                  ("conv", {"type": "Conv2d",
                            "weight": g.normal(size=(2, 1, 2, 2)).astype(F),
                            "bias": np.zeros(2, F)}),
                  ("if", {"type": "IF", "r": r,
                          "v_threshold": np.ones((2, 2, 2), F)}),
                  ("out", io("Output", [2, 2, 2], "v1"))])


def damage_global_heap(path):
    """Sets the size of the first object in the file's first global heap
    collection ("GCOL": signature, version, 3 reserved, u64 size; then
    objects: u16 index, u16 references, 4 reserved, u64 size, data)."""
    with open(path, "r+b") as f:
        data = f.read()
        at = data.find(b"GCOL")
        assert at >= 0, "no global heap in " + path
        f.seek(at + 16 + 8)
        f.write((1 << 30).to_bytes(8, "little"))


# Cases written as another case and then damaged at the byte level.
DAMAGED = {"damaged-heap": ("lif-v1", damage_global_heap)}

CASES = {name[5:].replace("_", "-"): fn
         for name, fn in globals().items() if name.startswith("case_")}


def main(argv):
    names = sorted(list(CASES) + list(DAMAGED))
    if argv[1:] == ["--list"]:
        print("\n".join(names))
        return 0
    if len(argv) != 3 or argv[1] not in names:
        print("usage: make_nir.py CASE OUT.nir (cases: %s)"
              % ", ".join(names), file=sys.stderr)
        return 2
    case, damage = DAMAGED.get(argv[1], (argv[1], None))
    nodes, edges, layout, version = CASES[case]()
    write(argv[2], nodes, edges, version, layout)
    if damage:
        damage(argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
