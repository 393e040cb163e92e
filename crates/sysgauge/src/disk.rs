//! Disks: partitions, usage and I/O counters (psutil's `disk_partitions`, `disk_usage` and
//! `disk_io_counters`).
//!
//! ```no_run
//! for p in sysgauge::disk_partitions(false)? {
//!     let u = sysgauge::disk_usage(&p.mountpoint)?;
//!     println!("{} on {}: {}% used", p.device.display(), p.mountpoint.display(), u.percent);
//! }
//! let io = sysgauge::disk_io_counters()?;
//! println!("{} bytes read since boot", io.read_bytes);
//! # Ok::<(), sysgauge::Error>(())
//! ```
//!
//! # Counter wrapping
//!
//! [`disk_io_counters`] and [`disk_io_counters_perdisk`] behave as psutil's
//! `disk_io_counters(nowrap=True)`: one process-wide [`NoWrap`] memory, shared by both as
//! psutil shares it, makes the values never decrease; [`disk_io_counters_cache_clear`]
//! resets it. To keep that memory yourself instead, apply your own [`NoWrap`] to
//! [`disk_io_counters_raw`] (or to [`disk_io_counters_raw_disks`] and total with
//! [`DiskIoCounters::sum`]):
//!
//! ```no_run
//! use sysgauge::{DiskIoCounters, NoWrap};
//!
//! let mut memory: NoWrap<DiskIoCounters> = NoWrap::new();
//! let per_disk = memory.apply(sysgauge::disk_io_counters_raw_disks()?);
//! let total = DiskIoCounters::sum(per_disk.values());
//! println!("{} bytes written", total.write_bytes);
//! # Ok::<(), sysgauge::Error>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::nowrap::{Counters, NoWrap};
use crate::platform::linux::disk as backend;
use crate::roots::Roots;

/// A mounted filesystem (psutil's `sdiskpart`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiskPartition {
    /// The device path (`/dev/sda1`), or the mount source for virtual filesystems
    /// (`tmpfs`, `proc`); empty when the mounts file says `none`. `/dev/root` and `rootfs`
    /// are replaced by the real root device when it can be found. Raw bytes, escapes
    /// (`\040` ...) decoded.
    pub device: PathBuf,
    /// Where the filesystem is mounted. Raw bytes, escapes (`\040` ...) decoded.
    pub mountpoint: PathBuf,
    /// The filesystem type (`ext4`, `tmpfs`).
    pub fstype: String,
    /// The mount options as the kernel lists them, comma-separated (`rw,relatime`).
    pub opts: String,
}

/// Space on the filesystem holding a path (psutil's `sdiskusage`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DiskUsage {
    /// Size of the filesystem, bytes (`f_blocks * f_frsize`).
    pub total: u64,
    /// Bytes in use (`(f_blocks - f_bfree) * f_frsize`), space reserved for root counted
    /// as free.
    pub used: u64,
    /// Bytes available to unprivileged users (`f_bavail * f_frsize`).
    pub free: u64,
    /// `used / (used + free) * 100` rounded to one decimal: the share of the space a user
    /// can have that is in use (higher than `used / total` by the reserved blocks).
    pub percent: f64,
}

/// I/O statistics of one disk or partition, or of all disks (psutil's `sdiskio`). Counts
/// since boot (or since the device appeared).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DiskIoCounters {
    /// Reads completed.
    pub read_count: u64,
    /// Writes completed.
    pub write_count: u64,
    /// Bytes read (512-byte sectors read × 512).
    pub read_bytes: u64,
    /// Bytes written (512-byte sectors written × 512).
    pub write_bytes: u64,
    /// Milliseconds spent reading (summed over concurrent requests).
    pub read_time: u64,
    /// Milliseconds spent writing (summed over concurrent requests).
    pub write_time: u64,
    /// Reads merged with an adjacent one before reaching the device.
    pub read_merged_count: u64,
    /// Writes merged with an adjacent one before reaching the device.
    pub write_merged_count: u64,
    /// Milliseconds during which the device had I/O in flight.
    pub busy_time: u64,
}

impl DiskIoCounters {
    /// The field-by-field total of `items` (psutil's perdisk=False sum). Saturates at
    /// `u64::MAX` rather than overflowing.
    pub fn sum<'a, I: IntoIterator<Item = &'a DiskIoCounters>>(items: I) -> DiskIoCounters {
        let mut total = DiskIoCounters::default();
        for item in items {
            let mut values = Vec::with_capacity(9);
            item.clone().visit_counters(&mut |v| values.push(*v));
            let mut i = 0;
            total.visit_counters(&mut |t| {
                *t = t.saturating_add(values.get(i).copied().unwrap_or(0));
                i += 1;
            });
        }
        total
    }
}

impl<'a> std::iter::Sum<&'a DiskIoCounters> for DiskIoCounters {
    fn sum<I: Iterator<Item = &'a DiskIoCounters>>(iter: I) -> Self {
        DiskIoCounters::sum(iter)
    }
}

impl Counters for DiskIoCounters {
    /// All nine fields, in psutil's order.
    fn visit_counters(&mut self, f: &mut dyn FnMut(&mut u64)) {
        f(&mut self.read_count);
        f(&mut self.write_count);
        f(&mut self.read_bytes);
        f(&mut self.write_bytes);
        f(&mut self.read_time);
        f(&mut self.write_time);
        f(&mut self.read_merged_count);
        f(&mut self.write_merged_count);
        f(&mut self.busy_time);
    }
}

