"""psutil 7.2.2's whole Linux Process API, sysgauge against psutil on the same children.

Each getter is read by both libraries on a child the tests start and stop (SIGSTOP freezes
CPU times, memory, context switches...), and compared exactly; values that other processes
can still move (PSS/USS: pages shared with processes that come and go) are compared again
on a mismatch. Setters are applied by one library and read back by the other. Errors
(NoSuchProcess, ZombieProcess, AccessDenied, ValueError, TypeError) are compared getter by
getter, with their pid, name and message.
"""

from __future__ import annotations

import enum
import os
import pickle
import pwd
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psutil
import pytest
from conftest import (
    Kids,
    is_zombie,
    ppid_map,
    proc_stat_fields,
    retry,
    stop,
    wait_until,
)

import sysgauge

LIBS = {"psutil": psutil, "sysgauge": sysgauge}
ATTR_NAMES = sorted(psutil._as_dict_attrnames)  # type: ignore[attr-defined]
RLIMITS = sorted(n for n in dir(psutil) if n.startswith("RLIMIT_"))
CONN_KINDS = ["inet", "inet4", "inet6", "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "all"]
MEMTYPES = list(psutil._ntp.pfullmem._fields)  # type: ignore[attr-defined]
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- comparing values and outcomes --------------------------------------------------------


def norm(value: Any) -> Any:
    """*value* in a form equal across the two libraries exactly when the values and their
    types agree: named tuples carry their class name and fields, enums their class and
    member name, Process objects become ("Process", pid)."""
    if isinstance(value, (psutil.Process, sysgauge.Process)):
        return ("Process", value.pid)
    if isinstance(value, enum.Enum):
        return ("enum", type(value).__name__, value.name, value.value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return (type(value).__name__, value._fields, tuple(norm(v) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)([norm(v) for v in value])
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    if isinstance(value, (bool, int, float, str, bytes)) or value is None:
        return (type(value).__name__, value)
    raise AssertionError(f"unexpected value type {type(value)!r}: {value!r}")


def error_detail(err: BaseException) -> Any:
    """What must agree between two errors: the class name, and for psutil's errors the
    pid, name, ppid, msg and text, for ValueError the text."""
    name = type(err).__name__
    if isinstance(err, (psutil.Error, sysgauge.Error)):
        return (name, getattr(err, "pid", None), getattr(err, "name", None),
                getattr(err, "ppid", None), getattr(err, "msg", None), str(err))  # fmt: skip
    if isinstance(err, ValueError):
        return (name, str(err))
    return (name,)


def outcome(call: Callable[[], Any], key: Callable[[Any], Any] | None = None) -> Any:
    """("ok", normalised value) or ("raise", error detail) of *call*; *key* sorts a list
    value first (for lists whose order is not part of the API)."""
    try:
        value = call()
    except Exception as err:  # noqa: BLE001 - the outcome is what is compared
        return ("raise", error_detail(err))
    if key is not None:
        value = sorted(value, key=key)
    return ("ok", norm(value))


def both(pid: int, call: Callable[[Any], Any], key: Callable[[Any], Any] | None = None) -> None:
    """*call* on fresh Process objects of both libraries for *pid* gives the same outcome."""
    theirs = outcome(lambda: call(psutil.Process(pid)), key)
    ours = outcome(lambda: call(sysgauge.Process(pid)), key)
    assert ours == theirs


def both_retry(
    pid: int, call: Callable[[Any], Any], key: Callable[[Any], Any] | None = None
) -> None:
    """`both`, again on a mismatch (values other processes may move)."""
    retry(lambda: both(pid, call, key), attempts=20, pause=0.05)


# --- the stopped child with everything ----------------------------------------------------

RICH_CODE = r"""
import json, os, socket, sys, threading, time
tmp = sys.argv[1]
files = [
    open(os.path.join(tmp, "plain.txt"), "w"),
    open(os.path.join(tmp, "name with space\nand newline"), "w+"),
    open(os.path.join(tmp, "append.log"), "a"),
    open(os.path.join(tmp, "plain.txt"), "rb", buffering=0),
]
files[0].write("x" * 100)
files[0].flush()
files[1].write("y" * 10)
files[1].flush()
files[3].read(7)
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.bind(("127.0.0.1", 0))
tcp.listen(5)
cli = socket.create_connection(tcp.getsockname())
srv, _ = tcp.accept()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
socks = [tcp, cli, srv, udp]
try:
    t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    t6.bind(("::1", 0))
    t6.listen(1)
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u6.bind(("::1", 0))
    socks += [t6, u6]
    ipv6 = True
except OSError:
    ipv6 = False
ux = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ux.bind(os.path.join(tmp, "sock"))
ux.listen(1)
pair = socket.socketpair()
import mmap
with open(os.path.join(tmp, "map with space.bin"), "wb") as f:
    f.write(b"m" * 8192)
mf = open(os.path.join(tmp, "map with space.bin"), "r+b")
mm1 = mmap.mmap(mf.fileno(), 8192)
mm1[:4] = b"abcd"
with open(os.path.join(tmp, "gone.bin"), "wb") as f:
    f.write(b"g" * 4096)
gf = open(os.path.join(tmp, "gone.bin"), "rb")
mm2 = mmap.mmap(gf.fileno(), 4096, prot=mmap.PROT_READ)
os.unlink(os.path.join(tmp, "gone.bin"))
ev = threading.Event()
workers = [threading.Thread(target=ev.wait, daemon=True) for _ in range(2)]
for t in workers:
    t.start()
n = 0
for i in range(300000):
    n += i
with open("/proc/self/comm", "w") as f:
    f.write("sg) R (1 2")
print(json.dumps({"tcp": tcp.getsockname()[1], "ipv6": ipv6}), flush=True)
time.sleep(300)
"""

RICH_NAME = "sg) R (1 2"
RICH_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "SG_PLAIN": "hello world",
    "SG_EMPTY": "",
    "SG_EQ": "a=b=c",
    b"SG_BYTES": b"caf\xe9 \xff",
}


def _rich_preexec() -> None:
    os.nice(5)
    resource.setrlimit(resource.RLIMIT_NOFILE, (123, 456))
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.RLIM_INFINITY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (10**9, 2 * 10**9))
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) > 1:
        os.sched_setaffinity(0, {cpus[-1]})


class Rich:
    """The stopped child: pid, its temp dir, what it reported."""

    def __init__(self, pid: int, tmp: str, info: dict[str, Any]) -> None:
        self.pid = pid
        self.tmp = tmp
        self.info = info


@pytest.fixture(scope="module")
def rich() -> Iterator[Rich]:
    k = Kids()
    tmp = tempfile.mkdtemp(prefix="sg cwd (x) ")
    try:
        p, info = k.python(RICH_CODE, tmp, "arg with space", b"caf\xe9", "", env=RICH_ENV,
                           cwd=tmp, preexec_fn=_rich_preexec)  # fmt: skip
        psutil.Process(p.pid).ionice(psutil.IOPRIO_CLASS_BE, 5)
        stop(p.pid)
        yield Rich(p.pid, tmp, info)
    finally:
        k.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


