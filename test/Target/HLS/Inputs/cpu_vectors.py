"""Writes ONNX test vectors whose expected int64 logits come from a CPU
artifact (qsnn-compile --target cpu): random uint8 inputs -> input_0.pb, the
artifact's integer logits -> output_0.pb. The artifact runs through the
qsnn package's runtime binding (python/qsnn/runtime.py).

usage: cpu_vectors.py ARTIFACT_DIR OUT_DIR [--samples N] [--seed S] [--extremes]

--extremes puts four inputs first that drive sums to their bounds (all 0,
all 255, and 0/255 alternating in both phases), so kernels that store
values in the narrow widths their ranges prove meet those ranges' ends.
"""
import argparse
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "python"))
from qsnn.runtime import Model  # noqa: E402


def varint(value):
    out = bytearray()
    value &= (1 << 64) - 1
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def tensor_proto(dims, dtype, raw):
    packed = b"".join(varint(d) for d in dims)
    return (b"\x0a" + varint(len(packed)) + packed + b"\x10" + varint(dtype) +
            b"\x4a" + varint(len(raw)) + raw)


def random_bytes(count, state):
    """`count` bytes of a 64-bit LCG (the top byte of each state)."""
    out = bytearray()
    for _ in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        out.append(state >> 56)
    return out, state


def extreme_inputs(count):
    return [bytearray(count), bytearray([255]) * count,
            bytearray(255 * (i % 2) for i in range(count)),
            bytearray(255 * (1 - i % 2) for i in range(count))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact")
    parser.add_argument("out")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extremes", action="store_true")
    args = parser.parse_args()
    with Model(args.artifact) as model:
        info = model.info
        assert info["numerics"] == "integer" and len(info["inputs"]) == 1
        in_shape = list(info["inputs"][0]["shape"])
        out_shape = list(info["outputs"][0]["shape"])
        count = int(np.prod(in_shape))
        state = args.seed
        pixels, logits = bytearray(), bytearray()
        fixed = extreme_inputs(count) if args.extremes else []
        for sample in range(args.samples):
            if sample < len(fixed):
                chunk = fixed[sample]
            else:
                chunk, state = random_bytes(count, state)
            z = model.run(np.frombuffer(bytes(chunk), np.uint8).reshape(in_shape))
            pixels += chunk
            logits += struct.pack("<%dq" % z.size, *z.reshape(-1).tolist())
    os.makedirs(args.out, exist_ok=True)
    batches = args.samples * info["batch"]
    with open(os.path.join(args.out, "input_0.pb"), "wb") as f:
        f.write(tensor_proto([batches] + in_shape[1:], 2, bytes(pixels)))
    with open(os.path.join(args.out, "output_0.pb"), "wb") as f:
        f.write(tensor_proto([batches] + out_shape[1:], 7, bytes(logits)))
    print("wrote %d samples of CPU logits to %s" % (batches, args.out))


if __name__ == "__main__":
    main()
