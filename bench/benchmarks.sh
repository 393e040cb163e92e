#!/usr/bin/env bash
# One command for BENCHMARKS.md (issue 7): builds everything in release, then
# bench/benchmarks.py starts the load each work item needs (about 1,000 idle processes;
# 10,000 loopback connections), times sysgauge, its Python module, psutil 7.2.2, sysinfo, the
# procfs crate, procps ps, iproute2 ss, htop, psutil's top.py and a raw read-only loop on the
# same work, and writes BENCHMARKS.md at the repository root. Run by hand on a quiet machine
# (not in CI); the full run takes about 10 minutes.
#   bench/benchmarks.sh [--quick] [--out FILE] [--only sweep|oneshot|system|connections|top]...
# --quick: few iterations, a smoke test (under 3 minutes); its figures are not for quoting.
# The load is always stopped: on exit, Ctrl-C or SIGTERM the whole process group of the run
# is ended (the crowd and connection makers also die with their parent: PR_SET_PDEATHSIG).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
case " $* " in *" -h "* | *" --help "*) sed -n '2,12p' "$0"; exit 0 ;; esac

need=()
command -v htop >/dev/null 2>&1 || need+=(htop)
[ -x /usr/bin/time ] || need+=(time)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v strace >/dev/null 2>&1 || need+=(strace)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v ps >/dev/null 2>&1 || need+=(procps)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "benchmarks: building (release) ..." >&2
cargo build --release -q -p sysgauge --example sweep --example oneshot_bench \
  --example timecalls --example connections_bench
cargo build --release -q -p sysgauge-cli
. "$root/bench/pyenv.sh"
bench_pyenv

runner=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$runner" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$runner" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# In the background, so that a signal to this shell runs its trap at once.
"$BENCH_PY" bench/benchmarks.py --python "$BENCH_PY" "$@" &
runner=$!
status=0
wait "$runner" || status=$?
runner=
exit "$status"
