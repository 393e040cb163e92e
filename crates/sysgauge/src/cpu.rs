//! CPU: times, percentages, counts, statistics, frequency and load average.
//!
//! psutil's `cpu_times`, `cpu_percent`, `cpu_times_percent`, `cpu_count`, `cpu_stats`,
//! `cpu_freq` and `getloadavg`, with psutil 7.2.2's sources and formulas:
//!
//! | call | source |
//! |---|---|
//! | [`cpu_times`], [`cpu_times_percpu`] | `/proc/stat` `cpu`/`cpuN` lines ÷ `CLK_TCK` |
//! | [`CpuSampler`], [`cpu_percent`], [`cpu_times_percent`] | two [`cpu_times`] samples |
//! | [`cpu_count`] | `sysconf(_SC_NPROCESSORS_ONLN)`, `/proc/cpuinfo`, `/proc/stat` |
//! | [`cpu_count_physical`] | `/sys/devices/system/cpu/cpu*/topology/core_cpus_list`, `/proc/cpuinfo` |
//! | [`cpu_stats`] | `/proc/stat` `ctxt`, `intr`, `softirq` |
//! | [`cpu_freq`], [`cpu_freq_percpu`] | `/sys/devices/system/cpu/cpufreq/policy*/`, `/proc/cpuinfo` |
//! | [`getloadavg`] | `sysinfo(2)` (or `/proc/loadavg` under other roots) |
//!
//! psutil keeps the previous sample of `cpu_percent` and `cpu_times_percent` hidden in the
//! module; here it lives in a [`CpuSampler`] you own. The free functions [`cpu_percent`]
//! and friends keep one sampler per thread for each of the two families, as psutil 7.2.2
//! keeps its last samples per thread.

use std::cell::RefCell;
use std::thread;
use std::time::Duration;

use crate::error::Result;
use crate::platform::imp::cpu as backend;
use crate::roots::Roots;

/// Time the CPUs spent in each mode since boot, in seconds (`/proc/stat` ticks divided by
/// `sysconf(_SC_CLK_TCK)`), psutil's `scputimes`.
///
/// `steal`, `guest` and `guest_nice` are `None` (and left out when serialized, as psutil
/// leaves the fields out) on kernels whose `/proc/stat` lacks those columns (before Linux
/// 2.6.11, 2.6.24 and 2.6.33). `guest` and `guest_nice` are also counted in `user` and
/// `nice`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CpuTimes {
    /// Seconds running user-mode code (includes `guest`).
    pub user: f64,
    /// Seconds running niced user-mode code (includes `guest_nice`).
    pub nice: f64,
    /// Seconds running in the kernel.
    pub system: f64,
    /// Seconds idle.
    pub idle: f64,
    /// Seconds idle while I/O was outstanding.
    pub iowait: f64,
    /// Seconds servicing hardware interrupts.
    pub irq: f64,
    /// Seconds servicing soft interrupts.
    pub softirq: f64,
    /// Seconds stolen by the hypervisor for other guests (Linux ≥ 2.6.11).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steal: Option<f64>,
    /// Seconds running a virtual CPU for guests (Linux ≥ 2.6.24).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest: Option<f64>,
    /// Seconds running a niced virtual CPU for guests (Linux ≥ 2.6.33).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_nice: Option<f64>,
}

/// The share of elapsed CPU time spent in each mode between two samples, in percent
/// (0.0 to 100.0, rounded to one decimal), psutil's `cpu_times_percent` result. Fields as in
/// [`CpuTimes`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CpuTimesPercent {
    /// Percent of time in user mode.
    pub user: f64,
    /// Percent of time in niced user mode.
    pub nice: f64,
    /// Percent of time in the kernel.
    pub system: f64,
    /// Percent of time idle.
    pub idle: f64,
    /// Percent of time idle waiting for I/O.
    pub iowait: f64,
    /// Percent of time servicing hardware interrupts.
    pub irq: f64,
    /// Percent of time servicing soft interrupts.
    pub softirq: f64,
    /// Percent of time stolen by the hypervisor; `None` as in [`CpuTimes::steal`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steal: Option<f64>,
    /// Percent of time running guests; `None` as in [`CpuTimes::guest`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest: Option<f64>,
    /// Percent of time running niced guests; `None` as in [`CpuTimes::guest_nice`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_nice: Option<f64>,
}

