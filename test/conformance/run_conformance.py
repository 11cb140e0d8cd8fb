#!/usr/bin/python3
"""Conformance runner: ONNX backend node tests through qsnn-compile + qsnn-run.

For every test folder (model.onnx + test_data_set_*/) of the selected op
families it compiles the model for the CPU with float numerics, runs each
test-data set with `qsnn-run --test-data`, and prints a pass/fail table.

Tests listed in exclusions.txt are out of qsnn's scope (another dtype, 1-D or
3-D windows, training-mode outputs, ...). They are still compiled: they must
be rejected with a clear `error:` message, and an excluded test that starts to
pass fails the run so that the list stays true.

Exit status: 0 when every selected test behaves as expected, 1 otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import onnx

# Op family -> test folder names (ONNX 1.12 node tests).
FAMILIES = {
    "conv": r"test_(basic_)?conv(_with.*|_without.*)?",
    "gemm": r"test_gemm_.*",
    "matmul": r"test_matmul_.*",
    "batchnorm": r"test_batchnorm_.*",
    "averagepool": r"test_averagepool_.*",
    "maxpool": r"test_maxpool_.*",
    "globalaveragepool": r"test_globalaveragepool(_.*)?",
    "add": r"test_add(_.*)?",
    "sub": r"test_sub(_.*)?",
    "mul": r"test_mul(_.*)?",
    "div": r"test_div(_.*)?",
    "relu": r"test_relu",
    "flatten": r"test_flatten_.*",
    "reshape": r"test_reshape_.*",
    "tile": r"test_tile(_.*)?",
    "expand": r"test_expand_.*",
    "reducemean": r"test_reduce_mean_.*",
    "identity": r"test_identity(_.*)?",
}

# ONNX's own defaults for node tests (onnx/backend/test/case/node).
RTOL, ATOL = 1e-3, 1e-7


def load_exclusions(path):
    exclusions = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, reason = line.split(None, 1)
                exclusions[name] = reason
    return exclusions


def run(command, timeout=300):
    try:
        p = subprocess.run(command, capture_output=True, text=True,
                           timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -1, "", "timed out after %d s" % timeout


def first_error(text):
    for line in text.splitlines():
        if "error" in line:
            return line.strip()
    return text.strip().splitlines()[0] if text.strip() else ""


def bindings(test_dir, sets):
    """--bind-input options for int64 inputs (shapes, repeats): qsnn compiles
    static programs, so ONNX's shape-carrying inputs become constants. Their
    values must be the same in every test-data set."""
    options = []
    first = os.path.join(test_dir, sets[0])
    for f in sorted(os.listdir(first)):
        if not f.startswith("input_"):
            continue
        tensor = onnx.load_tensor(os.path.join(first, f))
        if tensor.data_type != onnx.TensorProto.INT64:
            continue
        for s in sets[1:]:
            other = onnx.load_tensor(os.path.join(test_dir, s, f))
            if other.SerializeToString() != tensor.SerializeToString():
                return []  # not a constant: let the compiler reject it
        options += ["--bind-input", "%s=%s" % (tensor.name,
                                               os.path.join(first, f))]
    return options


def check(test_dir, args, work):
    """Returns (status, detail): status is 'pass', 'fail' or 'rejected'."""
    name = os.path.basename(test_dir)
    out = os.path.join(work, name)
    sets = sorted(d for d in os.listdir(test_dir)
                  if d.startswith("test_data_set_"))
    code, _, err = run([args.compile, os.path.join(test_dir, "model.onnx"),
                        "--target", "cpu", "--numerics", "float", "-q",
                        "-o", out] + bindings(test_dir, sets))
    if code != 0:
        if "error" not in err:
            return "fail", "compile failed without an error message: " + err
        if code < 0 or code > 125:
            return "fail", "compile crashed (%d): %s" % (code, first_error(err))
        return "rejected", first_error(err)
    details = []
    for s in sets:
        code, stdout, err = run([args.run, out, "--test-data",
                                 os.path.join(test_dir, s), "--rtol",
                                 str(RTOL), "--atol", str(ATOL), "--json"])
        if code == 2 or code < 0:
            return "fail", "%s: %s" % (s, first_error(err))
        report = json.loads(stdout)
        worst = max(o["max_abs_error"] for t in report["test_data"]
                    for o in t["outputs"])
        details.append("max |error| %.2g" % worst)
        if code != 0:
            return "fail", "%s differs: %s" % (s, ", ".join(details))
    return "pass", ", ".join(details)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True, help="qsnn-compile")
    parser.add_argument("--run", required=True, help="qsnn-run")
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--exclusions", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "exclusions.txt"))
    parser.add_argument("--families", default=",".join(FAMILIES),
                        help="comma-separated op families (default: all)")
    args = parser.parse_args()

    if not os.path.isdir(args.data):
        print("conformance: %s not found (Debian package libonnx-testdata)"
              % args.data, file=sys.stderr)
        return 1
    exclusions = load_exclusions(args.exclusions)
    names = sorted(os.listdir(args.data))
    failures = 0
    counts = {"pass": 0, "excluded": 0, "fail": 0}
    with tempfile.TemporaryDirectory(prefix="qsnn-conformance-") as work:
        for family in args.families.split(","):
            if family not in FAMILIES:
                print("conformance: unknown family '%s'; known: %s"
                      % (family, ", ".join(FAMILIES)), file=sys.stderr)
                return 1
            pattern = re.compile(FAMILIES[family] + "$")
            selected = [n for n in names if pattern.match(n)]
            if not selected:
                print("conformance: no tests for family '%s'" % family,
                      file=sys.stderr)
                return 1
            for name in selected:
                status, detail = check(os.path.join(args.data, name), args,
                                       work)
                excluded = name in exclusions
                if excluded and status == "rejected":
                    verdict, detail = "EXCLUDED", exclusions[name]
                    counts["excluded"] += 1
                elif excluded:
                    verdict = "FAIL"
                    detail = ("listed in exclusions.txt (%s) but %s: %s"
                              % (exclusions[name], status, detail))
                    counts["fail"] += 1
                elif status == "pass":
                    verdict = "PASS"
                    counts["pass"] += 1
                else:
                    verdict = "FAIL"
                    counts["fail"] += 1
                print("%-8s %-50s %s" % (verdict, name, detail), flush=True)
    total = sum(counts.values())
    print("%d passed, %d failed, %d excluded of %d" %
          (counts["pass"], counts["fail"], counts["excluded"], total))
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
