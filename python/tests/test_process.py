"""Process (identity, getters, setters, signals, wait, oneshot, as_dict), Popen, wait_procs
and process_iter, against psutil 7.2.2 on this process, pid 1 and children made for the
test."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time

import psutil
import pytest

import sysgauge
from conftest import same_shape

# The attributes that hold still on a sleeping child (the others move or are compared
# by shape).
ATTRS = sorted({"pid", "name", "ppid", "status", "cmdline", "create_time"})


def spawn(*argv: str | bytes, executable: str | None = None) -> subprocess.Popen:
    """A child that sleeps until killed."""
    return subprocess.Popen(
        argv or [sys.executable, "-c", "import time; time.sleep(60)"],
        executable=executable,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def child():
    p = spawn()
    try:
        yield p
    finally:
        p.kill()
        p.wait()


def wait_for(cond, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def same_getters(pid: int) -> None:
    ours, theirs = sysgauge.Process(pid), psutil.Process(pid)
    assert ours.pid == theirs.pid == pid
    for getter in ("name", "ppid", "status", "cmdline", "create_time"):
        assert getattr(ours, getter)() == getattr(theirs, getter)(), getter


def test_current_process() -> None:
    assert sysgauge.Process().pid == os.getpid()
    same_getters(os.getpid())


def test_pid_1() -> None:
    same_getters(1)


def test_child(child: subprocess.Popen) -> None:
    same_getters(child.pid)
    assert sysgauge.Process(child.pid).ppid() == os.getpid()


def test_long_name_is_extended_from_cmdline() -> None:
    # The kernel keeps 15 bytes of the name; psutil (and sysgauge) take the executable's
    # base name from cmdline[0] when it starts with them.
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "a-rather-long-executable-name")
        os.symlink(sys.executable, exe)
        p = spawn(exe, "-c", "import time; time.sleep(60)")
        try:
            wait_for(lambda: psutil.Process(p.pid).cmdline()[:1] == [exe])
            same_getters(p.pid)
            assert sysgauge.Process(p.pid).name() == "a-rather-long-executable-name"
        finally:
            p.kill()
            p.wait()


def test_undecodable_cmdline_is_fsdecoded() -> None:
    p = spawn(sys.executable, "-c", "import time; time.sleep(60)", b"caf\xe9", "\u00e9t\u00e9")
    try:
        wait_for(lambda: len(psutil.Process(p.pid).cmdline()) == 5)
        ours = sysgauge.Process(p.pid).cmdline()
        assert ours == psutil.Process(p.pid).cmdline()
        assert ours[3] == "caf\udce9" and os.fsencode(ours[3]) == b"caf\xe9"
    finally:
        p.kill()
        p.wait()


def test_zombie() -> None:
    p = spawn(sys.executable, "-c", "pass")
    try:
        wait_for(lambda: psutil.Process(p.pid).status() == psutil.STATUS_ZOMBIE)
        ours, theirs = sysgauge.Process(p.pid), psutil.Process(p.pid)
        assert ours.status() == theirs.status() == sysgauge.STATUS_ZOMBIE
        assert ours.name() == theirs.name()
        assert ours.ppid() == theirs.ppid()
        assert ours.create_time() == theirs.create_time()
        assert ours.is_running() and theirs.is_running()
        try:
            expected: object = theirs.cmdline()
        except psutil.ZombieProcess as err:
            expected = type(err).__name__
        try:
            got: object = ours.cmdline()
        except sysgauge.ZombieProcess as err:
            got = type(err).__name__
        assert got == expected
        assert ours.as_dict(ATTRS, ad_value="AD") == theirs.as_dict(ATTRS, ad_value="AD")
    finally:
        p.wait()


def test_gone_process() -> None:
    p = spawn()
    ours, theirs = sysgauge.Process(p.pid), psutil.Process(p.pid)
    assert ours.name() == theirs.name()  # both now know the name
    assert ours.is_running() and theirs.is_running()
    p.kill()
    p.wait()
    assert not ours.is_running() and not theirs.is_running()
    for getter in ("name", "ppid", "status", "cmdline"):
        with pytest.raises(psutil.NoSuchProcess) as t:
            getattr(theirs, getter)()
        with pytest.raises(sysgauge.NoSuchProcess) as o:
            getattr(ours, getter)()
        assert (o.value.pid, o.value.name) == (t.value.pid, t.value.name), getter
        assert str(o.value) == str(t.value), getter
    with pytest.raises(sysgauge.NoSuchProcess):
        ours.as_dict(["name"])
    # str() says so, as psutil's does.
    assert str(ours) == str(theirs).replace("psutil.", "sysgauge.", 1)


def test_constructor_errors() -> None:
    for pid in (-1, 2**31, 2**40, 999_999_999):
        with pytest.raises(Exception) as t:  # noqa: PT011
            psutil.Process(pid)
        with pytest.raises(Exception) as o:  # noqa: PT011
            sysgauge.Process(pid)
        assert type(o.value).__name__ == type(t.value).__name__, pid
        assert str(o.value) == str(t.value), pid
    with pytest.raises(TypeError):
        sysgauge.Process("1")  # type: ignore[arg-type]


def test_identity(child: subprocess.Popen) -> None:
    a, b = sysgauge.Process(child.pid), sysgauge.Process(child.pid)
    assert a == b and not (a != b)
    assert hash(a) == hash(b)
    assert a != sysgauge.Process()
    assert a != child.pid and a != psutil.Process(child.pid)
    assert len({a, b, sysgauge.Process()}) == 2
    # psutil's Process cannot be pickled (it holds a lock); neither can sysgauge's.
    for proc in (a, psutil.Process(child.pid)):
        with pytest.raises(TypeError):
            pickle.dumps(proc)
    a.anything = 1  # instances take new attributes, as psutil's


def test_repr_matches_psutil(child: subprocess.Popen) -> None:
    ours, theirs = sysgauge.Process(child.pid), psutil.Process(child.pid)
    assert repr(ours) == repr(theirs).replace("psutil.", "sysgauge.", 1)
    ours.create_time(), theirs.create_time()
    assert "started=" in repr(ours)
    assert str(ours) == str(theirs).replace("psutil.", "sysgauge.", 1)
    assert type(ours).__module__ == "sysgauge"


def test_as_dict(child: subprocess.Popen) -> None:
    for pid in (os.getpid(), 1, child.pid):
        ours = sysgauge.Process(pid).as_dict(ATTRS)
        theirs = psutil.Process(pid).as_dict(ATTRS)
        assert ours == theirs
        assert sysgauge.Process(pid).as_dict(["name"]) == {"name": theirs["name"]}
        assert sysgauge.Process(pid).as_dict(("pid", "pid")) == {"pid": pid}


@pytest.mark.parametrize("attrs", [["bad"], ["name", "bad"], ["bad1", "bad2"]])
def test_as_dict_invalid_names(attrs: list) -> None:
    with pytest.raises(ValueError) as t:
        psutil.Process().as_dict(attrs)
    with pytest.raises(ValueError) as o:
        sysgauge.Process().as_dict(attrs)
    if len(set(attrs) - psutil._as_dict_attrnames) == 1:
        assert str(o.value) == str(t.value)
    else:  # psutil lists them in set order
        assert str(o.value).split(" ", 3)[:3] == str(t.value).split(" ", 3)[:3]


def test_as_dict_bad_type() -> None:
    with pytest.raises(TypeError) as t:
        psutil.Process().as_dict("name")
    with pytest.raises(TypeError) as o:
        sysgauge.Process().as_dict("name")  # type: ignore[arg-type]
    assert str(o.value) == str(t.value)


def test_as_dict_all(child: subprocess.Popen) -> None:
    # No names (None or []) means every attribute psutil 7.2.2 has.
    for attrs in (None, []):
        ours = sysgauge.Process(child.pid).as_dict(attrs, ad_value="AD")
        theirs = psutil.Process(child.pid).as_dict(attrs, ad_value="AD")
        assert ours.keys() == theirs.keys() == psutil._as_dict_attrnames
        same_shape(ours, theirs)
        for key in ("cmdline", "environ", "exe", "cwd", "uids", "gids", "username", "nice"):
            assert ours[key] == theirs[key], key


def test_process_iter_matches_psutil(child: subprocess.Popen) -> None:
    def table(procs) -> dict:
        return {p.pid: p.info for p in procs}

    ours = table(sysgauge.process_iter(ATTRS))
    theirs = table(psutil.process_iter(ATTRS))
    again = table(sysgauge.process_iter(ATTRS))
    # The processes that lived through all three sweeps are listed with the same values
    # (those that hold still: status and cmdline may change between two reads).
    common = set(ours) & set(theirs) & set(again)
    assert {os.getpid(), 1, child.pid} <= common
    assert len(set(theirs) - common) < 20
    for pid in common:
        a, b = ours[pid], theirs[pid]
        assert a.keys() == b.keys() == set(ATTRS)
        for key in ("pid", "create_time"):
            assert a[key] == b[key], (pid, key)
        # (Kernel workers rename themselves as they pick up work: left out.)
        kthread = 2 in (pid, a["ppid"])
        if not kthread and again[pid]["name"] == a["name"] and again[pid]["ppid"] == a["ppid"]:
            assert (a["name"], a["ppid"]) == (b["name"], b["ppid"]), pid
    me = ours[os.getpid()]
    assert me["status"] == sysgauge.STATUS_RUNNING and me["cmdline"] == psutil.Process().cmdline()


def test_process_iter_order_and_objects(child: subprocess.Popen) -> None:
    first = list(sysgauge.process_iter())
    pids = [p.pid for p in first]
    assert pids == sorted(pids)
    second = list(sysgauge.process_iter(["name"]))
    kept = {p.pid: p for p in first}
    same = [p for p in second if p.pid in kept]
    # The same process comes back as the same object (psutil's cache).
    assert all(p is kept[p.pid] for p in same)
    assert all(isinstance(p.info, dict) and p.info.keys() == {"name"} for p in second)
    sysgauge.process_iter.cache_clear()
    third = list(sysgauge.process_iter())
    assert not any(p is kept.get(p.pid) for p in third)
    # Stopping early keeps the rest of the table.
    it = sysgauge.process_iter()
    next(it)
    del it
    assert {p.pid for p in sysgauge.process_iter()} >= {1, os.getpid()}


def test_process_iter_getters_read_anew() -> None:
    # info is the sweep's snapshot; the methods read the process as it is now.
    p = spawn()
    try:
        wait_for(lambda: psutil.Process(p.pid).status() != psutil.STATUS_ZOMBIE)
        proc = next(x for x in sysgauge.process_iter(["status"]) if x.pid == p.pid)
        assert proc.info["status"] in (sysgauge.STATUS_SLEEPING, sysgauge.STATUS_RUNNING)
        os.kill(p.pid, signal.SIGSTOP)
        wait_for(lambda: psutil.Process(p.pid).status() == psutil.STATUS_STOPPED)
        assert proc.status() == sysgauge.STATUS_STOPPED
        assert proc.info["status"] != sysgauge.STATUS_STOPPED
        os.kill(p.pid, signal.SIGCONT)
    finally:
        p.kill()
        p.wait()
    with pytest.raises(sysgauge.NoSuchProcess):
        proc.name()
    assert not proc.is_running()


def test_process_iter_ad_value_and_errors() -> None:
    procs = list(sysgauge.process_iter(["name"], ad_value="n/a"))
    assert all(isinstance(p.info["name"], str) for p in procs)
    # Checked when the first item is asked for, as psutil's generator does.
    bad = sysgauge.process_iter(["nope"])
    with pytest.raises(ValueError):
        next(bad)
    with pytest.raises(TypeError):
        next(sysgauge.process_iter("name"))  # type: ignore[arg-type]


def test_exceptions_from_rust_pickle() -> None:
    p = spawn()
    proc = sysgauge.Process(p.pid)
    proc.name()
    p.kill()
    p.wait()
    with pytest.raises(sysgauge.NoSuchProcess) as err:
        proc.ppid()
    back = pickle.loads(pickle.dumps(err.value))
    assert (type(back), back.pid, back.name, back.msg) == (
        sysgauge.NoSuchProcess,
        p.pid,
        err.value.name,
        "process no longer exists",
    )


def outcome(f) -> tuple:  # type: ignore[no-untyped-def]
    """What calling *f* gave: ("ok", value) or ("raise", exception class name, str)."""
    try:
        return ("ok", f())
    except Exception as err:  # noqa: BLE001 - the kind is what is compared
        return ("raise", type(err).__name__, str(err))


# Getters whose value holds still on a sleeping child, and those that move (compared by
# named tuple class, fields and value types).
STILL = (
    "exe", "cmdline", "environ", "cwd", "username", "uids", "gids", "nice", "ionice",
    "cpu_affinity", "terminal", "num_threads", "open_files", "net_connections", "status",
    "ppid", "name", "create_time", "num_fds",
)  # fmt: skip
MOVING = (
    "cpu_times", "memory_info", "memory_full_info", "io_counters", "num_ctx_switches",
    "threads", "memory_maps", "memory_percent", "cpu_num", "cpu_percent",
)  # fmt: skip


def test_every_getter_matches_psutil(child: subprocess.Popen) -> None:
    wait_for(lambda: psutil.Process(child.pid).status() == psutil.STATUS_SLEEPING)
    for pid in (os.getpid(), child.pid):
        ours, theirs = sysgauge.Process(pid), psutil.Process(pid)
        for name in STILL:
            if pid == os.getpid() and name in ("num_fds", "open_files", "status"):
                continue  # this process opens files and runs while it compares
            assert outcome(getattr(ours, name)) == outcome(getattr(theirs, name)), name
        for name in MOVING:
            same_shape(getattr(ours, name)(), getattr(theirs, name)())
        same_shape(ours.memory_maps(grouped=False), theirs.memory_maps(grouped=False))
        assert ours.rlimit(sysgauge.RLIMIT_NOFILE) == theirs.rlimit(psutil.RLIMIT_NOFILE)
        assert [p.pid for p in ours.parents()] == [p.pid for p in theirs.parents()]
    # Counters that only grow: psutil's reading lies between two of ours.
    me_o, me_t = sysgauge.Process(), psutil.Process()
    a, b, c = me_o.cpu_times(), me_t.cpu_times(), me_o.cpu_times()
    assert a[:2] <= b[:2] <= c[:2]
    assert type(me_o.ionice().ioclass).__name__ == "IOPriority"


def test_family(child: subprocess.Popen) -> None:
    me = sysgauge.Process()
    kids = me.children()
    assert child.pid in [k.pid for k in kids] and all(type(k) is sysgauge.Process for k in kids)
    parent = sysgauge.Process(child.pid).parent()
    assert parent == me and sysgauge.Process(1).parent() is None
    assert {k.pid for k in me.children(recursive=True)} >= {k.pid for k in kids}


def test_setters_and_their_errors(child: subprocess.Popen) -> None:
    ours, theirs = sysgauge.Process(child.pid), psutil.Process(child.pid)
    ours.nice(7)
    assert theirs.nice() == 7
    ours.ionice(sysgauge.IOPRIO_CLASS_BE, 5)
    assert tuple(theirs.ionice()) == (psutil.IOPRIO_CLASS_BE, 5)
    ours.ionice(sysgauge.IOPRIO_CLASS_IDLE)
    assert theirs.ionice().ioclass == psutil.IOPRIO_CLASS_IDLE
    # psutil hands an unknown class to the kernel, which reads it from three bits (Linux
    # 5.17+) or refuses it: the same outcome either way.
    got = outcome(lambda: ours.ionice(99, 1))
    after = tuple(theirs.ionice())
    assert outcome(lambda: theirs.ionice(99, 1)) == got
    assert tuple(theirs.ionice()) == after
    ours.rlimit(sysgauge.RLIMIT_NOFILE, (100, 200))
    assert theirs.rlimit(psutil.RLIMIT_NOFILE) == (100, 200)
    ours.cpu_affinity([0])
    assert theirs.cpu_affinity() == [0]
    ours.cpu_affinity([])
    assert theirs.cpu_affinity() == psutil.Process().cpu_affinity()
    cases = [
        ("nice", ("a",)), ("ionice", (None, 2)), ("ionice", (3, 2)), ("ionice", (2, 8)),
        ("ionice", (4,)), ("rlimit", (9999,)), ("rlimit", (psutil.RLIMIT_NOFILE, (1,))),
        ("rlimit", (psutil.RLIMIT_NOFILE, (10, 5))), ("cpu_affinity", ([-1],)),
        ("cpu_affinity", ([99],)), ("cpu_affinity", (["a"],)), ("send_signal", (99999,)),
        ("memory_percent", ("x",)), ("net_connections", ("x",)), ("cpu_percent", (-1,)),
        ("wait", ("a",)), ("wait", (-1,)), ("as_dict", (["bogus"],)),
    ]  # fmt: skip
    for name, args in cases:
        got = outcome(lambda: getattr(ours, name)(*args))
        expected = outcome(lambda: getattr(theirs, name)(*args))
        assert got == expected, (name, args)


def test_signals_wait_and_exit_codes() -> None:
    p = spawn()
    proc = sysgauge.Process(p.pid)
    with pytest.raises(sysgauge.TimeoutExpired) as err:
        proc.wait(0)
    assert (err.value.seconds, err.value.pid) == (0, p.pid)
    proc.suspend()
    wait_for(lambda: psutil.Process(p.pid).status() == psutil.STATUS_STOPPED)
    proc.resume()
    wait_for(lambda: psutil.Process(p.pid).status() != psutil.STATUS_STOPPED)
    proc.terminate()
    code = proc.wait(5)
    assert code == -signal.SIGTERM and repr(code) == "<Negsignal.SIGTERM: -15>"
    assert proc.wait() is code and "exitcode=<Negsignal.SIGTERM: -15>" in str(proc)
    with pytest.raises(sysgauge.NoSuchProcess):
        proc.kill()
    q = spawn(sys.executable, "-c", "raise SystemExit(7)")
    assert sysgauge.Process(q.pid).wait(5) == 7
    # Not a child: None once it is gone.
    r = subprocess.Popen(["sh", "-c", "sleep 0.2 & echo $!"], stdout=subprocess.PIPE)
    grandchild = int(r.communicate()[0])
    try:
        gc = sysgauge.Process(grandchild)
    except sysgauge.NoSuchProcess:
        return  # already gone and reaped
    assert gc.wait(5) is None


def test_gone_and_zombie_match_psutil() -> None:
    p = spawn(sys.executable, "-c", "pass")
    wait_for(lambda: psutil.Process(p.pid).status() == psutil.STATUS_ZOMBIE)
    ours, theirs = sysgauge.Process(p.pid), psutil.Process(p.pid)
    getters = ("exe", "cmdline", "environ", "cwd", "memory_maps", "open_files", "num_fds",
               "threads", "terminal", "uids", "nice", "cpu_affinity", "status", "name")  # fmt: skip
    for name in getters:
        assert outcome(getattr(ours, name)) == outcome(getattr(theirs, name)), name
    assert ours.as_dict(ad_value="AD").keys() == theirs.as_dict(ad_value="AD").keys()
    p.wait()
    for name in getters + ("ppid", "memory_info", "as_dict", "children"):
        assert outcome(getattr(ours, name)) == outcome(getattr(theirs, name)), name


def test_oneshot_reads_once() -> None:
    p = sysgauge.Process()
    with p.oneshot():
        a = p.cpu_times()
        with p.oneshot():  # nests
            sum(range(2_000_000))
            assert p.cpu_times() == a
        sum(range(2_000_000))
        assert p.cpu_times() == a
    assert p.cpu_times() != a


def test_popen_and_wait_procs() -> None:
    with sysgauge.Popen(
        [sys.executable, "-c", "print('hi'); raise SystemExit(3)"], stdout=subprocess.PIPE
    ) as p:
        assert isinstance(p, sysgauge.Process) and p.name().startswith("python")
        assert p.communicate()[0].strip() == b"hi"
        assert p.wait() == 3 and p.returncode == 3
    with pytest.raises(AttributeError):
        p.nope  # noqa: B018
    procs = [spawn(sys.executable, "-c", f"import time; time.sleep({d})") for d in (0.05, 30)]
    seen: list[sysgauge.Process] = []
    try:
        gone, alive = sysgauge.wait_procs(
            [sysgauge.Process(x.pid) for x in procs], timeout=3, callback=seen.append
        )
        assert [g.pid for g in gone] == [procs[0].pid] == [s.pid for s in seen]
        assert gone[0].returncode == 0 and [a.pid for a in alive] == [procs[1].pid]
    finally:
        procs[1].kill()
        procs[1].wait()
    with pytest.raises(ValueError):
        sysgauge.wait_procs([], timeout=-1)
    with pytest.raises(TypeError):
        sysgauge.wait_procs([], callback=1)  # type: ignore[arg-type]


def test_process_iter_every_attribute(child: subprocess.Popen) -> None:
    ours = {p.pid: p for p in sysgauge.process_iter([], ad_value="AD")}
    theirs = {p.pid: p.info for p in psutil.process_iter([], ad_value="AD")}
    for pid in (os.getpid(), child.pid, 1):
        assert ours[pid].info.keys() == theirs[pid].keys() == psutil._as_dict_attrnames
        same_shape(ours[pid].info, theirs[pid])
    # What the sweep read is remembered as psutil's as_dict() would remember it.
    assert f"name={ours[child.pid].info['name']!r}" in repr(ours[child.pid])


# --- psutil 8.0's additive methods (psutil 7.2.2 has none of them: compared with /proc) ------


def _status_kib(pid: int) -> dict[str, int]:
    """The 'kB' lines of /proc/PID/status, in bytes, read directly."""
    out = {}
    with open(f"/proc/{pid}/status", "rb") as f:
        for line in f:
            key, _, rest = line.partition(b":")
            parts = rest.split()
            if len(parts) == 2 and parts[1] == b"kB":
                out[key.decode()] = int(parts[0]) * 1024
    return out


def test_psutil8_methods_on_a_stopped_child(child: subprocess.Popen) -> None:
    from conftest import proc_stat_fields, stop

    stop(child.pid)
    p = sysgauge.Process(child.pid)
    assert sysgauge.Process.attrs == frozenset(psutil.Process().as_dict().keys())

    faults = p.page_faults()
    assert type(faults).__name__ == "ppagefaults" and faults._fields == ("minor", "major")
    fields = proc_stat_fields(child.pid)  # index 0 is the state: minflt is field 10
    assert faults == (int(fields[7]), int(fields[9]))

    ex = p.memory_info_ex()
    assert type(ex).__name__ == "pmem_ex"
    assert ex[:7] == tuple(psutil.Process(child.pid).memory_info())
    st = _status_kib(child.pid)
    want = {
        "peak_rss": st["VmHWM"],
        "peak_vms": st["VmPeak"],
        "rss_anon": st["RssAnon"],
        "rss_file": st["RssFile"],
        "rss_shmem": st["RssShmem"],
        "swap": st["VmSwap"],
        "hugetlb": st.get("HugetlbPages", 0),
    }
    assert {k: getattr(ex, k) for k in want} == want

    def footprint_matches() -> None:
        fp = p.memory_footprint()
        full = psutil.Process(child.pid).memory_full_info()
        assert type(fp).__name__ == "pfootprint"
        assert tuple(fp) == (full.uss, full.pss, full.swap)

    from conftest import retry

    retry(footprint_matches, attempts=20)
    child.kill()
    child.wait()
    with pytest.raises(sysgauge.NoSuchProcess):
        p.page_faults()
