//! Processes: [`Process`], [`pids`] and [`pid_exists`] (psutil's `Process` class and its
//! module functions).
//!
//! A [`Process`] is identified by its pid **and** its start time, so a pid that the kernel
//! has given to a new process is detected ([`Process::is_running`] is then false).
//! Every getter opens `/proc/<pid>` once and reads the files it needs relative to that open
//! directory (`openat`), so one call never mixes data from two processes. Names and command
//! lines are raw bytes ([`OsString`]).

use std::ffi::OsString;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::platform::imp::process as backend;
use crate::roots::Roots;

/// The pids of all running processes, sorted (psutil's `pids()`), from the numeric entries
/// of `/proc`. Threads are not listed.
///
/// ```no_run
/// let pids = sysgauge::pids()?;
/// assert!(pids.contains(&(std::process::id() as i32)));
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn pids() -> Result<Vec<i32>> {
    backend::pids(&Roots::current())
}

/// True when a process (not merely a thread) with this pid exists (psutil's
/// `pid_exists()`): `kill(pid, 0)` finds it and the `Tgid` of `/proc/<pid>/status` is the
/// pid itself. Pid 0 and negative pids do not exist (psutil 7.2.2 answers the same on Linux).
pub fn pid_exists(pid: i32) -> bool {
    backend::pid_exists(&Roots::current(), pid)
}

/// A process state, as psutil names them (`STATUS_*`), from the state letter of
/// `/proc/<pid>/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `R`: running or runnable.
    Running,
    /// `S`: interruptible sleep.
    Sleeping,
    /// `D`: uninterruptible (disk) sleep.
    DiskSleep,
    /// `T`: stopped by a signal.
    Stopped,
    /// `t`: stopped by a tracer.
    TracingStop,
    /// `Z`: exited, not yet reaped by its parent.
    Zombie,
    /// `X` or `x`: dead.
    Dead,
    /// `K`: wake-kill (Linux 2.6.33 to 3.13).
    WakeKill,
    /// `W`: waking (Linux 2.6.33 to 3.13) or paging (before 2.6).
    Waking,
    /// `I`: idle kernel thread (Linux 4.14+).
    Idle,
    /// `P`: parked (Linux 3.9 to 3.13).
    Parked,
    /// A letter psutil does not know; psutil reports it as `"?"`.
    Unknown(u8),
}

impl Status {
    /// psutil's string for this state (`"running"`, `"sleeping"`, ..., `"?"` for unknown).
    pub fn as_str(self) -> &'static str {
        use crate::consts::*;
        match self {
            Status::Running => STATUS_RUNNING,
            Status::Sleeping => STATUS_SLEEPING,
            Status::DiskSleep => STATUS_DISK_SLEEP,
            Status::Stopped => STATUS_STOPPED,
            Status::TracingStop => STATUS_TRACING_STOP,
            Status::Zombie => STATUS_ZOMBIE,
            Status::Dead => STATUS_DEAD,
            Status::WakeKill => STATUS_WAKE_KILL,
            Status::Waking => STATUS_WAKING,
            Status::Idle => STATUS_IDLE,
            Status::Parked => STATUS_PARKED,
            Status::Unknown(_) => "?",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A process's CPU times, in seconds (psutil's `pcputimes` on Linux), from the tick counts
/// of `/proc/<pid>/stat` divided by `CLK_TCK`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ProcessCpuTimes {
    /// Time in user mode (`utime`).
    pub user: f64,
    /// Time in kernel mode (`stime`).
    pub system: f64,
    /// User time of waited-for children (`cutime`).
    pub children_user: f64,
    /// Kernel time of waited-for children (`cstime`).
    pub children_system: f64,
    /// Time blocked waiting for block I/O (`delayacct_blkio_ticks`; 0 where the kernel does
    /// not account it).
    pub iowait: f64,
}

