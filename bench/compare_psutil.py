#!/usr/bin/env python3
"""Times each system-wide call in psutil 7.2.2 and in sysgauge on this machine, in one run,
and prints the per-call ratio (psutil time / sysgauge time).

sysgauge's side is `target/release/examples/timecalls` (built by compare_psutil.sh), which
prints {"call": nanoseconds_per_call} for the same calls, timed the same way: batches of
calls for about `--batch-ms` each, median over `--batches` batches.

Usage: bench/compare_psutil.sh [--batches N] [--batch-ms MS] [--json FILE]
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

# The same calls, by the name both sides use (sysgauge's function names).
CALLS = {
    "cpu_times": lambda: psutil.cpu_times(),
    "cpu_times_percpu": lambda: psutil.cpu_times(percpu=True),
    "cpu_percent": lambda: psutil.cpu_percent(interval=None),
    "cpu_percent_percpu": lambda: psutil.cpu_percent(interval=None, percpu=True),
    "cpu_times_percent": lambda: psutil.cpu_times_percent(interval=None),
    "cpu_count": lambda: psutil.cpu_count(),
    "cpu_count_physical": lambda: psutil.cpu_count(logical=False),
    "cpu_stats": lambda: psutil.cpu_stats(),
    "cpu_freq": lambda: psutil.cpu_freq(),
    "cpu_freq_percpu": lambda: psutil.cpu_freq(percpu=True),
    "getloadavg": lambda: psutil.getloadavg(),
    "virtual_memory": lambda: psutil.virtual_memory(),
    "swap_memory": lambda: psutil.swap_memory(),
    "disk_partitions": lambda: psutil.disk_partitions(),
    "disk_partitions_all": lambda: psutil.disk_partitions(all=True),
    "disk_usage": lambda: psutil.disk_usage("/"),
    "disk_io_counters": lambda: psutil.disk_io_counters(),
    "disk_io_counters_perdisk": lambda: psutil.disk_io_counters(perdisk=True),
    "net_io_counters": lambda: psutil.net_io_counters(),
    "net_io_counters_pernic": lambda: psutil.net_io_counters(pernic=True),
    "net_if_addrs": lambda: psutil.net_if_addrs(),
    "net_if_stats": lambda: psutil.net_if_stats(),
    "sensors_temperatures": lambda: psutil.sensors_temperatures(),
    "sensors_fans": lambda: psutil.sensors_fans(),
    "sensors_battery": lambda: psutil.sensors_battery(),
    "boot_time": lambda: psutil.boot_time(),
    "users": lambda: psutil.users(),
}


def time_call(fn, batches, batch_ms):
    """Median nanoseconds per call over `batches` batches of about `batch_ms` each."""
    fn()
    n = 1
    while True:  # calibrate the batch size
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        dt = time.perf_counter_ns() - t0
        if dt >= batch_ms * 1e6 / 4 or n >= 1 << 20:
            break
        n *= 2
    n = max(1, int(n * batch_ms * 1e6 / max(dt, 1)))
    samples = []
    for _ in range(batches):
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter_ns() - t0) / n)
    return statistics.median(samples)


def files_read(binary, name):
    """The files sysgauge opens for one call of `name`, from strace; None without strace."""
    try:
        r = subprocess.run(["strace", "-f", "-e", "trace=open,openat,write", binary, "--only", name, "--once"],
                           capture_output=True, text=True)
    except FileNotFoundError:
        return None
    log = r.stderr.split("timecalls: calls begin", 1)[-1]
    files = []
    for line in log.splitlines():
        line = line.split("] ", 1)[-1] if line.startswith("[pid") else line
        if line.startswith(("open(", "openat(")) and "= -1" not in line and "O_DIRECTORY" not in line:
            files.append(line.split('"')[1])
    return files


def floor_ns(binary, files, batches, batch_ms):
    if not files:
        return None
    args = [binary, "--batches", str(batches), "--batch-ms", str(batch_ms)]
    for f in files:
        args += ["--floor", f]
    return float(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def fmt_ns(ns):
    return f"{ns / 1000:.2f}" if ns < 1e7 else f"{ns / 1e6:.1f}e3"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=7)
    ap.add_argument("--batch-ms", type=int, default=100)
    ap.add_argument("--sysgauge", default="target/release/examples/timecalls")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    out = subprocess.run(
        [args.sysgauge, "--batches", str(args.batches), "--batch-ms", str(args.batch_ms)],
        check=True, capture_output=True, text=True,
    ).stdout
    rust = json.loads(out)

    rows = []
    for name, fn in CALLS.items():
        py = time_call(fn, args.batches, args.batch_ms)
        rs = rust.get(name)
        files = files_read(args.sysgauge, name)
        fl = floor_ns(args.sysgauge, files, args.batches, args.batch_ms)
        rows.append((name, py, rs, py / rs if rs else None, fl, files))

    print(f"# psutil {psutil.__version__} (Python {platform.python_version()}) vs sysgauge, "
          f"{os.cpu_count()} CPUs, kernel {platform.release()}")
    print(f"# median of {args.batches} batches of ~{args.batch_ms} ms each; times in microseconds per call")
    print("# file_floor_us: a bare open/read/close of the files the call reads (from strace),")
    print("#   the least any program can spend on them; sg/floor = sysgauge's time over it")
    print(f"{'call':26} {'psutil_us':>10} {'sysgauge_us':>11} {'ratio':>7} {'file_floor_us':>13} {'sg/floor':>8}  files")
    for name, py, rs, ratio, fl, files in rows:
        rs_s = fmt_ns(rs) if rs else "-"
        r_s = f"{ratio:.1f}x" if ratio else "-"
        fl_s = fmt_ns(fl) if fl else "-"
        q_s = f"{rs / fl:.2f}" if rs and fl else "-"
        print(f"{name:26} {fmt_ns(py):>10} {rs_s:>11} {r_s:>7} {fl_s:>13} {q_s:>8}  {len(files or [])}")
    ratios = [r[3] for r in rows if r[3]]
    if ratios:
        print(f"# geometric mean ratio {statistics.geometric_mean(ratios):.1f}x, "
              f"min {min(ratios):.1f}x ({min(rows, key=lambda r: r[3] or 1e9)[0]})")
    missing = [r[0] for r in rows if r[2] is None]
    if missing:
        print("# not timed on the sysgauge side:", ", ".join(missing))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({r[0]: {"psutil_ns": r[1], "sysgauge_ns": r[2], "file_floor_ns": r[4],
                              "files": r[5]} for r in rows}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
