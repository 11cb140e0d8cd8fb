"""The paper's figures from qsnn-train runs and qsnn-compile artifacts.

``python -m qsnn.plots RUN_DIR [RUN_DIR ...] [-o OUT] [--artifact DIR]``
writes PNGs (headless, Agg); ``write_figures`` does the same from Python.
docs/python.md describes every figure.
"""
import os


def write_figures(runs, out_dir, plan=None):
    """Writes every figure the inputs allow into out_dir.

    ``runs``: loaded ``qsnn.metrics.Run`` objects (at least one);
    ``plan``: a ``qsnn.metrics.MemoryPlan`` or None. Returns the paths
    written, in a fixed order: curves, firing_rate, weight_sign_balance,
    then memory (with a plan) and ablation (two or more runs).
    """
    from . import figures  # matplotlib: imported only when drawing

    jobs = [("curves", lambda: figures.curves(runs)),
            ("firing_rate", lambda: figures.firing_rate(runs)),
            ("weight_sign_balance",
             lambda: figures.weight_sign_balance(runs))]
    if plan is not None:
        jobs.append(("memory", lambda: figures.memory(plan)))
    if len(runs) >= 2:
        jobs.append(("ablation", lambda: figures.ablation(runs)))
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, draw in jobs:
        path = os.path.join(out_dir, name + ".png")
        figures.save(draw(), path)
        written.append(path)
    return written
