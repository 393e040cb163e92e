//! psutil's system-wide functions: CPU, memory, disks, network, sensors, users, pids.
//!
//! Each reads through the sysgauge crate and returns finished Python values (psutil's named
//! tuples, dicts and lists), so a Python call crosses into Rust once. psutil's hidden state
//! lives here: the previous CPU samples of `cpu_percent` and `cpu_times_percent` (per
//! thread, as psutil keys them by thread) and the wrap-around memory of the disk and network
//! counters (per process).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::thread::LocalKey;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3::IntoPyObjectExt;
use sysgauge::{
    ConnAddr, Counters, CpuTimes, CpuTimesPercent, DiskIoCounters, Error, NetIoCounters, NoWrap,
    SecsLeft,
};

use crate::args::{FsPath, Truthy};
use crate::errors::IntoPy;
use crate::registry::Registry;

// --- CPU ----------------------------------------------------------------------------------

/// The number of `scputimes` fields this kernel's `/proc/stat` has (7 to 10): psutil names
/// `steal`, `guest` and `guest_nice` only where the kernel writes them.
#[pyfunction]
pub(crate) fn _cpu_times_nfields(py: Python<'_>) -> PyResult<usize> {
    let t = sysgauge::cpu_times().py(py)?;
    Ok(if t.guest_nice.is_some() {
        10
    } else if t.guest.is_some() {
        9
    } else if t.steal.is_some() {
        8
    } else {
        7
    })
}

fn cpu_fields(t: &CpuTimes) -> [f64; 10] {
    [
        t.user,
        t.nice,
        t.system,
        t.idle,
        t.iowait,
        t.irq,
        t.softirq,
        t.steal.unwrap_or(0.0),
        t.guest.unwrap_or(0.0),
        t.guest_nice.unwrap_or(0.0),
    ]
}

fn cpu_percent_fields(t: &CpuTimesPercent) -> [f64; 10] {
    [
        t.user,
        t.nice,
        t.system,
        t.idle,
        t.iowait,
        t.irq,
        t.softirq,
        t.steal.unwrap_or(0.0),
        t.guest.unwrap_or(0.0),
        t.guest_nice.unwrap_or(0.0),
    ]
}

/// An `scputimes` of the first fields of `v` (as many as the class has).
fn scputimes<'py>(py: Python<'py>, reg: &Registry, v: [f64; 10]) -> PyResult<Bound<'py, PyAny>> {
    let items = PyTuple::new(py, &v[..reg.ncpu_fields.min(v.len())])?;
    reg.make(py, &reg.scputimes, items)
}

/// psutil's `cpu_times(percpu)`: an `scputimes`, or a list of them, one per CPU.
#[pyfunction]
#[pyo3(signature = (percpu = Truthy(false)), text_signature = "(percpu=False)")]
pub(crate) fn cpu_times(py: Python<'_>, percpu: Truthy) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    if percpu.0 {
        let all = sysgauge::cpu_times_percpu().py(py)?;
        let list = PyList::empty(py);
        for t in &all {
            list.append(scputimes(py, reg, cpu_fields(t))?)?;
        }
        Ok(list.into_any())
    } else {
        let t = sysgauge::cpu_times().py(py)?;
        scputimes(py, reg, cpu_fields(&t))
    }
}

/// The samples `cpu_percent` or `cpu_times_percent` compare the next call with, in one
/// thread (psutil's `_last_cpu_times` / `_last_per_cpu_times` entries of that thread).
#[derive(Default)]
struct LastCpu {
    total: Option<CpuTimes>,
    percpu: Option<Vec<CpuTimes>>,
}

type LastKey = LocalKey<RefCell<LastCpu>>;

thread_local! {
    static LAST_PERCENT: RefCell<LastCpu> = RefCell::new(LastCpu::default());
    static LAST_TIMES_PERCENT: RefCell<LastCpu> = RefCell::new(LastCpu::default());
}

