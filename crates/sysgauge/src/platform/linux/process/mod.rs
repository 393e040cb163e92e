//! The Linux backend of [`crate::process`]: every call opens `<procfs>/<pid>` once
//! ([`PidDir`]) and reads the files it needs relative to it, so one call never mixes two
//! processes that had the same pid.
//!
//! Every getter takes a [`Target`]: the process (roots, pid, start time) plus, inside
//! `Process::oneshot`, a [`Cache`] that keeps the verified directory handle and the
//! contents of `stat`, `status`, `statm`, `smaps_rollup`, `smaps` and `cmdline` for the rest of the
//! oneshot, so each of those files is read once however many getters use it.

use std::borrow::Cow;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::sync::OnceLock;

use crate::error::{Error, ParseError, Result};
use crate::platform::linux::cpu::clock_ticks;
use crate::platform::linux::fs::{self, PidDir};
use crate::platform::linux::host;
use crate::platform::linux::parse::{pid_cmdline, pid_io, pid_stat, pid_statm, pid_status};
use crate::platform::linux::sys::process as sys;
use crate::process::{Ids, MemoryInfo, NumCtxSwitches, ProcessCpuTimes, ProcessIoCounters, Status};
use crate::roots::Roots;

pub(crate) mod control;
mod files;
pub(crate) mod limits;
mod memory;
pub(crate) use files::{environ, exe, open_files, terminal, threads};
pub(crate) use memory::{
    memory_footprint, memory_full_info, memory_info_ex, memory_maps, memory_maps_ungrouped,
    memory_percent, memory_percent_of, page_faults, total_memory,
};

/// The pids of `<procfs>`: its entries whose names are decimal numbers, sorted (psutil's
/// `pids()`; thread ids are not listed there).
pub(crate) fn pids(roots: &Roots) -> Result<Vec<i32>> {
    let mut out: Vec<i32> = fs::list_dir(roots.procfs())?
        .iter()
        .filter_map(|name| {
            let b = name.as_bytes();
            if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(b).ok()?.parse().ok()
        })
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// psutil's `pid_exists` on Linux: `kill(pid, 0)` must not answer `ESRCH` (`EPERM` means
/// it exists), and the pid must be a process, not a thread: the `Tgid` of
/// `<procfs>/<pid>/status` equals the pid. When `status` cannot be read, the pid exists if
/// `<procfs>` lists it. So pid 0 does not exist (no `/proc/0`), as psutil answers on Linux.
pub(crate) fn pid_exists(roots: &Roots, pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    match sys::send_signal(pid, 0) {
        Ok(()) | Err(Error::AccessDenied { .. }) => {}
        Err(_) => return false,
    }
    match PidDir::open(roots, pid)
        .and_then(|d| d.with_file("status", |data| Ok(pid_status::pid_status(data)?.tgid)))
    {
        Ok(Some(tgid)) => tgid == pid,
        Ok(None) | Err(_) => pids(roots).is_ok_and(|all| all.binary_search(&pid).is_ok()),
    }
}

/// What the identity and most getters need from `<pid>/stat`, copied out of the buffer.
#[derive(Debug, Clone)]
pub(crate) struct StatInfo {
    pub(crate) comm: OsString,
    pub(crate) state: u8,
    pub(crate) ppid: i32,
    pub(crate) tty_nr: i32,
    pub(crate) minflt: u64,
    pub(crate) majflt: u64,
    pub(crate) utime: u64,
    pub(crate) stime: u64,
    pub(crate) cutime: i64,
    pub(crate) cstime: i64,
    pub(crate) num_threads: i64,
    pub(crate) starttime: u64,
    pub(crate) blkio_ticks: u64,
    pub(crate) processor: Option<i32>,
}

fn stat_info(dir: &PidDir) -> Result<StatInfo> {
    dir.with_file("stat", |data| {
        let s = pid_stat::pid_stat(data)?;
        Ok(StatInfo {
            comm: OsString::from(std::ffi::OsStr::from_bytes(s.comm)),
            state: s.state,
            ppid: s.ppid,
            tty_nr: s.tty_nr,
            minflt: s.minflt,
            majflt: s.majflt,
            utime: s.utime,
            stime: s.stime,
            cutime: s.cutime,
            cstime: s.cstime,
            num_threads: s.num_threads,
            starttime: s.starttime,
            blkio_ticks: s.delayacct_blkio_ticks.unwrap_or(0),
            processor: s.processor,
        })
    })
}

/// Opens `<procfs>/<pid>` and reads its `stat`: the first step of a new [`Process`].
///
/// [`Process`]: crate::Process
pub(crate) fn open_new(roots: &Roots, pid: i32) -> Result<(PidDir, StatInfo)> {
    let dir = PidDir::open(roots, pid)?;
    let s = stat_info(&dir)?;
    Ok((dir, s))
}

/// `<pid>/stat` of `pid`, read through a freshly opened directory.
pub(crate) fn stat(roots: &Roots, pid: i32) -> Result<StatInfo> {
    stat_info(&PidDir::open(roots, pid)?)
}

/// Opens `<procfs>/<pid>` and checks, through that directory, that it still belongs to the
/// process that started at `start` ticks. Every later read through the returned directory
/// then comes from that process (a process that exits makes them fail, it never lets
/// another process's files through). [`Error::NoSuchProcess`] when the pid is gone or
/// reused.
pub(crate) fn open_same(roots: &Roots, pid: i32, start: u64) -> Result<(PidDir, StatInfo)> {
    let dir = PidDir::open(roots, pid)?;
    let s = stat_info(&dir)?;
    if s.starttime != start {
        return Err(Error::NoSuchProcess { pid, name: None });
    }
    Ok((dir, s))
}

/// `<pid>/stat` of the process that started at `start` ticks.
pub(crate) fn stat_same(roots: &Roots, pid: i32, start: u64) -> Result<StatInfo> {
    Ok(open_same(roots, pid, start)?.1)
}

/// The files a oneshot keeps after their first read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cached {
    /// `<pid>/status`.
    Status,
    /// `<pid>/statm`.
    Statm,
    /// `<pid>/smaps_rollup`.
    SmapsRollup,
    /// `<pid>/smaps`.
    Smaps,
    /// `<pid>/cmdline` (read by `name` and `cmdline`).
    Cmdline,
}

