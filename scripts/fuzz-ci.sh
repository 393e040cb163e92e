#!/usr/bin/env bash
# CI fuzzing: builds every fuzz target once (stable toolchain, no sanitizer: see fuzz/env.sh),
# then runs each for FUZZ_CI_SECONDS seconds (default 3) starting from its committed corpus
# fuzz/corpus/TARGET. Fails on any crash, panic or failed invariant; the crashing input is
# written to fuzz/artifacts/TARGET/. New inputs found go to a temporary directory, so the
# committed corpus is never changed by CI.
# Usage: scripts/fuzz-ci.sh [TARGET...]
set -euo pipefail
FUZZ_DIR=$(cd "$(dirname "$0")/../fuzz" && pwd)
# shellcheck source=../fuzz/env.sh
. "$FUZZ_DIR/env.sh"
secs=${FUZZ_CI_SECONDS:-3}
start=$SECONDS

fuzz_install
fuzz_manifest
echo "fuzz-ci: building all targets ($FUZZ_TOOLCHAIN, sanitizer $FUZZ_SANITIZER)"
(cd "$FUZZ_DIR" && cargo fuzz build "${FUZZ_FLAGS[@]}")
built=$SECONDS
host=$(rustc -vV | sed -n 's/^host: //p')
bin="$FUZZ_DIR/target/$host/release"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(fuzz_targets)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
  corpus="$FUZZ_DIR/corpus/$t"
  if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    echo "fuzz-ci: $t has no committed corpus in fuzz/corpus/$t" >&2
    failed+=("$t(no corpus)")
    continue
  fi
  mkdir -p "$scratch/$t" "$FUZZ_DIR/artifacts/$t"
  log="$scratch/$t.log"
  if "$bin/$t" "$scratch/$t" "$corpus" -max_total_time="$secs" -max_len="$FUZZ_MAX_LEN" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$FUZZ_DIR/artifacts/$t/" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    printf 'fuzz-ci: %-32s ok   %10s execs\n' "$t" "${execs:-?}"
  else
    printf 'fuzz-ci: %-32s FAILED\n' "$t"
    grep -E "panicked|assertion|ERROR|SUMMARY|Test unit written|Base64" "$log" | head -20 || true
    failed+=("$t")
  fi
done
echo "fuzz-ci: build $((built - start))s, runs $((SECONDS - built))s, total $((SECONDS - start))s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz-ci: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz-ci: all ${#targets[@]} targets ran without a crash"
