"""sysgauge's constants, enums and exceptions: the names psutil 7.2.2 exports, with its values.

Nothing here touches the Rust extension, so the Rust side may import this module to find the
exception classes and enums it hands back.
"""

from __future__ import annotations

import enum
import os
import signal
import socket
import sys
from typing import Any

# --- platforms ----------------------------------------------------------------------------

POSIX = os.name == "posix"
WINDOWS = os.name == "nt"
LINUX = sys.platform.startswith("linux")
MACOS = sys.platform.startswith("darwin")
OSX = MACOS
FREEBSD = sys.platform.startswith(("freebsd", "midnightbsd"))
OPENBSD = sys.platform.startswith("openbsd")
NETBSD = sys.platform.startswith("netbsd")
BSD = FREEBSD or OPENBSD or NETBSD
SUNOS = sys.platform.startswith(("sunos", "solaris"))
AIX = sys.platform.startswith("aix")

# --- process states (Process.status()) ----------------------------------------------------

STATUS_RUNNING = "running"
STATUS_SLEEPING = "sleeping"
STATUS_DISK_SLEEP = "disk-sleep"
STATUS_STOPPED = "stopped"
STATUS_TRACING_STOP = "tracing-stop"
STATUS_ZOMBIE = "zombie"
STATUS_DEAD = "dead"
STATUS_WAKE_KILL = "wake-kill"
STATUS_WAKING = "waking"
STATUS_IDLE = "idle"
STATUS_LOCKED = "locked"
STATUS_WAITING = "waiting"
STATUS_SUSPENDED = "suspended"
STATUS_PARKED = "parked"

# --- TCP states (the status field of net_connections()) -----------------------------------

CONN_ESTABLISHED = "ESTABLISHED"
CONN_SYN_SENT = "SYN_SENT"
CONN_SYN_RECV = "SYN_RECV"
CONN_FIN_WAIT1 = "FIN_WAIT1"
CONN_FIN_WAIT2 = "FIN_WAIT2"
CONN_TIME_WAIT = "TIME_WAIT"
CONN_CLOSE = "CLOSE"
CONN_CLOSE_WAIT = "CLOSE_WAIT"
CONN_LAST_ACK = "LAST_ACK"
CONN_LISTEN = "LISTEN"
CONN_CLOSING = "CLOSING"
CONN_NONE = "NONE"

# The kinds net_connections() accepts, in psutil's order (its error message lists them so).
CONN_KINDS = (
    "all", "tcp", "tcp4", "udp", "udp4", "inet", "inet4", "inet6", "tcp6", "udp6", "unix",
)  # fmt: skip


# --- enums ----------------------------------------------------------------------------------


class NicDuplex(enum.IntEnum):
    """The duplex field of net_if_stats()."""

    NIC_DUPLEX_FULL = 2
    NIC_DUPLEX_HALF = 1
    NIC_DUPLEX_UNKNOWN = 0


NIC_DUPLEX_FULL = NicDuplex.NIC_DUPLEX_FULL
NIC_DUPLEX_HALF = NicDuplex.NIC_DUPLEX_HALF
NIC_DUPLEX_UNKNOWN = NicDuplex.NIC_DUPLEX_UNKNOWN


class BatteryTime(enum.IntEnum):
    """The two special values of sensors_battery().secsleft."""

    POWER_TIME_UNKNOWN = -1
    POWER_TIME_UNLIMITED = -2


POWER_TIME_UNKNOWN = BatteryTime.POWER_TIME_UNKNOWN
POWER_TIME_UNLIMITED = BatteryTime.POWER_TIME_UNLIMITED


class IOPriority(enum.IntEnum):
    """The I/O scheduling classes of Process.ionice() (ioprio_get(2))."""

    IOPRIO_CLASS_NONE = 0
    IOPRIO_CLASS_RT = 1
    IOPRIO_CLASS_BE = 2
    IOPRIO_CLASS_IDLE = 3


