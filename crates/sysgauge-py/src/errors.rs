//! sysgauge's [`Error`] as the Python exception psutil raises in the same case.
//!
//! | Rust | Python |
//! |---|---|
//! | `NoSuchProcess` | `sysgauge.NoSuchProcess(pid, name)` |
//! | `ZombieProcess` | `sysgauge.ZombieProcess(pid, name, ppid)` |
//! | `AccessDenied` with a pid | `sysgauge.AccessDenied(pid)` |
//! | `AccessDenied` of a file, no pid | `PermissionError(EACCES, ..., path)`, as `open()` raises |
//! | `TimeoutExpired` | `sysgauge.TimeoutExpired(seconds, pid)` |
//! | `Unsupported` | `NotImplementedError` |
//! | `InvalidArgument` | `ValueError` |
//! | `Io` | `OSError(errno, strerror, path)`, so `FileNotFoundError` & co. |
//! | `Parse` | `RuntimeError("path: what")` |

use std::path::Path;

use pyo3::exceptions::{PyNotImplementedError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use sysgauge::Error;

use crate::registry::Registry;

/// The Python exception for `e`.
pub(crate) fn to_py(py: Python<'_>, e: Error) -> PyErr {
    match build(py, e) {
        Ok(err) | Err(err) => err,
    }
}

/// `map_err(to_py)` for a sysgauge result.
pub(crate) trait IntoPy<T> {
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for sysgauge::Result<T> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}

fn instance(py: Python<'_>, cls: &Py<PyAny>, args: Bound<'_, PyTuple>) -> PyResult<PyErr> {
    Ok(PyErr::from_value(cls.bind(py).call1(args)?))
}

fn os_error(py: Python<'_>, errno: i32, path: Option<&Path>) -> PyResult<PyErr> {
    let strerror: String = py
        .import("os")?
        .call_method1("strerror", (errno,))?
        .extract()?;
    Ok(match path {
        Some(p) => PyOSError::new_err((errno, strerror, p.as_os_str().to_owned())),
        None => PyOSError::new_err((errno, strerror)),
    })
}

fn build(py: Python<'_>, e: Error) -> PyResult<PyErr> {
    let reg = Registry::get(py)?;
    match e {
        Error::NoSuchProcess { pid, name } => {
            let args = (pid, name).into_pyobject(py)?;
            instance(py, &reg.no_such_process, args)
        }
        Error::ZombieProcess { pid, name, ppid } => {
            let args = (pid, name, ppid).into_pyobject(py)?;
            instance(py, &reg.zombie_process, args)
        }
        Error::AccessDenied {
            pid: None,
            path: Some(path),
        } => os_error(py, EACCES, Some(&path)),
        Error::AccessDenied { pid, .. } => {
            instance(py, &reg.access_denied, (pid,).into_pyobject(py)?)
        }
        Error::TimeoutExpired { seconds, pid } => {
            instance(py, &reg.timeout_expired, (seconds, pid).into_pyobject(py)?)
        }
        Error::Unsupported { what } => Ok(PyNotImplementedError::new_err(what)),
        Error::InvalidArgument(what) => Ok(PyValueError::new_err(what)),
        Error::Io { path, source } => match source.raw_os_error() {
            Some(errno) => os_error(py, errno, Some(&path)),
            None => Ok(PyOSError::new_err(format!("{}: {source}", path.display()))),
        },
        other => Ok(PyRuntimeError::new_err(other.to_string())),
    }
}

/// The errno `open()` fails with on a file the caller may not read (Linux's EACCES).
const EACCES: i32 = 13;
