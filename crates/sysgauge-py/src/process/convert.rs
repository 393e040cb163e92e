//! sysgauge's per-process values as the Python objects psutil returns: its named tuples
//! (`pcputimes`, `pmem`, ...), built from the facade's classes found by the [`Registry`],
//! and plain lists, dicts and strings (names and paths decoded as `os.fsdecode` does).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3::IntoPyObjectExt;
use sysgauge::{
    ConnAddr, Connection, Ids, IoNice, MemoryFootprint, MemoryFullInfo, MemoryInfo, MemoryInfoEx,
    MemoryMap, MemoryMapGrouped, NumCtxSwitches, OpenFile, PageFaults, ProcessCpuTimes,
    ProcessIoCounters, ThreadTimes,
};

use crate::registry::Registry;

/// A Python value, as every converter here returns it.
pub(crate) type Obj<'py> = PyResult<Bound<'py, PyAny>>;

/// `pcputimes(user, system, children_user, children_system, iowait)`, in seconds.
pub(crate) fn cpu_times<'py>(py: Python<'py>, reg: &Registry, t: &ProcessCpuTimes) -> Obj<'py> {
    let items = (
        t.user,
        t.system,
        t.children_user,
        t.children_system,
        t.iowait,
    );
    reg.make(py, &reg.pcputimes, items.into_pyobject(py)?)
}

/// `pmem(rss, vms, shared, text, lib, data, dirty)`, in bytes.
pub(crate) fn memory_info<'py>(py: Python<'py>, reg: &Registry, m: &MemoryInfo) -> Obj<'py> {
    let items = (m.rss, m.vms, m.shared, m.text, m.lib, m.data, m.dirty);
    reg.make(py, &reg.pmem, items.into_pyobject(py)?)
}

/// `pfullmem(... pmem's fields ..., uss, pss, swap)`, in bytes.
pub(crate) fn memory_full_info<'py>(
    py: Python<'py>,
    reg: &Registry,
    m: &MemoryFullInfo,
) -> Obj<'py> {
    let items = [
        m.rss, m.vms, m.shared, m.text, m.lib, m.data, m.dirty, m.uss, m.pss, m.swap,
    ];
    reg.make(py, &reg.pfullmem, PyTuple::new(py, items)?)
}

/// psutil 8.0's `pmem_ex(... pmem's fields ..., peak_rss, peak_vms, rss_anon, rss_file,
/// rss_shmem, swap, hugetlb)`, in bytes.
pub(crate) fn memory_info_ex<'py>(py: Python<'py>, reg: &Registry, m: &MemoryInfoEx) -> Obj<'py> {
    let items = [
        m.rss,
        m.vms,
        m.shared,
        m.text,
        m.lib,
        m.data,
        m.dirty,
        m.peak_rss,
        m.peak_vms,
        m.rss_anon,
        m.rss_file,
        m.rss_shmem,
        m.swap,
        m.hugetlb,
    ];
    reg.make(py, &reg.pmem_ex, PyTuple::new(py, items)?)
}

/// psutil 8.0's `pfootprint(uss, pss, swap)`, in bytes.
pub(crate) fn memory_footprint<'py>(
    py: Python<'py>,
    reg: &Registry,
    m: &MemoryFootprint,
) -> Obj<'py> {
    reg.make(
        py,
        &reg.pfootprint,
        PyTuple::new(py, [m.uss, m.pss, m.swap])?,
    )
}

/// psutil 8.0's `ppagefaults(minor, major)`.
pub(crate) fn page_faults<'py>(py: Python<'py>, reg: &Registry, f: &PageFaults) -> Obj<'py> {
    reg.make(py, &reg.ppagefaults, PyTuple::new(py, [f.minor, f.major])?)
}

/// `pio(read_count, write_count, read_bytes, write_bytes, read_chars, write_chars)`.
pub(crate) fn io_counters<'py>(py: Python<'py>, reg: &Registry, c: &ProcessIoCounters) -> Obj<'py> {
    let items = [
        c.read_count,
        c.write_count,
        c.read_bytes,
        c.write_bytes,
        c.read_chars,
        c.write_chars,
    ];
    reg.make(py, &reg.pio, PyTuple::new(py, items)?)
}

/// `pctxsw(voluntary, involuntary)`.
pub(crate) fn ctx_switches<'py>(py: Python<'py>, reg: &Registry, c: &NumCtxSwitches) -> Obj<'py> {
    reg.make(
        py,
        &reg.pctxsw,
        PyTuple::new(py, [c.voluntary, c.involuntary])?,
    )
}

/// `puids` or `pgids` (`cls`): real, effective, saved.
pub(crate) fn ids<'py>(py: Python<'py>, reg: &Registry, cls: &Py<PyAny>, i: &Ids) -> Obj<'py> {
    reg.make(py, cls, PyTuple::new(py, [i.real, i.effective, i.saved])?)
}

