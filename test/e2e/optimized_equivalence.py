"""The optimized CPU artifact equals the reference lowering bit for bit
(issue #6 item 1; docs/spec.md §4 "All backends must agree ... with a plain
reference lowering bit for bit", §6).

For every model the script compiles

  * the oracle: ``--reference-lowering --expose-spikes`` for this machine
    (no bit packing, hoisting or scheduling), and
  * the optimized artifact: ``--expose-spikes --target-cpu X --schedule S``
    for X in {x86-64-v3, x86-64-v4} and S in {layer-major, step-major},

all with ``--numerics integer``, runs every artifact through libqsnn_runtime
(python/qsnn/runtime.py) on the same uint8 inputs and requires EXACT equality
of every output: the int64 logits z and every LIF layer's spikes
(``spikes:<name>``, [T, N, ...]). One line per comparison; a mismatch names
the output, its first differing index and both values. The oracle itself is
also checked against python/qsnn/reference.py's integer_forward (static
inputs), and every random model's layers must fire at a rate strictly
between 0 and 1 so that the spikes test something.

Models:
  * random ai.qsnn models written with integer_oracle.py's ONNX builder and
    odd shapes: channel counts that are not multiples of 64 (some above 64,
    so packed spikes span several 64-bit words), kernels 5 and 3, stride 2,
    padding 0 and 2, average (2x2 and 3x3 windows), max and global average
    pooling, residual blocks with identity and projection shortcuts, an int8
    first layer (per-input-channel scales or one scale) and binary hidden
    layers, k = 2/4/8, both fire_on orders, both levels modes, P = 12/16/24,
    T = 2..4, batch 2 or 3, static images and event frames;
  * Fashion-MNIST models trained for a few hundred images with qsnn-train
    (``--train``), on 64 real test images.

Inputs hold more samples than the compiled batch and not a multiple of it,
so each artifact runs several calls and a padded last chunk.

If this CPU lacks AVX-512 (AVX2) the x86-64-v4 (v3) artifacts are still
compiled but not run, with a visible SKIP line.

    optimized_equivalence.py --compile qsnn-compile [--train qsnn-train]
        [--runtime-library libqsnn_runtime.so] [--data-dir DIR] [--keep DIR]
        [--only NAME] [--jobs N]
"""
import argparse
import concurrent.futures
import gzip
import os
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np
import onnx
from onnx import TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from integer_oracle import Builder  # noqa: E402  (adds python/)

CLASSES = 7
TARGETS = ("x86-64-v3", "x86-64-v4")
SCHEDULES = ("layer-major", "step-major")
# The CPU flags each target's code may use (x86-64-v3: AVX2, FMA, BMI1/2,
# LZCNT, MOVBE, F16C; v4 adds AVX-512 F/BW/CD/DQ/VL).
TARGET_FLAGS = {
    "x86-64-v3": ("avx", "avx2", "fma", "bmi1", "bmi2", "abm", "movbe",
                  "f16c"),
    "x86-64-v4": ("avx", "avx2", "fma", "bmi1", "bmi2", "abm", "movbe",
                  "f16c", "avx512f", "avx512bw", "avx512cd", "avx512dq",
                  "avx512vl"),
}

