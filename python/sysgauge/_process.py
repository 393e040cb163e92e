"""The Process class, Popen, process_iter() and wait_procs(): psutil 7.2.2's, over the Rust
core.

A Process is a pid plus its start time (held by the Rust handle): every call checks that the
pid still names the same process, so a reused pid gives NoSuchProcess, never another
process's data, and no signal or setting ever reaches a process that merely inherited the
pid.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import subprocess
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from . import _ntuples as _nt
from . import _sysgauge as _rs
from ._common import (
    CONN_KINDS,
    IOPRIO_CLASS_IDLE,
    IOPRIO_CLASS_NONE,
    STATUS_ZOMBIE,
    AccessDenied,
    NoSuchProcess,
    TimeoutExpired,
    ZombieProcess,
    _negsig,
)

# The attribute names psutil 7.2.2's as_dict() and process_iter() accept.
ATTR_NAMES = frozenset({
    "cmdline", "cpu_affinity", "cpu_num", "cpu_percent", "cpu_times", "create_time", "cwd",
    "environ", "exe", "gids", "io_counters", "ionice", "memory_full_info", "memory_info",
    "memory_maps", "memory_percent", "name", "net_connections", "nice", "num_ctx_switches",
    "num_fds", "num_threads", "open_files", "pid", "ppid", "status", "terminal", "threads",
    "uids", "username",
})  # fmt: skip
_ALL_ATTRS = sorted(ATTR_NAMES)

# memory_percent()'s memtype values: the fields of memory_full_info().
_MEMTYPES = _nt.pfullmem._fields

# The largest pid the kernel can hand out fits a C int, as psutil checks.
_PID_MAX = 2**31 - 1

# Process._exitcode before wait() has seen the process end.
_UNKNOWN: Any = object()


def _check_attrs(attrs: Iterable[str] | None) -> list[str] | None:
    """*attrs* as a sorted list of valid names (None stays None), with psutil's errors."""
    if attrs is None:
        return None
    if not isinstance(attrs, (list, tuple, set, frozenset)):
        raise TypeError(f"invalid attrs type {type(attrs)}")
    names = set(attrs)
    invalid = names - ATTR_NAMES
    if invalid:
        plural = "s" if len(invalid) > 1 else ""
        raise ValueError(f"invalid attr name{plural} {', '.join(map(repr, invalid))}")
    return sorted(names)


def _pprint_secs(secs: float) -> str:
    """A start time as psutil's repr shows it: the time of day, or the date too when it
    was more than a day ago."""
    fmt = "%H:%M:%S" if int(time.time() - secs) < 60 * 60 * 24 else "%Y-%m-%d %H:%M:%S"
    return datetime.datetime.fromtimestamp(secs).strftime(fmt)


