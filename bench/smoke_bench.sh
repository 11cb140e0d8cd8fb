#!/bin/sh
# Smoke test of qsnn-bench: train the tiny net for one short epoch, export,
# compile, benchmark for about one second per batch size, and check that the
# JSON report has every field and positive throughputs. Not a timed test.
# Usage: smoke_bench.sh QSNN_TRAIN QSNN_COMPILE QSNN_BENCH WORKDIR
#        (QSNN_PYTHON in the env)
set -eu
train="$1"
compile="$2"
bench="$3"
work="$4"
python="${QSNN_PYTHON:-/usr/bin/python3}"
rm -rf "$work"
mkdir -p "$work"

"$train" fit --arch tiny --epochs 1 --limit-train 1000 --limit-test 200 \
  --threads 1 --seed 1 --output "$work/run" 2>"$work/fit.log" ||
  { cat "$work/fit.log"; exit 1; }
"$train" export "$work/run/checkpoint.pt" -o "$work/model" --test-vectors 4
"$compile" "$work/model/model.onnx" --target cpu -q -o "$work/art1"
"$compile" "$work/model/model.onnx" --target cpu --batch 4 -q -o "$work/art4"

"$bench" --checkpoint "$work/run/checkpoint.pt" --artifact "$work/art1" \
  --artifact "$work/art4" --batches 1,4 --seconds 0.5 --check-images 64 \
  --json "$work/bench.json"

"$python" - "$work/bench.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for key in ("tool", "date", "git_commit", "machine", "libtorch_version",
            "threads", "seconds_per_batch_size", "checkpoint", "model",
            "artifacts", "baselines", "check", "results"):
    assert key in r, key
for key in ("cpu", "logical_cpus"):
    assert key in r["machine"], key
assert r["threads"] == 1
assert r["artifacts"][0]["numerics"] in ("integer", "float")
variants = ("libtorch_float", "libtorch_fake_quant", "compiled")
assert [e["batch"] for e in r["results"]] == [1, 4], r["results"]
for entry in r["results"]:
    assert entry["rounds"] >= 3, entry
    for v in variants:
        assert entry["images_per_s"][v] > 0, (entry["batch"], v)
        assert entry["images_per_s_min"][v] > 0, (entry["batch"], v)
    for name in ("compiled_over_libtorch_float",
                 "compiled_over_libtorch_fake_quant"):
        assert entry["ratio"][name] > 0, name
        assert entry["ratio_median_per_round"][name] > 0, name
# Each batch size uses the artifact compiled for it.
assert r["results"][1]["artifact_compiled_batch"] == 4, r["results"][1]
# The compiled artifact is the fake-quant network: predictions must agree
# (integer numerics round differently only on near ties).
agree = r["check"]["compiled_vs_fake_quant_argmax_agreement"]
assert agree >= 0.95, agree
print("bench smoke test passed")
PY
