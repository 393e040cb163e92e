//! Syscalls that act on one process, for `Process`'s setters and actions: signals
//! (`kill(2)`, `pidfd_send_signal(2)`), waiting (`pidfd_open(2)` + `poll(2)`, `waitpid(2)`),
//! scheduling priority (`getpriority(2)`/`setpriority(2)`), I/O priority (`ioprio_get(2)`/
//! `ioprio_set(2)`), resource limits (`prlimit(2)`) and CPU affinity
//! (`sched_getaffinity(2)`/`sched_setaffinity(2)`).
//!
//! Every wrapper takes the target pid (which must be > 0: pid 0 and negative pids name the
//! caller or whole process groups in these syscalls, which psutil never means) and maps the
//! kernel's errno the same way (see [`map_errno`]):
//!
//! | errno           | [`Error`]                                               |
//! |-----------------|---------------------------------------------------------|
//! | `ESRCH`         | [`Error::NoSuchProcess`] `{ pid, name: None }`          |
//! | `EPERM`,`EACCES`| [`Error::AccessDenied`] `{ pid: Some(pid), path: None }`|
//! | `EINVAL`        | [`Error::InvalidArgument`] saying what was rejected     |
//! | `ENOSYS`        | [`Error::Unsupported`]                                  |
//! | anything else   | [`Error::Io`] whose `path` names the call, e.g. `setpriority(pid 123)` |
//!
//! psutil-level checks that need files (is the pid reused, is it a zombie, which CPUs are
//! eligible) belong to the caller: these wrappers only talk to the kernel. No file
//! descriptor outlives a call except the [`PidFd`] the caller explicitly asks for.
//!
//! Everything goes through `rustix` except what it cannot express: `ioprio_get`/`ioprio_set`
//! (not in rustix), affinity masks larger than 1024 CPUs (rustix's `CpuSet` is fixed at
//! `CPU_SETSIZE`), and real-time signals (rustix's `Signal` only names the classic ones);
//! those use `libc::syscall`/`libc::kill`, each with a `SAFETY` comment.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rustix::io::Errno;
use rustix::process::{Pid, Resource, Rlimit, Signal};

use crate::error::{Error, Result};

/// `SIGKILL`: what `Process.kill()` sends.
pub(crate) const SIGKILL: i32 = libc::SIGKILL;
/// `SIGTERM`: what `Process.terminate()` sends.
pub(crate) const SIGTERM: i32 = libc::SIGTERM;
/// `SIGSTOP`: what `Process.suspend()` sends.
pub(crate) const SIGSTOP: i32 = libc::SIGSTOP;
/// `SIGCONT`: what `Process.resume()` sends.
pub(crate) const SIGCONT: i32 = libc::SIGCONT;

/// `IOPRIO_CLASS_NONE` (0): no class set; the kernel derives the I/O priority from the nice
/// value.
pub(crate) const IOPRIO_CLASS_NONE: i32 = 0;
/// `IOPRIO_CLASS_RT` (1): real-time I/O class, levels 0 (highest) to 7.
#[cfg_attr(not(test), allow(dead_code))] // used by the tests
pub(crate) const IOPRIO_CLASS_RT: i32 = 1;
/// `IOPRIO_CLASS_BE` (2): best-effort I/O class, levels 0 (highest) to 7.
#[cfg_attr(not(test), allow(dead_code))] // used by the tests
pub(crate) const IOPRIO_CLASS_BE: i32 = 2;
/// `IOPRIO_CLASS_IDLE` (3): I/O only when no one else needs the disk; takes no level.
pub(crate) const IOPRIO_CLASS_IDLE: i32 = 3;

/// `IOPRIO_CLASS_SHIFT` from `<linux/ioprio.h>`: the class sits above 13 bits of data.
const IOPRIO_CLASS_SHIFT: u32 = 13;
/// `IOPRIO_WHO_PROCESS` from `<linux/ioprio.h>`: the `who` argument is a pid.
const IOPRIO_WHO_PROCESS: libc::c_int = 1;

/// The largest CPU number [`sched_setaffinity`] accepts (exclusive). Linux's `NR_CPUS` is at
/// most 8192 today; anything above this bound cannot name a CPU and would only make the
/// mask allocation huge.
const MAX_AFFINITY_CPUS: usize = 1 << 16;
/// The largest mask, in bytes, [`sched_getaffinity`] grows to (8 Mi CPUs).
const MAX_AFFINITY_MASK_BYTES: usize = 1 << 20;

/// Maps the errno of `call` on `pid` to sysgauge's [`Error`] (table in the module docs).
/// `EINVAL` becomes [`Error::InvalidArgument`] with a generic message; wrappers that know
/// which argument was wrong build a more precise one themselves.
pub(crate) fn map_errno(err: Errno, call: &str, pid: i32) -> Error {
    match err {
        Errno::SRCH => Error::NoSuchProcess { pid, name: None },
        Errno::PERM | Errno::ACCESS => Error::AccessDenied {
            pid: Some(pid),
            path: None,
        },
        Errno::INVAL => Error::InvalidArgument(format!(
            "{call}(pid {pid}): the kernel rejected an argument"
        )),
        Errno::NOSYS => Error::unsupported(format!("{call}: not provided by this kernel")),
        other => Error::Io {
            path: PathBuf::from(format!("{call}(pid {pid})")),
            source: io::Error::from_raw_os_error(other.raw_os_error()),
        },
    }
}

/// The last `errno` of a libc call, as a rustix [`Errno`].
fn last_errno() -> Errno {
    Errno::from_io_error(&io::Error::last_os_error()).unwrap_or(Errno::IO)
}

/// `pid` as a rustix [`Pid`]; pid 0 and negative pids are refused (they would name the
/// caller or a process group).
fn to_pid(pid: i32, call: &str) -> Result<Pid> {
    // `Pid::from_raw` asserts (in debug builds) that its argument is not negative, so the
    // sign is checked here first.
    let p = if pid > 0 { Pid::from_raw(pid) } else { None };
    p.ok_or_else(|| {
        Error::InvalidArgument(format!(
            "{call}: pid must be positive, got {pid} (0 and negative pids name the caller or \
             process groups)"
        ))
    })
}

// ---------------------------------------------------------------------------------------
// Signals

/// Refuses signal numbers outside `0..=SIGRTMAX` (the kernel would answer `EINVAL`).
fn check_signal(sig: i32, call: &str, pid: i32) -> Result<()> {
    let max = libc::SIGRTMAX();
    if (0..=max).contains(&sig) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "{call}(pid {pid}): signal {sig} is not in 0..={max}"
        )))
    }
}

