#!/usr/bin/env python3
"""psutil 7.2.2's own test suite, run against sysgauge.

At each run (nothing of psutil is kept in this repository):

1. the psutil 7.2.2 sdist is fetched from PyPI (its sha256 checked against the one PyPI
   publishes) and cached under ``$XDG_CACHE_HOME/sysgauge`` (or ``~/.cache/sysgauge``), so
   later runs need no network;
2. its ``tests/`` package is unpacked into a temporary directory, next to a generated
   ``psutil`` package that *is* sysgauge: its ``__init__`` re-exports sysgauge's public names
   (``psutil.Process is sysgauge.Process``), ``psutil._ntuples`` is sysgauge's, and the two
   pure-Python private modules the test helpers import (``_common``, ``_psposix``) are taken
   from the sdist, with ``_common``'s exceptions and enums rebound to sysgauge's;
3. pytest runs the selected test files with that directory first on ``sys.path`` (children
   spawned by the tests get it through ``PYTHONPATH``), so the installed psutil (the oracle
   of sysgauge's own tests) is never what ``import psutil`` finds; a generated conftest checks
   this before any test runs;
4. each test's outcome (from pytest's JUnit XML) is matched against ``expected.toml``, the
   committed list of tests that cannot apply to sysgauge and why. A failure or error outside
   that list is a regression: the run exits 1. Listed tests that now pass are reported as
   stale entries (not an error).

The report (a table per test file) is printed and written to ``target/conformance/``
(``report.md``, ``report.json``, plus pytest's ``junit.xml`` and ``pytest.log``).

Usage (normally through ``scripts/python-dev.sh conformance [ARGS]``)::

    run.py [--files test_system.py ...] [-k EXPR] [--report-only] [--update-expected]
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import tomllib
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

PSUTIL_VERSION = "7.2.2"
SDIST = f"psutil-{PSUTIL_VERSION}.tar.gz"
PYPI = os.environ.get("SYSGAUGE_PYPI_URL", "https://pypi.org").rstrip("/")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXPECTED = HERE / "expected.toml"
OUT = ROOT / "target" / "conformance"

#: Seconds one test may take before the generated conftest interrupts it.
TEST_TIMEOUT = 60

TODO = "TODO"


# --- the sdist ------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where the sdist is kept between runs."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sysgauge"


def _get(url: str, accept: str | None = None, timeout: float = 60.0) -> bytes:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - fixed https URL
        data: bytes = resp.read()
        return data


def sdist_location() -> tuple[str, str]:
    """The sdist's download URL and sha256, as PyPI publishes them.

    PyPI's JSON API first; its simple index (PEP 691 JSON form) when that API is not
    reachable (some mirrors and proxies serve only the simple index).
    """
    errors = []
    try:
        meta = json.loads(_get(f"{PYPI}/pypi/psutil/{PSUTIL_VERSION}/json"))
        for f in meta["urls"]:
            if f["filename"] == SDIST:
                return f["url"], f["digests"]["sha256"]
        errors.append(f"JSON API: no {SDIST} among the release's files")
    except Exception as exc:  # noqa: BLE001 - fall back to the simple index
        errors.append(f"JSON API: {exc}")
    try:
        index = json.loads(
            _get(f"{PYPI}/simple/psutil/", accept="application/vnd.pypi.simple.v1+json")
        )
        for f in index["files"]:
            if f["filename"] == SDIST:
                return f["url"], f["hashes"]["sha256"]
        errors.append(f"simple index: no {SDIST}")
    except Exception as exc:  # noqa: BLE001
        errors.append(f"simple index: {exc}")
    raise SystemExit(f"cannot locate {SDIST} on PyPI: " + "; ".join(errors))


def fetch_sdist() -> Path:
    """The sdist's path in the cache, downloaded (and verified) when not there yet."""
    cache = cache_dir()
    tarball = cache / SDIST
    digest_file = cache / (SDIST + ".sha256")
    if tarball.is_file() and digest_file.is_file():
        want = digest_file.read_text().strip()
        if hashlib.sha256(tarball.read_bytes()).hexdigest() == want:
            return tarball
    url, want = sdist_location()
    print(f"conformance: downloading {url}", flush=True)
    data = _get(url, timeout=300.0)
    got = hashlib.sha256(data).hexdigest()
    if got != want:
        raise SystemExit(f"{SDIST}: sha256 {got} is not the {want} PyPI gives")
    cache.mkdir(parents=True, exist_ok=True)
    tmp = tarball.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(tarball)
    digest_file.write_text(want + "\n")
    return tarball


