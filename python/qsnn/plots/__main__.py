"""Command line of ``python -m qsnn.plots`` (see ``--help``)."""
import argparse
import sys

from .. import metrics

#: A failure (missing or malformed input, no matplotlib, unwritable output);
#: argparse exits 2 for command-line mistakes, as every qsnn tool does.
EXIT_FAILURE = 1

DESCRIPTION = """\
Draw the Q-SNN paper's figures as PNG files (headless) from qsnn-train runs
and, optionally, a qsnn-compile artifact.

Always written (one row per run where it applies):
  curves.png               loss and train/test accuracy per epoch
  firing_rate.png          firing rate f_l of every LIF layer per epoch, and
                           the final P(s=1)/P(s=0) per layer (Fig. 2, 4(b))
  weight_sign_balance.png  p_w = P(w=+1) of every binary layer per epoch,
                           and the final P(w=+1)/P(w=-1) per layer (Fig. 4(a))
With --artifact, when its model.json has a memory plan:
  memory.png               weights + membranes of the deployed model against
                           the 32w-32u float model, batch 1/64/256 (Table 2)
With two or more runs:
  ablation.png             final test accuracy per run (Fig. 5)
"""

EPILOG = """\
exit status: 0 figures written (a missing memory plan only prints a note);
1 a missing or malformed metrics.jsonl or model.json (the message names the
file and line), no matplotlib, or an unwritable output folder; 2 bad
arguments.

example:
  python -m qsnn.plots runs/qsnn runs/qsnn-wsdr runs/fp \\
      --label "Q-SNN" --label "Q-SNN + WS-DR" --label "FP SNN" \\
      --artifact out/ -o figures/
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m qsnn.plots", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR",
                        help="output directory of `qsnn-train fit -o DIR` "
                             "(or its metrics.jsonl); several for a "
                             "comparison")
    parser.add_argument("-o", "--output", default="plots", metavar="OUT",
                        help="directory for the PNG files, created if "
                             "missing (default: %(default)s)")
    parser.add_argument("--artifact", metavar="OUT_DIR",
                        help="a `qsnn-compile -o OUT_DIR` folder: draw its "
                             "memory plan (model.json) against the float "
                             "model")
    parser.add_argument("--label", action="append", metavar="NAME",
                        help="name of a run in legends and the ablation "
                             "figure, once per RUN_DIR in order (default: "
                             "the run folder's name)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="do not list the files written")
    args = parser.parse_args(argv)
    if args.label is not None and len(args.label) != len(args.runs):
        parser.error("--label given %d time(s) for %d run(s)"
                     % (len(args.label), len(args.runs)))
    return args


def _load_plan(artifact_dir):
    """The artifact's MemoryPlan, or None after printing why not."""
    manifest = metrics.load_manifest(artifact_dir)
    plan, reason = metrics.memory_plan(
        manifest, "%s/%s" % (artifact_dir.rstrip("/"), metrics.MANIFEST_FILE))
    if plan is None:
        print("qsnn.plots: note: skipping memory.png: %s" % reason,
              file=sys.stderr)
    return plan


def main(argv=None):
    args = parse_args(argv)
    try:
        runs = metrics.load_runs(args.runs, args.label)
        plan = _load_plan(args.artifact) if args.artifact else None
    except metrics.MetricsError as err:
        print("qsnn.plots: error: %s" % err, file=sys.stderr)
        return EXIT_FAILURE
    try:
        from . import figures  # noqa: F401  (needs matplotlib)
    except ImportError as err:
        print("qsnn.plots: error: matplotlib is required (%s): run it with "
              "/usr/bin/python3, which sees Debian's python3-matplotlib "
              "(apt install python3-matplotlib)" % err, file=sys.stderr)
        return EXIT_FAILURE
    from . import write_figures
    try:
        written = write_figures(runs, args.output, plan)
    except OSError as err:
        print("qsnn.plots: error: cannot write to %s: %s"
              % (args.output, err), file=sys.stderr)
        return EXIT_FAILURE
    if not args.quiet:
        for path in written:
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