/// `kill(pid, sig)`: sends signal `sig` to process `pid`, as psutil's `send_signal()`,
/// `suspend()` (`SIGSTOP`), `resume()` (`SIGCONT`), `terminate()` (`SIGTERM`) and `kill()`
/// (`SIGKILL`) do. `sig == 0` sends nothing and only checks that the process exists and may
/// be signalled. Any signal in `0..=SIGRTMAX` is accepted, real-time ones included.
///
/// Note that a zombie still accepts signals (the kernel answers success); detecting one is
/// the caller's job. Errors: `ESRCH` → [`Error::NoSuchProcess`], `EPERM` →
/// [`Error::AccessDenied`], a signal out of range or `pid <= 0` →
/// [`Error::InvalidArgument`].
pub(crate) fn send_signal(pid: i32, sig: i32) -> Result<()> {
    const CALL: &str = "kill";
    let p = to_pid(pid, CALL)?;
    check_signal(sig, CALL, pid)?;
    let r = if sig == 0 {
        rustix::process::test_kill_process(p)
    } else if let Some(s) = Signal::from_named_raw(sig) {
        rustix::process::kill_process(p, s)
    } else {
        // SAFETY: kill(2) takes two integers and touches no memory of ours; `pid` > 0 names
        // exactly one process and `sig` was checked to be a valid signal number.
        if unsafe { libc::kill(pid, sig) } == 0 {
            Ok(())
        } else {
            Err(last_errno())
        }
    };
    r.map_err(|e| map_errno(e, CALL, pid))
}

// ---------------------------------------------------------------------------------------
// pidfd

/// A pidfd (`pidfd_open(2)`): a file descriptor that refers to one process and cannot be
/// confused with a later process reusing its pid. Closed when dropped.
#[derive(Debug)]
pub(crate) struct PidFd {
    fd: OwnedFd,
    pid: i32,
}

impl PidFd {
    /// The pid the descriptor was opened for (used in error values).
    #[cfg_attr(not(test), allow(dead_code))] // used by the tests
    pub(crate) fn pid(&self) -> i32 {
        self.pid
    }
}

impl AsFd for PidFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// `pidfd_open(pid, 0)` (Linux ≥ 5.3): a descriptor that becomes readable when `pid` exits.
///
/// Errors: `ESRCH` (no such process, or already reaped) → [`Error::NoSuchProcess`];
/// `ENOSYS` (kernel < 5.3), `EPERM`/`EACCES` (a seccomp policy forbids the call) and
/// `ENODEV` (no anonymous inode filesystem) → [`Error::Unsupported`], so the caller falls
/// back to polling as psutil does; `EMFILE`/`ENFILE` → [`Error::Io`] (transient: psutil also
/// falls back to polling then).
pub(crate) fn pidfd_open(pid: i32) -> Result<PidFd> {
    const CALL: &str = "pidfd_open";
    let p = to_pid(pid, CALL)?;
    match rustix::process::pidfd_open(p, rustix::process::PidfdFlags::empty()) {
        Ok(fd) => Ok(PidFd { fd, pid }),
        Err(e @ (Errno::PERM | Errno::ACCESS | Errno::NODEV | Errno::NOSYS)) => {
            Err(Error::unsupported(format!(
                "pidfd_open(pid {pid}): not available here ({})",
                io::Error::from(e)
            )))
        }
        Err(e) => Err(map_errno(e, CALL, pid)),
    }
}

/// `pidfd_send_signal(fd, sig, NULL, 0)` (Linux ≥ 5.1): sends `sig` to the process `fd`
/// refers to, never to a process that reused its pid. `sig == 0` only checks that the
/// process can be signalled. Errors as [`send_signal`]; `ESRCH` means the process has
/// exited.
pub(crate) fn pidfd_send_signal(fd: &PidFd, sig: i32) -> Result<()> {
    const CALL: &str = "pidfd_send_signal";
    let pid = fd.pid;
    check_signal(sig, CALL, pid)?;
    let r = match Signal::from_named_raw(sig) {
        Some(s) => rustix::process::pidfd_send_signal(fd, s),
        None => {
            // SAFETY: pidfd_send_signal(2) takes a descriptor we own (alive for the whole
            // call through `fd`'s borrow), a valid signal number (checked above), a NULL
            // siginfo (the kernel then fills one in itself) and flags 0.
            let rc = unsafe {
                libc::syscall(
                    libc::SYS_pidfd_send_signal,
                    std::os::fd::AsRawFd::as_raw_fd(&fd.fd),
                    sig,
                    std::ptr::null::<libc::siginfo_t>(),
                    0 as libc::c_uint,
                )
            };
            if rc == 0 {
                Ok(())
            } else {
                Err(last_errno())
            }
        }
    };
    r.map_err(|e| map_errno(e, CALL, pid))
}

