"""Churn through the Python module: every process swept with every attribute while a thread
starts and reaps short-lived children, for SYSGAUGE_STRESS_SECS seconds (default 60).

Each child runs ``sleep 0.05NNNNNN`` (or, one in ten, ``sleep 3.NNNNNN``, long enough for a
Python sweep to reach it, and one in a hundred ``sleep 15.NNNNNN``), a command line unique to it, and the spawner notes its pid and
the CLOCK_BOOTTIME interval around its start. The sweeps alternate between
``sysgauge.process_iter(attrs=[])`` (every attribute, as psutil's ``attrs=[]``) and
``sysgauge.pids()`` + ``Process(pid).as_dict()``. Checked: only NoSuchProcess,
ZombieProcess or AccessDenied escape (psutil's rule: as_dict() turns AccessDenied and
ZombieProcess into ad_value, NotImplementedError into a missing key), and every child of
this test that a sweep saw is the one the spawner made with that pid at that time: its
command line names that spawn and its start time (create_time - boot_time) falls in that
spawn's interval.
"""

from __future__ import annotations

import collections
import os
import subprocess
import threading
import time
from dataclasses import dataclass

import psutil

import sysgauge

SECS = float(os.environ.get("SYSGAUGE_STRESS_SECS", "60"))
TICK = 1.0 / os.sysconf("SC_CLK_TCK")


@dataclass
class Spawn:
    pid: int
    token: str
    t0: float
    t1: float


def _boot_clock() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


class Spawner(threading.Thread):
    """Starts (at most `rate` a second) and reaps `sleep` children until stopped."""

    def __init__(self, rate: float) -> None:
        super().__init__(daemon=True)
        self.rate = rate
        self.stop = threading.Event()
        self.log: list[Spawn] = []
        self.failed = 0

    def run(self) -> None:
        live: list[subprocess.Popen[bytes]] = []
        start = time.monotonic()
        n = 0
        while not self.stop.is_set():
            live = [c for c in live if c.poll() is None]
            if n > (time.monotonic() - start) * self.rate:
                time.sleep(0.001)
                continue
            # One in a hundred lives long enough for even a slow, loaded sweep to see it
            # after its exec, so the run always has something to check.
            if n % 100 == 0:
                token = f"15.{n:06d}"
            elif n % 10 == 0:
                token = f"3.{n:06d}"
            else:
                token = f"0.05{n:06d}"
            n += 1
            t0 = _boot_clock()
            try:
                c = subprocess.Popen(
                    ["sleep", token],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                self.failed += 1
                time.sleep(0.005)
                continue
            self.log.append(Spawn(c.pid, token, t0, _boot_clock()))
            live.append(c)
        for c in live:
            c.wait()


TYPED = (sysgauge.NoSuchProcess, sysgauge.ZombieProcess, sysgauge.AccessDenied)


def _observe(info: dict[str, object], me: int, boot: float, how: str, out: list[tuple]) -> None:
    if info.get("ppid") != me:
        return
    ct, cmdline = info.get("create_time"), info.get("cmdline")
    if not isinstance(ct, float) or not isinstance(cmdline, list):
        return  # a zombie: its command line was refused
    out.append((how, info["pid"], ct - boot, cmdline))


def _verify(obs: list[tuple], log: list[Spawn], own: list[str]) -> list[str]:
    by_token = {s.token: s for s in log}
    by_pid: dict[int, list[Spawn]] = collections.defaultdict(list)
    for s in log:
        by_pid[s.pid].append(s)

    def inside(s: Spawn, start: float) -> bool:
        return s.t0 - TICK - 1e-3 <= start <= s.t1 + 1e-3

    bad = []
    for how, pid, start, cmdline in obs:
        if len(cmdline) == 2 and cmdline[0] == "sleep":
            s = by_token.get(cmdline[1])
            if s is None or s.pid != pid or not inside(s, start):
                bad.append(f"{how}: pid {pid} start {start:.3f} cmdline {cmdline} vs spawn {s}")
        elif not any(inside(s, start) for s in by_pid.get(pid, [])):
            bad.append(f"{how}: child pid {pid} start {start:.3f} ({cmdline}) matches no spawn")
        elif cmdline and cmdline != own:
            bad.append(f"{how}: child pid {pid} shows {cmdline}, neither its own nor its parent's")
    return bad


def test_sweep_all_attributes_under_churn() -> None:
    me = os.getpid()
    own = psutil.Process().cmdline()
    boot = sysgauge.boot_time()
    spawner = Spawner(rate=200.0)
    errors: collections.Counter[str] = collections.Counter()
    bad_errors: list[str] = []
    obs: list[tuple] = []
    sweeps = collections.Counter[str]()
    procs = 0

    def call(what: str, pid: int, f, *args):  # type: ignore[no-untyped-def]
        try:
            return f(*args)
        except TYPED as e:
            errors[type(e).__name__] += 1
        except NotImplementedError:
            errors["NotImplementedError"] += 1
        except Exception as e:  # noqa: BLE001 - any other kind is the failure looked for
            if len(bad_errors) < 50:
                bad_errors.append(f"{what} pid {pid}: {type(e).__name__}: {e}")
        return None

    spawner.start()
    t0 = time.monotonic()
    n = 0
    try:
        while time.monotonic() - t0 < SECS:
            if n % 2 == 0:
                it = call("process_iter", 0, sysgauge.process_iter, [])
                for p in it or []:
                    procs += 1
                    _observe(p.info, me, boot, "process_iter", obs)
                    # A few getters on the yielded Process (read again, or served).
                    for name in ("name", "cmdline", "create_time", "status", "exe", "cwd",
                                 "open_files", "memory_maps", "environ", "io_counters",
                                 "parent", "is_running"):
                        call(name, p.pid, getattr(p, name))
                sweeps["process_iter"] += 1
            else:
                for pid in sysgauge.pids():
                    p = call("Process", pid, sysgauge.Process, pid)
                    if p is None:
                        continue
                    d = call("as_dict", pid, p.as_dict)
                    if d is None:
                        continue
                    procs += 1
                    assert d["pid"] == pid
                    _observe(d, me, boot, "as_dict", obs)
                sweeps["as_dict"] += 1
            n += 1
    finally:
        spawner.stop.set()
        spawner.join()
    elapsed = time.monotonic() - t0
    log = spawner.log
    reused = sum(1 for c in collections.Counter(s.pid for s in log).values() if c > 1)
    after_exec = sum(1 for o in obs if o[3][:1] == ["sleep"])
    print(
        f"churn {elapsed:.1f} s: {len(log)} children ({len(log) / elapsed:.0f}/s, {reused} pids"
        f" used more than once, {spawner.failed} spawns refused); sweeps {dict(sweeps)},"
        f" {procs} processes read; {len(obs)} observations of children ({after_exec} after"
        f" exec); errors by kind: {dict(errors)}"
    )
    assert not bad_errors, "errors other than NoSuchProcess/ZombieProcess/AccessDenied:\n" + "\n".join(
        bad_errors
    )
    bad = _verify(obs, log, own)
    assert not bad, f"values of the wrong process ({len(bad)} of {len(obs)}):\n" + "\n".join(bad[:30])
    assert after_exec > 0, "no sweep saw a spawned child after its exec: nothing was checked"