impl Cached {
    fn file_name(self) -> &'static str {
        match self {
            Cached::Status => "status",
            Cached::Statm => "statm",
            Cached::SmapsRollup => "smaps_rollup",
            Cached::Smaps => "smaps",
            Cached::Cmdline => "cmdline",
        }
    }
}

/// What `Process::oneshot` keeps for the duration of its closure: the directory handle
/// (verified once to belong to the process), the parsed `stat`, and the bytes of the
/// [`Cached`] files. Filled on first use, from any thread (`OnceLock`); a failed read is
/// not kept, so it is tried again (and fails again) on the next use.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    dir: OnceLock<(PidDir, StatInfo)>,
    status: OnceLock<Vec<u8>>,
    statm: OnceLock<Vec<u8>>,
    smaps_rollup: OnceLock<Vec<u8>>,
    smaps: OnceLock<Vec<u8>>,
    cmdline: OnceLock<Vec<u8>>,
}

impl Cache {
    /// A cache whose directory is already opened and checked (by a caller that just read
    /// its `stat`).
    pub(crate) fn with_dir(dir: PidDir, stat: StatInfo) -> Cache {
        let c = Cache::default();
        let _ = c.dir.set((dir, stat));
        c
    }

    fn slot(&self, which: Cached) -> &OnceLock<Vec<u8>> {
        match which {
            Cached::Status => &self.status,
            Cached::Statm => &self.statm,
            Cached::SmapsRollup => &self.smaps_rollup,
            Cached::Smaps => &self.smaps,
            Cached::Cmdline => &self.cmdline,
        }
    }
}

/// A directory handle of a [`Target`]: the oneshot's, or one opened for this call.
pub(crate) enum DirRef<'a> {
    /// The oneshot's handle.
    Cached(&'a PidDir),
    /// Opened for this call; closed when dropped.
    Owned(PidDir),
}

