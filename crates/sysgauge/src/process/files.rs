//! What a process has open or runs as: psutil's `exe`, `environ`, `terminal`,
//! `open_files` and `threads`.

#[allow(unused_imports)]
use super::Process;

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