/// `pionice(ioclass, value)`, the class as an `IOPriority` member.
pub(crate) fn ionice<'py>(py: Python<'py>, reg: &Registry, n: &IoNice) -> Obj<'py> {
    let items = (reg.iopriority(py, n.ioclass), n.value).into_pyobject(py)?;
    reg.make(py, &reg.pionice, items)
}

/// `[popenfile(path, fd, position, mode, flags), ...]`.
pub(crate) fn open_files<'py>(py: Python<'py>, reg: &Registry, files: &[OpenFile]) -> Obj<'py> {
    let list = PyList::empty(py);
    for f in files {
        let items = (
            f.path.as_os_str(),
            f.fd,
            f.position,
            f.mode.as_str(),
            f.flags,
        )
            .into_pyobject(py)?;
        list.append(reg.make(py, &reg.popenfile, items)?)?;
    }
    Ok(list.into_any())
}

/// `[pthread(id, user_time, system_time), ...]`.
pub(crate) fn threads<'py>(py: Python<'py>, reg: &Registry, threads: &[ThreadTimes]) -> Obj<'py> {
    let list = PyList::empty(py);
    for t in threads {
        let items = (t.id, t.user_time, t.system_time).into_pyobject(py)?;
        list.append(reg.make(py, &reg.pthread, items)?)?;
    }
    Ok(list.into_any())
}

/// `[pmmap_grouped(path, rss, size, ...), ...]`.
pub(crate) fn memory_maps<'py>(
    py: Python<'py>,
    reg: &Registry,
    maps: &[MemoryMapGrouped],
) -> Obj<'py> {
    let list = PyList::empty(py);
    for m in maps {
        let mut items: Vec<Bound<'py, PyAny>> = Vec::with_capacity(11);
        items.push(m.path.as_os_str().into_bound_py_any(py)?);
        for n in m.counters.to_array() {
            items.push(n.into_bound_py_any(py)?);
        }
        list.append(reg.make(py, &reg.pmmap_grouped, PyTuple::new(py, items)?)?)?;
    }
    Ok(list.into_any())
}

/// `[pmmap_ext(addr, perms, path, rss, size, ...), ...]`.
pub(crate) fn memory_maps_ext<'py>(
    py: Python<'py>,
    reg: &Registry,
    maps: &[MemoryMap],
) -> Obj<'py> {
    let list = PyList::empty(py);
    for m in maps {
        let mut items: Vec<Bound<'py, PyAny>> = Vec::with_capacity(13);
        items.push(m.addr.as_str().into_bound_py_any(py)?);
        items.push(m.perms.as_str().into_bound_py_any(py)?);
        items.push(m.path.as_os_str().into_bound_py_any(py)?);
        for n in m.counters.to_array() {
            items.push(n.into_bound_py_any(py)?);
        }
        list.append(reg.make(py, &reg.pmmap_ext, PyTuple::new(py, items)?)?)?;
    }
    Ok(list.into_any())
}

/// One end of a socket: `addr(ip, port)`, `()` for none, or the unix name (`""` for none).
fn conn_addr<'py>(py: Python<'py>, reg: &Registry, a: &ConnAddr) -> Obj<'py> {
    match a {
        ConnAddr::None => Ok(reg.empty_tuple.bind(py).clone().into_any()),
        ConnAddr::Inet(sa) => {
            let items = (sa.ip().to_string(), sa.port()).into_pyobject(py)?;
            reg.make(py, &reg.addr, items)
        }
        ConnAddr::Unix(name) if name.is_empty() => Ok(reg.empty_str.bind(py).clone().into_any()),
        ConnAddr::Unix(name) => name.into_bound_py_any(py),
    }
}

/// `[pconn(fd, family, type, laddr, raddr, status), ...]` (psutil's per-process sockets:
/// no pid field).
pub(crate) fn connections<'py>(py: Python<'py>, reg: &Registry, conns: &[Connection]) -> Obj<'py> {
    let list = PyList::empty(py);
    for c in conns {
        let items = (
            c.fd,
            reg.family(py, c.family.as_i32())?,
            reg.socket_type(py, c.socket_type.as_raw())?,
            conn_addr(py, reg, &c.laddr)?,
            conn_addr(py, reg, &c.raddr)?,
            c.status.as_str(),
        )
            .into_pyobject(py)?;
        list.append(reg.make(py, &reg.pconn, items)?)?;
    }
    Ok(list.into_any())
}

/// `{name: value}` of an environment, both decoded as `os.fsdecode` does.
pub(crate) fn environ<'py>(py: Python<'py>, env: &BTreeMap<OsString, OsString>) -> Obj<'py> {
    let dict = PyDict::new(py);
    for (k, v) in env {
        dict.set_item(k, v)?;
    }
    Ok(dict.into_any())
}

/// A path as `str` (`os.fsdecode`), or `None`.
pub(crate) fn opt_path<'py>(py: Python<'py>, p: &Option<PathBuf>) -> Obj<'py> {
    match p {
        Some(p) => p.as_os_str().into_bound_py_any(py),
        None => Ok(py.None().into_bound(py)),
    }
}
