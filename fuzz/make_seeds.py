"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

Seeds are small valid inputs, so that fuzzing starts inside each format:
ONNX models taken from the importer's lit tests (onnxtext as written, binary
as parsed and serialized by onnx), NIR graphs written with h5py (as the
importer's HDF5 reader process encodes them), one tiny
file set per data set, model.json manifests of the runtime tests'
hand-written artifact, ELF headers, and TensorProto test vectors (with the
fuzzers' findings, as regression inputs).
Folder-reading targets take their files joined by the separator of
fuzz/FuzzInput.h. Run with Debian's python3 (onnx, numpy, PIL):

    /usr/bin/python3 fuzz/make_seeds.py
"""
import glob
import io
import json
import os
import re
import shutil
import struct

import numpy as np
import onnx
import onnx.parser
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEPARATOR = b"\n--qsnn-next-file--\n"
MAX_SEED_BYTES = 8192


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def files(*parts):
    return SEPARATOR.join(parts)


def onnx_texts():
    """(name, text) of every onnxtext model in the importer's tests."""
    for path in sorted(glob.glob(os.path.join(ROOT, "test", "**", "*.onnxtxt"),
                                 recursive=True)):
        with open(path, encoding="utf-8") as f:
            yield os.path.basename(path)[:-8], f.read()
    for path in sorted(glob.glob(os.path.join(ROOT, "test", "**", "*.test"),
                                 recursive=True)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        sections = re.split(r"^#--- (\S+)\n", text, flags=re.M)
        for name, body in zip(sections[1::2], sections[2::2]):
            if name.endswith(".onnxtxt"):
                stem = os.path.basename(path)[:-5] + "-" + name[:-8]
                yield stem, body


def onnx_seeds():
    for name, text in onnx_texts():
        data = text.encode()
        if len(data) > MAX_SEED_BYTES:
            continue
        write("fuzz-import-onnxtext", name, data)
        try:
            model = onnx.parser.parse_model(text)
        except Exception:  # a deliberately broken test model
            continue
        binary = model.SerializeToString()
        if len(binary) <= MAX_SEED_BYTES:
            write("fuzz-import-onnx", name, binary)


def idx(dims, data):
    header = bytes([0, 0, 8, len(dims)])
    for d in dims:
        header += struct.pack(">I", d)
    return header + bytes(data)


def data_seeds():
    pixels = (np.arange(2 * 28 * 28) % 251).astype(np.uint8)
    write("fuzz-data-mnist", "two-images",
          files(idx([2, 28, 28], pixels), idx([2], [3, 7])))
    record10 = lambda label: bytes([label]) + bytes(range(256)) * 12
    names10 = b"\n".join(b"class%d" % i for i in range(10)) + b"\n"
    write("fuzz-data-cifar10", "two-records",
          files(record10(1) + record10(9), names10))
    record100 = lambda coarse, fine: bytes([coarse, fine]) + bytes(3072)
    names100 = b"\n".join(b"fine%d" % i for i in range(100)) + b"\n"
    write("fuzz-data-cifar100", "two-records",
          files(record100(0, 5) + record100(19, 99), names100))
    jpeg = io.BytesIO()
    Image.fromarray((np.indices((64, 64)).sum(0) * 2 % 256).astype(np.uint8)
                    ).convert("RGB").save(jpeg, "JPEG", quality=20)
    write("fuzz-data-tinyimagenet", "one-image",
          files(b"n01443537\nn01629819\n",
                b"n01443537\tgoldfish\nn01629819\tsalamander\n",
                b"val_0.JPEG\tn01629819\t0\t0\t63\t63\n", jpeg.getvalue()))
    write("fuzz-data-dvs-gesture", "one-recording",
          files(b"user01_led.aedat\n", aedat31(),
                b"class,startTime_usec,endTime_usec\n1,100,200\n"
                b"4,200,400\n"))
    write("fuzz-data-cifar10-dvs", "two-recordings",
          files(aedat2([(2 << 8 | 3 << 1, 5), (9 << 8 | 1, 90)]),
                aedat2([(1 << 1, 10)])))


def aedat31():
    header = (b"#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n"
              b"#!END-HEADER\r\n")
    events = [(10, 20, 1, 120), (11, 20, 0, 150), (64, 64, 1, 250),
              (0, 127, 1, 390)]
    packet = struct.pack("<HHIIIIII", 1, 1, 8, 4, 0, len(events), len(events),
                         len(events))
    for x, y, polarity, time in events:
        packet += struct.pack("<II", x << 17 | y << 2 | polarity << 1 | 1,
                              time)
    return header + packet


def aedat2(events):
    header = b"#!AER-DAT2.0\r\n# This is a raw AE data file\r\n"
    return header + b"".join(struct.pack(">II", a, t) for a, t in events)


def fake_manifest(**edits):
    manifest = {
        "name": "fake", "abi_version": 1, "numerics": "integer", "batch": 4,
        "time_steps": 2, "num_classes": 2, "readout_frac_bits": 0,
        "classes": ["zero", "one"],
        "target": {"triple": "x86_64-unknown-linux-gnu", "cpu": "generic",
                   "features": "+sse4.1"},
        "memory": {"workspace_bytes": 256},
        "inputs": [{"name": "pixels", "dtype": "uint8", "batch_dim": 0,
                    "shape": [4, 2, 3]},
                   {"name": "events", "dtype": "float32", "batch_dim": 1,
                    "shape": [2, 4, 3]}],
        "outputs": [{"name": "sums", "dtype": "int64", "batch_dim": 0,
                     "shape": [4, 2]}],
        "files": {"shared_library": "model.so",
                  "shared_library_sha256": "@SHA@"}}
    manifest.update(edits)
    return json.dumps(manifest, indent=1).encode()


def runtime_seeds():
    write("fuzz-runtime-open", "matching", fake_manifest())
    write("fuzz-runtime-open", "other-batch", fake_manifest(batch=8))
    write("fuzz-runtime-open", "other-name", fake_manifest(name="other"))
    # ELF: a 64-bit x86-64 shared-object header with one PT_LOAD segment.
    header = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    header += struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, 64, 0, 0, 64, 56, 1,
                          64, 0, 0)
    segment = struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0, 120, 120, 4096)
    write("fuzz-runtime-elf", "one-segment", header + segment)
    write("fuzz-runtime-elf", "truncated", header[:40])


def tensor_seeds():
    """TensorProto test vectors: each dtype qsnn-run reads, raw and typed."""
    from onnx import numpy_helper
    pixels = (np.arange(16) * 17 % 256).astype(np.uint8).reshape(1, 1, 4, 4)
    logits = np.arange(-10, 10, dtype=np.int64).reshape(2, 10)
    floats = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    for name, array in (("pixels-raw", pixels), ("logits-raw", logits),
                        ("floats-raw", floats)):
        write("fuzz-run-tensorfile", name,
              numpy_helper.from_array(array, "x").SerializeToString())
    typed = onnx.helper.make_tensor("y", onnx.TensorProto.INT64, [2, 10],
                                    logits.flatten().tolist())
    write("fuzz-run-tensorfile", "logits-typed", typed.SerializeToString())
    typed8 = onnx.helper.make_tensor("z", onnx.TensorProto.UINT8, [1, 1, 4, 4],
                                     pixels.flatten().tolist())
    write("fuzz-run-tensorfile", "pixels-typed", typed8.SerializeToString())
    # Finding: an empty typed field reached memcpy as a null pointer.
    empty = onnx.helper.make_tensor("e", onnx.TensorProto.FLOAT, [0], [])
    write("fuzz-run-tensorfile", "empty-float-data", empty.SerializeToString())


def encode_hdf5_tree(group):
    """The HDF5 tree of an h5py file in the encoding of the importer's HDF5
    reader process (docs/spec.md §8.1, lib/Import/NIR/HDF5TreeCodec.cpp):
    fuzz-import-nir reads this, not HDF5 files."""
    import h5py

    def shape(dataset):
        return struct.pack("<B", len(dataset.shape)) + b"".join(
            struct.pack("<Q", n) for n in dataset.shape)

    def node(item):
        if isinstance(item, h5py.Group):
            out = struct.pack("<BI", 0, len(item))
            for name in sorted(item, key=lambda n: n.encode()):
                out += struct.pack("<H", len(name.encode())) + name.encode()
                out += node(item[name])
            return out
        kind = item.dtype.kind
        if kind in "iuf":
            values = np.asarray(item[()], dtype="<f8").flatten()
            return (struct.pack("<B", 1) + shape(item) +
                    struct.pack("<B", 1 if kind in "iu" else 0) +
                    values.tobytes())
        assert kind in "SO", "unsupported dataset " + item.name
        out = struct.pack("<B", 2) + shape(item)
        for text in np.asarray(item[()], dtype=object).flatten():
            data = text if isinstance(text, bytes) else text.encode()
            out += struct.pack("<I", len(data)) + data
        return out

    return b"QSNNH5\0\1T" + node(group)


def nir_seeds():
    """NIR graphs as the importer's tests write them (h5py), encoded as the
    HDF5 reader process sends them to the importer."""
    import sys
    import tempfile

    import h5py
    sys.path.insert(0, os.path.join(ROOT, "test", "Import", "NIR", "Inputs"))
    import make_nir
    for case in ("lif-v0", "lif-v1", "fan", "cycle", "missing-type",
                 "shape-mismatch"):
        nodes, edges, layout, version = make_nir.CASES[case]()
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "seed.nir")
            make_nir.write(path, nodes, edges, version, layout,
                           compression=None)
            with h5py.File(path, "r") as f:
                write("fuzz-import-nir", case, encode_hdf5_tree(f))


def main():
    shutil.rmtree(os.path.join(HERE, "corpus"), ignore_errors=True)
    onnx_seeds()
    nir_seeds()
    data_seeds()
    runtime_seeds()
    tensor_seeds()
    for target in sorted(os.listdir(os.path.join(HERE, "corpus"))):
        count = len(os.listdir(os.path.join(HERE, "corpus", target)))
        print("%-26s %3d seeds" % (target, count))


if __name__ == "__main__":
    main()
