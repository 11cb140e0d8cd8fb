#!/bin/sh
# Smoke test of qsnn-kernel-bench: two tiny binary convolutions (one with a
# channel count that is not a multiple of 64, stride 1 and padding; one with
# stride 2 and no padding), 0.2 s each. Checks the JSON report's fields, that
# the bit-exact check passed and that every throughput is positive. Not a
# timed test.
# Usage: kernel_smoke.sh QSNN_KERNEL_BENCH WORKDIR   (QSNN_PYTHON in the env)
set -eu
bench="$1"
work="$2"
python="${QSNN_PYTHON:-/usr/bin/python3}"
rm -rf "$work"
mkdir -p "$work"

"$bench" --shape 2,70,6,5,9,3,1,1 --seconds 0.2 --spike-rate 0.3 --seed 7 \
  --json "$work/a.json"
"$bench" --shape 3,64,7,7,5,3,2,0 --seconds 0.2 --json "$work/b.json"

"$python" - "$work/a.json" "$work/b.json" <<'PY'
import json, sys
shapes = {1: (2, 70, 6, 5, 9, 3, 1, 1), 2: (3, 64, 7, 7, 5, 3, 2, 0)}
for index in (1, 2):
    r = json.load(open(sys.argv[index]))
    for key in ("tool", "date", "git_commit", "machine", "cpu_features",
                "threads", "seconds", "spike_rate", "seed", "shape",
                "compiled", "check", "peaks", "kernel", "rounds",
                "reference_peak", "fraction_of_peak"):
        assert key in r, key
    assert r["tool"] == "qsnn-kernel-bench"
    for key in ("cpu", "logical_cpus"):
        assert key in r["machine"], key
    s = r["shape"]
    n, c, h, w, o, k, stride, pad = shapes[index]
    assert (s["n"], s["c"], s["h"], s["w"], s["o"], s["k"], s["stride"],
            s["pad"]) == shapes[index], s
    oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
    assert (s["out_h"], s["out_w"]) == (oh, ow), s
    assert s["binary_macs_per_call"] == n * o * oh * ow * c * k * k, s
    assert r["check"]["passed"] is True, r["check"]
    assert [e["input"] for e in r["check"]["inputs"]] == ["random",
                                                          "all_ones"]
    for e in r["check"]["inputs"]:
        assert e["mismatches"] == 0 and e["status"] == 0, e
    assert r["compiled"]["pipeline"].startswith("builtin.module("), \
        r["compiled"]
    assert r["rounds"] >= 3, r["rounds"]
    assert r["peaks"], "no popcount peak measured"
    assert r["reference_peak"] == next(iter(r["peaks"])) or \
        r["reference_peak"] in r["peaks"]
    for name, peak in r["peaks"].items():
        for clock in (peak, peak["cpu_time"]):
            assert clock["words_per_s"]["median"] > 0, name
            assert clock["binary_macs_per_s"]["min"] > 0, name
            assert abs(clock["binary_macs_per_s"]["median"] -
                       64 * clock["words_per_s"]["median"]) <= \
                1e-6 * clock["binary_macs_per_s"]["median"], name
    features = r["cpu_features"]
    if features["avx512f"] and features["avx512vpopcntdq"]:
        assert r["reference_peak"] == "avx512_vpopcntdq", r["reference_peak"]
    kernel = r["kernel"]
    assert kernel["binary_macs_per_s"]["median"] > 0
    assert kernel["binary_macs_per_s"]["min"] > 0
    assert kernel["cpu_time"]["binary_macs_per_s"]["median"] > 0
    assert kernel["seconds_per_call"] > 0
    for key in ("wall", "cpu_time", "median_per_round"):
        assert r["fraction_of_peak"][key] > 0, key
print("kernel bench smoke test passed")
PY
