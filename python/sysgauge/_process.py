"""The Process class and process_iter(): psutil 7.2.2's, over the Rust core.

A Process is a pid plus its start time (held by the Rust handle): every call checks that the
pid still names the same process, so a reused pid gives NoSuchProcess, never another
process's data.

Not all of psutil's Process API is here yet: identity, pid, name, ppid, status, cmdline,
create_time, is_running, as_dict and process_iter for those attributes.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from . import _sysgauge as _rs
from ._common import STATUS_ZOMBIE, AccessDenied, NoSuchProcess, ZombieProcess

# The attribute names psutil 7.2.2's as_dict() and process_iter() accept.
ATTR_NAMES = frozenset({
    "cmdline", "cpu_affinity", "cpu_num", "cpu_percent", "cpu_times", "create_time", "cwd",
    "environ", "exe", "gids", "io_counters", "ionice", "memory_full_info", "memory_info",
    "memory_maps", "memory_percent", "name", "net_connections", "nice", "num_ctx_switches",
    "num_fds", "num_threads", "open_files", "pid", "ppid", "status", "terminal", "threads",
    "uids", "username",
})  # fmt: skip

# The ones sysgauge's Python API serves so far.
ATTRS_DONE = frozenset({"pid", "name", "ppid", "status", "cmdline", "create_time"})

# The largest pid the kernel can hand out fits a C int, as psutil checks.
_PID_MAX = 2**31 - 1


def _check_attrs(attrs: Iterable[str] | None) -> list[str] | None:
    """*attrs* as a list of valid names (None stays None), with psutil's errors."""
    if attrs is None:
        return None
    if not isinstance(attrs, (list, tuple, set, frozenset)):
        raise TypeError(f"invalid attrs type {type(attrs)}")
    names = set(attrs)
    invalid = names - ATTR_NAMES
    if invalid:
        plural = "s" if len(invalid) > 1 else ""
        raise ValueError(f"invalid attr name{plural} {', '.join(map(repr, invalid))}")
    missing = (names or ATTR_NAMES) - ATTRS_DONE
    if missing:
        raise NotImplementedError(
            f"sysgauge does not serve these attributes from Python yet: {sorted(missing)}"
        )
    return sorted(names)


def _pprint_secs(secs: float) -> str:
    """A start time as psutil's repr shows it: the time of day, or the date too when it
    was more than a day ago."""
    fmt = "%H:%M:%S" if int(time.time() - secs) < 60 * 60 * 24 else "%Y-%m-%d %H:%M:%S"
    return datetime.datetime.fromtimestamp(secs).strftime(fmt)


