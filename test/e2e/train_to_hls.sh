#!/usr/bin/env bash
# The main job in miniature: train a few steps -> export -> compile for the
# CPU (integer) and to HLS C++ -> run both -> HLS equals the CPU bit for bit,
# and the CPU artifact agrees with the float model's test vectors.
#
# usage: train_to_hls.sh BUILD_BIN_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
bin=$1
src=$2
work=$3
rm -rf "$work" && mkdir -p "$work"

"$bin/qsnn-train" fit --arch tiny --epochs 1 --limit-train 500 \
  --limit-test 100 -T 2 --threads 1 -o "$work/train" >"$work/train.log" 2>&1
"$bin/qsnn-train" export "$work/train/checkpoint.pt" -o "$work/model" \
  --test-vectors 16 >/dev/null

"$bin/qsnn-compile" "$work/model/model.onnx" --target cpu -q -o "$work/cpu"
grep -q '"numerics": "integer"' "$work/cpu/model.json"
# Integer logits against the float model's vectors: every argmax must agree.
"$bin/qsnn-run" "$work/cpu" --test-data "$work/model/test_data_set_0"

"$bin/qsnn-compile" "$work/model/model.onnx" --target hls -q -o "$work/hls"
/usr/bin/python3 "$src/scripts/demo_hls_vectors.py" "$work/cpu" \
  "$work/model/test_data_set_0" "$work/vectors" --samples 16 >/dev/null
g++ -std=c++14 -O1 -I"$work/hls" "$work/hls/model.cpp" \
  "$work/hls/model_tb.cpp" -o "$work/csim"
"$work/csim" "$work/vectors"

# The HLS report's ROM and state bits are the compiler's memory plan.
/usr/bin/python3 - "$work/hls/model_report.json" "$work/cpu/model.json" <<'PY'
import json, sys
rom = json.load(open(sys.argv[1]))
plan = json.load(open(sys.argv[2]))["memory"]["model"]
weights = 8 * (plan["binary_weight_bytes"] + plan["int8_weight_bytes"])
pairs = [("weight ROM bits", rom["rom"]["weight_bits"], weights),
         ("constant ROM bits", rom["rom"]["constant_bits"],
          8 * plan["constant_bytes"]),
         ("peak membrane bits per sample",
          rom["membranes"]["peak_state_bits_per_sample"],
          plan["membrane_bits_per_sample"])]
bad = [p for p in pairs if p[1] != p[2]]
for name, hls, cpu in pairs:
    print("%-30s HLS %d, memory plan %d" % (name, hls, cpu))
sys.exit(1 if bad else 0)
PY
