#!/usr/bin/env python3
"""Seed fuzz/corpus/<target>/ with real kernel files.

Copies the fixture trees (crates/sysgauge/tests/fixtures/**) and the live /proc and /sys files
each parser reads into the corpus of every target whose parser reads that kind of file, plus
a live sock_diag netlink dump. Inputs are cut to MAX_LEN bytes (at a line, record or message
boundary) and named by their SHA-1 as libFuzzer names corpus files. Afterwards minimise with
`scripts/fuzz.sh --cmin`.
Usage: fuzz/seed-corpus.py [CORPUS_DIR]   (default fuzz/corpus)
"""
from __future__ import annotations

import glob
import hashlib
import os
import socket
import struct
import sys
from pathlib import Path

MAX_LEN = int(os.environ.get("FUZZ_MAX_LEN", "4096"))
ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"

STAT = ["pid_stat", "proc_stat_btime", "proc_stat_count_cpu_lines", "proc_stat_counters",
        "proc_stat_cpu_all", "proc_stat_cpu_percpu", "proc_stat_cpu_total", "disk_block_stat"]
SMAPS = ["pid_smaps", "pid_smaps_totals", "pid_smaps_group", "pid_smaps_rollup",
         "pid_smaps_rollup_totals"]
CPUINFO = ["cpuinfo_mhz", "cpuinfo_physical_cores", "cpuinfo_processor_count"]
HWMON_NUM = ["hwmon_py_int", "hwmon_py_float", "power_supply_attr", "sysfs_value",
             "power_supply_capacity"]
TEXT = ["hwmon_text", "hwmon_strip", "power_supply_status_plugged", "power_supply_attr"]

# Which targets read a file, by its name.
BY_NAME: dict[str, list[str]] = {
    "stat": STAT,
    "status": ["pid_status", "power_supply_status_plugged"],
    "statm": ["pid_statm"],
    "cmdline": ["pid_cmdline"],
    "environ": ["pid_environ"],
    "io": ["pid_io"],
    "maps": ["pid_maps", "pid_maps_line"],
    "smaps": SMAPS,
    "smaps_rollup": ["pid_smaps_rollup", "pid_smaps_rollup_totals", "pid_smaps_totals"],
    "meminfo": ["meminfo"],
    "vmstat": ["vmstat"],
    "zoneinfo": ["zoneinfo"],
    "loadavg": ["loadavg"],
    "cpuinfo": CPUINFO,
    "diskstats": ["diskstats", "pytext"],
    "partitions": ["partitions", "pytext"],
    "uevent": ["uevent_devname"],
    "mounts": ["mounts"],
    "filesystems": ["filesystems", "pytext"],
    "dev": ["net_dev"],
    "tcp": ["proc_net_inet"], "tcp6": ["proc_net_inet"],
    "udp": ["proc_net_inet"], "udp6": ["proc_net_inet"],
    "unix": ["proc_net_unix"],
    "utmp": ["utmp"],
    "capacity": ["power_supply_capacity", "power_supply_attr"],
    "type": TEXT, "name": TEXT, "comm": ["pid_status_unescape_name", "hwmon_text"],
}
CPU_LISTS = ("online", "offline", "present", "possible", "related_cpus", "affected_cpus")


def targets_for(path: str) -> list[str]:
    name = os.path.basename(path)
    if name in BY_NAME:
        return BY_NAME[name]
    if name in CPU_LISTS or name.endswith("_list"):
        return ["cpu_list"]
    if name.endswith("_label"):
        return TEXT
    if name.startswith(("temp", "fan", "in", "curr", "power", "energy", "charge", "voltage",
                        "time_to", "scaling_", "cpuinfo_", "trip_point")) or name in (
                            "physical_package_id", "core_id", "size"):
        return HWMON_NUM if not name.endswith("_type") else TEXT
    if "/fdinfo/" in path:
        return ["pid_fdinfo"]
    return []


def cut(data: bytes, target: str) -> bytes:
    if len(data) <= MAX_LEN:
        return data
    if target == "utmp":
        return data[: MAX_LEN - MAX_LEN % 384]
    nl = data.rfind(b"\n", 0, MAX_LEN)
    return data[: nl + 1] if nl > 0 else data[:MAX_LEN]


def add(target: str, data: bytes) -> None:
    data = cut(data, target)
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read(1 << 20)
    except OSError:
        return None


