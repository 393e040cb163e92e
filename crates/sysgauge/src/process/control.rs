//! Acting on processes: psutil's `send_signal`, `suspend`, `resume`, `terminate`, `kill`,
//! `wait` and `wait_procs`.
//!
//! A [`Process`] is a pid plus a start time, and no call here ever acts on a later process
//! that was given the same pid: signals go through a pidfd checked to refer to the process
//! (Linux ≥ 5.3), or, without pidfds, `kill(2)` right after a start-time check (the
//! remaining window is documented in the backend); `wait` never reaps or waits for another
//! process either.

use std::time::{Duration, Instant};

use super::Process;
use crate::error::{Error, Result};
use crate::platform::imp::process::control as backend;
use crate::platform::imp::sys::process as sys;

/// How a process ended, as [`Process::wait`] reports it for a child of the caller.
///
/// psutil returns a plain `int` for an exit code and a negative `Negsignal` member (e.g.
/// `-SIGTERM`) for a death by signal; [`Exit::psutil_code`] gives that number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Exit {
    /// It exited with this code (0..=255): `exit(code)` or a return from `main`.
    Code(i32),
    /// It was killed by this signal number (e.g. 15 for `SIGTERM`).
    Signal(i32),
}

impl Exit {
    /// psutil's number for this end: the exit code, or minus the signal number.
    pub fn psutil_code(self) -> i32 {
        match self {
            Exit::Code(c) => c,
            Exit::Signal(s) => s.saturating_neg(),
        }
    }
}

impl Process {
    /// Sends signal `sig` (`libc::SIGTERM`..., real-time signals included; 0 only checks
    /// that the process may be signalled) to this process, never to a process that reused
    /// its pid (psutil's `send_signal()`).
    ///
    /// Errors: [`Error::NoSuchProcess`] when the process has gone or its pid was reused;
    /// [`Error::AccessDenied`] when the kernel refuses (`EPERM`: another user's process);
    /// [`Error::InvalidArgument`] for a signal number outside `0..=SIGRTMAX` or pid 0. A
    /// zombie accepts signals (they do nothing), as with psutil on Linux.
    ///
    /// ```no_run
    /// let child = std::process::Command::new("sleep").arg("10").spawn()?;
    /// let p = sysgauge::Process::new(child.id() as i32)?;
    /// p.send_signal(libc::SIGUSR1)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn send_signal(&self, sig: i32) -> Result<()> {
        backend::send_signal(&self.target(), sig)
    }

    /// Stops the process with `SIGSTOP` (psutil's `suspend()`); errors as
    /// [`Process::send_signal`].
    pub fn suspend(&self) -> Result<()> {
        self.send_signal(sys::SIGSTOP)
    }

    /// Continues a stopped process with `SIGCONT` (psutil's `resume()`); errors as
    /// [`Process::send_signal`].
    pub fn resume(&self) -> Result<()> {
        self.send_signal(sys::SIGCONT)
    }

    /// Asks the process to end with `SIGTERM` (psutil's `terminate()`); errors as
    /// [`Process::send_signal`].
    pub fn terminate(&self) -> Result<()> {
        self.send_signal(sys::SIGTERM)
    }

    /// Kills the process with `SIGKILL` (psutil's `kill()`); errors as
    /// [`Process::send_signal`].
    pub fn kill(&self) -> Result<()> {
        self.send_signal(sys::SIGKILL)
    }

    /// Waits until the process ends (psutil's `wait()`).
    ///
    /// - A child of the caller is reaped: `Some(`[`Exit`]`)` says how it ended.
    /// - Any other process: `None` once it is gone (its exit status goes to its parent).
    ///   A zombie still counts as running, as in psutil: the wait ends when its parent
    ///   reaps it.
    /// - A process already gone (or whose pid was reused): `None` at once.
    ///
    /// `timeout`: `None` waits for ever; `Some(Duration::ZERO)` looks once; when the time
    /// runs out the result is [`Error::TimeoutExpired`] (`seconds` = the timeout). Once a
    /// child has been reaped, every later `wait` on this process (or a clone, or an equal
    /// `Process`) returns the same [`Exit`] again, as psutil's does: the statuses are kept
    /// process-wide by (pid, start time), the last 4096 of them.
    ///
    /// Mechanism: `pidfd_open(2)` + `poll(2)` + `waitid(P_PIDFD)` where the kernel has
    /// them; else psutil's fallback, `waitpid(WNOHANG)` every 0.1 ms to 40 ms (doubling).
    ///
    /// ```no_run
    /// use sysgauge::{Exit, Process};
    /// let child = std::process::Command::new("sh").args(["-c", "exit 7"]).spawn()?;
    /// let p = Process::new(child.id() as i32)?;
    /// assert_eq!(p.wait(None)?, Some(Exit::Code(7)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait(&self, timeout: Option<Duration>) -> Result<Option<Exit>> {
        backend::wait(&self.target(), timeout)
    }
}

