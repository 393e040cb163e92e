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
use crate::platform::imp::process::Target;
use crate::roots::Roots;

mod attrs;
mod connections;
mod control;
mod cpu_percent;
mod files;
mod iter;
mod limits;
mod memory;
mod tree;

pub use attrs::{Attr, AttrValue, ProcessDict};
pub use control::{wait_procs, Exit};
pub use files::{OpenFile, ThreadTimes};
pub use iter::{process_iter, process_iter_cache_clear, ProcessIter, Processes};
pub use limits::{IoClass, IoNice};
pub use memory::{
    MapCounters, MemoryFootprint, MemoryFullInfo, MemoryInfoEx, MemoryMap, MemoryMapGrouped,
    MemoryType, PageFaults,
};
pub use tree::{ProcessTable, TableEntry};

use attrs::{AttrType, Kept, Prefetched};

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
/// same pid. Cheap to clone; holds no file descriptor (but inside [`Process::oneshot`]).
/// `Send + Sync`: one `Process` can be read from several threads.
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
    /// The files read once, inside [`Process::oneshot`].
    cache: Option<Arc<backend::Cache>>,
    /// The values [`crate::process_iter`] fetched last.
    prefetched: Option<Arc<Prefetched>>,
    /// The last sample of [`Process::cpu_percent`], shared by the clones of this process
    /// (so a process kept by [`crate::process_iter`] compares with its previous sweep).
    cpu_last: Arc<std::sync::Mutex<Option<CpuSample>>>,
}

