#!/bin/sh
# Faults and resume of distributed qsnn-train on loopback, 2 processes:
# - rank 1 killed with SIGKILL in the second epoch: rank 0 exits 1 well
#   within --timeout with one line naming the lost rank; rank 0 killed: rank
#   1 names rank 0; under `launch`, the launcher names the killed worker and
#   stops the other;
# - resuming the killed run from its epoch-1 checkpoint with 2 processes
#   continues the learning-rate schedule and the step count, and ends with
#   the very model (same replica checksum) of an uninterrupted run.
# Usage: dist_faults.sh QSNN_TRAIN WORKDIR   (QSNN_PYTHON in the env)
set -eu
train="$1"
work="$2"
python="${QSNN_PYTHON:-/usr/bin/python3}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/dist_common.sh"
rm -rf "$work"
mkdir -p "$work"

# 20 steps per epoch (640 images, global batch 2 x 16), 2 epochs.
limit=20 # --timeout
run_rank() { # RANK PORT OUT SUMS LOG [options]
  rank=$1 port=$2 out=$3 sums=$4 log=$5
  shift 5
  # exec: the job's pid is the trainer's (the test kills it).
  # shellcheck disable=SC2086
  RANK=$rank WORLD_SIZE=2 MASTER_PORT=$port exec "$train" fit $tiny --epochs 2 \
    --limit-train 640 --batch 16 --timeout "$limit" -o "$out" \
    --replica-checksums "$sums" "$@" 2>"$log"
}

# Kills rank $1 of a fresh run in epoch 2 (step 23: rank 0 wrote the epoch-1
# checkpoint before the step-21 allreduce) and checks the survivor's report.
kill_one() { # VICTIM [SIGNAL]
  victim=$1 survivor=$((1 - $1)) dir="$work/kill$1${2:-}"
  port="$(free_port)"
  run_rank 0 "$port" "$dir" "$dir.sum" "$dir.0.log" & p0=$!
  run_rank 1 "$port" "$dir" "$dir.sum" "$dir.1.log" & p1=$!
  eval "pv=\$p$victim ps=\$p$survivor"
  wait_lines "$dir.sum.$victim" 120 23
  kill -"${2:-KILL}" "$pv"
  start=$(date +%s)
  collect "$ps"
  took=$(($(date +%s) - start))
  survivorStatus=$status
  [ "${2:-KILL}" = KILL ] || kill -KILL "$pv"
  collect "$pv"
  status=$survivorStatus
  [ "$status" = 1 ] || { cat "$dir.$survivor.log"; fail "rank $survivor exited $status"; }
  [ "$took" -lt $((limit + 5)) ] || fail "rank $survivor needed $took s to stop"
  expect_in "$dir.$survivor.log" "qsnn-train: rank $survivor: lost rank $victim"
  # Rank 1 draws no progress: its whole output is that line.
  [ "$survivor" = 0 ] || [ "$(lines_of "$dir.1.log")" -eq 1 ] ||
    { cat "$dir.1.log"; fail "rank 1 printed more than one line"; }
  echo "rank $survivor stopped $took s after rank $victim was killed: $(tail -n 1 "$dir.$survivor.log")"
}

kill_one 1
kill_one 0
# A rank that hangs (stopped): the other gives up after --timeout 6.
limit=6
kill_one 1 STOP
limit=20
[ "$(metric "$work/kill1/metrics.jsonl" epoch 1)" = 1 ] || fail "no epoch-1 metrics"
[ ! -e "$work/kill1/metrics.jsonl" ] || [ "$(lines_of "$work/kill1/metrics.jsonl")" -eq 1 ] ||
  fail "the killed run finished epoch 2"

# Uninterrupted reference, then the resume of the run whose rank 1 died.
port="$(free_port)"
run_rank 0 "$port" "$work/ref" "$work/ref.sum" "$work/ref.0.log" & p0=$!
run_rank 1 "$port" "$work/ref" "$work/ref.sum" "$work/ref.1.log" & p1=$!
collect $p0; [ "$status" = 0 ] || { cat "$work/ref.0.log"; fail "reference rank 0"; }
collect $p1; [ "$status" = 0 ] || { cat "$work/ref.1.log"; fail "reference rank 1"; }
port="$(free_port)"
run_rank 0 "$port" "$work/kill1" "$work/resumed.sum" "$work/res.0.log" --resume & p0=$!
run_rank 1 "$port" "$work/kill1" "$work/resumed.sum" "$work/res.1.log" --resume & p1=$!
collect $p0; [ "$status" = 0 ] || { cat "$work/res.0.log"; fail "resumed rank 0"; }
collect $p1; [ "$status" = 0 ] || { cat "$work/res.1.log"; fail "resumed rank 1"; }
for key in epoch steps lr global_batch; do
  [ "$(metric "$work/kill1/metrics.jsonl" $key 2)" = "$(metric "$work/ref/metrics.jsonl" $key 2)" ] ||
    fail "resumed $key $(metric "$work/kill1/metrics.jsonl" $key 2), uninterrupted $(metric "$work/ref/metrics.jsonl" $key 2)"
done
[ "$(metric "$work/kill1/metrics.jsonl" steps 2)" = 40 ] || fail "step count"
# The resumed epoch starts at step 21 and ends on the reference's model.
[ "$(head -n 1 "$work/resumed.sum.0" | cut -d' ' -f1,2)" = "2 21" ] || fail "resume did not start at step 21"
[ "$(tail -n 1 "$work/resumed.sum.0")" = "$(tail -n 1 "$work/ref.sum.0")" ] ||
  fail "resumed model differs from the uninterrupted one"
cmp "$work/resumed.sum.0" "$work/resumed.sum.1" || fail "resumed replicas diverged"

# Under launch, the launcher names the worker that died and stops the other.
# shellcheck disable=SC2086
"$train" launch --nproc-per-node 2 --master-port "$(free_port)" fit $tiny --epochs 2 \
  --limit-train 640 --batch 16 --timeout 20 -o "$work/launched" \
  --replica-checksums "$work/launched.sum" 2>"$work/launch.log" & launcher=$!
wait_lines "$work/launched.sum.1" 120 5
worker="$(ps -o pid= --ppid "$launcher" | sort -n | tail -n 1 | tr -d ' ')"
kill -KILL "$worker"
collect $launcher; [ "$status" = 1 ] || fail "launch did not fail"
expect_in "$work/launch.log" "qsnn-train launch: rank 1 (pid $worker) was killed by signal 9"
[ -z "$(ps -o pid= --ppid "$launcher" 2>/dev/null)" ] || fail "a worker outlived launch"
echo "distributed fault test passed"
