//! Arguments taken as psutil takes them.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// A flag taken by truth value, as psutil's `if percpu:` does (`percpu=1` works, not only
/// `True`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Truthy(pub bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Truthy {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        obj.is_truthy().map(Truthy)
    }
}

/// A path given as `str` (encoded with the filesystem encoding and surrogateescape, as
/// `os.fsencode`), `bytes`, or an `os.PathLike`.
#[derive(Debug, Clone)]
pub(crate) struct FsPath(pub PathBuf);

impl<'a, 'py> FromPyObject<'a, 'py> for FsPath {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyString>() {
            return Ok(FsPath(obj.extract::<PathBuf>()?));
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(FsPath(PathBuf::from(OsStr::from_bytes(b.as_bytes()))));
        }
        // An os.PathLike (or anything os.fspath accepts, raising its TypeError otherwise).
        let path = obj.py().import("os")?.call_method1("fspath", (obj,))?;
        if let Ok(b) = path.cast::<PyBytes>() {
            return Ok(FsPath(PathBuf::from(OsStr::from_bytes(b.as_bytes()))));
        }
        Ok(FsPath(path.extract::<PathBuf>()?))
    }
}
