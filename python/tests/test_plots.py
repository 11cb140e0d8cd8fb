"""python -m qsnn.plots on a real short training run (and its compiled
artifact): every figure is written at its documented size and is not blank.
"""
import subprocess
import sys

import pytest

from conftest import python_env

mpimg = pytest.importorskip("matplotlib.image")
np = pytest.importorskip("numpy")

RUN_FIGURES = {"curves.png": (1000, 400), "firing_rate.png": (1000, 400),
               "weight_sign_balance.png": (1000, 400)}


def plots(*args):
    return subprocess.run([sys.executable, "-m", "qsnn.plots", *map(str, args)],
                          capture_output=True, text=True, env=python_env())


def check_png(path, size):
    """Exists, has (width, height) = size, and shows something."""
    assert path.exists(), path
    pixels = mpimg.imread(str(path))
    height, width = pixels.shape[:2]
    assert (width, height) == size, path
    assert pixels.var() > 0, "%s is blank" % path
    colors = np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)
    assert len(colors) > 1, "%s has one color" % path


def test_figures_of_a_real_run(trained_run, tmp_path):
    out = tmp_path / "figures"
    result = plots(trained_run, "-o", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_FIGURES)
    assert result.stdout.split() == [str(out / n) for n in RUN_FIGURES]
    for name, size in RUN_FIGURES.items():
        check_png(out / name, size)


def test_memory_figure_or_note_from_a_real_artifact(trained_run,
                                                    trained_artifact,
                                                    tmp_path):
    """Draws memory.png when qsnn-compile reports the membrane counts,
    otherwise says why it skipped it and still writes the rest."""
    out = tmp_path / "figures"
    result = plots(trained_run, "--artifact", trained_artifact, "-o", out)
    assert result.returncode == 0, result.stderr
    if (out / "memory.png").exists():
        check_png(out / "memory.png", (1000, 400))
    else:
        assert "note: skipping memory.png:" in result.stderr
        assert "model.json" in result.stderr
    for name, size in RUN_FIGURES.items():
        check_png(out / name, size)


def test_two_real_runs_give_the_ablation(trained_run, tmp_path):
    out = tmp_path / "figures"
    result = plots(trained_run, trained_run / "metrics.jsonl", "--label",
                   "Q-SNN", "--label", "Q-SNN + WS-DR", "-o", out)
    assert result.returncode == 0, result.stderr
    check_png(out / "ablation.png", (1000, 400))
    check_png(out / "firing_rate.png", (1000, 800))
    check_png(out / "weight_sign_balance.png", (1000, 800))
