"""Loading what the toolchain writes: training metrics and an artifact's
memory plan.

``qsnn-train fit -o RUN`` appends one JSON object per epoch to
``RUN/metrics.jsonl`` (docs/train.md); ``qsnn-compile -o OUT`` writes
``OUT/model.json`` (docs/compile.md). The plots and any other consumer read
them through this module so that a malformed file is reported once, the same
way, naming the file and the line, instead of surfacing later as a KeyError
inside a plotting call.
"""
import json
import math
import os
from dataclasses import dataclass, field

METRICS_FILE = "metrics.jsonl"
MANIFEST_FILE = "model.json"

#: Per-epoch fields and whether each holds a number or a list of numbers.
#: The trainer writes all of them (lib/Train/Trainer.cpp); requiring them all
#: turns a truncated or hand-edited file into one clear error.
EPOCH_FIELDS = {
    "epoch": "int",
    "loss": "number",
    "train_accuracy": "number",
    "test_accuracy": "number",
    "firing_rate": "list",
    "test_firing_rate": "list",
    "weight_sign_balance": "list",
    "lr": "number",
    "seconds": "number",
}

#: Fields of model.json's ``memory`` section the memory figure needs (see
#: docs/python.md): deployed bytes and the counts the float model is
#: computed from.
MEMORY_FIELDS = ("weight_count", "weight_bytes", "membrane_count",
                 "membrane_bytes")

FLOAT_BYTES = 4  # a 32-bit weight or membrane potential


class MetricsError(Exception):
    """A missing or malformed input file; ``str()`` names the file and,
    where it applies, the line."""

    def __init__(self, path, message, line=None):
        where = path if line is None else "%s:%d" % (path, line)
        super().__init__("%s: %s" % (where, message))
        self.path = path
        self.line = line


@dataclass
class Run:
    """One training run: its label and its epochs in order.

    Per-layer series are lists indexed [epoch][layer]. ``None`` in the file
    (nlohmann::json writes NaN and infinities as null, e.g. a diverged loss)
    becomes NaN so that a diverged run still plots.
    """
    name: str
    path: str
    epochs: list = field(default_factory=list)

    def series(self, key):
        """The values of one field over the epochs."""
        return [e[key] for e in self.epochs]

    @property
    def final(self):
        """The last epoch's record."""
        return self.epochs[-1]

    @property
    def num_lif_layers(self):
        return len(self.final["firing_rate"])

    @property
    def num_binary_layers(self):
        return len(self.final["weight_sign_balance"])


def _number(value):
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("is %s, not a number" % json.dumps(value))
    return float(value)


def _check_epoch(record, previous):
    """Validates one parsed line; returns it with numbers as floats."""
    if not isinstance(record, dict):
        raise ValueError("is not a JSON object")
    missing = [k for k in EPOCH_FIELDS if k not in record]
    if missing:
        raise ValueError("missing field(s) %s" % ", ".join(missing))
    out = dict(record)
    for key, kind in EPOCH_FIELDS.items():
        value = record[key]
        try:
            if kind == "int":
                if isinstance(value, bool) or not isinstance(value, int) \
                        or value < 1:
                    raise ValueError("is %s, not an epoch number >= 1"
                                     % json.dumps(value))
            elif kind == "number":
                out[key] = _number(value)
            else:
                if not isinstance(value, list):
                    raise ValueError("is %s, not a list of numbers"
                                     % json.dumps(value))
                out[key] = [_number(v) for v in value]
        except ValueError as err:
            raise ValueError("field '%s' %s" % (key, err)) from None
    if previous is not None:
        for key in ("firing_rate", "test_firing_rate", "weight_sign_balance"):
            if len(out[key]) != len(previous[key]):
                raise ValueError("field '%s' has %d layer(s), earlier epochs "
                                 "%d" % (key, len(out[key]),
                                         len(previous[key])))
    return out


def metrics_path(run_dir):
    """RUN_DIR/metrics.jsonl, or the path itself when it names the file."""
    if os.path.isdir(run_dir):
        return os.path.join(run_dir, METRICS_FILE)
    return run_dir


def load_run(run_dir, name=None):
    """Reads RUN_DIR/metrics.jsonl (or a metrics file given directly).

    An epoch that appears twice (a run resumed after a crash between writing
    the metrics and the checkpoint repeats that epoch) keeps its last record.
    Raises MetricsError naming the file and line of the first problem.
    """
    path = metrics_path(run_dir)
    if not os.path.exists(path):
        raise MetricsError(path, "not found (expected the output directory "
                                 "of `qsnn-train fit -o DIR` or its "
                                 "metrics.jsonl)")
    by_epoch, previous = {}, None
    try:
        with open(path, encoding="utf-8") as f:
            for number, text in enumerate(f, start=1):
                if not text.strip():
                    continue
                try:
                    record = _check_epoch(json.loads(text), previous)
                except json.JSONDecodeError as err:
                    raise MetricsError(path, "not valid JSON (%s)" % err.msg,
                                       number) from None
                except ValueError as err:
                    raise MetricsError(path, str(err), number) from None
                by_epoch[record["epoch"]] = record
                previous = record
    except (OSError, UnicodeDecodeError) as err:
        raise MetricsError(path, "cannot be read (%s)" % err) from None
    if not by_epoch:
        raise MetricsError(path, "holds no epochs (did training finish its "
                                 "first epoch?)")
    label = name or _default_name(path)
    return Run(label, path, [by_epoch[e] for e in sorted(by_epoch)])


