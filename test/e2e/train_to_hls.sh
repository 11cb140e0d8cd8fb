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

# The HLS project checks itself: its own test_data_set_0 holds the integer
# logits of the deployed model for the model's test inputs; the CPU artifact
# must agree with them exactly, and so must the C simulation, with the plain
# integer types and with Xilinx's ap_int headers (the types Vitis
# synthesizes), when those are beside the clone.
"$bin/qsnn-compile" "$work/model/model.onnx" --target hls -q -o "$work/hls"
"$bin/qsnn-run" "$work/cpu" --test-data "$work/hls/test_data_set_0"
(cd "$work/hls" && g++ -std=c++14 -O1 model.cpp model_tb.cpp -o csim &&
  ./csim test_data_set_0)
ap_types="$src/../shared/third_party/ap_types/include"
if [[ -f "$ap_types/ap_int.h" ]]; then
  (cd "$work/hls" && g++ -std=c++14 -O1 -isystem "$ap_types" model.cpp \
    model_tb.cpp -o csim_ap && ./csim_ap test_data_set_0)
  # The synthesis branch (pragmas active) type-checks; the test shim lets
  # the open headers be included under __SYNTHESIS__ (they refuse it).
  (cd "$work/hls" && g++ -std=c++14 -Wall -Wextra -Werror -Wno-uninitialized \
    -Wno-unknown-pragmas -Wno-unused-label -D__SYNTHESIS__ \
    -I"$src/test/Target/HLS/Inputs/synthesis" -isystem "$ap_types" \
    -c model.cpp -o model_synthesis.o)
else
  echo "note: $ap_types not found; C simulation with ap_int skipped"
fi
# Float vectors: the testbench compares the argmax and says where the
# integer ones are.
"$work/hls/csim" "$work/model/test_data_set_0" | grep -q "float logits: comparing the argmax only"

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