/// A process's memory, in bytes (psutil's `pmem` on Linux): the fields of
/// `/proc/<pid>/statm` times the page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MemoryInfo {
    /// Resident set size (`resident`; `RES` in top).
    pub rss: u64,
    /// Virtual memory size (`size`; `VIRT` in top).
    pub vms: u64,
    /// Resident pages backed by files or shared memory (`shared`; `SHR` in top).
    pub shared: u64,
    /// Text (code) (`text`; `CODE` in top).
    pub text: u64,
    /// Library (`lib`; always 0 since Linux 2.6).
    pub lib: u64,
    /// Data plus stack (`data`; `DATA` in top).
    pub data: u64,
    /// Dirty pages (`dt`; always 0 since Linux 2.6).
    pub dirty: u64,
}

/// Real, effective and saved ids of a process (psutil's `puids` and `pgids`), from the
/// `Uid:` or `Gid:` line of `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Ids {
    /// The real id.
    pub real: u32,
    /// The effective id (the one permission checks use).
    pub effective: u32,
    /// The saved set-id.
    pub saved: u32,
}

/// Context switches since the process started (psutil's `pctxsw`), from
/// `voluntary_ctxt_switches` and `nonvoluntary_ctxt_switches` of `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct NumCtxSwitches {
    /// Switches because the process waited for something.
    pub voluntary: u64,
    /// Switches because the scheduler preempted it.
    pub involuntary: u64,
}

/// A process's I/O since it started (psutil's `pio` on Linux), from `/proc/<pid>/io`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ProcessIoCounters {
    /// Read system calls (`syscr`).
    pub read_count: u64,
    /// Write system calls (`syscw`).
    pub write_count: u64,
    /// Bytes fetched from storage (`read_bytes`).
    pub read_bytes: u64,
    /// Bytes sent to storage (`write_bytes`).
    pub write_bytes: u64,
    /// Bytes passed to read-like calls, cache hits included (`rchar`).
    pub read_chars: u64,
    /// Bytes passed to write-like calls (`wchar`).
    pub write_chars: u64,
}

/// A process: a pid plus the start time that tells it apart from a later process given the
/// same pid. Cheap to clone; holds no file descriptor.
///
/// ```no_run
/// let me = sysgauge::Process::current()?;
/// println!("{:?} {} {}", me.name()?, me.status()?, me.memory_info()?.rss);
/// # Ok::<(), sysgauge::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Process {
    pid: i32,
    /// `starttime` of `/proc/<pid>/stat`: clock ticks after boot.
    start_ticks: u64,
    roots: Arc<Roots>,
}

impl PartialEq for Process {
    /// Two processes are equal when they have the same pid and start time (psutil's
    /// `__eq__`).
    fn eq(&self, other: &Self) -> bool {
        self.pid == other.pid && self.start_ticks == other.start_ticks
    }
}

impl Eq for Process {}

impl std::hash::Hash for Process {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.pid, self.start_ticks).hash(state);
    }
}

impl Process {
    /// The process with this pid, as it is now. Errors: [`Error::InvalidArgument`] for a
    /// negative pid, [`Error::NoSuchProcess`] when no such process exists.
    pub fn new(pid: i32) -> Result<Process> {
        Process::new_at(Roots::current(), pid)
    }

    /// The process with this pid under the given roots (e.g. a host's `/proc` seen from a
    /// container).
    pub fn new_at(roots: Arc<Roots>, pid: i32) -> Result<Process> {
        if pid < 0 {
            return Err(Error::InvalidArgument(format!(
                "pid must be a positive integer (got {pid})"
            )));
        }
        let s = backend::stat(&roots, pid)?;
        Ok(Process {
            pid,
            start_ticks: s.starttime,
            roots,
        })
    }

    /// The calling process.
    pub fn current() -> Result<Process> {
        Process::new(std::process::id() as i32)
    }

    /// The pid.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// `/proc/<pid>/stat`, if the pid still belongs to this process.
    fn stat(&self) -> Result<backend::StatInfo> {
        backend::stat_same(&self.roots, self.pid, self.start_ticks)
    }

    /// True while the process exists and its pid has not been given to another process
    /// (psutil's `is_running()`; a zombie is still running).
    pub fn is_running(&self) -> bool {
        self.stat().is_ok()
    }

    /// The parent's pid (`ppid` of `/proc/<pid>/stat`).
    pub fn ppid(&self) -> Result<i32> {
        Ok(self.stat()?.ppid)
    }

