//! Scheduling and limits of a process: psutil's `nice` (set), `ionice`, `rlimit` and
//! `cpu_affinity`.

use super::attrs::Attr;
use super::Process;
use crate::error::Result;
use crate::platform::imp::process::limits as backend;

/// An I/O scheduling class (psutil's `IOPRIO_CLASS_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IoClass {
    /// `IOPRIO_CLASS_NONE` (0): no class set; the kernel derives one from the nice value.
    None,
    /// `IOPRIO_CLASS_RT` (1): real time.
    RealTime,
    /// `IOPRIO_CLASS_BE` (2): best effort.
    BestEffort,
    /// `IOPRIO_CLASS_IDLE` (3): only when no one else uses the disk.
    Idle,
}

impl IoClass {
    /// The kernel's number for the class (`IOPRIO_CLASS_*`).
    pub fn as_raw(self) -> i32 {
        match self {
            IoClass::None => crate::consts::IOPRIO_CLASS_NONE,
            IoClass::RealTime => crate::consts::IOPRIO_CLASS_RT,
            IoClass::BestEffort => crate::consts::IOPRIO_CLASS_BE,
            IoClass::Idle => crate::consts::IOPRIO_CLASS_IDLE,
        }
    }

    /// The class numbered `raw`, if the kernel defines one.
    pub fn from_raw(raw: i32) -> Option<IoClass> {
        match raw {
            0 => Some(IoClass::None),
            1 => Some(IoClass::RealTime),
            2 => Some(IoClass::BestEffort),
            3 => Some(IoClass::Idle),
            _ => None,
        }
    }
}

impl serde::Serialize for IoClass {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.as_raw())
    }
}

/// A process's I/O priority (psutil's `pionice`), from `ioprio_get(2)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IoNice {
    /// The class.
    pub ioclass: IoClass,
    /// The level within the class, 0 (highest) to 7; 0 for the classes without levels.
    pub value: i32,
}

impl Process {
    /// Sets the nice value (psutil's `nice(value)`), -20 (most favoured) to 19; the kernel
    /// clamps values outside that range. Lowering it needs `CAP_SYS_NICE`, else
    /// [`Error::AccessDenied`](crate::Error::AccessDenied). `setpriority(2)` takes a pid,
    /// so the call is bracketed by two identity checks: a process that has gone or whose
    /// pid was reused is [`Error::NoSuchProcess`](crate::Error::NoSuchProcess) and is not
    /// touched.
    ///
    /// ```no_run
    /// let me = sysgauge::Process::current()?;
    /// me.set_nice(10)?;
    /// assert_eq!(me.nice()?, 10);
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn set_nice(&self, value: i32) -> Result<()> {
        backend::set_nice(&self.target(), value)
    }

    /// The I/O scheduling class and level (psutil's `ionice()`), from `ioprio_get(2)`.
    /// A process that never set one reports [`IoClass::None`] with level 0.
    pub fn ionice(&self) -> Result<IoNice> {
        self.serve(Attr::Ionice, backend::ionice)
    }

    /// Sets the I/O class and level (psutil's `ionice(ioclass, value)`), through
    /// `ioprio_set(2)`. `value` is the level 0 (highest) to 7; `None` means 0.
    /// [`IoClass::None`] and [`IoClass::Idle`] take no level (a non-zero one is
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument), as psutil's
    /// `ValueError`), nor does any class take a level outside 0..=7. [`IoClass::RealTime`]
    /// needs `CAP_SYS_ADMIN` or `CAP_SYS_NICE`. Identity checks as [`Process::set_nice`].
    ///
    /// ```no_run
    /// use sysgauge::{IoClass, Process};
    /// let me = Process::current()?;
    /// me.set_ionice(IoClass::BestEffort, Some(6))?;
    /// assert_eq!(me.ionice()?.value, 6);
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn set_ionice(&self, ioclass: IoClass, value: Option<i32>) -> Result<()> {
        backend::set_ionice(&self.target(), ioclass, value)
    }

    /// Sets the I/O priority from raw numbers, as psutil's `ionice(ioclass, value)` hands
    /// them to the kernel once its own argument checks have passed: `ioprio_set(2)` with
    /// `class << 13 | value`, not checked here (the kernel's `EINVAL` is
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument); since Linux 5.17 the
    /// kernel reads the class from three bits, so class 99 is class 3). Prefer
    /// [`Process::set_ionice`]; this one gives psutil's exact outcome for odd numbers.
    /// Identity checks as [`Process::set_nice`].
    pub fn set_ionice_raw(&self, class: i32, value: i32) -> Result<()> {
        backend::set_ionice_raw(&self.target(), class, value)
    }

    /// The `(soft, hard)` limits of `resource` (one of the `RLIMIT_*` constants) in the
    /// resource's unit (bytes, seconds, a count...), [`crate::RLIM_INFINITY`] (-1) for no
    /// limit (psutil's `rlimit(resource)`), from `prlimit(2)`. An unknown resource is
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
    ///
    /// ```no_run
    /// let (soft, hard) = sysgauge::Process::current()?.rlimit(sysgauge::RLIMIT_NOFILE)?;
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn rlimit(&self, resource: i32) -> Result<(i64, i64)> {
        backend::rlimit(&self.target(), resource)
    }

    /// Sets the `(soft, hard)` limits of `resource` (psutil's `rlimit(resource, limits)`),
    /// -1 for no limit, through `prlimit(2)`. `soft > hard` is
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument); raising a hard limit
    /// without `CAP_SYS_RESOURCE` is [`Error::AccessDenied`](crate::Error::AccessDenied).
    /// Identity checks as [`Process::set_nice`].
    pub fn set_rlimit(&self, resource: i32, soft: i64, hard: i64) -> Result<()> {
        backend::set_rlimit(&self.target(), resource, soft, hard)
    }

    /// The CPUs the process may run on, ascending (psutil's `cpu_affinity()`), from
    /// `sched_getaffinity(2)`.
    pub fn cpu_affinity(&self) -> Result<Vec<usize>> {
        self.serve(Attr::CpuAffinity, backend::cpu_affinity)
    }

    /// Restricts the process to `cpus` (psutil's `cpu_affinity(cpus)`), through
    /// `sched_setaffinity(2)`. An empty slice means every eligible CPU: the leading `a-b`
    /// range of `Cpus_allowed_list` in `/proc/<pid>/status`, else all the CPUs of
    /// `/proc/stat`. CPUs that do not exist or are not eligible give
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) with psutil's message
    /// (when none of the asked CPUs is usable; like psutil, a usable CPU among them makes
    /// the kernel ignore the others). Identity checks as [`Process::set_nice`].
    ///
    /// ```no_run
    /// let me = sysgauge::Process::current()?;
    /// me.set_cpu_affinity(&[0])?;
    /// assert_eq!(me.cpu_affinity()?, vec![0]);
    /// me.set_cpu_affinity(&[])?; // back to all
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn set_cpu_affinity(&self, cpus: &[usize]) -> Result<()> {
        backend::set_cpu_affinity(&self.target(), cpus)
    }
}
