#!/usr/bin/env bash
# Builds sysgauge's timing binary and compares every system-wide call with psutil 7.2.2.
# Run by hand (not in CI): bench/compare_psutil.sh [--batches N] [--batch-ms MS] [--json FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# strace finds the files each call reads, for the file-floor column.
command -v strace >/dev/null || { apt-get update -qq && apt-get install -y -qq strace; }
cargo build --release -q -p sysgauge --example timecalls
exec "${SYSGAUGE_PYTHON:-python3}" bench/compare_psutil.py "$@"
