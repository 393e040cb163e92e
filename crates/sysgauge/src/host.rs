//! The host: boot time and logged-in users (psutil's `boot_time()` and `users()`).
//!
//! ```no_run
//! let booted = sysgauge::boot_time()?;
//! for u in sysgauge::users()? {
//!     println!("{} on {:?} from {:?} since {}", u.name, u.terminal, u.host, u.started);
//! }
//! # let _ = booted;
//! # Ok::<(), sysgauge::Error>(())
//! ```

use crate::error::Result;
use crate::platform::linux::host as backend;
use crate::roots::Roots;

/// One user session from the utmp file (psutil's `suser`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct User {
    /// The user name (`ut_user`), decoded from bytes as UTF-8 with invalid sequences
    /// replaced by U+FFFD (psutil keeps them as lone surrogates, which a Rust `String`
    /// cannot hold).
    pub name: String,
    /// The tty or pseudo-tty without `/dev/` (`ut_line`, e.g. `pts/0`), or `None` when
    /// the record has none.
    pub terminal: Option<String>,
    /// The remote host name or X display (`ut_host`). On Linux psutil 7.2.2 always gives a
    /// value, so this is always `Some`: an empty `ut_host`, `":0"` and `":0.0"` all become
    /// `"localhost"`. (`Option` because other platforms give none.)
    pub host: Option<String>,
    /// When the session started, in seconds since the Epoch (`ut_tv.tv_sec`; psutil drops
    /// the microseconds, and so does this).
    pub started: f64,
    /// The pid of the session's login process (`ut_pid`).
    pub pid: i32,
}

/// The system boot time, in seconds since the Epoch (UTC), as a float with no fractional
/// part: the `btime` line of `/proc/stat`, read afresh on every call (psutil 7.2.2 keeps no
/// cache either).
///
/// The kernel derives `btime` from the wall clock minus the time since boot, so the value
/// follows changes of the system clock (manual settings, NTP steps) and may differ by a
/// second between reads. On the live system sysgauge does the same subtraction itself
/// (`CLOCK_REALTIME - CLOCK_BOOTTIME`, truncated to seconds: the same value, ~100x
/// cheaper than reading `/proc/stat`); with another procfs root it reads the file.
///
/// Errors (other roots only): [`Error::Io`](crate::Error::Io) when `/proc/stat` cannot be read,
/// [`Error::Parse`](crate::Error::Parse) when it has no numeric `btime` line.
///
/// ```no_run
/// let t = sysgauge::boot_time()?;
/// println!("booted {t} s after the Epoch");
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn boot_time() -> Result<f64> {
    backend::boot_time(&Roots::current())
}

/// The users currently logged in: one [`User`] per `USER_PROCESS` record of the utmp file
/// ([`Roots::utmp`]: `/var/run/utmp` unless `SYSGAUGE_UTMP_PATH` says otherwise), in file
/// order. Every other record type (boot, run level, `LOGIN`, dead sessions...) is skipped.
///
/// The file is read directly with glibc's record layout (see
/// [`parse::utmp`](crate::platform::linux::parse::utmp)) instead of through
/// `getutxent(3)`, so nothing is left open and no process-wide libc state is touched.
///
/// A missing utmp file means nobody is logged in: an empty list. Other I/O errors (e.g.
/// [`Error::AccessDenied`](crate::Error::AccessDenied)) are returned, where psutil, through
/// glibc, silently returns an empty list.
///
/// ```no_run
/// for u in sysgauge::users()? {
///     println!("{} (pid {})", u.name, u.pid);
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn users() -> Result<Vec<User>> {
    backend::users(&Roots::current())
}
