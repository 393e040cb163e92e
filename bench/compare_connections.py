#!/usr/bin/env python3
"""Connections benchmark, run by hand (not in CI); driven by bench/compare_connections.sh,
which first starts bench/conn_load.py (about 10,000 loopback TCP connections held by other
processes) and passes its pids here.

A system-wide listing of the TCP sockets with their pids, timed in one run for:
  - sysgauge (target/release/examples/connections_bench): `net_connections(Tcp)`, the psutil
    call (netlink, then every /proc/<pid>/fd), and its variants: without pids, from
    /proc/net/tcp{,6} instead of netlink; and floors (`raw-*`: the bare netlink dumps, the
    bare fd scan and variants of it, both together) that show where the time goes;
  - psutil 7.2.2: net_connections('tcp'), timed in this interpreter;
  - iproute2 `ss -tanp` (and `ss -tan`, no pids, for reference): the whole command, output
    to /dev/null (so it pays for a process start, and for formatting its output).
After a settling pass (the fd scan, untimed), every tool gets one untimed warm-up call, then
--iters timed ones; the table gives the median and min per call and each tool's median over
sysgauge's net_connections median. It also checks that the listings agree: the total count
of each tool (ss: its lines less the header), and the sockets each one gives to the load's
pids (expected: 2 * conns + one listener per load process; sockets of other programs on the
machine may come and go between two tools), and whether the issue's goals are met (faster
than `ss -tanp`, at least 5x faster than psutil): exit status 1 if not.

Usage: bench/compare_connections.sh [--conns N] [--iters K] [--json FILE]
       python3 bench/compare_connections.py --load-pids P,P --conns N [--iters K] [--json FILE]
"""
import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time

import psutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "connections_bench")
SS_PID = re.compile(rb"pid=(\d+),")
# Count differences between tools up to which the totals still "agree": other programs'
# sockets (a build, a test run) may open or close between two listings.
TOTAL_SLACK = 20


def timed(fn, iters):
    """Warm-up call, then `iters` timed calls: (median s, min s, warm-up s, last result)."""
    t0 = time.perf_counter()
    last = fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), first, last


def psutil_listing(load_pids):
    conns = psutil.net_connections("tcp")
    return len(conns), sum(1 for c in conns if c.pid in load_pids)


def ss_timed(argv):
    """The whole command, its output thrown away."""
    return lambda: subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)


def ss_counts(argv, load_pids):
    """One more, untimed run of `argv` whose output is kept: (sockets listed, sockets with a
    `pid=` of the load's)."""
    out = subprocess.run(argv, stdout=subprocess.PIPE, check=True).stdout
    lines = out.splitlines()[1:]  # less the header
    of_load = 0
    for line in lines:
        # One socket may be listed with several users; count it once if the load is one.
        if any(int(p) in load_pids for p in SS_PID.findall(line)):
            of_load += 1
    return len(lines), of_load


def rust_modes(iters, load_pids):
    argv = [EXAMPLE, "--iters", str(iters), "--json",
            "--pids", ",".join(str(p) for p in sorted(load_pids))]
    out = subprocess.run(argv, stdout=subprocess.PIPE, text=True)
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if not rows:
        sys.exit(f"{EXAMPLE} printed nothing (status {out.returncode})")
    return rows


