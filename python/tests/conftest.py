"""Shared fixtures: where qsnn's binaries are, and a real (tiny) training
run, its export and compiled artifacts, made once per test session.

Binaries come from $QSNN_BUILD_DIR (default: build/ of this source tree;
CTest passes its own build tree). Tests that need a binary the build lacks
(qsnn-train is optional: QSNN_ENABLE_TRAIN) are skipped with a reason
naming it.
"""
import json
import os
import subprocess
import sys

import pytest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_DIR = os.path.dirname(PYTHON_DIR)
BUILD_DIR = os.environ.get("QSNN_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))

if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)
# Bind the runtime library of the build under test, not whichever build*/
# folder the package would find first.
_LIBRARY = os.path.join(BUILD_DIR, "lib", "libqsnn_runtime.so")
if "QSNN_RUNTIME_LIBRARY" not in os.environ and os.path.exists(_LIBRARY):
    os.environ["QSNN_RUNTIME_LIBRARY"] = _LIBRARY

#: The short run of the issue: ~5 s on one core.
TRAIN_ARGS = ["--arch", "tiny", "--epochs", "2", "--limit-train", "2000",
              "--limit-test", "500", "--time-steps", "2", "--threads", "1"]


def tool(name):
    """Path of a qsnn binary in the build tree, or skip the test."""
    path = os.path.join(BUILD_DIR, "bin", name)
    if not os.access(path, os.X_OK):
        pytest.skip("%s not found in %s/bin (set QSNN_BUILD_DIR to a qsnn "
                    "build that has it)" % (name, BUILD_DIR))
    return path


def run_tool(args, **kwargs):
    """Runs a command, failing the test with its output if it fails."""
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        pytest.fail("%s exited with %d:\n%s%s" % (
            " ".join(args), result.returncode, result.stdout, result.stderr))
    return result


def python_env():
    """Environment for `python -m qsnn...` subprocesses."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (PYTHON_DIR, env.get("PYTHONPATH")) if p)
    env["MPLBACKEND"] = "Agg"
    return env


def compile_artifact(source, out_dir, numerics="float"):
    """qsnn-compile SOURCE --numerics N -o OUT, skipping when this build
    does not offer those numerics (integer is being added)."""
    args = [tool("qsnn-compile"), str(source), "--target", "cpu",
            "--numerics", numerics, "-q", "-o", str(out_dir)]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        if numerics != "float" and "not available" in result.stderr:
            pytest.skip("qsnn-compile --numerics %s: %s"
                        % (numerics, result.stderr.strip()))
        pytest.fail("qsnn-compile failed:\n" + result.stderr)
    return out_dir


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory):
    """A real `qsnn-train fit` output folder (metrics.jsonl, checkpoint)."""
    train = tool("qsnn-train")
    run_dir = tmp_path_factory.mktemp("train") / "tiny-run"
    run_tool([train, "fit", *TRAIN_ARGS, "-o", str(run_dir)])
    return run_dir


@pytest.fixture(scope="session")
def exported_model(trained_run, tmp_path_factory):
    """`qsnn-train export` of the trained run: model.onnx + test vectors."""
    out = tmp_path_factory.mktemp("export")
    run_tool([tool("qsnn-train"), "export",
              str(trained_run / "checkpoint.pt"), "-o", str(out)])
    return out


@pytest.fixture(scope="session")
def trained_artifact(exported_model, tmp_path_factory):
    """The exported model compiled for this CPU with float numerics."""
    return compile_artifact(exported_model / "model.onnx",
                            tmp_path_factory.mktemp("artifact"))


def qsnn_run_json(artifact, *args):
    """qsnn-run ARTIFACT ARGS --json, parsed, with its exit status."""
    result = subprocess.run([tool("qsnn-run"), str(artifact), *args,
                             "--json", "--quiet"],
                            capture_output=True, text=True)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail("qsnn-run printed no JSON (exit %d):\n%s%s"
                    % (result.returncode, result.stdout, result.stderr))
    return result.returncode, report