GETTERS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any] | None]] = {
    "exe": (lambda p: p.exe(), None),
    "cmdline": (lambda p: p.cmdline(), None),
    "environ": (lambda p: p.environ(), None),
    "terminal": (lambda p: p.terminal(), None),
    "cwd": (lambda p: p.cwd(), None),
    "username": (lambda p: p.username(), None),
    "uids": (lambda p: p.uids(), None),
    "gids": (lambda p: p.gids(), None),
    "nice": (lambda p: p.nice(), None),
    "ionice": (lambda p: p.ionice(), None),
    "cpu_affinity": (lambda p: p.cpu_affinity(), None),
    "cpu_num": (lambda p: p.cpu_num(), None),
    "num_threads": (lambda p: p.num_threads(), None),
    "num_fds": (lambda p: p.num_fds(), None),
    "open_files": (lambda p: p.open_files(), lambda f: f.fd),
    "num_ctx_switches": (lambda p: p.num_ctx_switches(), None),
    "io_counters": (lambda p: p.io_counters(), None),
    "cpu_times": (lambda p: p.cpu_times(), None),
    "create_time": (lambda p: p.create_time(), None),
    "memory_info": (lambda p: p.memory_info(), None),
    "status": (lambda p: p.status(), None),
    "name": (lambda p: p.name(), None),
    "ppid": (lambda p: p.ppid(), None),
    "parent": (lambda p: p.parent(), None),
    "parents": (lambda p: p.parents(), None),
    "children": (lambda p: p.children(), None),
    "children_recursive": (lambda p: p.children(recursive=True), None),
    "is_running": (lambda p: p.is_running(), None),
    "pid": (lambda p: p.pid, None),
    "cpu_percent_first": (lambda p: p.cpu_percent(), None),
    "cpu_percent_stopped": (lambda p: p.cpu_percent(interval=0.05), None),
}


@pytest.mark.parametrize("getter", sorted(GETTERS))
def test_getter_on_stopped_child(rich: Rich, getter: str) -> None:
    call, key = GETTERS[getter]
    both(rich.pid, call, key)


def test_stopped_child_values_are_the_ones_set(rich: Rich) -> None:
    """The child's known setup, read by sysgauge (the comparison above could pass with both
    libraries wrong in the same way only if psutil were wrong too)."""
    p = sysgauge.Process(rich.pid)
    assert p.name() == RICH_NAME
    assert p.cwd() == rich.tmp
    assert p.cmdline()[3:] == [rich.tmp, "arg with space", "caf\udce9", ""]
    env = p.environ()
    assert env["SG_PLAIN"] == "hello world" and env["SG_EMPTY"] == "" and env["SG_EQ"] == "a=b=c"
    assert env["SG_BYTES"] == "caf\udce9 \udcff"
    assert os.fsencode(env["SG_BYTES"]) == b"caf\xe9 \xff"
    assert p.nice() == 5
    assert p.rlimit(resource.RLIMIT_NOFILE) == (123, 456)
    assert p.ionice() == (psutil.IOPRIO_CLASS_BE, 5)
    assert p.status() == sysgauge.STATUS_STOPPED
    assert p.num_threads() == 3 == len(p.threads())
    paths = {os.path.basename(f.path) for f in p.open_files()}
    # (gone.bin is open too, but deleted: not listed)
    assert paths == {
        "plain.txt", "name with space\nand newline", "append.log", "map with space.bin"
    }  # fmt: skip
    assert p.exe() == os.path.realpath(sys.executable)
    assert p.ppid() == os.getpid()
    assert p.terminal() is None


def test_threads_on_stopped_child(rich: Rich) -> None:
    """Compared with /proc read directly, and with psutil for the threads whose name has no
    ')' (psutil cuts /proc/PID/task/TID/stat at the first ')', so for the main thread, named
    "sg) R (1 2", it reads the wrong fields)."""
    ours = sorted(sysgauge.Process(rich.pid).threads(), key=lambda t: t.id)
    assert [type(t).__name__ for t in ours] == ["pthread"] * 3
    assert ours[0]._fields == psutil.Process(rich.pid).threads()[0]._fields
    direct = []
    for tid in sorted(os.listdir(f"/proc/{rich.pid}/task"), key=int):
        with open(f"/proc/{rich.pid}/task/{tid}/stat", "rb") as f:
            data = f.read()
        fields = data[data.rfind(b")") + 2 :].split()
        direct.append((int(tid), int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK))
    assert [tuple(t) for t in ours] == direct
    theirs = {t.id: tuple(t) for t in psutil.Process(rich.pid).threads()}
    for t in ours:
        with open(f"/proc/{rich.pid}/task/{t.id}/comm") as f:
            if ")" not in f.read():
                assert tuple(t) == theirs[t.id]


@pytest.mark.parametrize("res", RLIMITS)
def test_rlimit_get(rich: Rich, res: str) -> None:
    both(rich.pid, lambda p: p.rlimit(getattr(psutil, res)))


@pytest.mark.parametrize("kind", CONN_KINDS)
def test_net_connections(rich: Rich, kind: str) -> None:
    def key(c: Any) -> Any:
        return (c.fd, repr(c))

    def unix_path_blind(c: Any) -> Any:
        # psutil gives '' as the path of a unix socket whose path has a space (it splits
        # /proc/net/unix on whitespace): the paths are checked below instead.
        return c._replace(laddr="") if c.family == socket.AF_UNIX else c

    both(rich.pid, lambda p: [unix_path_blind(c) for c in p.net_connections(kind)], key)
    conns = sysgauge.Process(rich.pid).net_connections(kind)
    if kind in ("inet", "tcp", "tcp4", "all"):
        listening = [c for c in conns if c.status == sysgauge.CONN_LISTEN
                     and c.family == socket.AF_INET]  # fmt: skip
        assert [c.laddr.port for c in listening] == [rich.info["tcp"]]
        assert listening[0].raddr == ()
        assert isinstance(listening[0].family, socket.AddressFamily)
        assert isinstance(listening[0].type, socket.SocketKind)
    if kind in ("unix", "all"):
        # The listening socket (bound to a path) and the pair (no path).
        unix = sorted(c.laddr for c in conns if c.family == socket.AF_UNIX)
        assert unix == ["", "", os.path.join(rich.tmp, "sock")]


def test_net_connections_invalid_kind(rich: Rich) -> None:
    for kind in ("tcp7", "", "INET", None, 4):
        both(rich.pid, lambda p, k=kind: p.net_connections(k))


def test_memory_full_info(rich: Rich) -> None:
    both_retry(rich.pid, lambda p: p.memory_full_info())


@pytest.mark.parametrize("memtype", [*MEMTYPES, "bogus", ""])
def test_memory_percent(rich: Rich, memtype: str) -> None:
    theirs = psutil.Process(rich.pid)

    def check() -> None:
        ours = outcome(lambda: sysgauge.Process(rich.pid).memory_percent(memtype))
        expected = outcome(lambda: theirs.memory_percent(memtype))
        if ours[0] == expected[0] == "ok":
            assert ours[1][0] == expected[1][0] == "float"
            assert ours[1][1] == pytest.approx(expected[1][1], rel=1e-12, abs=0)
        else:
            assert ours == expected

    retry(check, attempts=8)


def test_memory_percent_default_is_rss(rich: Rich) -> None:
    p = sysgauge.Process(rich.pid)
    assert p.memory_percent() == p.memory_percent("rss")


@pytest.mark.parametrize("grouped", [True, False])
def test_memory_maps(rich: Rich, grouped: bool) -> None:
    both_retry(rich.pid, lambda p: p.memory_maps(grouped=grouped))


def test_memory_maps_default_grouped(rich: Rich) -> None:
    maps = sysgauge.Process(rich.pid).memory_maps()
    assert type(maps[0]).__name__ == "pmmap_grouped"
    paths = [m.path for m in maps]
    assert len(paths) == len(set(paths))