# Random models. C input channels (with `scales` one per channel: different
# scales make the first layer keep one integer sum per input channel), H x W,
# T, LIF settings, multiplier bits P, compiled batch, and layers:
#   ("conv", out, kernel, stride, pad, quant)  conv + batch norm + LIF
#   ("avgpool"|"maxpool", kernel, stride, pad)
#   ("gap",)                                   global average pooling
#   ("block", out, stride)  conv3x3/s -> LIF -> conv3x3 (+ shortcut) -> LIF;
#                           identity shortcut when the shape is kept, else a
#                           binary 1x1/s projection with batch norm
#   ("res",)                integer_oracle's binary 3x3 conv + identity add
# Input "events": uint8 counts [T, N, C, H, W] (no normalization, Reshape).
MODELS = [
    dict(name="c3_scales_k5_maxpool_65_70_k2_signed_full", C=3,
         scales=(1 / 64.0, 1 / 32.0, 1 / 128.0), H=14, W=14, T=3, k=2,
         levels="signed", fire_on="full", batch=3,
         layers=[("conv", 33, 5, 1, 2, "int8"), ("maxpool", 2, 2, 0),
                 ("conv", 65, 3, 1, 1, "binary"),
                 ("conv", 70, 5, 2, 0, "binary")]),
    dict(name="c1_13x11_avgpool3_130_k4_paper_quantized_P16", C=1,
         scales=(1 / 64.0,), H=17, W=15, T=4, k=4, levels="paper",
         fire_on="quantized", P=16, batch=2,
         layers=[("conv", 5, 3, 1, 0, "int8"), ("avgpool", 2, 2, 0),
                 ("conv", 130, 5, 1, 2, "binary"), ("avgpool", 3, 2, 0),
                 ("conv", 33, 3, 1, 1, "binary")]),
    dict(name="c2_resnet_projection_gap_k8_signed_quantized_P12", C=2,
         scales=(1 / 64.0, 1 / 64.0), H=12, W=12, T=2, k=8,
         levels="signed", fire_on="quantized", P=12, batch=3,
         layers=[("conv", 64, 3, 1, 1, "int8"), ("block", 70, 2),
                 ("block", 70, 1), ("gap",)]),
    dict(name="c1_k5s2p2_130_residual_maxpool3_k2_paper_quantized", C=1,
         scales=(1 / 64.0,), H=10, W=10, T=4, k=2, levels="paper",
         fire_on="quantized", batch=2,
         layers=[("conv", 130, 5, 2, 2, "int8"), ("res",),
                 ("maxpool", 3, 2, 1), ("conv", 5, 3, 1, 0, "binary")]),
    dict(name="c3_block33_avgpool_block65s2_k4_signed_full", C=3,
         scales=(1 / 64.0, 1 / 64.0, 1 / 64.0), H=16, W=16, T=2, k=4,
         levels="signed", fire_on="full", batch=3,
         layers=[("conv", 16, 3, 2, 1, "int8"), ("block", 33, 1),
                 ("avgpool", 2, 2, 0), ("block", 65, 2)]),
    dict(name="events_c2_k5p0_64_129s2_k8_paper_full", C=2, input="events",
         H=9, W=11, T=3, k=8, levels="paper", fire_on="full", batch=2,
         layers=[("conv", 7, 5, 1, 0, "int8"), ("conv", 64, 3, 1, 1, "binary"),
                 ("conv", 129, 3, 2, 1, "binary")]),
]

# Trained models: qsnn-train fit arguments (a few hundred images, one epoch).
TRAINED = [
    dict(name="fashion_tiny_T3_k4_paper_quantized", batch=3,
         fit=["--arch", "tiny", "-T", "3", "--membrane-bits", "4",
              "--levels", "paper", "--fire-on", "quantized"]),
    dict(name="fashion_small_T2_k2_signed_full", batch=2,
         fit=["--arch", "small", "-T", "2", "--membrane-bits", "2"]),
]
TRAIN_IMAGES = 300
TEST_IMAGES = 64


def _out_size(size, kernel, stride, pad):
    return (size + 2 * pad - kernel) // stride + 1