def unpack(tarball: Path, dest: Path) -> None:
    """Extract the sdist's tests/, its example scripts/ (test_scripts runs them) and the two
    pure-Python modules the shim borrows."""
    prefix = f"psutil-{PSUTIL_VERSION}/"
    wanted = ("tests/", "scripts/", "psutil/_common.py", "psutil/_psposix.py")
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            name = member.name
            if not name.startswith(prefix) or not (member.isfile() or member.isdir()):
                continue
            rel = name[len(prefix) :]
            if not rel.startswith(wanted) or ".." in Path(rel).parts:
                continue
            target = dest / ("sdist" if rel.startswith("psutil/") else "") / rel
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            src = tar.extractfile(member)
            if src is not None:
                target.write_bytes(src.read())
                target.chmod(0o755 if member.mode & 0o111 else 0o644)


# --- the shim -------------------------------------------------------------------------------

SHIM_INIT = '''\
"""Generated by sysgauge's conformance runner: the name psutil bound to sysgauge."""

import sys as _sys

import sysgauge as _sg
import sysgauge._ntuples as _sg_ntuples

# Every public name of sysgauge, and the dunders psutil's tests read.
for _name in dir(_sg):
    if not _name.startswith("_") or _name in ("__version__", "__all__"):
        globals()[_name] = getattr(_sg, _name)
del _name

# psutil's private named-tuple module is sysgauge's (the sdist's _psposix imports it).
_sys.modules[__name__ + "._ntuples"] = _sg_ntuples
_ntuples = _sg_ntuples


def _set_debug(value):
    """psutil's switch for its debug messages: sysgauge prints none, so nothing to switch."""


# psutil's backend module: a stand-in with the few names test modules import at load time.
from . import _pslinux as _psplatform  # noqa: E402


class _Shim(type(_sys)):
    """Assignments to PROCFS_PATH reach sysgauge (where the Rust core reads it)."""

    def __setattr__(self, name, value):
        if name == "PROCFS_PATH":
            setattr(_sg, name, value)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Shim
'''

COMMON_TAIL = '''

# --- appended by sysgauge's conformance runner -----------------------------------------------
# The exceptions and enums are sysgauge's, so that what psutil's helpers raise or compare is
# what sysgauge's API raises and returns.
import sysgauge._common as _sg_common  # noqa: E402

for _name in (
    "Error", "NoSuchProcess", "ZombieProcess", "AccessDenied", "TimeoutExpired",
    "NicDuplex", "BatteryTime",
    "NIC_DUPLEX_FULL", "NIC_DUPLEX_HALF", "NIC_DUPLEX_UNKNOWN",
    "POWER_TIME_UNKNOWN", "POWER_TIME_UNLIMITED",
):
    if hasattr(_sg_common, _name):
        globals()[_name] = getattr(_sg_common, _name)
del _name
'''

PSLINUX = '''\
"""Generated by sysgauge's conformance runner: a stand-in for psutil's Linux backend.

sysgauge has no such module (its backend is Rust). This one holds only the names that psutil's
test modules import when they load, so those modules can be collected; every one of them
except the plain constants refuses to work, so a test that relies on psutil's internals fails
(and is listed in expected.toml) rather than passing by accident.
"""

import os

from ._common import open_binary, open_text  # noqa: F401

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class _Internal:
    """A psutil internal without a sysgauge counterpart: unusable."""

    def __init__(self, name):
        self._name = name

    def __call__(self, *args, **kwargs):
        raise NotImplementedError(f"psutil internal {self._name} is not part of sysgauge")

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise AttributeError(f"psutil internal {self._name}.{attr} is not part of sysgauge")


cext = _Internal("_psutil_linux (psutil's C extension)")
RootFsDeviceFinder = _Internal("_pslinux.RootFsDeviceFinder")
calculate_avail_vmem = _Internal("_pslinux.calculate_avail_vmem")
'''

