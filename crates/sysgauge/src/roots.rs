//! Where sysgauge reads the kernel's files from.
//!
//! psutil reads `/proc` from `psutil.PROCFS_PATH`; sysgauge has [`Roots`]: a procfs root, a
//! sysfs root and the utmp file, read from the environment the first time they are needed
//! and changeable at run time. Pointing them at `/host/proc` and `/host/sys` watches a host
//! from inside a container; pointing them at a fixture tree is how the tests run.
//!
//! | variable | default |
//! |---|---|
//! | `SYSGAUGE_PROCFS_PATH` | `/proc` |
//! | `SYSGAUGE_SYSFS_PATH` | `/sys` |
//! | `SYSGAUGE_UTMP_PATH` | `/var/run/utmp` |

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The environment variable naming the procfs root.
pub const PROCFS_ENV: &str = "SYSGAUGE_PROCFS_PATH";
/// The environment variable naming the sysfs root.
pub const SYSFS_ENV: &str = "SYSGAUGE_SYSFS_PATH";
/// The environment variable naming the utmp file.
pub const UTMP_ENV: &str = "SYSGAUGE_UTMP_PATH";

/// The directories (and the one file) sysgauge reads the kernel's data from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roots {
    procfs: PathBuf,
    sysfs: PathBuf,
    utmp: PathBuf,
}

impl Default for Roots {
    /// `/proc`, `/sys` and `/var/run/utmp`, whatever the environment says.
    fn default() -> Self {
        Roots {
            procfs: PathBuf::from("/proc"),
            sysfs: PathBuf::from("/sys"),
            utmp: PathBuf::from("/var/run/utmp"),
        }
    }
}

static CURRENT: RwLock<Option<Arc<Roots>>> = RwLock::new(None);

impl Roots {
    /// Roots at `procfs` and `sysfs`, with the default utmp file.
    pub fn new(procfs: impl Into<PathBuf>, sysfs: impl Into<PathBuf>) -> Self {
        Roots {
            procfs: procfs.into(),
            sysfs: sysfs.into(),
            ..Roots::default()
        }
    }

    /// The defaults, overridden by `SYSGAUGE_PROCFS_PATH`, `SYSGAUGE_SYSFS_PATH` and
    /// `SYSGAUGE_UTMP_PATH` where they are set and not empty.
    pub fn from_env() -> Self {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let d = Roots::default();
        Roots {
            procfs: var(PROCFS_ENV).unwrap_or(d.procfs),
            sysfs: var(SYSFS_ENV).unwrap_or(d.sysfs),
            utmp: var(UTMP_ENV).unwrap_or(d.utmp),
        }
    }

    /// These roots with another utmp file.
    pub fn with_utmp(mut self, utmp: impl Into<PathBuf>) -> Self {
        self.utmp = utmp.into();
        self
    }

    /// The procfs root (psutil's `PROCFS_PATH`).
    pub fn procfs(&self) -> &Path {
        &self.procfs
    }

    /// The sysfs root.
    pub fn sysfs(&self) -> &Path {
        &self.sysfs
    }

    /// The utmp file read by [`users`](crate::users).
    pub fn utmp(&self) -> &Path {
        &self.utmp
    }

    /// `rel` below the procfs root, e.g. `proc("meminfo")`.
    pub fn proc(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.procfs.join(rel)
    }

    /// `rel` below the sysfs root, e.g. `sys("class/net")`.
    pub fn sys(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.sysfs.join(rel)
    }

    /// True when these are the machine's own `/proc` and `/sys`.
    pub fn is_live(&self) -> bool {
        self.procfs == Path::new("/proc") && self.sysfs == Path::new("/sys")
    }

    /// The roots every free function uses: set by [`Roots::set_current`], or else
    /// [`Roots::from_env`] as it was at the first call.
    pub fn current() -> Arc<Roots> {
        if let Ok(guard) = CURRENT.read() {
            if let Some(r) = guard.as_ref() {
                return Arc::clone(r);
            }
        }
        let mut guard = CURRENT.write().unwrap_or_else(|e| e.into_inner());
        Arc::clone(guard.get_or_insert_with(|| Arc::new(Roots::from_env())))
    }

    /// Makes `roots` the ones every free function uses from now on.
    pub fn set_current(roots: Roots) {
        let mut guard = CURRENT.write().unwrap_or_else(|e| e.into_inner());
        *guard = Some(Arc::new(roots));
    }
}

/// The procfs root in use (psutil's `PROCFS_PATH`).
pub fn procfs_path() -> PathBuf {
    Roots::current().procfs.clone()
}

/// Sets the procfs root for every later call (psutil's `psutil.PROCFS_PATH = ...`).
pub fn set_procfs_path(path: impl Into<PathBuf>) {
    let mut r = (*Roots::current()).clone();
    r.procfs = path.into();
    Roots::set_current(r);
}

/// Sets the sysfs root for every later call.
pub fn set_sysfs_path(path: impl Into<PathBuf>) {
    let mut r = (*Roots::current()).clone();
    r.sysfs = path.into();
    Roots::set_current(r);
}

#[cfg(test)]
impl Roots {
    /// The roots of fixture tree `name` under `tests/fixtures/` (its `proc/` and `sys/`).
    pub(crate) fn fixture(name: &str) -> Roots {
        let base = crate::testing::fixture(name);
        Roots::new(base.join("proc"), base.join("sys"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_and_defaults() {
        let r = Roots::new("/host/proc", "/host/sys");
        assert_eq!(r.proc("meminfo"), PathBuf::from("/host/proc/meminfo"));
        assert_eq!(r.sys("class/net"), PathBuf::from("/host/sys/class/net"));
        assert_eq!(r.utmp(), Path::new("/var/run/utmp"));
        assert!(!r.is_live());
        assert!(Roots::default().is_live());
    }
}