/// Counters of CPU events since boot, from `/proc/stat`, psutil's `scpustats`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CpuStats {
    /// Context switches (`ctxt` line).
    pub ctx_switches: u64,
    /// Interrupts of every kind (first number of the `intr` line).
    pub interrupts: u64,
    /// Soft interrupts of every kind (first number of the `softirq` line); `None` before
    /// Linux 2.6.31, which has no such line (psutil gives `None` too).
    pub soft_interrupts: Option<u64>,
    /// Always 0: Linux does not count system calls (as psutil on Linux).
    pub syscalls: u64,
}

/// A CPU frequency, in MHz, psutil's `scpufreq`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CpuFreq {
    /// The current frequency, in MHz.
    pub current: f64,
    /// The lowest frequency the governor may choose (`scaling_min_freq`), in MHz; 0.0 when
    /// only `/proc/cpuinfo` is available.
    pub min: f64,
    /// The highest frequency the governor may choose (`scaling_max_freq`), in MHz; 0.0 when
    /// only `/proc/cpuinfo` is available.
    pub max: f64,
}

impl CpuTimes {
    /// The fields in psutil's order, `None` for the absent ones.
    fn fields(&self) -> [Option<f64>; 10] {
        [
            Some(self.user),
            Some(self.nice),
            Some(self.system),
            Some(self.idle),
            Some(self.iowait),
            Some(self.irq),
            Some(self.softirq),
            self.steal,
            self.guest,
            self.guest_nice,
        ]
    }
}

/// The time that passed between two samples: the sum of all fields less `guest` and
/// `guest_nice` (already counted in `user` and `nice`), summed in psutil's order.
fn total_time(t: &CpuTimes) -> f64 {
    let mut tot = 0.0;
    for v in t.fields().into_iter().flatten() {
        tot += v;
    }
    tot -= t.guest.unwrap_or(0.0);
    tot -= t.guest_nice.unwrap_or(0.0);
    tot
}

/// The busy part of [`total_time`]: less `idle` and `iowait`.
fn busy_time(t: &CpuTimes) -> f64 {
    total_time(t) - t.idle - t.iowait
}

/// Per-field `t2 - t1`, negative differences (counters that went back) made 0. A field
/// missing from either sample is missing from the result.
fn deltas(t1: &CpuTimes, t2: &CpuTimes) -> CpuTimes {
    let d = |a: f64, b: f64| {
        let x = b - a;
        if x > 0.0 {
            x
        } else {
            0.0
        }
    };
    let o = |a: Option<f64>, b: Option<f64>| Some(d(a?, b?));
    CpuTimes {
        user: d(t1.user, t2.user),
        nice: d(t1.nice, t2.nice),
        system: d(t1.system, t2.system),
        idle: d(t1.idle, t2.idle),
        iowait: d(t1.iowait, t2.iowait),
        irq: d(t1.irq, t2.irq),
        softirq: d(t1.softirq, t2.softirq),
        steal: o(t1.steal, t2.steal),
        guest: o(t1.guest, t2.guest),
        guest_nice: o(t1.guest_nice, t2.guest_nice),
    }
}

/// Python's `round(x, 1)`: the nearest multiple of 0.1 to the exact value of `x`, ties to
/// even (Rust's `{:.1}` formatting rounds the exact binary value the same way).
fn round1(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format!("{x:.1}").parse().unwrap_or(x)
}

/// psutil's `cpu_percent` formula between two samples of the same CPU (or of the whole
/// system): busy time over total time, × 100, rounded to one decimal; 0.0 when no time
/// passed. Busy time is the total less `idle` and `iowait`; the total leaves out `guest`
/// and `guest_nice`. As in psutil 7.2.2 the result is not clamped (it cannot leave
/// 0.0..=100.0: busy is a sum of non-negative deltas within the total).
///
/// ```
/// use sysgauge::{cpu_percent_between, CpuTimes};
/// let t = |user, idle| CpuTimes { user, nice: 0.0, system: 0.0, idle, iowait: 0.0, irq: 0.0,
///     softirq: 0.0, steal: Some(0.0), guest: Some(0.0), guest_nice: Some(0.0) };
/// assert_eq!(cpu_percent_between(&t(1.0, 1.0), &t(2.0, 4.0)), 25.0);
/// assert_eq!(cpu_percent_between(&t(1.0, 1.0), &t(1.0, 1.0)), 0.0);
/// ```
pub fn cpu_percent_between(t1: &CpuTimes, t2: &CpuTimes) -> f64 {
    let d = deltas(t1, t2);
    let all = total_time(&d);
    if all == 0.0 {
        return 0.0;
    }
    round1(busy_time(&d) / all * 100.0)
}

