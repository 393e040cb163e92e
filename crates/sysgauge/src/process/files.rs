//! What a process has open or runs as: psutil's `exe`, `environ`, `terminal`,
//! `open_files` and `threads`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use super::{Attr, Process};
use crate::error::Result;
use crate::platform::imp::process as backend;

/// A regular file the process has open (psutil's `popenfile` on Linux), from
/// `/proc/<pid>/fd/<fd>` and `/proc/<pid>/fdinfo/<fd>`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenFile {
    /// The file's absolute path, raw bytes (` (deleted)` handled as psutil does).
    #[serde(serialize_with = "super::attrs::lossy_path")]
    pub path: std::path::PathBuf,
    /// The file descriptor.
    pub fd: i32,
    /// The file offset, in bytes (`pos` of fdinfo).
    pub position: u64,
    /// The open mode as `open()` would take it: `"r"`, `"w"`, `"a"`, `"r+"`, `"a+"`.
    pub mode: String,
    /// The `open(2)` flags (`flags` of fdinfo, octal there).
    pub flags: i32,
}

/// CPU times of one thread (psutil's `pthread`), in seconds, from
/// `/proc/<pid>/task/<tid>/stat`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ThreadTimes {
    /// The thread id.
    pub id: i32,
    /// Time in user mode.
    pub user_time: f64,
    /// Time in kernel mode.
    pub system_time: f64,
}

impl Process {
    /// The executable as an absolute path, raw bytes (psutil's `exe()`), from the
    /// `/proc/<pid>/exe` link; a deleted executable is reported under its old path (the
    /// kernel's ` (deleted)` suffix removed). Empty for kernel threads. When the link is
    /// refused or empty, `cmdline[0]` stands in if it is an absolute path to an executable
    /// file (psutil's guess). [`Error::ZombieProcess`](crate::Error::ZombieProcess) for a
    /// zombie.
    ///
    /// ```no_run
    /// let exe = sysgauge::Process::current()?.exe()?;
    /// assert_eq!(exe, std::env::current_exe().unwrap());
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn exe(&self) -> Result<PathBuf> {
        self.serve(Attr::Exe, backend::exe)
    }

    /// The environment the process was started with (`/proc/<pid>/environ`; later
    /// `setenv` calls are not seen), names and values as raw bytes (psutil's `environ()`).
    /// Empty for kernel threads; [`Error::ZombieProcess`](crate::Error::ZombieProcess) for
    /// a zombie; [`Error::AccessDenied`](crate::Error::AccessDenied) for other users'
    /// processes unless privileged.
    ///
    /// ```no_run
    /// let env = sysgauge::Process::current()?.environ()?;
    /// println!("PATH={:?}", env.get(std::ffi::OsStr::new("PATH")));
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn environ(&self) -> Result<BTreeMap<OsString, OsString>> {
        self.serve(Attr::Environ, backend::environ)
    }

    /// The controlling terminal's path (psutil's `terminal()`): the `/dev/tty*` or
    /// `/dev/pts/*` device whose number is `tty_nr` of `/proc/<pid>/stat`; `None` when the
    /// process has no terminal or its device is not found there.
    ///
    /// ```no_run
    /// if let Some(tty) = sysgauge::Process::current()?.terminal()? {
    ///     println!("on {}", tty.display());
    /// }
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn terminal(&self) -> Result<Option<PathBuf>> {
        self.serve(Attr::Terminal, backend::terminal)
    }

    /// The regular files the process has open (psutil's `open_files()`): for each
    /// `/proc/<pid>/fd/<n>` link naming an existing regular file by absolute path, the
    /// path, descriptor, offset and flags (`/proc/<pid>/fdinfo/<n>`) and the `open()`
    /// mode. Sockets, pipes, devices, directories and deleted files are not listed.
    ///
    /// ```no_run
    /// for f in sysgauge::Process::current()?.open_files()? {
    ///     println!("{} {} {} at {}", f.fd, f.mode, f.path.display(), f.position);
    /// }
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn open_files(&self) -> Result<Vec<OpenFile>> {
        self.serve(Attr::OpenFiles, backend::open_files)
    }

    /// Every thread's id and CPU times in seconds (psutil's `threads()`), from
    /// `/proc/<pid>/task/<tid>/stat`, ordered as psutil orders them (thread ids sorted as
    /// text). Threads that exit during the call are left out.
    ///
    /// ```no_run
    /// let threads = sysgauge::Process::current()?.threads()?;
    /// assert!(threads.iter().any(|t| t.id == std::process::id() as i32));
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn threads(&self) -> Result<Vec<ThreadTimes>> {
        self.serve(Attr::Threads, backend::threads)
    }
}