/// The mounted filesystems, in the order of the mounts file (psutil's
/// `disk_partitions(all)`).
///
/// Reads `/etc/mtab` when the procfs root is `/proc` and `/etc/mtab` is a file, else
/// `<procfs>/self/mounts`. With `all == false` only mounts with a device whose type needs
/// a block device (per `<procfs>/filesystems`, plus `zfs`) are listed. A `/dev/root` or
/// `rootfs` device is resolved through `<procfs>/partitions`, then
/// `<sysfs>/dev/block/<maj>:<min>/uevent`, then `<sysfs>/class/block/*/dev`, using the
/// device number of `/`.
///
/// ```no_run
/// for p in sysgauge::disk_partitions(true)? {
///     println!("{} {} {} {}", p.device.display(), p.mountpoint.display(), p.fstype, p.opts);
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn disk_partitions(all: bool) -> Result<Vec<DiskPartition>> {
    backend::disk_partitions(&Roots::current(), all)
}

/// Total, used and free bytes of the filesystem holding `path`, from `statvfs(2)` (psutil's
/// `disk_usage`). A path that does not exist is an [`Error::Io`] naming it.
///
/// ```no_run
/// let u = sysgauge::disk_usage("/")?;
/// println!("{} of {} bytes used ({}%)", u.used, u.total, u.percent);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn disk_usage(path: impl AsRef<Path>) -> Result<DiskUsage> {
    backend::disk_usage(path.as_ref())
}

/// The kernel's counters of every disk and partition, keyed by device name (`sda`,
/// `sda1`, `nvme0n1p1`), without wrap correction: psutil's
/// `disk_io_counters(perdisk=True, nowrap=False)`.
///
/// Read from `<procfs>/diskstats`, or when it does not exist from the `stat` files under
/// `<sysfs>/block`; [`Error::Unsupported`] when neither exists.
pub fn disk_io_counters_raw() -> Result<BTreeMap<String, DiskIoCounters>> {
    backend::disk_io_counters(&Roots::current(), true)
}

/// Like [`disk_io_counters_raw`], but whole disks only (the devices with a
/// `<sysfs>/block/<name>` entry, so no partitions): what psutil totals for
/// `disk_io_counters(perdisk=False)`.
pub fn disk_io_counters_raw_disks() -> Result<BTreeMap<String, DiskIoCounters>> {
    backend::disk_io_counters(&Roots::current(), false)
}

/// [`disk_io_counters_raw`] as a list in the kernel's order (that of `<procfs>/diskstats`),
/// which is the order of psutil's dict.
pub fn disk_io_counters_raw_ordered() -> Result<Vec<(String, DiskIoCounters)>> {
    backend::disk_io_counters_ordered(&Roots::current(), true)
}

/// [`disk_io_counters_raw_disks`] as a list in the kernel's order (psutil's dict order).
pub fn disk_io_counters_raw_disks_ordered() -> Result<Vec<(String, DiskIoCounters)>> {
    backend::disk_io_counters_ordered(&Roots::current(), false)
}

static NOWRAP: Mutex<NoWrap<DiskIoCounters>> = Mutex::new(NoWrap::new());

fn nowrap() -> MutexGuard<'static, NoWrap<DiskIoCounters>> {
    NOWRAP.lock().unwrap_or_else(|e| e.into_inner())
}

/// The counters of all whole disks added up (partitions left out, as they are counted in
/// their disk), corrected for wrapping: psutil's `disk_io_counters()` (perdisk=False,
/// nowrap=True). [`Error::Unsupported`] when the system has no disk (psutil returns
/// `None`).
///
/// ```no_run
/// let io = sysgauge::disk_io_counters()?;
/// println!("{} reads, {} bytes", io.read_count, io.read_bytes);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn disk_io_counters() -> Result<DiskIoCounters> {
    let mut memory = nowrap();
    let raw = disk_io_counters_raw_disks()?;
    if raw.is_empty() {
        return Err(Error::unsupported("no disk found in diskstats"));
    }
    Ok(DiskIoCounters::sum(memory.apply(raw).values()))
}

/// The counters of every disk and partition, corrected for wrapping: psutil's
/// `disk_io_counters(perdisk=True)` (nowrap=True). Empty when there is no disk.
///
/// ```no_run
/// for (name, io) in sysgauge::disk_io_counters_perdisk()? {
///     println!("{name}: {} bytes read", io.read_bytes);
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn disk_io_counters_perdisk() -> Result<BTreeMap<String, DiskIoCounters>> {
    let mut memory = nowrap();
    let raw = disk_io_counters_raw()?;
    if raw.is_empty() {
        return Ok(raw);
    }
    Ok(memory.apply(raw))
}

/// Forgets the wrap memory of [`disk_io_counters`] and [`disk_io_counters_perdisk`]
/// (psutil's `disk_io_counters.cache_clear()`).
pub fn disk_io_counters_cache_clear() {
    nowrap().reset();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_and_order() {
        let a = DiskIoCounters {
            read_count: 1,
            write_count: 2,
            read_bytes: 3,
            write_bytes: 4,
            read_time: 5,
            write_time: 6,
            read_merged_count: 7,
            write_merged_count: 8,
            busy_time: 9,
        };
        let mut v = Vec::new();
        a.clone().visit_counters(&mut |x| v.push(*x));
        assert_eq!(v, (1..=9).collect::<Vec<u64>>());
        let s = DiskIoCounters::sum([a, a].iter());
        assert_eq!(s.busy_time, 18);
        assert_eq!(s.read_count, 2);
        let t: DiskIoCounters = [a, a, a].iter().sum();
        assert_eq!(t.write_merged_count, 24);
        let big = DiskIoCounters {
            read_bytes: u64::MAX,
            ..a
        };
        assert_eq!(DiskIoCounters::sum([big, a].iter()).read_bytes, u64::MAX);
    }
}