/// psutil's `cpu_times_percent` formula between two samples: each field's delta × `100 /
/// max(1, total delta)` (the total as in [`cpu_percent_between`]; psutil's `max(1, …)`
/// also applies when less than one second of CPU time passed), rounded to one decimal and
/// clamped to 0.0..=100.0.
pub fn cpu_times_percent_between(t1: &CpuTimes, t2: &CpuTimes) -> CpuTimesPercent {
    let d = deltas(t1, t2);
    let all = total_time(&d);
    let scale = 100.0 / if all > 1.0 { all } else { 1.0 };
    let p = |v: f64| {
        let r = round1(v * scale);
        let r = if r > 0.0 { r } else { 0.0 };
        if 100.0 < r {
            100.0
        } else {
            r
        }
    };
    CpuTimesPercent {
        user: p(d.user),
        nice: p(d.nice),
        system: p(d.system),
        idle: p(d.idle),
        iowait: p(d.iowait),
        irq: p(d.irq),
        softirq: p(d.softirq),
        steal: d.steal.map(p),
        guest: d.guest.map(p),
        guest_nice: d.guest_nice.map(p),
    }
}

/// System-wide CPU times since boot, in seconds, from the first line of `/proc/stat`
/// (psutil's `cpu_times()`).
///
/// ```no_run
/// let t = sysgauge::cpu_times()?;
/// println!("user {:.2} s, idle {:.2} s", t.user, t.idle);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn cpu_times() -> Result<CpuTimes> {
    backend::cpu_times(&Roots::current())
}

/// CPU times of each online CPU, in seconds, from the `cpuN` lines of `/proc/stat`, in
/// the file's order (psutil's `cpu_times(percpu=True)`).
pub fn cpu_times_percpu() -> Result<Vec<CpuTimes>> {
    backend::cpu_times_percpu(&Roots::current())
}

/// The previous CPU times sample that `cpu_percent` and `cpu_times_percent` compare
/// against: psutil's hidden module state, as an object.
///
/// [`new`](CpuSampler::new) takes the first sample; every method reads `/proc/stat` again,
/// computes the percentages since the sample it holds, and keeps the new sample. The
/// system-wide and per-CPU samples are kept apart, as psutil does, so the `percpu`
/// methods do not disturb the system-wide ones.
///
/// ```no_run
/// use std::time::Duration;
/// let mut s = sysgauge::CpuSampler::new()?;
/// std::thread::sleep(Duration::from_millis(500));
/// println!("{} % busy", s.percent()?);
/// println!("{:?}", s.percent_percpu_blocking(Duration::from_millis(100))?);
/// # Ok::<(), sysgauge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CpuSampler {
    total: CpuTimes,
    percpu: Vec<CpuTimes>,
}

impl CpuSampler {
    /// Takes the first sample (system-wide and per-CPU) from `/proc/stat`.
    pub fn new() -> Result<Self> {
        let (total, percpu) = backend::cpu_times_all(&Roots::current())?;
        Ok(CpuSampler { total, percpu })
    }

    /// A sampler whose previous sample is the given one.
    pub fn from_times(total: CpuTimes, percpu: Vec<CpuTimes>) -> Self {
        CpuSampler { total, percpu }
    }

    /// The system-wide sample held.
    pub fn last(&self) -> &CpuTimes {
        &self.total
    }

    /// The per-CPU samples held.
    pub fn last_percpu(&self) -> &[CpuTimes] {
        &self.percpu
    }

    /// The sample to compare with and the new one. With a non-zero `interval`, a fresh
    /// sample is taken and the thread sleeps first (psutil's blocking mode).
    fn step_total(&mut self, interval: Duration) -> Result<(CpuTimes, CpuTimes)> {
        let t1 = if interval.is_zero() {
            self.total
        } else {
            let t = cpu_times()?;
            thread::sleep(interval);
            t
        };
        let t2 = cpu_times()?;
        self.total = t2;
        Ok((t1, t2))
    }

    fn step_percpu(&mut self, interval: Duration) -> Result<Vec<(CpuTimes, CpuTimes)>> {
        let t1 = if interval.is_zero() {
            std::mem::take(&mut self.percpu)
        } else {
            let t = cpu_times_percpu()?;
            thread::sleep(interval);
            t
        };
        let t2 = match cpu_times_percpu() {
            Ok(t) => t,
            Err(e) => {
                if interval.is_zero() {
                    self.percpu = t1;
                }
                return Err(e);
            }
        };
        let pairs = t1.into_iter().zip(t2.iter().copied()).collect();
        self.percpu = t2;
        Ok(pairs)
    }

