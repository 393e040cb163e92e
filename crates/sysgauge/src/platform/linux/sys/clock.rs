//! The kernel's boot time from two clocks, without reading `/proc/stat`.
//!
//! `/proc/stat`'s `btime` is computed by the kernel (fs/proc/stat.c) as the offset between the
//! wall clock and the time since boot, `offs_real - offs_boot`, less the time namespace's
//! boot offset, truncated to whole seconds. `CLOCK_REALTIME - CLOCK_BOOTTIME`, read in the
//! caller's time namespace, is that same offset. Both clocks are read through the vDSO.

use rustix::time::{clock_gettime, ClockId, Timespec};

fn nanos(t: Timespec) -> i128 {
    i128::from(t.tv_sec) * 1_000_000_000 + i128::from(t.tv_nsec)
}

/// `CLOCK_REALTIME - CLOCK_BOOTTIME` in nanoseconds: the wall-clock time of boot.
///
/// The realtime clock is read between two reads of the boottime clock and compared with
/// their midpoint, so the few nanoseconds between the reads cancel out.
pub(crate) fn boot_time_ns() -> i128 {
    let boot1 = nanos(clock_gettime(ClockId::Boottime));
    let real = nanos(clock_gettime(ClockId::Realtime));
    let boot2 = nanos(clock_gettime(ClockId::Boottime));
    real - (boot1 + boot2) / 2
}