def build(cfg):
    """The ai.qsnn ONNX model of a MODELS entry (deterministic per name)."""
    b = Builder(zlib.crc32(cfg["name"].encode()))
    T, C, H, W = cfg["T"], cfg["C"], cfg["H"], cfg["W"]
    events = cfg.get("input") == "events"
    x = b.node("Cast", ["pixels"], to=TensorProto.FLOAT)
    if events:
        x = b.node("Reshape", [x, b.const(np.array([-1, C, H, W], np.int64))])
    else:
        zp = np.array([120, 97, 133][:C], np.float32).reshape(1, C, 1, 1)
        sc = np.array(cfg["scales"], np.float32).reshape(1, C, 1, 1)
        x = b.node("Sub", [x, b.const(zp)])
        x = b.node("Mul", [x, b.const(sc)])
        x = b.node("Tile", [x, b.const(np.array([T, 1, 1, 1], np.int64))])
    channels, h, w, lifs = C, H, W, [0]

    def lif(value):
        lifs[0] += 1
        return b.lif(value, cfg, lifs[0])

    def conv(value, cin, out, kernel, stride, pad, quant, spread=None):
        shape = (out, cin, kernel, kernel)
        weight = (b.int8_weight(shape) if quant == "int8"
                  else b.binary_weight(shape))
        y = b.node("Conv", [value, weight], pads=[pad] * 4,
                   strides=[stride] * 2, kernel_shape=[kernel] * 2)
        if spread is None:
            spread = 0.6 if quant == "binary" else 0.3
        return b.batch_norm(y, out, spread)

    for layer in cfg["layers"]:
        kind = layer[0]
        if kind in ("avgpool", "maxpool"):
            _, kernel, stride, pad = layer
            op = "AveragePool" if kind == "avgpool" else "MaxPool"
            x = b.node(op, [x], kernel_shape=[kernel] * 2,
                       strides=[stride] * 2, pads=[pad] * 4)
            h, w = _out_size(h, kernel, stride, pad), _out_size(w, kernel,
                                                                 stride, pad)
        elif kind == "gap":
            x = b.node("GlobalAveragePool", [x])
            h = w = 1
        elif kind == "res":
            y = conv(x, channels, channels, 3, 1, 1, "binary")
            x = lif(b.node("Add", [y, x]))
        elif kind == "block":
            _, out, stride = layer
            y = lif(conv(x, channels, out, 3, stride, 1, "binary"))
            y = conv(y, out, out, 3, 1, 1, "binary")
            if stride != 1 or out != channels:
                x = conv(x, channels, out, 1, stride, 0, "binary")
            x = lif(b.node("Add", [y, x]))
            channels = out
            h, w = _out_size(h, 3, stride, 1), _out_size(w, 3, stride, 1)
        else:
            _, out, kernel, stride, pad, quant = layer
            x = lif(conv(x, channels, out, kernel, stride, pad, quant))
            channels = out
            h, w = _out_size(h, kernel, stride, pad), _out_size(w, kernel,
                                                                 stride, pad)
    b.readout(x, channels * h * w, CLASSES, T)
    dims = ([T, "N", C, H, W] if events else ["N", C, H, W])
    model = b.model(cfg["name"], dims, CLASSES, T,
                    "events" if events else "static")
    onnx.checker.check_model(model, full_check=True)
    return model, lifs[0]


def random_inputs(cfg):
    """2 * batch + 1 samples: several runtime calls and a padded chunk."""
    rng = np.random.default_rng(zlib.crc32(cfg["name"].encode()) + 1)
    n = 2 * cfg["batch"] + 1
    if cfg.get("input") == "events":
        # Sparse small event counts, as in accumulated DVS frames.
        counts = rng.poisson(0.7, (cfg["T"], n, cfg["C"], cfg["H"], cfg["W"]))
        return np.minimum(counts, 255).astype(np.uint8)
    return rng.integers(0, 256, (n, cfg["C"], cfg["H"], cfg["W"]),
                        dtype=np.uint8)


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