/// A CPU times sample taken before a blocking `cpu_percent(interval)` sleeps (the sleep is
/// Python's, so it can be interrupted).
#[pyclass(frozen, module = "sysgauge._sysgauge")]
pub(crate) struct CpuSample {
    total: Option<CpuTimes>,
    percpu: Option<Vec<CpuTimes>>,
}

/// Takes the import-time sample of this thread for both `cpu_percent` and
/// `cpu_times_percent` (psutil samples when it is imported, so the importing thread's first
/// call measures since then).
#[pyfunction]
pub(crate) fn _cpu_prime(py: Python<'_>) -> PyResult<()> {
    let s = sysgauge::CpuSampler::new().py(py)?;
    for key in [&LAST_PERCENT, &LAST_TIMES_PERCENT] {
        key.with(|c| {
            *c.borrow_mut() = LastCpu {
                total: Some(*s.last()),
                percpu: Some(s.last_percpu().to_vec()),
            }
        });
    }
    Ok(())
}

/// A sample for [`cpu_percent`]'s `since`: system-wide, or per CPU.
#[pyfunction]
#[pyo3(signature = (percpu = Truthy(false)), text_signature = "(percpu=False)")]
pub(crate) fn cpu_sample(py: Python<'_>, percpu: Truthy) -> PyResult<CpuSample> {
    Ok(if percpu.0 {
        CpuSample {
            total: None,
            percpu: Some(sysgauge::cpu_times_percpu().py(py)?),
        }
    } else {
        CpuSample {
            total: Some(sysgauge::cpu_times().py(py)?),
            percpu: None,
        }
    })
}

/// The system-wide pair to compare: `since`, else this thread's last sample, else a fresh
/// one; then a fresh sample, which becomes the last.
fn step_total(key: &'static LastKey, since: Option<&CpuSample>) -> sysgauge::Result<[CpuTimes; 2]> {
    let t1 = match since
        .and_then(|s| s.total)
        .or_else(|| key.with(|c| c.borrow().total))
    {
        Some(t) => t,
        None => sysgauge::cpu_times()?,
    };
    let t2 = sysgauge::cpu_times()?;
    key.with(|c| c.borrow_mut().total = Some(t2));
    Ok([t1, t2])
}

/// [`step_total`] for the per-CPU samples.
fn step_percpu(
    key: &'static LastKey,
    since: Option<&CpuSample>,
) -> sysgauge::Result<(Vec<CpuTimes>, Vec<CpuTimes>)> {
    let last = match since.and_then(|s| s.percpu.clone()) {
        Some(v) => Some(v),
        None => key.with(|c| c.borrow().percpu.clone()),
    };
    let t1 = match last {
        Some(v) => v,
        None => sysgauge::cpu_times_percpu()?,
    };
    let t2 = sysgauge::cpu_times_percpu()?;
    key.with(|c| c.borrow_mut().percpu = Some(t2.clone()));
    Ok((t1, t2))
}

/// psutil's `cpu_percent` once the interval question is settled (the Python wrapper checks
/// `interval`, takes `since` and sleeps): since `since`, or since this thread's last call.
#[pyfunction]
#[pyo3(signature = (percpu = Truthy(false), since = None), text_signature = "(percpu=False, since=None)")]
pub(crate) fn cpu_percent<'py>(
    py: Python<'py>,
    percpu: Truthy,
    since: Option<PyRef<'py, CpuSample>>,
) -> PyResult<Bound<'py, PyAny>> {
    let since = since.as_deref();
    if percpu.0 {
        let (t1, t2) = step_percpu(&LAST_PERCENT, since).py(py)?;
        let v: Vec<f64> = t1
            .iter()
            .zip(&t2)
            .map(|(a, b)| sysgauge::cpu_percent_between(a, b))
            .collect();
        Ok(PyList::new(py, v)?.into_any())
    } else {
        let [t1, t2] = step_total(&LAST_PERCENT, since).py(py)?;
        Ok(sysgauge::cpu_percent_between(&t1, &t2)
            .into_pyobject(py)?
            .into_any())
    }
}