    /// The process name: `comm` of `/proc/<pid>/stat`, or, when the kernel cut it at 15
    /// bytes, the base name of `cmdline[0]` if that starts with it (psutil's rule).
    pub fn name(&self) -> Result<OsString> {
        backend::name(&self.roots, self.pid, self.start_ticks)
    }

    /// The command line, one raw argument each, split as psutil splits
    /// `/proc/<pid>/cmdline` (on NULs, or on spaces for processes that rewrote it that way);
    /// empty for kernel threads; [`Error::ZombieProcess`] for a zombie.
    pub fn cmdline(&self) -> Result<Vec<OsString>> {
        backend::cmdline(&self.roots, self.pid, self.start_ticks)
    }

    /// The state (psutil's `status()`).
    pub fn status(&self) -> Result<Status> {
        Ok(backend::status_of(self.stat()?.state))
    }

    /// When the process started, in seconds since the Epoch: `starttime` / `CLK_TCK` + boot
    /// time (psutil's formula; follows changes of the wall clock as boot time does).
    pub fn create_time(&self) -> Result<f64> {
        backend::create_time(&self.roots, self.start_ticks)
    }

    /// The number of threads (`num_threads` of `/proc/<pid>/stat`).
    pub fn num_threads(&self) -> Result<u64> {
        let n = self.stat()?.num_threads;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// CPU times in seconds, from `/proc/<pid>/stat`.
    pub fn cpu_times(&self) -> Result<ProcessCpuTimes> {
        backend::cpu_times(&self.stat()?)
    }

    /// Memory sizes in bytes, from `/proc/<pid>/statm`.
    pub fn memory_info(&self) -> Result<MemoryInfo> {
        backend::memory_info(&self.roots, self.pid, self.start_ticks)
    }

    /// The working directory (`/proc/<pid>/cwd`), raw bytes; empty when the kernel gives
    /// none for a living process. [`Error::AccessDenied`] for other users' processes when
    /// not root.
    pub fn cwd(&self) -> Result<std::path::PathBuf> {
        backend::cwd(&self.roots, self.pid, self.start_ticks)
    }

    /// The number of open file descriptors (entries of `/proc/<pid>/fd`).
    pub fn num_fds(&self) -> Result<usize> {
        backend::num_fds(&self.roots, self.pid, self.start_ticks)
    }

    /// Real, effective and saved user ids (`Uid:` of `/proc/<pid>/status`).
    pub fn uids(&self) -> Result<Ids> {
        backend::uids(&self.roots, self.pid, self.start_ticks)
    }

    /// Real, effective and saved group ids (`Gid:` of `/proc/<pid>/status`).
    pub fn gids(&self) -> Result<Ids> {
        backend::gids(&self.roots, self.pid, self.start_ticks)
    }

    /// The name of the real user, from the password database (NSS, as `getpwuid(3)`), or
    /// the uid as text when it has no entry (psutil's `username()`).
    pub fn username(&self) -> Result<OsString> {
        backend::user_name(self.uids()?.real)
    }

    /// Voluntary and involuntary context switches (`/proc/<pid>/status`).
    pub fn num_ctx_switches(&self) -> Result<NumCtxSwitches> {
        backend::num_ctx_switches(&self.roots, self.pid, self.start_ticks)
    }

    /// I/O counters (`/proc/<pid>/io`). [`Error::AccessDenied`] for other users'
    /// processes unless root; [`Error::Unsupported`] on kernels without I/O accounting.
    pub fn io_counters(&self) -> Result<ProcessIoCounters> {
        backend::io_counters(&self.roots, self.pid, self.start_ticks)
    }

    /// The nice value, -20 (most favoured) to 19, from `getpriority(2)`.
    pub fn nice(&self) -> Result<i32> {
        backend::nice(&self.roots, self.pid, self.start_ticks)
    }

    /// The CPU the process last ran on (`processor` of `/proc/<pid>/stat`).
    pub fn cpu_num(&self) -> Result<i32> {
        backend::cpu_num(&self.roots, self.pid, self.start_ticks)
    }
}
