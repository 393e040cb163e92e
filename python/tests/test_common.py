"""The exceptions, constants, enums and module attributes, against psutil 7.2.2's."""

from __future__ import annotations

import enum
import pickle

import psutil
import pytest

import sysgauge

# What psutil 7.2.2 exports that sysgauge does not have yet (the rest of issue 6).
NOT_YET: set[str] = set()

# sysgauge's public names beyond psutil 7.2.2's: the psutil version it follows, and psutil
# 8.0's additive bytes2human (kept out of __all__, so `import *` gives 7.2.2's names).
OURS_ONLY = {"PSUTIL_VERSION", "bytes2human"}

EXCEPTION_ARGS = {
    "Error": [(), ("some text",)],
    "NoSuchProcess": [
        (1,),
        (0,),
        (1, "name"),
        (1, "name", "custom message"),
        (1, None, "custom message"),
        (-5, ""),
    ],
    "ZombieProcess": [
        (1,),
        (0,),
        (1, "name"),
        (1, "name", 2),
        (1, "name", 2, "custom"),
        (1, None, 0),
        (1, None, None, "custom"),
    ],
    "AccessDenied": [(), (1,), (0,), (1, "name"), (1, "name", "msg"), (None, None, "msg")],
    "TimeoutExpired": [(3,), (0.5, 1), (3, 1, "name"), (3, None, "name"), (0,)],
}

CASES = [(name, args) for name, all_args in EXCEPTION_ARGS.items() for args in all_args]


def ours_and_theirs(name: str, args: tuple) -> tuple[BaseException, BaseException]:
    return getattr(sysgauge, name)(*args), getattr(psutil, name)(*args)


@pytest.mark.parametrize("name,args", CASES)
def test_exception_str_repr_attributes(name: str, args: tuple) -> None:
    ours, theirs = ours_and_theirs(name, args)
    assert str(ours) == str(theirs)
    # The same repr, naming the package the class lives in.
    assert repr(ours) == repr(theirs).replace("psutil.", "sysgauge.", 1)
    assert ours.args == theirs.args
    for attr in ("pid", "name", "ppid", "msg", "seconds"):
        assert getattr(ours, attr, "absent") == getattr(theirs, attr, "absent"), attr


@pytest.mark.parametrize("name,args", CASES)
def test_exception_pickle(name: str, args: tuple) -> None:
    ours, theirs = ours_and_theirs(name, args)
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(ours, proto))
        assert type(back) is type(ours)
        assert str(back) == str(ours)
        assert repr(back) == repr(ours)
        assert back.__reduce__() == ours.__reduce__()
    # psutil's reduce tuple, with our class in front.
    if name != "Error":
        assert ours.__reduce__()[1] == theirs.__reduce__()[1]


def test_exception_hierarchy() -> None:
    assert issubclass(sysgauge.Error, Exception)
    for name in ("NoSuchProcess", "AccessDenied", "TimeoutExpired"):
        assert getattr(sysgauge, name).__bases__ == (sysgauge.Error,)
    assert sysgauge.ZombieProcess.__bases__ == (sysgauge.NoSuchProcess,)
    for name in EXCEPTION_ARGS:
        assert getattr(sysgauge, name).__module__ == "sysgauge"
        assert getattr(sysgauge, name).__qualname__ == name
    with pytest.raises(sysgauge.NoSuchProcess):
        raise sysgauge.ZombieProcess(1)


def test_all_matches_psutil() -> None:
    ours, theirs = set(sysgauge.__all__), set(psutil.__all__)
    assert ours <= theirs, ours - theirs
    assert theirs - ours == NOT_YET
    for name in sysgauge.__all__:
        assert hasattr(sysgauge, name), name
    ns: dict = {}
    exec("from sysgauge import *", ns)
    assert set(ns) - {"__builtins__"} == ours


def test_no_public_names_beyond_psutils() -> None:
    # psutil's own test__all__ wants every public module attribute in __all__: nothing
    # imported for internal use (typing helpers, modules) may show as a public name.
    ours = {n for n in dir(sysgauge) if not n.startswith("_")}
    theirs = {n for n in dir(psutil) if not n.startswith("_")}
    assert ours - theirs == OURS_ONLY
    assert ours - OURS_ONLY <= set(sysgauge.__all__) | {"version_info"}


def test_heap_info_follows_malloc() -> None:
    # Both libraries read glibc's mallinfo2 of this very process: a 64 MiB block (served
    # by mmap) shows in both between two reads, and freeing it removes it again.
    import ctypes

    libc = ctypes.CDLL(None)
    libc.malloc.argtypes, libc.malloc.restype = [ctypes.c_size_t], ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    size = 64 << 20
    assert sysgauge.heap_info()._fields == psutil.heap_info()._fields
    before_sg, before_ps = sysgauge.heap_info(), psutil.heap_info()
    ptr = libc.malloc(size)
    assert ptr
    try:
        during_sg, during_ps = sysgauge.heap_info(), psutil.heap_info()
        assert during_sg.mmap_used - before_sg.mmap_used >= size
        assert during_ps.mmap_used - before_ps.mmap_used >= size
        # Same counter, read moments apart: the mmap'ed total is identical.
        assert during_sg.mmap_used == during_ps.mmap_used
    finally:
        libc.free(ptr)
    assert sysgauge.heap_info().mmap_used <= during_sg.mmap_used - size
    assert sysgauge.heap_trim() is None


def constant_names() -> list[str]:
    return sorted(
        n
        for n in psutil.__all__
        if n.isupper() and n not in NOT_YET and n != "PROCFS_PATH"
    )


@pytest.mark.parametrize("name", constant_names())
def test_constants_equal_psutil(name: str) -> None:
    ours, theirs = getattr(sysgauge, name), getattr(psutil, name)
    assert ours == theirs
    assert type(ours).__name__ == type(theirs).__name__
    if isinstance(theirs, enum.Enum):
        assert isinstance(ours, enum.IntEnum)
        assert ours.name == theirs.name
        assert repr(ours) == repr(theirs)
        assert pickle.loads(pickle.dumps(ours)) is ours


def test_enum_classes() -> None:
    for name in ("NIC_DUPLEX_FULL", "POWER_TIME_UNKNOWN", "IOPRIO_CLASS_BE", "AF_LINK"):
        ours, theirs = type(getattr(sysgauge, name)), type(getattr(psutil, name))
        assert [(m.name, m.value) for m in ours] == [(m.name, m.value) for m in theirs]


def test_version() -> None:
    assert isinstance(sysgauge.__version__, str)
    assert sysgauge.version_info == tuple(int(x) for x in sysgauge.__version__.split("."))
    assert sysgauge.PSUTIL_VERSION == "7.2.2"


def test_procfs_path_default() -> None:
    assert sysgauge.PROCFS_PATH == psutil.PROCFS_PATH == "/proc"


def test_py_typed_marker() -> None:
    from importlib import resources

    assert resources.files("sysgauge").joinpath("py.typed").is_file()


@pytest.mark.parametrize("fmt", [None, "%(value).3f %(symbol)s", "%(value)i%(symbol)s"])
def test_bytes2human_matches_psutil(fmt: str | None) -> None:
    from psutil._common import bytes2human as theirs

    values = [0, 1, 100, 1023, 1024, 1025, 10000, 2**20 - 1, 2**20, 10**12, 2**70, 2**90, -5000]
    for n in values:
        args = () if fmt is None else (fmt,)
        assert sysgauge.bytes2human(n, *args) == theirs(n, *args), n
