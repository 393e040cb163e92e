//! Signal dispositions and `atexit(3)`, for [`crate::register_exit_fun`]: install a
//! handler while keeping the disposition it replaced, call that previous handler from
//! ours (chaining), and die by a signal's default action.
//!
//! The saved dispositions live in static slots (one per signal number) written once,
//! before our handler is installed, and read from the handler with a plain atomic load
//! (`OnceLock::get`), which is async-signal-safe.

use std::sync::OnceLock;

use crate::error::{Error, Result};

/// The signature of a `SA_SIGINFO` handler.
pub(crate) type InfoHandler = extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);
/// The signature of a plain handler.
type PlainHandler = extern "C" fn(libc::c_int);
/// The signature of an `atexit(3)` function.
pub(crate) type AtExit = extern "C" fn();

/// The largest signal number Linux has (`_NSIG - 1`); `SIGRTMAX()` is at most this.
const MAX_SIGNAL: usize = 64;

/// A disposition as `sigaction(2)` gave it.
#[derive(Clone, Copy)]
struct Saved(libc::sigaction);

/// The disposition each signal had before ours replaced it (index: signal number).
static SAVED: [OnceLock<Saved>; MAX_SIGNAL + 1] = [const { OnceLock::new() }; MAX_SIGNAL + 1];

/// What [`hook`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hooked {
    /// Our handler is now installed (the previous disposition is kept for [`chain`]).
    Installed,
    /// Our handler was already installed by an earlier call.
    Already,
    /// The signal was ignored (`SIG_IGN`): left alone, it does not end the process.
    Ignored,
}

fn os_error(call: &str, sig: i32) -> Error {
    Error::Io {
        path: format!("{call}(signal {sig})").into(),
        source: std::io::Error::last_os_error(),
    }
}

/// Signals whose default action ends the process (terminate or core dump) and that a
/// handler can catch: all of them but `SIGKILL`, `SIGSTOP`, the stop signals (`SIGTSTP`,
/// `SIGTTIN`, `SIGTTOU`) and those ignored by default (`SIGCHLD`, `SIGCONT`, `SIGURG`,
/// `SIGWINCH`); real-time signals from `SIGRTMIN()` (glibc keeps the first two for
/// itself) to `SIGRTMAX()`.
pub(crate) fn ends_process(sig: i32) -> bool {
    const NOT: [i32; 9] = [
        libc::SIGKILL,
        libc::SIGSTOP,
        libc::SIGTSTP,
        libc::SIGTTIN,
        libc::SIGTTOU,
        libc::SIGCHLD,
        libc::SIGCONT,
        libc::SIGURG,
        libc::SIGWINCH,
    ];
    if sig >= libc::SIGRTMIN() {
        return sig <= libc::SIGRTMAX();
    }
    (1..32).contains(&sig) && !NOT.contains(&sig)
}

/// Installs `handler` for `sig` (with `SA_SIGINFO | SA_RESTART | SA_ONSTACK`), first
/// saving the disposition it replaces, unless ours is already there or the signal is
/// ignored. Not for concurrent use on one signal: the caller serializes calls. Another
/// thread changing the disposition between our read and our install is lost (documented
/// by the caller).
pub(crate) fn hook(sig: i32, handler: InfoHandler) -> Result<Hooked> {
    let slot = usize::try_from(sig)
        .ok()
        .and_then(|i| SAVED.get(i))
        .filter(|_| ends_process(sig))
        .ok_or_else(|| Error::InvalidArgument(format!("signal {sig} cannot be hooked")))?;
    if slot.get().is_some() {
        return Ok(Hooked::Already);
    }
    // SAFETY: an all-zero sigaction is a valid value (SIG_DFL, empty mask, no flags).
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: `act` is NULL (nothing changes) and `old` points to a writable sigaction.
    if unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) } != 0 {
        return Err(os_error("sigaction", sig));
    }
    if old.sa_sigaction == libc::SIG_IGN {
        return Ok(Hooked::Ignored);
    }
    // Saved before installing, so that the handler finds it from its first run.
    let _ = slot.set(Saved(old));
    // SAFETY: as above.
    let mut new: libc::sigaction = unsafe { std::mem::zeroed() };
    new.sa_sigaction = handler as usize;
    new.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART | libc::SA_ONSTACK;
    // SAFETY: `new.sa_mask` is a valid sigset_t to initialize in place.
    unsafe { libc::sigemptyset(&mut new.sa_mask) };
    // SAFETY: `new` is a fully initialized sigaction whose handler is an `extern "C"`
    // function of the SA_SIGINFO signature, valid for the life of the program; `old` may be
    // NULL.
    if unsafe { libc::sigaction(sig, &new, std::ptr::null_mut()) } != 0 {
        return Err(os_error("sigaction", sig));
    }
    Ok(Hooked::Installed)
}

/// Calls the handler `sig` had before [`hook`] replaced it, with the arguments our handler
/// received. Returns false when there was none (`SIG_DFL`), so the caller applies the
/// default action. Called from a signal handler: only an atomic load and a call.
pub(crate) fn chain(sig: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) -> bool {
    let Some(Saved(old)) = usize::try_from(sig)
        .ok()
        .and_then(|i| SAVED.get(i))
        .and_then(OnceLock::get)
    else {
        return false;
    };
    let h = old.sa_sigaction;
    if h == libc::SIG_DFL || h == libc::SIG_IGN || h == libc::SIG_ERR {
        return false;
    }
    if old.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: the kernel accepted `h` as this signal's SA_SIGINFO handler, installed by
        // code of this process, so it is a function of that signature.
        let f: InfoHandler = unsafe { std::mem::transmute::<usize, InfoHandler>(h) };
        f(sig, info, ctx);
    } else {
        // SAFETY: as above, for a plain (one-argument) handler.
        let f: PlainHandler = unsafe { std::mem::transmute::<usize, PlainHandler>(h) };
        f(sig);
    }
    true
}

/// Ends the process by `sig`'s default action: restores `SIG_DFL`, unblocks `sig` for
/// this thread (it is blocked while its handler runs) and raises it. Returns only if the
/// default action does not end the process. All three calls are async-signal-safe.
pub(crate) fn die_by_default(sig: i32) {
    // SAFETY: plain libc calls on stack values we own: `signal` with SIG_DFL, a sigset
    // initialized by sigemptyset before use, pthread_sigmask with a NULL old set, raise.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(sig);
    }
}

/// `atexit(f)`: `f` runs when the process calls `exit(3)` (as returning from `main`
/// does), not when it is killed by a signal or calls `_exit(2)`.
pub(crate) fn at_exit(f: AtExit) -> Result<()> {
    // SAFETY: `f` is an `extern "C" fn()` valid for the life of the program.
    if unsafe { libc::atexit(f) } != 0 {
        return Err(Error::unsupported("atexit: no room for another function"));
    }
    Ok(())
}
