#!/usr/bin/env python3
"""sysgauge's Python module against psutil 7.2.2, in one interpreter (bench/compare_python.sh).

Sections (all by default; pick some with --section):
  sweep    process_iter() with the attributes of psutil's scripts/ps.py (its `ps aux` clone),
           consumed into a list of dicts, over about --procs processes (sleeping children from
           bench/spawn_crowd.py top the machine up); also process_iter() with no attributes.
  system   every system-wide function, with its common argument variants.
  oneshot  the Linux method set of psutil's scripts/internal/bench_oneshot.py (as far as
           psutil 7.2.2 has those methods) on one process, each method alone, then the whole
           set without and with oneshot(); the figure is per process (one pass of the set).
  import   `import psutil` / `import sysgauge` in a fresh interpreter: wall time of
           `python -c "import X"` less that of `python -c pass`, and the package's cumulative
           time from `python -X importtime`.

Method: each call is warmed up, then timed in batches of about --batch-ms; the batches of the
two libraries alternate (psutil first in even rounds, sysgauge first in odd ones) and each
figure is the median over --batches rounds, with the garbage collector off while timing.
A call that sysgauge does not have yet (AttributeError or NotImplementedError) shows
"missing" instead of a time. Prints markdown tables (call | psutil µs | sysgauge µs | ratio);
--json FILE also writes every figure.

--lib psutil|sysgauge times one library only (no interleaving): bench/benchmarks.py runs
each library in its own process that way, to measure its peak memory.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# psutil master's scripts/ps.py: the attributes its `ps aux` clone asks process_iter for.
PS_ATTRS = ["pid", "memory_percent", "name", "cmdline", "cpu_times", "create_time",
            "memory_info", "status", "nice", "username"]
# psutil master's scripts/internal/bench_oneshot.py, Linux: its NAMES list, deduplicated and
# sorted as that script does. memory_info_ex and page_faults are not in psutil 7.2.2: they
# are dropped at run time (and named in the output).
ONESHOT_NAMES = sorted({"cpu_times", "cpu_percent", "memory_info", "memory_percent", "ppid",
                        "parent", "uids", "username", "cpu_num", "gids", "memory_info_ex",
                        "name", "num_ctx_switches", "num_threads", "page_faults", "status",
                        "terminal"})
GOALS = {"sweep": 5.0, "system": 3.0}
LIBS = ("psutil", "sysgauge")


class Missing(Exception):
    """The library lacks this call (so far)."""


def system_calls(m: Any) -> dict[str, Callable[[], Any]]:
    """Every system-wide function of module `m` (psutil or sysgauge), by display name."""
    me = os.getpid()
    return {
        "cpu_times()": lambda: m.cpu_times(),
        "cpu_times(percpu=True)": lambda: m.cpu_times(percpu=True),
        "cpu_percent()": lambda: m.cpu_percent(),
        "cpu_percent(percpu=True)": lambda: m.cpu_percent(percpu=True),
        "cpu_times_percent()": lambda: m.cpu_times_percent(),
        "cpu_times_percent(percpu=True)": lambda: m.cpu_times_percent(percpu=True),
        "cpu_count()": lambda: m.cpu_count(),
        "cpu_count(logical=False)": lambda: m.cpu_count(logical=False),
        "cpu_stats()": lambda: m.cpu_stats(),
        "cpu_freq()": lambda: m.cpu_freq(),
        "cpu_freq(percpu=True)": lambda: m.cpu_freq(percpu=True),
        "getloadavg()": lambda: m.getloadavg(),
        "virtual_memory()": lambda: m.virtual_memory(),
        "swap_memory()": lambda: m.swap_memory(),
        "disk_partitions()": lambda: m.disk_partitions(),
        "disk_partitions(all=True)": lambda: m.disk_partitions(all=True),
        "disk_usage('/')": lambda: m.disk_usage("/"),
        "disk_io_counters()": lambda: m.disk_io_counters(),
        "disk_io_counters(perdisk=True)": lambda: m.disk_io_counters(perdisk=True),
        "net_io_counters()": lambda: m.net_io_counters(),
        "net_io_counters(pernic=True)": lambda: m.net_io_counters(pernic=True),
        "net_if_addrs()": lambda: m.net_if_addrs(),
        "net_if_stats()": lambda: m.net_if_stats(),
        "net_connections()": lambda: m.net_connections(),
        "net_connections('tcp')": lambda: m.net_connections("tcp"),
        "net_connections('udp')": lambda: m.net_connections("udp"),
        "net_connections('unix')": lambda: m.net_connections("unix"),
        "net_connections('all')": lambda: m.net_connections("all"),
        "sensors_temperatures()": lambda: m.sensors_temperatures(),
        "sensors_fans()": lambda: m.sensors_fans(),
        "sensors_battery()": lambda: m.sensors_battery(),
        "users()": lambda: m.users(),
        "boot_time()": lambda: m.boot_time(),
        "pids()": lambda: m.pids(),
        "pid_exists(os.getpid())": lambda: m.pid_exists(me),
    }


def sweep_calls(m: Any) -> dict[str, Callable[[], Any]]:
    """The process sweeps of module `m`."""
    return {
        "process_iter(ps.py attrs) -> [p.info]":
            lambda: [p.info for p in m.process_iter(PS_ATTRS, ad_value=None)],
        "list(process_iter())": lambda: list(m.process_iter()),
    }


def oneshot_calls(m: Any, pid: int, names: list[str]) -> dict[str, Callable[[], Any]]:
    """Process(pid), each method of `names` alone, then the whole set without and with
    oneshot(), for module `m`. Missing methods raise Missing when called."""
    calls: dict[str, Callable[[], Any]] = {"Process(pid)": lambda: m.Process(pid)}
    try:
        p = m.Process(pid)
    except Exception as err:  # noqa: BLE001 - reported as the row's reason
        def broken() -> Any:
            raise Missing(f"Process({pid}): {err!r}")
        calls.update({f"{n}()": broken for n in names})
        calls["set, regular"] = broken
        calls["set, in oneshot()"] = broken
        return calls

    def method(name: str) -> Callable[[], Any]:
        f = getattr(p, name, None)
        if f is None:
            def missing() -> Any:
                raise Missing(f"Process.{name}")
            return missing
        return f

    funs = [method(n) for n in names]
    for n, f in zip(names, funs):
        calls[f"{n}()"] = f

    def regular() -> None:
        for f in funs:
            f()

    def in_oneshot() -> None:
        oneshot = getattr(p, "oneshot", None)
        if oneshot is None:
            raise Missing("Process.oneshot")
        with oneshot():
            for f in funs:
                f()

    calls["set, regular"] = regular
    calls["set, in oneshot()"] = in_oneshot
    return calls


def probe(fn: Callable[[], Any]) -> str | None:
    """Calls `fn` once: None if it answered, else why not ("missing: ..." or "error: ...")."""
    try:
        fn()
        fn()  # a second warm-up: first calls fill caches (e.g. cpu_percent's sample)
    except (Missing, NotImplementedError, AttributeError) as err:
        return f"missing: {err}"[:120]
    except Exception as err:  # noqa: BLE001 - reported, not fatal
        return f"error: {type(err).__name__}: {err}"[:120]
    return None


def calibrate(fn: Callable[[], Any], batch_ns: float) -> int:
    """How many calls of `fn` fill about `batch_ns`."""
    n = 1
    while True:
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        dt = time.perf_counter_ns() - t0
        if dt >= batch_ns / 4 or n >= 1 << 20:
            break
        n *= 2
    return max(1, int(n * batch_ns / max(dt, 1)))


def batch(fn: Callable[[], Any], n: int) -> float:
    """Nanoseconds per call over `n` calls."""
    t0 = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - t0) / n


def time_pair(fns: dict[str, Callable[[], Any]], batches: int, batch_ms: float
              ) -> dict[str, dict[str, Any]]:
    """Each library's median ns per call of one call, batches interleaved; libraries whose
    call fails get {"why": reason} instead."""
    out: dict[str, dict[str, Any]] = {}
    ready = {}
    for lib, fn in fns.items():
        why = probe(fn)
        if why:
            out[lib] = {"why": why}
        else:
            ready[lib] = fn
    ns = {lib: calibrate(fn, batch_ms * 1e6) for lib, fn in ready.items()}
    samples: dict[str, list[float]] = {lib: [] for lib in ready}
    order = list(ready)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for r in range(batches):
            for lib in (order if r % 2 == 0 else order[::-1]):
                samples[lib].append(batch(ready[lib], ns[lib]))
            gc.collect()  # between rounds, outside the timed batches
    finally:
        if gc_was:
            gc.enable()
    for lib, s in samples.items():
        out[lib] = {"ns": statistics.median(s), "min_ns": min(s), "calls_per_batch": ns[lib],
                    "batches": len(s)}
    return out


def run_section(section: str, mods: dict[str, Any], args: argparse.Namespace
                ) -> list[dict[str, Any]]:
    """Times every call of a section for the libraries in `mods`: one row per call."""
    per_lib: dict[str, dict[str, Callable[[], Any]]] = {}
    batches, batch_ms = args.batches, args.batch_ms
    for lib, m in mods.items():
        if section == "system":
            per_lib[lib] = system_calls(m)
        elif section == "sweep":
            per_lib[lib] = sweep_calls(m)
            batches, batch_ms = args.sweep_batches, 0  # one sweep per batch
        else:
            per_lib[lib] = oneshot_calls(m, args.pid or os.getpid(), oneshot_names())
    names = list(next(iter(per_lib.values())))
    if args.filter:
        names = [n for n in names if re.search(args.filter, n)]
    rows = []
    for name in names:
        t = time_pair({lib: calls[name] for lib, calls in per_lib.items()}, batches, batch_ms)
        rows.append({"section": section, "call": name, **{lib: t[lib] for lib in t}})
        if args.verbose:
            print(f"  {section}: {name}: {fmt_row(rows[-1], mods)}", file=sys.stderr)
    return rows


def oneshot_names() -> list[str]:
    import psutil
    return [n for n in ONESHOT_NAMES if callable(getattr(psutil.Process, n, None))]


def import_times(python: str, runs: int) -> list[dict[str, Any]]:
    """Fresh-interpreter import cost of each library (and the bare interpreter), runs
    interleaved: median wall ms of `python -c "import X"` less `python -c pass`, and median
    cumulative µs of the package in `-X importtime`."""
    wall: dict[str, list[float]] = {"(none)": [], **{lib: [] for lib in LIBS}}
    cumul: dict[str, list[float]] = {lib: [] for lib in LIBS}
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0")
    for lib in LIBS:  # warm-up: byte-compiled caches, page cache
        subprocess.run([python, "-c", f"import {lib}"], env=env, check=True)
    for r in range(runs):
        for lib in (("(none)", *LIBS) if r % 2 == 0 else (*LIBS[::-1], "(none)")):
            code = "pass" if lib == "(none)" else f"import {lib}"
            t0 = time.perf_counter()
            subprocess.run([python, "-c", code], env=env, check=True)
            wall[lib].append(time.perf_counter() - t0)
        for lib in LIBS:
            err = subprocess.run([python, "-X", "importtime", "-c", f"import {lib}"],
                                 env=env, check=True, stderr=subprocess.PIPE, text=True).stderr
            for line in err.splitlines():
                # "import time: self [us] | cumulative | imported package"
                parts = [x.strip() for x in line.split("|")]
                if len(parts) == 3 and parts[2] == lib:
                    cumul[lib].append(float(parts[1]))
    base = statistics.median(wall["(none)"])
    rows = [{"section": "import", "call": "python -c pass (the interpreter alone), ms",
             "base_ms": base * 1e3}]
    row_wall: dict[str, Any] = {"section": "import", "call": "python -c 'import X', less the bare interpreter"}
    row_cum: dict[str, Any] = {"section": "import", "call": "-X importtime, cumulative"}
    for lib in LIBS:
        row_wall[lib] = {"ns": (statistics.median(wall[lib]) - base) * 1e9,
                         "wall_ms": statistics.median(wall[lib]) * 1e3}
        row_cum[lib] = ({"ns": statistics.median(cumul[lib]) * 1e3} if cumul[lib]
                        else {"why": "not in -X importtime output"})
    return rows + [row_wall, row_cum]


def fmt_us(ns: float) -> str:
    us = ns / 1e3
    return f"{us:,.0f}" if us >= 1000 else f"{us:.2f}" if us < 10 else f"{us:.1f}"


def cell(r: dict[str, Any], lib: str) -> str:
    v = r.get(lib)
    if v is None:
        return ""
    return fmt_us(v["ns"]) if "ns" in v else v["why"].split(":")[0]


def ratio(r: dict[str, Any]) -> float | None:
    a, b = r.get("psutil", {}), r.get("sysgauge", {})
    if "ns" in a and "ns" in b and b["ns"] > 0:
        return a["ns"] / b["ns"]
    return None


def fmt_row(r: dict[str, Any], mods: dict[str, Any]) -> str:
    q = ratio(r)
    return " | ".join([cell(r, lib) for lib in mods] + ([f"{q:.1f}x"] if q else []))


def print_tables(rows: list[dict[str, Any]], mods: dict[str, Any], args: argparse.Namespace,
                 header: str) -> None:
    print(header)
    titles = {"sweep": f"Process sweep ({args.nprocs} processes; one sweep per batch)",
              "system": "System-wide functions",
              "oneshot": "Process methods: psutil's bench_oneshot set on one process",
              "import": "Import in a fresh interpreter"}
    for section in ("sweep", "system", "oneshot", "import"):
        sec = [r for r in rows if r["section"] == section]
        if not sec:
            continue
        goal = GOALS.get(section)
        print(f"\n### {titles[section]}" + (f" (goal: >= {goal:g}x)" if goal else "") + "\n")
        libs = list(mods)
        print("| call | " + " | ".join(f"{lib} µs" for lib in libs)
              + (" | ratio |" + (" goal |" if goal else "") if len(libs) == 2 else " |"))
        print("|---|" + "---:|" * len(libs) + ("---:|" + ("---|" if goal else "")
                                                 if len(libs) == 2 else ""))
        for r in sec:
            if "base_ms" in r:
                continue
            cells = [cell(r, lib) for lib in libs]
            line = f"| {r['call']} | " + " | ".join(cells) + " |"
            if len(libs) == 2:
                q = ratio(r)
                line += f" {q:.1f}x |" if q else " - |"
                if goal:
                    line += (" ok |" if q >= goal else " MISSED |") if q else " - |"
            print(line)
        whys = {f"{lib}: {r[lib]['why']}" for r in sec for lib in libs
                if "why" in r.get(lib, {}) and not r[lib]["why"].startswith("missing")}
        missing = sorted({r["call"] for r in sec for lib in libs
                          if r.get(lib, {}).get("why", "").startswith("missing")})
        if section == "import":
            base = next(r for r in sec if "base_ms" in r)["base_ms"]
            print(f"\nThe bare interpreter (`python -c pass`): {base:.1f} ms, subtracted.")
        if missing:
            print(f"\nmissing in sysgauge so far: {', '.join(missing)}")
        for w in sorted(whys):
            print(f"- {w}")
        qs = [ratio(r) for r in sec if ratio(r)]
        if qs and len(libs) == 2 and section != "import":
            worst = min(sec, key=lambda r: ratio(r) or 1e18)
            print(f"\ngeometric mean ratio {statistics.geometric_mean(qs):.1f}x over {len(qs)} "
                  f"calls; lowest {ratio(worst):.1f}x ({worst['call']})")


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f
                          if ln.startswith("model name")), "")
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return {"cpu": model, "cpus": os.cpu_count(), "ram_gib": round(mem_kb / 2**20, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "host": platform.node(), "loadavg": os.getloadavg()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--section", action="append", choices=["sweep", "system", "oneshot", "import"],
                    help="run only this section (repeatable; default all)")
    ap.add_argument("--lib", choices=LIBS, help="time one library only (no interleaving)")
    ap.add_argument("--batches", type=int, default=9, help="rounds per call (default 9)")
    ap.add_argument("--batch-ms", type=float, default=30.0,
                    help="length of one batch in ms (default 30)")
    ap.add_argument("--sweep-batches", type=int, default=9,
                    help="sweeps per library (default 9)")
    ap.add_argument("--procs", type=int, default=1000,
                    help="processes to reach for the sweep (default 1000; 0: no crowd)")
    ap.add_argument("--import-runs", type=int, default=15, help="import runs (default 15)")
    ap.add_argument("--pid", type=int, help="oneshot: the process (default: this one)")
    ap.add_argument("--filter", help="only calls whose name matches this regex")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON ('-': stdout only)")
    ap.add_argument("-v", "--verbose", action="store_true", help="each row on stderr as it is done")
    args = ap.parse_args()
    sections = args.section or ["sweep", "system", "oneshot", "import"]
    libs = [args.lib] if args.lib else list(LIBS)
    mods = {lib: importlib.import_module(lib) for lib in libs}
    rows: list[dict[str, Any]] = []
    from spawn_crowd import Crowd, count_processes

    args.nprocs = count_processes()
    try:
        for section in sections:
            if section == "import":
                if not args.lib:
                    rows += import_times(sys.executable, args.import_runs)
            elif section == "sweep" and args.procs > 0:
                with Crowd(args.procs, quiet=args.json == "-"):
                    time.sleep(0.5)  # let the children exec before the first sweep
                    args.nprocs = count_processes()
                    rows += run_section(section, mods, args)
            else:
                rows += run_section(section, mods, args)
    except KeyboardInterrupt:
        return 130
    info = machine()
    versions = {lib: getattr(m, "__version__", "?") for lib, m in mods.items()}
    so = getattr(getattr(mods.get("sysgauge"), "_sysgauge", None), "__file__", None)
    header = (f"## sysgauge (Python) vs psutil, one interpreter\n\n"
              f"{info['cpu']}, {info['cpus']} CPUs, {info['ram_gib']} GiB, Linux "
              f"{info['kernel']}, Python {info['python']}; "
              + ", ".join(f"{k} {v}" for k, v in versions.items())
              + f"; load average {info['loadavg'][0]:.2f} at the end\n"
              f"Median of {args.batches} interleaved batches of ~{args.batch_ms:g} ms per call "
              f"({args.sweep_batches} sweeps each for the process sweep), GC off while timing; "
              f"µs per call; ratio = psutil / sysgauge."
              + (f"\nsysgauge extension: {so}" if so else ""))
    result = {"machine": info, "versions": versions, "extension": so, "nprocs": args.nprocs,
              "batches": args.batches, "batch_ms": args.batch_ms, "rows": rows}
    if args.json == "-":
        json.dump(result, sys.stdout)
        print()
        return 0
    print_tables(rows, mods, args, header)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
