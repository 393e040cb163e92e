//! Scheduling and limits of one process: nice (set), I/O priority, resource limits and CPU
//! affinity, through the pid-based syscalls of `sys::process`.
//!
//! Those syscalls take a pid, not a pidfd, so each call is bracketed by identity checks
//! (`starttime` of `<pid>/stat`): a setter checks before acting (psutil's
//! `_raise_if_pid_reused`, so a process that has gone is never acted on) and after (the
//! process was alive then, so it was the one acted on); a getter checks after reading.
//! Residual race, for setters only: the process exits, is reaped and its pid is handed to
//! a new process between the first check and the syscall; the call then reports
//! [`Error::NoSuchProcess`] but may have changed the newcomer.

use super::{stat_same, Target};
use crate::error::{Error, Result};
use crate::platform::linux::cpu::cpu_times_percpu;
use crate::platform::linux::sys::process as sys;
use crate::process::{IoClass, IoNice};
use crate::roots::Roots;
use std::borrow::Cow;

/// Reads with `f(pid)` and confirms afterwards that the pid was still the target's
/// ([`Target::observe`]).
fn observe<T>(t: &Target, f: impl FnOnce(i32) -> Result<T>) -> Result<T> {
    t.observe(f)
}

/// Acts with `f(pid)` between two identity checks (see the module docs), each a fresh read
/// of `stat` even inside a oneshot.
fn act<T>(t: &Target, f: impl FnOnce(i32) -> Result<T>) -> Result<T> {
    stat_same(t.roots, t.pid, t.start)?;
    let r = f(t.pid);
    stat_same(t.roots, t.pid, t.start)?;
    r
}

/// `setpriority(2)`: the new nice value (the kernel clamps it to -20..=19).
pub(crate) fn set_nice(t: &Target, value: i32) -> Result<()> {
    act(t, |pid| sys::set_nice(pid, value))
}

/// `ioprio_get(2)`: class and level (psutil's `ionice()`).
pub(crate) fn ionice(t: &Target) -> Result<IoNice> {
    let (class, value) = observe(t, sys::ioprio_get)?;
    let ioclass = IoClass::from_raw(class).ok_or_else(|| {
        Error::unsupported(format!(
            "ioprio_get(pid {}): unknown I/O class {class}",
            t.pid
        ))
    })?;
    Ok(IoNice { ioclass, value })
}

/// `ioprio_set(2)` with psutil's rules: `None` is level 0; `None`/`Idle` take no level;
/// levels are 0..=7 (else [`Error::InvalidArgument`]).
pub(crate) fn set_ionice(t: &Target, ioclass: IoClass, value: Option<i32>) -> Result<()> {
    let value = value.unwrap_or(0);
    act(t, |pid| sys::ioprio_set(pid, ioclass.as_raw(), value))
}

/// `ioprio_set(2)` with the raw numbers, unchecked (psutil's call once its Python-side
/// checks passed).
pub(crate) fn set_ionice_raw(t: &Target, class: i32, value: i32) -> Result<()> {
    act(t, |pid| sys::ioprio_set_unchecked(pid, class, value))
}

/// psutil: a `prlimit` that answers `ENOSYS` on a zombie is [`Error::ZombieProcess`].
fn zombie_or(t: &Target, e: Error) -> Error {
    if matches!(e, Error::Unsupported { .. }) {
        if let Err(z) = t.raise_if_zombie() {
            return z;
        }
    }
    e
}

/// `prlimit(2)`: `(soft, hard)`, `-1` for unlimited.
pub(crate) fn rlimit(t: &Target, resource: i32) -> Result<(i64, i64)> {
    observe(t, |pid| sys::prlimit_get(pid, resource)).map_err(|e| zombie_or(t, e))
}

/// `prlimit(2)` set: `-1` for unlimited.
pub(crate) fn set_rlimit(t: &Target, resource: i32, soft: i64, hard: i64) -> Result<()> {
    act(t, |pid| sys::prlimit_set(pid, resource, soft, hard)).map_err(|e| zombie_or(t, e))
}

/// `sched_getaffinity(2)`: the CPUs, ascending, each once.
pub(crate) fn cpu_affinity(t: &Target) -> Result<Vec<usize>> {
    observe(t, sys::sched_getaffinity)
}

/// The largest CPU number taken from an `a-b` range of `Cpus_allowed_list`; a bigger one
/// (garbage) falls back to the per-CPU count instead of building a huge list.
const MAX_RANGE_CPU: usize = 1 << 16;