def test_as_dict_all_on_stopped_child(rich: Rich) -> None:
    # PSS/USS move with other processes (test_memory_* compare them): types only here.
    moving = {"memory_full_info", "memory_maps", "memory_percent"}

    def shape(v: Any) -> Any:
        return [shape(x) for x in v] if isinstance(v, list) else (
            (type(v).__name__, getattr(v, "_fields", None)))  # fmt: skip

    def check() -> None:
        ours = sysgauge.Process(rich.pid).as_dict()
        theirs = psutil.Process(rich.pid).as_dict()
        assert sorted(ours) == sorted(theirs)
        bad = {}
        for name in sorted(theirs):
            a, b = ours[name], theirs[name]
            if name == "threads":  # psutil misreads the main thread (see above)
                a = [t for t in a if t.id != rich.pid]
                b = [t for t in b if t.id != rich.pid]
            if name == "net_connections":  # and unix socket paths with spaces
                a = [c._replace(laddr="") if c.family == socket.AF_UNIX else c for c in a]
            if name in ("open_files", "threads", "net_connections"):
                a, b = sorted(a, key=repr), sorted(b, key=repr)
            if name in moving:
                a, b = shape(a), shape(b)
            elif name == "cpu_percent":
                b = 0.0
            else:
                a, b = norm(a), norm(b)
            if a != b:
                bad[name] = (a, b)
        assert not bad

    retry(check, attempts=8)


def test_as_dict_attrs_on_stopped_child(rich: Rich) -> None:
    attrs = ["name", "exe", "cwd", "uids", "num_ctx_switches", "cpu_times", "ionice", "pid"]
    ours = sysgauge.Process(rich.pid).as_dict(attrs)
    theirs = psutil.Process(rich.pid).as_dict(attrs)
    assert norm(ours) == norm(theirs)
    assert sorted(ours) == sorted(attrs)
    ours_t = sysgauge.Process(rich.pid).as_dict(attrs=tuple(attrs), ad_value=0)
    assert norm(ours_t) == norm(theirs)


def test_oneshot_values_equal(rich: Rich) -> None:
    names = ["name", "ppid", "status", "cpu_times", "memory_info", "num_ctx_switches", "uids",
             "gids", "num_threads", "create_time", "nice", "terminal", "cpu_num"]  # fmt: skip
    ours = sysgauge.Process(rich.pid)
    outside = {n: norm(getattr(ours, n)()) for n in names}
    with ours.oneshot():
        inside = {n: norm(getattr(ours, n)()) for n in names}
        with ours.oneshot():  # re-entrant
            nested = {n: norm(getattr(ours, n)()) for n in names}
        again = {n: norm(getattr(ours, n)()) for n in names}
    theirs = psutil.Process(rich.pid)
    expected = {n: norm(getattr(theirs, n)()) for n in names}
    assert outside == inside == nested == again == expected


# --- other children's getters -------------------------------------------------------------


def _drop_to(uid: int, gid: int) -> Callable[[], None]:
    def preexec() -> None:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)

    return preexec


def _mixed_ids() -> None:
    os.setgroups([])
    os.setresgid(1, 2, 3)
    os.setresuid(4, 5, 6)