    /// System-wide CPU utilization since the previous sample, in percent (see
    /// [`cpu_percent_between`]).
    pub fn percent(&mut self) -> Result<f64> {
        self.percent_blocking(Duration::ZERO)
    }

    /// Like [`percent`](Self::percent) over a fresh `interval`: samples, sleeps, samples
    /// (and keeps the last sample). A zero interval is [`percent`](Self::percent).
    pub fn percent_blocking(&mut self, interval: Duration) -> Result<f64> {
        let (t1, t2) = self.step_total(interval)?;
        Ok(cpu_percent_between(&t1, &t2))
    }

    /// Per-CPU utilization since the previous sample, in percent, one entry per CPU
    /// present in both samples.
    pub fn percent_percpu(&mut self) -> Result<Vec<f64>> {
        self.percent_percpu_blocking(Duration::ZERO)
    }

    /// Like [`percent_percpu`](Self::percent_percpu) over a fresh `interval`.
    pub fn percent_percpu_blocking(&mut self, interval: Duration) -> Result<Vec<f64>> {
        let pairs = self.step_percpu(interval)?;
        Ok(pairs
            .iter()
            .map(|(a, b)| cpu_percent_between(a, b))
            .collect())
    }

    /// System-wide share of time in each mode since the previous sample, in percent (see
    /// [`cpu_times_percent_between`]).
    pub fn times_percent(&mut self) -> Result<CpuTimesPercent> {
        self.times_percent_blocking(Duration::ZERO)
    }

    /// Like [`times_percent`](Self::times_percent) over a fresh `interval`.
    pub fn times_percent_blocking(&mut self, interval: Duration) -> Result<CpuTimesPercent> {
        let (t1, t2) = self.step_total(interval)?;
        Ok(cpu_times_percent_between(&t1, &t2))
    }

    /// Per-CPU share of time in each mode since the previous sample, in percent.
    pub fn times_percent_percpu(&mut self) -> Result<Vec<CpuTimesPercent>> {
        self.times_percent_percpu_blocking(Duration::ZERO)
    }

    /// Like [`times_percent_percpu`](Self::times_percent_percpu) over a fresh `interval`.
    pub fn times_percent_percpu_blocking(
        &mut self,
        interval: Duration,
    ) -> Result<Vec<CpuTimesPercent>> {
        let pairs = self.step_percpu(interval)?;
        Ok(pairs
            .iter()
            .map(|(a, b)| cpu_times_percent_between(a, b))
            .collect())
    }
}

thread_local! {
    /// The implicit sampler of the `cpu_percent` family, for this thread.
    static PERCENT: RefCell<Option<CpuSampler>> = const { RefCell::new(None) };
    /// The implicit sampler of the `cpu_times_percent` family, for this thread.
    static TIMES_PERCENT: RefCell<Option<CpuSampler>> = const { RefCell::new(None) };
}

fn with_implicit<T>(
    key: &'static std::thread::LocalKey<RefCell<Option<CpuSampler>>>,
    f: impl FnOnce(&mut CpuSampler) -> Result<T>,
) -> Result<T> {
    key.with(|cell| {
        let mut slot = cell.borrow_mut();
        let sampler = match slot.as_mut() {
            Some(s) => s,
            None => slot.insert(CpuSampler::new()?),
        };
        f(sampler)
    })
}

/// System-wide CPU utilization in percent (psutil's `cpu_percent(interval)`).
///
/// With `Some(d)` (d > 0) it blocks for `d` and measures over it. With `None` (or a zero
/// duration) it measures since this thread's previous call of `cpu_percent` (or
/// [`cpu_percent_percpu`], which keeps its own sample); the first such call of a thread
/// compares with a sample taken just then and so returns a meaningless value (about 0.0),
/// as psutil does in threads other than the one that imported it.
///
/// ```no_run
/// use std::time::Duration;
/// let busy = sysgauge::cpu_percent(Some(Duration::from_millis(100)))?;
/// assert!(busy >= 0.0);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn cpu_percent(interval: Option<Duration>) -> Result<f64> {
    with_implicit(&PERCENT, |s| {
        s.percent_blocking(interval.unwrap_or_default())
    })
}

