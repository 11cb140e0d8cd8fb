#!/bin/sh
# Distributed qsnn-train on loopback, 2 processes (docs/train.md "More than
# one process or machine"):
# - without --sync-bn: after every one of the 10 steps the parameters,
#   BatchNorm buffers and alpha_hat of rank 0 and rank 1 are bit-identical
#   (replica checksums), although each rank normalizes its own half batch;
# - with --sync-bn and the same global batch (2 x 16), the model after 10
#   steps equals the 1-process run (batch 32) within 1e-5, and its metrics
#   are the same; the run without --sync-bn differs from it by more (so the
#   comparison can tell);
# - a resume with another global batch is refused unless
#   --allow-batch-change.
# Usage: dist_replicas.sh QSNN_TRAIN WORKDIR   (QSNN_PYTHON in the env)
set -eu
train="$1"
work="$2"
python="${QSNN_PYTHON:-/usr/bin/python3}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/dist_common.sh"
rm -rf "$work"
mkdir -p "$work"
compare="$here/compare_checkpoints.py"

# 320 images: 10 steps of a global batch of 32.
tiny_fit --epochs 1 --limit-train 320 --batch 32 -o "$work/one" \
  2>"$work/one.log" || { cat "$work/one.log"; fail "1-process fit"; }

# shellcheck disable=SC2086
"$train" launch --nproc-per-node 2 --master-port "$(free_port)" fit $tiny \
  --epochs 1 --limit-train 320 --batch 16 --replica-checksums "$work/sum" \
  -o "$work/ddp" 2>"$work/ddp.log" || { cat "$work/ddp.log"; fail "2-process fit"; }
[ "$(lines_of "$work/sum.0")" -eq 10 ] || fail "rank 0 logged $(lines_of "$work/sum.0") steps, not 10"
cmp "$work/sum.0" "$work/sum.1" || { paste "$work/sum.0" "$work/sum.1"; fail "replicas diverged"; }
[ "$(cut -d' ' -f3 "$work/sum.0" | sort -u | wc -l)" -eq 10 ] ||
  fail "the model did not change at every step"
[ "$(metric "$work/ddp/metrics.jsonl" steps 1)" = 10 ] || fail "steps"
[ "$(metric "$work/ddp/metrics.jsonl" global_batch 1)" = 32 ] || fail "global_batch"
# Only rank 0 draws the progress bar and reports the epoch.
[ "$(grep -c 'epoch 1: test accuracy' "$work/ddp.log")" -eq 1 ] || fail "epoch line"

port="$(free_port)"
export MASTER_PORT="$port" WORLD_SIZE=2
RANK=0 tiny_fit --epochs 1 --limit-train 320 --batch 16 --sync-bn \
  --replica-checksums "$work/syncsum" -o "$work/sync" 2>"$work/sync0.log" &
r0=$!
RANK=1 tiny_fit --epochs 1 --limit-train 320 --batch 16 --sync-bn \
  --replica-checksums "$work/syncsum" -o "$work/sync" 2>"$work/sync1.log" &
r1=$!
collect $r0; [ "$status" = 0 ] || { cat "$work/sync0.log"; fail "sync-bn rank 0"; }
collect $r1; [ "$status" = 0 ] || { cat "$work/sync1.log"; fail "sync-bn rank 1"; }
unset MASTER_PORT WORLD_SIZE
cmp "$work/syncsum.0" "$work/syncsum.1" || fail "sync-bn replicas diverged"

"$python" "$compare" "$work/one/checkpoint.pt" "$work/sync/checkpoint.pt" --within 1e-5
"$python" "$compare" "$work/one/checkpoint.pt" "$work/ddp/checkpoint.pt" --differ-by 1e-5
"$python" - "$work/one/metrics.jsonl" "$work/sync/metrics.jsonl" <<'PY'
import json, sys
one, two = (json.loads(open(p).readline()) for p in sys.argv[1:])
for key in ("loss", "train_accuracy", "test_accuracy", "lr"):
    assert abs(one[key] - two[key]) <= 1e-5, (key, one[key], two[key])
for a, b in zip(one["firing_rate"], two["firing_rate"]):
    assert abs(a - b) <= 1e-5, (one["firing_rate"], two["firing_rate"])
print("metrics agree: loss %.6f / %.6f" % (one["loss"], two["loss"]))
PY

# The checkpoint records its global batch (32); 1 process x 16 is refused,
# nothing is written; with --allow-batch-change (or 1 x 32) it continues.
before="$(cksum < "$work/ddp/checkpoint.pt")"
if tiny_fit --epochs 1 --limit-train 320 --batch 16 --resume -o "$work/ddp" 2>"$work/batch.log"; then
  fail "resume with another global batch was accepted"
fi
expect_in "$work/batch.log" "was trained with a global batch of 32 (2 process(es)), this run has 16 (1 x --batch 16); pass --allow-batch-change"
[ "$before" = "$(cksum < "$work/ddp/checkpoint.pt")" ] || fail "checkpoint touched"
tiny_fit --epochs 1 --limit-train 320 --batch 16 --resume --allow-batch-change \
  -o "$work/ddp" 2>"$work/allow.log" || { cat "$work/allow.log"; fail "--allow-batch-change"; }
tiny_fit --epochs 1 --limit-train 320 --batch 32 --resume -o "$work/ddp" \
  2>"$work/same.log" || { cat "$work/same.log"; fail "same global batch"; }
expect_in "$work/same.log" "already trained 1 of 1 epochs"
echo "distributed replica test passed"