class _GoneHandle:
    """Stands in for the Rust handle of a process that had ended before it could be opened
    (a Popen child reaped at once): every read says NoSuchProcess."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.known_name = None
        self.known_create_time = None

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def gone(*args: Any, **kwargs: Any) -> Any:
            raise NoSuchProcess(self.pid)

        return gone

    def is_running(self) -> bool:
        return False

    def pid_reused(self) -> bool:
        return False

    def wait(self, timeout: float | None = None) -> None:
        return None

    def _oneshot_enter(self) -> None:
        pass

    def _oneshot_exit(self) -> None:
        pass

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return hash(self.pid)


class Process:
    """An OS process: *pid* (default: this process) and the start time that tells it apart
    from any later process given the same pid. NoSuchProcess when there is no such
    process."""

    __module__ = "sysgauge"

    #: psutil 8.0's Process.attrs: the attribute names as_dict() and process_iter() take
    #: (psutil 7.2.2's set; the 8.0 methods above are not among them, as in 7.2.2).
    attrs: frozenset[str] = ATTR_NAMES

    _proc: _rs.ProcessHandle
    # psutil keeps a parent pid here only on Windows; its ZombieProcess errors carry it.
    _ppid: int | None = None
    _pid: int
    _exitcode: Any
    _pid_reused: bool
    info: dict[str, Any]

    def __init__(self, pid: int | None = None) -> None:
        self._init(pid)

    def _init(self, pid: int | None, _ignore_nsp: bool = False) -> None:
        if pid is None:
            pid = os.getpid()
        else:
            if pid < 0:
                raise ValueError(f"pid must be a positive integer (got {pid})")
            if pid > _PID_MAX:
                raise NoSuchProcess(pid, msg="process PID out of range")
        try:
            handle: Any = _rs.ProcessHandle(pid)
        except NoSuchProcess:
            if not _ignore_nsp:
                raise NoSuchProcess(pid, msg="process PID not found") from None
            handle = _GoneHandle(pid)
        self._adopt(handle)

    def _adopt(self, handle: _rs.ProcessHandle) -> None:
        self._proc = handle
        # The pid as psutil keeps it (tests of psutil's set it to reach corner cases).
        self._pid = handle.pid
        self._exitcode = _UNKNOWN
        self._pid_reused = False

    @classmethod
    def _from_handle(cls, handle: _rs.ProcessHandle) -> Process:
        self = Process.__new__(Process)
        self._adopt(handle)
        return self

    @property
    def _name(self) -> str | None:
        """The name read last (what psutil's errors and repr show), or None."""
        return self._proc.known_name

    def _raise_if_pid_reused(self) -> None:
        """NoSuchProcess when is_running() found the pid given to another process."""
        if self._pid_reused:
            raise NoSuchProcess(
                self.pid, self._name, msg="process no longer exists and its PID has been reused"
            )

    # --- identity -----------------------------------------------------------------------

    @property
    def pid(self) -> int:
        """The process id."""
        return self._pid

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Process):
            return NotImplemented
        return bool(self._proc == other._proc)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._proc)

    def __str__(self) -> str:
        info: dict[str, Any] = {"pid": self.pid}
        if self._name:
            info["name"] = self._name
        with self.oneshot():
            if self._pid_reused:
                info["status"] = "terminated + PID reused"
            else:
                try:
                    info["name"] = self.name()
                    info["status"] = self.status()
                except ZombieProcess:
                    info["status"] = "zombie"
                except NoSuchProcess:
                    info["status"] = "terminated"
                except AccessDenied:
                    pass
            if self._exitcode not in (_UNKNOWN, None):
                info["exitcode"] = self._exitcode
            started = self._proc.known_create_time
            if started is not None:
                info["started"] = _pprint_secs(started)
        details = ", ".join(f"{k}={v!r}" for k, v in info.items())
        return f"{type(self).__module__}.{type(self).__name__}({details})"

    __repr__ = __str__

    def is_running(self) -> bool:
        """Whether the process still exists and its pid has not been reused (a zombie is
        running)."""
        if self._pid_reused:
            return False
        if self._proc.is_running():
            return True
        self._pid_reused = self._proc.pid_reused()
        return False

    @contextlib.contextmanager
    def oneshot(self) -> Iterator[None]:
        """A context in which the getters share one read of each /proc file they use
        (stat, status, statm, smaps...), for speed when reading several values. Nests;
        outside it every call reads anew."""
        self._proc._oneshot_enter()
        try:
            yield
        finally:
            self._proc._oneshot_exit()

    # --- getters ------------------------------------------------------------------------

    def name(self) -> str:
        """The process name (the full executable name when the kernel's 15-byte name is
        its start)."""
        return self._proc.name()

    def ppid(self) -> int:
        """The parent's pid."""
        self._raise_if_pid_reused()
        return self._proc.ppid()

    def status(self) -> str:
        """The state, one of the STATUS_* constants."""
        try:
            return self._proc.status()
        except ZombieProcess:
            return STATUS_ZOMBIE

    def cmdline(self) -> list[str]:
        """The command line, one argument per item."""
        return self._proc.cmdline()

    def create_time(self) -> float:
        """When the process started, in seconds since the Epoch (read once, then kept)."""
        return self._proc.create_time()

    def exe(self) -> str:
        """The executable as an absolute path ("" when unknown; read once, then kept)."""
        return self._proc.exe()

    def environ(self) -> dict[str, str]:
        """The environment the process started with."""
        return self._proc.environ()

    def terminal(self) -> str | None:
        """The controlling terminal's device path, or None."""
        return self._proc.terminal()

    def cwd(self) -> str:
        """The working directory as an absolute path."""
        return self._proc.cwd()

    def username(self) -> str:
        """The name of the process's real user (the uid as text when it has none)."""
        return self._proc.username()

    def uids(self) -> _nt.puids:
        """Real, effective and saved user ids."""
        return self._proc.uids()

    def gids(self) -> _nt.pgids:
        """Real, effective and saved group ids."""
        return self._proc.gids()

    def nice(self, value: int | None = None) -> int | None:
        """The nice value; with *value*, sets it instead (returns None)."""
        if value is None:
            return self._proc.nice()
        self._raise_if_pid_reused()
        self._proc.set_nice(value)
        return None

    def ionice(self, ioclass: int | None = None, value: int | None = None) -> _nt.pionice | None:
        """The I/O scheduling class and level; with *ioclass* (an IOPRIO_CLASS_* constant)
        and *value* (0 to 7, only for the RT and BE classes), sets them instead."""
        if ioclass is None:
            if value is not None:
                raise ValueError("'ioclass' argument must be specified")
            return self._proc.ionice()
        self._raise_if_pid_reused()
        if value is None:
            value = 0
        if value and ioclass in {IOPRIO_CLASS_IDLE, IOPRIO_CLASS_NONE}:
            raise ValueError(f"{ioclass!r} ioclass accepts no value")
        if value < 0 or value > 7:
            raise ValueError("value not in 0-7 range")
        self._proc.set_ionice(ioclass, value)
        return None

    def rlimit(
        self, resource: int, limits: tuple[int, int] | None = None
    ) -> tuple[int, int] | None:
        """The (soft, hard) limits of *resource* (an RLIMIT_* constant), RLIM_INFINITY for
        none; with *limits*, sets them instead."""
        if limits is None:
            return self._proc.rlimit(resource)
        self._raise_if_pid_reused()
        if len(limits) != 2:
            raise ValueError(f"second argument must be a (soft, hard) tuple, got {limits!r}")
        soft, hard = limits
        self._proc.set_rlimit(resource, soft, hard)
        return None

    def cpu_affinity(self, cpus: Iterable[int] | None = None) -> list[int] | None:
        """The CPUs the process may run on; with *cpus*, restricts it to them instead ([]
        means every eligible CPU)."""
        if cpus is None:
            return self._proc.cpu_affinity()
        self._raise_if_pid_reused()
        self._proc.set_cpu_affinity(list(set(cpus)))
        return None

    def cpu_num(self) -> int:
        """The CPU the process last ran on."""
        return self._proc.cpu_num()

    def num_threads(self) -> int:
        """The number of threads."""
        return self._proc.num_threads()

    def threads(self) -> list[_nt.pthread]:
        """Each thread's id and user and system CPU times in seconds."""
        return self._proc.threads()

    def num_fds(self) -> int:
        """The number of open file descriptors."""
        return self._proc.num_fds()

    def open_files(self) -> list[_nt.popenfile]:
        """The regular files the process has open."""
        return self._proc.open_files()

    def num_ctx_switches(self) -> _nt.pctxsw:
        """Voluntary and involuntary context switches so far."""
        return self._proc.num_ctx_switches()

    def io_counters(self) -> _nt.pio:
        """I/O calls and bytes so far."""
        return self._proc.io_counters()

    def cpu_times(self) -> _nt.pcputimes:
        """CPU times in seconds (of the process, and of its waited-for children)."""
        return self._proc.cpu_times()

    def cpu_percent(self, interval: float | None = None) -> float:
        """CPU use in percent of one CPU: over *interval* seconds (blocking) when it is
        positive, else since the previous call on this object (0.0 the first time)."""
        if interval is not None and interval < 0:
            raise ValueError(f"interval is not positive (got {interval!r})")
        return self._proc.cpu_percent(interval)

    def memory_info(self) -> _nt.pmem:
        """Memory sizes in bytes (rss, vms, shared, text, lib, data, dirty)."""
        return self._proc.memory_info()

    def memory_full_info(self) -> _nt.pfullmem:
        """memory_info() plus uss, pss and swap (slower: reads the whole address map)."""
        return self._proc.memory_full_info()

    def memory_info_ex(self) -> _nt.pmem_ex:
        """psutil 8.0: memory_info() plus peak_rss, peak_vms, rss_anon, rss_file,
        rss_shmem, swap and hugetlb (bytes, from /proc/<pid>/status)."""
        return self._proc.memory_info_ex()

    def memory_footprint(self) -> _nt.pfootprint:
        """psutil 8.0: uss, pss and swap in bytes (what memory_full_info() adds; reads the
        address map)."""
        return self._proc.memory_footprint()

    def page_faults(self) -> _nt.ppagefaults:
        """psutil 8.0: minor and major page faults so far (/proc/<pid>/stat)."""
        return self._proc.page_faults()

    def memory_percent(self, memtype: str = "rss") -> float:
        """*memtype* (a memory_full_info() field) as a percentage of physical memory."""
        if memtype not in _MEMTYPES:
            raise ValueError(f"invalid memtype {memtype!r}; valid types are {tuple(_MEMTYPES)!r}")
        return self._proc.memory_percent(memtype)

    def memory_maps(self, grouped: bool = True) -> list[_nt.pmmap_grouped] | list[_nt.pmmap_ext]:
        """The mapped memory regions: summed per path, or one per mapping with its address
        and permissions when *grouped* is false."""
        return self._proc.memory_maps(bool(grouped))

    def net_connections(self, kind: str = "inet") -> list[_nt.pconn]:
        """The sockets of *kind* the process has open (see sysgauge.net_connections)."""
        if kind not in CONN_KINDS:
            raise ValueError(f"invalid kind argument {kind!r}; valid ones are: {CONN_KINDS}")
        return self._proc.net_connections(kind)

    def connections(self, kind: str = "inet") -> list[_nt.pconn]:
        """Deprecated name of net_connections()."""
        warnings.warn(
            "connections() is deprecated and will be removed; use net_connections() instead",
            category=DeprecationWarning,
            stacklevel=2,
        )
        return self.net_connections(kind=kind)

    # --- family -------------------------------------------------------------------------

    def parent(self) -> Process | None:
        """The parent process, or None (no parent, or it has gone)."""
        handle = self._proc.parent()
        return None if handle is None else Process._from_handle(handle)

    def parents(self) -> list[Process]:
        """Parent, grandparent, ... up to the first process."""
        return [Process._from_handle(h) for h in self._proc.parents()]

    def children(self, recursive: bool = False) -> list[Process]:
        """The child processes (all descendants with *recursive*)."""
        self._raise_if_pid_reused()
        try:
            handles = self._proc.children(bool(recursive))
        except NoSuchProcess:
            # As psutil, which opens the process anew to learn its start time.
            raise NoSuchProcess(self.pid, msg="process PID not found") from None
        return [Process._from_handle(h) for h in handles]

    # --- signals --------------------------------------------------------------------------

    def send_signal(self, sig: int) -> None:
        """Sends signal *sig* (a signal module constant)."""
        self._raise_if_pid_reused()
        self._proc.send_signal(sig)

    def suspend(self) -> None:
        """Stops the process (SIGSTOP)."""
        self.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Continues a stopped process (SIGCONT)."""
        self.send_signal(signal.SIGCONT)

    def terminate(self) -> None:
        """Asks the process to end (SIGTERM)."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Kills the process (SIGKILL)."""
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int | None:
        """Waits for the process to end. Returns its exit code for a child of this process
        (minus the signal number, as a Negsignal member, when a signal killed it), else
        None; None at once when it has already gone. TimeoutExpired when *timeout* seconds
        pass first (0: look without waiting)."""
        if self.pid == 0:
            raise ValueError("can't wait for PID 0")
        if timeout is not None:
            if not isinstance(timeout, (int, float)):
                raise TypeError(f"timeout must be an int or float (got {type(timeout)})")
            if timeout < 0:
                raise ValueError(f"timeout must be positive or zero (got {timeout})")
        if self._exitcode is not _UNKNOWN:
            return self._exitcode  # type: ignore[no-any-return]
        try:
            code = self._proc.wait(timeout)
        except TimeoutExpired:
            seconds: Any = timeout
            raise TimeoutExpired(seconds, pid=self.pid, name=self._name) from None
        self._exitcode = None if code is None else _negsig(code)
        return self._exitcode  # type: ignore[no-any-return]

    # --- several at once ------------------------------------------------------------------

    def as_dict(
        self, attrs: Iterable[str] | None = None, ad_value: Any = None
    ) -> dict[str, Any]:
        """The values of *attrs* (attribute names; all by default) read in one go, with
        *ad_value* for those the process refuses (AccessDenied, ZombieProcess)."""
        names = _check_attrs(attrs)
        # psutil: no attrs (None or empty) means all of them, and then an attribute this
        # system cannot give is left out instead of raising.
        want = names or _ALL_ATTRS
        patched = _patched_attrs(self, want)
        if not patched:
            return self._proc.as_dict(want, ad_value, bool(names))
        # Some getters were replaced (a test's mock, a subclass): those are called as
        # psutil's as_dict calls them, the others still come from Rust in one crossing.
        rest = [n for n in want if n not in patched]
        with self.oneshot():
            got = self._proc.as_dict(rest, ad_value, bool(names)) if rest else {}
            out: dict[str, Any] = {}
            for name in want:
                if name not in patched:
                    if name in got:
                        out[name] = got[name]
                    continue
                try:
                    out[name] = getattr(self, name)()
                except (AccessDenied, ZombieProcess):
                    out[name] = ad_value
                except NotImplementedError:
                    if names:
                        raise
        return out