/// The leading `a-b` of a `Cpus_allowed_list` value (what psutil's pattern
/// `Cpus_allowed_list:\t(\d+)-(\d+)` captures: `0-3,6-7` gives 0..=3), as a list.
pub(crate) fn leading_range(v: &[u8]) -> Option<Vec<usize>> {
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let n = digits(v);
    let (a, rest) = (v.get(..n)?, v.get(n..)?);
    let rest = rest.strip_prefix(b"-")?;
    let m = digits(rest);
    let b = rest.get(..m)?;
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let a: usize = std::str::from_utf8(a).ok()?.parse().ok()?;
    let b: usize = std::str::from_utf8(b).ok()?.parse().ok()?;
    if b >= MAX_RANGE_CPU {
        return None;
    }
    Some((a..=b).collect())
}

/// The number of `cpuN` lines of `/proc/stat` (psutil's `len(per_cpu_times())`).
fn n_cpus(t: &Target) -> Result<usize> {
    Ok(cpu_times_percpu(t.roots)?.len())
}

/// psutil's eligible CPUs (what `[]` means): the leading `a-b` range of
/// `Cpus_allowed_list` in `<pid>/status`, else every CPU of `/proc/stat`.
pub(crate) fn eligible_cpus(t: &Target) -> Result<Vec<usize>> {
    let range = t.with_status(|st, _| Ok(st.cpus_allowed_list.and_then(leading_range)))?;
    match range {
        Some(r) => Ok(r),
        None => Ok((0..n_cpus(t)?).collect()),
    }
}

/// `sched_setaffinity(2)` on `cpus` (duplicates dropped; `[]` = [`eligible_cpus`]). A
/// refusal for CPU numbers is turned into psutil's `ValueError` messages as
/// [`Error::InvalidArgument`] ("invalid CPU n; choose between [...]", "CPU number n is not
/// eligible; choose between [...]").
pub(crate) fn set_cpu_affinity(t: &Target, cpus: &[usize]) -> Result<()> {
    stat_same(t.roots, t.pid, t.start)?;
    let mut want: Vec<usize> = if cpus.is_empty() {
        eligible_cpus(t)?
    } else {
        cpus.to_vec()
    };
    want.sort_unstable();
    want.dedup();
    match observe(t, |pid| sys::sched_setaffinity(pid, &want)) {
        Err(Error::InvalidArgument(msg)) => {
            let eligible = eligible_cpus(t)?;
            let asked: Vec<i64> = want
                .iter()
                .map(|&c| i64::try_from(c).unwrap_or(i64::MAX))
                .collect();
            Err(sys::affinity_error(&asked, n_cpus(t)?, &eligible)
                .unwrap_or(Error::InvalidArgument(msg)))
        }
        other => other,
    }
}

/// The logical CPU count that `Process::cpu_percent` scales by: psutil's `cpu_count() or
/// 1`, which it asks for on every call (`sysconf(_SC_NPROCESSORS_ONLN)` on the live
/// system: glibc opens and reads `/sys/devices/system/cpu/online`). A caller sampling many
/// processes asks once and passes the count to each [`cpu_sample`].
pub(crate) fn num_cpus(roots: &Roots) -> f64 {
    crate::platform::linux::cpu::cpu_count_logical(roots).unwrap_or(1) as f64
}

/// One sample for `Process::cpu_percent`, psutil's way: `(timer, busy)` where `timer` is
/// the monotonic clock in seconds × `num_cpus` (from [`num_cpus`]) and `busy` the
/// process's user + system time in seconds from `<pid>/stat`. The clock is read first,
/// then the times, as psutil does. `fresh` reads `stat` anew even inside a oneshot (a
/// blocking measure needs two distinct reads).
pub(crate) fn cpu_sample(t: &Target, fresh: bool, num_cpus: f64) -> Result<(f64, f64)> {
    let timer = sys::monotonic_secs() * num_cpus;
    let s = if fresh {
        Cow::Owned(stat_same(t.roots, t.pid, t.start)?)
    } else {
        t.stat()?
    };
    let times = super::cpu_times(&s)?;
    Ok((timer, times.user + times.system))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_range_like_psutil_pattern() {
        assert_eq!(leading_range(b"0-3"), Some(vec![0, 1, 2, 3]));
        assert_eq!(leading_range(b"0-1,4-5"), Some(vec![0, 1]));
        assert_eq!(leading_range(b"2-2"), Some(vec![2]));
        // psutil's pattern needs a range: a single CPU or a list falls back.
        assert_eq!(leading_range(b"0"), None);
        assert_eq!(leading_range(b"0,2"), None);
        assert_eq!(leading_range(b""), None);
        assert_eq!(leading_range(b"-3"), None);
        assert_eq!(leading_range(b"3-"), None);
        // A reversed range is empty, as Python's range(3, 1 + 1).
        assert_eq!(leading_range(b"3-1"), Some(vec![]));
        assert_eq!(leading_range(b"0-99999999999999999999999"), None);
        assert_eq!(leading_range(b"0-70000"), None);
    }
}
