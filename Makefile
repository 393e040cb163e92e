# The project's commands. `make test` is the one that CI runs (.ci/run).
.PHONY: all deps test lint unit run bench compare fuzz

all: test

deps:
	./scripts/install-deps.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

unit:
	cargo test --workspace --no-fail-fast

# Every check: formatting, lints, unit, fixture and integration tests (against /proc,
# free, ps, ip, df, uptime and psutil 7.2.2).
test: deps lint unit

run:
	cargo run --release -p sysgauge-cli -- free

bench:
	cargo bench -p sysgauge

compare:
	./bench/compare_psutil.sh