/// psutil's `cpu_times_percent`, as [`cpu_percent`] (with its own last samples).
#[pyfunction]
#[pyo3(signature = (percpu = Truthy(false), since = None), text_signature = "(percpu=False, since=None)")]
pub(crate) fn cpu_times_percent<'py>(
    py: Python<'py>,
    percpu: Truthy,
    since: Option<PyRef<'py, CpuSample>>,
) -> PyResult<Bound<'py, PyAny>> {
    let reg = Registry::get(py)?;
    let since = since.as_deref();
    if percpu.0 {
        let (t1, t2) = step_percpu(&LAST_TIMES_PERCENT, since).py(py)?;
        let list = PyList::empty(py);
        for (a, b) in t1.iter().zip(&t2) {
            let p = sysgauge::cpu_times_percent_between(a, b);
            list.append(scputimes(py, reg, cpu_percent_fields(&p))?)?;
        }
        Ok(list.into_any())
    } else {
        let [t1, t2] = step_total(&LAST_TIMES_PERCENT, since).py(py)?;
        let p = sysgauge::cpu_times_percent_between(&t1, &t2);
        scputimes(py, reg, cpu_percent_fields(&p))
    }
}

/// psutil's `cpu_count(logical)`: logical CPUs, or physical cores; `None` when unknown.
#[pyfunction]
#[pyo3(signature = (logical = Truthy(true)), text_signature = "(logical=True)")]
pub(crate) fn cpu_count(py: Python<'_>, logical: Truthy) -> PyResult<Option<usize>> {
    let n = if logical.0 {
        match sysgauge::cpu_count() {
            Ok(n) => Some(n),
            Err(Error::Unsupported { .. }) => None,
            Err(e) => return Err(e).py(py),
        }
    } else {
        sysgauge::cpu_count_physical().py(py)?
    };
    Ok(n.filter(|&n| n >= 1))
}

/// psutil's `cpu_stats()`.
#[pyfunction]
pub(crate) fn cpu_stats(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    let s = sysgauge::cpu_stats().py(py)?;
    let items = (s.ctx_switches, s.interrupts, s.soft_interrupts, s.syscalls).into_pyobject(py)?;
    reg.make(py, &reg.scpustats, items)
}

fn scpufreq<'py>(
    py: Python<'py>,
    reg: &Registry,
    f: &sysgauge::CpuFreq,
) -> PyResult<Bound<'py, PyAny>> {
    reg.make(
        py,
        &reg.scpufreq,
        (f.current, f.min, f.max).into_pyobject(py)?,
    )
}

/// psutil's `cpu_freq(percpu)`: the mean `scpufreq` (`None` when there is no frequency to
/// read), or a list with one per CPU or cpufreq policy.
#[pyfunction]
#[pyo3(signature = (percpu = Truthy(false)), text_signature = "(percpu=False)")]
pub(crate) fn cpu_freq(py: Python<'_>, percpu: Truthy) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    if percpu.0 {
        let all = sysgauge::cpu_freq_percpu().py(py)?;
        let list = PyList::empty(py);
        for f in &all {
            list.append(scpufreq(py, reg, f)?)?;
        }
        return Ok(list.into_any());
    }
    match sysgauge::cpu_freq() {
        Ok(f) => scpufreq(py, reg, &f),
        Err(Error::Unsupported { .. }) => Ok(py.None().into_bound(py)),
        Err(e) => Err(e).py(py),
    }
}

/// psutil's `getloadavg()`: the 1, 5 and 15 minute load averages.
#[pyfunction]
pub(crate) fn getloadavg(py: Python<'_>) -> PyResult<(f64, f64, f64)> {
    sysgauge::getloadavg().py(py)
}

// --- memory -------------------------------------------------------------------------------

/// psutil's `virtual_memory()`.
#[pyfunction]
pub(crate) fn virtual_memory(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    let m = sysgauge::virtual_memory().py(py)?;
    let items = (
        m.total,
        m.available,
        m.percent,
        m.used,
        m.free,
        m.active,
        m.inactive,
        m.buffers,
        m.cached,
        m.shared,
        m.slab,
    )
        .into_pyobject(py)?;
    reg.make(py, &reg.svmem, items)
}

