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