/// Waits until the process behind `fd` exits: `poll(2)` for readability of the pidfd.
/// Returns `Ok(true)` once it has exited (it may still be a zombie: reap it with
/// [`waitpid_child`] if it is our child), `Ok(false)` when `timeout` ran out first. `None`
/// waits forever; `Some(Duration::ZERO)` only checks. An `EINTR` restarts the wait with the
/// time that remains.
pub(crate) fn wait_pidfd(fd: &PidFd, timeout: Option<Duration>) -> Result<bool> {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        let remaining = match (timeout, deadline) {
            (None, _) => None,
            (Some(_), Some(d)) => Some(d.saturating_duration_since(Instant::now())),
            // Too far in the future to represent: as good as forever.
            (Some(_), None) => None,
        };
        // A remaining time too long for a timespec (> 2^63 s) is as good as forever.
        let ts = remaining.and_then(|r| Timespec::try_from(r).ok());
        let mut fds = [PollFd::new(fd, PollFlags::IN)];
        match poll(&mut fds, ts.as_ref()) {
            Ok(0) => return Ok(false),
            Ok(_) => return Ok(true),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(map_errno(e, "poll(pidfd)", fd.pid)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// waitpid

/// How a reaped child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// It called `exit(code)` (or returned from `main`): `WEXITSTATUS`, 0..=255.
    Exited(i32),
    /// It was killed by this signal number (`WTERMSIG`).
    Signaled(i32),
}

impl ExitStatus {
    /// psutil's `wait()` value: the exit code, or the negated signal number for a child
    /// killed by a signal (psutil returns it as a `Negsignal` enum member, e.g.
    /// `-SIGKILL == -9`).
    #[cfg_attr(not(test), allow(dead_code))] // used by the tests
    pub(crate) fn psutil_code(self) -> i32 {
        match self {
            ExitStatus::Exited(c) => c,
            ExitStatus::Signaled(s) => s.saturating_neg(),
        }
    }
}

/// What [`waitpid_child`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChildWait {
    /// The child had exited and is now reaped; this is how it ended.
    Reaped(ExitStatus),
    /// `nohang` was asked and the child is still running.
    Running,
    /// `ECHILD`: `pid` is not a child of this process (or was already reaped). Its exit
    /// status cannot be known; psutil then polls until the pid disappears and returns
    /// `None`.
    NotAChild,
}

/// `waitpid(pid, &status, nohang ? WNOHANG : 0)`: reaps child `pid` once it has exited.
/// Without `nohang` it blocks until then (`EINTR` is retried). Stopped or continued
/// children are not reported (no `WUNTRACED`/`WCONTINUED`), as in psutil.
pub(crate) fn waitpid_child(pid: i32, nohang: bool) -> Result<ChildWait> {
    use rustix::process::WaitOptions;
    const CALL: &str = "waitpid";
    let p = to_pid(pid, CALL)?;
    let opts = if nohang {
        WaitOptions::NOHANG
    } else {
        WaitOptions::empty()
    };
    loop {
        match rustix::process::waitpid(Some(p), opts) {
            Ok(None) => return Ok(ChildWait::Running),
            Ok(Some((_, st))) => {
                if let Some(code) = st.exit_status() {
                    return Ok(ChildWait::Reaped(ExitStatus::Exited(code)));
                }
                if let Some(sig) = st.terminating_signal() {
                    return Ok(ChildWait::Reaped(ExitStatus::Signaled(sig)));
                }
                // Neither exited nor signalled cannot happen without WUNTRACED/WCONTINUED.
                return Err(Error::Io {
                    path: PathBuf::from(format!("{CALL}(pid {pid})")),
                    source: io::Error::other(format!("unexpected wait status {:#x}", st.as_raw())),
                });
            }
            Err(Errno::INTR) => continue,
            Err(Errno::CHILD) => return Ok(ChildWait::NotAChild),
            Err(e) => return Err(map_errno(e, CALL, pid)),
        }
    }
}

/// `waitid(P_PIDFD, fd, WEXITED | (nohang ? WNOHANG : 0))` (Linux ≥ 5.4): reaps the child
/// the pidfd refers to, never a later process that reused its pid. Results as
/// [`waitpid_child`]: [`ChildWait::NotAChild`] on `ECHILD` (not our child, or already
/// reaped); `EINVAL` (a 5.3 kernel without `P_PIDFD`) → [`Error::Unsupported`], so the
/// caller can fall back to [`waitpid_child`]. `EINTR` is retried.
pub(crate) fn waitid_pidfd(fd: &PidFd, nohang: bool) -> Result<ChildWait> {
    use rustix::process::{WaitId, WaitIdOptions};
    const CALL: &str = "waitid(P_PIDFD)";
    let pid = fd.pid;
    let opts = if nohang {
        WaitIdOptions::EXITED | WaitIdOptions::NOHANG
    } else {
        WaitIdOptions::EXITED
    };
    loop {
        match rustix::process::waitid(WaitId::PidFd(fd.as_fd()), opts) {
            Ok(None) => return Ok(ChildWait::Running),
            Ok(Some(st)) => {
                if let Some(code) = st.exit_status() {
                    return Ok(ChildWait::Reaped(ExitStatus::Exited(code)));
                }
                if let Some(sig) = st.terminating_signal() {
                    return Ok(ChildWait::Reaped(ExitStatus::Signaled(sig)));
                }
                // With WNOHANG and no state change, some kernels fill in a zeroed siginfo
                // instead of returning "no child": treat it as still running.
                return Ok(ChildWait::Running);
            }
            Err(Errno::INTR) => continue,
            Err(Errno::CHILD) => return Ok(ChildWait::NotAChild),
            Err(Errno::INVAL) => {
                return Err(Error::unsupported(format!(
                    "{CALL}: not provided by this kernel (Linux < 5.4)"
                )))
            }
            Err(e) => return Err(map_errno(e, CALL, pid)),
        }
    }
}

/// `clock_gettime(CLOCK_MONOTONIC)` in seconds (Python's `time.monotonic()`, psutil's
/// timer for `Process.cpu_percent`).
pub(crate) fn monotonic_secs() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

// ---------------------------------------------------------------------------------------
// Nice

/// `getpriority(PRIO_PROCESS, pid)`: the nice value of `pid`, -20 (highest priority) to 19.
/// The raw syscall returns `20 - nice`, so there is no `-1` ambiguity to resolve.
pub(crate) fn get_nice(pid: i32) -> Result<i32> {
    const CALL: &str = "getpriority";
    let p = to_pid(pid, CALL)?;
    rustix::process::getpriority_process(Some(p)).map_err(|e| map_errno(e, CALL, pid))
}

/// `setpriority(PRIO_PROCESS, pid, value)`: sets the nice value of `pid`. The kernel clamps
/// `value` to -20..=19 (as psutil, `nice(100)` gives 19). Lowering the nice value needs
/// `CAP_SYS_NICE` (else [`Error::AccessDenied`]).
pub(crate) fn set_nice(pid: i32, value: i32) -> Result<()> {
    const CALL: &str = "setpriority";
    let p = to_pid(pid, CALL)?;
    rustix::process::setpriority_process(Some(p), value).map_err(|e| map_errno(e, CALL, pid))
}

// ---------------------------------------------------------------------------------------
// I/O priority

/// `ioprio_get(IOPRIO_WHO_PROCESS, pid)`: `(class, value)` where `class` is one of the
/// `IOPRIO_CLASS_*` constants (bits 13.. of the kernel's value) and `value` its 13 data bits
/// (the level 0..=7, plus hint bits on kernels that set them), as psutil's `ionice()`.
pub(crate) fn ioprio_get(pid: i32) -> Result<(i32, i32)> {
    const CALL: &str = "ioprio_get";
    to_pid(pid, CALL)?;
    // SAFETY: ioprio_get(2) takes two integers (`which`, `who`) and touches no memory of
    // ours.
    let rc = unsafe { libc::syscall(libc::SYS_ioprio_get, IOPRIO_WHO_PROCESS, pid) };
    if rc < 0 {
        return Err(map_errno(last_errno(), CALL, pid));
    }
    let raw = i32::try_from(rc).map_err(|_| Error::Io {
        path: PathBuf::from(format!("{CALL}(pid {pid})")),
        source: io::Error::other(format!("value {rc} out of range")),
    })?;
    let data_mask = (1i32 << IOPRIO_CLASS_SHIFT) - 1;
    Ok((raw >> IOPRIO_CLASS_SHIFT, raw & data_mask))
}

/// Checks `(class, value)` with psutil's `ionice()` rules: `class` is one of the four
/// `IOPRIO_CLASS_*`; `value` is 0..=7; `IOPRIO_CLASS_NONE` and `IOPRIO_CLASS_IDLE` take no
/// value (it must be 0 — psutil's `None` means 0). psutil leaves an unknown class to the
/// kernel (`OSError EINVAL`); here it is refused up front with the same outcome.
pub(crate) fn check_ioprio(class: i32, value: i32) -> Result<()> {
    if !(IOPRIO_CLASS_NONE..=IOPRIO_CLASS_IDLE).contains(&class) {
        return Err(Error::InvalidArgument(format!(
            "ioclass {class} is not one of IOPRIO_CLASS_NONE (0), RT (1), BE (2), IDLE (3)"
        )));
    }
    if value != 0 && (class == IOPRIO_CLASS_NONE || class == IOPRIO_CLASS_IDLE) {
        let name = if class == IOPRIO_CLASS_NONE {
            "IOPRIO_CLASS_NONE"
        } else {
            "IOPRIO_CLASS_IDLE"
        };
        return Err(Error::InvalidArgument(format!(
            "{name} ioclass accepts no value (got {value})"
        )));
    }
    if !(0..=7).contains(&value) {
        return Err(Error::InvalidArgument(format!(
            "ionice value {value} not in 0-7 range"
        )));
    }
    Ok(())
}

/// `ioprio_set(IOPRIO_WHO_PROCESS, pid, class << 13 | value)` after [`check_ioprio`].
/// `IOPRIO_CLASS_RT` needs `CAP_SYS_ADMIN` (or `CAP_SYS_NICE`), else
/// [`Error::AccessDenied`].
pub(crate) fn ioprio_set(pid: i32, class: i32, value: i32) -> Result<()> {
    to_pid(pid, "ioprio_set")?;
    check_ioprio(class, value)?;
    ioprio_set_unchecked(pid, class, value)
}

/// `ioprio_set(IOPRIO_WHO_PROCESS, pid, class << 13 | value)` with the numbers as given,
/// as psutil's C extension makes the call: the kernel judges them (its `EINVAL` is
/// [`Error::InvalidArgument`]; since Linux 5.17 it reads the class from three bits only).
pub(crate) fn ioprio_set_unchecked(pid: i32, class: i32, value: i32) -> Result<()> {
    const CALL: &str = "ioprio_set";
    to_pid(pid, CALL)?;
    let prio: libc::c_int = class.wrapping_shl(IOPRIO_CLASS_SHIFT) | value;
    // SAFETY: ioprio_set(2) takes three integers and touches no memory of ours.
    let rc = unsafe { libc::syscall(libc::SYS_ioprio_set, IOPRIO_WHO_PROCESS, pid, prio) };
    if rc < 0 {
        return Err(match last_errno() {
            Errno::INVAL => Error::InvalidArgument(format!(
                "{CALL}(pid {pid}): the kernel rejected class {class} value {value}"
            )),
            e => map_errno(e, CALL, pid),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Resource limits

/// Every resource Linux has; rustix's discriminants are the kernel's `RLIMIT_*` numbers
/// (0..=15), which are also `libc::RLIMIT_*`.
const RESOURCES: [Resource; 16] = [
    Resource::Cpu,
    Resource::Fsize,
    Resource::Data,
    Resource::Stack,
    Resource::Core,
    Resource::Rss,
    Resource::Nproc,
    Resource::Nofile,
    Resource::Memlock,
    Resource::As,
    Resource::Locks,
    Resource::Sigpending,
    Resource::Msgqueue,
    Resource::Nice,
    Resource::Rtprio,
    Resource::Rttime,
];

/// The rustix [`Resource`] for a `libc::RLIMIT_*` number; anything else is
/// [`Error::InvalidArgument`] (Python's "invalid resource specified").
fn to_resource(resource: i32) -> Result<Resource> {
    RESOURCES
        .iter()
        .find(|r| **r as i32 == resource)
        .copied()
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "invalid resource specified: {resource} is not an RLIMIT_* constant (0..=15)"
            ))
        })
}

/// A kernel limit in psutil's convention: `RLIM_INFINITY` (all ones) is `-1`; other values
/// are the `rlim_t` reinterpreted as a signed 64-bit number (as Python's `resource` module
/// does, so a limit above `i64::MAX` comes out negative exactly as in psutil).
fn limit_to_psutil(v: Option<u64>) -> i64 {
    match v {
        None => -1,
        Some(n) => n as i64,
    }
}

/// The inverse of [`limit_to_psutil`]: `-1` is `RLIM_INFINITY`, other negative numbers are
/// reinterpreted as `rlim_t` (as psutil passes them through).
fn limit_from_psutil(v: i64) -> Option<u64> {
    let n = v as u64;
    if n == u64::MAX {
        None
    } else {
        Some(n)
    }
}

/// `prlimit(pid, resource, NULL, &old)`: the `(soft, hard)` limits of `resource`
/// (`libc::RLIMIT_*`) for `pid`, in the resource's unit (bytes, seconds, count...), with
/// `RLIM_INFINITY` as `-1` as in psutil's `rlimit()`. An unknown resource is
/// [`Error::InvalidArgument`].
pub(crate) fn prlimit_get(pid: i32, resource: i32) -> Result<(i64, i64)> {
    const CALL: &str = "prlimit";
    let p = to_pid(pid, CALL)?;
    let res = to_resource(resource)?;
    // rustix's prlimit always passes a new limit; reading without changing anything needs
    // the NULL `new` pointer, so use the libc call.
    let mut old = libc::rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `new` is NULL (nothing is set) and `old` points to a writable rlimit64 that
    // lives for the whole call.
    let rc = unsafe {
        libc::prlimit64(
            p.as_raw_nonzero().get(),
            res as _,
            std::ptr::null(),
            &mut old,
        )
    };
    if rc != 0 {
        return Err(map_errno(last_errno(), CALL, pid));
    }
    let conv = |v: u64| {
        if v == libc::RLIM64_INFINITY {
            None
        } else {
            Some(v)
        }
    };
    Ok((
        limit_to_psutil(conv(old.rlim_cur)),
        limit_to_psutil(conv(old.rlim_max)),
    ))
}

/// `prlimit(pid, resource, &{soft, hard}, NULL)`: sets the limits of `resource` for `pid`
/// (`-1` = `RLIM_INFINITY`, psutil's convention). `soft > hard` →
/// [`Error::InvalidArgument`] ("current limit exceeds maximum limit", as Python's
/// `resource.prlimit`); raising the hard limit without `CAP_SYS_RESOURCE`, or above
/// `fs.nr_open` for `RLIMIT_NOFILE`, → [`Error::AccessDenied`].
pub(crate) fn prlimit_set(pid: i32, resource: i32, soft: i64, hard: i64) -> Result<()> {
    const CALL: &str = "prlimit";
    let p = to_pid(pid, CALL)?;
    let res = to_resource(resource)?;
    let new = Rlimit {
        current: limit_from_psutil(soft),
        maximum: limit_from_psutil(hard),
    };
    match rustix::process::prlimit(Some(p), res, new) {
        Ok(_) => Ok(()),
        Err(Errno::INVAL) => Err(Error::InvalidArgument(format!(
            "{CALL}(pid {pid}): current limit exceeds maximum limit (soft {soft}, hard {hard})"
        ))),
        Err(e) => Err(map_errno(e, CALL, pid)),
    }
}

// ---------------------------------------------------------------------------------------
// CPU affinity

/// The number of bits in one word of a kernel CPU mask (`unsigned long`).
const WORD_BITS: usize = libc::c_ulong::BITS as usize;

/// `sched_getaffinity(pid)`: the CPUs `pid` may run on, sorted ascending, as psutil's
/// `cpu_affinity()`. The mask starts at 1024 CPUs and doubles while the kernel answers
/// `EINVAL` (its mask is bigger than ours), so machines with more than `CPU_SETSIZE` CPUs
/// are handled.
pub(crate) fn sched_getaffinity(pid: i32) -> Result<Vec<usize>> {
    const CALL: &str = "sched_getaffinity";
    to_pid(pid, CALL)?;
    let mut words = 1024 / WORD_BITS;
    loop {
        let mut mask: Vec<libc::c_ulong> = vec![0; words];
        let bytes = words.saturating_mul(std::mem::size_of::<libc::c_ulong>());
        // SAFETY: `mask` is a writable buffer of exactly `bytes` bytes, alive for the whole
        // call; the kernel writes at most `bytes` bytes into it and returns how many.
        let rc =
            unsafe { libc::syscall(libc::SYS_sched_getaffinity, pid, bytes, mask.as_mut_ptr()) };
        if rc >= 0 {
            // The kernel wrote `rc` bytes (its cpumask size); bits past them are zero.
            let written = usize::try_from(rc)
                .unwrap_or(0)
                .div_ceil(std::mem::size_of::<libc::c_ulong>())
                .min(mask.len());
            let mut cpus = Vec::new();
            for (i, word) in mask.iter().take(written).enumerate() {
                let mut w = *word;
                while w != 0 {
                    let bit = w.trailing_zeros() as usize;
                    cpus.push(i * WORD_BITS + bit);
                    w &= w - 1;
                }
            }
            return Ok(cpus);
        }
        match last_errno() {
            Errno::INVAL if bytes < MAX_AFFINITY_MASK_BYTES => words = words.saturating_mul(2),
            e => return Err(map_errno(e, CALL, pid)),
        }
    }
}

/// `sched_setaffinity(pid, mask of cpus)`: restricts `pid` to `cpus` (duplicates are fine).
///
/// The list must not be empty: psutil's "empty list means all eligible CPUs" is resolved by
/// the caller (the backend), because it needs files: psutil takes the `a-b` range of
/// `Cpus_allowed_list` in `/proc/<pid>/status` when it has that form, else all CPUs
/// `0..len(cpu_times(percpu=True))` (see [`affinity_error`] for its error messages).
///
/// As with psutil, the kernel silently ignores CPUs that are offline or outside the
/// process's cpuset as long as one requested CPU is usable; when none is, it answers
/// `EINVAL` → [`Error::InvalidArgument`] naming the requested CPUs (the backend can then
/// build psutil's exact message with [`affinity_error`]). A CPU number ≥ 65536 is refused
/// up front with [`Error::InvalidArgument`] (no kernel has that many).
pub(crate) fn sched_setaffinity(pid: i32, cpus: &[usize]) -> Result<()> {
    const CALL: &str = "sched_setaffinity";
    to_pid(pid, CALL)?;
    let Some(&max) = cpus.iter().max() else {
        return Err(Error::InvalidArgument(format!(
            "{CALL}(pid {pid}): empty CPU list (the caller resolves [] to the eligible CPUs)"
        )));
    };
    if max >= MAX_AFFINITY_CPUS {
        return Err(Error::InvalidArgument(format!(
            "invalid CPU {max}: CPU numbers must be below {MAX_AFFINITY_CPUS}"
        )));
    }
    let words = max / WORD_BITS + 1;
    let mut mask: Vec<libc::c_ulong> = vec![0; words];
    for &cpu in cpus {
        if let Some(w) = mask.get_mut(cpu / WORD_BITS) {
            *w |= 1 << (cpu % WORD_BITS);
        }
    }
    let bytes = words.saturating_mul(std::mem::size_of::<libc::c_ulong>());
    // SAFETY: `mask` is a readable buffer of exactly `bytes` bytes, alive for the whole
    // call; the kernel only reads it.
    let rc = unsafe { libc::syscall(libc::SYS_sched_setaffinity, pid, bytes, mask.as_ptr()) };
    if rc == 0 {
        return Ok(());
    }
    Err(match last_errno() {
        Errno::INVAL => Error::InvalidArgument(format!(
            "{CALL}(pid {pid}): none of the CPUs {cpus:?} is online and allowed for the process"
        )),
        e => map_errno(e, CALL, pid),
    })
}

/// psutil's check after a failed affinity change: the first CPU of `cpus` that is not in
/// `0..n_cpus` gives "invalid CPU {cpu}; choose between {eligible}", the first not in
/// `eligible` gives "CPU number {cpu} is not eligible; choose between {eligible}", both as
/// [`Error::InvalidArgument`]; `None` when every CPU passes (then the kernel's error
/// stands). `n_cpus` is psutil's `len(per_cpu_times())`; `eligible` what the backend
/// resolved for `[]` (see [`sched_setaffinity`]).
pub(crate) fn affinity_error(cpus: &[i64], n_cpus: usize, eligible: &[usize]) -> Option<Error> {
    for &cpu in cpus {
        let in_all = usize::try_from(cpu).is_ok_and(|c| c < n_cpus);
        if !in_all {
            return Some(Error::InvalidArgument(format!(
                "invalid CPU {cpu}; choose between {eligible:?}"
            )));
        }
        let ok = usize::try_from(cpu).is_ok_and(|c| eligible.contains(&c));
        if !ok {
            return Some(Error::InvalidArgument(format!(
                "CPU number {cpu} is not eligible; choose between {eligible:?}"
            )));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{prlimit_tool, psutil, psutil_cpu_affinity, psutil_rlimit, run, taskset};
    use std::process::{Child, Command, Stdio};

    /// A `sleep 30` child, killed and reaped when dropped (unless the test reaped it).
    struct Sleeper {
        child: Option<Child>,
        pid: i32,
    }

    impl Sleeper {
        fn spawn() -> Self {
            Self::spawn_cmd(Command::new("sleep").arg("30"))
        }
        fn spawn_cmd(cmd: &mut Command) -> Self {
            let child = cmd
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn child");
            let pid = i32::try_from(child.id()).unwrap();
            Sleeper {
                child: Some(child),
                pid,
            }
        }
        /// The test reaped the child itself: do not touch the pid again.
        fn forget(&mut self) {
            self.child = None;
        }
    }

    impl Drop for Sleeper {
        fn drop(&mut self) {
            if let Some(mut c) = self.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }

    /// The state letter of /proc/PID/stat (the field after the last ')').
    fn proc_state(pid: i32) -> char {
        let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let after = &s[s.rfind(')').unwrap() + 1..];
        after.trim_start().chars().next().unwrap()
    }

    fn wait_state(pid: i32, want: char) -> char {
        let end = Instant::now() + Duration::from_secs(5);
        loop {
            let st = proc_state(pid);
            if st == want || Instant::now() > end {
                return st;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn errno_of(e: &Error) -> Option<i32> {
        match e {
            Error::Io { source, .. } => source.raw_os_error(),
            _ => None,
        }
    }

    #[test]
    fn errno_mapping() {
        assert!(matches!(
            map_errno(Errno::SRCH, "x", 12),
            Error::NoSuchProcess {
                pid: 12,
                name: None
            }
        ));
        for e in [Errno::PERM, Errno::ACCESS] {
            assert!(matches!(
                map_errno(e, "x", 12),
                Error::AccessDenied {
                    pid: Some(12),
                    path: None
                }
            ));
        }
        let inval = map_errno(Errno::INVAL, "setpriority", 12);
        assert!(matches!(&inval, Error::InvalidArgument(m) if m.contains("setpriority(pid 12)")));
        assert!(matches!(
            map_errno(Errno::NOSYS, "pidfd_open", 12),
            Error::Unsupported { .. }
        ));
        let io = map_errno(Errno::IO, "setpriority", 123);
        match &io {
            Error::Io { path, source } => {
                assert_eq!(path, &PathBuf::from("setpriority(pid 123)"));
                assert_eq!(source.raw_os_error(), Some(libc::EIO));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(errno_of(&io), Some(libc::EIO));
        // pid 0 / negative pids are refused before any syscall.
        for pid in [0, -1] {
            assert!(matches!(
                send_signal(pid, 0),
                Err(Error::InvalidArgument(_))
            ));
            assert!(matches!(get_nice(pid), Err(Error::InvalidArgument(_))));
            assert!(matches!(
                prlimit_get(pid, libc::RLIMIT_NOFILE as i32),
                Err(Error::InvalidArgument(_))
            ));
        }
    }

    /// A `nobody` process cannot renice a root process: the kernel answers EPERM, which
    /// [`map_errno`] turns into AccessDenied.
    #[test]
    fn access_denied_from_nobody() {
        let s = Sleeper::spawn();
        let pid = s.pid.to_string();
        let o = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "renice",
                "-n",
                "5",
                "-p",
                &pid,
            ])
            .output()
            .unwrap();
        assert!(!o.status.success(), "renice as nobody must fail");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("Operation not permitted"), "{err}");
        assert_eq!(get_nice(s.pid).unwrap(), 0);
        assert!(matches!(
            map_errno(Errno::PERM, "setpriority", s.pid),
            Error::AccessDenied { pid: Some(p), .. } if p == s.pid
        ));
    }

    #[test]
    fn nice_against_ps_and_psutil() {
        let s = Sleeper::spawn();
        let ps = || {
            run("ps", &["-o", "ni=", "-p", &s.pid.to_string()])
                .trim()
                .parse::<i32>()
                .unwrap()
        };
        let ps_util = || {
            psutil(&format!("out = psutil.Process({}).nice()", s.pid))
                .as_i64()
                .unwrap() as i32
        };
        assert_eq!(get_nice(s.pid).unwrap(), ps());
        for v in [7, -5, 19] {
            set_nice(s.pid, v).unwrap();
            assert_eq!(get_nice(s.pid).unwrap(), v);
            assert_eq!(ps(), v);
            assert_eq!(ps_util(), v);
        }
        // The kernel clamps, as psutil's nice(100) shows.
        set_nice(s.pid, 100).unwrap();
        assert_eq!(get_nice(s.pid).unwrap(), 19);
        set_nice(s.pid, -100).unwrap();
        assert_eq!(get_nice(s.pid).unwrap(), -20);
        assert_eq!(ps_util(), -20);
        // And psutil's setter is read back by ours.
        psutil(&format!("psutil.Process({}).nice(3); out = 0", s.pid));
        assert_eq!(get_nice(s.pid).unwrap(), 3);
    }

    #[test]
    fn ionice_against_util_linux_and_psutil() {
        let s = Sleeper::spawn();
        let pid = s.pid.to_string();
        let tool = || run("ionice", &["-p", &pid]).trim().to_string();
        let ps_util = || {
            let v = psutil(&format!(
                "i = psutil.Process({}).ionice(); out = [int(i.ioclass), i.value]",
                s.pid
            ));
            (v[0].as_i64().unwrap() as i32, v[1].as_i64().unwrap() as i32)
        };
        assert_eq!(ioprio_get(s.pid).unwrap(), ps_util());
        let cases = [
            (IOPRIO_CLASS_BE, 4, "best-effort: prio 4"),
            (IOPRIO_CLASS_RT, 0, "realtime: prio 0"),
            (IOPRIO_CLASS_BE, 7, "best-effort: prio 7"),
            (IOPRIO_CLASS_IDLE, 0, "idle"),
            (IOPRIO_CLASS_NONE, 0, "none: prio 0"),
        ];
        for (class, value, text) in cases {
            ioprio_set(s.pid, class, value).unwrap();
            assert_eq!(ioprio_get(s.pid).unwrap(), (class, value));
            assert_eq!(ps_util(), (class, value));
            assert_eq!(tool(), text);
        }
        // psutil's setter, read back by ours and by the tool.
        psutil(&format!("psutil.Process({}).ionice(2, 1); out = 0", s.pid));
        assert_eq!(ioprio_get(s.pid).unwrap(), (IOPRIO_CLASS_BE, 1));
        // The tool's setter, read back by ours and psutil (util-linux stores level 7 with
        // the idle class; the data bits come back raw, as in psutil).
        run("ionice", &["-c", "3", "-p", &pid]);
        assert_eq!(ioprio_get(s.pid).unwrap(), ps_util());
        assert_eq!(ioprio_get(s.pid).unwrap().0, IOPRIO_CLASS_IDLE);
        // psutil's validation rules.
        for (class, value) in [
            (IOPRIO_CLASS_IDLE, 1),
            (IOPRIO_CLASS_NONE, 3),
            (1, 8),
            (2, -1),
            (5, 0),
        ] {
            assert!(
                matches!(
                    ioprio_set(s.pid, class, value),
                    Err(Error::InvalidArgument(_))
                ),
                "{class} {value}"
            );
        }
        assert_eq!(ioprio_get(s.pid).unwrap(), ps_util());
    }

    #[test]
    fn rlimit_against_prlimit_tool_and_psutil() {
        let s = Sleeper::spawn();
        let nofile = libc::RLIMIT_NOFILE as i32;
        let tool = || prlimit_tool(s.pid, "--nofile");
        let ps_util = |res: i32| psutil_rlimit(s.pid, res);
        assert_eq!(prlimit_get(s.pid, nofile).unwrap(), tool());
        assert_eq!(prlimit_get(s.pid, nofile).unwrap(), ps_util(nofile));
        prlimit_set(s.pid, nofile, 100, 200).unwrap();
        assert_eq!(prlimit_get(s.pid, nofile).unwrap(), (100, 200));
        assert_eq!(tool(), (100, 200));
        assert_eq!(ps_util(nofile), (100, 200));
        // psutil's setter, read back by ours.
        psutil(&format!(
            "psutil.Process({}).rlimit({nofile}, (50, 150)); out = 0",
            s.pid
        ));
        assert_eq!(prlimit_get(s.pid, nofile).unwrap(), (50, 150));
        // soft > hard: EINVAL → InvalidArgument, nothing changed.
        assert!(matches!(
            prlimit_set(s.pid, nofile, 151, 150),
            Err(Error::InvalidArgument(_))
        ));
        // A hard NOFILE limit above fs.nr_open is refused even to root with EPERM → AccessDenied.
        let nr_open: i64 = std::fs::read_to_string("/proc/sys/fs/nr_open")
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(matches!(
            prlimit_set(s.pid, nofile, nr_open + 1, nr_open + 1),
            Err(Error::AccessDenied { pid: Some(p), .. }) if p == s.pid
        ));
        assert_eq!(prlimit_get(s.pid, nofile).unwrap(), (50, 150));
        // RLIM_INFINITY is -1 both ways; a value above i64::MAX wraps as in psutil.
        let cpu = libc::RLIMIT_CPU as i32;
        prlimit_set(s.pid, cpu, -2, -1).unwrap();
        assert_eq!(prlimit_get(s.pid, cpu).unwrap(), (-2, -1));
        assert_eq!(ps_util(cpu), (-2, -1));
        prlimit_set(s.pid, cpu, 3600, -1).unwrap();
        assert_eq!(prlimit_get(s.pid, cpu).unwrap(), (3600, -1));
        assert_eq!(ps_util(cpu), (3600, -1));
        // libc's numbers name the same resources as rustix's.
        let pairs = [
            (libc::RLIMIT_CPU, Resource::Cpu),
            (libc::RLIMIT_NOFILE, Resource::Nofile),
            (libc::RLIMIT_AS, Resource::As),
            (libc::RLIMIT_RTTIME, Resource::Rttime),
        ];
        for (n, r) in pairs {
            assert_eq!(to_resource(n as i32).unwrap(), r);
        }
        // Unknown resources.
        for r in [-1, 16, 99] {
            assert!(matches!(
                prlimit_get(s.pid, r),
                Err(Error::InvalidArgument(_))
            ));
        }
        // Every known resource reads like psutil.
        for r in 0..16 {
            assert_eq!(prlimit_get(s.pid, r).unwrap(), ps_util(r), "resource {r}");
        }
    }

    #[test]
    fn affinity_against_taskset_and_psutil() {
        let s = Sleeper::spawn();
        let ps_util = || psutil_cpu_affinity(s.pid);
        let all = sched_getaffinity(s.pid).unwrap();
        assert!(!all.is_empty());
        assert_eq!(all, taskset(s.pid));
        assert_eq!(all, ps_util());
        let last = *all.last().unwrap();
        sched_setaffinity(s.pid, &[last, last]).unwrap();
        assert_eq!(sched_getaffinity(s.pid).unwrap(), vec![last]);
        assert_eq!(taskset(s.pid), vec![last]);
        assert_eq!(ps_util(), vec![last]);
        sched_setaffinity(s.pid, &all).unwrap();
        assert_eq!(sched_getaffinity(s.pid).unwrap(), all);
        assert_eq!(ps_util(), all);
        // taskset's setter, read back by ours.
        run("taskset", &["-pc", &all[0].to_string(), &s.pid.to_string()]);
        assert_eq!(sched_getaffinity(s.pid).unwrap(), vec![all[0]]);
        // As with psutil, a usable CPU plus a nonexistent one: the kernel keeps the usable.
        sched_setaffinity(s.pid, &[last, 1500]).unwrap();
        assert_eq!(sched_getaffinity(s.pid).unwrap(), vec![last]);
        // Only nonexistent CPUs: EINVAL → InvalidArgument; nothing changed.
        assert!(matches!(
            sched_setaffinity(s.pid, &[1500]),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            sched_setaffinity(s.pid, &[]),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            sched_setaffinity(s.pid, &[usize::MAX]),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(sched_getaffinity(s.pid).unwrap(), vec![last]);
    }

    #[test]
    fn affinity_error_messages_match_psutil() {
        let eligible = [0, 1];
        let e = affinity_error(&[5], 2, &eligible).unwrap();
        assert_eq!(
            e.to_string(),
            "invalid argument: invalid CPU 5; choose between [0, 1]"
        );
        let e = affinity_error(&[-1], 2, &eligible).unwrap();
        assert_eq!(
            e.to_string(),
            "invalid argument: invalid CPU -1; choose between [0, 1]"
        );
        let e = affinity_error(&[1], 2, &[0]).unwrap();
        assert_eq!(
            e.to_string(),
            "invalid argument: CPU number 1 is not eligible; choose between [0]"
        );
        assert!(affinity_error(&[0, 1], 2, &eligible).is_none());
        // The same message psutil gives live for a nonexistent CPU.
        let s = Sleeper::spawn();
        let v = psutil(&format!(
            "try:\n    psutil.Process({}).cpu_affinity([5000]); out = None\nexcept ValueError as e:\n    out = str(e)",
            s.pid
        ));
        let n = sched_getaffinity(std::process::id() as i32).unwrap();
        let mine = affinity_error(&[5000], n.len(), &n).unwrap();
        // psutil's eligible list comes from the child's Cpus_allowed_list (= ours here).
        assert_eq!(
            mine.to_string().trim_start_matches("invalid argument: "),
            v.as_str().unwrap()
        );
    }

    #[test]
    fn stop_and_continue() {
        let s = Sleeper::spawn();
        assert_eq!(wait_state(s.pid, 'S'), 'S');
        send_signal(s.pid, SIGSTOP).unwrap();
        assert_eq!(wait_state(s.pid, 'T'), 'T');
        send_signal(s.pid, 0).unwrap();
        send_signal(s.pid, SIGCONT).unwrap();
        assert_eq!(wait_state(s.pid, 'S'), 'S');
        // Out-of-range signals are refused.
        assert!(matches!(
            send_signal(s.pid, -1),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            send_signal(s.pid, 65),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn realtime_signal_and_exit_status() {
        let mut s = Sleeper::spawn();
        let rt = libc::SIGRTMIN() + 2;
        send_signal(s.pid, rt).unwrap();
        assert_eq!(
            waitpid_child(s.pid, false).unwrap(),
            ChildWait::Reaped(ExitStatus::Signaled(rt))
        );
        s.forget();
    }

    #[test]
    fn pidfd_wait_and_signal() {
        let mut s = Sleeper::spawn();
        let fd = pidfd_open(s.pid).unwrap();
        assert_eq!(fd.pid(), s.pid);
        let t0 = Instant::now();
        assert!(!wait_pidfd(&fd, Some(Duration::from_millis(100))).unwrap());
        assert!(t0.elapsed() >= Duration::from_millis(100));
        assert!(!wait_pidfd(&fd, Some(Duration::ZERO)).unwrap());
        pidfd_send_signal(&fd, 0).unwrap();
        pidfd_send_signal(&fd, SIGKILL).unwrap();
        assert!(wait_pidfd(&fd, Some(Duration::from_secs(10))).unwrap());
        assert!(wait_pidfd(&fd, None).unwrap());
        // Exited but not reaped: a zombie.
        assert_eq!(proc_state(s.pid), 'Z');
        assert_eq!(
            waitpid_child(s.pid, true).unwrap(),
            ChildWait::Reaped(ExitStatus::Signaled(9))
        );
        s.forget();
        // Reaped: signalling through the pidfd answers ESRCH.
        assert!(matches!(
            pidfd_send_signal(&fd, SIGKILL),
            Err(Error::NoSuchProcess { pid, .. }) if pid == s.pid
        ));
        assert!(matches!(
            pidfd_send_signal(&fd, 99),
            Err(Error::InvalidArgument(_))
        ));
        drop(fd);
        // pidfd of a reaped pid: ESRCH (unless the pid was reused, which is unlikely).
        assert!(matches!(
            pidfd_open(s.pid),
            Err(Error::NoSuchProcess { .. })
        ));
    }

    #[test]
    fn waitpid_exit_codes() {
        let mut s = Sleeper::spawn_cmd(Command::new("sh").args(["-c", "exit 7"]));
        let st = waitpid_child(s.pid, false).unwrap();
        assert_eq!(st, ChildWait::Reaped(ExitStatus::Exited(7)));
        s.forget();
        if let ChildWait::Reaped(x) = st {
            assert_eq!(x.psutil_code(), 7);
        }
        // Already reaped: not (any more) our child.
        assert_eq!(waitpid_child(s.pid, true).unwrap(), ChildWait::NotAChild);

        let mut k = Sleeper::spawn();
        assert_eq!(waitpid_child(k.pid, true).unwrap(), ChildWait::Running);
        send_signal(k.pid, SIGKILL).unwrap();
        let st = waitpid_child(k.pid, false).unwrap();
        assert_eq!(st, ChildWait::Reaped(ExitStatus::Signaled(9)));
        k.forget();
        if let ChildWait::Reaped(x) = st {
            assert_eq!(x.psutil_code(), -9);
        }
        // pid 1 is not our child.
        assert_eq!(waitpid_child(1, true).unwrap(), ChildWait::NotAChild);
        // psutil's own wait() on a killed child gives the same number.
        let v = psutil(
            "import subprocess\np = subprocess.Popen(['sleep', '30'])\n\
             q = psutil.Process(p.pid); q.kill(); out = int(q.wait())",
        );
        assert_eq!(v.as_i64(), Some(-9));
    }

    #[test]
    fn reaped_pid_is_no_such_process() {
        let mut s = Sleeper::spawn();
        let pid = s.pid;
        if let Some(mut c) = s.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
        s.forget();
        let nsp = |r: Result<()>| matches!(r, Err(Error::NoSuchProcess { pid: p, name: None }) if p == pid);
        assert!(nsp(get_nice(pid).map(|_| ())));
        assert!(nsp(set_nice(pid, 1)));
        assert!(nsp(send_signal(pid, 0)));
        assert!(nsp(send_signal(pid, SIGTERM)));
        assert!(nsp(ioprio_get(pid).map(|_| ())));
        assert!(nsp(ioprio_set(pid, IOPRIO_CLASS_BE, 0)));
        assert!(nsp(prlimit_get(pid, libc::RLIMIT_NOFILE as i32).map(|_| ())));
        assert!(nsp(prlimit_set(pid, libc::RLIMIT_NOFILE as i32, 10, 10)));
        assert!(nsp(sched_getaffinity(pid).map(|_| ())));
        assert!(nsp(sched_setaffinity(pid, &[0])));
        // psutil agrees that the pid is gone.
        let v = psutil(&format!("out = psutil.pid_exists({pid})"));
        assert_eq!(v.as_bool(), Some(false));
    }

    #[test]
    fn own_process_values_match_libc() {
        let me = std::process::id() as i32;
        let lim = rustix::process::getrlimit(Resource::Stack);
        let conv = |v: Option<u64>| v.map_or(-1, |n| n as i64);
        assert_eq!(
            prlimit_get(me, libc::RLIMIT_STACK as i32).unwrap(),
            (conv(lim.current), conv(lim.maximum))
        );
        let status = std::fs::read_to_string(format!("/proc/{me}/status")).unwrap();
        let list = status
            .lines()
            .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            .unwrap()
            .trim()
            .to_string();
        let mine = sched_getaffinity(me).unwrap();
        let n = mine.len();
        // Our own mask, compared with the file in the simple contiguous case.
        if let Some((a, b)) = list.split_once('-') {
            if !list.contains(',') {
                let a: usize = a.parse().unwrap();
                let b: usize = b.parse().unwrap();
                assert_eq!(mine, (a..=b).collect::<Vec<_>>());
            }
        } else if !list.contains(',') {
            assert_eq!(mine, vec![list.parse::<usize>().unwrap()]);
        }
        assert!(n > 0);
    }
}
