"""The example training script end to end on a slice of Fashion-MNIST
(python -m qsnn.torch.examples.fashion_mnist) and its idx reader."""
import gzip
import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from conftest import python_env  # noqa: E402
from qsnn.metrics import load_run  # noqa: E402
from qsnn.torch.examples.idx import FASHION_MNIST_DIR, IdxError, read_idx  # noqa: E402

ARGS = ["--arch", "tiny", "-T", "2", "--limit-train", "1024", "--limit-test", "256",
        "--threads", "1", "--test-vectors", "4"]


def run_example(*args):
    return subprocess.run([sys.executable, "-m", "qsnn.torch.examples.fashion_mnist",
                           *args], capture_output=True, text=True, env=python_env())


def test_idx_reader(tmp_path):
    data = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    raw = struct.pack(">HBB", 0, 8, 3) + struct.pack(">III", 2, 3, 4) + data.tobytes()
    with gzip.open(tmp_path / "images.gz", "wb") as f:
        f.write(raw)
    assert np.array_equal(read_idx(str(tmp_path / "images")), data)  # finds .gz
    (tmp_path / "short").write_bytes(raw[:-1])
    with pytest.raises(IdxError, match="23 bytes of data, the header says 24"):
        read_idx(str(tmp_path / "short"))
    (tmp_path / "float").write_bytes(struct.pack(">HBB", 0, 0x0D, 1) + b"\0" * 8)
    with pytest.raises(IdxError, match="not an idx file of uint8"):
        read_idx(str(tmp_path / "float"))


@pytest.mark.skipif(not os.path.isdir(FASHION_MNIST_DIR),
                    reason="Debian's dataset-fashion-mnist is not installed")
def test_trains_checkpoints_resumes_and_exports(tmp_path):
    out = tmp_path / "run"
    result = run_example(*ARGS, "--epochs", "1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "epoch 1/1 [" in result.stderr and "img/s" in result.stderr
    run = load_run(str(out))  # the fields qsnn-train writes
    assert len(run.epochs) == 1 and run.final["test_accuracy"] > 0.4
    assert len(run.final["firing_rate"]) == 2 and len(run.final["weight_sign_balance"]) == 1
    predictions = (out / "predictions.txt").read_text().split()
    assert len(predictions) == 256 and set(predictions) <= set("0123456789")

    import qsnn.torch as qt
    model = qt.from_onnx(out / "model")
    assert model.class_names[0] == "T-shirt/top" and model.dataset == "fashion-mnist"
    assert (out / "model" / "test_data_set_0" / "output_0.pb").exists()

    # A second run into the same folder needs --resume or --overwrite ...
    refused = run_example(*ARGS, "--epochs", "2", "-o", str(out))
    assert refused.returncode != 0 and "--resume" in refused.stderr
    # ... a resume must not change the model ...
    mismatch = run_example(*ARGS, "--epochs", "2", "--membrane-bits", "4", "--resume",
                           "-o", str(out))
    assert mismatch.returncode != 0 and "--membrane-bits 2" in mismatch.stderr
    # ... and continues where the checkpoint stopped.
    resumed = run_example(*ARGS, "--epochs", "2", "--resume", "-o", str(out))
    assert resumed.returncode == 0, resumed.stderr
    assert "epoch 2/2" in resumed.stderr and "epoch 1/2" not in resumed.stderr
    lines = (out / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["epoch"] for line in lines] == [1, 2]
    state = torch.load(out / "checkpoint.pt")
    assert state["epochs_done"] == 2 and state["options"]["arch"] == "tiny"


def test_bad_options_exit_with_a_message(tmp_path):
    result = run_example("--membrane-bits", "3", "-o", str(tmp_path / "x"))
    assert result.returncode == 2 and "invalid choice: 3" in result.stderr
    result = run_example("--data-dir", str(tmp_path), "-o", str(tmp_path / "y"))
    assert result.returncode != 0 and "cannot be read" in result.stderr