/// Waits for several processes to end (psutil's `wait_procs()`), for `timeout` in all
/// (`None`: until all have ended). Returns `(gone, alive)`: the processes that ended,
/// each with what [`Process::wait`] returned for it (`Some` for children of the caller),
/// in the order they were seen to end, and those still running, in the given order.
/// Duplicates (equal processes) count once. `callback` is called on each process as soon
/// as it is seen to end, with its exit. Running out of time is not an error here; other
/// errors of [`Process::wait`] are returned.
///
/// As psutil: each round waits at most 1 s / (processes still running) on each
/// process, so one slow process does not delay noticing the others; after the rounds,
/// every survivor is looked at once more without waiting.
///
/// ```no_run
/// use std::time::Duration;
/// let procs: Vec<sysgauge::Process> = vec![/* ... */];
/// for p in &procs {
///     let _ = p.terminate();
/// }
/// let mut on_end = |p: &sysgauge::Process, exit: Option<sysgauge::Exit>| {
///     println!("{} ended: {exit:?}", p.pid());
/// };
/// let (gone, alive) =
///     sysgauge::wait_procs(&procs, Some(Duration::from_secs(3)), Some(&mut on_end))?;
/// for p in &alive {
///     let _ = p.kill();
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
#[allow(clippy::type_complexity)]
pub fn wait_procs(
    procs: &[Process],
    timeout: Option<Duration>,
    mut callback: Option<&mut dyn FnMut(&Process, Option<Exit>)>,
) -> Result<(Vec<(Process, Option<Exit>)>, Vec<Process>)> {
    let mut alive: Vec<Process> = Vec::with_capacity(procs.len());
    for p in procs {
        if !alive.contains(p) {
            alive.push(p.clone());
        }
    }
    let mut gone: Vec<(Process, Option<Exit>)> = Vec::new();
    let deadline = timeout.map(|t| Instant::now().checked_add(t));

    // One look: has `p` ended within `wait`? Moves it to `gone` and calls back if so.
    let mut check =
        |p: &Process, wait: Duration, gone: &mut Vec<(Process, Option<Exit>)>| -> Result<bool> {
            let exit = match p.wait(Some(wait)) {
                Ok(e) => e,
                Err(Error::TimeoutExpired { .. }) => return Ok(false),
                Err(e) => return Err(e),
            };
            if exit.is_some() || !p.is_running() {
                if let Some(cb) = callback.as_deref_mut() {
                    cb(p, exit);
                }
                gone.push((p.clone(), exit));
                return Ok(true);
            }
            Ok(false)
        };

    let remaining = |deadline: Option<Option<Instant>>| -> Option<Duration> {
        match deadline {
            None | Some(None) => None,
            Some(Some(at)) => Some(at.saturating_duration_since(Instant::now())),
        }
    };

    'rounds: while !alive.is_empty() {
        if remaining(deadline).is_some_and(|r| r.is_zero()) {
            break;
        }
        let slice = Duration::from_secs(1) / u32::try_from(alive.len()).unwrap_or(u32::MAX);
        let mut still = Vec::with_capacity(alive.len());
        let mut stopped = false;
        for p in alive.drain(..) {
            if stopped {
                still.push(p);
                continue;
            }
            let wait = match remaining(deadline) {
                Some(r) if r.is_zero() => {
                    stopped = true;
                    still.push(p);
                    continue;
                }
                Some(r) => r.min(slice),
                None => slice,
            };
            if !check(&p, wait, &mut gone)? {
                still.push(p);
            }
        }
        alive = still;
        if stopped {
            break 'rounds;
        }
    }
    // A last look at the survivors, without waiting.
    let mut still = Vec::with_capacity(alive.len());
    for p in alive {
        if !check(&p, Duration::ZERO, &mut gone)? {
            still.push(p);
        }
    }
    Ok((gone, still))
}
