"""qsnn.metrics and the plots CLI on synthetic inputs: malformed files fail
with the file and line named (exit 2), and the memory and ablation figures
are drawn from what model.json and several runs provide. Needs no binaries.
"""
import json
import math
import subprocess
import sys

import pytest

from conftest import python_env

from qsnn import metrics


def epoch(n, **overrides):
    record = {"epoch": n, "loss": 1.0 / (n + 1), "train_accuracy": 0.5 + 0.1 * n,
              "test_accuracy": 0.45 + 0.1 * n, "firing_rate": [0.1, 0.2, 0.3],
              "test_firing_rate": [0.1, 0.15, 0.25],
              "weight_sign_balance": [0.48, 0.51], "lr": 0.1, "seconds": 2.0}
    record.update(overrides)
    return record


def write_run(folder, records):
    folder.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    (folder / "metrics.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def plots(*args):
    return subprocess.run([sys.executable, "-m", "qsnn.plots", *map(str, args)],
                          capture_output=True, text=True, env=python_env())


def test_loads_epochs_in_order(tmp_path):
    run = metrics.load_run(write_run(tmp_path / "wsdr",
                                     [epoch(1), epoch(2), epoch(3)]))
    assert run.name == "wsdr"
    assert run.series("epoch") == [1, 2, 3]
    assert run.num_lif_layers == 3 and run.num_binary_layers == 2
    assert run.final["test_accuracy"] == pytest.approx(0.75)


def test_null_numbers_become_nan_and_repeated_epochs_keep_the_last(tmp_path):
    """nlohmann::json writes a NaN loss as null; a resumed run may repeat
    the epoch it crashed in."""
    run = metrics.load_run(write_run(tmp_path / "r", [
        epoch(1), epoch(2, loss=None), epoch(2, loss=0.25)]))
    assert run.series("epoch") == [1, 2]
    assert run.final["loss"] == 0.25
    run = metrics.load_run(write_run(tmp_path / "n", [epoch(1, loss=None)]))
    assert math.isnan(run.final["loss"])


@pytest.mark.parametrize("records, line, message", [
    ([epoch(1), "{not json"], 2, "not valid JSON"),
    ([epoch(1), {k: v for k, v in epoch(2).items() if k != "loss"}], 2,
     "missing field(s) loss"),
    (["[1, 2]"], 1, "is not a JSON object"),
    ([epoch(1, test_accuracy="high")], 1,
     "field 'test_accuracy' is \"high\", not a number"),
    ([epoch(1, firing_rate=0.1)], 1, "field 'firing_rate' is 0.1, not a list"),
    ([epoch(0)], 1, "field 'epoch' is 0, not an epoch number >= 1"),
    ([epoch(1), epoch(2, firing_rate=[0.1])], 2,
     "field 'firing_rate' has 1 layer(s), earlier epochs 3"),
])
def test_malformed_lines_name_file_and_line(tmp_path, records, line, message):
    folder = write_run(tmp_path / "bad", records)
    path = "%s:%d" % (folder / "metrics.jsonl", line)
    with pytest.raises(metrics.MetricsError) as err:
        metrics.load_run(folder)
    assert str(err.value).startswith(path + ": ")
    assert message in str(err.value)
    assert err.value.line == line

    result = plots(folder, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.startswith("qsnn.plots: error: %s: " % path)
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_and_empty_metrics(tmp_path):
    result = plots(tmp_path / "nothing-here", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "%s: not found" % (tmp_path / "nothing-here") in result.stderr

    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "metrics.jsonl").write_text("\n")
    result = plots(tmp_path / "empty", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "empty/metrics.jsonl: holds no epochs" in result.stderr


def test_duplicate_run_names_get_their_parent(tmp_path):
    a = write_run(tmp_path / "a" / "run", [epoch(1)])
    b = write_run(tmp_path / "b" / "run", [epoch(1)])
    assert [r.name for r in metrics.load_runs([a, b])] == ["a/run", "b/run"]


def manifest(memory):
    return {"name": "model", "model_name": "qsnn_small", "numerics": "integer",
            "batch": 4, "memory": memory}


def test_memory_plan_fields():
    plan, reason = metrics.memory_plan(manifest({
        "weight_count": 1000, "weight_bytes": 150, "membrane_count": 400,
        "membrane_bytes": 100, "workspace_bytes": 4096}))
    assert reason is None
    # Float model: 4 bytes per weight and per membrane; membranes per batch.
    assert plan.float_bytes(4) == 4 * (1000 + 400)
    assert plan.float_bytes(1) == 4 * (1000 + 100)
    assert plan.deployed_bytes(8) == 150 + 200


def test_memory_plan_absent_or_partial():
    plan, reason = metrics.memory_plan({"name": "model"}, "out/model.json")
    assert plan is None and reason == ("out/model.json has no memory plan "
                                       "('memory' section)")
    plan, reason = metrics.memory_plan(manifest({"weight_bytes": 10}))
    assert plan is None
    assert "no weight_count, membrane_count, membrane_bytes" in reason


def test_memory_plan_with_bad_values_is_an_error():
    with pytest.raises(metrics.MetricsError, match="memory.weight_count is "
                                                   "\"many\""):
        metrics.memory_plan(manifest({
            "weight_count": "many", "weight_bytes": 1, "membrane_count": 1,
            "membrane_bytes": 1}))


def check_size(path, size):
    import matplotlib.image as mpimg
    pixels = mpimg.imread(str(path))
    assert (pixels.shape[1], pixels.shape[0]) == size
    assert pixels.var() > 0


def test_memory_and_ablation_figures(tmp_path):
    runs = [write_run(tmp_path / name, [epoch(1), epoch(2, test_accuracy=acc)])
            for name, acc in (("qsnn", 0.85), ("wsdr", 0.88), ("fp", 0.9))]
    artifact = tmp_path / "artifact"
    artifact.mkdir()
    (artifact / "model.json").write_text(json.dumps(manifest({
        "weight_count": 20000, "weight_bytes": 2600, "membrane_count": 12544,
        "membrane_bytes": 3136, "workspace_bytes": 65536})))
    out = tmp_path / "out"
    result = plots(*runs, "--artifact", artifact, "-o", out)
    assert result.returncode == 0, result.stderr
    names = ["curves", "firing_rate", "weight_sign_balance", "memory",
             "ablation"]
    assert result.stdout.split() == [str(out / (n + ".png")) for n in names]
    check_size(out / "memory.png", (1000, 400))
    check_size(out / "ablation.png", (1000, 400))
    check_size(out / "firing_rate.png", (1000, 1200))


def test_artifact_without_plan_is_a_note_and_corrupt_one_an_error(tmp_path):
    run = write_run(tmp_path / "run", [epoch(1)])
    artifact = tmp_path / "artifact"
    artifact.mkdir()
    (artifact / "model.json").write_text(json.dumps({"name": "model"}))
    result = plots(run, "--artifact", artifact, "-o", tmp_path / "out")
    assert result.returncode == 0
    assert "note: skipping memory.png: %s/model.json has no memory plan" \
        % artifact in result.stderr
    assert not (tmp_path / "out" / "memory.png").exists()

    (artifact / "model.json").write_text('{"name": "model",\n  "memory": {')
    result = plots(run, "--artifact", artifact, "-o", tmp_path / "out2")
    assert result.returncode == 1
    assert "error: %s:2: not valid JSON" % (artifact / "model.json") \
        in result.stderr

    result = plots(run, "--artifact", tmp_path / "none", "-o", tmp_path / "o")
    assert result.returncode == 1
    assert "%s: not found" % (tmp_path / "none" / "model.json") in result.stderr


def test_help_and_label_count():
    result = plots("--help")
    assert result.returncode == 0
    for text in ("RUN_DIR", "--output", "--artifact", "--label", "curves.png",
                 "firing_rate.png", "weight_sign_balance.png", "memory.png",
                 "ablation.png", "exit status"):
        assert text in result.stdout
    result = plots("a", "b", "--label", "only-one")
    assert result.returncode == 2  # a command-line mistake
    assert "--label given 1 time(s) for 2 run(s)" in result.stderr