class Compiler:
    def __init__(self, args):
        self.path = args.compile
        self.jobs = args.jobs
        help_text = subprocess.run([self.path, "--help"], capture_output=True,
                                   text=True).stdout
        self.has_reference = "--reference-lowering" in help_text
        self.has_schedule = "--schedule" in help_text

    def variants(self):
        """[(label, extra args, is the oracle)], the oracle first."""
        if self.has_reference:
            oracle = ("reference", ["--reference-lowering"])
        else:
            oracle = ("default-native", [])
        out = [oracle + (True,)]
        for target in TARGETS:
            if self.has_schedule:
                for schedule in SCHEDULES:
                    out.append(("%s/%s" % (target, schedule),
                                ["--target-cpu", target, "--schedule",
                                 schedule], False))
            else:
                out.append(("%s/default" % target, ["--target-cpu", target],
                            False))
        return out

    def compile_all(self, model_path, work, batch, extra):
        """Compiles every variant; returns [(label, dir, error, seconds)]."""
        jobs = []
        for label, flags, _ in self.variants():
            out = os.path.join(work, label.replace("/", "_"))
            cmd = [self.path, model_path, "--target", "cpu", "--numerics",
                   "integer", "--expose-spikes", "--batch", str(batch), "-q",
                   "-o", out] + list(extra) + flags
            jobs.append((label, out, cmd))

        def run(job):
            label, out, cmd = job
            start = time.time()
            result = subprocess.run(cmd, capture_output=True, text=True)
            error = None
            if result.returncode != 0:
                error = "compile failed (%d): %s\n    %s" % (
                    result.returncode, result.stderr.strip(), " ".join(cmd))
            return label, out, error, time.time() - start

        with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
            return list(pool.map(run, jobs))


def first_difference(expected, actual):
    diff = np.flatnonzero(expected.reshape(-1) != actual.reshape(-1))
    index = np.unravel_index(diff[0], expected.shape)
    return (len(diff), tuple(int(i) for i in index),
            expected[index].item(), actual[index].item())


def compare(expected, actual, names, label, want_name="reference",
            got_name="optimized"):
    """Failure lines for one artifact's outputs against the oracle's."""
    failures = []
    if len(expected) != len(actual):
        return ["%s: %d outputs, the %s has %d"
                % (label, len(actual), want_name, len(expected))]
    for name, want, got in zip(names, expected, actual):
        if want.dtype != got.dtype or want.shape != got.shape:
            failures.append("%s: output %s is %s%s, the %s's %s%s"
                            % (label, name, got.dtype, list(got.shape),
                               want_name, want.dtype, list(want.shape)))
        elif not np.array_equal(want, got):
            count, index, a, b = first_difference(want, got)
            failures.append(
                "%s: output %s differs in %d of %d elements; first at "
                "index %s: %s %s, %s %s"
                % (label, name, count, want.size, list(index), want_name, a,
                   got_name, b))
    return failures


def check_python_reference(name, model_path, inputs, outputs, names, oracle,
                           extra):
    """The oracle artifact against python/qsnn/reference.py's independent
    integer_forward (static inputs only; it does not read event frames)."""
    from qsnn.reference import integer_forward
    model = onnx.load(model_path)
    if inputs.ndim != 4:
        print("     %s: event frames: reference.py not applicable" % name)
        return 0
    bits = int(extra[extra.index("--multiplier-bits") + 1]) \
        if "--multiplier-bits" in extra else 24
    z, _, spikes, _ = integer_forward(model, inputs, multiplier_bits=bits)
    # qsnn-compile names spike outputs by the LIF node (else its output).
    by_name = {(node.name or node.output[0]): node.output[0]
               for node in model.graph.node if node.op_type == "LIF"}
    expected = [np.asarray(z, np.int64)]
    for out_name, actual in zip(names[1:], outputs[1:]):
        s = spikes[by_name[out_name[len("spikes:"):]]]
        expected.append(s.reshape(actual.shape).astype(np.uint8))
    lines = compare(expected, outputs, names, oracle, "reference.py",
                    "artifact")
    print("%s %s %s == python/qsnn/reference.py (%d outputs)"
          % ("FAIL" if lines else "PASS", name, oracle, len(names)))
    for line in lines:
        print("       " + line)
    return int(bool(lines))