/// psutil's `swap_memory()`.
#[pyfunction]
pub(crate) fn swap_memory(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    let s = sysgauge::swap_memory().py(py)?;
    let items = (s.total, s.used, s.free, s.percent, s.sin, s.sout).into_pyobject(py)?;
    reg.make(py, &reg.sswap, items)
}

/// psutil's `heap_info()` as a plain `(heap_used, mmap_used)` tuple (the facade makes it a
/// `pheap`): this process's malloc statistics, bytes. `NotImplementedError` without glibc.
#[pyfunction]
pub(crate) fn heap_info(py: Python<'_>) -> PyResult<(u64, u64)> {
    let h = sysgauge::heap_info().py(py)?;
    Ok((h.heap_used, h.mmap_used))
}

/// psutil's `heap_trim()`: glibc's `malloc_trim(0)`, `True` when memory was given back.
#[pyfunction]
pub(crate) fn heap_trim(py: Python<'_>) -> PyResult<bool> {
    sysgauge::heap_trim().py(py)
}

// --- disks --------------------------------------------------------------------------------

/// psutil's `disk_partitions(all)`; device and mount point decoded as `os.fsdecode` does.
#[pyfunction]
#[pyo3(signature = (all = Truthy(false)), text_signature = "(all=False)")]
pub(crate) fn disk_partitions(py: Python<'_>, all: Truthy) -> PyResult<Bound<'_, PyList>> {
    let reg = Registry::get(py)?;
    let parts = sysgauge::disk_partitions(all.0).py(py)?;
    let list = PyList::empty(py);
    for p in parts {
        let items = (
            p.device.into_os_string(),
            p.mountpoint.into_os_string(),
            p.fstype,
            p.opts,
        )
            .into_pyobject(py)?;
        list.append(reg.make(py, &reg.sdiskpart, items)?)?;
    }
    Ok(list)
}

/// psutil's `disk_usage(path)` (`path` as `str`, `bytes` or path-like). The GIL is released
/// around `statvfs`, which can hang on a dead network mount.
#[pyfunction]
pub(crate) fn disk_usage(py: Python<'_>, path: FsPath) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    let u = py.detach(|| sysgauge::disk_usage(&path.0)).py(py)?;
    let items = (u.total, u.used, u.free, u.percent).into_pyobject(py)?;
    reg.make(py, &reg.sdiskusage, items)
}

/// The wrap-around memory of `disk_io_counters` (psutil's `_wrap_numbers` cache entry
/// `'psutil.disk_io_counters'`, shared by `perdisk=True` and `perdisk=False`).
static DISK_NOWRAP: Mutex<NoWrap<DiskIoCounters>> = Mutex::new(NoWrap::new());
/// The wrap-around memory of `net_io_counters`.
static NET_NOWRAP: Mutex<NoWrap<NetIoCounters>> = Mutex::new(NoWrap::new());

/// The field-by-field sum of `items`, wide enough never to saturate (psutil sums Python
/// ints, so a total past `u64::MAX` stays exact).
fn sum_counters<'a, T: Counters + 'a, const N: usize>(
    items: impl IntoIterator<Item = &'a T>,
) -> [u128; N] {
    let mut total = [0u128; N];
    for item in items {
        let mut item = item.clone();
        let mut i = 0;
        item.visit_counters(&mut |v| {
            if let Some(t) = total.get_mut(i) {
                *t += u128::from(*v);
            }
            i += 1;
        });
    }
    total
}

/// What `disk_io_counters` and `net_io_counters` share: with no device, `{}` per device or
/// `None` in all; else the counters (wrap-corrected by `memory` when given) by name, or
/// their field-by-field sum made into a tuple by `total`.
fn io_counters<'py, T: Counters, const N: usize>(
    py: Python<'py>,
    raw: Vec<(String, T)>,
    per_device: bool,
    memory: Option<&'static Mutex<NoWrap<T>>>,
    one: impl Fn(&T) -> PyResult<Bound<'py, PyAny>>,
    total: impl FnOnce([u128; N]) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    if raw.is_empty() {
        return Ok(if per_device {
            PyDict::new(py).into_any()
        } else {
            py.None().into_bound(py)
        });
    }
    // The dict keeps the kernel's order (psutil's); the wrap memory works on the map.
    let order: Vec<String> = raw.iter().map(|(name, _)| name.clone()).collect();
    let raw: BTreeMap<String, T> = raw.into_iter().collect();
    let counters = match memory {
        Some(m) => lock(m).apply(raw),
        None => raw,
    };
    if per_device {
        let dict = PyDict::new(py);
        for name in &order {
            if let Some(c) = counters.get(name) {
                dict.set_item(name, one(c)?)?;
            }
        }
        Ok(dict.into_any())
    } else {
        total(sum_counters(counters.values()))
    }
}

