"""Shared helpers: psutil 7.2.2 as the oracle, the Rust crate's fixture trees, tolerances."""

from __future__ import annotations

import contextlib
import glob as _glob
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import psutil
import pytest

import sysgauge
from sysgauge import _sysgauge

FIXTURES = Path(__file__).resolve().parents[2] / "crates" / "sysgauge" / "tests" / "fixtures"

assert psutil.__version__ == "7.2.2", "the oracle is psutil 7.2.2"


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.is_dir():
        pytest.skip(f"fixture tree {name} not found")
    return path


@contextlib.contextmanager
def procfs(path: str | os.PathLike[str]) -> Iterator[None]:
    """PROCFS_PATH of both libraries set to *path* for the block."""
    path = os.fspath(path)
    old_sg, old_ps = sysgauge.PROCFS_PATH, psutil.PROCFS_PATH
    sysgauge.PROCFS_PATH = path
    psutil.PROCFS_PATH = path
    try:
        yield
    finally:
        sysgauge.PROCFS_PATH = old_sg
        psutil.PROCFS_PATH = old_ps


class _RootedGlob:
    """psutil's `glob` with '/sys/' patterns looked up below another root."""

    def __init__(self, root: str) -> None:
        self.root = root

    def glob(self, pattern: str, *args: Any, **kwargs: Any) -> list[str]:
        if pattern.startswith("/sys/"):
            pattern = self.root + pattern[len("/sys") :]
        return _glob.glob(pattern, *args, **kwargs)


@contextlib.contextmanager
def sysfs(path: str | os.PathLike[str]) -> Iterator[None]:
    """Both libraries read /sys below *path* for the block: sysgauge through its sysfs root,
    psutil (which hard-codes /sys) through its sensors' glob patterns and power supply
    directory."""
    from psutil import _pslinux

    path = os.fspath(path)
    old_sg = _sysgauge._sysfs_path()
    old_glob, old_power = _pslinux.glob, _pslinux.POWER_SUPPLY_PATH
    _sysgauge._set_sysfs_path(path)
    _pslinux.glob = _RootedGlob(path)
    _pslinux.POWER_SUPPLY_PATH = os.path.join(path, "class", "power_supply")
    try:
        yield
    finally:
        _sysgauge._set_sysfs_path(old_sg)
        _pslinux.glob = old_glob
        _pslinux.POWER_SUPPLY_PATH = old_power


def same_shape(ours: Any, theirs: Any) -> None:
    """Same named tuple class name and fields (recursively through lists and dicts)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), (ours, theirs)
        for key in ours.keys() & theirs.keys():
            same_shape(ours[key], theirs[key])
    elif isinstance(theirs, list):
        assert isinstance(ours, list), (ours, theirs)
        for a, b in zip(ours, theirs):
            same_shape(a, b)
    elif hasattr(theirs, "_fields"):
        assert type(ours).__name__ == type(theirs).__name__
        assert ours._fields == theirs._fields
        assert isinstance(ours, tuple)
        for a, b in zip(ours, theirs):
            same_shape(a, b)
    elif theirs is None:
        assert ours is None
    else:
        # int vs float vs str vs enum must agree too (an IntEnum is an int: compare names).
        assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)


def sandwiched(before: Any, middle: Any, after: Any, slack: float = 0.0) -> None:
    """Every field of *middle* lies between *before* and *after* (counters that only grow,
    read by sysgauge, psutil, sysgauge)."""
    for name, a, b, c in zip(middle._fields, before, middle, after):
        assert a - slack <= b <= c + slack, f"{name}: {a} <= {b} <= {c}"


def retry(check: Callable[[], None], attempts: int = 5, pause: float = 0.05) -> None:
    """Runs *check* until it passes (values that move between two reads), at most *attempts*
    times; the last failure is raised."""
    for i in range(attempts):
        try:
            check()
            return
        except AssertionError:
            if i == attempts - 1:
                raise
            time.sleep(pause)


# --- children for the Process API tests (test_process_api.py, test_popen_wait.py) ----------

import json as _json
import selectors as _selectors
import signal as _signal
import subprocess as _subprocess
import sys as _sys


def wait_until(cond: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Polls *cond* until it is true; AssertionError after *timeout* seconds."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"{what} not met within {timeout} s")
        time.sleep(0.005)


def proc_stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the name (index 0 is the state letter), read
    directly; [] when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return []
    return data[data.rfind(b")") + 2 :].decode().split()


def all_tasks_stopped(pid: int) -> bool:
    """Whether every thread of *pid* is in state T (stopped), read from /proc directly."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", "rb") as f:
                data = f.read()
        except OSError:
            return False
        if data[data.rfind(b")") + 2 : data.rfind(b")") + 3] != b"T":
            return False
    return True