impl std::ops::Deref for DirRef<'_> {
    type Target = PidDir;
    fn deref(&self) -> &PidDir {
        match self {
            DirRef::Cached(d) => d,
            DirRef::Owned(d) => d,
        }
    }
}

/// The process a backend call is about: pid and start time (its identity) under `roots`,
/// with the oneshot's [`Cache`] when there is one.
#[derive(Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) roots: &'a Roots,
    pub(crate) pid: i32,
    /// `starttime` of `<pid>/stat`, in clock ticks after boot.
    pub(crate) start: u64,
    pub(crate) cache: Option<&'a Cache>,
}

impl<'a> Target<'a> {
    /// The process's directory, checked to belong to it (see [`open_same`]), and its
    /// `stat`. Inside a oneshot, the first call opens and checks; later calls reuse both
    /// (borrowed, not copied).
    pub(crate) fn open(&self) -> Result<(DirRef<'a>, Cow<'a, StatInfo>)> {
        let Some(cache) = self.cache else {
            let (dir, s) = open_same(self.roots, self.pid, self.start)?;
            return Ok((DirRef::Owned(dir), Cow::Owned(s)));
        };
        if cache.dir.get().is_none() {
            let opened = open_same(self.roots, self.pid, self.start)?;
            // Another thread may have won the race: either handle is as good.
            let _ = cache.dir.set(opened);
        }
        match cache.dir.get() {
            Some((dir, s)) => Ok((DirRef::Cached(dir), Cow::Borrowed(s))),
            None => Err(Error::NoSuchProcess {
                pid: self.pid,
                name: None,
            }),
        }
    }

    /// Runs `f(pid)`, a read that names the process by pid only (`getpriority(2)`,
    /// `ioprio_get(2)`...), and confirms afterwards that the pid still belonged to this
    /// process, so that the answer was about it: [`Error::NoSuchProcess`] when it is gone
    /// or its pid reused (that check's error wins over `f`'s).
    ///
    /// Outside a oneshot the check reads `stat` anew ([`stat_same`]: opens `<pid>`, reads
    /// `stat`). Inside one it uses the oneshot's directory handle, opened and checked
    /// against the start time before `f` runs: if that handle's process is still there
    /// after `f` ([`PidDir::alive`], one lookup), it was there throughout, so the pid named
    /// it when `f` ran.
    pub(crate) fn observe<T>(&self, f: impl FnOnce(i32) -> Result<T>) -> Result<T> {
        if self.cache.is_none() {
            let r = f(self.pid);
            stat_same(self.roots, self.pid, self.start)?;
            return r;
        }
        let dir = self.dir()?;
        let r = f(self.pid);
        dir.alive()?;
        r
    }

    /// The checked directory alone.
    pub(crate) fn dir(&self) -> Result<DirRef<'a>> {
        Ok(self.open()?.0)
    }

    /// `<pid>/stat` (read once per oneshot).
    pub(crate) fn stat(&self) -> Result<Cow<'a, StatInfo>> {
        Ok(self.open()?.1)
    }

    /// Parses one of the [`Cached`] files with `parse`: read through the checked directory,
    /// and inside a oneshot read only the first time.
    pub(crate) fn with_cached<T>(
        &self,
        which: Cached,
        parse: impl FnOnce(&[u8]) -> std::result::Result<T, ParseError>,
    ) -> Result<T> {
        let dir = self.dir()?;
        let name = which.file_name();
        let Some(cache) = self.cache else {
            return dir.with_file(name, parse);
        };
        let slot = cache.slot(which);
        if slot.get().is_none() {
            let bytes = dir.with_file(name, |d| Ok(d.to_vec()))?;
            let _ = slot.set(bytes);
        }
        match slot.get() {
            Some(bytes) => parse(bytes).map_err(|e| e.at(&dir.path_of(name))),
            None => Err(Error::NoSuchProcess {
                pid: self.pid,
                name: None,
            }),
        }
    }

    /// Parses `<pid>/status` and hands the fields to `f` (with the file's path, for
    /// errors).
    pub(crate) fn with_status<T>(
        &self,
        f: impl FnOnce(&pid_status::PidStatus<'_>, &std::path::Path) -> Result<T>,
    ) -> Result<T> {
        let path = self.roots.proc(format!("{}/status", self.pid));
        // The parsed status borrows the bytes, so `f` runs inside the read.
        let mut out = None;
        self.with_cached(Cached::Status, |data| {
            let st = pid_status::pid_status(data)?;
            out = Some(f(&st, &path));
            Ok(())
        })?;
        out.unwrap_or_else(|| Err(Error::unsupported("status was not parsed")))
    }

    /// [`Error::ZombieProcess`] when `stat` says the process is a zombie.
    pub(crate) fn raise_if_zombie(&self) -> Result<()> {
        let s = self.stat()?;
        if s.state == b'Z' {
            return Err(zombie(self.pid, s.into_owned()));
        }
        Ok(())
    }
}

