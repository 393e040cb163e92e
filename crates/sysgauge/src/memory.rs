//! Memory: `virtual_memory` and `swap_memory`; `heap_info` and `heap_trim` (this process's malloc).
//!
//! The first two read `/proc/meminfo` below the procfs root ([`Roots`]), like psutil 7.2.2, so that
//! pointing the root at a container's (or lxcfs's) `/proc` reports that container's memory.
//!
//! ```no_run
//! let vm = sysgauge::virtual_memory()?;
//! let sw = sysgauge::swap_memory()?;
//! println!("RAM {:.1}% used, swap {:.1}% used", vm.percent, sw.percent);
//! # Ok::<(), sysgauge::Error>(())
//! ```

use serde::Serialize;

use crate::error::Result;
use crate::platform::linux::memory as backend;
use crate::roots::Roots;

/// System memory usage (psutil's `svmem` on Linux), in bytes except `percent`.
///
/// Every field comes from one read of `/proc/meminfo` (values there are KiB, multiplied by
/// 1024). A field whose line this kernel does not have is 0 (where psutil warns "... memory
/// stats couldn't be determined and were set to 0"), except as noted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VirtualMemory {
    /// Total physical RAM, bytes (`MemTotal`).
    pub total: u64,
    /// Memory that can be given to processes without swapping, bytes (`MemAvailable`).
    ///
    /// When the line is missing (kernels before 3.14) or 0, it is estimated from `MemFree`,
    /// `Active(file)`, `Inactive(file)`, `SReclaimable` and the zones' low watermarks in
    /// `/proc/zoneinfo`, as the kernel does; without those, `MemFree + Cached`. A negative
    /// estimate becomes 0; a value above `total` (seen inside LXC containers) becomes `free`.
    pub available: u64,
    /// `(total - available) / total * 100`, rounded to one decimal as Python's `round`
    /// does; 0.0 when `total` is 0.
    pub percent: f64,
    /// `total - available`, bytes (the same definition as procps-ng 4 `free`'s "used").
    pub used: u64,
    /// Completely unused RAM, bytes (`MemFree`).
    pub free: u64,
    /// Memory used recently, bytes (`Active`).
    pub active: u64,
    /// Memory not used recently, bytes (`Inactive`, or on 2.4 kernels
    /// `Inact_dirty + Inact_clean + Inact_laundry`).
    pub inactive: u64,
    /// Block device buffers, bytes (`Buffers`).
    pub buffers: u64,
    /// Page cache plus reclaimable slab, bytes (`Cached + SReclaimable`, as `free` counts it;
    /// `SReclaimable` counts as 0 where missing).
    pub cached: u64,
    /// Shared memory and tmpfs, bytes (`Shmem`, or `MemShared` on 2.4 kernels).
    pub shared: u64,
    /// Kernel slab caches, bytes (`Slab`; 0 when missing).
    pub slab: u64,
}

/// Swap usage (psutil's `sswap`), in bytes except `percent`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwapMemory {
    /// Total swap space, bytes (`SwapTotal` in `/proc/meminfo`; when `SwapTotal` or
    /// `SwapFree` is missing, both come from the `sysinfo(2)` system call instead).
    pub total: u64,
    /// `total - free`, bytes (0 if `free` exceeds `total`).
    pub used: u64,
    /// Unused swap space, bytes (`SwapFree`).
    pub free: u64,
    /// `used / total * 100`, rounded to one decimal; 0.0 when there is no swap.
    pub percent: f64,
    /// Bytes swapped in from disk since boot: `pswpin` of `/proc/vmstat` × 4096 (psutil
    /// counts 4 KiB per page whatever the page size). 0 when `/proc/vmstat` cannot be read
    /// or lacks `pswpin` or `pswpout`.
    pub sin: u64,
    /// Bytes swapped out to disk since boot: `pswpout` × 4096, with the same fallbacks as
    /// `sin`.
    pub sout: u64,
}

/// System memory usage, from `/proc/meminfo` (and `/proc/zoneinfo` on kernels without
/// `MemAvailable`); see [`VirtualMemory`] for each field.
///
/// Errors when `/proc/meminfo` cannot be read, has a malformed line, or lacks `MemTotal` or
/// `MemFree`.
///
/// ```no_run
/// let m = sysgauge::virtual_memory()?;
/// assert!(m.available <= m.total);
/// println!("{} bytes used ({}%)", m.used, m.percent);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn virtual_memory() -> Result<VirtualMemory> {
    backend::virtual_memory(&Roots::current())
}

/// Swap usage and swap traffic, from `/proc/meminfo` and `/proc/vmstat`; see [`SwapMemory`].
///
/// Errors when `/proc/meminfo` cannot be read or has a malformed line, or when the
/// `pswpin`/`pswpout` lines of `/proc/vmstat` are malformed.
///
/// ```no_run
/// let s = sysgauge::swap_memory()?;
/// println!("swap: {} of {} bytes used, {} swapped in", s.used, s.total, s.sin);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn swap_memory() -> Result<SwapMemory> {
    backend::swap_memory(&Roots::current())
}

/// The C allocator's view of this process's heap (psutil's `pheap` on Linux), in bytes.
///
/// From glibc's `mallinfo2()` (`mallinfo()` before glibc 2.33): it covers every allocation
/// made through malloc in this process, by Rust code (the default allocator), C libraries
/// and the Python interpreter alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeapInfo {
    /// Bytes handed out by malloc from its heap arenas and still in use (`uordblks`).
    pub heap_used: u64,
    /// Bytes of the large blocks malloc served by `mmap` and still in use (`hblkhd`).
    pub mmap_used: u64,
}

/// This process's malloc statistics; see [`HeapInfo`].
///
/// [`Error::Unsupported`](crate::Error::Unsupported) where the C library is not glibc (as
/// psutil, which has no `heap_info` there).
///
/// ```no_run
/// let h = sysgauge::heap_info()?;
/// println!("{} bytes in the heap, {} in mmap'ed blocks", h.heap_used, h.mmap_used);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn heap_info() -> Result<HeapInfo> {
    crate::platform::linux::sys::heap::mallinfo()
        .map(|(heap_used, mmap_used)| HeapInfo {
            heap_used,
            mmap_used,
        })
        .ok_or_else(|| crate::Error::unsupported("heap_info needs glibc's mallinfo"))
}

/// Asks malloc to give free heap memory back to the kernel (glibc's `malloc_trim(0)`);
/// `true` when some was released.
///
/// [`Error::Unsupported`](crate::Error::Unsupported) where the C library is not glibc.
pub fn heap_trim() -> Result<bool> {
    crate::platform::linux::sys::heap::malloc_trim()
        .ok_or_else(|| crate::Error::unsupported("heap_trim needs glibc's malloc_trim"))
}
