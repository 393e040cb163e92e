#!/usr/bin/env bash
# sysgauge's Python module against psutil 7.2.2 in one interpreter (bench/compare_python.py).
# Run by hand (not in CI):
#   bench/compare_python.sh [--section sweep|system|oneshot|import]... [--batches N]
#                           [--batch-ms MS] [--sweep-batches N] [--procs N] [--json FILE]
# Builds a release wheel of the extension and installs it into $SYSGAUGE_VENV (default
# .venv-py-bench; see bench/pyenv.sh), then runs the comparison from the repository root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/pyenv.sh"
bench_pyenv
cd "$root"
exec "$BENCH_PY" bench/compare_python.py "$@"