/// One sample for [`Process::cpu_percent`]: when it was taken and how much CPU the
/// process had used by then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CpuSample {
    /// Monotonic clock, in seconds, times the number of logical CPUs (psutil's
    /// `timer() * num_cpus`).
    pub(crate) wall_cpus: f64,
    /// The process's user + system time, in seconds.
    pub(crate) busy: f64,
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
            cache: None,
            prefetched: None,
            cpu_last: Arc::default(),
        })
    }

    /// A process just opened by [`backend::open_new`]: its directory handle serves the
    /// first oneshot (then is dropped with it).
    pub(crate) fn from_open(
        roots: Arc<Roots>,
        pid: i32,
        dir: crate::platform::imp::fs::PidDir,
        stat: backend::StatInfo,
    ) -> Process {
        Process {
            pid,
            start_ticks: stat.starttime,
            roots,
            cache: Some(Arc::new(backend::Cache::with_dir(dir, stat))),
            prefetched: None,
            cpu_last: Arc::default(),
        }
    }

    /// The process known by `pid` and `start_ticks` (from a table read just before).
    pub(crate) fn from_ident(roots: Arc<Roots>, pid: i32, start_ticks: u64) -> Process {
        Process {
            pid,
            start_ticks,
            roots,
            cache: None,
            prefetched: None,
            cpu_last: Arc::default(),
        }
    }

    /// The calling process.
    pub fn current() -> Result<Process> {
        Process::new(std::process::id() as i32)
    }

    /// The pid.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// What the backend needs to read this process: roots, pid, start time and the
    /// oneshot's cache.
    pub(crate) fn target(&self) -> Target<'_> {
        Target {
            roots: &self.roots,
            pid: self.pid,
            start: self.start_ticks,
            cache: self.cache.as_deref(),
        }
    }

    /// The roots this process is read under.
    pub(crate) fn roots(&self) -> &Arc<Roots> {
        &self.roots
    }

    /// `starttime` of `/proc/<pid>/stat`: the identity that tells this process apart from
    /// a later one with the same pid.
    pub(crate) fn start_ticks(&self) -> u64 {
        self.start_ticks
    }

    /// The value [`crate::process_iter`] fetched for `attr`, if it did (a refusal comes
    /// back as the same error, without a new read); else `read` on this process.
    pub(crate) fn serve<T: AttrType>(
        &self,
        attr: Attr,
        read: impl FnOnce(&Target) -> Result<T>,
    ) -> Result<T> {
        if let Some(kept) = self.serve_kept(attr) {
            if let Some(x) = T::from_attr(&kept?) {
                return Ok(x);
            }
        }
        read(&self.target())
    }

    /// The prefetched value of `attr`, or its refusal, if [`crate::process_iter`] kept one.
    pub(crate) fn serve_kept(&self, attr: Attr) -> Option<Result<AttrValue>> {
        let pre = self.prefetched.as_ref()?;
        Some(match pre.get(attr)? {
            Kept::Value(v) => Ok(v.clone()),
            Kept::Denied => Err(Error::AccessDenied {
                pid: Some(self.pid),
                path: None,
            }),
            Kept::Zombie => Err(Error::ZombieProcess {
                pid: self.pid,
                name: None,
                ppid: None,
            }),
        })
    }

    /// Runs `f` on a view of this process in which `stat`, `status`, `statm`,
    /// `smaps_rollup`, `smaps` and `cmdline` are each read at most once, and `/proc/<pid>` is opened
    /// and checked once (psutil's `oneshot()`): getters that share a file cost one read.
    /// The view is valid only inside `f` (the directory handle is closed when `f`
    /// returns); it may be shared with threads that `f` scopes. Nested calls reuse the
    /// outer view.
    ///
    /// ```no_run
    /// let p = sysgauge::Process::current()?;
    /// let (name, ppid, rss) = p.oneshot(|p| -> sysgauge::Result<_> {
    ///     Ok((p.name()?, p.ppid()?, p.memory_info()?.rss))
    /// })?;
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn oneshot<R>(&self, f: impl FnOnce(&Process) -> R) -> R {
        if self.cache.is_some() {
            return f(self);
        }
        let view = Process {
            cache: Some(Arc::new(backend::Cache::default())),
            ..self.clone()
        };
        f(&view)
    }

    /// The same process (pid and start time) with nothing kept: outside any oneshot and
    /// without the values a [`crate::process_iter`] sweep fetched, so every getter reads
    /// anew. It still shares [`Process::cpu_percent`]'s last sample with `self`.
    pub fn fresh(&self) -> Process {
        self.with_prefetched(None)
    }

    /// This process with the values `prefetched` attached (for [`crate::process_iter`]).
    pub(crate) fn with_prefetched(&self, prefetched: Option<Prefetched>) -> Process {
        Process {
            prefetched: prefetched.map(Arc::new),
            cache: None,
            ..self.clone()
        }
    }

    /// True while the process exists and its pid has not been given to another process
    /// (psutil's `is_running()`; a zombie is still running). Never served from a
    /// prefetch or a oneshot: it always looks.
    pub fn is_running(&self) -> bool {
        backend::stat_same(&self.roots, self.pid, self.start_ticks).is_ok()
    }

    /// The parent's pid (`ppid` of `/proc/<pid>/stat`).
    pub fn ppid(&self) -> Result<i32> {
        self.serve(Attr::Ppid, |t| Ok(t.stat()?.ppid))
    }

    /// The process name: `comm` of `/proc/<pid>/stat`, or, when the kernel cut it at 15
    /// bytes, the base name of `cmdline[0]` if that starts with it (psutil's rule).
    pub fn name(&self) -> Result<OsString> {
        self.serve(Attr::Name, backend::name)
    }

    /// The command line, one raw argument each, split as psutil splits
    /// `/proc/<pid>/cmdline` (on NULs, or on spaces for processes that rewrote it that way);
    /// empty for kernel threads; [`Error::ZombieProcess`] for a zombie.
    pub fn cmdline(&self) -> Result<Vec<OsString>> {
        self.serve(Attr::Cmdline, backend::cmdline)
    }

    /// The state (psutil's `status()`).
    pub fn status(&self) -> Result<Status> {
        self.serve(Attr::Status, |t| Ok(backend::status_of(t.stat()?.state)))
    }

    /// When the process started, in seconds since the Epoch: `starttime` / `CLK_TCK` + boot
    /// time (psutil's formula; follows changes of the wall clock as boot time does).
    pub fn create_time(&self) -> Result<f64> {
        self.serve(Attr::CreateTime, |t| {
            backend::create_time(t.roots, self.start_ticks)
        })
    }

    /// The number of threads (`num_threads` of `/proc/<pid>/stat`).
    pub fn num_threads(&self) -> Result<u64> {
        self.serve(Attr::NumThreads, |t| {
            Ok(u64::try_from(t.stat()?.num_threads).unwrap_or(0))
        })
    }

    /// CPU times in seconds, from `/proc/<pid>/stat`.
    pub fn cpu_times(&self) -> Result<ProcessCpuTimes> {
        self.serve(Attr::CpuTimes, |t| backend::cpu_times(&*t.stat()?))
    }

    /// Memory sizes in bytes, from `/proc/<pid>/statm`.
    pub fn memory_info(&self) -> Result<MemoryInfo> {
        self.serve(Attr::MemoryInfo, backend::memory_info)
    }

    /// The working directory (`/proc/<pid>/cwd`), raw bytes; empty when the kernel gives
    /// none for a living process. [`Error::AccessDenied`] for other users' processes when
    /// not root.
    pub fn cwd(&self) -> Result<std::path::PathBuf> {
        self.serve(Attr::Cwd, backend::cwd)
    }

    /// The number of open file descriptors (entries of `/proc/<pid>/fd`).
    pub fn num_fds(&self) -> Result<usize> {
        self.serve(Attr::NumFds, backend::num_fds)
    }

    /// Real, effective and saved user ids (`Uid:` of `/proc/<pid>/status`).
    pub fn uids(&self) -> Result<Ids> {
        self.serve(Attr::Uids, backend::uids)
    }

    /// Real, effective and saved group ids (`Gid:` of `/proc/<pid>/status`).
    pub fn gids(&self) -> Result<Ids> {
        self.serve(Attr::Gids, backend::gids)
    }

    /// The name of the real user, from the password database (NSS, as `getpwuid(3)`), or
    /// the uid as text when it has no entry (psutil's `username()`).
    pub fn username(&self) -> Result<OsString> {
        self.serve(Attr::Username, |_| backend::user_name(self.uids()?.real))
    }

    /// Voluntary and involuntary context switches (`/proc/<pid>/status`).
    pub fn num_ctx_switches(&self) -> Result<NumCtxSwitches> {
        self.serve(Attr::NumCtxSwitches, backend::num_ctx_switches)
    }

    /// I/O counters (`/proc/<pid>/io`). [`Error::AccessDenied`] for other users'
    /// processes unless root; [`Error::Unsupported`] on kernels without I/O accounting.
    pub fn io_counters(&self) -> Result<ProcessIoCounters> {
        self.serve(Attr::IoCounters, backend::io_counters)
    }

    /// The nice value, -20 (most favoured) to 19, from `getpriority(2)`.
    pub fn nice(&self) -> Result<i32> {
        self.serve(Attr::Nice, backend::nice)
    }

    /// The CPU the process last ran on (`processor` of `/proc/<pid>/stat`).
    pub fn cpu_num(&self) -> Result<i32> {
        self.serve(Attr::CpuNum, backend::cpu_num)
    }
}
