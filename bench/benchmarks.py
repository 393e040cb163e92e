#!/usr/bin/env python3
"""Writes BENCHMARKS.md: sysgauge against psutil 7.2.2, sysinfo, the procfs crate, procps `ps`,
iproute2 `ss`, htop and a raw read-only loop, on the same work, in one run. Driven by
bench/benchmarks.sh (which builds everything first); run by hand, not in CI.

Work items (each tool runs in a child process of its own, under GNU time, so that its peak
memory, the maximum resident set size, is its own):
  sweep        the ps-like sweep (psutil's scripts/ps.py attributes) over about --procs
               processes (sleeping children from bench/spawn_crowd.py);
  oneshot      psutil's bench_oneshot method set on the calling process, without and with
               oneshot(), per pass;
  system       each system-wide call (raw = a bare open/read/close of the files the call
               reads, found with strace);
  connections  a TCP listing with pids while bench/conn_load.py holds --conns loopback
               connections;
  top          CPU time of a one-second-refresh `top` over --top-seconds, with htop and
               psutil's scripts/top.py (bench/top_cpu.sh).
Every figure is a median; with --rounds R > 1 each tool runs R times (tools interleaved, the
order reversed every other round) and the median of its medians is kept. "x sysgauge" is a
tool's time over sysgauge's (Rust) on the same row: above 1 means slower than sysgauge.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EX = os.path.join(ROOT, "target", "release", "examples")
sys.path.insert(0, HERE)
from spawn_crowd import Crowd, count_processes  # noqa: E402

PS_ARGV = ["ps", "-eo", "user,pid,%mem,vsz,rss,ni,stat,lstart,time,comm,args"]
SS_ARGV = ["ss", "-tanp"]
# compare_python.py's call names -> timecalls' call names.
TIMECALLS = {
    "cpu_times()": "cpu_times", "cpu_times(percpu=True)": "cpu_times_percpu",
    "cpu_percent()": "cpu_percent", "cpu_percent(percpu=True)": "cpu_percent_percpu",
    "cpu_times_percent()": "cpu_times_percent",
    "cpu_times_percent(percpu=True)": "cpu_times_percent_percpu",
    "cpu_count()": "cpu_count", "cpu_count(logical=False)": "cpu_count_physical",
    "cpu_stats()": "cpu_stats", "cpu_freq()": "cpu_freq", "cpu_freq(percpu=True)": "cpu_freq_percpu",
    "getloadavg()": "getloadavg", "virtual_memory()": "virtual_memory",
    "swap_memory()": "swap_memory", "disk_partitions()": "disk_partitions",
    "disk_partitions(all=True)": "disk_partitions_all", "disk_usage('/')": "disk_usage",
    "disk_io_counters()": "disk_io_counters",
    "disk_io_counters(perdisk=True)": "disk_io_counters_perdisk",
    "net_io_counters()": "net_io_counters", "net_io_counters(pernic=True)": "net_io_counters_pernic",
    "net_if_addrs()": "net_if_addrs", "net_if_stats()": "net_if_stats",
    "net_connections()": "net_connections", "net_connections('tcp')": "net_connections_tcp",
    "net_connections('udp')": "net_connections_udp",
    "net_connections('unix')": "net_connections_unix",
    "net_connections('all')": "net_connections_all",
    "sensors_temperatures()": "sensors_temperatures", "sensors_fans()": "sensors_fans",
    "sensors_battery()": "sensors_battery", "users()": "users", "boot_time()": "boot_time",
    "pids()": "pids", "pid_exists(os.getpid())": "pid_exists",
}  # fmt: skip


class Run:
    """One child run: its stdout, wall seconds and peak RSS (KiB), or why it failed."""

    def __init__(self, out: str, wall: float, maxrss_kb: int, status: int) -> None:
        self.out, self.wall, self.maxrss_kb, self.status = out, wall, maxrss_kb, status


def run_child(argv: list[str], keep_stdout: bool = True, env: dict[str, str] | None = None,
              peak: bool = True) -> Run:
    """Runs `argv` to its end. With `peak`, under GNU time, whose %M is the child's own peak
    RSS: a child forked from this interpreter would report the interpreter's (Linux keeps the
    pre-exec high-water mark in ru_maxrss, and subprocess may vfork)."""
    out_file = None
    if peak:
        fd, out_file = tempfile.mkstemp(prefix="sg-bench-rss.")
        os.close(fd)
        argv = ["/usr/bin/time", "-f", "%M", "-o", out_file, *argv]
    t0 = time.perf_counter()
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
        wall = time.perf_counter() - t0
        maxrss = 0
        if out_file:
            try:
                with open(out_file) as f:
                    maxrss = int(f.read().split()[-1])
            except (OSError, ValueError, IndexError):
                pass
    finally:
        if out_file:
            os.unlink(out_file)
    out = r.stdout.decode(errors="replace") if r.stdout else ""
    return Run(out, wall, maxrss, r.returncode)


def cmdline(argv: list[str]) -> str:
    return " ".join(a if re.fullmatch(r"[\w./=,:%+-]+", a) else repr(a) for a in argv)


def rel(argv: list[str]) -> list[str]:
    """`argv` with paths shown relative to the repository root."""
    out = []
    for a in argv:
        if a.startswith(ROOT + "/"):
            a = a[len(ROOT) + 1:]
        out.append(a)
    return out


class Tool:
    """A tool of one work item: how to run it and how to read its figures."""

    def __init__(self, name: str, argv: list[str], parse: Any, note: str = "",
                 whole_command: bool = False) -> None:
        self.name, self.argv, self.parse, self.note = name, argv, parse, note
        self.whole_command = whole_command  # one run = one sample (ps, ss)
        self.samples: list[dict[str, float]] = []
        self.peak_kb = 0
        self.why = ""


def run_tools(tools: list[Tool], rounds: int, iters: int) -> None:
    """Each tool `rounds` times, interleaved; a whole-command tool runs `iters` times a round."""
    for r in range(rounds):
        for t in (tools if r % 2 == 0 else tools[::-1]):
            if t.why:
                continue
            if t.whole_command:
                walls = []
                # Warm-up, and the peak RSS (the timed runs are not under GNU time).
                t.peak_kb = max(t.peak_kb, run_child(t.argv, keep_stdout=False).maxrss_kb)
                for _ in range(iters):
                    res = run_child(t.argv, keep_stdout=False, peak=False)
                    if res.status != 0:
                        t.why = f"exit status {res.status}"
                        break
                    walls.append(res.wall)
                if walls:
                    t.samples.append({"ms": statistics.median(walls) * 1e3})
                continue
            res = run_child(t.argv)
            t.peak_kb = max(t.peak_kb, res.maxrss_kb)
            try:
                figures = t.parse(res.out)
            except Exception as err:  # noqa: BLE001 - reported in the table
                figures = {"why": f"no figures (exit {res.status}): {err}"[:100]}
            if "why" in figures:
                t.why = figures["why"]
            else:
                t.samples.append(figures)


def med(t: Tool, key: str) -> float | None:
    vals = [s[key] for s in t.samples if s.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v: float | None, unit_div: float = 1.0) -> str:
    if v is None:
        return "-"
    v = v / unit_div
    return f"{v:,.0f}" if v >= 1000 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def fmt_x(v: float | None, base: float | None) -> str:
    return f"{v / base:.2f}" if v is not None and base else "-"


def mib(kb: int) -> str:
    return f"{kb / 1024:.1f}" if kb else "-"


def py_tool(name: str, lib: str, py: str, section: str, extra: list[str], key: str) -> Tool:
    """sysgauge's Python module or psutil, through compare_python.py --lib."""
    argv = [py, os.path.join(HERE, "compare_python.py"), "--lib", lib, "--section", section,
            "--json", "-", *extra]

    def parse(out: str) -> dict[str, Any]:
        rows = json.loads(out.strip().splitlines()[-1])["rows"]
        res: dict[str, Any] = {}
        for r in rows:
            v = r.get(lib, {})
            if "why" in v:
                res.setdefault("_why", {})[r["call"]] = v["why"]
            else:
                res[r["call"]] = v["ns"]
        if key and key not in res:
            return {"why": res.get("_why", {}).get(key, "no result")}
        res.pop("_why", None)
        return res

    return Tool(name, argv, parse)