# Process's own getters for the attribute names, to tell when one was replaced.
_GETTERS: dict[str, Any] = {n: Process.__dict__[n] for n in ATTR_NAMES if n != "pid"}
_AS_DICT = Process.__dict__["as_dict"]


def _patched_attrs(obj: Process | type[Process], names: Iterable[str]) -> set[str]:
    """The names among *names* whose getter on *obj* (a Process or the class) is not
    Process's own: replaced on the class or the instance, or overridden by a subclass."""
    cls = obj if isinstance(obj, type) else type(obj)
    inst = {} if isinstance(obj, type) else getattr(obj, "__dict__", {})
    return {
        n
        for n in names
        if n != "pid" and (n in inst or getattr(cls, n, None) is not _GETTERS[n])
    }


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
    As psutil's, a generator: nothing is checked or read before the first item is asked
    for.
    """
    names = _check_attrs(attrs)
    if names is not None and (
        Process.as_dict is not _AS_DICT or _patched_attrs(Process, names or _ALL_ATTRS)
    ):
        # as_dict() or a getter was replaced (a test's mock): psutil's way, one as_dict()
        # call per process.
        yield from _yield_via_as_dict(_rs.process_iter(None), names, ad_value)
        return
    if names is None:
        rows = _rs.process_iter(None)
    elif names:
        rows = _rs.process_iter(names, ad_value, True)
    else:
        rows = _rs.process_iter(_ALL_ATTRS, ad_value, False)
    yield from _yield(rows, names is not None)


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


def _yield_via_as_dict(
    rows: list[tuple[_rs.ProcessHandle, Any]], names: list[str], ad_value: Any
) -> Iterator[Process]:
    """process_iter() with each info dict from the process's own as_dict(), which may have
    been replaced: NoSuchProcess drops the process, other errors reach the caller."""
    for proc in _yield(rows, False):
        try:
            proc.info = proc.as_dict(names, ad_value)
        except NoSuchProcess:
            continue
        yield proc


def _cache_clear() -> None:
    """Forget the processes process_iter() kept."""
    _pmap.clear()
    _rs.process_iter_cache_clear()


process_iter.cache_clear = _cache_clear  # type: ignore[attr-defined]


class Popen(Process):
    """subprocess.Popen and Process in one object: starts a program as subprocess.Popen
    does (same arguments), and offers every Process method as well as the Popen
    attributes (stdin, stdout, communicate(), returncode...). send_signal(), terminate()
    and kill() are Process's: they never reach another process that reused the pid.
    wait() is Process's too, and fills in returncode."""

    __module__ = "sysgauge"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._popen = subprocess.Popen(*args, **kwargs)
        # A child is a zombie until reaped, so it can always be opened, unless SIGCHLD is
        # ignored and the kernel has reaped it already.
        self._init(self._popen.pid, _ignore_nsp=True)

    def __dir__(self) -> list[str]:
        return sorted(set(dir(Popen) + dir(subprocess.Popen)))

    def __getattr__(self, name: str) -> Any:
        # Only for names Process does not have: those of the subprocess.Popen object.
        if name != "_popen":
            try:
                return getattr(self.__dict__["_popen"], name)
            except (AttributeError, KeyError):
                pass
        raise AttributeError(f"{self.__class__!r} has no attribute {name!r}")

    def __enter__(self) -> Popen:
        self._popen.__enter__()
        return self

    def __exit__(self, *args: Any) -> None:
        self._popen.__exit__(*args)

    def wait(self, timeout: float | None = None) -> int | None:
        """As Process.wait(), and sets returncode; the returncode at once when it is
        already known."""
        if self._popen.returncode is not None:
            return self._popen.returncode
        code = super().wait(timeout)
        self._popen.returncode = code
        return code