fn lock<T>(m: &'static Mutex<NoWrap<T>>) -> MutexGuard<'static, NoWrap<T>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn sdiskio<'py>(
    py: Python<'py>,
    reg: &Registry,
    d: &DiskIoCounters,
) -> PyResult<Bound<'py, PyAny>> {
    let items = (
        d.read_count,
        d.write_count,
        d.read_bytes,
        d.write_bytes,
        d.read_time,
        d.write_time,
        d.read_merged_count,
        d.write_merged_count,
        d.busy_time,
    )
        .into_pyobject(py)?;
    reg.make(py, &reg.sdiskio, items)
}

/// psutil's `disk_io_counters(perdisk, nowrap)`: the whole disks summed (`None` when there
/// is none), or every disk and partition by name (`{}` when none).
#[pyfunction]
#[pyo3(
    signature = (perdisk = Truthy(false), nowrap = Truthy(true)),
    text_signature = "(perdisk=False, nowrap=True)"
)]
pub(crate) fn disk_io_counters(
    py: Python<'_>,
    perdisk: Truthy,
    nowrap: Truthy,
) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    let raw = if perdisk.0 {
        sysgauge::disk_io_counters_raw_ordered()
    } else {
        sysgauge::disk_io_counters_raw_disks_ordered()
    }
    .py(py)?;
    io_counters::<_, 9>(
        py,
        raw,
        perdisk.0,
        nowrap.0.then_some(&DISK_NOWRAP),
        |d| sdiskio(py, reg, d),
        |total| reg.make(py, &reg.sdiskio, PyTuple::new(py, total)?),
    )
}

/// psutil's `disk_io_counters.cache_clear()`.
#[pyfunction]
pub(crate) fn disk_io_counters_cache_clear() {
    lock(&DISK_NOWRAP).reset();
}

// --- network ------------------------------------------------------------------------------

fn snetio<'py>(py: Python<'py>, reg: &Registry, n: &NetIoCounters) -> PyResult<Bound<'py, PyAny>> {
    let items = (
        n.bytes_sent,
        n.bytes_recv,
        n.packets_sent,
        n.packets_recv,
        n.errin,
        n.errout,
        n.dropin,
        n.dropout,
    )
        .into_pyobject(py)?;
    reg.make(py, &reg.snetio, items)
}

/// psutil's `net_io_counters(pernic, nowrap)`: all interfaces summed (`None` when there is
/// none), or each by name (`{}` when none).
#[pyfunction]
#[pyo3(
    signature = (pernic = Truthy(false), nowrap = Truthy(true)),
    text_signature = "(pernic=False, nowrap=True)"
)]
pub(crate) fn net_io_counters(
    py: Python<'_>,
    pernic: Truthy,
    nowrap: Truthy,
) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    let raw = sysgauge::net_io_counters_raw_ordered().py(py)?;
    io_counters::<_, 8>(
        py,
        raw,
        pernic.0,
        nowrap.0.then_some(&NET_NOWRAP),
        |n| snetio(py, reg, n),
        |total| reg.make(py, &reg.snetio, PyTuple::new(py, total)?),
    )
}