# --- work items ---------------------------------------------------------------------------------


def work_sweep(a: argparse.Namespace) -> dict[str, Any]:
    sweep = os.path.join(EX, "sweep")
    key = "process_iter(ps.py attrs) -> [p.info]"

    def rust(mode: str, note: str = "") -> Tool:
        def parse(out: str) -> dict[str, Any]:
            j = json.loads(out)
            return {"ms": j["median_ms"], "procs": j["procs"]}
        return Tool(mode, [sweep, "--mode", mode, "--iters", str(a.iters), "--json"], parse, note)

    def py(name: str, lib: str) -> Tool:
        t = py_tool(name, lib, a.python, "sweep", ["--procs", "0", "--sweep-batches",
                                                   str(a.iters), "--filter", "ps.py"], key)
        inner = t.parse
        t.parse = lambda out: (lambda d: d if "why" in d else {"ms": d[key] / 1e6})(inner(out))
        return t

    tools = [rust("sysgauge-iter", "sysgauge::process_iter with the ten attributes"),
             py("sysgauge (Python)", "sysgauge"), py(f"psutil {a.psutil}", "psutil"),
             rust("sysinfo", "System kept; nine attributes (it has no nice)"),
             rust("procfs", "procfs crate: all_processes, stat/status/statm/cmdline"),
             Tool("ps (procps)", PS_ARGV, None, "whole command: fork+exec, output to /dev/null",
                  whole_command=True),
             rust("raw", "floor: read stat, status, statm, cmdline (+ meminfo), no parsing")]
    tools[0].name = "sysgauge"
    with Crowd(a.procs, quiet=True):
        time.sleep(1)
        nprocs = count_processes()
        run_tools(tools, a.rounds, a.iters)
    base = med(tools[0], "ms")
    lines = [f"ps-like sweep: the attributes of psutil's `scripts/ps.py` (pid, memory_percent, "
             f"name, cmdline, cpu_times, create_time, memory_info, status, nice, username) of "
             f"every process, {nprocs} processes; {a.iters} sweeps per run, {a.rounds} run(s) "
             f"per tool.\n",
             "| tool | median ms | x sysgauge | peak RSS MiB | note |", "|---|---:|---:|---:|---|"]
    for t in tools:
        if t.why:
            lines.append(f"| {t.name} | {t.why} | | {mib(t.peak_kb)} | {t.note} |")
            continue
        m = med(t, "ms")
        lines.append(f"| {t.name} | {fmt(m)} | {fmt_x(m, base)} | {mib(t.peak_kb)} | {t.note} |")
    return {"title": "Process sweep (`ps`-like)", "lines": lines, "tools": tools}