/// Per-CPU utilization in percent (psutil's `cpu_percent(interval, percpu=True)`); see
/// [`cpu_percent`] for `interval`.
pub fn cpu_percent_percpu(interval: Option<Duration>) -> Result<Vec<f64>> {
    with_implicit(&PERCENT, |s| {
        s.percent_percpu_blocking(interval.unwrap_or_default())
    })
}

/// System-wide share of time in each mode, in percent (psutil's
/// `cpu_times_percent(interval)`); its previous sample is kept apart from
/// [`cpu_percent`]'s. See [`cpu_percent`] for `interval`.
pub fn cpu_times_percent(interval: Option<Duration>) -> Result<CpuTimesPercent> {
    with_implicit(&TIMES_PERCENT, |s| {
        s.times_percent_blocking(interval.unwrap_or_default())
    })
}

/// Per-CPU share of time in each mode, in percent (psutil's
/// `cpu_times_percent(interval, percpu=True)`). See [`cpu_percent`] for `interval`.
pub fn cpu_times_percent_percpu(interval: Option<Duration>) -> Result<Vec<CpuTimesPercent>> {
    with_implicit(&TIMES_PERCENT, |s| {
        s.times_percent_percpu_blocking(interval.unwrap_or_default())
    })
}

/// The number of logical CPUs online (psutil's `cpu_count()`).
///
/// As psutil: `sysconf(_SC_NPROCESSORS_ONLN)` (when the roots are not the live `/proc` and
/// `/sys`, the list in `<sysfs>/devices/system/cpu/online` that glibc's sysconf reads),
/// else the `processor` lines of `/proc/cpuinfo`, else the `cpuN` lines of `/proc/stat`.
/// Where psutil returns `None` this returns [`Error::Unsupported`](crate::Error::Unsupported).
///
/// ```no_run
/// println!("{} CPUs", sysgauge::cpu_count()?);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn cpu_count() -> Result<usize> {
    backend::cpu_count_logical(&Roots::current())
}

/// The number of physical cores (psutil's `cpu_count(logical=False)`), `None` when it
/// cannot be determined (as psutil).
///
/// The count of distinct CPU sets in `/sys/devices/system/cpu/cpu[0-9]*/topology/
/// core_cpus_list` (the SMT siblings of each core, so two hyperthreads of a core count
/// once), or of `thread_siblings_list` (its older name) where no CPU has the former;
/// without either, the sum of `cpu cores` over the distinct `physical id`s of
/// `/proc/cpuinfo`. Offline CPUs have no topology directory and are not counted.
pub fn cpu_count_physical() -> Result<Option<usize>> {
    backend::cpu_count_physical(&Roots::current())
}

/// Context switches, interrupts and soft interrupts since boot, from `/proc/stat`
/// (psutil's `cpu_stats()`).
///
/// ```no_run
/// let s = sysgauge::cpu_stats()?;
/// println!("{} context switches", s.ctx_switches);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn cpu_stats() -> Result<CpuStats> {
    backend::cpu_stats(&Roots::current())
}

/// The frequency of each CPU or cpufreq policy, in MHz (psutil's `cpu_freq(percpu=True)`).
///
/// From `/sys/devices/system/cpu/cpufreq/policy*/` (or `cpu*/cpufreq/`) when the kernel
/// has cpufreq: `current` is `/proc/cpuinfo`'s `cpu MHz` when it lists as many CPUs as
/// there are policies, else `scaling_cur_freq`, else `cpuinfo_cur_freq`; `min`/`max` are
/// `scaling_min_freq`/`scaling_max_freq`; an offline CPU (`cpuN/online` is 0) gives zeroes.
/// Without cpufreq, one entry per `cpu MHz` line of `/proc/cpuinfo` with `min` and `max`
/// 0.0. Empty when neither exists (e.g. some ARM machines).
pub fn cpu_freq_percpu() -> Result<Vec<CpuFreq>> {
    backend::cpu_freq_percpu(&Roots::current())
}

/// The system-wide CPU frequency, in MHz (psutil's `cpu_freq()`): the mean of each field
/// of [`cpu_freq_percpu`] (offline CPUs' zeroes included, as psutil), or its only entry;
/// [`Error::Unsupported`](crate::Error::Unsupported) when there is none (psutil: `None`).
///
/// ```no_run
/// let f = sysgauge::cpu_freq()?;
/// println!("{} MHz (min {}, max {})", f.current, f.min, f.max);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn cpu_freq() -> Result<CpuFreq> {
    backend::cpu_freq(&Roots::current())
}