/// psutil's `net_io_counters.cache_clear()`.
#[pyfunction]
pub(crate) fn net_io_counters_cache_clear() {
    lock(&NET_NOWRAP).reset();
}

/// One end of a socket as psutil gives it: `addr(ip, port)`, `()` for none, or the unix
/// name decoded as `os.fsdecode` does (`""` for none).
fn conn_addr<'py>(py: Python<'py>, reg: &Registry, a: &ConnAddr) -> PyResult<Bound<'py, PyAny>> {
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

/// psutil's `net_connections(kind)` (`kind` checked by the Python wrapper; here an unknown
/// one is a `ValueError` too). The GIL is released while the sockets are listed.
#[pyfunction]
#[pyo3(signature = (kind = "inet"), text_signature = "(kind='inet')")]
pub(crate) fn net_connections<'py>(py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyList>> {
    let reg = Registry::get(py)?;
    let kind: sysgauge::ConnectionKind = kind.parse().py(py)?;
    let conns = py.detach(|| sysgauge::net_connections(kind)).py(py)?;
    let list = PyList::empty(py);
    for c in &conns {
        let items = (
            c.fd,
            reg.family(py, c.family.as_i32())?,
            reg.socket_type(py, c.socket_type.as_raw())?,
            conn_addr(py, reg, &c.laddr)?,
            conn_addr(py, reg, &c.raddr)?,
            c.status.as_str(),
            c.pid,
        )
            .into_pyobject(py)?;
        list.append(reg.make(py, &reg.sconn, items)?)?;
    }
    Ok(list)
}

/// psutil's `net_if_addrs()`: each interface's addresses, by family then kernel order.
#[pyfunction]
pub(crate) fn net_if_addrs(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let reg = Registry::get(py)?;
    let all = sysgauge::net_if_addrs_ordered().py(py)?;
    let dict = PyDict::new(py);
    for (name, addrs) in all {
        let list = PyList::empty(py);
        for a in addrs {
            let items = (
                reg.family(py, a.family.as_i32())?,
                a.address,
                a.netmask,
                a.broadcast,
                a.ptp,
            )
                .into_pyobject(py)?;
            list.append(reg.make(py, &reg.snicaddr, items)?)?;
        }
        dict.set_item(name, list)?;
    }
    Ok(dict)
}

/// psutil's `net_if_stats()`.
#[pyfunction]
pub(crate) fn net_if_stats(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let reg = Registry::get(py)?;
    let all = sysgauge::net_if_stats_ordered().py(py)?;
    let dict = PyDict::new(py);
    for (name, s) in all {
        let items = (
            s.isup,
            reg.duplex(py, s.duplex as u8),
            s.speed,
            s.mtu,
            s.flags,
        )
            .into_pyobject(py)?;
        dict.set_item(name, reg.make(py, &reg.snicstats, items)?)?;
    }
    Ok(dict)
}

// --- sensors ------------------------------------------------------------------------------

/// Builds `{name: [ntuple, ...]}` from a map of lists.
fn dict_of_lists<'py, T>(
    py: Python<'py>,
    map: BTreeMap<String, Vec<T>>,
    mut one: impl FnMut(T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, items) in map {
        let list = PyList::empty(py);
        for item in items {
            list.append(one(item)?)?;
        }
        dict.set_item(name, list)?;
    }
    Ok(dict)
}

/// psutil's `sensors_temperatures(fahrenheit)`. The GIL is released while `/sys` is read.
#[pyfunction]
#[pyo3(signature = (fahrenheit = Truthy(false)), text_signature = "(fahrenheit=False)")]
pub(crate) fn sensors_temperatures(
    py: Python<'_>,
    fahrenheit: Truthy,
) -> PyResult<Bound<'_, PyDict>> {
    let reg = Registry::get(py)?;
    let all = py
        .detach(|| sysgauge::sensors_temperatures(fahrenheit.0))
        .py(py)?;
    dict_of_lists(py, all, |t| {
        let items = (t.label, t.current, t.high, t.critical).into_pyobject(py)?;
        reg.make(py, &reg.shwtemp, items)
    })
}