/// [`Error::ZombieProcess`] for `pid`, named from its `stat`.
pub(crate) fn zombie(pid: i32, s: StatInfo) -> Error {
    Error::ZombieProcess {
        pid,
        name: Some(s.comm),
        ppid: Some(s.ppid),
    }
}

/// psutil's status names for the state letters of `stat`.
pub(crate) fn status_of(state: u8) -> Status {
    match state {
        b'R' => Status::Running,
        b'S' => Status::Sleeping,
        b'D' => Status::DiskSleep,
        b'T' => Status::Stopped,
        b't' => Status::TracingStop,
        b'Z' => Status::Zombie,
        b'X' | b'x' => Status::Dead,
        b'K' => Status::WakeKill,
        b'W' => Status::Waking,
        b'I' => Status::Idle,
        b'P' => Status::Parked,
        other => Status::Unknown(other),
    }
}

/// The command line of `<pid>/cmdline` (psutil's splitting rules); an empty file is
/// [`Error::ZombieProcess`] for a zombie and an empty list otherwise (kernel threads).
pub(crate) fn cmdline(t: &Target) -> Result<Vec<OsString>> {
    let s = t.stat()?;
    let args = t.with_cached(Cached::Cmdline, |d| Ok(pid_cmdline::cmdline(d)))?;
    if args.is_empty() && s.state == b'Z' {
        return Err(zombie(t.pid, s.into_owned()));
    }
    Ok(args)
}

/// psutil's `name()`: `comm` from `stat`; when it is 15 bytes or more (the kernel cuts it
/// there), the base name of `cmdline[0]` if that starts with it. A command line that cannot
/// be read (refused, zombie) leaves the cut name.
pub(crate) fn name(t: &Target) -> Result<OsString> {
    let comm = t.stat()?.into_owned().comm;
    if comm.len() < 15 {
        return Ok(comm);
    }
    let args = match t.with_cached(Cached::Cmdline, |d| Ok(pid_cmdline::cmdline(d))) {
        Ok(a) => a,
        Err(Error::AccessDenied { .. } | Error::ZombieProcess { .. }) => return Ok(comm),
        Err(e) => return Err(e),
    };
    if let Some(first) = args.first() {
        let base = first
            .as_bytes()
            .rsplit(|&b| b == b'/')
            .next()
            .unwrap_or_default();
        if base.starts_with(comm.as_bytes()) {
            return Ok(OsString::from(std::ffi::OsStr::from_bytes(base)));
        }
    }
    Ok(comm)
}

/// Seconds since the Epoch when the process started: `starttime` (clock ticks after boot)
/// / `CLK_TCK` + boot time, psutil's formula.
pub(crate) fn create_time(roots: &Roots, starttime: u64) -> Result<f64> {
    create_time_from(starttime, host::boot_time(roots)?)
}

/// The same with the boot time (seconds since the Epoch) already known.
pub(crate) fn create_time_from(starttime: u64, boot_time: f64) -> Result<f64> {
    Ok(starttime as f64 / clock_ticks()? + boot_time)
}

/// The boot time in seconds since the Epoch (see [`host::boot_time`]).
pub(crate) fn boot_time(roots: &Roots) -> Result<f64> {
    host::boot_time(roots)
}

