//! Acting on a process by pid without ever acting on a later process that reused the pid:
//! signals (`pidfd_send_signal(2)`, else `kill(2)`) and waiting (`pidfd_open(2)` +
//! `poll(2)` + `waitid(P_PIDFD)`, else `waitpid(2)` and polling), for
//! `Process::send_signal`, `suspend`, `resume`, `terminate`, `kill`, `wait` and
//! `wait_procs`.
//!
//! **Identity.** A [`Target`] names a process by pid *and* start time (`starttime` of
//! `<pid>/stat`). A pidfd is opened first and the start time checked afterwards: if the
//! pid still belongs to the process then, it did when the pidfd was opened (a process that
//! is alive at the check has been alive since it started), so the pidfd refers to it and
//! everything done through the pidfd is race-free. Without pidfds (Linux < 5.3, or a
//! seccomp policy that forbids them) the start time is checked just before `kill(2)`:
//! the residual race is the pid being freed *and* handed to a new process between the
//! check and the call (microseconds, and the pid space must wrap around first).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{stat_same, Target};
use crate::error::{Error, Result};
use crate::platform::linux::sys::process::{self as sys, ChildWait, ExitStatus, PidFd};
use crate::process::Exit;

fn gone(t: &Target) -> Error {
    Error::NoSuchProcess {
        pid: t.pid,
        name: None,
    }
}

