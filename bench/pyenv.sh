# Sourced by bench/compare_python.sh and bench/benchmarks.sh: sets BENCH_PY to the python of a
# virtual environment ($SYSGAUGE_VENV, default .venv-py-bench) that has psutil 7.2.2 and a
# release build of sysgauge's Python module, installed from a wheel (not editable): the
# editable install of scripts/python-dev.sh shares python/sysgauge/_sysgauge.abi3.so, which
# `scripts/python-dev.sh test` replaces with a debug build.
bench_pyenv() {
  local root venv wheels
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  venv=${SYSGAUGE_VENV:-$root/.venv-py-bench}
  [ -x "$venv/bin/python" ] || "${SYSGAUGE_PYTHON:-python3}" -m venv "$venv"
  BENCH_PY="$venv/bin/python"
  if ! "$BENCH_PY" -c 'import maturin, psutil, sys; sys.exit(psutil.__version__ != "7.2.2")' 2>/dev/null; then
    "$BENCH_PY" -m pip install --quiet --disable-pip-version-check 'maturin>=1.9,<2' psutil==7.2.2
  fi
  wheels=$(mktemp -d /tmp/sg-wheel.XXXXXX)
  (cd "$root/python" && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
    maturin build --release --quiet -i "$BENCH_PY" -o "$wheels" >&2)
  "$BENCH_PY" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall \
    "$wheels"/sysgauge-*.whl
  rm -rf "$wheels"
}