/// CPU times in seconds from the tick counts of `stat`.
pub(crate) fn cpu_times(s: &StatInfo) -> Result<ProcessCpuTimes> {
    let hz = clock_ticks()?;
    Ok(ProcessCpuTimes {
        user: s.utime as f64 / hz,
        system: s.stime as f64 / hz,
        children_user: s.cutime as f64 / hz,
        children_system: s.cstime as f64 / hz,
        iowait: s.blkio_ticks as f64 / hz,
    })
}

/// Page count × page size, or a parse error naming `file` on overflow.
pub(crate) fn pages_to_bytes(t: &Target, file: &str, pages: u64) -> Result<u64> {
    let page = rustix::param::page_size() as u64;
    pages.checked_mul(page).ok_or_else(|| Error::Parse {
        path: t.roots.proc(format!("{}/{file}", t.pid)),
        what: "page count overflows bytes".into(),
    })
}

/// psutil's `memory_info()`: the seven `statm` counts × the page size, in bytes.
pub(crate) fn memory_info(t: &Target) -> Result<MemoryInfo> {
    let m = t.with_cached(Cached::Statm, pid_statm::pid_statm)?;
    let bytes = |pages: u64| pages_to_bytes(t, "statm", pages);
    Ok(MemoryInfo {
        rss: bytes(m.resident)?,
        vms: bytes(m.size)?,
        shared: bytes(m.shared)?,
        text: bytes(m.text)?,
        lib: bytes(m.lib)?,
        data: bytes(m.data)?,
        dirty: bytes(m.dirty)?,
    })
}

/// A link of the pid directory as psutil's `readlink` reads it: cut at the first NUL, and
/// without a ` (deleted)` suffix when the path without it does not exist. A link that
/// cannot be read while the process's directory is still there gives `fallback` (after the
/// zombie check), as psutil's `_readlink` does.
pub(crate) fn read_pid_link(
    t: &Target,
    name: &str,
    fallback: Option<std::path::PathBuf>,
) -> Result<std::path::PathBuf> {
    let dir = t.dir()?;
    match dir.read_link(name) {
        Ok(target) => Ok(clean_link(target)),
        Err(Error::NoSuchProcess { .. }) if fs::exists(&t.roots.proc(t.pid.to_string())) => {
            t.raise_if_zombie()?;
            fallback.ok_or(Error::NoSuchProcess {
                pid: t.pid,
                name: None,
            })
        }
        Err(e) => Err(e),
    }
}

/// psutil's clean-up of a `/proc` link target.
pub(crate) fn clean_link(target: std::path::PathBuf) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let mut bytes = target.into_os_string().into_vec();
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        bytes.truncate(nul);
    }
    const DELETED: &[u8] = b" (deleted)";
    if bytes.ends_with(DELETED) {
        let kept = bytes.len() - DELETED.len();
        let full = std::path::Path::new(std::ffi::OsStr::from_bytes(&bytes));
        // psutil's `path_exists_strict`: a `stat` that follows links.
        if !fs::exists(full) {
            bytes.truncate(kept);
        }
    }
    std::path::PathBuf::from(OsString::from_vec(bytes))
}

/// The working directory (`<pid>/cwd`); empty when the kernel gives none but the process
/// exists (psutil's fallback).
pub(crate) fn cwd(t: &Target) -> Result<std::path::PathBuf> {
    read_pid_link(t, "cwd", Some(std::path::PathBuf::new()))
}

/// The number of open file descriptors: the entries of `<pid>/fd`. Listed by path, not
/// through a [`PidDir`], so that for the calling process the count is psutil's: only the
/// listing's own descriptor is added, not the directory handle's too.
pub(crate) fn num_fds(t: &Target) -> Result<usize> {
    let pid = t.pid;
    let path = t.roots.proc(format!("{pid}/fd"));
    let n = fs::list_dir(&path)
        .map(|names| names.len())
        .map_err(|e| match e {
            Error::Io { path, source } => fs::pid_error(pid, &path, source),
            other => other,
        })?;
    // Listed by path, so confirm afterwards that the pid was still this process.
    stat_same(t.roots, pid, t.start)?;
    Ok(n)
}