RUST_NOTES = {
    "net_connections": "net_connections(Tcp): netlink + /proc/*/fd",
    "nopids": "with_pids(false): netlink only",
    "threads2": "ConnectionQuery::threads(2): dump on a scoped thread during the fd scan",
    "procnet": "source(ProcNet): /proc/net/tcp{,6} + /proc/*/fd",
    "procnet-nopids": "source(ProcNet), with_pids(false)",
    "raw-netlink": "floor: bare netlink dumps, headers walked",
    "raw-fdscan": "floor: getdents + readlinkat of every fd",
    "raw-fdscan-stat": "floor variant: fstatat instead of readlinkat",
    "raw-fdscan-nodents": "floor variant: FDSize, readlinkat 0..FDSize",
    "raw-fdscan-par": "floor variant: one thread per CPU",
    "raw-fdscan-pidfd": "floor variant: pidfd_getfd + fstat + close",
    "raw-both": "floor of the listing: raw-netlink, then raw-fdscan",
    "raw-both-overlap": "raw-netlink on a 2nd thread during raw-fdscan",
    "raw-both-par": "raw-netlink on another thread during raw-fdscan-par",
    "procfs": "procfs crate: net::tcp()+tcp6(), every process's fd()",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--load-pids", default="",
                    help="pids of the processes holding the connections (comma-separated)")
    ap.add_argument("--conns", type=int, default=10000,
                    help="connections the load holds (default 10000)")
    ap.add_argument("--iters", type=int, default=10, help="timed calls per tool (default 10)")
    ap.add_argument("--json", metavar="FILE", help="also save the results as JSON")
    args = ap.parse_args()
    load_pids = {int(p) for p in args.load_pids.split(",") if p}
    expect_load = 2 * args.conns + len(load_pids) if load_pids else None
    iters = max(1, args.iters)

    # Settle: the first listings after the load was made run slower (the kernel builds the
    # /proc/<pid>/fd entries of 20,000 new descriptors); keep that out of every tool's time.
    subprocess.run([EXAMPLE, "--iters", "20", "--mode", "raw-fdscan"],
                   stdout=subprocess.DEVNULL, check=False)

    rows = []
    for r in rust_modes(iters, load_pids):
        mode = r["mode"]
        tool = ("procfs crate" if mode == "procfs"
                else "sysgauge " + mode if not mode.startswith("raw") else mode)
        if "error" in r:
            rows.append({"tool": tool, "error": r["error"], "note": RUST_NOTES.get(mode, "")})
            continue
        with_pids = (mode in ("net_connections", "procnet", "procfs")
                     or mode.startswith("raw-fdscan")
                     or mode.startswith("raw-both"))
        rows.append({"tool": tool, "median_ms": r["median_ms"], "min_ms": r["min_ms"],
                     "first_ms": r["first_ms"], "conns": r["conns"],
                     "of_load": r["of_pids"] if with_pids else None,
                     "note": RUST_NOTES.get(mode, "")})
    med, mn, first, (n, of_load) = timed(lambda: psutil_listing(load_pids), iters)
    rows.append({"tool": f"psutil {psutil.__version__}", "median_ms": med * 1e3,
                 "min_ms": mn * 1e3, "first_ms": first * 1e3, "conns": n, "of_load": of_load,
                 "note": "net_connections('tcp'), in-process"})
    for argv, note in ((["ss", "-tanp"], "whole command, stdout to /dev/null"),
                       (["ss", "-tan"], "no pids; whole command")):
        med, mn, first, _ = timed(ss_timed(argv), iters)
        n, of_load = ss_counts(argv, load_pids)
        rows.append({"tool": " ".join(argv), "median_ms": med * 1e3, "min_ms": mn * 1e3,
                     "first_ms": first * 1e3, "conns": n,
                     "of_load": of_load if "p" in argv[1] else None, "note": note})

    base = next((r for r in rows if r["tool"] == "sysgauge net_connections"
                 and "median_ms" in r), None)
    for r in rows:
        if base and "median_ms" in r:
            r["x_sysgauge"] = r["median_ms"] / base["median_ms"]

    ss_v = subprocess.run(["ss", "-V"], stdout=subprocess.PIPE, text=True).stdout.strip()
    print(f"\nTCP listing with pids, {args.conns} loopback connections held by pid(s) "
          f"{','.join(str(p) for p in sorted(load_pids)) or '-'}; {iters} timed calls per tool "
          f"(median)\n{platform.node()}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
          f"Python {platform.python_version()}, {ss_v}\n")
    print("| tool | median ms | min ms | 1st ms | x sysgauge | sockets | of load | note |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['tool']} | error | | | | | | {r['error']} |")
            continue
        x = f"{r['x_sysgauge']:.2f}" if "x_sysgauge" in r else ""
        of_load = "" if r["of_load"] is None else str(r["of_load"])
        print(f"| {r['tool']} | {r['median_ms']:.2f} | {r['min_ms']:.2f} | "
              f"{r['first_ms']:.2f} | {x} | {r['conns']} | {of_load} | {r['note']} |")

    # Agreement.
    checks = []
    # The raw-fdscan floors count socket descriptors, not sockets.
    listed = [r for r in rows if "conns" in r and not r["tool"].startswith("raw-fdscan")]
    totals = {r["tool"]: r["conns"] for r in listed}
    spread = max(totals.values()) - min(totals.values()) if totals else 0
    checks.append((spread <= TOTAL_SLACK,
                   f"totals agree within {TOTAL_SLACK}: spread {spread} "
                   f"({', '.join(f'{k} {v}' for k, v in totals.items())})"))
    if expect_load is not None:
        for r in rows:
            if r.get("of_load") is not None:
                checks.append((r["of_load"] == expect_load,
                               f"{r['tool']}: {r['of_load']} sockets of the load "
                               f"(expected {expect_load})"))
    if base:
        for r in rows:
            if r["tool"].startswith("psutil") and "x_sysgauge" in r:
                checks.append((r["x_sysgauge"] >= 5.0, f"goal: at least 5x faster than psutil "
                               f"({r['x_sysgauge']:.2f}x)"))
            if r["tool"] == "ss -tanp" and "x_sysgauge" in r:
                checks.append((r["x_sysgauge"] > 1.0, f"goal: faster than ss -tanp "
                               f"({r['x_sysgauge']:.2f}x)"))
    else:
        checks.append((False, "sysgauge net_connections did not run"))
    print()
    for ok, what in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {what}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"kind": "connections", "conns": args.conns, "iters": iters,
                       "load_pids": sorted(load_pids), "rows": rows,
                       "checks": [{"ok": ok, "what": w} for ok, w in checks],
                       "psutil": psutil.__version__, "ss": ss_v,
                       "python": platform.python_version(), "kernel": platform.release(),
                       "cpus": os.cpu_count()}, f, indent=2)
    return 0 if all(ok for ok, _ in checks) else 1


def on_term(_signum, _frame):
    # subprocess.run kills the tool it waits for when interrupted.
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_term)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