/// A pidfd for the target, checked to refer to it (see the module docs); `None` where the
/// kernel gives no pidfds (then the caller falls back to pid-based calls).
/// [`Error::NoSuchProcess`] when the process has gone or its pid was reused.
pub(crate) fn pidfd_same(t: &Target) -> Result<Option<PidFd>> {
    match sys::pidfd_open(t.pid) {
        Ok(fd) => {
            stat_same(t.roots, t.pid, t.start)?;
            Ok(Some(fd))
        }
        Err(Error::NoSuchProcess { .. }) => Err(gone(t)),
        // Not available here (ENOSYS, a seccomp refusal) or transiently out of
        // descriptors: psutil falls back to pid-based calls in both cases.
        Err(Error::Unsupported { .. } | Error::Io { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sends `sig` (0..=`SIGRTMAX`; 0 only checks) to the target: through a checked pidfd
/// where the kernel has them, else `kill(2)` right after an identity check.
/// [`Error::NoSuchProcess`] for a process that has gone or whose pid was reused,
/// [`Error::AccessDenied`] on `EPERM`, [`Error::InvalidArgument`] for pid 0 (psutil's
/// `ValueError`: `kill(0, sig)` would signal the caller's process group) or a bad signal.
pub(crate) fn send_signal(t: &Target, sig: i32) -> Result<()> {
    if t.pid == 0 {
        return Err(Error::InvalidArgument(
            "refusing to signal pid 0: kill(2) would signal the caller's whole process group"
                .into(),
        ));
    }
    let r = match pidfd_same(t)? {
        Some(fd) => sys::pidfd_send_signal(&fd, sig),
        None => {
            stat_same(t.roots, t.pid, t.start)?;
            sys::send_signal(t.pid, sig)
        }
    };
    r.map_err(|e| match e {
        Error::NoSuchProcess { .. } => gone(t),
        other => other,
    })
}

// ---------------------------------------------------------------------------------------
// wait

/// Exit statuses already reaped by [`wait`], keyed by (pid, start time): psutil keeps a
/// reaped child's code in the `Process` object (`_exitcode`) so a second `wait()` returns
/// it again; a sysgauge `Process` is an immutable value, so the codes live here instead,
/// process-wide, for every clone of the `Process`. Bounded: the oldest entries are dropped
/// past [`EXITS_KEPT`] (a later `wait` on such a process returns `None`, the answer for a
/// process that is gone).
static EXITS: Mutex<VecDeque<((i32, u64), Exit)>> = Mutex::new(VecDeque::new());
/// How many reaped exit statuses [`EXITS`] keeps.
const EXITS_KEPT: usize = 4096;

fn remembered(t: &Target) -> Option<Exit> {
    let exits = EXITS.lock().unwrap_or_else(|p| p.into_inner());
    exits
        .iter()
        .rev()
        .find(|(k, _)| *k == (t.pid, t.start))
        .map(|(_, e)| *e)
}

fn remember(t: &Target, e: Exit) {
    let mut exits = EXITS.lock().unwrap_or_else(|p| p.into_inner());
    if exits.len() >= EXITS_KEPT {
        exits.pop_front();
    }
    exits.push_back(((t.pid, t.start), e));
}

fn to_exit(st: ExitStatus) -> Exit {
    match st {
        ExitStatus::Exited(c) => Exit::Code(c),
        ExitStatus::Signaled(s) => Exit::Signal(s),
    }
}

/// When a wait must give up, from its timeout.
struct Deadline {
    timeout: Option<Duration>,
    at: Option<Instant>,
}

impl Deadline {
    fn new(timeout: Option<Duration>) -> Deadline {
        Deadline {
            timeout,
            at: timeout.and_then(|d| Instant::now().checked_add(d)),
        }
    }

    /// The time left (`None`: forever).
    fn remaining(&self) -> Option<Duration> {
        match (self.timeout, self.at) {
            (Some(_), Some(at)) => Some(at.saturating_duration_since(Instant::now())),
            _ => None,
        }
    }

    fn expired(&self, t: &Target) -> Error {
        Error::TimeoutExpired {
            seconds: self.timeout.map_or(0.0, |d| d.as_secs_f64()),
            pid: Some(t.pid),
        }
    }

    /// psutil's back-off between two looks: sleeps `interval` (cut to the time left) and
    /// returns the next one (doubled, at most 40 ms), or [`Error::TimeoutExpired`] when no
    /// time is left.
    fn sleep(&self, t: &Target, interval: Duration) -> Result<Duration> {
        let nap = match self.remaining() {
            Some(left) if left.is_zero() => return Err(self.expired(t)),
            Some(left) => interval.min(left),
            None => interval,
        };
        std::thread::sleep(nap);
        Ok((interval * 2).min(Duration::from_millis(40)))
    }
}

/// psutil's first polling interval (0.1 ms).
const FIRST_INTERVAL: Duration = Duration::from_micros(100);

/// Waits until the target ends (psutil's `wait()`): `Some(exit)` for a child of this
/// process (reaped here), `None` for any other process (its status belongs to its
/// parent), and `None` at once for a process that has already gone (or whose pid was
/// reused). A non-child counts as gone once it is no longer a zombie (its parent reaped
/// it), as psutil's `pid_exists` test. [`Error::TimeoutExpired`] when `timeout` runs out;
/// `Some(Duration::ZERO)` looks once. A status reaped here is remembered, so a second
/// `wait` returns it again.
pub(crate) fn wait(t: &Target, timeout: Option<Duration>) -> Result<Option<Exit>> {
    wait_with(t, timeout, true)
}

/// [`wait`], with pidfds (`use_pidfd`) or with psutil's polling fallback.
pub(crate) fn wait_with(
    t: &Target,
    timeout: Option<Duration>,
    use_pidfd: bool,
) -> Result<Option<Exit>> {
    if t.pid <= 0 {
        return Err(Error::InvalidArgument(format!(
            "can't wait for pid {} (waitpid would wait for a whole process group)",
            t.pid
        )));
    }
    if let Some(e) = remembered(t) {
        return Ok(Some(e));
    }
    let deadline = Deadline::new(timeout);
    let fd = if use_pidfd {
        match pidfd_same(t) {
            Ok(fd) => fd,
            // Gone, or the pid now names another process: ours has ended.
            Err(Error::NoSuchProcess { .. }) => return Ok(None),
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let r = match fd {
        Some(fd) => wait_pidfd(t, &fd, &deadline)?,
        None => wait_polling(t, &deadline)?,
    };
    if let Some(e) = r {
        remember(t, e);
    }
    Ok(r)
}

/// The pidfd way: `poll(2)` until the process exits, then `waitid(P_PIDFD)` reaps it if it
/// is our child; else wait (polling) until its parent has reaped it.
fn wait_pidfd(t: &Target, fd: &PidFd, deadline: &Deadline) -> Result<Option<Exit>> {
    if !sys::wait_pidfd(fd, deadline.remaining())? {
        return Err(deadline.expired(t));
    }
    let reaped = match sys::waitid_pidfd(fd, true) {
        // A 5.3 kernel: the process has exited and was checked to be ours, and an
        // exited child keeps its pid until reaped, so waitpid(pid) reaps this one.
        Err(Error::Unsupported { .. }) => sys::waitpid_child(t.pid, true)?,
        other => other?,
    };
    match reaped {
        ChildWait::Reaped(st) => Ok(Some(to_exit(st))),
        // Exited but its status not yet reportable (cannot happen once the pidfd is
        // readable, but then a blocking reap is short).
        ChildWait::Running => match sys::waitid_pidfd(fd, false)? {
            ChildWait::Reaped(st) => Ok(Some(to_exit(st))),
            _ => Ok(None),
        },
        ChildWait::NotAChild => wait_gone(t, deadline),
    }
}

/// psutil's fallback without pidfds: `waitpid(pid, WNOHANG)` (after an identity check,
/// so a reused pid is never reaped) with a growing sleep between looks; for a non-child,
/// looks until the process is gone.
fn wait_polling(t: &Target, deadline: &Deadline) -> Result<Option<Exit>> {
    let mut interval = FIRST_INTERVAL;
    loop {
        if stat_same(t.roots, t.pid, t.start).is_err() {
            return Ok(None);
        }
        // Checked just above: the pid is ours, and if it has exited it stays ours until
        // reaped (a zombie keeps its pid), so this reaps nothing else.
        match sys::waitpid_child(t.pid, true)? {
            ChildWait::Reaped(st) => return Ok(Some(to_exit(st))),
            ChildWait::Running => interval = deadline.sleep(t, interval)?,
            ChildWait::NotAChild => return wait_gone(t, deadline),
        }
    }
}

/// Waits (polling, psutil's back-off) until the target no longer exists: not a child
/// of ours, so its parent reaps it. Returns `None` (no status for non-children).
fn wait_gone(t: &Target, deadline: &Deadline) -> Result<Option<Exit>> {
    let mut interval = FIRST_INTERVAL;
    while stat_same(t.roots, t.pid, t.start).is_ok() {
        interval = deadline.sleep(t, interval)?;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roots::Roots;
    use std::process::{Command, Stdio};

    fn spawn(args: &[&str]) -> (std::process::Child, i32) {
        let c = Command::new(args[0])
            .args(&args[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let pid = c.id() as i32;
        (c, pid)
    }

    fn target(roots: &Roots, pid: i32) -> Target<'_> {
        Target {
            roots,
            pid,
            start: super::super::stat(roots, pid).unwrap().starttime,
            cache: None,
        }
    }

    /// psutil's fallback without pidfds gives the same answers as the pidfd way.
    #[test]
    fn polling_fallback() {
        let roots = Roots::default();
        let (c, pid) = spawn(&["sh", "-c", "sleep 0.2; exit 7"]);
        let t = target(&roots, pid);
        assert!(matches!(
            wait_with(&t, Some(Duration::ZERO), false),
            Err(Error::TimeoutExpired { seconds, pid: Some(p) }) if seconds == 0.0 && p == pid
        ));
        let t0 = Instant::now();
        assert!(matches!(
            wait_with(&t, Some(Duration::from_millis(50)), false),
            Err(Error::TimeoutExpired { .. })
        ));
        assert!(t0.elapsed() >= Duration::from_millis(50));
        assert_eq!(wait_with(&t, None, false).unwrap(), Some(Exit::Code(7)));
        std::mem::forget(c);
        // Remembered: the same answer again (the pid no longer exists).
        assert_eq!(wait_with(&t, None, false).unwrap(), Some(Exit::Code(7)));

        let (c, pid) = spawn(&["sleep", "30"]);
        let t = target(&roots, pid);
        send_signal(&t, libc::SIGKILL).unwrap();
        assert_eq!(
            wait_with(&t, Some(Duration::from_secs(10)), false).unwrap(),
            Some(Exit::Signal(9))
        );
        std::mem::forget(c);
        // Gone and reaped: nothing to wait for, and signals say so.
        assert!(matches!(
            send_signal(&t, 0),
            Err(Error::NoSuchProcess { pid: p, .. }) if p == pid
        ));
        // pid 1 is not our child: it does not end, so the wait times out.
        let init = target(&roots, 1);
        assert!(matches!(
            wait_with(&init, Some(Duration::from_millis(20)), false),
            Err(Error::TimeoutExpired { .. })
        ));
        assert!(matches!(
            wait_with(&init, Some(Duration::from_millis(20)), true),
            Err(Error::TimeoutExpired { .. })
        ));
    }

    #[test]
    fn exits_kept_are_bounded() {
        let roots = Roots::default();
        let t = Target {
            roots: &roots,
            pid: i32::MAX,
            start: u64::MAX,
            cache: None,
        };
        remember(&t, Exit::Code(1));
        assert_eq!(remembered(&t), Some(Exit::Code(1)));
        let len = EXITS.lock().map(|e| e.len()).unwrap_or(0);
        assert!(len <= EXITS_KEPT);
    }
}
