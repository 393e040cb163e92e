#!/usr/bin/env bash
# The Python package (python/sysgauge over crates/sysgauge-py), built and used in a virtual
# environment at the repository root:
#
#   scripts/python-dev.sh            build and install it into .venv-py (release build)
#   scripts/python-dev.sh test [ARGS]  dev build, then pytest on python/tests (ARGS go to pytest)
#   scripts/python-dev.sh typecheck  ... then run mypy --strict on the package (installs mypy)
#   scripts/python-dev.sh python [ARGS] ... then run the environment's python
#   scripts/python-dev.sh shell      ... then open a shell with the environment active
#   scripts/python-dev.sh conformance [ARGS]  dev build, then psutil 7.2.2's own test suite
#                                    against sysgauge (python/conformance/run.py ARGS)
#
# The first run creates .venv-py (or $SYSGAUGE_VENV) with $SYSGAUGE_PYTHON (default python3, CPython >= 3.11) and
# installs maturin, pytest and psutil 7.2.2 (the oracle the tests compare against) from PyPI.
# The Rust build goes to the workspace's target/ directory, shared with cargo.
set -euo pipefail
cmd=${1:-build}
[ $# -gt 0 ] && shift
case "$cmd" in
  build | test | typecheck | python | shell | conformance) ;;
  *) echo "usage: $0 [build | test [PYTEST ARGS] | typecheck | python [ARGS] | shell | conformance [ARGS]]" >&2
     exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${SYSGAUGE_VENV:-$root/.venv-py}
PYTHON=${SYSGAUGE_PYTHON:-python3}

if [ ! -x "$venv/bin/python" ]; then
  "$PYTHON" -m venv "$venv"
fi
vpy="$venv/bin/python"
if ! "$vpy" -c 'import maturin, pytest, psutil, sys; sys.exit(psutil.__version__ != "7.2.2")' \
    2>/dev/null; then
  "$vpy" -m pip install --quiet --disable-pip-version-check 'maturin>=1.9,<2' pytest psutil==7.2.2
fi

export VIRTUAL_ENV="$venv"
export PATH="$venv/bin:$PATH"
unset CONDA_PREFIX
# Tests (pytest and psutil's suite) use the dev profile, which shares the library's build with
# `cargo test`; everything else (timings included) gets the release build.
profile=--release
case "$cmd" in test | conformance) profile= ;; esac
(cd "$root/python" && maturin develop $profile --quiet)

case "$cmd" in
  build) ;;
  test) cd "$root/python" && exec "$vpy" -m pytest tests "$@" ;;
  typecheck)
    "$vpy" -c 'import mypy' 2>/dev/null ||
      "$vpy" -m pip install --quiet --disable-pip-version-check mypy
    cd "$root/python" && exec "$vpy" -m mypy --strict -p sysgauge "$@" ;;
  python) exec "$vpy" "$@" ;;
  conformance) exec "$vpy" "$root/python/conformance/run.py" "$@" ;;
  shell) exec "${SHELL:-bash}" -i ;;
esac
