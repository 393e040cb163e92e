"""sysgauge: psutil 7.2.2's API over a Rust core.

``import sysgauge as psutil`` in place of ``import psutil``: the same functions, arguments,
named tuples, constants and exceptions, answered by the sysgauge Rust crate. Each call
crosses into Rust once and comes back with finished Python values.

Linux only, CPython 3.11 and later.
"""

import os as _os
import sys as _sys
import time as _time
import types as _types
import typing as _t

from . import _ntuples
from . import _sysgauge as _rs
from ._common import (
    AF_LINK,
    AIX,
    BSD,
    CONN_CLOSE,
    CONN_CLOSE_WAIT,
    CONN_CLOSING,
    CONN_ESTABLISHED,
    CONN_FIN_WAIT1,
    CONN_FIN_WAIT2,
    CONN_KINDS as _CONN_KINDS,
    CONN_LAST_ACK,
    CONN_LISTEN,
    CONN_NONE,
    CONN_SYN_RECV,
    CONN_SYN_SENT,
    CONN_TIME_WAIT,
    FREEBSD,
    IOPRIO_CLASS_BE,
    IOPRIO_CLASS_IDLE,
    IOPRIO_CLASS_NONE,
    IOPRIO_CLASS_RT,
    LINUX,
    MACOS,
    NETBSD,
    NIC_DUPLEX_FULL,
    NIC_DUPLEX_HALF,
    NIC_DUPLEX_UNKNOWN,
    OPENBSD,
    OSX,
    POSIX,
    POWER_TIME_UNKNOWN,
    POWER_TIME_UNLIMITED,
    STATUS_DEAD,
    STATUS_DISK_SLEEP,
    STATUS_IDLE,
    STATUS_LOCKED,
    STATUS_PARKED,
    STATUS_RUNNING,
    STATUS_SLEEPING,
    STATUS_STOPPED,
    STATUS_TRACING_STOP,
    STATUS_WAITING,
    STATUS_WAKING,
    STATUS_ZOMBIE,
    SUNOS,
    WINDOWS,
    AccessDenied,
    Error,
    NoSuchProcess,
    TimeoutExpired,
    ZombieProcess,
)
from ._process import Popen, Process, process_iter, wait_procs

if not LINUX:  # pragma: no cover
    raise NotImplementedError(f"sysgauge supports Linux only, not {_sys.platform}")

__version__: str = _rs.VERSION
version_info: tuple[int, ...] = tuple(int(n) for n in __version__.split("."))
#: The psutil version whose API and results sysgauge follows.
PSUTIL_VERSION: str = _rs.PSUTIL_VERSION

#: Where /proc is read from; assigning it redirects every later call (as psutil's).
PROCFS_PATH: str = _os.fsdecode(_rs.procfs_path())

RLIM_INFINITY: int
RLIMIT_AS: int
RLIMIT_CORE: int
RLIMIT_CPU: int
RLIMIT_DATA: int
RLIMIT_FSIZE: int
RLIMIT_LOCKS: int
RLIMIT_MEMLOCK: int
RLIMIT_MSGQUEUE: int
RLIMIT_NICE: int
RLIMIT_NOFILE: int
RLIMIT_NPROC: int
RLIMIT_RSS: int
RLIMIT_RTPRIO: int
RLIMIT_RTTIME: int
RLIMIT_SIGPENDING: int
RLIMIT_STACK: int
globals().update(dict(_rs.RLIMITS))

# psutil's __all__ (Linux), in its order, less what sysgauge does not have yet.
__all__ = [
    # exceptions
    "Error", "NoSuchProcess", "ZombieProcess", "AccessDenied", "TimeoutExpired",
    # constants
    "version_info", "__version__",
    "STATUS_RUNNING", "STATUS_IDLE", "STATUS_SLEEPING", "STATUS_DISK_SLEEP",
    "STATUS_STOPPED", "STATUS_TRACING_STOP", "STATUS_ZOMBIE", "STATUS_DEAD",
    "STATUS_WAKING", "STATUS_LOCKED", "STATUS_WAITING", "STATUS_PARKED",
    "CONN_ESTABLISHED", "CONN_SYN_SENT", "CONN_SYN_RECV", "CONN_FIN_WAIT1",
    "CONN_FIN_WAIT2", "CONN_TIME_WAIT", "CONN_CLOSE", "CONN_CLOSE_WAIT",
    "CONN_LAST_ACK", "CONN_LISTEN", "CONN_CLOSING", "CONN_NONE",
    "AF_LINK",
    "NIC_DUPLEX_FULL", "NIC_DUPLEX_HALF", "NIC_DUPLEX_UNKNOWN",
    "POWER_TIME_UNKNOWN", "POWER_TIME_UNLIMITED",
    "BSD", "FREEBSD", "LINUX", "NETBSD", "OPENBSD", "MACOS", "OSX", "POSIX",
    "SUNOS", "WINDOWS", "AIX",
    # classes
    "Process", "Popen",
    # functions
    "pid_exists", "pids", "process_iter", "wait_procs",
    "virtual_memory", "swap_memory",
    "cpu_times", "cpu_percent", "cpu_times_percent", "cpu_count", "cpu_stats",
    "net_io_counters", "net_connections", "net_if_addrs", "net_if_stats",
    "disk_io_counters", "disk_partitions", "disk_usage",
    "users", "boot_time",
    # Linux
    "PROCFS_PATH",
    "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE",
    *(name for name, _ in _rs.RLIMITS if name != "RLIM_INFINITY"),
    "RLIM_INFINITY",
    "cpu_freq", "getloadavg",
    "sensors_temperatures", "sensors_fans", "sensors_battery",
]  # fmt: skip


