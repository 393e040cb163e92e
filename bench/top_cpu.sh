#!/usr/bin/env bash
# CPU time of `sysgauge top` against htop (and psutil's top.py, when it can run) on a machine
# with about 1,000 processes, at the same refresh rate (1 s).
#
# Each viewer runs alone in a tmux pane (160x50) for $SECONDS_EACH seconds (30 by default)
# under `/usr/bin/time -f '%U %S %M'`, then gets `q`. The table gives user + system CPU
# seconds, the maximum RSS and the ratio to htop's CPU time. The crowd of idle processes
# comes from bench/spawn_crowd.py (sleeping children, some with long command lines or long
# names); $TOTAL (1000) is the number of processes to reach.
#
#   bash bench/top_cpu.sh               # htop, sysgauge top, top.py
#   SECONDS_EACH=10 TOTAL=500 RUNS=2 bash bench/top_cpu.sh
#
# htop (Debian's `htop`) and GNU time (`time`) are installed when missing. psutil's top.py
# is run from a throwaway copy in /tmp (deleted afterwards) with one import adapted to
# psutil 7.2.2 (`bytes2human` lives in `psutil._common` there); it is skipped when the
# psutil mirror or psutil is not there.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${SECONDS_EACH:-30}
TOTAL=${TOTAL:-1000}
RUNS=${RUNS:-1}
PYTHON=${SYSGAUGE_PYTHON:-python3}
MIRROR=${PSUTIL_MIRROR:-/work/.mirror/giampaolo+psutil/repo}
SOCK="sg-topbench-$$"
WORK=$(mktemp -d /tmp/sg-topbench.XXXXXX)

need=()
command -v htop >/dev/null 2>&1 || need+=(htop)
[ -x /usr/bin/time ] || need+=(time)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release -q -p sysgauge-cli
SYSGAUGE=$(cargo metadata --format-version 1 --no-deps |
  "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/sysgauge

TOPPY=""
if [ -d "$MIRROR" ] && "$PYTHON" -c 'import psutil' 2>/dev/null; then
  if git -C "$MIRROR" show HEAD:scripts/top.py >"$WORK/top.py" 2>/dev/null; then
    sed -i 's/^from psutil import bytes2human$/from psutil._common import bytes2human/' "$WORK/top.py"
    TOPPY="$PYTHON $WORK/top.py"
  fi
fi

cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  if [ -n "${CROWD_PID:-}" ]; then
    kill "$CROWD_PID" 2>/dev/null || true
    wait "$CROWD_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$PYTHON" bench/spawn_crowd.py "$TOTAL" &
CROWD_PID=$!
nprocs() { ls -1 /proc | grep -c '^[0-9][0-9]*$' || true; }
for _ in $(seq 600); do
  n=$(nprocs)
  [ "$n" -ge $((TOTAL * 95 / 100)) ] && break
  sleep 0.1
done
sleep 2
echo "processes: $(nprocs); ${SECONDS_EACH} s per run; $(nproc) CPUs"

# run NAME COMMAND: one viewer in tmux for SECONDS_EACH s; appends "NAME user sys maxrss".
run() {
  local name=$1 cmd=$2 out="$WORK/$1.time" home="$WORK/home-$1"
  rm -f "$out"
  mkdir -p "$home"
  # A fresh HOME: htop neither reads nor writes the user's configuration.
  tmux -L "$SOCK" -f /dev/null new-session -d -x 160 -y 50 \
    "env HOME=$home /usr/bin/time -f '%U %S %M' -o $out $cmd"
  sleep "$SECONDS_EACH"
  tmux -L "$SOCK" send-keys q
  for _ in $(seq 100); do
    [ -s "$out" ] && break
    sleep 0.1
  done
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  if [ -s "$out" ]; then
    echo "$name $(tail -n 1 "$out")" >>"$WORK/results"
  else
    echo "$name did not finish" >&2
  fi
}

for _ in $(seq "$RUNS"); do
  run htop "htop -d 10"
  run sysgauge "$SYSGAUGE top --delay 1"
  [ -n "$TOPPY" ] && run top.py "$TOPPY"
done

"$PYTHON" - "$WORK/results" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 4]
by = {}
for name, u, s, m in rows:
    by.setdefault(name, []).append((float(u), float(s), int(m)))
htop = by.get("htop")
ref = sum(u + s for u, s, _ in htop) / len(htop) if htop else None
print(f"{'tool':<10} {'user s':>8} {'sys s':>8} {'cpu s':>8} {'max RSS':>10} {'/ htop':>7}")
for name, runs in by.items():
    for u, s, m in runs:
        ratio = f"{(u + s) / ref:.2f}" if ref else "-"
        print(f"{name:<10} {u:>8.2f} {s:>8.2f} {u + s:>8.2f} {m / 1024:>8.1f}M {ratio:>7}")
EOF