IOPRIO_CLASS_NONE = IOPriority.IOPRIO_CLASS_NONE
IOPRIO_CLASS_RT = IOPriority.IOPRIO_CLASS_RT
IOPRIO_CLASS_BE = IOPriority.IOPRIO_CLASS_BE
IOPRIO_CLASS_IDLE = IOPriority.IOPRIO_CLASS_IDLE

# How Process.wait() reports a death by signal: minus the signal number, as a member named
# after the signal (Negsignal.SIGTERM == -15), as psutil does.
_NEGSIGNALS = {s.name: -s.value for s in signal.Signals}
Negsignal = enum.IntEnum("Negsignal", _NEGSIGNALS)  # type: ignore[misc]


def _negsig(code: int) -> int:
    """*code* as Negsignal's member when it is minus a known signal number."""
    try:
        return Negsignal(code)
    except ValueError:
        return code


# The family of a hardware address in net_if_addrs(): AF_PACKET on Linux, under psutil's name.
AddressFamily = enum.IntEnum("AddressFamily", {"AF_LINK": int(socket.AF_PACKET)})
AF_LINK = AddressFamily.AF_LINK

# How paths and names read from the kernel become str: the filesystem encoding, undecodable
# bytes kept as lone surrogates (os.fsdecode), as psutil does.
ENCODING = sys.getfilesystemencoding()
ENCODING_ERRS = sys.getfilesystemencodeerrors()


# --- exceptions -----------------------------------------------------------------------------

# The prefix of the exceptions' repr(): psutil writes "psutil.", the module that holds them.
_REPR_PREFIX = "sysgauge."


def _details(exc: BaseException, names: tuple[str, ...]) -> list[str]:
    """`name=value!r` for each attribute that is set (true, or a pid of 0)."""
    out = []
    for name in names:
        value = getattr(exc, name, None)
        if value or (name == "pid" and value == 0):
            out.append(f"{name}={value!r}")
    return out


class Error(Exception):
    """The base of every sysgauge exception (psutil.Error)."""

    __module__ = "sysgauge"

    def __str__(self) -> str:
        parts = _details(self, ("pid", "ppid", "name"))
        msg = getattr(self, "msg", "")
        tail = f"({', '.join(parts)})" if parts else ""
        return " ".join(x for x in (msg, tail) if x)

    def __repr__(self) -> str:
        parts = _details(self, ("pid", "ppid", "name", "seconds", "msg"))
        return f"{_REPR_PREFIX}{type(self).__name__}({', '.join(parts)})"


class NoSuchProcess(Error):
    """The process does not exist, or no longer does (its pid may have been reused)."""

    __module__ = "sysgauge"

    def __init__(self, pid: int, name: str | None = None, msg: str | None = None) -> None:
        super().__init__()
        self.pid = pid
        self.name = name
        self.msg = msg or "process no longer exists"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.pid, self.name, self.msg))


class ZombieProcess(NoSuchProcess):
    """The process has exited but its parent has not reaped it yet."""

    __module__ = "sysgauge"

    def __init__(
        self,
        pid: int,
        name: str | None = None,
        ppid: int | None = None,
        msg: str | None = None,
    ) -> None:
        super().__init__(pid, name, msg)
        self.ppid = ppid
        self.msg = msg or "PID still exists but it's a zombie"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.pid, self.name, self.ppid, self.msg))


class AccessDenied(Error):
    """The kernel refused the operation (EPERM or EACCES)."""

    __module__ = "sysgauge"

    def __init__(
        self, pid: int | None = None, name: str | None = None, msg: str | None = None
    ) -> None:
        super().__init__()
        self.pid = pid
        self.name = name
        self.msg = msg or ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.pid, self.name, self.msg))


class TimeoutExpired(Error):
    """Process.wait(timeout) ran out of time with the process still alive."""

    __module__ = "sysgauge"

    def __init__(self, seconds: float, pid: int | None = None, name: str | None = None) -> None:
        super().__init__()
        self.seconds = seconds
        self.pid = pid
        self.name = name
        self.msg = f"timeout after {seconds} seconds"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.seconds, self.pid, self.name))
