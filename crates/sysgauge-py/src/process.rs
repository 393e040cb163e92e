//! Processes: the Rust half of the facade's `Process` class, and `process_iter`, which
//! reads the requested attributes of every process in one call.
//!
//! The facade's `Process` (a normal Python class) holds a [`ProcessHandle`]: a
//! `sysgauge::Process`, i.e. a pid plus its start time, so every getter checks that the pid
//! still names the same process (`NoSuchProcess` otherwise).

use std::sync::OnceLock;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3::IntoPyObjectExt;
use sysgauge::{Attr, AttrValue, Error, Process};

use crate::errors::{to_py, IntoPy};

/// One process, as the facade's `Process` holds it.
///
/// A handle made by [`process_iter`] carries the values that sweep fetched; its getters
/// must not answer from them later (psutil's methods always read anew), so they go to a
/// plain `Process` for the same pid and start time, made on first use.
#[pyclass(module = "sysgauge._sysgauge", frozen)]
pub(crate) struct ProcessHandle {
    /// The process as opened, or as the sweep left it (with its fetched values).
    opened: Process,
    /// Whether `opened` came from a sweep.
    swept: bool,
    /// The plain process behind a swept handle.
    plain: OnceLock<Process>,
}

impl ProcessHandle {
    /// The process to read now: never the sweep's fetched values.
    fn live(&self, py: Python<'_>) -> PyResult<&Process> {
        if !self.swept {
            return Ok(&self.opened);
        }
        if let Some(p) = self.plain.get() {
            return Ok(p);
        }
        let pid = self.opened.pid();
        let p = match Process::new(pid) {
            Ok(p) if p == self.opened => p,
            Ok(_) => {
                return Err(to_py(py, Error::NoSuchProcess { pid, name: None }));
            }
            Err(e) => return Err(to_py(py, e)),
        };
        Ok(self.plain.get_or_init(|| p))
    }
}

#[pymethods]
impl ProcessHandle {
    /// Opens the process `pid` (`NoSuchProcess` when there is none).
    #[new]
    fn new(py: Python<'_>, pid: i32) -> PyResult<Self> {
        Ok(ProcessHandle {
            opened: Process::new(pid).py(py)?,
            swept: false,
            plain: OnceLock::new(),
        })
    }

    #[getter]
    fn pid(&self) -> i32 {
        self.opened.pid()
    }

    fn name(&self, py: Python<'_>) -> PyResult<std::ffi::OsString> {
        self.live(py)?.name().py(py)
    }

    fn ppid(&self, py: Python<'_>) -> PyResult<i32> {
        self.live(py)?.ppid().py(py)
    }

    fn status(&self, py: Python<'_>) -> PyResult<&'static str> {
        Ok(self.live(py)?.status().py(py)?.as_str())
    }

    fn cmdline(&self, py: Python<'_>) -> PyResult<Vec<std::ffi::OsString>> {
        self.live(py)?.cmdline().py(py)
    }

    fn create_time(&self, py: Python<'_>) -> PyResult<f64> {
        self.live(py)?.create_time().py(py)
    }

    /// True while the pid still names this process (a zombie included).
    fn is_running(&self) -> bool {
        self.opened.is_running()
    }

    /// psutil's `as_dict(attrs, ad_value)` for attribute names the facade has checked:
    /// read within one oneshot; a refused attribute (AccessDenied, ZombieProcess) gets
    /// `ad_value`; one this kernel lacks is an error if `asked`, else left out.
    fn as_dict<'py>(
        &self,
        py: Python<'py>,
        attrs: Vec<String>,
        ad_value: Bound<'py, PyAny>,
        asked: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let attrs = parse_attrs(&attrs)?;
        let p = self.live(py)?;
        match p.oneshot(|p| info_dict(py, p, &attrs, &ad_value, asked))? {
            Some(d) => Ok(d),
            None => Err(to_py(
                py,
                Error::NoSuchProcess {
                    pid: p.pid(),
                    name: None,
                },
            )),
        }
    }

    /// Same process: same pid and start time (psutil's `__eq__`).
    fn __eq__(&self, other: &Self) -> bool {
        self.opened == other.opened
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        self.opened.hash(&mut h);
        h.finish()
    }
}

/// psutil's attribute names as [`Attr`]s (the facade rejects unknown names first, with
/// psutil's message; this is the backstop).
fn parse_attrs(names: &[String]) -> PyResult<Vec<Attr>> {
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

fn got<'py, T: IntoPyObject<'py>>(py: Python<'py>, r: sysgauge::Result<T>) -> PyResult<Got<'py>> {
    match r {
        Ok(v) => Ok(Got::Value(v.into_bound_py_any(py)?)),
        Err(Error::AccessDenied { .. } | Error::ZombieProcess { .. }) => Ok(Got::Refused),
        Err(Error::Unsupported { .. }) => Ok(Got::Unsupported),
        Err(Error::NoSuchProcess { .. }) => Ok(Got::Gone),
        Err(e) => Err(to_py(py, e)),
    }
}

/// The value of `attr` for `p` (from its sweep's fetched values when it has them).
fn fetch<'py>(py: Python<'py>, p: &Process, attr: Attr) -> PyResult<Got<'py>> {
    match attr {
        Attr::Pid => got(py, Ok(p.pid())),
        Attr::Name => got(py, p.name()),
        Attr::Ppid => got(py, p.ppid()),
        Attr::Status => got(py, p.status().map(|s| s.as_str())),
        Attr::Cmdline => got(py, p.cmdline()),
        Attr::CreateTime => got(py, p.create_time()),
        other => Err(pyo3::exceptions::PyNotImplementedError::new_err(format!(
            "sysgauge: the {:?} attribute is not available from Python yet",
            other.name()
        ))),
    }
}

/// `{name: value}` for `attrs` of `p`, `ad_value` for refused ones; `None` when the
/// process is gone.
fn info_dict<'py>(
    py: Python<'py>,
    p: &Process,
    attrs: &[Attr],
    ad_value: &Bound<'py, PyAny>,
    asked: bool,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let dict = PyDict::new(py);
    for &attr in attrs {
        match fetch(py, p, attr)? {
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
/// oneshot per process, or `None` when `attrs` is `None`. Processes that vanish during the
/// sweep are left out. The GIL is released while `/proc` is read.
#[pyfunction]
#[pyo3(signature = (attrs, ad_value = None))]
pub(crate) fn process_iter<'py>(
    py: Python<'py>,
    attrs: Option<Vec<String>>,
    ad_value: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let want = match &attrs {
        Some(names) => parse_attrs(names)?,
        None => Vec::new(),
    };
    let procs: Vec<Process> = py
        .detach(|| sysgauge::process_iter(&want, AttrValue::None).map(Iterator::collect))
        .py(py)?;
    let ad_value = ad_value.unwrap_or_else(|| py.None().into_bound(py));
    // As psutil's as_dict(attrs): with no attribute named (all of them), one this kernel
    // cannot give is left out rather than an error.
    let asked = !want.is_empty();
    let out = PyList::empty(py);
    for p in procs {
        let info = match attrs {
            Some(_) => match info_dict(py, &p, &want, &ad_value, asked)? {
                Some(d) => d.into_any(),
                None => continue,
            },
            None => py.None().into_bound(py),
        };
        let handle = ProcessHandle {
            opened: p,
            swept: true,
            plain: OnceLock::new(),
        };
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
