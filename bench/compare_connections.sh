#!/usr/bin/env bash
# Connections benchmark, run by hand (not in CI): a system-wide TCP listing with pids while
# other processes hold --conns loopback connections (bench/conn_load.py), timed for sysgauge
# (the connections_bench example), psutil 7.2.2 and `ss -tanp`. Builds the example in
# release, starts the load, waits until it is ready, runs bench/compare_connections.py and
# stops the load, also on Ctrl-C or failure (and the load ends on its own after --timeout).
#   bench/compare_connections.sh [--conns N] [--iters K] [--json FILE] [--timeout S] [--cpu C]
# --cpu C runs the comparison (every tool, not the load) on CPU C only (taskset): on a VM
# whose CPUs differ in speed, the tools then all run on the same one (but the `-par` and
# `-overlap` floors get no second CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${SYSGAUGE_PYTHON:-python3}

conns=10000
iters=10
timeout=900
json=()
pin=()
while [ $# -gt 0 ]; do
  case "$1" in
    --conns) conns=$2; shift 2 ;;
    --iters) iters=$2; shift 2 ;;
    --json) json=(--json "$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --cpu) pin=(taskset -c "$2"); shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; sed -n '7p' "$0" >&2; exit 2 ;;
  esac
done

./scripts/install-deps.sh
cargo build --release -q -p sysgauge --example connections_bench

tmp=$(mktemp -d /tmp/sg-conns.XXXXXX)
load_pid=
compare_pid=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # The comparison turns SIGTERM into KeyboardInterrupt: it kills the tool it is running.
  if [ -n "$compare_pid" ] && kill -0 "$compare_pid" 2>/dev/null; then
    kill -TERM "$compare_pid" 2>/dev/null || true
    wait "$compare_pid" 2>/dev/null || true
  fi
  # Closing our end of the fifo is the load's signal to close everything and exit.
  exec 9>&- 2>/dev/null || true
  if [ -n "$load_pid" ] && kill -0 "$load_pid" 2>/dev/null; then
    for _ in $(seq 50); do
      kill -0 "$load_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkfifo "$tmp/stdin"
"$PYTHON" bench/conn_load.py --conns "$conns" --timeout "$timeout" \
  --ready-file "$tmp/ready" <"$tmp/stdin" >/dev/null &
load_pid=$!
exec 9>"$tmp/stdin" # unblocks the load's open of its stdin

for _ in $(seq 1200); do
  [ -s "$tmp/ready" ] && break
  if ! kill -0 "$load_pid" 2>/dev/null; then
    echo "the load maker exited before it was ready" >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$tmp/ready" ] || { echo "the load maker was not ready after 120 s" >&2; exit 1; }
read -r _ pids made sockets secs <"$tmp/ready"
echo "load: $made connections, $sockets sockets held by pid(s) $pids (made in $secs s)" >&2

# In the background, so that a signal to this shell runs its trap at once (bash delays
# traps while a foreground command runs).
"${pin[@]}" "$PYTHON" bench/compare_connections.py --load-pids "$pids" --conns "$made" \
  --iters "$iters" "${json[@]}" 9>&- &
compare_pid=$!
status=0
wait "$compare_pid" || status=$?
compare_pid=
exit "$status"
