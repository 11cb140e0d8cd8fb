"""End-to-end check of the integer level on the CPU (docs/spec.md §4, §7).

Writes small ai.qsnn ONNX models with the onnx helper, compiles each with
``qsnn-compile --numerics integer --expose-spikes``, runs the artifact with
``qsnn-run --test-data`` on vectors that python/qsnn/reference.py's
``integer_forward`` (the independent oracle) computed, and requires EXACT
equality of the int64 logits z and of every LIF layer's spikes. Also checks
model.json (numerics, readout F, memory plan), the default numerics and the
k = 32 refusal.

    integer_oracle.py --compile qsnn-compile --run qsnn-run [--keep DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from qsnn.reference import integer_forward  # noqa: E402

QONNX = "qonnx.custom_op.general"

# Each model: input channels and size, T, LIF settings, the multiplier bits
# P (default 24) and the layer list.
# conv: (out channels, kernel, stride, pad, quant); "res" a binary 3x3
# residual block with an identity shortcut of the previous spikes.
MODELS = [
    dict(name="k2_signed_full_stride2", T=2, C=1, H=8, k=2, levels="signed",
         fire_on="full", layers=[("conv", 4, 3, 1, 1, "int8"),
                                 ("conv", 6, 3, 2, 1, "binary")]),
    dict(name="k4_paper_quantized_avgpool", T=3, C=2, H=8, k=4,
         levels="paper", fire_on="quantized",
         layers=[("conv", 4, 3, 1, 1, "int8"), ("avgpool",),
                 ("conv", 6, 3, 1, 1, "binary")]),
    dict(name="k8_signed_quantized_residual", T=2, C=1, H=6, k=8,
         levels="signed", fire_on="quantized", P=16,
         layers=[("conv", 4, 3, 1, 1, "int8"), ("res",),
                 ("conv", 4, 3, 2, 1, "binary")]),
    dict(name="k2_paper_full_residual_pools", T=4, C=2, H=8, k=2,
         levels="paper", fire_on="full",
         layers=[("conv", 4, 3, 1, 1, "int8"), ("maxpool",), ("res",),
                 ("avgpool",), ("conv", 4, 3, 1, 1, "binary")]),
]
BATCH = 2
CLASSES = 5


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, array, name=None):
        self.count += 1
        name = name or "c%d" % self.count
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, domain="", name=None, **attrs):
        self.count += 1
        out = name or "%s%d" % (op.lower(), self.count)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out,
                                           domain=domain, **attrs))
        return out

    def int8_weight(self, shape):
        # Exact multiples of a power-of-two step: W / s is an integer in f32
        # and f64 alike, so the importer and the oracle agree on q.
        step = np.float32(2.0 ** -9)
        q = self.rng.integers(-127, 128, size=shape).astype(np.float32)
        return self.node("Quant", [self.const(q * step), self.const(step),
                                   self.const(np.float32(0)),
                                   self.const(np.float32(8))],
                         domain=QONNX, signed=1, narrow=1,
                         rounding_mode="ROUND")

    def binary_weight(self, shape):
        w = self.rng.standard_normal(shape).astype(np.float32)
        alpha = self.rng.uniform(0.05, 0.2, (shape[0],) + (1,) * (len(shape)
                                                                 - 1))
        return self.node("BipolarQuant", [self.const(w),
                                          self.const(alpha.astype(np.float32))],
                         domain=QONNX)

    def batch_norm(self, x, channels, spread):
        r = self.rng
        params = [r.uniform(0.6, 1.4, channels), r.uniform(0.0, 0.6, channels),
                  r.uniform(-0.1, 0.1, channels) * spread,
                  r.uniform(0.5, 1.5, channels) * spread ** 2]
        return self.node("BatchNormalization",
                         [x] + [self.const(p.astype(np.float32))
                                for p in params], epsilon=1e-5)

    def readout(self, x, features, classes, steps):
        """Flatten, the 8-bit classifier and the mean over `steps`: the
        output "logits" [N, classes]."""
        x = self.node("Flatten", [x], axis=1)
        weight = self.int8_weight((classes, features))
        bias = self.const(
            self.rng.uniform(-0.5, 0.5, classes).astype(np.float32))
        x = self.node("Gemm", [x, weight, bias], transB=1)
        x = self.node("Reshape",
                      [x, self.const(np.array([steps, -1, classes], np.int64))])
        self.nodes.append(helper.make_node("ReduceMean", [x], ["logits"],
                                           name="readout", axes=[0],
                                           keepdims=0))

    def model(self, name, input_dims, classes, steps, kind):
        """The ai.qsnn model of the nodes so far: uint8 "pixels" of
        `input_dims` in, float "logits" [N, classes] out."""
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info("pixels", TensorProto.UINT8,
                                           input_dims)],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                           ["N", classes])], self.inits)
        model = helper.make_model(graph, opset_imports=[
            helper.make_opsetid("", 17), helper.make_opsetid("ai.qsnn", 1),
            helper.make_opsetid(QONNX, 1)])
        for key, value in (("qsnn.schema_version", "1"),
                           ("qsnn.time_steps", str(steps)),
                           ("qsnn.input_kind", kind)):
            model.metadata_props.add(key=key, value=value)
        return model

    def lif(self, x, cfg, index):
        alpha = float(self.rng.uniform(1.0, 2.0))
        return self.node("LIF", [x], domain="ai.qsnn", name="lif%d" % index,
                         time_steps=cfg["T"], tau=0.5, threshold=1.0,
                         membrane_bits=cfg["k"], levels=cfg["levels"],
                         fire_on=cfg["fire_on"], alpha_u=alpha, reset="hard")


def build(cfg, membrane_bits=None):
    cfg = dict(cfg, k=membrane_bits or cfg["k"])
    b = Builder(zlib.crc32(cfg["name"].encode()))
    T, C, H = cfg["T"], cfg["C"], cfg["H"]
    zp = np.array([120, 97][:C], np.float32).reshape(1, C, 1, 1)
    sc = np.array([1 / 64.0, 1 / 32.0][:C], np.float32).reshape(1, C, 1, 1)
    x = b.node("Cast", ["pixels"], to=TensorProto.FLOAT)
    x = b.node("Sub", [x, b.const(zp)])
    x = b.node("Mul", [x, b.const(sc)])
    x = b.node("Tile", [x, b.const(np.array([T, 1, 1, 1], np.int64))])
    channels, size, lifs = C, H, 0
    for layer in cfg["layers"]:
        if layer[0] in ("avgpool", "maxpool"):
            op = "AveragePool" if layer[0] == "avgpool" else "MaxPool"
            x = b.node(op, [x], kernel_shape=[2, 2], strides=[2, 2])
            size //= 2
            continue
        if layer[0] == "res":
            w = b.binary_weight((channels, channels, 3, 3))
            y = b.node("Conv", [x, w], pads=[1, 1, 1, 1])
            y = b.batch_norm(y, channels, 0.6)
            x = b.node("Add", [y, x])
        else:
            _, out, kernel, stride, pad, quant = layer
            shape = (out, channels, kernel, kernel)
            w = (b.int8_weight(shape) if quant == "int8"
                 else b.binary_weight(shape))
            x = b.node("Conv", [x, w], pads=[pad] * 4, strides=[stride] * 2)
            x = b.batch_norm(x, out, 0.6 if quant == "binary" else 0.3)
            channels = out
            size = (size + 2 * pad - kernel) // stride + 1
        lifs += 1
        x = b.lif(x, cfg, lifs)
    b.readout(x, channels * size * size, CLASSES, T)
    return b.model(cfg["name"], ["N", C, H, H], CLASSES, T, "static")


def compile_model(args, path, out, *extra):
    cmd = [args.compile, path, "--target", "cpu", "--batch", str(BATCH),
           "-q", "-o", out] + list(extra)
    return subprocess.run(cmd, capture_output=True, text=True)


def check_model(args, cfg, work):
    failures = []
    model = build(cfg)
    path = os.path.join(work, cfg["name"] + ".onnx")
    onnx.save(model, path)
    out = os.path.join(work, cfg["name"] + "_out")
    bits = cfg.get("P", 24)
    result = compile_model(args, path, out, "--numerics", "integer",
                           "--expose-spikes", "--multiplier-bits", str(bits))
    if result.returncode != 0:
        return ["compile failed: " + result.stderr.strip()]
    meta = json.load(open(os.path.join(out, "model.json")))
    rng = np.random.default_rng(7)
    for vector in range(2):
        pixels = rng.integers(0, 256, (BATCH, cfg["C"], cfg["H"], cfg["H"]),
                              dtype=np.uint8)
        z, frac_bits, spikes, _ = integer_forward(model, pixels,
                                                  multiplier_bits=bits)
        if meta["numerics"] != "integer":
            failures.append("numerics is %s" % meta["numerics"])
        if meta["readout_frac_bits"] != frac_bits:
            failures.append("readout_frac_bits %d, oracle F %d"
                            % (meta["readout_frac_bits"], frac_bits))
        data = os.path.join(work, "%s_set%d" % (cfg["name"], vector))
        os.makedirs(data, exist_ok=True)
        onnx.save_tensor(numpy_helper.from_array(pixels),
                         os.path.join(data, "input_0.pb"))
        expected = [z.astype(np.int64)]
        for desc in meta["outputs"][1:]:
            lif = desc["name"][len("spikes:"):]
            s = spikes[lif].reshape([cfg["T"], BATCH] +
                                    list(spikes[lif].shape[1:]))
            rate = float(s.mean())
            if not 0.0 < rate < 1.0:
                failures.append("%s fires at rate %.2f: not a useful test"
                                % (lif, rate))
            expected.append(s.astype(np.uint8))
        if len(meta["outputs"]) != 1 + len(spikes):
            failures.append("%d outputs for %d LIFs"
                            % (len(meta["outputs"]), len(spikes)))
        for index, array in enumerate(expected):
            onnx.save_tensor(numpy_helper.from_array(array),
                             os.path.join(data, "output_%d.pb" % index))
        run = subprocess.run([args.run, out, "--test-data", data, "--json"],
                             capture_output=True, text=True)
        if run.returncode != 0:
            failures.append("set %d: qsnn-run failed (%d): %s %s"
                            % (vector, run.returncode, run.stdout.strip(),
                               run.stderr.strip()))
    plan = meta["memory"]["model"]
    for key in ("binary_weight_bytes", "int8_weight_bytes", "constant_bytes",
                "membrane_bytes", "table2_bytes"):
        if key not in plan or plan[key] < 0:
            failures.append("model.json memory.model.%s missing" % key)
    return failures


def check_numerics_choice(args, work):
    failures = []
    cfg = MODELS[0]
    for bits, default in ((cfg["k"], "integer"), (32, "float")):
        path = os.path.join(work, "choice_k%d.onnx" % bits)
        onnx.save(build(cfg, membrane_bits=bits), path)
        out = os.path.join(work, "choice_k%d_out" % bits)
        result = compile_model(args, path, out)
        if result.returncode != 0:
            failures.append("k=%d default compile failed: %s"
                            % (bits, result.stderr.strip()))
            continue
        numerics = json.load(open(os.path.join(out, "model.json")))["numerics"]
        if numerics != default:
            failures.append("k=%d defaults to %s, not %s"
                            % (bits, numerics, default))
    result = compile_model(args, os.path.join(work, "choice_k32.onnx"),
                           os.path.join(work, "k32_int"), "--numerics",
                           "integer")
    if result.returncode == 0 or "k = 32 has no integer form" not in \
            result.stderr:
        failures.append("k=32 --numerics integer: expected the quantizer's "
                        "refusal, got %d: %s" % (result.returncode,
                                                 result.stderr.strip()))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--keep", help="work directory to keep")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="qsnn-e2e-")
    os.makedirs(work, exist_ok=True)
    failed = 0
    for cfg in MODELS:
        failures = check_model(args, cfg, work)
        print("%s %s" % ("PASS" if not failures else "FAIL", cfg["name"]))
        for failure in failures:
            print("  " + failure)
        failed += bool(failures)
    failures = check_numerics_choice(args, work)
    print("%s numerics-choice" % ("PASS" if not failures else "FAIL"))
    for failure in failures:
        print("  " + failure)
    failed += bool(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