def is_zombie(pid: int) -> bool:
    """Whether /proc says *pid* is a zombie."""
    fields = proc_stat_fields(pid)
    return bool(fields) and fields[0] == "Z"


def ppid_map() -> dict[int, int]:
    """{pid: ppid} of every process, read from /proc directly."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = proc_stat_fields(int(entry))
            if fields:
                out[int(entry)] = int(fields[1])
    return out


class Kids:
    """Children started by one test (or module), each in its own process group: cleanup()
    kills the groups (grandchildren included) and reaps the children."""

    def __init__(self) -> None:
        self.procs: list[_subprocess.Popen[bytes]] = []

    def start(self, args: list[Any], **kwargs: Any) -> _subprocess.Popen[bytes]:
        """subprocess.Popen(*args*) with stdin and stderr on /dev/null, in a new group."""
        kwargs.setdefault("stdin", _subprocess.DEVNULL)
        kwargs.setdefault("stderr", _subprocess.DEVNULL)
        if not kwargs.get("start_new_session"):
            kwargs.setdefault("process_group", 0)
        p = _subprocess.Popen(args, **kwargs)
        self.procs.append(p)
        return p

    def sleeper(self, secs: int = 60, **kwargs: Any) -> _subprocess.Popen[bytes]:
        """`sleep SECS` (exec done when this returns)."""
        return self.start(["sleep", str(secs)], **kwargs)

    def python(self, code: str, *args: Any, **kwargs: Any) -> tuple[_subprocess.Popen[bytes], Any]:
        """A Python child running *code*, which must print one JSON line when ready; returns
        the child and that line decoded."""
        p = self.start([_sys.executable, "-c", code, *args], stdout=_subprocess.PIPE, **kwargs)
        assert p.stdout is not None
        sel = _selectors.DefaultSelector()
        sel.register(p.stdout, _selectors.EVENT_READ)
        try:
            if not sel.select(timeout=30):
                raise AssertionError("child did not report ready in 30 s")
        finally:
            sel.close()
        line = p.stdout.readline()
        if not line:
            raise AssertionError(f"child exited before ready (code {p.wait(5)})")
        return p, _json.loads(line)

    def cleanup(self) -> None:
        for p in self.procs:
            # The group outlives a reaped leader while grandchildren are in it.
            try:
                os.killpg(p.pid, _signal.SIGKILL)
            except OSError:
                pass
            if p.poll() is None:
                try:
                    p.kill()
                except OSError:
                    pass
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except _subprocess.TimeoutExpired:
                pass
            for stream in (p.stdout, p.stdin):
                if stream is not None:
                    stream.close()
        self.procs.clear()


@pytest.fixture
def kids() -> Iterator[Kids]:
    """Children of one test, killed and reaped when it ends."""
    k = Kids()
    try:
        yield k
    finally:
        k.cleanup()


def stop(pid: int) -> None:
    """SIGSTOP *pid* and wait until /proc shows all its threads stopped."""
    os.kill(pid, _signal.SIGSTOP)
    wait_until(lambda: all_tasks_stopped(pid), what=f"pid {pid} stopped")