# --- CPU ------------------------------------------------------------------------------------

cpu_times = _rs.cpu_times
cpu_count = _rs.cpu_count
cpu_stats = _rs.cpu_stats
cpu_freq = _rs.cpu_freq
getloadavg = _rs.getloadavg

# psutil samples the CPU times when it is imported: the importing thread's first
# cpu_percent() / cpu_times_percent() measures since the import.
try:
    _rs._cpu_prime()
except Exception:  # noqa: BLE001 - a missing /proc must not break the import
    pass


@_t.overload
def cpu_percent(interval: float | None = None, percpu: _t.Literal[False] = False) -> float: ...
@_t.overload
def cpu_percent(interval: float | None, percpu: _t.Literal[True]) -> list[float]: ...
@_t.overload
def cpu_percent(*, percpu: _t.Literal[True]) -> list[float]: ...
@_t.overload
def cpu_percent(interval: float | None = None, percpu: bool = False) -> float | list[float]: ...
def cpu_percent(interval: float | None = None, percpu: bool = False) -> float | list[float]:
    """System-wide CPU utilization in percent (a list per CPU with *percpu*).

    With *interval* > 0, measured over that many seconds (blocking); with 0.0 or None,
    since this thread's previous call (or the import, in the importing thread).
    """
    if interval is not None:
        if interval < 0:
            raise ValueError(f"interval is not positive (got {interval})")
        if interval > 0.0:
            since = _rs.cpu_sample(percpu)
            _time.sleep(interval)
            return _rs.cpu_percent(percpu, since)
    return _rs.cpu_percent(percpu)


@_t.overload
def cpu_times_percent(
    interval: float | None = None, percpu: _t.Literal[False] = False
) -> _ntuples.scputimes: ...
@_t.overload
def cpu_times_percent(
    interval: float | None, percpu: _t.Literal[True]
) -> list[_ntuples.scputimes]: ...
@_t.overload
def cpu_times_percent(*, percpu: _t.Literal[True]) -> list[_ntuples.scputimes]: ...
@_t.overload
def cpu_times_percent(
    interval: float | None = None, percpu: bool = False
) -> _ntuples.scputimes | list[_ntuples.scputimes]: ...
def cpu_times_percent(
    interval: float | None = None, percpu: bool = False
) -> _ntuples.scputimes | list[_ntuples.scputimes]:
    """The share of CPU time spent in each mode, in percent, as cpu_times() fields.

    *interval* and *percpu* as in cpu_percent(); its previous samples are kept apart from
    cpu_percent()'s.
    """
    if interval is not None:
        if interval < 0:
            raise ValueError(f"interval is not positive (got {interval!r})")
        if interval > 0.0:
            since = _rs.cpu_sample(percpu)
            _time.sleep(interval)
            return _rs.cpu_times_percent(percpu, since)
    return _rs.cpu_times_percent(percpu)


# --- memory -------------------------------------------------------------------------------

virtual_memory = _rs.virtual_memory
swap_memory = _rs.swap_memory


def _has_heap_info() -> bool:
    try:
        _rs.heap_info()
    except NotImplementedError:
        return False
    return True


# As psutil: heap_info() and heap_trim() exist where the C library is glibc.
if _has_heap_info():

    def heap_info() -> _ntuples.pheap:
        """This process's C heap as glibc's malloc accounts it (mallinfo2): bytes in use in
        its arenas (heap_used) and in blocks it mapped with mmap (mmap_used). Covers every
        malloc of the process, by Python, C extensions and Rust code alike."""
        return _ntuples.pheap(*_rs.heap_info())

    def heap_trim() -> None:
        """Ask malloc to return unused heap memory to the kernel (glibc's malloc_trim(0)),
        e.g. before measuring heap_info() to find leaks."""
        _rs.heap_trim()

    __all__ += ["heap_info", "heap_trim"]


