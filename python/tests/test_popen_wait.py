"""Popen and wait_procs: each scenario run with psutil 7.2.2 and with sysgauge on their own
children, which must behave the same; errors compared by class and message."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

import psutil
import pytest
from conftest import Kids, is_zombie, wait_until

import sysgauge

LIBS = {"psutil": psutil, "sysgauge": sysgauge}
PIPE, DEVNULL = subprocess.PIPE, subprocess.DEVNULL


@pytest.fixture(params=sorted(LIBS))
def lib(request: pytest.FixtureRequest) -> Any:
    return LIBS[request.param]


def _outcome(call: Any) -> Any:
    try:
        return ("ok", call())
    except Exception as err:  # noqa: BLE001 - the outcome is what is compared
        return ("raise", type(err).__name__, str(err) if isinstance(err, ValueError) else None)


# --- Popen ------------------------------------------------------------------------------------


def test_popen_is_a_process_and_a_subprocess(lib: Any) -> None:
    code = "import sys; sys.stdout.write(sys.stdin.read().upper())"
    with lib.Popen([sys.executable, "-c", code], stdin=PIPE, stdout=PIPE, stderr=DEVNULL) as p:
        assert isinstance(p, lib.Process)
        assert not isinstance(p, subprocess.Popen)
        assert p.cmdline() == [sys.executable, "-c", code]
        assert p.ppid() == psutil.Process().pid
        assert p.is_running()
        assert p.returncode is None and p.poll() is None
        assert p.args == [sys.executable, "-c", code]
        out, err = p.communicate(b"hello", timeout=10)
        assert (out, err) == (b"HELLO", None)
        assert p.returncode == 0
        assert p.wait(timeout=5) == 0
    assert p.stdout.closed and p.stdin.closed
    assert not p.is_running()


def test_popen_context_manager_waits(lib: Any) -> None:
    with lib.Popen(["sh", "-c", "exit 4"], stdin=DEVNULL, stderr=DEVNULL) as p:
        pass
    assert p.returncode == 4
    assert p.wait(1) == 4
    with pytest.raises(lib.NoSuchProcess):
        p.kill()


def test_popen_wait_sets_returncode(lib: Any) -> None:
    p = lib.Popen(["sh", "-c", "exit 5"], stdin=DEVNULL, stderr=DEVNULL)
    assert p.wait(timeout=10) == 5
    assert p.returncode == 5
    assert p.poll() == 5


def test_popen_terminate_then_wait(lib: Any) -> None:
    p = lib.Popen(["sleep", "60"], stdin=DEVNULL, stderr=DEVNULL)
    try:
        assert p.name() == "sleep"
        with pytest.raises(lib.TimeoutExpired):
            p.wait(timeout=0.05)
        p.terminate()
        assert p.wait(timeout=10) == -signal.SIGTERM
        assert p.returncode == -signal.SIGTERM
        with pytest.raises(lib.NoSuchProcess):
            p.send_signal(signal.SIGTERM)
    finally:
        if p.returncode is None:
            p.kill()
            p.wait(10)


def test_popen_wait_code_type() -> None:
    codes = []
    for mod in (psutil, sysgauge):
        p = mod.Popen(["sleep", "60"], stdin=DEVNULL, stderr=DEVNULL)
        p.kill()
        code = p.wait(10)
        codes.append((type(code).__name__, repr(code), type(p.returncode).__name__))
    assert codes[1] == codes[0]


def test_popen_of_a_quick_process(lib: Any) -> None:
    # The child may be gone before the Process part is built: no NoSuchProcess.
    p = lib.Popen(["true"], stdin=DEVNULL, stderr=DEVNULL)
    wait_until(lambda: is_zombie(p.pid), what="zombie")
    q = lib.Popen(["true"], stdin=DEVNULL, stderr=DEVNULL)
    assert p.wait(10) == 0 and q.wait(10) == 0
    assert not p.is_running()


def test_popen_attribute_errors() -> None:
    msgs = []
    for mod in (psutil, sysgauge):
        p = mod.Popen(["true"], stdin=DEVNULL, stderr=DEVNULL)
        p.wait(10)
        with pytest.raises(AttributeError) as err:
            p.no_such_attribute  # noqa: B018
        msgs.append(str(err.value).replace(repr(type(p)), "CLS"))
        names = dir(p)
        for name in ("communicate", "poll", "cpu_times", "oneshot", "wait"):
            assert name in names, (mod.__name__, name)
    assert msgs[1] == msgs[0]


def test_popen_bad_arguments() -> None:
    for args, kwargs in (((), {}), ((["true"],), {"bogus": 1}), ((["/nonexistent/x"],), {})):
        ours = _outcome(lambda a=args, k=kwargs: sysgauge.Popen(*a, **k).wait(10))
        theirs = _outcome(lambda a=args, k=kwargs: psutil.Popen(*a, **k).wait(10))
        assert ours[:2] == theirs[:2], args


def test_popen_process_methods_agree() -> None:
    p = sysgauge.Popen(["sleep", "60"], stdin=DEVNULL, stderr=DEVNULL)
    try:
        theirs = psutil.Process(p.pid)
        assert p.name() == theirs.name()
        assert p.create_time() == theirs.create_time()
        assert p == sysgauge.Process(p.pid)
        assert hash(p) == hash(sysgauge.Process(p.pid))
        p.suspend()
        wait_until(lambda: theirs.status() == psutil.STATUS_STOPPED, what="stopped")
        assert p.status() == sysgauge.STATUS_STOPPED
        assert tuple(p.cpu_times()) == tuple(theirs.cpu_times())
        p.resume()
    finally:
        p.kill()
        p.wait(10)


# --- wait_procs -------------------------------------------------------------------------------


def _three(kids: Kids, mod: Any) -> list[Any]:
    a = kids.start(["sh", "-c", "exit 0"])
    b = kids.start(["sh", "-c", "exit 3"])
    c = kids.sleeper()
    return [mod.Process(x.pid) for x in (a, b, c)]


def test_wait_procs_gone_and_alive(kids: Kids, lib: Any) -> None:
    procs = _three(kids, lib)
    called: list[Any] = []
    t0 = time.monotonic()
    gone, alive = lib.wait_procs(procs, timeout=0.5, callback=called.append)
    elapsed = time.monotonic() - t0
    assert isinstance(gone, list) and isinstance(alive, list)
    assert 0.4 <= elapsed < 5, elapsed
    assert sorted(p.pid for p in gone) == sorted(p.pid for p in procs[:2])
    assert [p.pid for p in alive] == [procs[2].pid]
    assert {p.pid: p.returncode for p in gone} == {procs[0].pid: 0, procs[1].pid: 3}
    assert all(any(g is p for p in procs) for g in gone)
    assert sorted(p.pid for p in called) == sorted(p.pid for p in gone)
    assert not hasattr(alive[0], "returncode")
    # Killed now: gone on the next call, with -SIGKILL.
    alive[0].kill()
    gone2, alive2 = lib.wait_procs(alive, timeout=10)
    assert alive2 == [] and [p.returncode for p in gone2] == [-signal.SIGKILL]


def test_wait_procs_no_timeout(kids: Kids, lib: Any) -> None:
    procs = _three(kids, lib)[:2]
    gone, alive = lib.wait_procs(procs)
    assert alive == [] and sorted(p.returncode for p in gone) == [0, 3]


def test_wait_procs_zero_timeout(kids: Kids, lib: Any) -> None:
    procs = _three(kids, lib)
    for p in procs[:2]:
        wait_until(lambda p=p: is_zombie(p.pid), what="zombie")
    t0 = time.monotonic()
    gone, alive = lib.wait_procs(procs, timeout=0)
    assert time.monotonic() - t0 < 1.0
    assert sorted(p.pid for p in gone) == sorted(p.pid for p in procs[:2])
    assert [p.pid for p in alive] == [procs[2].pid]


def test_wait_procs_non_children(kids: Kids, lib: Any) -> None:
    p, pid = kids.python(
        "import json, subprocess, time\n"
        "g = subprocess.Popen(['sleep', '0.2'])\n"
        "print(json.dumps(g.pid), flush=True)\ng.wait()\ntime.sleep(60)"
    )
    proc = lib.Process(pid)
    gone, alive = lib.wait_procs([proc], timeout=10)
    assert alive == [] and gone == [proc] and gone[0].returncode is None


def test_wait_procs_popen_objects(lib: Any) -> None:
    procs = [lib.Popen(["sh", "-c", f"exit {i}"], stdin=DEVNULL, stderr=DEVNULL) for i in (1, 2)]
    gone, alive = lib.wait_procs(procs, timeout=10)
    assert alive == []
    assert sorted(p.returncode for p in gone) == [1, 2]


@pytest.mark.parametrize(
    "kwargs",
    [{"timeout": -1}, {"timeout": -0.5}, {"callback": 1}, {"callback": "x"}, {"timeout": "1"}],
    ids=repr,
)
def test_wait_procs_bad_arguments(kwargs: dict[str, Any]) -> None:
    ours = _outcome(lambda: sysgauge.wait_procs([], **kwargs))
    theirs = _outcome(lambda: psutil.wait_procs([], **kwargs))
    assert ours == theirs
    if "callback" in kwargs:
        with pytest.raises(TypeError) as o:
            sysgauge.wait_procs([], **kwargs)
        with pytest.raises(TypeError) as t:
            psutil.wait_procs([], **kwargs)
        assert str(o.value) == str(t.value)


def test_wait_procs_empty(lib: Any) -> None:
    assert lib.wait_procs([], timeout=1) == ([], [])
