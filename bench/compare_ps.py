#!/usr/bin/env python3
"""Process benchmarks, run by hand (not in CI); driven by bench/compare_ps.sh.

Default: a ps-like sweep over every process (about --procs of them, topped up with sleeping
children from spawn_crowd.py), reading the attributes of psutil's scripts/ps.py (pid,
memory_percent, name, cmdline, cpu_times, create_time, memory_info, status, nice, username)
of each, timed in one run for:
  - the sweep example's modes (target/release/examples/sweep): raw (the floor: open and read
    stat, status, statm, cmdline, no parsing), sysgauge (and its other modes), sysinfo, procfs;
  - psutil 7.2.2: list(process_iter(attrs=[...the ten...])), in this interpreter;
  - procps `ps -eo user,pid,%mem,vsz,rss,ni,stat,lstart,time,comm,args`, the whole
    command (fork + exec + its output through a pipe, so it pays for a process start).
Every tool gets one untimed warm-up sweep (shown apart as "1st ms"), then --iters timed
ones; the table gives the median per sweep, the processes seen, the ratio to raw and psutil's time over each tool's.

--oneshot: what oneshot() saves on the calling process, psutil 7.2.2 against sysgauge
(target/release/examples/oneshot_bench): the Linux methods of psutil's oneshot
micro-benchmark that psutil 7.2.2 has, called --times times without and with oneshot.

Usage: bench/compare_ps.sh [--procs N] [--iters N] [--json FILE]
       bench/compare_ps.sh --oneshot [--times N] [--json FILE]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import psutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spawn_crowd import Crowd, count_processes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "target", "release", "examples")
# psutil master's scripts/ps.py (its `ps aux` clone): the attributes it asks process_iter for.
SWEEP_ATTRS = ["pid", "memory_percent", "name", "cmdline", "cpu_times", "create_time",
               "memory_info", "status", "nice", "username"]
PS_CMD = ["ps", "-eo", "user,pid,%mem,vsz,rss,ni,stat,lstart,time,comm,args"]
# The Linux methods of psutil's scripts/internal/bench_oneshot.py (master); the ones psutil
# 7.2.2 lacks (memory_info_ex, page_faults) are dropped at run time.
ONESHOT_METHODS = ["cpu_num", "cpu_percent", "cpu_times", "gids", "memory_info",
                   "memory_info_ex", "memory_percent", "name", "num_ctx_switches",
                   "num_threads", "page_faults", "parent", "ppid", "status", "terminal",
                   "uids", "username"]


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


def psutil_sweep():
    return len(list(psutil.process_iter(attrs=SWEEP_ATTRS)))


def ps_sweep():
    out = subprocess.run(PS_CMD, stdout=subprocess.PIPE, check=True).stdout
    return out.count(b"\n") - 1  # less the header


def rust_sweep(mode, iters):
    out = subprocess.run([os.path.join(EXAMPLES, "sweep"), "--mode", mode, "--iters",
                          str(iters), "--json"], stdout=subprocess.PIPE, check=True, text=True)
    return json.loads(out.stdout)


def run_sweeps(args):
    modes = subprocess.run([os.path.join(EXAMPLES, "sweep"), "--list-modes"],
                           stdout=subprocess.PIPE, check=True, text=True).stdout.split()
    rows = []
    with Crowd(args.procs):
        for mode in modes:
            r = rust_sweep(mode, args.iters)
            note = {"raw": "floor: open+read 4 files, no parsing",
                    "sysinfo": "System kept; cmd+uids re-read (Always)",
                    "sysinfo-cached": "cmd+uids read once (OnlyIfNotSet)"}.get(mode, "")
            if r.get("stale"):
                note = "STALE: later sweeps re-served old values"
            elif mode == "sysgauge-iter-fresh":
                note = "process_iter, its table cleared each sweep"
            rows.append({"tool": mode, "median_ms": r["median_ms"], "min_ms": r["min_ms"],
                         "procs": r["procs"], "errors": r["errors"], "note": note,
                         "first_ms": r["first_ms"], "stale": r.get("stale")})
        med, mn, first, n = timed(psutil_sweep, args.iters)
        rows.append({"tool": f"psutil {psutil.__version__}", "median_ms": med * 1e3,
                     "min_ms": mn * 1e3, "first_ms": first * 1e3, "procs": n,
                     "note": "process_iter(attrs=10)"})
        med, mn, first, n = timed(ps_sweep, args.iters)
        rows.append({"tool": "ps (procps)", "median_ms": med * 1e3, "min_ms": mn * 1e3,
                     "first_ms": first * 1e3, "procs": n,
                     "note": "separate process: includes fork+exec"})
        total = count_processes()
    raw = next((r["median_ms"] for r in rows if r["tool"] == "raw"), None)
    ps_ms = next(r["median_ms"] for r in rows if r["tool"].startswith("psutil"))
    print(f"\nps-like sweep, {total} processes, {args.iters} sweeps per tool "
          f"(median; {platform.node()}, {os.cpu_count()} CPUs, Linux {platform.release()})\n")
    print(f"{'tool':<18} {'median ms':>10} {'min ms':>9} {'1st ms':>7} {'procs':>6} "
          f"{'x raw':>7} {'psutil/x':>9}  note")
    for r in rows:
        r["ratio_to_raw"] = r["median_ms"] / raw if raw else None
        r["psutil_speedup"] = ps_ms / r["median_ms"]
        print(f"{r['tool']:<18} {r['median_ms']:>10.2f} {r['min_ms']:>9.2f} "
              f"{r['first_ms']:>7.1f} {r['procs']:>6} {r['ratio_to_raw']:>7.2f} "
              f"{r['psutil_speedup']:>9.2f}  {r['note']}")
    print("1st ms: the untimed warm-up sweep (sysinfo: its first refresh, which builds its "
          "table; psutil: process_iter creating its Process objects)")
    return {"kind": "sweep", "processes": total, "iters": args.iters, "rows": rows}


def psutil_oneshot(names, times, repeat):
    """Best-of-`repeat` seconds for `times` calls of every method, without and with oneshot."""
    p = psutil.Process()
    funs = [getattr(p, n) for n in names]

    def loop(oneshot):
        t0 = time.perf_counter()
        for _ in range(times):
            if oneshot:
                with p.oneshot():
                    for f in funs:
                        f()
            else:
                for f in funs:
                    f()
        return time.perf_counter() - t0

    regular = min(loop(False) for _ in range(repeat))
    one = min(loop(True) for _ in range(repeat))
    return regular, one


def run_oneshot(args):
    names = [n for n in ONESHOT_METHODS if callable(getattr(psutil.Process, n, None))]
    missing = [n for n in ONESHOT_METHODS if n not in names]
    out = subprocess.run([os.path.join(EXAMPLES, "oneshot_bench"), "--times", str(args.times),
                          "--repeat", str(args.repeat), "--json"],
                         stdout=subprocess.PIPE, check=True, text=True)
    rs = json.loads(out.stdout)
    full = psutil_oneshot(names, args.times, args.repeat)
    same = psutil_oneshot(rs["methods"], args.times, args.repeat)
    print(f"\noneshot on the calling process, {args.times} times, best of {args.repeat}")
    print(f"psutil {psutil.__version__} methods ({len(names)}): {', '.join(names)}")
    print(f"  not in psutil {psutil.__version__}: {', '.join(missing) or '-'}")
    print(f"sysgauge methods ({len(rs['methods'])}); skipped, not in sysgauge yet: "
          f"{', '.join(rs['skipped']) or '-'}\n")
    print(f"{'side':<32} {'regular s':>10} {'oneshot s':>10} {'speedup':>8}")
    rows = [(f"psutil, all {len(names)}", *full),
            (f"psutil, sysgauge's {len(rs['methods'])}", *same),
            (f"sysgauge, its {len(rs['methods'])}", rs["regular_s"], rs["oneshot_s"])]
    for name, reg, one in rows:
        print(f"{name:<32} {reg:>10.4f} {one:>10.4f} {reg / one:>7.2f}x")
    print(f"\npsutil/sysgauge on the same {len(rs['methods'])} methods: "
          f"{same[0] / rs['regular_s']:.1f}x regular, {same[1] / rs['oneshot_s']:.1f}x oneshot")
    return {"kind": "oneshot", "times": args.times, "repeat": args.repeat,
            "psutil_methods": names, "psutil_missing": missing, "sysgauge": rs,
            "psutil_all": {"regular_s": full[0], "oneshot_s": full[1]},
            "psutil_same": {"regular_s": same[0], "oneshot_s": same[1]}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--procs", type=int, default=1000, help="processes to reach (default 1000)")
    ap.add_argument("--iters", type=int, default=20, help="timed sweeps per tool (default 20)")
    ap.add_argument("--oneshot", action="store_true", help="the oneshot benchmark instead")
    ap.add_argument("--times", type=int, default=1000, help="oneshot: loops (default 1000)")
    ap.add_argument("--repeat", type=int, default=5, help="oneshot: best of (default 5)")
    ap.add_argument("--json", metavar="FILE", help="also save the results as JSON")
    args = ap.parse_args()
    try:
        result = run_oneshot(args) if args.oneshot else run_sweeps(args)
    except KeyboardInterrupt:
        sys.exit(130)
    result.update({"psutil": psutil.__version__, "python": platform.python_version(),
                   "kernel": platform.release(), "cpus": os.cpu_count()})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