def check(name, model_path, inputs, batch, lifs, args, compiler, work,
          extra=(), require_activity=True):
    """Compiles, runs and compares one model. Returns the failure count."""
    from qsnn.runtime import Model
    failures = 0
    start = time.time()
    results = compiler.compile_all(model_path, work, batch, extra)
    compile_seconds = time.time() - start
    flags = cpu_flags()
    outputs, names = {}, None
    for (label, out, error, _), (_, _, is_oracle) in zip(
            results, compiler.variants()):
        if error:
            print("FAIL %s %s: %s" % (name, label, error))
            failures += 1
            continue
        target = label.split("/")[0]
        missing = [f for f in TARGET_FLAGS.get(target, ()) if f not in flags]
        if missing:
            print("SKIP %s %s: this CPU lacks %s; compiled, not run"
                  % (name, label, ", ".join(missing)))
            continue
        with Model(out) as model:
            result = model.run(inputs)
            if not isinstance(result, list):
                result = [result]
            outputs[label] = [np.array(r) for r in result]
            if is_oracle:
                names = [o["name"] for o in model.info["outputs"]]
                oracle_info = model.info
    oracle = compiler.variants()[0][0]
    if oracle not in outputs:
        print("FAIL %s: no oracle outputs" % name)
        return failures + 1
    expected = outputs[oracle]
    # The oracle must be a meaningful test: integer numerics, one spike output
    # per LIF, and no layer silent or saturated.
    problems = []
    if oracle_info["numerics"] != "integer":
        problems.append("numerics %s" % oracle_info["numerics"])
    if len(names) != 1 + lifs:
        problems.append("%d outputs for %d LIFs" % (len(names), lifs))
    rates = []
    for out_name, array in zip(names[1:], expected[1:]):
        rate = float(array.mean())
        rates.append("%s %.2f" % (out_name[len("spikes:"):], rate))
        if require_activity and not 0.0 < rate < 1.0:
            problems.append("%s fires at rate %.2f: not a useful test"
                            % (out_name, rate))
    print("     %s: %d samples, compiled %d variants in %.1fs; oracle %s; "
          "spike rates: %s" % (name, inputs.shape[1 if inputs.ndim == 5
                                                    else 0], len(results),
                              compile_seconds, oracle, ", ".join(rates)))
    for problem in problems:
        print("FAIL %s oracle: %s" % (name, problem))
    failures += len(problems)
    failures += check_python_reference(name, model_path, inputs, expected,
                                       names, oracle, extra)
    for label, actual in outputs.items():
        if label == oracle:
            continue
        lines = compare(expected, actual, names, label)
        print("%s %s %s == %s (%d outputs)"
              % ("FAIL" if lines else "PASS", name, label, oracle,
                 len(names)))
        for line in lines:
            print("       " + line)
        failures += bool(lines)
    return failures


def run_random(args, compiler, work):
    failures = 0
    for cfg in MODELS:
        if args.only and args.only not in cfg["name"]:
            continue
        model, lifs = build(cfg)
        model_dir = os.path.join(work, cfg["name"])
        os.makedirs(model_dir, exist_ok=True)
        path = os.path.join(model_dir, "model.onnx")
        onnx.save(model, path)
        inputs = random_inputs(cfg)
        extra = ["--multiplier-bits", str(cfg.get("P", 24))]
        failures += check(cfg["name"], path, inputs, cfg["batch"], lifs, args,
                          compiler, model_dir, extra)
    return failures


def read_idx_images(path, count):
    with gzip.open(path, "rb") as f:
        header = np.frombuffer(f.read(16), dtype=">i4")
        if header[0] != 2051:
            raise ValueError("%s: not an idx3 image file" % path)
        rows, cols = int(header[2]), int(header[3])
        data = f.read(count * rows * cols)
    return np.frombuffer(data, np.uint8).reshape(count, 1, rows, cols)


def fashion_dir(args):
    if args.data_dir:
        return args.data_dir
    env = os.environ.get("QSNN_DATA_DIR")
    if env and os.path.isdir(os.path.join(env, "fashion-mnist")):
        return os.path.join(env, "fashion-mnist")
    return "/usr/share/datasets/fashion-mnist"


