"""Edge targets give the x86-64 artifact's int64 logits bit for bit
(docs/runtime.md#cross-build).

For every model and both schedules (layer-major, step-major) the script
compiles with ``--numerics integer``

  * the reference: an x86-64 artifact (``--target-cpu x86-64-v3``), run
    through this machine's libqsnn_runtime (python/qsnn/runtime.py);
  * aarch64: ``--target-triple aarch64-linux-gnu --target-cpu cortex-a76``,
    run by the cross-built runtime-only qsnn-run (``--aarch64-run``, built
    with cmake/toolchains/aarch64-linux-gnu.cmake) under ``qemu-aarch64 -L
    /usr/aarch64-linux-gnu`` on test vectors whose expected output is the
    reference's logits: qsnn-run compares int64 outputs exactly.

Models: the six odd-shaped random models of e2e:optimized-equivalence and,
with ``--train``, the small Fashion-MNIST net (1w-2u, T = 4, k = 2) trained
for a few hundred images, on 16 real test images. Two controls show that the
comparison can fail: test vectors with one logit changed must be reported as
a mismatch (exit 1), and the aarch64 runtime must refuse cortex-a76 code on
an emulated Cortex-A53 (a CPU feature it lacks).

Exit 77 (CTest SKIP_RETURN_CODE) when a cross tool is missing
(scripts/bootstrap installs them all).

    edge_targets.py --compile qsnn-compile --runtime-library lib.so
        --aarch64-run qsnn-run --work DIR [--train qsnn-train]
        [--data-dir DIR] [--only NAME] [--jobs N]
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import optimized_equivalence as oe  # noqa: E402  (adds python/)

SKIP = 77
SYSROOT = "/usr/aarch64-linux-gnu"
SCHEDULES = ("layer-major", "step-major")
X86 = ["--target-cpu", "x86-64-v3"]
AARCH64 = ["--target-triple", "aarch64-linux-gnu", "--target-cpu",
           "cortex-a76"]
TRAINED = dict(name="fashion_small_T4_k2", batch=1,
               fit=["--arch", "small", "-T", "4", "--membrane-bits", "2"])
TEST_IMAGES = 16
TOOLS = ("qemu-aarch64",)


def run(cmd, timeout=600):
    return subprocess.run(cmd, capture_output=True, text=True,
                          timeout=timeout)


def qemu_aarch64(*cmd, cpu=None):
    return ["qemu-aarch64", "-L", SYSROOT] + (["-cpu", cpu] if cpu else []) \
        + list(cmd)


class Compiler:
    def __init__(self, args):
        self.path, self.jobs = args.compile, args.jobs

    def compile_all(self, model, jobs):
        """jobs: [(out_dir, extra args)]; returns the failure lines."""
        def one(job):
            out, extra = job
            cmd = [self.path, model, "--target", "cpu", "--numerics",
                   "integer", "-q", "-o", out] + extra
            result = run(cmd)
            if result.returncode != 0:
                return "compile failed (%d): %s\n    %s" % (
                    result.returncode, result.stderr.strip(), " ".join(cmd))
            return None
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as pool:
            return [e for e in pool.map(one, jobs) if e]


def reference_logits(artifact, inputs):
    from qsnn.runtime import Model
    with Model(artifact) as model:
        return np.array(model.run(inputs))


def write_test_data(folder, inputs, logits, manifest):
    os.makedirs(folder, exist_ok=True)
    for name, array, desc in (("input_0.pb", inputs, manifest["inputs"][0]),
                              ("output_0.pb", logits,
                               manifest["outputs"][0])):
        tensor = numpy_helper.from_array(array, desc["name"])
        with open(os.path.join(folder, name), "wb") as f:
            f.write(tensor.SerializeToString())


def run_aarch64(cross_run, artifact, folder):
    """(exit status, JSON report or None, stderr) of qsnn-run under qemu."""
    result = run(qemu_aarch64(cross_run, artifact, "--test-data", folder,
                              "--json"))
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    return result.returncode, report, result.stderr.strip()


def check_aarch64(label, artifact, folder, cross_run):
    """Failure lines of qsnn-run --test-data under qemu-aarch64."""
    status, report, stderr = run_aarch64(cross_run, artifact, folder)
    if status != 0 or report is None:
        return ["%s: qsnn-run under qemu-aarch64 exited %d: %s" % (
            label, status, stderr)]
    outputs = report["test_data"][0]["outputs"]
    bad = [o for o in outputs if o["method"] != "exact" or o["mismatches"]]
    if bad or not report["test_data"][0]["passed"]:
        return ["%s: %s" % (label, json.dumps(outputs))]
    return []


def check_mismatch_detected(name, artifact, inputs, expected, manifest,
                            cross_run, work):
    """Control: one changed logit must make the aarch64 run fail."""
    wrong = expected.copy()
    wrong.reshape(-1)[wrong.size // 2] += 1
    folder = os.path.join(work, "test_data_wrong")
    write_test_data(folder, inputs, wrong, manifest)
    status, report, _ = run_aarch64(cross_run, artifact, folder)
    outputs = report["test_data"][0]["outputs"] if report else []
    if status != 1 or [o["mismatches"] for o in outputs] != [1]:
        print("FAIL %s: a changed logit was not reported (exit %d, %s)" % (
            name, status, json.dumps(outputs)))
        return 1
    print("PASS %s: the aarch64 run reports a changed logit as 1 mismatch"
          % name)
    return 0


def check_model(name, model_path, inputs, batch, args, compiler, cross_run,
                work, extra=(), control=False):
    failures = 0
    samples = inputs.shape[1 if inputs.ndim == 5 else 0]
    for schedule in SCHEDULES:
        base = ["--batch", str(batch), "--schedule", schedule] + list(extra)
        variants = {"x86-64": X86, "aarch64": AARCH64}
        dirs = {v: os.path.join(work, schedule, v) for v in variants}
        errors = compiler.compile_all(
            model_path, [(dirs[v], base + flags)
                         for v, flags in variants.items()])
        for error in errors:
            print("FAIL %s %s: %s" % (name, schedule, error))
        if errors:
            failures += len(errors)
            continue
        expected = reference_logits(dirs["x86-64"], inputs)
        with open(os.path.join(dirs["x86-64"], "model.json")) as f:
            manifest = json.load(f)
        folder = os.path.join(work, schedule, "test_data")
        write_test_data(folder, inputs, expected, manifest)
        label = "%s %s aarch64" % (name, schedule)
        lines = check_aarch64(label, dirs["aarch64"], folder, cross_run)
        print("%s %s == x86-64 (%d samples, int64 logits)" % (
            "FAIL" if lines else "PASS", label, samples))
        for line in lines:
            print("       " + line)
        failures += bool(lines)
        if control and schedule == SCHEDULES[0]:
            failures += check_mismatch_detected(
                name, dirs["aarch64"], inputs, expected, manifest, cross_run,
                os.path.join(work, schedule))
    return failures


def check_feature_refusal(compiler, cross_run, work):
    """cortex-a76 code (dotprod, lse, ...) on an emulated Cortex-A53."""
    model, _ = oe.build(oe.MODELS[0])
    path = os.path.join(work, "refusal.onnx")
    onnx.save(model, path)
    out = os.path.join(work, "refusal-a76")
    errors = compiler.compile_all(path, [(out, ["--batch", "3"] + AARCH64)])
    if errors:
        print("FAIL feature refusal: %s" % errors[0])
        return 1
    result = run(qemu_aarch64(cross_run, out, "--info", cpu="cortex-a53"))
    expected = ("which this CPU lacks; recompile it with --target-cpu "
                "generic or the name of this CPU (e.g. cortex-a53)")
    if result.returncode != 1 or "needs the CPU feature '" not in \
            result.stderr or expected not in result.stderr:
        print("FAIL feature refusal: exit %d, stderr %r" % (
            result.returncode, result.stderr.strip()))
        return 1
    print("PASS aarch64 runtime refuses cortex-a76 code on a Cortex-A53: %s"
          % result.stderr.strip())
    return 0


def trained_model(args, work):
    """The exported small net (model.onnx path) and 16 test images."""
    data = oe.fashion_dir(args)
    images_path = os.path.join(data, "t10k-images-idx3-ubyte.gz")
    if not os.path.exists(images_path):
        raise RuntimeError("%s not found" % images_path)
    images = oe.read_idx_images(images_path, TEST_IMAGES)
    model_dir = os.path.join(work, TRAINED["name"])
    fit = [args.train, "fit", "--dataset", "fashion-mnist", "--data-dir",
           data, "--epochs", "1", "--limit-train", str(oe.TRAIN_IMAGES),
           "--limit-test", str(TEST_IMAGES), "--threads", "1", "--seed",
           "1", "--overwrite", "-o", os.path.join(model_dir, "train")]
    export = [args.train, "export",
              os.path.join(model_dir, "train", "checkpoint.pt"), "-o",
              os.path.join(model_dir, "export"), "--test-vectors", "0"]
    for cmd in (fit + TRAINED["fit"], export):
        result = run(cmd, timeout=900)
        if result.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (
                " ".join(cmd[:2]), result.returncode,
                (result.stderr or result.stdout).strip()[-2000:]))
    return os.path.join(model_dir, "export", "model.onnx"), images


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True, help="qsnn-compile")
    parser.add_argument("--runtime-library", required=True,
                        help="this machine's libqsnn_runtime.so")
    parser.add_argument("--aarch64-run",
                        help="qsnn-run cross-built for aarch64 (absent: "
                        "no g++-aarch64-linux-gnu at configure time)")
    parser.add_argument("--work", required=True, help="work directory")
    parser.add_argument("--train", help="qsnn-train (the trained net)")
    parser.add_argument("--data-dir", help="Fashion-MNIST folder")
    parser.add_argument("--only", help="models whose name contains this")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if not os.path.isdir(SYSROOT):
        missing.append(SYSROOT)
    if not args.aarch64_run:
        missing.append("g++-aarch64-linux-gnu (when cmake configured)")
    if missing:
        print("SKIP: cross tools missing: %s (scripts/bootstrap installs "
              "them)" % ", ".join(missing))
        return SKIP
    os.environ["QSNN_RUNTIME_LIBRARY"] = os.path.abspath(args.runtime_library)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    start = time.time()
    cross_run = os.path.abspath(args.aarch64_run)
    compiler = Compiler(args)
    failures = check_feature_refusal(compiler, cross_run, args.work)
    for index, cfg in enumerate(oe.MODELS):
        if args.only and args.only not in cfg["name"]:
            continue
        model, _ = oe.build(cfg)
        work = os.path.join(args.work, cfg["name"])
        os.makedirs(work)
        path = os.path.join(work, "model.onnx")
        onnx.save(model, path)
        failures += check_model(
            cfg["name"], path, oe.random_inputs(cfg), cfg["batch"], args,
            compiler, cross_run, work,
            extra=["--multiplier-bits", str(cfg.get("P", 24))],
            control=index == 0)
    if not args.train:
        print("SKIP the trained Fashion-MNIST net: no --train (qsnn-train "
              "not built)")
    elif not args.only or args.only in TRAINED["name"]:
        try:
            path, images = trained_model(args, args.work)
        except RuntimeError as error:
            print("FAIL %s: %s" % (TRAINED["name"], error))
            failures += 1
        else:
            failures += check_model(
                TRAINED["name"], path, images, TRAINED["batch"], args,
                compiler, cross_run, os.path.join(args.work,
                                                  TRAINED["name"]))
    print("%s: %d failure(s) in %.0fs (work directory %s)" % (
        "FAIL" if failures else "PASS", failures, time.time() - start,
        args.work))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
