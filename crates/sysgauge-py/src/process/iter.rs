//! psutil's `as_dict(attrs, ad_value)` and `process_iter(attrs, ad_value)`: attribute
//! values read in one oneshot per process and returned as one dict each, built here, so a
//! whole sweep is one crossing into Rust.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3::IntoPyObjectExt;
use sysgauge::{Attr, AttrValue, ConnectionKind, Error, MemoryType, Process};

use super::convert;
use super::{Known, ProcessHandle};
use crate::errors::{to_py, IntoPy};
use crate::registry::Registry;

/// psutil's attribute names as [`Attr`]s (the facade rejects unknown names first, with
/// psutil's message; this is the backstop).
pub(crate) fn parse_attrs(names: &[String]) -> PyResult<Vec<Attr>> {
    names
        .iter()
        .map(|n| {
            Attr::from_name(n)
                .ok_or_else(|| PyValueError::new_err(format!("invalid attr name {n:?}")))
        })
        .collect()
}

/// What reading one attribute gave.
enum Got<'py> {
    Value(Bound<'py, PyAny>),
    /// AccessDenied or ZombieProcess: `ad_value` stands in.
    Refused,
    /// This kernel cannot tell.
    Unsupported,
    /// The process is gone.
    Gone,
}

/// `r` converted by `conv`, or how it failed.
fn got<'py, T>(
    py: Python<'py>,
    r: sysgauge::Result<T>,
    conv: impl FnOnce(T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Got<'py>> {
    match r {
        Ok(v) => Ok(Got::Value(conv(v)?)),
        Err(Error::AccessDenied { .. } | Error::ZombieProcess { .. }) => Ok(Got::Refused),
        Err(Error::Unsupported { .. }) => Ok(Got::Unsupported),
        Err(Error::NoSuchProcess { .. }) => Ok(Got::Gone),
        Err(e) => Err(to_py(py, e)),
    }
}

/// A plain value as a Python object.
fn plain<'py, T: IntoPyObject<'py>>(
    py: Python<'py>,
) -> impl FnOnce(T) -> PyResult<Bound<'py, PyAny>> {
    move |v| v.into_bound_py_any(py)
}

/// The value of `attr` for `p` (from its sweep's fetched values when it has them), as
/// the getter of the same name returns it; what psutil's `Process` would remember of it
/// (name, start time, executable) goes to `known`.
fn fetch<'py>(
    py: Python<'py>,
    reg: &Registry,
    p: &Process,
    attr: Attr,
    known: &mut Known,
) -> PyResult<Got<'py>> {
    match attr {
        Attr::Pid => got(py, Ok(p.pid()), plain(py)),
        Attr::Name => got(py, p.name(), |n| {
            let v = n.as_os_str().into_bound_py_any(py);
            known.name = Some(n);
            v
        }),
        Attr::Ppid => got(py, p.ppid(), plain(py)),
        Attr::Status => got(py, p.status().map(|s| s.as_str()), plain(py)),
        Attr::Cmdline => got(py, p.cmdline(), plain(py)),
        Attr::CreateTime => match known.create_time {
            Some(t) => got(py, Ok(t), plain(py)),
            None => got(py, p.create_time(), |t| {
                known.create_time = Some(t);
                t.into_bound_py_any(py)
            }),
        },
        Attr::Exe => match &known.exe {
            Some(e) => got(py, Ok(e.as_os_str()), plain(py)),
            None => got(py, p.exe(), |e| {
                let v = e.as_os_str().into_bound_py_any(py);
                known.exe = Some(e);
                v
            }),
        },
        Attr::Environ => got(py, p.environ(), |e| convert::environ(py, &e)),
        Attr::Terminal => got(py, p.terminal(), |t| convert::opt_path(py, &t)),
        Attr::Cwd => got(py, p.cwd(), |c| c.into_os_string().into_bound_py_any(py)),
        Attr::Username => got(py, p.username(), plain(py)),
        Attr::Uids => got(py, p.uids(), |i| convert::ids(py, reg, &reg.puids, &i)),
        Attr::Gids => got(py, p.gids(), |i| convert::ids(py, reg, &reg.pgids, &i)),
        Attr::Nice => got(py, p.nice(), plain(py)),
        Attr::Ionice => got(py, p.ionice(), |n| convert::ionice(py, reg, &n)),
        Attr::CpuAffinity => got(py, p.cpu_affinity(), plain(py)),
        Attr::CpuNum => got(py, p.cpu_num(), plain(py)),
        Attr::NumThreads => got(py, p.num_threads(), plain(py)),
        Attr::Threads => got(py, p.threads(), |t| convert::threads(py, reg, &t)),
        Attr::NumFds => got(py, p.num_fds(), plain(py)),
        Attr::OpenFiles => got(py, p.open_files(), |f| convert::open_files(py, reg, &f)),
        Attr::NumCtxSwitches => got(py, p.num_ctx_switches(), |c| {
            convert::ctx_switches(py, reg, &c)
        }),
        Attr::IoCounters => got(py, p.io_counters(), |c| convert::io_counters(py, reg, &c)),
        Attr::CpuTimes => got(py, p.cpu_times(), |t| convert::cpu_times(py, reg, &t)),
        Attr::CpuPercent => got(py, p.cpu_percent(None), plain(py)),
        Attr::MemoryInfo => got(py, p.memory_info(), |m| convert::memory_info(py, reg, &m)),
        Attr::MemoryFullInfo => got(py, p.memory_full_info(), |m| {
            convert::memory_full_info(py, reg, &m)
        }),
        Attr::MemoryPercent => got(py, p.memory_percent(MemoryType::Rss), plain(py)),
        Attr::MemoryMaps => got(py, p.memory_maps(), |m| convert::memory_maps(py, reg, &m)),
        Attr::NetConnections => got(py, p.net_connections(ConnectionKind::Inet), |c| {
            convert::connections(py, reg, &c)
        }),
        // psutil 8.0's attributes: not in 7.2.2's as_dict (the facade refuses their names).
        other => Err(PyValueError::new_err(format!(
            "invalid attr name {:?}",
            other.name()
        ))),
    }
}

