# The project's commands. `make test` is the one that CI runs (.ci/run).
.PHONY: all deps test lint unit python fuzz-ci run bench compare fuzz

all: test

deps:
	./scripts/install-deps.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

unit:
	cargo test --workspace --no-fail-fast

# The Python module (python/ over crates/sysgauge-py) in .venv-py: its own pytest suite
# (against psutil 7.2.2), then psutil 7.2.2's own test suite run against it (downloaded from
# PyPI at test time; python/conformance/).
python:
	./scripts/python-dev.sh test -q
	./scripts/python-dev.sh conformance

# Every check: formatting, lints, unit, fixture, integration and stress tests (against
# /proc, free, ps, ip, df, uptime and psutil 7.2.2), the Python module's pytest suite and
# psutil's own suite, and a short run of every fuzz target.
test: deps lint unit python fuzz-ci

# Every fuzz target, built once on the stable toolchain, a few seconds each from the
# committed corpus (fuzz/corpus); fails on any crash or broken invariant.
fuzz-ci:
	./scripts/fuzz-ci.sh

run:
	cargo run --release -p sysgauge-cli -- free

bench:
	cargo bench -p sysgauge

compare:
	./bench/compare_psutil.sh