def work_oneshot(a: argparse.Namespace) -> dict[str, Any]:
    ob = os.path.join(EX, "oneshot_bench")
    times, repeat = a.oneshot_times, 3

    def rust(name: str, lib: str | None, note: str) -> Tool:
        argv = [ob, "--times", str(times), "--repeat", str(repeat), "--json"]
        if lib:
            argv += ["--lib", lib]

        def parse(out: str) -> dict[str, Any]:
            j = json.loads(out.strip().splitlines()[0])
            per = lambda s: None if s is None else s / times * 1e6  # noqa: E731
            return {"regular": per(j["regular_s"]), "oneshot": per(j["oneshot_s"])}
        return Tool(name, argv, parse, note)

    def py(name: str, lib: str) -> Tool:
        t = py_tool(name, lib, a.python, "oneshot", ["--filter", "^set", "--batches",
                                                     str(a.batches)], "set, regular")
        inner = t.parse

        def parse(out: str) -> dict[str, Any]:
            d = inner(out)
            if "why" in d:
                return d
            return {"regular": d["set, regular"] / 1e3,
                    "oneshot": d.get("set, in oneshot()", 0) / 1e3 or None}
        t.parse = parse
        return t

    tools = [rust("sysgauge", None, "Process getters; Process::oneshot"),
             py("sysgauge (Python)", "sysgauge"), py(f"psutil {a.psutil}", "psutil"),
             rust("sysinfo", "sysinfo", "one refresh_processes_specifics of the pid (no ctx "
                  "switches, gids, terminal, cpu_num)"),
             rust("procfs", "procfs", "procfs crate: each method parses its file; oneshot: "
                  "each file once"),
             rust("raw", "raw", "floor of a oneshot pass: read stat, status, statm, meminfo, "
                  "parent's stat")]
    run_tools(tools, a.rounds, 1)
    b_reg, b_one = med(tools[0], "regular"), med(tools[0], "oneshot")
    lines = ["psutil's `scripts/internal/bench_oneshot.py` Linux method set as far as psutil "
             f"7.2.2 has it (15 methods: cpu_num, cpu_percent, cpu_times, gids, memory_info, "
             f"memory_percent, name, num_ctx_switches, num_threads, parent, ppid, status, "
             f"terminal, uids, username) on the calling process; µs per pass of the whole set "
             f"({times} passes, best of {repeat}, for the Rust tools).\n",
             "| tool | regular µs | x sysgauge | in oneshot µs | x sysgauge | peak RSS MiB | note |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for t in tools:
        if t.why:
            lines.append(f"| {t.name} | {t.why} | | | | {mib(t.peak_kb)} | {t.note} |")
            continue
        r, o = med(t, "regular"), med(t, "oneshot")
        lines.append(f"| {t.name} | {fmt(r)} | {fmt_x(r, b_reg)} | {fmt(o)} | {fmt_x(o, b_one)} "
                     f"| {mib(t.peak_kb)} | {t.note} |")
    return {"title": "Process methods: the oneshot set", "lines": lines, "tools": tools}


def strace_files(tc: str, name: str) -> list[str] | None:
    """The files sysgauge's timecalls opens for one call of `name` (strace), or None."""
    if not shutil.which("strace"):
        return None
    r = subprocess.run(["strace", "-f", "-e", "trace=open,openat", tc, "--only", name, "--once"],
                       capture_output=True, text=True)
    log = r.stderr.split("timecalls: calls begin", 1)[-1]
    files = []
    for line in log.splitlines():
        line = line.split("] ", 1)[-1] if line.startswith("[pid") else line
        if line.startswith(("open(", "openat(")) and "= -1" not in line and "O_DIRECTORY" not in line:
            files.append(line.split('"')[1])
    return files


def work_system(a: argparse.Namespace) -> dict[str, Any]:
    tc = os.path.join(EX, "timecalls")
    bargs = ["--batches", str(a.batches), "--batch-ms", str(a.batch_ms)]

    def rust(name: str, lib: str | None, note: str) -> Tool:
        argv = [tc, *bargs] + (["--lib", lib] if lib else [])
        return Tool(name, argv, lambda out: {k: v for k, v in json.loads(out).items()}, note)

    tools = [rust("sysgauge", None, ""),
             py_tool("sysgauge (Python)", "sysgauge", a.python, "system",
                     ["--batches", str(a.batches), "--batch-ms", str(a.batch_ms)], ""),
             py_tool(f"psutil {a.psutil}", "psutil", a.python, "system",
                     ["--batches", str(a.batches), "--batch-ms", str(a.batch_ms)], ""),
             rust("sysinfo", "sysinfo", ""), rust("procfs", "procfs", "")]
    run_tools(tools, a.rounds, 1)
    # raw: a bare open/read/close of the files sysgauge reads for the call.
    floors: dict[str, float | None] = {}
    for name in TIMECALLS.values():
        files = strace_files(tc, name)
        if not files or name.startswith("net_connections"):
            floors[name] = None
            continue
        argv = [tc, *bargs]
        for f in files:
            argv += ["--floor", f]
        r = subprocess.run(argv, capture_output=True, text=True)
        floors[name] = float(r.stdout) if r.returncode == 0 else None
    cols = tools[1:]
    lines = [f"Each system-wide call in µs (median of {a.batches} batches of ~{a.batch_ms} ms; "
             f"the calls with their common arguments); each other tool's figure is followed by "
             f"its time over sysgauge's. sysinfo and procfs: their nearest equivalent, where "
             f"they have one. raw: a bare open/read/close of the files sysgauge reads for the "
             f"call (found with strace; none for netlink, syscalls or the connection "
             f"listings).\n",
             "| call | sysgauge | " + " | ".join(t.name for t in cols) + " | raw |",
             "|---|---:|" + "---:|" * (len(cols) + 1)]

    def key_of(t: Tool, call: str) -> str:
        return call if "Python" in t.name or t.name.startswith("psutil") else TIMECALLS[call]

    for call, tkey in TIMECALLS.items():
        base = med(tools[0], tkey)
        cells = [fmt(base, 1e3)]
        for t in cols:
            v = med(t, key_of(t, call))
            cells.append("-" if v is None else f"{fmt(v, 1e3)} ({fmt_x(v, base)})")
        fl = floors.get(tkey)
        cells.append("-" if fl is None else f"{fmt(fl, 1e3)} ({fmt_x(fl, base)})")
        lines.append(f"| {call} | " + " | ".join(cells) + " |")
    lines.append("\nPeak RSS of each tool's whole run, MiB: " + ", ".join(
        f"{t.name} {mib(t.peak_kb)}" for t in tools) + ".")
    whys = [f"{t.name}: {t.why}" for t in tools if t.why]
    if whys:
        lines.append("\nNot run: " + "; ".join(whys))
    lines.append("\nsysinfo's cpu_percent rows are not comparable: sysinfo skips a CPU refresh "
                 "that comes within its minimum interval (200 ms) of the last one, so most of "
                 "its calls read nothing.")
    return {"title": "System-wide calls", "lines": lines, "tools": tools}


def work_connections(a: argparse.Namespace) -> dict[str, Any]:
    cb = os.path.join(EX, "connections_bench")
    tmp = tempfile.mkdtemp(prefix="sg-bench-conns.")
    ready = os.path.join(tmp, "ready")
    load = subprocess.Popen([sys.executable, os.path.join(HERE, "conn_load.py"), "--conns",
                             str(a.conns), "--timeout", "900", "--ready-file", ready],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 180
        while not (os.path.exists(ready) and os.path.getsize(ready)):
            if load.poll() is not None or time.time() > deadline:
                raise RuntimeError("the connection load did not get ready")
            time.sleep(0.2)
        _, pids, made, sockets, secs = open(ready).read().split()
        subprocess.run([cb, "--iters", "10", "--mode", "raw-fdscan"], stdout=subprocess.DEVNULL)

        def rust(name: str, mode: str, note: str) -> Tool:
            def parse(out: str) -> dict[str, Any]:
                j = json.loads(out.strip().splitlines()[0])
                if "error" in j:
                    return {"why": j["error"]}
                return {"ms": j["median_ms"], "conns": j["conns"], "of_load": j["of_pids"]}
            return Tool(name, [cb, "--mode", mode, "--iters", str(a.iters), "--json", "--pids",
                               pids], parse, note)

        def py(name: str, lib: str) -> Tool:
            key = "net_connections('tcp')"
            t = py_tool(name, lib, a.python, "system", ["--filter", r"^net_connections\('tcp'\)$",
                                                        "--batches", str(a.iters),
                                                        "--batch-ms", "1"], key)
            inner = t.parse
            t.parse = lambda out: (lambda d: d if "why" in d else {"ms": d[key] / 1e6})(inner(out))
            return t

        tools = [rust("sysgauge", "net_connections", "net_connections(Tcp): netlink + /proc/*/fd"),
                 py("sysgauge (Python)", "sysgauge"), py(f"psutil {a.psutil}", "psutil"),
                 rust("procfs", "procfs", "procfs crate: net::tcp()+tcp6(), every fd()"),
                 Tool("ss -tanp", SS_ARGV, None, "whole command, output to /dev/null",
                      whole_command=True),
                 rust("raw", "raw-both", "floor: bare netlink dumps + getdents/readlinkat of "
                      "every fd")]
        run_tools(tools, a.rounds, a.iters)
    finally:
        if load.stdin:
            load.stdin.close()
        try:
            load.wait(timeout=20)
        except subprocess.TimeoutExpired:
            load.kill()
            load.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    base = med(tools[0], "ms")
    lines = [f"All TCP sockets with their pids (psutil's `net_connections('tcp')`) while "
             f"{made} loopback connections ({sockets} sockets) are held by other processes; "
             f"{a.iters} calls per run, {a.rounds} run(s) per tool. sysinfo has no connection "
             f"listing.\n",
             "| tool | median ms | x sysgauge | peak RSS MiB | note |", "|---|---:|---:|---:|---|"]
    for t in tools:
        if t.why:
            lines.append(f"| {t.name} | {t.why} | | {mib(t.peak_kb)} | {t.note} |")
            continue
        m = med(t, "ms")
        lines.append(f"| {t.name} | {fmt(m)} | {fmt_x(m, base)} | {mib(t.peak_kb)} | {t.note} |")
    return {"title": "Connections with pids", "lines": lines, "tools": tools,
            "load": {"conns": made, "sockets": sockets}}


def work_top(a: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ, SECONDS_EACH=str(a.top_seconds), TOTAL=str(a.procs), RUNS="1",
               SYSGAUGE_PYTHON=a.python)
    p = subprocess.Popen(["bash", os.path.join(HERE, "top_cpu.sh")], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        stdout, _ = p.communicate()
    finally:
        if p.poll() is None:  # interrupted: its trap stops its viewers and crowd
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
    r = subprocess.CompletedProcess(p.args, p.returncode, stdout)
    rows = []
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 6 and f[4].endswith("M") and f[0] != "tool":
            rows.append((f[0], float(f[1]), float(f[2]), float(f[3]), f[4][:-1]))
    procs = next((ln for ln in r.stdout.splitlines() if ln.startswith("processes:")), "")
    base = next((cpu for n, _, _, cpu, _ in rows if n == "sysgauge"), None)
    lines = [f"CPU time (user + system) of each process viewer refreshing every second for "
             f"{a.top_seconds} s in a 160x50 tmux pane ({procs.strip()}); peak RSS from GNU "
             f"time. htop: `htop -d 10`; sysgauge: `sysgauge top --delay 1`; top.py: psutil's "
             f"`scripts/top.py` (master, one import adapted to psutil 7.2.2).\n",
             "| tool | user s | system s | CPU s | x sysgauge | peak RSS MiB |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, u, s, cpu, m in rows:
        lines.append(f"| {name} | {u:.2f} | {s:.2f} | {cpu:.2f} | {fmt_x(cpu, base)} | {m} |")
    if not rows:
        lines.append(f"| (no result: exit {r.returncode}) | | | | | |")
    return {"title": "`top` at a one-second refresh", "lines": lines, "tools": [],
            "argv": ["bash", "bench/top_cpu.sh"]}


# --- the report ---------------------------------------------------------------------------------


def versions(a: argparse.Namespace) -> dict[str, str]:
    def first(argv: list[str]) -> str:
        try:
            r = subprocess.run(argv, capture_output=True, text=True)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "not found"

    lock = open(os.path.join(ROOT, "Cargo.lock")).read()

    def crate(name: str) -> str:
        m = re.search(rf'name = "{name}"\nversion = "([^"]+)"', lock)
        return m.group(1) if m else "?"

    return {"sysgauge": crate("sysgauge"), "psutil": a.psutil, "sysinfo": crate("sysinfo"),
            "procfs": crate("procfs"), "procps": first(["ps", "-V"]),
            "htop": first(["htop", "--version"]), "iproute2": first(["ss", "-V"]),
            "rustc": first(["rustc", "-V"]),
            "python": first([a.python, "-c", "import platform; print(platform.python_version())"])}


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo") as f:
        model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "?")
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return (f"{model}, {os.cpu_count()} logical CPUs, {mem_kb / 2**20:.1f} GiB RAM; Linux "
            f"{platform.release()} ({platform.machine()}); load average at the start "
            f"{os.getloadavg()[0]:.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few iterations: a smoke test")
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--python", default=sys.executable,
                    help="the interpreter with psutil 7.2.2 and sysgauge installed")
    ap.add_argument("--only", action="append",
                    choices=["sweep", "oneshot", "system", "connections", "top"])
    a = ap.parse_args()
    q = a.quick
    a.procs = 1000
    a.iters = 3 if q else 15
    a.rounds = 1 if q else 3
    a.batches = 3 if q else 9
    a.batch_ms = 10 if q else 40
    a.oneshot_times = 200 if q else 2000
    a.conns = 2000 if q else 10000
    a.top_seconds = 5 if q else 30
    a.psutil = subprocess.run([a.python, "-c", "import psutil; print(psutil.__version__)"],
                              capture_output=True, text=True).stdout.strip()
    started = time.time()
    items = a.only or ["sweep", "oneshot", "system", "connections", "top"]
    funcs = {"sweep": work_sweep, "oneshot": work_oneshot, "system": work_system,
             "connections": work_connections, "top": work_top}
    head_machine = machine()
    results = []
    for it in items:
        t0 = time.time()
        print(f"benchmarks: {it} ...", file=sys.stderr, flush=True)
        try:
            results.append(funcs[it](a))
        except Exception as err:  # noqa: BLE001 - one work item failing must not lose the rest
            results.append({"title": it, "lines": [f"failed: {err!r}"], "tools": []})
        print(f"benchmarks: {it} done in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    v = versions(a)
    out = [("# sysgauge benchmarks" + (" (--quick: a smoke test, not figures to quote)" if q else "")),
           "",
           f"Generated by `bench/benchmarks.sh{' --quick' if q else ''}` on "
           f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, in "
           f"{(time.time() - started) / 60:.1f} min.",
           "",
           f"- Machine: {head_machine}",
           "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
           "- Every figure is a median; \"x sysgauge\" is the tool's figure over sysgauge's "
           "(the Rust crate) on the same row: above 1 is slower than sysgauge. "
           "Peak RSS: the tool process's maximum resident set size (GNU time's %M), which for "
           "the Python rows includes the interpreter, for `ps` and `ss` the whole command.",
           f"- Reproduce everything: `bench/benchmarks.sh{' --quick' if q else ''}`; each table "
           "lists the command of each tool (run from the repository root after the build).",
           ""]
    for res in results:
        out += [f"## {res['title']}", "", *res["lines"], ""]
        cmds = [f"{t.name}: {cmdline(rel(t.argv))}" for t in res.get("tools", [])]
        if res.get("argv"):
            cmds.append(cmdline(res["argv"]) + f"  # SECONDS_EACH={a.top_seconds} TOTAL={a.procs}")
        if cmds:
            out += ["<details><summary>commands</summary>", "", "```", *cmds, "```", "",
                    "</details>", ""]
    with open(a.out, "w") as f:
        f.write("\n".join(out))
    print(f"benchmarks: wrote {a.out} in {(time.time() - started) / 60:.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
