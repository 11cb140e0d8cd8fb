#!/bin/sh
# Smoke test of qsnn-train: one short epoch of the tiny net on 2,000
# Fashion-MNIST images, test accuracy well above chance, export, the full ONNX
# check in Python, and the exported graph re-run by an independent numpy
# interpreter against the test vectors.
# Usage: smoke_fit_export.sh QSNN_TRAIN WORKDIR   (QSNN_PYTHON in the env)
set -eu
train="$1"
work="$2"
python="${QSNN_PYTHON:-/usr/bin/python3}"
here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$work"
mkdir -p "$work"

"$train" fit --arch tiny --time-steps 2 --epochs 1 --batch-size 32 \
  --limit-train 2000 --limit-test 1000 --threads 1 --seed 1 \
  --output "$work/run" 2>"$work/fit.log" || { cat "$work/fit.log"; exit 1; }

"$python" - "$work/run/metrics.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 1, lines
m = lines[0]
for key in ("epoch", "loss", "train_accuracy", "test_accuracy", "firing_rate",
            "weight_sign_balance", "lr", "seconds"):
    assert key in m, key
print("test accuracy", m["test_accuracy"])
assert m["test_accuracy"] >= 0.5, "accuracy %.3f is not well above chance" % m["test_accuracy"]
PY

"$train" export "$work/run/checkpoint.pt" -o "$work/model" --test-vectors 16

"$python" -c "
import onnx, sys
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
" "$work/model/model.onnx"

"$python" "$here/onnx_reference.py" "$work/model"

# Resuming a finished run of another architecture must fail and keep files.
before="$(cksum < "$work/run/checkpoint.pt")"
if "$train" fit --arch small --resume --output "$work/run" 2>"$work/err.log"; then
  echo "resume with another --arch was accepted"; exit 1
fi
grep -q "checkpoint.pt" "$work/err.log"
[ "$before" = "$(cksum < "$work/run/checkpoint.pt")" ]
echo "smoke test passed"
