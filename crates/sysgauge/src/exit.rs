//! Exit functions that also run when the process is ended by a signal:
//! [`register_exit_fun`], after Giampaolo Rodola's recipe "How to always execute exit
//! functions in Python" (the psutil author's `register_exit_fun`).
//!
//! `atexit(3)` functions do not run when a signal such as `SIGTERM` kills the process, and
//! installing a signal handler replaces whatever handler was there. This module does
//! both, properly: the function runs once, either at a normal exit or when one of the
//! chosen signals arrives; the handler that was installed before keeps running after it;
//! and a signal that nobody else handles still ends the process with that signal.
//!
//! # Async-signal safety
//!
//! When a signal arrives the registered functions run **inside the signal handler**, on
//! whichever thread the kernel picked, interrupting that thread wherever it was. That is
//! the recipe's design, and it is not async-signal-safe in general: a function that
//! allocates, locks a mutex (`println!` locks stdout), or touches state the interrupted
//! code was changing may deadlock or see a half-done update. The machinery itself is safe
//! in a handler (atomic loads, a swap, `sigaction`, `raise`); keep the functions to
//! async-signal-safe work (`write(2)` to an already open descriptor, `unlink(2)`...) for
//! guaranteed behaviour. A robust alternative without that limit needs a thread that
//! waits for the signal (as `signal-hook`'s iterator does) — a hidden thread, which this
//! library does not start. A panic in a function is caught and the others still run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, Once, OnceLock};

use crate::error::{Error, Result};
use crate::platform::imp::sys::signals;

/// How many functions [`register_exit_fun`] can hold (POSIX guarantees 32 `atexit`
/// functions; this registry is its own, with room for more).
pub const MAX_EXIT_FUNS: usize = 256;

/// One registered function.
struct Entry {
    f: Box<dyn Fn() + Send + Sync>,
    /// Set by whoever runs it first (a signal handler or the `atexit` hook).
    ran: AtomicBool,
    /// Bit `n` set: signal `n` runs it.
    signals: u128,
}

/// The registered functions, in registration order; filled under [`REGISTER`], read
/// lock-free (from signal handlers) up to [`USED`].
static ENTRIES: [OnceLock<Entry>; MAX_EXIT_FUNS] = [const { OnceLock::new() }; MAX_EXIT_FUNS];
/// The number of filled [`ENTRIES`].
static USED: AtomicUsize = AtomicUsize::new(0);
/// Serializes registrations (never taken by a signal handler).
static REGISTER: Mutex<()> = Mutex::new(());
/// The `atexit` hook is installed once.
static AT_EXIT: Once = Once::new();

/// Runs `e` unless someone already did; a panic is caught.
fn run(e: &Entry) {
    if !e.ran.swap(true, Ordering::AcqRel) {
        let _ = catch_unwind(AssertUnwindSafe(|| (e.f)()));
    }
}

/// The registered entries, newest first (the order `atexit` runs functions in).
fn newest_first() -> impl Iterator<Item = &'static Entry> {
    let n = USED.load(Ordering::Acquire).min(MAX_EXIT_FUNS);
    ENTRIES
        .get(..n)
        .unwrap_or_default()
        .iter()
        .rev()
        .filter_map(OnceLock::get)
}

/// The `atexit(3)` hook: every function not run yet.
extern "C" fn on_exit() {
    newest_first().for_each(run);
}

/// The signal handler: the functions registered for `sig` (newest first), then the
/// previous handler, or, when there was none, the default action (the process ends by
/// `sig`).
extern "C" fn on_signal(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let bit = u32::try_from(sig)
        .ok()
        .and_then(|s| 1u128.checked_shl(s))
        .unwrap_or(0);
    newest_first()
        .filter(|e| e.signals & bit != 0)
        .for_each(run);
    if !signals::chain(sig, info, ctx) {
        signals::die_by_default(sig);
    }
}

/// Registers `f` to run once when the process exits normally (returns from `main` or
/// calls [`std::process::exit`], like `atexit(3)`) **or** receives one of `signals`
/// (typically `&[libc::SIGTERM]`), whichever comes first (the recipe's
/// `register_exit_fun(fun, signals)`).
///
/// On one of those signals: the functions registered for it run (newest first), then the
/// handler that was installed for the signal before the first registration, if any (so
/// another library's handler keeps working; whether the process then ends is up to it);
/// if there was none (`SIG_DFL`), the default action is restored and the signal raised
/// again, so the process still ends *by that signal* (its parent sees e.g. "killed by
/// SIGTERM", not an exit code). On a normal exit all functions not run yet run, newest
/// first. Nothing runs on `SIGKILL`, `SIGSTOP`, `_exit(2)` or a signal not listed.
///
/// Each call registers one more function (closures cannot be compared, so registering
/// "the same" function twice runs it twice). A signal that was ignored (`SIG_IGN`) when
/// first registered is left ignored: it does not end the process, so it runs nothing.
/// A handler installed for a listed signal *after* ours replaces ours (as it would
/// replace any).
///
/// Read the module docs on async-signal safety: on a signal, `f` runs inside the signal
/// handler.
///
/// Errors: [`Error::InvalidArgument`] for a signal that cannot be caught or does not end
/// the process (`SIGKILL`, `SIGSTOP`, `SIGCHLD`, `SIGCONT`, `SIGTSTP`, `SIGTTIN`,
/// `SIGTTOU`, `SIGURG`, `SIGWINCH`, 0, the two real-time signals glibc keeps, numbers
/// above `SIGRTMAX`); [`Error::Unsupported`] past [`MAX_EXIT_FUNS`] functions or when
/// `atexit` is full. Nothing is registered when an argument is refused; an error from
/// `sigaction(2)` itself (not expected for the signals accepted) leaves the function
/// registered for a normal exit and the signals hooked before it.
///
/// ```no_run
/// sysgauge::register_exit_fun(
///     || {
///         let _ = std::fs::remove_file("/tmp/my.pid");
///     },
///     &[libc::SIGTERM, libc::SIGINT],
/// )?;
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn register_exit_fun<F>(f: F, signals: &[i32]) -> Result<()>
where
    F: Fn() + Send + Sync + 'static,
{
    let mut mask = 0u128;
    for &sig in signals {
        if !signals::ends_process(sig) {
            return Err(Error::InvalidArgument(format!(
                "signal {sig}: not one that can be caught and ends the process"
            )));
        }
        mask |= u32::try_from(sig)
            .ok()
            .and_then(|s| 1u128.checked_shl(s))
            .unwrap_or(0);
    }
    let _guard = REGISTER.lock().unwrap_or_else(|p| p.into_inner());
    let n = USED.load(Ordering::Acquire);
    let slot = ENTRIES.get(n).ok_or_else(|| {
        Error::unsupported(format!(
            "register_exit_fun: at most {MAX_EXIT_FUNS} functions"
        ))
    })?;
    let mut hook_err = None;
    AT_EXIT.call_once(|| hook_err = signals::at_exit(on_exit).err());
    if let Some(e) = hook_err {
        return Err(e);
    }
    let _ = slot.set(Entry {
        f: Box::new(f),
        ran: AtomicBool::new(false),
        signals: mask,
    });
    // Published before any handler is installed, so a signal finds the function.
    USED.store(n + 1, Ordering::Release);
    for &sig in signals {
        signals::hook(sig, on_signal)?;
    }
    Ok(())
}
