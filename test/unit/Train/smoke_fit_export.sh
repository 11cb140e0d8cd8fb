#!/bin/sh
# Smoke test of qsnn-train: one short epoch of the tiny net on 2,000
# Fashion-MNIST images, test accuracy well above chance, export, the full ONNX
# check in Python, and the exported graph re-run by an independent numpy
# interpreter against the test vectors; the same for a 32w-32u model.
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
# The 32w-32u baseline: float weights everywhere, exported as plain Conv/Gemm
# initializers (no QONNX quantizer), and the same independent re-run.
"$train" fit --arch tiny --time-steps 2 --epochs 1 --batch-size 32 \
  --limit-train 2000 --limit-test 1000 --threads 1 --seed 1 \
  --weight-bits 32 --membrane-bits 32 \
  --output "$work/run32" 2>"$work/fit32.log" || { cat "$work/fit32.log"; exit 1; }
"$train" export "$work/run32/checkpoint.pt" -o "$work/model32" --test-vectors 16
"$python" -c "
import onnx, sys
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
ops = [n.op_type for n in m.graph.node]
assert 'Quant' not in ops and 'BipolarQuant' not in ops, ops
assert all(n.domain in ('', 'ai.qsnn') for n in m.graph.node), ops
inits = {i.name for i in m.graph.initializer}
for n in m.graph.node:
    if n.op_type in ('Conv', 'Gemm'):
        assert n.input[1] in inits, n.input[1]
" "$work/model32/model.onnx"
"$python" "$here/onnx_reference.py" "$work/model32"

# A weight width other than 1 or 32 is a usage error: exit 1, nothing written.
if "$train" fit --weight-bits 3 --output "$work/bad" 2>"$work/bad.log"; then
  echo "--weight-bits 3 was accepted"; exit 1
fi
grep -q -- "--weight-bits" "$work/bad.log"
[ ! -e "$work/bad" ]
echo "smoke test passed"