def _default_name(path):
    folder = os.path.dirname(os.path.abspath(path))
    return os.path.basename(folder) or folder


def load_runs(run_dirs, names=None):
    """Loads several runs; labels default to the run folders' names, made
    unique with their parent folder when two runs share a name."""
    if names is not None and len(names) != len(run_dirs):
        raise ValueError("%d label(s) for %d run(s)" % (len(names),
                                                        len(run_dirs)))
    runs = [load_run(d, names[i] if names else None)
            for i, d in enumerate(run_dirs)]
    if names is None:
        seen = [r.name for r in runs]
        for run in runs:
            if seen.count(run.name) > 1:
                folder = os.path.dirname(os.path.abspath(run.path))
                run.name = os.path.join(
                    os.path.basename(os.path.dirname(folder)), run.name)
    return runs


@dataclass
class MemoryPlan:
    """The deployed weights and membranes of an artifact at its compiled
    batch, and the float model with the same counts (32-bit weights and
    32-bit membrane potentials), as in the paper's Table 2."""
    name: str
    numerics: str
    batch: int
    weight_count: int
    weight_bytes: int
    membrane_count: int
    membrane_bytes: int
    workspace_bytes: int = None

    def deployed_bytes(self, batch):
        """Weights once plus membranes for `batch` samples (membranes scale
        with the batch; weights do not)."""
        return self.weight_bytes + self.membrane_bytes * batch / self.batch

    def float_bytes(self, batch):
        """The 32w-32u float model with the same weight and membrane counts."""
        return FLOAT_BYTES * (self.weight_count
                              + self.membrane_count * batch / self.batch)

    def float_parts(self, batch):
        return (FLOAT_BYTES * self.weight_count,
                FLOAT_BYTES * self.membrane_count * batch / self.batch)

    def deployed_parts(self, batch):
        return (self.weight_bytes, self.membrane_bytes * batch / self.batch)


def load_manifest(artifact_dir):
    """Parses ARTIFACT/model.json; MetricsError when missing or malformed."""
    path = os.path.join(artifact_dir, MANIFEST_FILE)
    if not os.path.exists(path):
        raise MetricsError(path, "not found (expected the output directory "
                                 "of `qsnn-compile -o DIR`)")
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except json.JSONDecodeError as err:
        raise MetricsError(path, "not valid JSON (%s)" % err.msg,
                           err.lineno) from None
    except (OSError, UnicodeDecodeError) as err:
        raise MetricsError(path, "cannot be read (%s)" % err) from None
    if not isinstance(manifest, dict):
        raise MetricsError(path, "is not a JSON object")
    return manifest


def memory_plan(manifest, path=MANIFEST_FILE):
    """The memory plan of a parsed model.json, or (None, reason) when the
    compiler that wrote it does not report one (yet).

    Returns (MemoryPlan, None) or (None, str). A section that is present but
    holds a non-number is a MetricsError: that is a corrupt file, not an
    older compiler.
    """
    memory = manifest.get("memory")
    if not isinstance(memory, dict):
        return None, "%s has no memory plan ('memory' section)" % path
    # The model's own figures (weights at their bit widths, membranes at k
    # bits) are in memory.model; memory itself describes the CPU buffers.
    if isinstance(memory.get("model"), dict):
        memory = dict(memory, **memory["model"])
    missing = [k for k in MEMORY_FIELDS if k not in memory]
    if missing:
        return None, ("%s's memory plan has no %s (the compiler does not "
                      "report membrane counts yet)" % (path,
                                                       ", ".join(missing)))
    values = {}
    for key in MEMORY_FIELDS:
        value = memory[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise MetricsError(path, "memory.%s is %s, not a byte or element "
                                     "count" % (key, json.dumps(value)))
        values[key] = value
    batch = manifest.get("batch", 1)
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise MetricsError(path, "batch is %s, not a positive integer"
                                 % json.dumps(batch))
    workspace = memory.get("workspace_bytes")
    return MemoryPlan(name=str(manifest.get("model_name")
                               or manifest.get("name") or "model"),
                      numerics=str(manifest.get("numerics", "?")),
                      batch=batch, workspace_bytes=workspace,
                      **values), None