pub(crate) fn missing(path: &std::path::Path, what: &str) -> Error {
    Error::Parse {
        path: path.to_path_buf(),
        what: format!("no {what} line"),
    }
}

fn ids(i: &pid_status::Ids) -> Ids {
    Ids {
        real: i.real,
        effective: i.effective,
        saved: i.saved,
    }
}

/// Real, effective and saved user ids (the `Uid:` line of `<pid>/status`).
pub(crate) fn uids(t: &Target) -> Result<Ids> {
    t.with_status(|st, path| st.uid.as_ref().map(ids).ok_or_else(|| missing(path, "Uid")))
}

/// Real, effective and saved group ids (the `Gid:` line of `<pid>/status`).
pub(crate) fn gids(t: &Target) -> Result<Ids> {
    t.with_status(|st, path| st.gid.as_ref().map(ids).ok_or_else(|| missing(path, "Gid")))
}

/// The user name of `uid` from the password database (NSS), or the number as text when
/// it has no entry, as psutil's `username()` gives it.
pub(crate) fn user_name(uid: u32) -> Result<OsString> {
    Ok(crate::platform::linux::sys::passwd::user_name(uid)?
        .unwrap_or_else(|| OsString::from(uid.to_string())))
}

/// Voluntary and involuntary context switches (`<pid>/status`); [`Error::Unsupported`] on
/// kernels older than 2.6.23, which lack the lines.
pub(crate) fn num_ctx_switches(t: &Target) -> Result<NumCtxSwitches> {
    t.with_status(
        |st, path| match (st.voluntary_ctxt_switches, st.nonvoluntary_ctxt_switches) {
            (Some(voluntary), Some(involuntary)) => Ok(NumCtxSwitches {
                voluntary,
                involuntary,
            }),
            _ => Err(Error::unsupported(format!(
                "no context switch counts in {} (kernel older than 2.6.23)",
                path.display()
            ))),
        },
    )
}

/// I/O counters from `<pid>/io`. Without the file (a kernel built without
/// `CONFIG_TASK_IO_ACCOUNTING`) the call is [`Error::Unsupported`], as psutil leaves
/// `io_counters` out there.
pub(crate) fn io_counters(t: &Target) -> Result<ProcessIoCounters> {
    let dir = t.dir()?;
    match dir.with_file("io", pid_io::pid_io) {
        Ok(io) => Ok(ProcessIoCounters {
            read_count: io.syscr,
            write_count: io.syscw,
            read_bytes: io.read_bytes,
            write_bytes: io.write_bytes,
            read_chars: io.rchar,
            write_chars: io.wchar,
        }),
        Err(Error::NoSuchProcess { .. }) if !fs::exists(&t.roots.proc("self/io")) => Err(
            Error::unsupported("per-process I/O accounting (no /proc/<pid>/io on this kernel)"),
        ),
        Err(e) => Err(e),
    }
}

/// The nice value from `getpriority(2)` (psutil's source), -20 to 19; asked by pid, so
/// confirmed afterwards to come from the process that started at `start`
/// ([`Target::observe`]: inside a oneshot through its directory handle, with no new open).
///
/// Not field 19 (`nice`) of the oneshot's parsed `stat`, although for the thread-group
/// leader that `getpriority(PRIO_PROCESS, pid)` asks about it is the same number: that
/// `stat` was read when the oneshot began, so `nice()` would then miss a change made
/// meanwhile (by `set_nice` in the same oneshot, or by another program), whereas psutil
/// always asks the kernel. The identity check was the costly part (an open and a read of
/// `stat`); the syscall itself is cheap.
pub(crate) fn nice(t: &Target) -> Result<i32> {
    t.observe(sys::get_nice)
}

/// The CPU the process last ran on (`processor` of `<pid>/stat`).
pub(crate) fn cpu_num(t: &Target) -> Result<i32> {
    let s = t.stat()?;
    s.processor.ok_or_else(|| Error::Parse {
        path: t.roots.proc(format!("{}/stat", t.pid)),
        what: "no processor field".into(),
    })
}
