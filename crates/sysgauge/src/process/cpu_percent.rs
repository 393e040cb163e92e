//! psutil's `Process.cpu_percent()`: the share of one CPU a process used, between two
//! samples of its CPU time (`utime + stime` of `/proc/<pid>/stat`) and of the monotonic
//! clock.

use std::time::Duration;

use super::attrs::Attr;
use super::{CpuSample, Process};
use crate::error::Result;
use crate::platform::imp::process::limits as backend;
use crate::platform::imp::process::Target;

/// psutil's `round(x, 1)`: to one decimal, ties to even on the exact binary value (Rust's
/// formatting rounds the exact decimal expansion, as Python's `round` does).
fn round1(x: f64) -> f64 {
    format!("{x:.1}").parse().unwrap_or(x)
}

/// psutil's formula: CPU seconds used per wall second, in percent of one CPU.
/// `(busy2 - busy1) / ((t2 - t1) × n) × 100 × n` with `t` the monotonic clock × `n`
/// logical CPUs; 0.0 when no time passed.
fn percent(a: CpuSample, b: CpuSample, num_cpus: f64) -> f64 {
    let delta_proc = b.busy - a.busy;
    let delta_time = b.wall_cpus - a.wall_cpus;
    if delta_time == 0.0 {
        return 0.0;
    }
    round1(delta_proc / delta_time * 100.0 * num_cpus)
}

impl Process {
    /// CPU utilisation of the process in percent of one CPU, rounded to one decimal
    /// (psutil's `cpu_percent(interval)`); above 100 for a process busy on several CPUs.
    ///
    /// - `None` (or a zero interval): compares with the previous call on this process (or
    ///   a clone of it, or the previous [`crate::process_iter`] sweep that returned it) and
    ///   returns at once; the first call has nothing to compare with and returns 0.0.
    ///   Served from [`crate::process_iter`]'s prefetch when it fetched
    ///   [`Attr::CpuPercent`].
    /// - `Some(interval)`: samples, sleeps `interval`, samples again (blocking).
    ///
    /// Each call keeps its last sample for the next non-blocking one. Sources: `utime +
    /// stime` of `/proc/<pid>/stat` / `CLK_TCK`, `CLOCK_MONOTONIC`, and the logical CPU
    /// count (psutil multiplies the clock by it and the ratio back, so it cancels out but
    /// for rounding), read once per call, or once per sweep when [`crate::process_iter`]
    /// or [`Process::as_dict`] fetches [`Attr::CpuPercent`] (it changes only when CPUs
    /// are brought on or off line).
    ///
    /// ```no_run
    /// let me = sysgauge::Process::current()?;
    /// let busy = me.cpu_percent(Some(std::time::Duration::from_millis(100)))?;
    /// let _first = me.cpu_percent(None)?; // compares with the sample above
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn cpu_percent(&self, interval: Option<Duration>) -> Result<f64> {
        match interval {
            Some(d) if !d.is_zero() => self.cpu_percent_blocking(d),
            // psutil asks for the CPU count on every call.
            _ => self.serve(Attr::CpuPercent, |t| {
                self.cpu_percent_since_last(t, backend::num_cpus(t.roots))
            }),
        }
    }

    /// The non-blocking measure on `t` (this process), with the logical CPU count already
    /// known (once per sweep for [`crate::process_iter`]): compares with the last sample
    /// and keeps this one.
    pub(crate) fn cpu_percent_since_last(&self, t: &Target, num_cpus: f64) -> Result<f64> {
        let (wall_cpus, busy) = backend::cpu_sample(t, false, num_cpus)?;
        let now = CpuSample { wall_cpus, busy };
        let mut last = self.cpu_last.lock().unwrap_or_else(|p| p.into_inner());
        let prev = last.replace(now);
        Ok(prev.map_or(0.0, |p| percent(p, now, num_cpus)))
    }

    fn cpu_percent_blocking(&self, interval: Duration) -> Result<f64> {
        let t = self.target();
        // Once per call, as psutil (`num_cpus = cpu_count() or 1` before both samples).
        let n = backend::num_cpus(t.roots);
        let (w1, b1) = backend::cpu_sample(&t, true, n)?;
        std::thread::sleep(interval);
        let (w2, b2) = backend::cpu_sample(&t, true, n)?;
        let (a, b) = (
            CpuSample {
                wall_cpus: w1,
                busy: b1,
            },
            CpuSample {
                wall_cpus: w2,
                busy: b2,
            },
        );
        *self.cpu_last.lock().unwrap_or_else(|p| p.into_inner()) = Some(b);
        Ok(percent(a, b, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_pythons() {
        // Python: round(0.25, 1) == 0.2, round(0.35, 1) == 0.3 (0.35 is below .35 in
        // binary), round(99.95, 1) == 100.0 (99.95 is 99.9500000000000028...)
        assert_eq!(round1(0.25), 0.2);
        assert_eq!(round1(0.35), 0.3);
        assert_eq!(round1(99.95), 100.0);
        assert_eq!(round1(12.345), 12.3);
    }

    #[test]
    fn formula() {
        let a = CpuSample {
            wall_cpus: 100.0 * 4.0,
            busy: 10.0,
        };
        let b = CpuSample {
            wall_cpus: 101.0 * 4.0,
            busy: 10.5,
        };
        assert_eq!(percent(a, b, 4.0), 50.0);
        assert_eq!(percent(a, a, 4.0), 0.0);
        let c = CpuSample {
            wall_cpus: 101.0 * 4.0,
            busy: 12.0,
        };
        assert_eq!(percent(a, c, 4.0), 200.0);
    }
}