@pytest.mark.parametrize("who", ["nobody", "mixed"])
def test_credentials(kids: Kids, who: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to start a child under other ids")
    if who == "nobody":
        nobody = pwd.getpwnam("nobody")
        p = kids.sleeper(preexec_fn=_drop_to(nobody.pw_uid, nobody.pw_gid))
    else:
        p = kids.sleeper(preexec_fn=_mixed_ids)
    stop(p.pid)
    getters = ["uids", "gids", "username", "name", "exe", "cwd", "environ", "num_fds",
               "open_files", "io_counters", "memory_maps", "net_connections", "status"]  # fmt: skip
    for getter in getters:
        both(p.pid, lambda proc, g=getter: getattr(proc, g)())
    ours = sysgauge.Process(p.pid)
    if who == "nobody":
        assert ours.username() == "nobody"
        assert tuple(ours.uids()) == (nobody.pw_uid,) * 3
    else:
        # execve() copies the effective ids to the saved ones.
        assert tuple(ours.uids()) == (4, 5, 5) and tuple(ours.gids()) == (1, 2, 2)
        assert ours.uids().effective == 5 and ours.gids().real == 1


def test_terminal_of_a_pty_child(kids: Kids) -> None:
    try:
        master, slave = os.openpty()
    except OSError as err:
        pytest.skip(f"no pty: {err}")
    try:
        tty = os.ttyname(slave)

        def preexec() -> None:
            # A session leader without a terminal gets the first tty it opens.
            os.close(os.open(tty, os.O_RDWR))

        p = kids.start(["sleep", "60"], start_new_session=True, preexec_fn=preexec)
        wait_until(lambda: psutil.Process(p.pid).name() == "sleep")
        # psutil keeps its map of terminal devices from its first use: this pty is newer.
        psutil._psposix.get_terminal_map.cache_clear()  # type: ignore[attr-defined]
        ours = sysgauge.Process(p.pid).terminal()
        assert ours == psutil.Process(p.pid).terminal()
        assert ours == tty
    finally:
        os.close(master)
        os.close(slave)


def test_exe_of_a_deleted_executable(kids: Kids, tmp_path: Any) -> None:
    exe = tmp_path / "my sleep (copy)"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", exe)
    p = kids.start([str(exe), "60"])
    exe.unlink()
    both(p.pid, lambda proc: proc.exe())
    both(p.pid, lambda proc: proc.name())
    assert sysgauge.Process(p.pid).exe() == str(exe)


def test_name_from_symlink_with_spaces_and_paren(kids: Kids, tmp_path: Any) -> None:
    link = tmp_path / "a b) c"
    os.symlink(shutil.which("sleep") or "/bin/sleep", link)
    p = kids.start([str(link), "60"])
    both(p.pid, lambda proc: proc.name())
    both(p.pid, lambda proc: proc.status())
    both(p.pid, lambda proc: proc.ppid())
    assert sysgauge.Process(p.pid).name() == "a b) c"


TREE_CODE = r"""
import json, subprocess, sys
b = subprocess.Popen(["sh", "-c", "sleep 60 & sleep 60 & wait"])
c = subprocess.Popen(["sleep", "60"])
print(json.dumps({"b": b.pid, "c": c.pid}), flush=True)
b.wait()
"""


def test_children_tree(kids: Kids) -> None:
    p, info = kids.python(TREE_CODE)
    wait_until(lambda: sum(1 for v in ppid_map().values() if v == info["b"]) == 2,
               what="grandchildren started")  # fmt: skip
    pm = ppid_map()
    grand = {pid for pid, pp in pm.items() if pp == info["b"]}
    ours, theirs = sysgauge.Process(p.pid), psutil.Process(p.pid)
    direct = {c.pid for c in ours.children()}
    assert direct == {c.pid for c in theirs.children()} == {info["b"], info["c"]}
    rec = [c.pid for c in ours.children(recursive=True)]
    assert len(rec) == len(set(rec))
    assert set(rec) == {c.pid for c in theirs.children(recursive=True)}
    assert set(rec) == {info["b"], info["c"]} | grand
    assert all(isinstance(c, sysgauge.Process) for c in ours.children(recursive=True))
    # parent / parents of a grandchild
    g = sysgauge.Process(min(grand))
    assert g.parent() == sysgauge.Process(info["b"])
    assert [x.pid for x in g.parents()] == [x.pid for x in psutil.Process(min(grand)).parents()]
    assert [x.pid for x in g.parents()][:3] == [info["b"], p.pid, os.getpid()]
    assert isinstance(g.parent(), sysgauge.Process)


def test_parent_of_pid_1() -> None:
    both(1, lambda p: p.parent())
    both(1, lambda p: p.parents())


def test_threads_of_a_running_child(kids: Kids) -> None:
    code = ("import json, threading; ev = threading.Event()\n"
            "ts = [threading.Thread(target=ev.wait) for _ in range(4)]\n"
            "[t.start() for t in ts]\nprint(json.dumps(0), flush=True); ev.wait()")  # fmt: skip
    p, _ = kids.python(code)
    ours = sysgauge.Process(p.pid)
    assert ours.num_threads() == 5
    tids = sorted(t.id for t in ours.threads())
    assert tids == sorted(int(t) for t in os.listdir(f"/proc/{p.pid}/task"))
    assert tids == sorted(t.id for t in psutil.Process(p.pid).threads())


def test_num_fds_and_open_files_follow_the_child(kids: Kids, tmp_path: Any) -> None:
    path = tmp_path / "held"
    path.write_text("z")
    code = (f"import json, os\nfs = [open({str(path)!r}) for _ in range(20)]\n"
            "print(json.dumps(0), flush=True)\nimport time; time.sleep(60)")  # fmt: skip
    p, _ = kids.python(code)
    ours = sysgauge.Process(p.pid)
    assert ours.num_fds() == len(os.listdir(f"/proc/{p.pid}/fd"))
    files = [f for f in ours.open_files() if f.path == str(path)]
    assert len(files) == 20
    assert sorted(f.fd for f in files) == sorted(f.fd for f in psutil.Process(p.pid).open_files()
                                                  if f.path == str(path))  # fmt: skip
    assert {(f.mode, f.position) for f in files} == {("r", 0)}


# --- what processes do to their own argv / environ --------------------------------------

REWRITE_CODE = r"""
import json, os, sys, time
with open("/proc/self/stat", "rb") as f:
    data = f.read()
fields = data[data.rfind(b")") + 2 :].split()
arg_start, arg_end, env_start, env_end = (int(x) for x in fields[45:49])
with open("/proc/self/mem", "r+b", buffering=0) as mem:
    if sys.argv[1] == "title":
        # setproctitle(3) style: the whole argv area, no NUL at its end, then one NUL.
        title = b"title with  spaces"
        mem.seek(arg_start)
        mem.write(title + b" " * (arg_end - arg_start - len(title)))
        if env_start == arg_end:
            mem.seek(env_start)
            mem.write(b"\0")
    else:
        block = b"A=1\0NOEQ\0=val\0B=x=y\0EMPTY=\0\0C=after\0"
        mem.seek(env_start)
        mem.write(block + b"\0" * (env_end - env_start - len(block)))
print(json.dumps(0), flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("what", ["title", "environ"])
def test_rewritten_argv_and_environ(kids: Kids, what: str) -> None:
    p, _ = kids.python(REWRITE_CODE, what)
    both(p.pid, lambda proc: proc.cmdline())
    both(p.pid, lambda proc: proc.environ())
    both(p.pid, lambda proc: proc.name())
    ours = sysgauge.Process(p.pid)
    if what == "title":
        assert ours.cmdline()[:4] == ["title", "with", "", "spaces"]
    else:
        assert ours.environ() == {"A": "1", "B": "x=y", "EMPTY": ""}


def test_cmdline_one_argument_with_spaces(kids: Kids) -> None:
    # argv == ["x y z"]: psutil splits a lone argument on spaces (setproctitle heuristic).
    p = kids.start(["bash", "-c", 'exec -a "x y  z" cat'], stdin=subprocess.PIPE)
    wait_until(lambda: psutil.Process(p.pid).name() == "cat", what="exec")
    both(p.pid, lambda proc: proc.cmdline())
    both(p.pid, lambda proc: proc.name())
    assert sysgauge.Process(p.pid).cmdline() == ["x", "y", "", "z"]


def test_empty_environ_and_cmdline_args(kids: Kids) -> None:
    p = kids.start(["cat", "-", "", ""], env={}, stdin=subprocess.PIPE)
    both(p.pid, lambda proc: proc.environ())
    both(p.pid, lambda proc: proc.cmdline())
    assert sysgauge.Process(p.pid).environ() == {}


CHILD_CPU_CODE = r"""
import json, subprocess, sys
burn = "import time\nt = time.process_time() + 0.15\nwhile time.process_time() < t: pass"
subprocess.run([sys.executable, "-c", burn])
print(json.dumps(0), flush=True)
import time; time.sleep(60)
"""


def test_cpu_times_of_reaped_children(kids: Kids) -> None:
    p, _ = kids.python(CHILD_CPU_CODE)
    stop(p.pid)
    both(p.pid, lambda proc: proc.cpu_times())
    fields = proc_stat_fields(p.pid)
    ct = sysgauge.Process(p.pid).cpu_times()
    assert ct.children_user == int(fields[13]) / CLK_TCK
    assert ct.children_system == int(fields[14]) / CLK_TCK
    assert ct.children_user + ct.children_system > 0


def test_zombie_and_live_children_of_this_process(kids: Kids) -> None:
    z = kids.start(["sh", "-c", "exit 0"])
    s = kids.sleeper()
    wait_until(lambda: is_zombie(z.pid), what="zombie")
    ours = {c.pid for c in sysgauge.Process().children()} & {z.pid, s.pid}
    theirs = {c.pid for c in psutil.Process().children()} & {z.pid, s.pid}
    assert ours == theirs == {z.pid, s.pid}


def test_connections_alias(rich: Rich) -> None:
    with pytest.warns(DeprecationWarning):
        ours = sysgauge.Process(rich.pid).connections("tcp4")
    assert sorted(ours) == sorted(sysgauge.Process(rich.pid).net_connections("tcp4"))
    assert "connections" in dir(sysgauge.Process)


def test_constructor_and_pid_attribute() -> None:
    for pid in ("1", 1.5, [1], -5, 2**40):
        ours = outcome(lambda x=pid: sysgauge.Process(x))
        theirs = outcome(lambda x=pid: psutil.Process(x))
        assert ours[0] == theirs[0] and (ours[0] == "ok" or ours[1][0] == theirs[1][0]), pid
    for mod in (psutil, sysgauge):
        proc = mod.Process()
        with pytest.raises(AttributeError):
            proc.pid = 5  # type: ignore[misc]
        assert not hasattr(proc, "info")


# --- cpu_percent ----------------------------------------------------------------------------

BUSY = "import json\nprint(json.dumps(0), flush=True)\nwhile True: pass"


def _ticks(pid: int) -> int:
    f = proc_stat_fields(pid)
    return int(f[11]) + int(f[12])


def test_cpu_percent_blocking_near_psutil(kids: Kids) -> None:
    p, _ = kids.python(BUSY)
    ours, theirs = sysgauge.Process(p.pid), psutil.Process(p.pid)
    results: dict[str, float] = {}

    def measure(name: str, proc: Any) -> None:
        results[name] = proc.cpu_percent(interval=0.5)

    t0, a0 = time.monotonic(), _ticks(p.pid)
    threads = [threading.Thread(target=measure, args=(n, x)) for n, x in
               (("ours", ours), ("theirs", theirs))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    t1, a1 = time.monotonic(), _ticks(p.pid)
    measured = (a1 - a0) / CLK_TCK / (t1 - t0) * 100
    assert isinstance(results["ours"], float)
    # Both windows lie inside [t0, t1]: a few ticks of slack either way.
    slack = 3 / CLK_TCK / 0.5 * 100 + 10
    assert abs(results["ours"] - results["theirs"]) <= slack + 0.25 * results["theirs"], results
    assert results["ours"] <= measured * (t1 - t0) / 0.5 + slack, (results, measured)
    assert 0.0 <= results["ours"] <= 100.0 * (psutil.cpu_count() or 1) + slack


def test_cpu_percent_non_blocking(kids: Kids) -> None:
    p, _ = kids.python(BUSY)
    ours = sysgauge.Process(p.pid)
    a0, t0 = _ticks(p.pid), time.monotonic()
    assert ours.cpu_percent() == 0.0  # first call: nothing to compare with yet
    a1, t1 = _ticks(p.pid), time.monotonic()
    wait_until(lambda: _ticks(p.pid) - a1 >= 20, timeout=20, what="20 ticks of CPU")
    a2, t2 = _ticks(p.pid), time.monotonic()
    value = ours.cpu_percent(None)
    a3, t3 = _ticks(p.pid), time.monotonic()
    # The library's window starts in [t0, t1] and ends in [t2, t3]: its CPU time lies
    # between what /proc showed over the shortest and the longest such window.
    low = (a2 - a1 - 1) / CLK_TCK / (t3 - t0) * 100
    high = (a3 - a0 + 1) / CLK_TCK / (t2 - t1) * 100
    assert isinstance(value, float)
    assert low - 1 <= value <= high + 1, (low, value, high)


def test_cpu_percent_errors(rich: Rich) -> None:
    both(rich.pid, lambda p: p.cpu_percent(interval=-1))


def test_cpu_percent_is_per_object(rich: Rich) -> None:
    for lib in LIBS.values():
        a, b = lib.Process(rich.pid), lib.Process(rich.pid)
        assert a.cpu_percent() == 0.0
        assert b.cpu_percent() == 0.0


# --- setters and actions ------------------------------------------------------------------


def _pair(kids: Kids) -> tuple[psutil.Process, sysgauge.Process, int, int]:
    """Two sleeping children: the first for psutil, the second for sysgauge."""
    a, b = kids.sleeper(), kids.sleeper()
    return psutil.Process(a.pid), sysgauge.Process(b.pid), a.pid, b.pid


@pytest.mark.parametrize("value", [7, 0, -3, 19, 40, -40, 1.5, "3", None])
def test_nice_set(kids: Kids, value: Any) -> None:
    theirs, ours, pa, pb = _pair(kids)
    if value is None:
        res_t = outcome(lambda: theirs.nice())
        res_o = outcome(lambda: ours.nice())
    else:
        res_t = outcome(lambda: theirs.nice(value))
        res_o = outcome(lambda: ours.nice(value))
    assert res_o == res_t
    # Read back by the other library, and by /proc directly.
    assert psutil.Process(pb).nice() == psutil.Process(pa).nice()
    assert sysgauge.Process(pb).nice() == int(proc_stat_fields(pb)[16])


IONICE_CASES: list[tuple[Any, ...]] = [
    (psutil.IOPRIO_CLASS_BE, 3),
    (psutil.IOPRIO_CLASS_BE, 0),
    (psutil.IOPRIO_CLASS_BE, 7),
    (psutil.IOPRIO_CLASS_BE,),
    (psutil.IOPRIO_CLASS_RT, 1),
    (psutil.IOPRIO_CLASS_IDLE,),
    (psutil.IOPRIO_CLASS_IDLE, 0),
    (psutil.IOPRIO_CLASS_NONE,),
    (2, 4),
    (psutil.IOPRIO_CLASS_IDLE, 2),
    (psutil.IOPRIO_CLASS_NONE, 1),
    (psutil.IOPRIO_CLASS_BE, 8),
    (psutil.IOPRIO_CLASS_BE, -1),
    (None, 3),
    (99, 1),
    ("2", 1),
    (psutil.IOPRIO_CLASS_BE, "1"),
    (psutil.IOPRIO_CLASS_BE, 1.5),
]


@pytest.mark.parametrize("args", IONICE_CASES, ids=repr)
def test_ionice_set(kids: Kids, args: tuple[Any, ...]) -> None:
    theirs, ours, pa, pb = _pair(kids)
    res_t = outcome(lambda: theirs.ionice(*args))
    res_o = outcome(lambda: ours.ionice(*args))
    assert res_o == res_t
    assert norm(psutil.Process(pb).ionice()) == norm(psutil.Process(pa).ionice())
    assert norm(sysgauge.Process(pb).ionice()) == norm(psutil.Process(pa).ionice())


def test_ionice_types() -> None:
    ours_cls = type(sysgauge.Process().ionice().ioclass)
    theirs_cls = type(psutil.Process().ionice().ioclass)
    assert ours_cls.__name__ == theirs_cls.__name__ == "IOPriority"
    assert issubclass(ours_cls, enum.IntEnum)
    assert [(m.name, m.value) for m in ours_cls] == [(m.name, m.value) for m in theirs_cls]
    for m in theirs_cls:
        assert norm(getattr(sysgauge, m.name)) == norm(m)
    got = sysgauge.Process().ionice()
    assert type(got).__name__ == "pionice" and got._fields == ("ioclass", "value")


RLIMIT_CASES: list[tuple[str, Any]] = [
    ("RLIMIT_NOFILE", (100, 200)),
    ("RLIMIT_NOFILE", [50, 60]),
    ("RLIMIT_CORE", (0, psutil.RLIM_INFINITY)),
    ("RLIMIT_FSIZE", (psutil.RLIM_INFINITY, psutil.RLIM_INFINITY)),
    ("RLIMIT_NOFILE", (300, 200)),
    ("RLIMIT_NOFILE", (1, 2, 3)),
    ("RLIMIT_NOFILE", (1,)),
    ("RLIMIT_NOFILE", "ab"),
    ("RLIMIT_NOFILE", 5),
    ("RLIMIT_NOFILE", (-5, 10)),
]


@pytest.mark.parametrize(("res", "limits"), RLIMIT_CASES, ids=repr)
def test_rlimit_set(kids: Kids, res: str, limits: Any) -> None:
    theirs, ours, pa, pb = _pair(kids)
    r = getattr(psutil, res)
    assert outcome(lambda: ours.rlimit(r, limits)) == outcome(lambda: theirs.rlimit(r, limits))
    assert psutil.Process(pb).rlimit(r) == psutil.Process(pa).rlimit(r)
    assert sysgauge.Process(pb).rlimit(r) == resource.prlimit(pb, r)


def test_rlimit_bad_resource(kids: Kids) -> None:
    theirs, ours, _, _ = _pair(kids)
    for res in (-1, 9999, "x", None):
        assert outcome(lambda r=res: ours.rlimit(r)) == outcome(lambda r=res: theirs.rlimit(r))


@pytest.mark.parametrize("cpus", [[0], [], [0, 0], "all", [-1], [10**6], ["0"], None], ids=repr)
def test_cpu_affinity_set(kids: Kids, cpus: Any) -> None:
    theirs, ours, pa, pb = _pair(kids)
    if cpus == "all":
        cpus = list(range(psutil.cpu_count() or 1))
    if cpus is None:
        res_t, res_o = outcome(lambda: theirs.cpu_affinity()), outcome(lambda: ours.cpu_affinity())
    else:
        res_t = outcome(lambda: theirs.cpu_affinity(cpus))
        res_o = outcome(lambda: ours.cpu_affinity(cpus))
    assert res_o == res_t
    assert sorted(os.sched_getaffinity(pb)) == sorted(os.sched_getaffinity(pa))
    assert sysgauge.Process(pb).cpu_affinity() == sorted(os.sched_getaffinity(pb))


def test_cpu_affinity_empty_means_all(kids: Kids) -> None:
    p = kids.sleeper()
    os.sched_setaffinity(p.pid, {0})
    sysgauge.Process(p.pid).cpu_affinity([])
    assert sorted(os.sched_getaffinity(p.pid)) == psutil.Process(p.pid).cpu_affinity()
    assert sorted(os.sched_getaffinity(p.pid)) == sorted(os.sched_getaffinity(0))


def test_suspend_resume_and_signals(kids: Kids) -> None:
    p = kids.sleeper()
    ours = sysgauge.Process(p.pid)
    assert ours.suspend() is None
    wait_until(lambda: proc_stat_fields(p.pid)[0] == "T", what="stopped")
    assert ours.status() == psutil.Process(p.pid).status() == sysgauge.STATUS_STOPPED
    assert ours.resume() is None
    wait_until(lambda: proc_stat_fields(p.pid)[0] == "S", what="resumed and asleep")
    assert ours.status() == psutil.Process(p.pid).status() == sysgauge.STATUS_SLEEPING
    assert ours.send_signal(0) is None
    assert ours.send_signal(signal.SIGUSR1) is None  # sleep dies of SIGUSR1
    assert p.wait(10) == -signal.SIGUSR1
    with pytest.raises(sysgauge.NoSuchProcess):
        ours.send_signal(0)


@pytest.mark.parametrize("action", ["terminate", "kill"])
def test_terminate_kill(kids: Kids, action: str) -> None:
    p = kids.sleeper()
    ours = sysgauge.Process(p.pid)
    assert getattr(ours, action)() is None
    sig = signal.SIGTERM if action == "terminate" else signal.SIGKILL
    assert p.wait(10) == -sig


def test_send_signal_errors(kids: Kids) -> None:
    theirs, ours, _, _ = _pair(kids)
    for sig in (-1, 99999, "x", None):
        got = outcome(lambda s=sig: ours.send_signal(s))
        assert got == outcome(lambda s=sig: theirs.send_signal(s))


# --- wait -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lib", sorted(LIBS))
def test_wait_exit_code(kids: Kids, lib: str) -> None:
    p = kids.start(["sh", "-c", "exit 7"])
    proc = LIBS[lib].Process(p.pid)
    assert proc.wait(timeout=10) == 7
    assert proc.wait(timeout=10) == 7  # the code is kept
    assert not proc.is_running()


@pytest.mark.parametrize("lib", sorted(LIBS))
def test_wait_signal(kids: Kids, lib: str) -> None:
    p = kids.sleeper()
    proc = LIBS[lib].Process(p.pid)
    proc.terminate()
    code = proc.wait(timeout=10)
    assert code == -signal.SIGTERM


def test_wait_signal_type(kids: Kids) -> None:
    a, b = kids.sleeper(), kids.sleeper()
    theirs, ours = psutil.Process(a.pid), sysgauge.Process(b.pid)
    theirs.kill()
    ours.kill()
    assert norm(ours.wait(10)) == norm(theirs.wait(10))


@pytest.mark.parametrize("lib", sorted(LIBS))
def test_wait_timeout(kids: Kids, lib: str) -> None:
    mod = LIBS[lib]
    p = kids.sleeper()
    proc = mod.Process(p.pid)
    proc.name()
    t0 = time.monotonic()
    with pytest.raises(mod.TimeoutExpired) as err:
        proc.wait(timeout=0.1)
    assert time.monotonic() - t0 >= 0.1
    assert (err.value.pid, err.value.name, err.value.seconds) == (p.pid, "sleep", 0.1)
    with pytest.raises(mod.TimeoutExpired):
        proc.wait(timeout=0)
    assert proc.is_running()


def test_wait_timeout_message(kids: Kids) -> None:
    theirs, ours, _, _ = _pair(kids)
    theirs.name()
    ours.name()
    got = outcome(lambda: ours.wait(0.05))
    expected = outcome(lambda: theirs.wait(0.05))
    assert repr(got).replace(f"={ours.pid}", "=PID").replace(f", {ours.pid},", ", PID,") == repr(
        expected).replace(f"={theirs.pid}", "=PID").replace(f", {theirs.pid},", ", PID,")


@pytest.mark.parametrize("lib", sorted(LIBS))
def test_wait_non_child_returns_none(kids: Kids, lib: str) -> None:
    p, info = kids.python(
        "import json, subprocess\n"
        "g = subprocess.Popen(['sleep', '0.3'])\n"
        "print(json.dumps(g.pid), flush=True)\ng.wait()\nimport time; time.sleep(60)"
    )
    proc = LIBS[lib].Process(info)
    assert proc.wait(timeout=10) is None
    assert not proc.is_running()


@pytest.mark.parametrize("lib", sorted(LIBS))
def test_wait_already_reaped(kids: Kids, lib: str) -> None:
    p = kids.sleeper()
    proc = LIBS[lib].Process(p.pid)
    p.kill()
    p.wait(10)
    assert proc.wait(timeout=1) is None


def test_wait_argument_errors(kids: Kids) -> None:
    theirs, ours, _, _ = _pair(kids)
    for timeout in (-1, "1", [1], -0.5):
        assert outcome(lambda t=timeout: ours.wait(t)) == outcome(lambda t=timeout: theirs.wait(t))


# --- errors: gone, zombie, access denied --------------------------------------------------

# Every getter, then every action, as (label, call) pairs, for the error comparisons.
GET_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    *[(n, (lambda p, n=n: getattr(p, n)() if n != "pid" else p.pid)) for n in ATTR_NAMES],
    ("parent", lambda p: p.parent()),
    ("parents", lambda p: p.parents()),
    ("children", lambda p: p.children()),
    ("children_recursive", lambda p: p.children(recursive=True)),
    ("is_running", lambda p: p.is_running()),
    ("rlimit_get", lambda p: p.rlimit(psutil.RLIMIT_NOFILE)),
    ("memory_maps_ungrouped", lambda p: p.memory_maps(grouped=False)),
    ("net_connections_all", lambda p: p.net_connections("all")),
    ("memory_percent_uss", lambda p: p.memory_percent("uss")),
    ("cpu_percent_interval", lambda p: p.cpu_percent(interval=0.01)),
    ("as_dict_some", lambda p: p.as_dict(["name", "exe", "cmdline"], ad_value="AD")),
]
SET_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    ("nice_set", lambda p: p.nice(3)),
    ("ionice_set", lambda p: p.ionice(psutil.IOPRIO_CLASS_BE, 2)),
    ("rlimit_set", lambda p: p.rlimit(psutil.RLIMIT_NOFILE, (64, 128))),
    ("cpu_affinity_set", lambda p: p.cpu_affinity([0])),
    ("send_signal_0", lambda p: p.send_signal(0)),
    ("suspend", lambda p: p.suspend()),
    ("resume", lambda p: p.resume()),
]
ALL_CALLS = GET_CALLS + SET_CALLS
DESTRUCTIVE = [
    ("terminate", lambda p: p.terminate()),
    ("kill", lambda p: p.kill()),
    ("wait", lambda p: p.wait(0.01)),
]


def _all_outcomes(proc: Any, calls: list[tuple[str, Callable[[Any], Any]]]) -> dict[str, Any]:
    """{label: outcome} of *calls* on *proc*, in order."""
    out = {}
    for label, call in calls:
        key = (lambda v: repr(v)) if label in ("threads", "open_files") else None
        res = outcome(lambda c=call: c(proc))
        if key is not None and res[0] == "ok":
            res = ("ok", sorted(res[1], key=repr))
        out[label] = res
    return out


@pytest.mark.parametrize("name_known", [True, False])
def test_gone_process(kids: Kids, name_known: bool) -> None:
    p = kids.sleeper()
    theirs, ours = psutil.Process(p.pid), sysgauge.Process(p.pid)
    if name_known:
        assert ours.name() == theirs.name() == "sleep"
    p.kill()
    p.wait(10)
    calls = ALL_CALLS + DESTRUCTIVE
    expected = _all_outcomes(theirs, calls)
    got = _all_outcomes(ours, calls)
    mismatches = [label for label, _ in calls if got[label] != expected[label]]
    assert not mismatches, {m: (got[m], expected[m]) for m in mismatches}
    assert str(ours).replace(f"{sysgauge.__name__}.", "psutil.", 1) == str(theirs)
    assert outcome(lambda: sysgauge.Process(p.pid)) == outcome(lambda: psutil.Process(p.pid))


ACTIONS = ("send_signal_0", "suspend", "resume", "terminate", "kill")


def test_gone_process_actions_raise(kids: Kids) -> None:
    """Actions on a Process whose pid is gone raise NoSuchProcess, never act on the pid."""
    p = kids.sleeper()
    ours = sysgauge.Process(p.pid)
    p.kill()
    p.wait(10)
    for label, call in ALL_CALLS + DESTRUCTIVE[:2]:
        if label.endswith("_set") or label in ACTIONS:
            with pytest.raises(sysgauge.NoSuchProcess):
                call(ours)
    assert ours.wait(1) is None


def test_zombie_getters(kids: Kids) -> None:
    p = kids.start(["sh", "-c", "exit 3"])
    wait_until(lambda: is_zombie(p.pid), what="zombie")
    theirs, ours = psutil.Process(p.pid), sysgauge.Process(p.pid)
    # Getters first (both libraries), then the actions (which change the zombie's nice...).
    expected = _all_outcomes(theirs, GET_CALLS)
    got = _all_outcomes(ours, GET_CALLS)
    for label, call in SET_CALLS:
        expected[label] = outcome(lambda c=call: c(theirs))
        got[label] = outcome(lambda c=call: c(ours))
    mismatches = [label for label, _ in ALL_CALLS if got[label] != expected[label]]
    assert not mismatches, {m: (got[m], expected[m]) for m in mismatches}
    assert str(ours).replace(f"{sysgauge.__name__}.", "psutil.", 1) == str(theirs)
    # ZombieProcess is a NoSuchProcess and carries the ppid.
    with pytest.raises(sysgauge.ZombieProcess) as err:
        ours.cmdline()
    assert isinstance(err.value, sysgauge.NoSuchProcess)
    assert ours.wait(10) == 3


def test_zombie_as_dict(kids: Kids) -> None:
    p = kids.start(["sh", "-c", "exit 0"])
    wait_until(lambda: is_zombie(p.pid), what="zombie")
    ours = sysgauge.Process(p.pid).as_dict(ad_value="AD")
    theirs = psutil.Process(p.pid).as_dict(ad_value="AD")
    assert sorted(ours) == sorted(theirs)
    ours.pop("cpu_percent"), theirs.pop("cpu_percent")
    assert norm(ours) == norm(theirs)
    assert ours["cmdline"] == "AD" and ours["exe"] == "AD"


PI_ATTRS = ["name", "exe", "cwd", "environ", "open_files", "num_fds", "uids", "cmdline"]


def _run_as_nobody(target: int) -> dict[str, Any]:
    """Forks; the fork drops to nobody and reads *target* with both libraries; returns
    {"ours": outcomes, "theirs": outcomes}."""
    nobody = pwd.getpwnam("nobody")
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked reader
        try:
            os.close(r)
            os.setgroups([])
            os.setresgid(nobody.pw_gid, nobody.pw_gid, nobody.pw_gid)
            os.setresuid(nobody.pw_uid, nobody.pw_uid, nobody.pw_uid)
            theirs, ours = psutil.Process(target), sysgauge.Process(target)
            res = {
                "theirs": _all_outcomes(theirs, GET_CALLS),
                "ours": _all_outcomes(ours, GET_CALLS),
                "ad_theirs": norm(psutil.Process(target).as_dict(ad_value="AD")),
                "ad_ours": norm(sysgauge.Process(target).as_dict(ad_value="AD")),
                "pi_theirs": [norm(x.info) for x in psutil.process_iter(PI_ATTRS, "AD")
                              if x.pid == target],
                "pi_ours": [norm(x.info) for x in sysgauge.process_iter(PI_ATTRS, "AD")
                            if x.pid == target],
            }  # fmt: skip
            # The actions last: nobody may send SIGCONT within its session.
            for label, call in SET_CALLS:
                res["theirs"][label] = outcome(lambda c=call: c(theirs))
                res["ours"][label] = outcome(lambda c=call: c(ours))
            data = pickle.dumps(res)
            while data:
                data = data[os.write(w, data) :]
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    deadline = time.monotonic() + 30
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([r], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError("the nobody reader did not finish in 30 s")
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        os.waitpid(pid, 0)
    assert chunks, "the nobody reader crashed"
    return pickle.loads(b"".join(chunks))


def test_access_denied_as_nobody(kids: Kids) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to read as another user")
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody")
    p = kids.sleeper()
    stop(p.pid)
    res = _run_as_nobody(p.pid)
    mismatches = [label for label, _ in ALL_CALLS if res["ours"][label] != res["theirs"][label]]
    assert not mismatches, {m: (res["ours"][m], res["theirs"][m]) for m in mismatches}
    denied = {k for k, v in res["theirs"].items() if v[0] == "raise" and v[1][0] == "AccessDenied"}
    assert {"exe", "cwd", "environ", "open_files", "num_fds", "io_counters"} <= denied
    assert sorted(res["ad_ours"]) == sorted(res["ad_theirs"])
    for key in ("cpu_percent", "memory_percent"):
        res["ad_ours"].pop(key)
        res["ad_theirs"].pop(key)
    assert res["ad_ours"] == res["ad_theirs"]
    assert len(res["pi_theirs"]) == 1
    assert res["pi_ours"] == res["pi_theirs"]
    assert res["pi_ours"][0]["exe"] == ("str", "AD")
    # Refused: nice, ionice, rlimit, affinity, signals (SIGCONT aside).
    refused = {k for k, v in res["ours"].items() if v[0] == "raise" and v[1][0] == "AccessDenied"}
    assert {"nice_set", "ionice_set", "rlimit_set", "cpu_affinity_set", "suspend"} <= refused


# --- oneshot --------------------------------------------------------------------------------


@pytest.mark.parametrize("lib", sorted(LIBS))
def test_oneshot_caches_inside_only(kids: Kids, lib: str) -> None:
    """Inside oneshot() the stat-based values are read once (a process stopped meanwhile
    still shows its old status and CPU times); outside they are read anew."""
    mod = LIBS[lib]
    p, _ = kids.python(BUSY)
    proc = mod.Process(p.pid)
    with proc.oneshot():
        status1, times1 = proc.status(), proc.cpu_times()
        stop(p.pid)
        a0 = _ticks(p.pid)
        # the child has really run since the first read
        assert status1 == mod.STATUS_RUNNING or status1 == mod.STATUS_SLEEPING
        assert proc.status() == status1
        assert proc.cpu_times() == times1
        with proc.oneshot():
            assert proc.status() == status1
        # as_dict() inside the block shares its cache
        assert proc.as_dict(["status"]) == {"status": status1}
    assert proc.status() == mod.STATUS_STOPPED
    assert proc.as_dict(["status"]) == {"status": mod.STATUS_STOPPED}
    after = proc.cpu_times()
    assert after.user + after.system == pytest.approx(a0 / CLK_TCK, abs=0.011)


@pytest.mark.parametrize("lib", sorted(LIBS))
def test_oneshot_on_gone_process(kids: Kids, lib: str) -> None:
    mod = LIBS[lib]
    p = kids.sleeper()
    proc = mod.Process(p.pid)
    p.kill()
    p.wait(10)
    with proc.oneshot():
        with pytest.raises(mod.NoSuchProcess):
            proc.cpu_times()
        with pytest.raises(mod.NoSuchProcess):
            proc.status()


# --- as_dict / process_iter -----------------------------------------------------------------


def test_as_dict_keys() -> None:
    ours = sysgauge.Process().as_dict()
    theirs = psutil.Process().as_dict()
    assert sorted(ours) == sorted(theirs) == ATTR_NAMES
    assert sorted(sysgauge.Process().as_dict(attrs=[])) == ATTR_NAMES


BAD_ATTRS = [["bogus"], ["name", "bogus"], ["x", "y"], ["connections"], ["kill"], ["as_dict"],
             ["children"], ["_name"]]  # fmt: skip


@pytest.mark.parametrize("attrs", BAD_ATTRS, ids=repr)
def test_as_dict_invalid_names(attrs: list[str]) -> None:
    ours = outcome(lambda: sysgauge.Process().as_dict(attrs))
    theirs = outcome(lambda: psutil.Process().as_dict(attrs))
    if len(set(attrs) - set(ATTR_NAMES)) > 1:
        # The names' order in the message is a set's: compare the set.
        assert ours[1][0] == theirs[1][0] == "ValueError"
        assert ours[1][1].split(" ", 3)[:3] == theirs[1][1].split(" ", 3)[:3]
        assert sorted(ours[1][1].split(" ", 3)[3].split(", ")) == sorted(
            theirs[1][1].split(" ", 3)[3].split(", "))
    else:
        assert ours == theirs


@pytest.mark.parametrize("attrs", ["name", 5, {"name": 1}, iter(["name"])], ids=repr)
def test_as_dict_wrong_types(attrs: Any) -> None:
    ours = outcome(lambda: sysgauge.Process().as_dict(attrs))
    theirs = outcome(lambda: psutil.Process().as_dict(attrs))
    assert ours[0] == theirs[0]
    if theirs[0] == "raise":
        assert ours[1][0] == theirs[1][0]


def test_process_iter_info_keys(kids: Kids) -> None:
    p = kids.sleeper()
    stop(p.pid)
    for attrs in (["pid", "name", "status"], ["cpu_times", "exe"], []):
        ours = {x.pid: x.info for x in sysgauge.process_iter(attrs, ad_value="AD")}
        theirs = {x.pid: x.info for x in psutil.process_iter(attrs, ad_value="AD")}
        assert sorted(ours[p.pid]) == sorted(theirs[p.pid]) == sorted(attrs or ATTR_NAMES)
        for key in ours[p.pid]:
            if key not in ("cpu_percent", "memory_percent", "memory_full_info", "memory_maps"):
                assert norm(ours[p.pid][key]) == norm(theirs[p.pid][key]), key


def test_process_iter_order_identity_cache(kids: Kids) -> None:
    sysgauge.process_iter.cache_clear()
    first = list(sysgauge.process_iter())
    pids = [x.pid for x in first]
    assert pids == sorted(pids) and len(pids) == len(set(pids))
    assert os.getpid() in pids
    second = list(sysgauge.process_iter())
    by_pid = {x.pid: x for x in first}
    me = [x for x in second if x.pid == os.getpid()][0]
    assert me is by_pid[os.getpid()]
    # a new child appears, as a new object
    p = kids.sleeper()
    third = {x.pid: x for x in sysgauge.process_iter(["name"])}
    assert third[p.pid].info == {"name": "sleep"}
    assert third[os.getpid()] is me
    # cache_clear: new objects, equal to the old ones
    sysgauge.process_iter.cache_clear()
    fourth = {x.pid: x for x in sysgauge.process_iter()}
    assert fourth[os.getpid()] is not me and fourth[os.getpid()] == me
    # a reaped child disappears
    p.kill()
    p.wait(10)
    assert p.pid not in [x.pid for x in sysgauge.process_iter()]


def test_process_iter_zombie_ad_value(kids: Kids) -> None:
    p = kids.start(["sh", "-c", "exit 0"])
    wait_until(lambda: is_zombie(p.pid), what="zombie")
    attrs = ["cmdline", "exe", "cwd", "environ", "name", "status", "memory_maps", "ppid"]
    sentinel = object()
    ours = [x.info for x in sysgauge.process_iter(attrs, ad_value=sentinel) if x.pid == p.pid]
    theirs = [x.info for x in psutil.process_iter(attrs, ad_value=sentinel) if x.pid == p.pid]
    assert len(ours) == len(theirs) == 1
    refused = {k: v is sentinel for k, v in theirs[0].items()}
    assert {k: v is sentinel for k, v in ours[0].items()} == refused
    assert ours[0]["status"] == sysgauge.STATUS_ZOMBIE


def test_process_iter_bad_args() -> None:
    for attrs in (["bogus"], "name", 3):
        ours = outcome(lambda a=attrs: list(sysgauge.process_iter(a)))
        theirs = outcome(lambda a=attrs: list(psutil.process_iter(a)))
        assert ours == theirs, attrs


# --- identity: eq, hash, repr, pickle ------------------------------------------------------


def test_eq_hash_repr(kids: Kids) -> None:
    a, b = kids.sleeper(), kids.sleeper()
    x, y = sysgauge.Process(a.pid), sysgauge.Process(a.pid)
    assert x == y and not (x != y) and hash(x) == hash(y)
    assert x != sysgauge.Process(b.pid)
    assert x != a.pid and (x == "x") is False
    assert len({x, y, sysgauge.Process(b.pid)}) == 2
    assert repr(x) == repr(psutil.Process(a.pid)).replace("psutil.", f"{sysgauge.__name__}.", 1)
    x.name()
    assert str(x) == str(psutil.Process(a.pid)).replace("psutil.", f"{sysgauge.__name__}.", 1)
    x.info = {"k": 1}  # instances take new attributes, as psutil's
    assert x.info == {"k": 1}


def test_pickle_process() -> None:
    ours = outcome(lambda: pickle.loads(pickle.dumps(sysgauge.Process())))
    theirs = outcome(lambda: pickle.loads(pickle.dumps(psutil.Process())))
    assert ours[0] == theirs[0]
    if theirs[0] == "raise":
        assert ours[1][0] == theirs[1][0]


@pytest.mark.parametrize(
    "cls", ["NoSuchProcess", "ZombieProcess", "AccessDenied", "TimeoutExpired"]
)
def test_pickle_errors(cls: str) -> None:
    args: dict[str, Any] = {
        "NoSuchProcess": (5, "n", "m"),
        "ZombieProcess": (5, "n", 1, "m"),
        "AccessDenied": (5, "n", "m"),
        "TimeoutExpired": (1.5, 5, "n"),
    }
    ours = getattr(sysgauge, cls)(*args[cls])
    theirs = getattr(psutil, cls)(*args[cls])
    back = pickle.loads(pickle.dumps(ours))
    assert type(back) is type(ours)
    assert str(back) == str(ours) == str(theirs)
    assert repr(ours).replace(f"{sysgauge.__name__}.", "psutil.") == repr(theirs)