CONFTEST = '''\
"""Generated by sysgauge's conformance runner."""

import os
import signal

import psutil
import pytest
import sysgauge

_SHIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "psutil")


def pytest_configure(config):
    if psutil.Process is not sysgauge.Process or not os.path.abspath(psutil.__file__).startswith(
        _SHIM + os.sep
    ):
        raise pytest.UsageError(
            f"import psutil found {psutil.__file__}, not the sysgauge shim in {_SHIM}"
        )


class TestTimeout(BaseException):
    """A test ran longer than the runner allows."""


def _on_alarm(signum, frame):
    raise TestTimeout("test took more than %(timeout)d s")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(%(timeout)d)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
'''

PYTEST_INI = """\
[pytest]
python_files = test_*.py
testpaths = tests
addopts = -p no:cacheprovider -p no:doctest -rN
markers =
    xdist_group: psutil's marker for pytest-xdist (not used here)
"""


def build_tree(tarball: Path, work: Path) -> None:
    """The temporary tree pytest runs in: tests/, the psutil shim, a conftest, an ini."""
    unpack(tarball, work)
    shim = work / "psutil"
    shim.mkdir()
    (shim / "__init__.py").write_text(SHIM_INIT)
    common = (work / "sdist" / "psutil" / "_common.py").read_text()
    (shim / "_common.py").write_text(common + COMMON_TAIL)
    shutil.copy(work / "sdist" / "psutil" / "_psposix.py", shim / "_psposix.py")
    (shim / "_pslinux.py").write_text(PSLINUX)
    (work / "conftest.py").write_text(CONFTEST % {"timeout": TEST_TIMEOUT})
    (work / "pytest.ini").write_text(PYTEST_INI)


