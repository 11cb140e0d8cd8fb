"""Writes ONNX test vectors whose expected int64 logits come from a CPU
artifact (qsnn-compile --target cpu): random uint8 inputs -> input_0.pb, the
artifact's integer logits -> output_0.pb. No numpy or onnx needed.

usage: cpu_vectors.py ARTIFACT_DIR OUT_DIR [--samples N] [--seed S]
"""
import argparse
import ctypes
import os
import struct


class TensorDesc(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("batch_dim", ctypes.c_int32),
                ("reserved", ctypes.c_int32), ("shape", ctypes.c_int64 * 8)]


class ModelInfo(ctypes.Structure):
    _fields_ = [("magic", ctypes.c_uint32), ("abi_version", ctypes.c_uint32),
                ("name", ctypes.c_char_p), ("numerics", ctypes.c_char_p),
                ("target_triple", ctypes.c_char_p),
                ("target_cpu", ctypes.c_char_p),
                ("target_features", ctypes.c_char_p),
                ("batch", ctypes.c_int64), ("time_steps", ctypes.c_int64),
                ("num_classes", ctypes.c_int64),
                ("readout_frac_bits", ctypes.c_int32),
                ("num_inputs", ctypes.c_int32),
                ("num_outputs", ctypes.c_int32),
                ("reserved", ctypes.c_int32),
                ("inputs", ctypes.POINTER(TensorDesc)),
                ("outputs", ctypes.POINTER(TensorDesc)),
                ("workspace_bytes", ctypes.c_uint64)]


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("artifact")
    parser.add_argument("out")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="model")
    args = parser.parse_args()
    lib = ctypes.CDLL(os.path.join(os.path.abspath(args.artifact), "model.so"))
    info_fn = getattr(lib, args.name + "_info")
    info_fn.restype = ctypes.POINTER(ModelInfo)
    info = info_fn().contents
    assert info.numerics == b"integer" and info.num_inputs == 1
    inp, outp = info.inputs[0], info.outputs[0]
    assert inp.batch_dim == 0 and outp.batch_dim == 0
    in_shape = list(inp.shape[:inp.rank])
    out_shape = list(outp.shape[:outp.rank])
    in_count = out_count = 1
    for d in in_shape:
        in_count *= d
    for d in out_shape:
        out_count *= d
    run = getattr(lib, args.name + "_run")
    workspace = ctypes.create_string_buffer(info.workspace_bytes + 64)
    aligned = (ctypes.addressof(workspace) + 63) // 64 * 64
    state = args.seed
    pixels, logits = bytearray(), bytearray()
    for _ in range(args.samples):
        chunk = bytearray()
        for _ in range(in_count):
            state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
            chunk.append(state >> 56)
        in_buf = (ctypes.c_uint8 * in_count).from_buffer_copy(bytes(chunk))
        out_buf = (ctypes.c_int64 * out_count)()
        ins = (ctypes.c_void_p * 1)(ctypes.addressof(in_buf))
        outs = (ctypes.c_void_p * 1)(ctypes.addressof(out_buf))
        status = run(ins, outs, ctypes.c_void_p(aligned),
                     ctypes.c_uint64(info.workspace_bytes))
        assert status == 0, status
        pixels += chunk
        logits += struct.pack("<%dq" % out_count, *out_buf)
    os.makedirs(args.out, exist_ok=True)
    batches = args.samples * info.batch
    with open(os.path.join(args.out, "input_0.pb"), "wb") as f:
        f.write(tensor_proto([batches] + in_shape[1:], 2, bytes(pixels)))
    with open(os.path.join(args.out, "output_0.pb"), "wb") as f:
        f.write(tensor_proto([batches] + out_shape[1:], 7, bytes(logits)))
    print("wrote %d samples of CPU logits to %s" % (batches, args.out))


if __name__ == "__main__":
    main()