def seed_file(path: str) -> None:
    targets = targets_for(path)
    if not targets:
        return
    data = read(path)
    if data is None:
        return
    for t in targets:
        add(t, data)
    name = os.path.basename(path)
    if name == "mounts":  # single fields for the unescaper
        for field in {f for line in data.splitlines() for f in line.split()[:2]}:
            add("mounts_unescape", field)
    if name == "maps":  # lines and path names
        for line in data.splitlines()[:64]:
            add("pid_maps_line", line)
            parts = line.split(None, 5)
            if len(parts) == 6:
                add("pid_maps_psutil_path", parts[5])
    if name == "status" and data.startswith(b"Name:"):
        add("pid_status_unescape_name", data.split(b"\n", 1)[0][6:])
    if name == "uevent":
        add("uevent_devname", data)


def live_paths() -> list[str]:
    pids = ["self", "1"] + sorted(p for p in os.listdir("/proc") if p.isdigit())[:6]
    out = []
    for pid in pids:
        for n in ("stat", "status", "statm", "cmdline", "environ", "io", "maps", "smaps",
                  "smaps_rollup", "mounts"):
            out.append(f"/proc/{pid}/{n}")
        out += glob.glob(f"/proc/{pid}/fdinfo/*")[:4]
    for n in ("stat", "meminfo", "vmstat", "zoneinfo", "loadavg", "cpuinfo", "diskstats",
              "partitions", "filesystems", "net/dev", "net/tcp", "net/tcp6", "net/udp",
              "net/udp6", "net/unix"):
        out.append(f"/proc/{n}")
    out += ["/var/run/utmp", "/run/utmp", "/var/log/wtmp"]
    out += glob.glob("/sys/devices/system/cpu/*")
    out += glob.glob("/sys/devices/system/cpu/cpu[0-9]*/topology/*")
    out += glob.glob("/sys/devices/system/cpu/cpu[0-9]*/cpufreq/*")
    out += glob.glob("/sys/block/*/stat") + glob.glob("/sys/block/*/uevent")
    out += glob.glob("/sys/class/block/*/uevent")[:8]
    out += glob.glob("/sys/class/hwmon/*/*") + glob.glob("/sys/class/power_supply/*/*")
    out += glob.glob("/sys/class/thermal/*/*")
    return out


def sock_diag_dump(request: bytes) -> bytes:
    """The first batch of replies to one sock_diag dump request (b"" if unavailable)."""
    try:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)  # NETLINK_SOCK_DIAG
        s.settimeout(2)
        s.sendto(request, (0, 0))
        data = s.recv(1 << 16)
        s.close()
        return data
    except OSError:
        return b""


def messages(buf: bytes) -> bytes:
    """Whole netlink messages from the start of buf, at most MAX_LEN bytes."""
    off = 0
    while off + 16 <= len(buf):
        (length,) = struct.unpack_from("=I", buf, off)
        nxt = off + ((length + 3) & ~3)
        if length < 16 or nxt > MAX_LEN:
            break
        off = nxt
    return buf[:off]


def seed_sock_diag() -> None:
    nlm = 0x1 | 0x300  # NLM_F_REQUEST | NLM_F_DUMP
    seq = 7
    for family, proto in ((socket.AF_INET, 6), (socket.AF_INET6, 6), (socket.AF_INET, 17)):
        body = struct.pack("=BBBBI", family, proto, 0, 0, 0x1FFE) + bytes(48)
        req = struct.pack("=IHHII", 16 + len(body), 20, nlm, seq, 0) + body
        reply = messages(sock_diag_dump(req))
        if reply:
            add("sock_diag_replies", reply)
            add("sock_diag_replies_for", struct.pack("=I", seq) + bytes([1]) + reply)
    body = struct.pack("=BBBBIIII", socket.AF_UNIX, 0, 0, 0, 0xFFFFFFFF, 0, 1, 0xFFFFFFFF)
    req = struct.pack("=IHHII", 16 + len(body), 20, nlm, seq, 0) + body
    reply = messages(sock_diag_dump(req))
    if reply:
        add("sock_diag_replies", reply)
        add("sock_diag_replies_for", struct.pack("=I", seq) + bytes([0]) + reply)


def main() -> None:
    fixtures = ROOT / "crates" / "sysgauge" / "tests" / "fixtures"
    for p in sorted(fixtures.rglob("*")):
        if p.is_file() and p.name != "README.md":
            seed_file(str(p))
    for p in live_paths():
        if os.path.isfile(p):
            seed_file(p)
    seed_sock_diag()


if __name__ == "__main__":
    main()