def wait_procs(
    procs: Iterable[Process],
    timeout: float | None = None,
    callback: Callable[[Process], Any] | None = None,
) -> tuple[list[Process], list[Process]]:
    """Waits for several processes to end, *timeout* seconds in all (None: until they
    have). Returns (gone, alive); each gone process gets a `returncode` attribute (what
    its wait() returned) and is passed to *callback* as soon as it is seen to end. Running
    out of time is not an error here."""
    if timeout is not None and not timeout >= 0:
        raise ValueError(f"timeout must be a positive integer, got {timeout}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback {callback!r} is not a callable")

    gone: set[Process] = set()
    alive: set[Process] = set(procs)

    def look(proc: Process, wait: float) -> None:
        try:
            code = proc.wait(timeout=wait)
        except (TimeoutExpired, subprocess.TimeoutExpired):
            return
        if code is not None or not proc.is_running():
            proc.returncode = code  # type: ignore[attr-defined]
            gone.add(proc)
            if callback is not None:
                callback(proc)

    deadline = None if timeout is None else time.monotonic() + timeout
    while alive:
        if timeout is not None and timeout <= 0:
            break
        for proc in alive:
            # One round over all of them takes at most a second, so a slow one does not
            # keep the others from being noticed.
            slice_ = 1.0 / len(alive)
            if deadline is not None:
                timeout = min(deadline - time.monotonic(), slice_)
                if timeout <= 0:
                    break
                look(proc, timeout)
            else:
                look(proc, slice_)
        alive = alive - gone
    if alive:
        # A last look at the survivors, without waiting.
        for proc in alive:
            look(proc, 0)
        alive = alive - gone
    return list(gone), list(alive)

