"""Process (identity, pid, name, ppid, status, cmdline, create_time, as_dict) and
process_iter, against psutil 7.2.2 on this process, pid 1 and children made for the test."""

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
from sysgauge._process import ATTRS_DONE

ATTRS = sorted(ATTRS_DONE)


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


def test_as_dict_all_not_yet() -> None:
    # Until every attribute is served, asking for all of them says so instead of giving
    # a partial dict.
    with pytest.raises(NotImplementedError):
        sysgauge.Process().as_dict()
    with pytest.raises(NotImplementedError):
        list(sysgauge.process_iter([]))


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
        if again[pid]["name"] == a["name"] and again[pid]["ppid"] == a["ppid"]:
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
    with pytest.raises(ValueError):
        sysgauge.process_iter(["nope"])
    with pytest.raises(TypeError):
        sysgauge.process_iter("name")  # type: ignore[arg-type]


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
