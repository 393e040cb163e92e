#!/usr/bin/env bash
# Long fuzzing runs by hand. Regenerates fuzz/Cargo.toml from fuzz/fuzz_targets/*.rs, then
# (unless --manifest-only) runs every target (or the TARGETs named) for SECONDS seconds each
# (default 20) over its corpus fuzz/corpus/TARGET, adding new interesting inputs to it.
# Crashes land in fuzz/artifacts/TARGET/. Toolchain: see fuzz/env.sh (stable, no sanitizer,
# by default; FUZZ_TOOLCHAIN=nightly FUZZ_SANITIZER=address for ASan).
# After a long run, minimise the corpus before committing it:  scripts/fuzz.sh --cmin [TARGET...]
# (keeps the smallest inputs that cover every edge; -use_counters=0 ignores hit counts, which
# keeps the committed corpus a few hundred kB instead of several MB).
# Usage: scripts/fuzz.sh [--manifest-only | --cmin] [SECONDS] [TARGET...]
set -euo pipefail
FUZZ_DIR=$(cd "$(dirname "$0")/../fuzz" && pwd)
# shellcheck source=../fuzz/env.sh
. "$FUZZ_DIR/env.sh"
cd "$FUZZ_DIR"
mode=run
case "${1:-}" in
  --manifest-only) mode=manifest; shift ;;
  --cmin) mode=cmin; shift ;;
esac
fuzz_manifest
[ "$mode" = manifest ] && exit 0

secs=20
if [ "$mode" = run ] && [[ "${1:-}" =~ ^[0-9]+$ ]]; then secs=$1; shift; fi
fuzz_install
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(fuzz_targets)
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  if [ "$mode" = cmin ]; then
    echo "== cmin $t: $(ls "corpus/$t" | wc -l) inputs"
    cargo fuzz cmin "${FUZZ_FLAGS[@]}" "$t" "corpus/$t" -- -max_len="$FUZZ_MAX_LEN" -use_counters=0 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" || true
    continue
  fi
  echo "== $t (${secs}s)"
  if ! cargo fuzz run "${FUZZ_FLAGS[@]}" "$t" "corpus/$t" -- \
      -max_total_time="$secs" -max_len="$FUZZ_MAX_LEN" -print_final_stats=1 > "target/$t.log" 2>&1; then
    status=1
    echo "   CRASH: see fuzz/target/$t.log and fuzz/artifacts/$t/"
  fi
  grep -E "^(Done [0-9]+ runs|stat::number_of_executed_units|SUMMARY|==[0-9]+== ERROR)" "target/$t.log" || true
done
exit $status
