#!/usr/bin/env bash
# Process benchmarks, run by hand (not in CI): a ps-like sweep over about 1,000 processes
# (raw floor, sysgauge, sysinfo, psutil 7.2.2, procps ps), or with --oneshot the oneshot()
# micro-benchmark of psutil 7.2.2 against sysgauge. Builds the examples in release first.
#   bench/compare_ps.sh [--procs N] [--iters N] [--json FILE]
#   bench/compare_ps.sh --oneshot [--times N] [--repeat N] [--json FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cargo build --release -q -p sysgauge --example sweep --example oneshot_bench
exec "${SYSGAUGE_PYTHON:-python3}" bench/compare_ps.py "$@"