/// `{name: value}` for `attrs` of `p`, `ad_value` for refused ones; `None` when the
/// process is gone. An attribute this kernel lacks is an error if `asked`, else left out
/// (psutil's as_dict rule).
pub(crate) fn info_dict<'py>(
    py: Python<'py>,
    p: &Process,
    attrs: &[Attr],
    ad_value: &Bound<'py, PyAny>,
    asked: bool,
    known: &mut Known,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let reg = Registry::get(py)?;
    let dict = PyDict::new(py);
    for &attr in attrs {
        match fetch(py, reg, p, attr, known)? {
            Got::Value(v) => dict.set_item(attr.name(), v)?,
            Got::Refused => dict.set_item(attr.name(), ad_value)?,
            Got::Unsupported if asked => {
                return Err(to_py(
                    py,
                    Error::unsupported(format!("{} is not available on this system", attr.name())),
                ))
            }
            Got::Unsupported => {}
            Got::Gone => return Ok(None),
        }
    }
    Ok(Some(dict))
}

/// psutil's `process_iter(attrs, ad_value)` in one call: every running process in pid
/// order as `(handle, info)`, `info` holding `attrs` (checked by the facade) read in one
/// oneshot per process, or `None` when `attrs` is `None`. `asked`: the caller named the
/// attributes (an attribute this kernel lacks is then an error; the facade passes every
/// name with `asked` false for psutil's "all of them"). Processes that vanish during the
/// sweep are left out. The GIL is released while `/proc` is read.
#[pyfunction]
#[pyo3(signature = (attrs, ad_value = None, asked = true))]
pub(crate) fn process_iter<'py>(
    py: Python<'py>,
    attrs: Option<Vec<String>>,
    ad_value: Option<Bound<'py, PyAny>>,
    asked: bool,
) -> PyResult<Bound<'py, PyList>> {
    let want = match &attrs {
        Some(names) => parse_attrs(names)?,
        None => Vec::new(),
    };
    let procs: Vec<Process> = py
        .detach(|| sysgauge::process_iter(&want, AttrValue::None).map(Iterator::collect))
        .py(py)?;
    let ad_value = ad_value.unwrap_or_else(|| py.None().into_bound(py));
    let out = PyList::empty(py);
    for p in procs {
        let mut known = Known::default();
        let info = match attrs {
            Some(_) => match info_dict(py, &p, &want, &ad_value, asked, &mut known)? {
                Some(d) => d.into_any(),
                None => continue,
            },
            None => py.None().into_bound(py),
        };
        let handle = ProcessHandle::with_known(p.fresh(), known);
        out.append(PyTuple::new(
            py,
            [Bound::new(py, handle)?.into_any(), info],
        )?)?;
    }
    Ok(out)
}

/// psutil's `process_iter.cache_clear()` (the Rust half: the sweep's table).
#[pyfunction]
pub(crate) fn process_iter_cache_clear() {
    sysgauge::process_iter_cache_clear();
}