class Process:
    """An OS process: *pid* (default: this process) and the start time that tells it apart
    from any later process given the same pid. NoSuchProcess when there is no such
    process."""

    __module__ = "sysgauge"

    _proc: _rs.ProcessHandle
    _name: str | None
    _create_time: float | None
    info: dict[str, Any]

    def __init__(self, pid: int | None = None) -> None:
        if pid is None:
            pid = os.getpid()
        else:
            if pid < 0:
                raise ValueError(f"pid must be a positive integer (got {pid})")
            if pid > _PID_MAX:
                raise NoSuchProcess(pid, msg="process PID out of range")
        try:
            handle = _rs.ProcessHandle(pid)
        except NoSuchProcess:
            raise NoSuchProcess(pid, msg="process PID not found") from None
        self._adopt(handle)

    def _adopt(self, handle: _rs.ProcessHandle) -> None:
        self._proc = handle
        self._name = None
        self._create_time = None

    @classmethod
    def _from_handle(cls, handle: _rs.ProcessHandle) -> Process:
        self = cls.__new__(cls)
        self._adopt(handle)
        return self

    def _fill(self, err: BaseException) -> BaseException:
        """*err* with this process's name, when it is known and the error lacks it (as
        psutil names the process in its errors once name() was read)."""
        if isinstance(err, (NoSuchProcess, AccessDenied)) and err.name is None:
            err.name = self._name
        return err

    # --- identity -----------------------------------------------------------------------

    @property
    def pid(self) -> int:
        """The process id."""
        return self._proc.pid

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Process):
            return NotImplemented
        return self._proc == other._proc

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._proc)

    def __str__(self) -> str:
        info: dict[str, Any] = {"pid": self.pid}
        if self._name:
            info["name"] = self._name
        try:
            info["name"] = self.name()
            info["status"] = self.status()
        except ZombieProcess:
            info["status"] = "zombie"
        except NoSuchProcess:
            info["status"] = "terminated"
        except AccessDenied:
            pass
        if self._create_time is not None:
            info["started"] = _pprint_secs(self._create_time)
        details = ", ".join(f"{k}={v!r}" for k, v in info.items())
        return f"{type(self).__module__}.{type(self).__name__}({details})"

    __repr__ = __str__

    def is_running(self) -> bool:
        """Whether the process still exists and its pid has not been reused (a zombie is
        running)."""
        return self._proc.is_running()

    # --- getters ------------------------------------------------------------------------

    def name(self) -> str:
        """The process name (the full executable name when the kernel's 15-byte name is
        its start)."""
        try:
            name = self._proc.name()
        except (NoSuchProcess, AccessDenied) as err:
            raise self._fill(err) from None
        self._name = name
        return name

    def ppid(self) -> int:
        """The parent's pid."""
        try:
            return self._proc.ppid()
        except (NoSuchProcess, AccessDenied) as err:
            raise self._fill(err) from None

    def status(self) -> str:
        """The state, one of the STATUS_* constants."""
        try:
            return self._proc.status()
        except ZombieProcess:
            return STATUS_ZOMBIE
        except (NoSuchProcess, AccessDenied) as err:
            raise self._fill(err) from None

    def cmdline(self) -> list[str]:
        """The command line, one argument per item."""
        try:
            return self._proc.cmdline()
        except (NoSuchProcess, AccessDenied) as err:
            raise self._fill(err) from None

    def create_time(self) -> float:
        """When the process started, in seconds since the Epoch (read once, then kept)."""
        if self._create_time is None:
            try:
                self._create_time = self._proc.create_time()
            except (NoSuchProcess, AccessDenied) as err:
                raise self._fill(err) from None
        return self._create_time

    def as_dict(
        self, attrs: Iterable[str] | None = None, ad_value: Any = None
    ) -> dict[str, Any]:
        """The values of *attrs* (attribute names; all by default) read in one go, with
        *ad_value* for those the process refuses (AccessDenied, ZombieProcess)."""
        # psutil: no attrs (None or empty) means all of them, and then an attribute this
        # system cannot give is left out instead of raising.
        names = _check_attrs(ATTR_NAMES if attrs is None else attrs)
        try:
            return self._proc.as_dict(names or sorted(ATTR_NAMES), ad_value, bool(names))
        except (NoSuchProcess, AccessDenied) as err:
            raise self._fill(err) from None


# The processes process_iter() yielded last, by pid: the same Process object comes back for
# the same process (pid and start time), as psutil's cache does.
_pmap: dict[int, Process] = {}


def process_iter(
    attrs: Iterable[str] | None = None, ad_value: Any = None
) -> Iterator[Process]:
    """Every running process, in pid order. With *attrs* (attribute names; [] for all),
    each process's `info` dict holds their values, read for all processes in one call
    (*ad_value* for refused ones, as in Process.as_dict()). Processes seen by the
    previous call come back as the same objects; process_iter.cache_clear() forgets them.
    """
    names = _check_attrs(attrs)
    rows = _rs.process_iter(names, ad_value)
    return _yield(rows, names is not None)


def _yield(rows: list[tuple[_rs.ProcessHandle, Any]], with_info: bool) -> Iterator[Process]:
    global _pmap
    old = _pmap
    # Processes the caller does not reach (it may stop early) keep their old objects.
    pmap = {h.pid: old[h.pid] for h, _ in rows if h.pid in old}
    try:
        for handle, info in rows:
            proc = pmap.get(handle.pid)
            if proc is None or proc._proc != handle:
                proc = Process._from_handle(handle)
                pmap[handle.pid] = proc
            if with_info:
                proc.info = info
            yield proc
    finally:
        _pmap = pmap


def _cache_clear() -> None:
    """Forget the processes process_iter() kept."""
    _pmap.clear()
    _rs.process_iter_cache_clear()


process_iter.cache_clear = _cache_clear  # type: ignore[attr-defined]


class Popen(Process):
    """psutil's Popen: a subprocess.Popen whose object is also a Process (not built yet)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("sysgauge.Popen is not built yet")


def wait_procs(procs: Iterable[Process], timeout: float | None = None, callback: Any = None) -> Any:
    """psutil's wait_procs (not built yet)."""
    raise NotImplementedError("sysgauge.wait_procs is not built yet")
