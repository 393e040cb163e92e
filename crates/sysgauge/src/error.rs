//! The one error type of sysgauge.
//!
//! psutil raises `NoSuchProcess`, `ZombieProcess`, `AccessDenied` and `TimeoutExpired`;
//! sysgauge returns them as variants of [`Error`], next to [`Error::Unsupported`] (what
//! Linux cannot provide) and I/O or parse failures that name the file and what was wrong.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A `Result` whose error is sysgauge's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a sysgauge call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The process does not exist any more (or never did, or its pid was reused).
    #[error("process no longer exists (pid={pid}{})", name_suffix(.name))]
    NoSuchProcess {
        /// The pid that was asked about.
        pid: i32,
        /// The process name, when it was known before the process vanished.
        name: Option<OsString>,
    },
    /// The process is a zombie: it has exited but its parent has not reaped it yet.
    #[error("process still exists but it's a zombie (pid={pid}{})", name_suffix(.name))]
    ZombieProcess {
        /// The zombie's pid.
        pid: i32,
        /// The process name, when known.
        name: Option<OsString>,
        /// The parent pid, when known.
        ppid: Option<i32>,
    },
    /// The kernel refused the operation (EACCES or EPERM).
    #[error("access denied{}{}", pid_suffix(*.pid), path_suffix(.path))]
    AccessDenied {
        /// The pid concerned, for process calls.
        pid: Option<i32>,
        /// The file that could not be read, when the refusal came from a file.
        path: Option<PathBuf>,
    },
    /// A wait ran out of time.
    #[error("timeout after {seconds} seconds{}", pid_suffix(*.pid))]
    TimeoutExpired {
        /// The timeout that expired, in seconds.
        seconds: f64,
        /// The pid waited for, if any.
        pid: Option<i32>,
    },
    /// This kernel or machine does not provide the value (psutil would raise
    /// `NotImplementedError` or leave the function out).
    #[error("unsupported: {what}")]
    Unsupported {
        /// What is not available, and why.
        what: String,
    },
    /// An argument was out of range or not recognised.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// An I/O error on a named file.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory the error came from.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A file's content could not be parsed.
    #[error("{}: {what}", .path.display())]
    Parse {
        /// The file whose content was wrong.
        path: PathBuf,
        /// What was wrong in it.
        what: String,
    },
}

fn name_suffix(name: &Option<OsString>) -> String {
    match name {
        Some(n) => format!(", name={:?}", n),
        None => String::new(),
    }
}

fn pid_suffix(pid: Option<i32>) -> String {
    match pid {
        Some(p) => format!(" (pid={p})"),
        None => String::new(),
    }
}

fn path_suffix(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => format!(" ({})", p.display()),
        None => String::new(),
    }
}

impl Error {
    /// An [`Error::Io`] for `path`; EACCES and EPERM become [`Error::AccessDenied`].
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        if source.kind() == io::ErrorKind::PermissionDenied {
            return Error::AccessDenied {
                pid: None,
                path: Some(path),
            };
        }
        Error::Io { path, source }
    }

    /// An [`Error::Unsupported`] saying what is missing.
    pub fn unsupported(what: impl Into<String>) -> Self {
        Error::Unsupported { what: what.into() }
    }

    /// True for an I/O error whose cause is "no such file or directory".
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// What a pure parser found wrong in its input; the caller adds the file name with
/// [`ParseError::at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// A short description of what was wrong.
    pub what: String,
}

impl ParseError {
    /// A parse error with the given description.
    pub fn new(what: impl Into<String>) -> Self {
        ParseError { what: what.into() }
    }

    /// Turns this into an [`Error::Parse`] naming `path`.
    pub fn at(self, path: &Path) -> Error {
        Error::Parse {
            path: path.to_path_buf(),
            what: self.what,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

impl std::error::Error for ParseError {}