/// The 1, 5 and 15 minute load averages: the number of tasks running, runnable or in
/// uninterruptible sleep, averaged (psutil's `getloadavg()`, a tuple `(1-min, 5-min,
/// 15-min)`).
///
/// On the live system from `sysinfo(2)` at full precision, as psutil's `os.getloadavg()`;
/// under other [`Roots`] from `<procfs>/loadavg` (rounded to 0.01 by the kernel).
///
/// ```no_run
/// let (one, five, fifteen) = sysgauge::getloadavg()?;
/// println!("{one} {five} {fifteen}");
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn getloadavg() -> Result<(f64, f64, f64)> {
    backend::getloadavg(&Roots::current())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: [f64; 10]) -> CpuTimes {
        CpuTimes {
            user: v[0],
            nice: v[1],
            system: v[2],
            idle: v[3],
            iowait: v[4],
            irq: v[5],
            softirq: v[6],
            steal: Some(v[7]),
            guest: Some(v[8]),
            guest_nice: Some(v[9]),
        }
    }

    #[test]
    fn percent_formula() {
        let a = t([10.0, 0.0, 5.0, 80.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        // +3 user, +1 system, +4 idle, +1 iowait, +1 steal, +2 guest (inside user).
        let b = t([13.0, 0.0, 6.0, 84.0, 2.0, 0.0, 0.0, 1.0, 2.0, 0.0]);
        // total = 3+1+4+1+1 = 10 (guest excluded), busy = 10-4-1 = 5.
        assert_eq!(cpu_percent_between(&a, &b), 50.0);
        assert_eq!(cpu_percent_between(&a, &a), 0.0);
        // Counters going backwards count as 0.
        assert_eq!(cpu_percent_between(&b, &a), 0.0);
        let p = cpu_times_percent_between(&a, &b);
        assert_eq!(p.user, 30.0);
        assert_eq!(p.idle, 40.0);
        assert_eq!(p.guest, Some(20.0));
        assert_eq!(p.steal, Some(10.0));
    }

    #[test]
    fn times_percent_scale_floor_and_clamp() {
        let a = t([0.0; 10]);
        // Less than one second passed: psutil divides by 1, not by the total.
        let b = t([0.02, 0.0, 0.01, 0.07, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let p = cpu_times_percent_between(&a, &b);
        assert_eq!((p.user, p.system, p.idle), (2.0, 1.0, 7.0));
        // guest larger than the total (guest is left out of it): times_percent clamps.
        let c = t([0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 4.0, 0.0]);
        assert_eq!(cpu_percent_between(&a, &c), 0.0);
        let p = cpu_times_percent_between(&a, &c);
        assert_eq!(p.guest, Some(100.0));
        assert_eq!(p.idle, 100.0);
    }

    #[test]
    fn round1_is_pythons() {
        assert_eq!(round1(0.25), 0.2);
        assert_eq!(round1(0.35), 0.3); // 0.35 is 0.34999… in binary
        assert_eq!(round1(0.45), 0.5); // 0.45 is 0.450000…01
        assert_eq!(round1(2.675), 2.7);
        assert_eq!(round1(-0.05), -0.1);
        assert_eq!(round1(99.95), 100.0);
        assert_eq!(round1(33.333333), 33.3);
    }

    #[test]
    fn old_kernel_fields_missing() {
        let mut a = t([1.0; 10]);
        a.guest = None;
        a.guest_nice = None;
        let mut b = a;
        b.user = 2.0;
        b.idle = 2.0;
        // total 2 (user, idle), steal present but unchanged.
        assert_eq!(cpu_percent_between(&a, &b), 50.0);
        let p = cpu_times_percent_between(&a, &b);
        assert_eq!(p.guest, None);
        assert_eq!(p.steal, Some(0.0));
    }

    #[test]
    fn sampler_keeps_total_and_percpu_apart() {
        let z = t([0.0; 10]);
        let mut s = CpuSampler::from_times(z, vec![z, z]);
        let _ = s.percent().unwrap();
        assert_ne!(s.last(), &z);
        assert_eq!(s.last_percpu(), &[z, z]);
        let per = s.percent_percpu().unwrap();
        assert!(!per.is_empty());
        assert!(per.iter().all(|p| (0.0..=100.0).contains(p)));
    }
}
