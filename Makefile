# The project's commands. `make test` is the one that CI runs (.ci/run).
.PHONY: all deps test lint unit python run bench compare fuzz

all: test

deps:
	./scripts/install-deps.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

unit:
	cargo test --workspace --no-fail-fast

# The Python module (python/ over crates/sysgauge-py) in .venv-py, against psutil 7.2.2.
python:
	./scripts/python-dev.sh test -q

# Every check: formatting, lints, unit, fixture and integration tests (against /proc,
# free, ps, ip, df, uptime and psutil 7.2.2), and the Python module's pytest suite.
test: deps lint unit python

run:
	cargo run --release -p sysgauge-cli -- free

bench:
	cargo bench -p sysgauge

compare:
	./bench/compare_psutil.sh