# --- disks --------------------------------------------------------------------------------

disk_partitions = _rs.disk_partitions
disk_usage = _rs.disk_usage


if _t.TYPE_CHECKING:

    class _DiskIoCounters(_t.Protocol):
        @_t.overload
        def __call__(
            self, perdisk: _t.Literal[False] = False, nowrap: bool = True
        ) -> _ntuples.sdiskio | None: ...
        @_t.overload
        def __call__(
            self, perdisk: _t.Literal[True], nowrap: bool = True
        ) -> dict[str, _ntuples.sdiskio]: ...
        @_t.overload
        def __call__(
            self, perdisk: bool = False, nowrap: bool = True
        ) -> _ntuples.sdiskio | dict[str, _ntuples.sdiskio] | None: ...
        def cache_clear(self) -> None: ...

    disk_io_counters: _DiskIoCounters
else:

    def disk_io_counters(perdisk=False, nowrap=True):
        """Disk I/O counters: all disks summed (None when there is none), or per disk and
        partition with *perdisk*. *nowrap* adds back counters that wrapped around since the
        first call (forgotten by disk_io_counters.cache_clear())."""
        return _rs.disk_io_counters(perdisk, nowrap)

    disk_io_counters.cache_clear = _rs.disk_io_counters_cache_clear


# --- network ------------------------------------------------------------------------------


if _t.TYPE_CHECKING:

    class _NetIoCounters(_t.Protocol):
        @_t.overload
        def __call__(
            self, pernic: _t.Literal[False] = False, nowrap: bool = True
        ) -> _ntuples.snetio | None: ...
        @_t.overload
        def __call__(
            self, pernic: _t.Literal[True], nowrap: bool = True
        ) -> dict[str, _ntuples.snetio]: ...
        @_t.overload
        def __call__(
            self, pernic: bool = False, nowrap: bool = True
        ) -> _ntuples.snetio | dict[str, _ntuples.snetio] | None: ...
        def cache_clear(self) -> None: ...

    net_io_counters: _NetIoCounters
else:

    def net_io_counters(pernic=False, nowrap=True):
        """Network I/O counters: all interfaces summed (None when there is none), or per
        interface with *pernic*. *nowrap* as in disk_io_counters()."""
        return _rs.net_io_counters(pernic, nowrap)

    net_io_counters.cache_clear = _rs.net_io_counters_cache_clear


def net_connections(kind: str = "inet") -> list[_ntuples.sconn]:
    """The system's sockets of *kind* ("inet", "inet4", "inet6", "tcp", "tcp4", "tcp6",
    "udp", "udp4", "udp6", "unix" or "all"), each with its owning pid and fd where the
    caller may see them."""
    if kind not in _CONN_KINDS:
        raise ValueError(f"invalid kind argument {kind!r}; valid ones are: {_CONN_KINDS}")
    return _rs.net_connections(kind)


net_if_addrs = _rs.net_if_addrs
net_if_stats = _rs.net_if_stats


# --- sensors ------------------------------------------------------------------------------

sensors_temperatures = _rs.sensors_temperatures
sensors_fans = _rs.sensors_fans
sensors_battery = _rs.sensors_battery


# --- other --------------------------------------------------------------------------------

boot_time = _rs.boot_time
users = _rs.users
pids = _rs.pids
pid_exists = _rs.pid_exists


# --- PROCFS_PATH --------------------------------------------------------------------------


class _Module(_types.ModuleType):
    """The package's module type: assigning PROCFS_PATH also points the Rust core there."""

    def __setattr__(self, name: str, value: _t.Any) -> None:
        if name == "PROCFS_PATH":
            _rs.set_procfs_path(value)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Module


# --- psutil 8.0's additive utilities -----------------------------------------------------

_SYMBOLS = ("B", "K", "M", "G", "T", "P", "E", "Z", "Y")


def bytes2human(n: int, format: str = "%(value).1f%(symbol)s") -> str:  # noqa: A002
    """psutil 8.0's bytes2human: *n* bytes in the largest binary unit it reaches (K = 1024
    bytes, M = 1024 K, ... Y), formatted with *format* over `value` and `symbol`;
    plain bytes below 1 K (e.g. 10000 -> '9.8K', 100 -> '100.0B')."""
    for power in range(len(_SYMBOLS) - 1, 0, -1):
        unit = 1 << (power * 10)
        if abs(n) >= unit:
            return format % {"value": float(n) / unit, "symbol": _SYMBOLS[power]}
    return format % {"value": n, "symbol": "B"}
