#!/bin/sh
# Start-up errors of distributed qsnn-train (loopback): ranks started with
# different options or world sizes, a port in use, a store nobody hosts, a
# peer that never comes, and bad rank settings each give one clear line
# (exit 1; exit 2 for usage errors) before any training.
# Usage: dist_startup.sh QSNN_TRAIN WORKDIR   (QSNN_PYTHON in the env)
set -eu
train="$1"
work="$2"
python="${QSNN_PYTHON:-/usr/bin/python3}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/dist_common.sh"
rm -rf "$work"
mkdir -p "$work"

limit=10 # --timeout of small_fit
small_fit() { # RANK WORLD PORT LOG [options]
  rank=$1 world=$2 port=$3 log=$4
  shift 4
  tiny_fit --epochs 1 --limit-train 64 --batch 16 --timeout "$limit" \
    --rank "$rank" --world-size "$world" --master-port "$port" \
    -o "$work/out" "$@" 2>"$log"
}

# Both ranks fail with message $1 when rank 1 is started with world size
# $2 and the options that follow.
mismatch() {
  expected=$1 world=$2
  shift 2
  port="$(free_port)"
  small_fit 0 2 "$port" "$work/m0.log" & p0=$!
  small_fit 1 "$world" "$port" "$work/m1.log" "$@" & p1=$!
  collect $p0; [ "$status" = 1 ] || { cat "$work/m0.log"; fail "rank 0 accepted a mismatch"; }
  collect $p1; [ "$status" = 1 ] || { cat "$work/m1.log"; fail "rank 1 accepted a mismatch"; }
  expect_in "$work/m1.log" "qsnn-train: rank 1: $expected"
  expect_in "$work/m0.log" "qsnn-train: rank 0: rank 1: $expected"
  [ ! -e "$work/out/checkpoint.pt" ] || fail "a checkpoint was written"
}
mismatch "rank 1 was started with --membrane-bits 4, rank 0 with --membrane-bits 2 (every rank needs the same model and training options)" \
  2 --membrane-bits 4
mismatch "rank 1 was started with --world-size 3, rank 0 with --world-size 2" 3

# A port in use: rank 0 cannot host the store.
"$python" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6)
s.bind(("::", 0)); s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(60)' >"$work/busy" & holder=$!
wait_lines "$work/busy" 10 1
busy="$(cat "$work/busy")"
if small_fit 0 2 "$busy" "$work/busy.log"; then fail "a busy port was accepted"; fi
kill "$holder"
expect_in "$work/busy.log" "qsnn-train: rank 0: rank 0 cannot listen on port $busy (address already in use); choose a free --master-port (MASTER_PORT)"

# Nobody hosts the store at that port: rank 1 gives up after --timeout.
limit=2
port="$(free_port)"
start=$(date +%s)
if small_fit 1 2 "$port" "$work/lost.log"; then fail "no store, yet success"; fi
took=$(($(date +%s) - start))
[ "$took" -lt 8 ] || fail "rank 1 waited $took s for a 2 s timeout"
expect_in "$work/lost.log" "qsnn-train: rank 1: rank 1 cannot reach rank 0's store at 127.0.0.1:$port within 2 s"

# Rank 0 alone: its peer never joins.
if small_fit 0 2 "$(free_port)" "$work/alone.log"; then fail "rank 0 trained alone"; fi
expect_in "$work/alone.log" "qsnn-train: rank 0: rank 1 did not get through start-up (options) within 2 s"
[ "$(lines_of "$work/alone.log")" -eq 1 ] || { cat "$work/alone.log"; fail "more than one line"; }

# Usage errors: exit 2, one line, nothing written.
usage() { # EXPECTED, then the command
  expected=$1
  shift
  set +e
  "$@" 2>"$work/usage.log"
  s=$?
  set -e
  [ "$s" = 2 ] || { cat "$work/usage.log"; fail "exit $s, not 2: $*"; }
  expect_in "$work/usage.log" "$expected"
}
usage "qsnn-train: error: --rank (RANK) 2 must be below --world-size (WORLD_SIZE) 2" \
  "$train" fit --rank 2 --world-size 2 -o "$work/u"
usage "qsnn-train: error: RANK='one' is not an integer in [0, 65535]" \
  env RANK=one WORLD_SIZE=2 "$train" fit -o "$work/u"
usage "qsnn-train: error: --master-port is set by launch for each worker" \
  "$train" launch --nproc-per-node 2 fit --master-port 1234 -o "$work/u"
usage "qsnn-train: error: launch runs 'fit ...', got 'eval'" \
  "$train" launch --nproc-per-node 2 eval x.pt
usage "qsnn-train: error: --node-rank 2 must be below --nnodes 2" \
  "$train" launch --nnodes 2 --node-rank 2 fit -o "$work/u"
usage "qsnn-train: error: --weight-bits" \
  "$train" launch --nproc-per-node 2 fit --weight-bits 3 -o "$work/u"
[ ! -e "$work/u" ] || fail "a usage error wrote output"
echo "distributed start-up test passed"