def run_trained(args, compiler, work):
    if not args.train:
        print("SKIP trained Fashion-MNIST models: no --train (qsnn-train "
              "not built)")
        return 0
    data = fashion_dir(args)
    images_path = os.path.join(data, "t10k-images-idx3-ubyte.gz")
    if not os.path.exists(images_path):
        print("FAIL trained models: %s not found" % images_path)
        return 1
    images = read_idx_images(images_path, TEST_IMAGES)
    failures = 0
    for cfg in TRAINED:
        if args.only and args.only not in cfg["name"]:
            continue
        model_dir = os.path.join(work, cfg["name"])
        os.makedirs(model_dir, exist_ok=True)
        start = time.time()
        fit = [args.train, "fit", "--dataset", "fashion-mnist", "--data-dir",
               data, "--epochs", "1", "--limit-train", str(TRAIN_IMAGES),
               "--limit-test", str(TEST_IMAGES), "--threads", "1", "--seed",
               "1", "--overwrite", "-o", os.path.join(model_dir, "train")]
        export = [args.train, "export",
                  os.path.join(model_dir, "train", "checkpoint.pt"), "-o",
                  os.path.join(model_dir, "export"), "--test-vectors", "0"]
        for cmd in (fit + cfg["fit"], export):
            result = subprocess.run(cmd, capture_output=True, text=True)
            if result.returncode != 0:
                print("FAIL %s: %s failed (%d): %s" % (
                    cfg["name"], " ".join(cmd[:2]), result.returncode,
                    (result.stderr or result.stdout).strip()[-2000:]))
                failures += 1
                break
        else:
            print("     %s: trained on %d images and exported in %.1fs"
                  % (cfg["name"], TRAIN_IMAGES, time.time() - start))
            path = os.path.join(model_dir, "export", "model.onnx")
            lifs = sum(node.op_type == "LIF"
                       for node in onnx.load(path).graph.node)
            # A barely trained layer may legitimately be silent.
            failures += check(cfg["name"], path, images, cfg["batch"], lifs,
                              args, compiler, model_dir,
                              require_activity=False)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True, help="qsnn-compile")
    parser.add_argument("--train", help="qsnn-train (trained models)")
    parser.add_argument("--runtime-library", help="libqsnn_runtime.so "
                        "(default: $QSNN_RUNTIME_LIBRARY or the build tree)")
    parser.add_argument("--data-dir", help="Fashion-MNIST folder")
    parser.add_argument("--keep", help="work directory to keep")
    parser.add_argument("--only", help="models whose name contains this")
    parser.add_argument("--jobs", type=int, default=2,
                        help="parallel compiles (default 2)")
    parser.add_argument("--allow-missing-flags", action="store_true",
                        help="development: run even if qsnn-compile lacks "
                        "--reference-lowering / --schedule (the default "
                        "lowering stands in for the oracle)")
    args = parser.parse_args()
    if args.runtime_library:
        os.environ["QSNN_RUNTIME_LIBRARY"] = os.path.abspath(
            args.runtime_library)
    compiler = Compiler(args)
    if not (compiler.has_reference and compiler.has_schedule):
        missing = [f for f, ok in (("--reference-lowering",
                                    compiler.has_reference),
                                   ("--schedule", compiler.has_schedule))
                   if not ok]
        print("%s: qsnn-compile has no %s" % (
            "NOTE" if args.allow_missing_flags else "FAIL",
            " or ".join(missing)))
        if not args.allow_missing_flags:
            return 1
        print("NOTE: development mode: the oracle is %s%s" % (
            "--reference-lowering" if compiler.has_reference else
            "the default lowering (native)",
            "" if compiler.has_schedule else
            "; one (the default) schedule per target"))
    work = args.keep or tempfile.mkdtemp(prefix="qsnn-equivalence-")
    os.makedirs(work, exist_ok=True)
    start = time.time()
    failures = run_random(args, compiler, work)
    failures += run_trained(args, compiler, work)
    print("%s: %d failure(s) in %.0fs (work directory %s)"
          % ("FAIL" if failures else "PASS", failures, time.time() - start,
             work))
    if not args.keep and not failures:
        import shutil
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
