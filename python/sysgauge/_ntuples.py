"""The named tuples sysgauge returns: psutil 7.2.2's Linux ones, same names, fields and order.

The Rust extension builds instances of these classes directly (tuple.__new__), so a call
returns finished named tuples in one crossing.
"""

from __future__ import annotations

import socket
from collections import namedtuple
from typing import TYPE_CHECKING, NamedTuple, Union

from ._common import IOPriority

from . import _sysgauge

# --- system-wide ------------------------------------------------------------------------

if TYPE_CHECKING:

    class scputimes(NamedTuple):
        user: float
        nice: float
        system: float
        idle: float
        iowait: float
        irq: float
        softirq: float
        steal: float
        guest: float
        guest_nice: float

else:
    # As psutil: the fields this kernel's /proc/stat has (steal since 2.6.11, guest since
    # 2.6.24, guest_nice since 2.6.33), decided once at import.
    _CPU_FIELDS = (
        "user", "nice", "system", "idle", "iowait", "irq", "softirq",
        "steal", "guest", "guest_nice",
    )  # fmt: skip
    try:
        _ncpu = _sysgauge._cpu_times_nfields()
    except Exception:  # noqa: BLE001 - a missing /proc must not break the import
        _ncpu = 7
    scputimes = namedtuple("scputimes", _CPU_FIELDS[:_ncpu])
    del _ncpu


class pheap(NamedTuple):
    """heap_info()'s result: this process's malloc statistics, in bytes."""

    heap_used: int
    """Bytes malloc handed out from its heap arenas and not yet freed (uordblks)."""
    mmap_used: int
    """Bytes of large blocks malloc served with mmap and not yet freed (hblkhd)."""


class svmem(NamedTuple):
    total: int
    available: int
    percent: float
    used: int
    free: int
    active: int
    inactive: int
    buffers: int
    cached: int
    shared: int
    slab: int


class sswap(NamedTuple):
    total: int
    used: int
    free: int
    percent: float
    sin: int
    sout: int


class sdiskusage(NamedTuple):
    total: int
    used: int
    free: int
    percent: float


class sdiskio(NamedTuple):
    read_count: int
    write_count: int
    read_bytes: int
    write_bytes: int
    read_time: int
    write_time: int
    read_merged_count: int
    write_merged_count: int
    busy_time: int


class sdiskpart(NamedTuple):
    device: str
    mountpoint: str
    fstype: str
    opts: str


class snetio(NamedTuple):
    bytes_sent: int
    bytes_recv: int
    packets_sent: int
    packets_recv: int
    errin: int
    errout: int
    dropin: int
    dropout: int


class suser(NamedTuple):
    name: str
    terminal: str | None
    host: str | None
    started: float
    pid: int


class addr(NamedTuple):
    ip: str
    port: int


class sconn(NamedTuple):
    fd: int
    family: socket.AddressFamily
    type: Union[socket.SocketKind, int]
    laddr: Union[addr, tuple[()], str]
    raddr: Union[addr, tuple[()], str]
    status: str
    pid: int | None


class snicaddr(NamedTuple):
    family: Union[socket.AddressFamily, int]
    address: str
    netmask: str | None
    broadcast: str | None
    ptp: str | None


class snicstats(NamedTuple):
    isup: bool
    duplex: int
    speed: int
    mtu: int
    flags: str


class scpustats(NamedTuple):
    ctx_switches: int
    interrupts: int
    soft_interrupts: int | None
    syscalls: int


class scpufreq(NamedTuple):
    current: float
    min: float
    max: float


class shwtemp(NamedTuple):
    label: str
    current: float
    high: float | None
    critical: float | None


class sbattery(NamedTuple):
    percent: float
    secsleft: int
    power_plugged: bool | None


class sfan(NamedTuple):
    label: str
    current: int


# --- processes ----------------------------------------------------------------------------


class pconn(NamedTuple):
    fd: int
    family: socket.AddressFamily
    type: Union[socket.SocketKind, int]
    laddr: Union[addr, tuple[()], str]
    raddr: Union[addr, tuple[()], str]
    status: str


class pcputimes(NamedTuple):
    user: float
    system: float
    children_user: float
    children_system: float
    iowait: float


class pmem(NamedTuple):
    rss: int
    vms: int
    shared: int
    text: int
    lib: int
    data: int
    dirty: int


class pfullmem(NamedTuple):
    rss: int
    vms: int
    shared: int
    text: int
    lib: int
    data: int
    dirty: int
    uss: int
    pss: int
    swap: int


class pmem_ex(NamedTuple):
    """psutil 8.0's memory_info_ex(): pmem's fields plus the peaks and the parts of
    /proc/<pid>/status, in bytes."""

    rss: int
    vms: int
    shared: int
    text: int
    lib: int
    data: int
    dirty: int
    peak_rss: int
    peak_vms: int
    rss_anon: int
    rss_file: int
    rss_shmem: int
    swap: int
    hugetlb: int


class pfootprint(NamedTuple):
    """psutil 8.0's memory_footprint(): uss, pss and swap, in bytes."""

    uss: int
    pss: int
    swap: int


class ppagefaults(NamedTuple):
    """psutil 8.0's page_faults(): minor and major faults so far."""

    minor: int
    major: int


class pio(NamedTuple):
    read_count: int
    write_count: int
    read_bytes: int
    write_bytes: int
    read_chars: int
    write_chars: int


class pctxsw(NamedTuple):
    voluntary: int
    involuntary: int


class puids(NamedTuple):
    real: int
    effective: int
    saved: int


class pgids(NamedTuple):
    real: int
    effective: int
    saved: int


class pionice(NamedTuple):
    ioclass: IOPriority
    value: int


class popenfile(NamedTuple):
    path: str
    fd: int
    position: int
    mode: str
    flags: int


class pthread(NamedTuple):
    id: int
    user_time: float
    system_time: float


class pmmap_grouped(NamedTuple):
    path: str
    rss: int
    size: int
    pss: int
    shared_clean: int
    shared_dirty: int
    private_clean: int
    private_dirty: int
    referenced: int
    anonymous: int
    swap: int


class pmmap_ext(NamedTuple):
    addr: str
    perms: str
    path: str
    rss: int
    size: int
    pss: int
    shared_clean: int
    shared_dirty: int
    private_clean: int
    private_dirty: int
    referenced: int
    anonymous: int
    swap: int
