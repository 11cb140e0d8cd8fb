# Shared by the dist_*.sh tests of distributed qsnn-train (sourced, POSIX sh).
# Expects $train (qsnn-train), $work (a fresh directory) and $python.

# A TCP port nobody listens on right now (the kernel's pick on loopback).
free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The tiny net on Fashion-MNIST, T = 2, one thread per process: every test
# run trains the same model family (extra options follow).
tiny="--arch tiny --time-steps 2 --threads 1 --seed 3 --limit-test 200"
tiny_fit() {
  # shellcheck disable=SC2086
  "$train" fit $tiny "$@"
}

fail() {
  echo "FAIL: $*"
  exit 1
}

# Lines of a file (0 when it does not exist yet).
lines_of() {
  if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi
}

# Waits (up to $2 seconds) until file $1 has at least $3 lines.
wait_lines() {
  i=0
  while [ "$(lines_of "$1")" -lt "$3" ]; do
    i=$((i + 1))
    [ "$i" -le $(($2 * 20)) ] || fail "$1 did not reach $3 lines within $2 s"
    sleep 0.05
  done
}

# Waits for background job $1 and sets $status to its exit status (not in
# a command substitution: a subshell cannot wait for its parent's jobs).
collect() {
  set +e
  wait "$1"
  status=$?
  set -e
}

# Fails unless file $1 contains the fixed string $2.
expect_in() {
  grep -qF -- "$2" "$1" || { cat "$1"; fail "'$1' lacks: $2"; }
}

# The value of key $2 in line $3 (1-based) of metrics file $1.
metric() {
  "$python" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readlines()[int(sys.argv[3]) - 1])[sys.argv[2]])' "$1" "$2" "$3"
}