def check_shim(work: Path, env: dict[str, str]) -> None:
    """Stop unless `import psutil` in the test environment is the shim over sysgauge."""
    code = (
        "import psutil, sysgauge, sys; "
        "ok = psutil.Process is sysgauge.Process and psutil.__file__.startswith(sys.argv[1]); "
        "print(psutil.__file__); sys.exit(0 if ok else 1)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(work / "psutil")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode != 0:
        raise SystemExit(
            f"conformance: `import psutil` is not the sysgauge shim: {res.stdout}{res.stderr}"
        )


def env_paths() -> list[str]:
    """The entries of the caller's PYTHONPATH."""
    return [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def run_pytest(
    work: Path,
    files: list[str],
    keyword: str | None,
    deselect: list[str],
    junit: Path,
    log: Path,
) -> int:
    """Run pytest on *files* in *work*; its output goes to *log* (and the terminal)."""
    import sysgauge

    sg_parent = str(Path(sysgauge.__file__).resolve().parents[1])
    # psutil's helpers start children with the interpreter sys.executable resolves to (for a
    # venv, the base one): they get the shim, sysgauge and this environment's packages
    # (pytest, which psutil's tests/__init__ needs) by PYTHONPATH, the shim first.
    site = [sysconfig.get_paths()[k] for k in ("purelib", "platlib")]
    paths = [str(work), sg_parent, *site, *env_paths()]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    check_shim(work, env)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-c",
        str(work / "pytest.ini"),
        "--rootdir",
        str(work),
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
        "-q",
        "--tb=line",
        "--continue-on-collection-errors",
        "-p",
        "no:cacheprovider",
    ]
    if keyword:
        cmd += ["-k", keyword]
    for test in deselect:
        cmd += ["--deselect", f"tests/{test}"]
    cmd += [f"tests/{f}" for f in files]
    print("conformance: " + " ".join(cmd[2:]), flush=True)
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            if not line.startswith(("tests/", "PASSED", "SKIPPED")) or "FAIL" in line:
                sys.stdout.write(line)
        return proc.wait()


# --- outcomes -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One test's result in a run."""

    test: str  # "test_file.py::Class::test_name"
    status: str  # passed | failed | error | skipped
    message: str = ""


def parse_junit(path: Path) -> list[Outcome]:
    """Each test case of pytest's JUnit XML as an Outcome."""
    out: list[Outcome] = []
    tree = ET.parse(path)
    for case in tree.iter("testcase"):
        classname = case.get("classname", "")
        name = case.get("name", "")
        file_attr = case.get("file")
        if classname:
            # "tests.test_x" or "tests.test_x.TestClass"
            parts = classname.split(".")
        else:
            # a module that failed to import: name is "tests.test_x"
            parts, name = name.split("."), "<collection>"
        if parts and parts[0] == "tests":
            parts = parts[1:]
        if not parts:
            parts = [Path(file_attr or "unknown").stem]
        mod = parts[0] + ".py"
        test = "::".join([mod, *parts[1:], name])
        status, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                msg = child.get("message") or (child.text or "")
                msg = " ".join(msg.split())[:300]
                if child.tag == "skipped":
                    if child.get("type") == "pytest.xfail":
                        status, message = "skipped", "xfail: " + msg
                    else:
                        status, message = "skipped", msg
                elif status != "failed":
                    status, message = ("failed" if child.tag == "failure" else "error"), msg
        out.append(Outcome(test, status, message))
    return out


# --- the expected list ----------------------------------------------------------------------


@dataclass
class Entry:
    """A test (or glob pattern of tests) that cannot apply to sysgauge, and why."""

    pattern: str
    reason: str
    deselect: bool = False  # not run at all (a test that hangs), exact ids only
    flaky: bool = False  # passes some runs: a pass does not make the entry stale
    matched_bad: int = 0
    matched_good: int = 0

    def matches(self, test: str) -> bool:
        """Whether *test* is this entry (exact id, or fnmatch pattern)."""
        if any(c in self.pattern for c in "*?["):
            return fnmatch.fnmatchcase(test, self.pattern)
        return test == self.pattern or test.startswith(self.pattern + "[")


@dataclass
class Expected:
    """expected.toml: tests that cannot apply, and test files that are not run at all."""

    entries: list[Entry] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file -> reason it is not run

    def lookup(self, test: str) -> Entry | None:
        """The first entry that covers *test*."""
        for e in self.entries:
            if e.matches(test):
                return e
        return None


def load_expected(path: Path = EXPECTED) -> Expected:
    """Read expected.toml (an empty list when it does not exist yet)."""
    if not path.exists():
        return Expected()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    exp = Expected()
    for f in data.get("file", []):
        exp.files[f["name"]] = f["reason"]
    for group in data.get("group", []):
        for t in group["tests"]:
            exp.entries.append(
                Entry(
                    t,
                    group["reason"],
                    deselect=bool(group.get("deselect", False)),
                    flaky=bool(group.get("flaky", False)),
                )
            )
    return exp


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


HEADER = """\
# psutil 7.2.2's own tests that cannot apply to sysgauge, with the reason.
#
# Read by python/conformance/run.py (`scripts/python-dev.sh conformance`): a test that fails or
# errors and is not covered here is a regression (the run fails); a covered test that passes is
# reported as a stale entry. Test ids are "file::Class::test"; entries may be fnmatch patterns
# ("test_linux.py::TestSensorsBattery::*"). `run.py --update-expected` rewrites this file from
# a run's failures, keeping the reasons below (new entries get reason "TODO", which a normal
# run refuses).
#
# [[file]]: whole test files that are not run by default, and why. A [[group]] with
# `deselect = true` lists tests that are not run at all (they would hang the run); one with
# `flaky = true` lists tests that pass in some runs (a pass is then not a stale entry).
"""


def save_expected(exp: Expected, path: Path = EXPECTED) -> None:
    """Write *exp* as expected.toml, one [[group]] per reason, in first-seen order."""
    lines = [HEADER]
    for name, reason in exp.files.items():
        lines += ["[[file]]", f"name = {_toml_str(name)}", f"reason = {_toml_str(reason)}", ""]
    groups: dict[tuple[str, bool, bool], list[str]] = {}
    for e in exp.entries:
        groups.setdefault((e.reason, e.deselect, e.flaky), []).append(e.pattern)
    for (reason, deselect, flaky), tests in groups.items():
        lines += ["[[group]]", f"reason = {_toml_str(reason)}"]
        lines += ["deselect = true"] if deselect else []
        lines += ["flaky = true"] if flaky else []
        lines += ["tests = ["]
        lines += [f"    {_toml_str(t)}," for t in tests]
        lines += ["]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# --- the report -----------------------------------------------------------------------------

COLUMNS = ("passed", "failed", "errors", "skipped", "cannot apply")


@dataclass
class Report:
    """A run's outcomes, checked against the expected list."""

    outcomes: list[Outcome]
    expected: Expected
    files: list[str]
    seconds: float | None = None
    per_file: dict[str, dict[str, int]] = field(default_factory=dict)
    regressions: list[Outcome] = field(default_factory=list)
    cannot_apply: list[tuple[Outcome, str]] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)

    def build(self) -> None:
        """Count per file, split failures into expected and regressions, find stale entries."""
        for f in self.files:
            self.per_file[f] = dict.fromkeys(COLUMNS, 0)
        for o in self.outcomes:
            counts = self.per_file.setdefault(o.test.split("::")[0], dict.fromkeys(COLUMNS, 0))
            entry = self.expected.lookup(o.test)
            if o.status in ("failed", "error"):
                if entry is not None:
                    entry.matched_bad += 1
                    counts["cannot apply"] += 1
                    self.cannot_apply.append((o, entry.reason))
                else:
                    counts["failed" if o.status == "failed" else "errors"] += 1
                    self.regressions.append(o)
            else:
                counts[o.status] += 1
                if entry is not None and o.status == "passed":
                    entry.matched_good += 1
        for e in self.expected.entries:
            if e.matched_good and not e.matched_bad and not e.flaky:
                self.stale.append((e.pattern, e.reason))

    def table(self) -> list[str]:
        """The per-file table, as Markdown rows."""
        rows = ["| file | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
        total = dict.fromkeys(COLUMNS, 0)
        for f, counts in self.per_file.items():
            rows.append(f"| {f} | " + " | ".join(str(counts[c]) for c in COLUMNS) + " |")
            for c in COLUMNS:
                total[c] += counts[c]
        rows.append("| **total** | " + " | ".join(str(total[c]) for c in COLUMNS) + " |")
        return rows

    def skipped_reasons(self) -> dict[str, int]:
        """Why psutil's suite skipped tests here (its own reasons), with counts."""
        reasons: dict[str, int] = {}
        for o in self.outcomes:
            if o.status == "skipped":
                r = re.sub(r"^(Skipped: |xfail: )", "", o.message) or "(no reason given)"
                reasons[r] = reasons.get(r, 0) + 1
        return dict(sorted(reasons.items(), key=lambda kv: -kv[1]))

    def markdown(self) -> str:
        """The whole report as Markdown."""
        out = [f"# psutil {PSUTIL_VERSION}'s test suite against sysgauge", ""]
        if self.seconds is not None:
            out += [f"Run time: {self.seconds:.0f} s.", ""]
        out += self.table() + [""]
        if self.expected.files:
            out += ["## Test files not run", ""]
            out += [f"- `{f}`: {r}" for f, r in self.expected.files.items()] + [""]
        deselected = [e for e in self.expected.entries if e.deselect]
        if deselected:
            out += ["## Tests not run", ""]
            out += [f"- `{e.pattern}`: {e.reason}" for e in deselected] + [""]
        out += [f"## Regressions ({len(self.regressions)})", ""]
        out += [f"- `{o.test}` ({o.status}): {o.message}" for o in self.regressions] + [""]
        out += [f"## Stale entries in expected.toml ({len(self.stale)})", ""]
        out += [f"- `{p}` ({r})" for p, r in self.stale] + [""]
        out += [f"## Cannot apply ({len(self.cannot_apply)})", ""]
        by_reason: dict[str, list[str]] = {}
        for o, r in self.cannot_apply:
            by_reason.setdefault(r, []).append(o.test)
        for r, tests in by_reason.items():
            out += [f"### {r} ({len(tests)})", ""] + [f"- `{t}`" for t in tests] + [""]
        out += ["## Skipped by psutil's suite on this machine (its reasons)", ""]
        out += [f"- {n} x {r}" for r, n in self.skipped_reasons().items()] + [""]
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        reasons = {o.test: r for o, r in self.cannot_apply}
        return {
            "psutil_version": PSUTIL_VERSION,
            "seconds": self.seconds,
            "files": self.per_file,
            "regressions": [o.__dict__ for o in self.regressions],
            "stale": [{"test": p, "reason": r} for p, r in self.stale],
            "not_run": {
                **self.expected.files,
                **{e.pattern: e.reason for e in self.expected.entries if e.deselect},
            },
            "tests": [dict(o.__dict__, reason=reasons.get(o.test)) for o in self.outcomes],
        }


# --- main -----------------------------------------------------------------------------------


def update_expected(exp: Expected, outcomes: Iterable[Outcome]) -> Expected:
    """The expected list rewritten from this run's failures.

    Kept: entries that still cover a failure, and entries about tests this run did not
    execute. Dropped: entries whose tests all passed. Added (reason TODO): failures no entry
    covers.
    """
    ran = {o.test for o in outcomes}
    bad = [o for o in outcomes if o.status in ("failed", "error")]
    new = Expected(files=dict(exp.files))
    for e in exp.entries:
        covers_bad = any(e.matches(o.test) for o in bad)
        covers_ran = any(e.matches(t) for t in ran)
        if covers_bad or not covers_ran or e.flaky:
            new.entries.append(Entry(e.pattern, e.reason, e.deselect, e.flaky))
    for o in bad:
        if new.lookup(o.test) is None:
            new.entries.append(Entry(o.test, TODO))
    return new


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", nargs="+", metavar="FILE", help="test files to run")
    ap.add_argument("-k", dest="keyword", help="pytest -k expression")
    ap.add_argument(
        "--report-only", action="store_true", help="rebuild the report from the last run's XML"
    )
    ap.add_argument(
        "--update-expected",
        action="store_true",
        help="rewrite expected.toml from this run's failures (new entries: reason TODO)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary test tree")
    args = ap.parse_args(argv)

    expected = load_expected()
    todo = [e.pattern for e in expected.entries if e.reason.strip() in ("", TODO)]
    if todo and not args.update_expected:
        print(f"conformance: {len(todo)} entries of {EXPECTED.name} have no reason:", *todo)
        return 2

    files = [f if f.endswith(".py") else f + ".py" for f in args.files or []]
    OUT.mkdir(parents=True, exist_ok=True)
    junit, log = OUT / "junit.xml", OUT / "pytest.log"
    seconds = None
    if not args.report_only:
        tarball = fetch_sdist()
        work = Path(tempfile.mkdtemp(prefix="sysgauge-conformance-"))
        try:
            build_tree(tarball, work)
            if not files:
                # Every test file of the sdist but those expected.toml says are not run.
                found = sorted(p.name for p in (work / "tests").glob("test_*.py"))
                files = [f for f in found if f not in expected.files]
            missing = [f for f in files if not (work / "tests" / f).is_file()]
            if missing:
                print(f"conformance: no such test file in psutil {PSUTIL_VERSION}: {missing}")
                return 2
            if junit.exists():
                junit.unlink()
            start = time.monotonic()
            deselect = [e.pattern for e in expected.entries if e.deselect]
            rc = run_pytest(work, files, args.keyword, deselect, junit, log)
            seconds = time.monotonic() - start
            if rc not in (0, 1) and not junit.exists():
                print(f"conformance: pytest exited {rc} without results (see {log})")
                return 2
        finally:
            if args.keep:
                print(f"conformance: test tree kept in {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    elif not junit.exists():
        print(f"conformance: no previous run ({junit} missing)")
        return 2
    outcomes = parse_junit(junit)
    if args.report_only:
        files = sorted({o.test.split("::")[0] for o in outcomes})

    report = Report(outcomes, expected, files, seconds)
    report.build()
    (OUT / "report.md").write_text(report.markdown(), encoding="utf-8")
    (OUT / "report.json").write_text(json.dumps(report.as_json(), indent=1), encoding="utf-8")

    print()
    print("\n".join(report.table()))
    if seconds is not None:
        print(f"run time: {seconds:.0f} s")
    if report.stale:
        print(f"\nstale entries in {EXPECTED.name} (these tests pass now):")
        for p, r in report.stale:
            print(f"  {p}  ({r})")
    if report.regressions:
        print(f"\nREGRESSIONS: {len(report.regressions)} tests failed outside {EXPECTED.name}:")
        for o in report.regressions:
            print(f"  {o.test} [{o.status}] {o.message[:160]}")
    print(f"\nreport: {OUT / 'report.md'}")

    if args.update_expected:
        new = update_expected(expected, outcomes)
        save_expected(new)
        added = sum(1 for e in new.entries if e.reason == TODO)
        print(f"{EXPECTED.name} rewritten: {len(new.entries)} entries, {added} new (reason TODO)")
        return 0
    return 1 if report.regressions else 0


if __name__ == "__main__":
    sys.exit(main())