/// psutil's `sensors_fans()`. The GIL is released while `/sys` is read.
#[pyfunction]
pub(crate) fn sensors_fans(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let reg = Registry::get(py)?;
    let all = py.detach(sysgauge::sensors_fans).py(py)?;
    dict_of_lists(py, all, |f| {
        reg.make(py, &reg.sfan, (f.label, f.current).into_pyobject(py)?)
    })
}

/// psutil's `sensors_battery()`: `None` without a battery; `secsleft` is seconds or one of
/// `POWER_TIME_UNKNOWN` / `POWER_TIME_UNLIMITED`.
#[pyfunction]
pub(crate) fn sensors_battery(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let reg = Registry::get(py)?;
    let Some(b) = py.detach(sysgauge::sensors_battery).py(py)? else {
        return Ok(py.None().into_bound(py));
    };
    let secsleft = match b.secsleft {
        SecsLeft::Unlimited => reg.power_time_unlimited.bind(py).clone(),
        SecsLeft::Unknown => reg.power_time_unknown.bind(py).clone(),
        SecsLeft::Seconds(s) => s.into_pyobject(py)?.into_any(),
    };
    let items = (b.percent, secsleft, b.power_plugged).into_pyobject(py)?;
    reg.make(py, &reg.sbattery, items)
}

// --- other --------------------------------------------------------------------------------

/// psutil's `boot_time()`, in seconds since the Epoch.
#[pyfunction]
pub(crate) fn boot_time(py: Python<'_>) -> PyResult<f64> {
    sysgauge::boot_time().py(py)
}

/// psutil's `users()`.
#[pyfunction]
pub(crate) fn users(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let reg = Registry::get(py)?;
    let all = sysgauge::users().py(py)?;
    let list = PyList::empty(py);
    for u in all {
        let items = (u.name, u.terminal, u.host, u.started, u.pid).into_pyobject(py)?;
        list.append(reg.make(py, &reg.suser, items)?)?;
    }
    Ok(list)
}

/// psutil's `pids()`: every process id, sorted.
#[pyfunction]
pub(crate) fn pids(py: Python<'_>) -> PyResult<Vec<i32>> {
    sysgauge::pids().py(py)
}

/// psutil's `pid_exists(pid)`: a process (not a thread) with this pid exists.
#[pyfunction]
pub(crate) fn pid_exists(pid: i64) -> bool {
    match i32::try_from(pid) {
        Ok(p) if p > 0 => sysgauge::pid_exists(p),
        _ => false,
    }
}

/// The procfs root in use (the value of `sysgauge.PROCFS_PATH`).
#[pyfunction]
pub(crate) fn procfs_path() -> std::ffi::OsString {
    sysgauge::procfs_path().into_os_string()
}

/// Sets the procfs root for every later call (what assigning `sysgauge.PROCFS_PATH` does).
#[pyfunction]
pub(crate) fn set_procfs_path(path: FsPath) {
    sysgauge::set_procfs_path(path.0);
}

/// The sysfs root in use (no psutil counterpart: psutil always reads `/sys`).
#[pyfunction]
pub(crate) fn _sysfs_path() -> std::ffi::OsString {
    sysgauge::Roots::current().sysfs().as_os_str().to_owned()
}

/// Sets the sysfs root for every later call (the tests point it at fixture trees).
#[pyfunction]
pub(crate) fn _set_sysfs_path(path: FsPath) {
    sysgauge::set_sysfs_path(path.0);
}

/// The utmp file `users()` reads (glibc's default, `/var/run/utmp`, unless set).
#[pyfunction]
pub(crate) fn _utmp_path() -> std::ffi::OsString {
    sysgauge::Roots::current().utmp().as_os_str().to_owned()
}

/// Sets the utmp file `users()` reads (the tests point it at a fixture file).
#[pyfunction]
pub(crate) fn _set_utmp_path(path: FsPath) {
    let roots = (*sysgauge::Roots::current()).clone().with_utmp(path.0);
    sysgauge::Roots::set_current(roots);
}
