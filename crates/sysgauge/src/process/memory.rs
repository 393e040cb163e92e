//! Memory of a process beyond [`Process::memory_info`]: psutil's `memory_info_ex`,
//! `memory_footprint`, `memory_full_info`, `memory_percent`, `memory_maps` and
//! `page_faults`.

use super::{Attr, Process};
use crate::error::Result;
use crate::platform::imp::process as backend;

/// [`super::MemoryInfo`] plus the peaks and the split of resident memory from
/// `/proc/<pid>/status` (psutil 8.0's `pmem_ex` on Linux), all in bytes. A line the kernel
/// lacks (`RssAnon`/`RssFile`/`RssShmem` before Linux 4.5, `HugetlbPages` before 4.4,
/// `VmSwap` before 2.6.34) gives 0, as psutil.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MemoryInfoEx {
    /// As [`super::MemoryInfo::rss`].
    pub rss: u64,
    /// As [`super::MemoryInfo::vms`].
    pub vms: u64,
    /// As [`super::MemoryInfo::shared`].
    pub shared: u64,
    /// As [`super::MemoryInfo::text`].
    pub text: u64,
    /// As [`super::MemoryInfo::lib`].
    pub lib: u64,
    /// As [`super::MemoryInfo::data`].
    pub data: u64,
    /// As [`super::MemoryInfo::dirty`].
    pub dirty: u64,
    /// Peak resident set size (`VmHWM`).
    pub peak_rss: u64,
    /// Peak virtual memory size (`VmPeak`).
    pub peak_vms: u64,
    /// Resident anonymous memory (`RssAnon`).
    pub rss_anon: u64,
    /// Resident file mappings (`RssFile`).
    pub rss_file: u64,
    /// Resident shared memory: shmem, tmpfs, shared anonymous mappings (`RssShmem`).
    pub rss_shmem: u64,
    /// Swapped-out anonymous memory (`VmSwap`).
    pub swap: u64,
    /// Huge TLB pages (`HugetlbPages`).
    pub hugetlb: u64,
}

/// The memory that is really the process's (psutil's `pfootprint` on Linux), in bytes,
/// from `/proc/<pid>/smaps_rollup`, or summed over `/proc/<pid>/smaps` where the rollup
/// cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MemoryFootprint {
    /// Unique set size: the memory freed if the process exited now (`Private_Clean` +
    /// `Private_Dirty` + `Private_Hugetlb`).
    pub uss: u64,
    /// Proportional set size: shared pages divided among their sharers (`Pss`).
    pub pss: u64,
    /// Swapped-out memory (`Swap`).
    pub swap: u64,
}

/// [`super::MemoryInfo`] plus [`MemoryFootprint`] (psutil's `pfullmem`), in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MemoryFullInfo {
    /// As [`super::MemoryInfo::rss`].
    pub rss: u64,
    /// As [`super::MemoryInfo::vms`].
    pub vms: u64,
    /// As [`super::MemoryInfo::shared`].
    pub shared: u64,
    /// As [`super::MemoryInfo::text`].
    pub text: u64,
    /// As [`super::MemoryInfo::lib`].
    pub lib: u64,
    /// As [`super::MemoryInfo::data`].
    pub data: u64,
    /// As [`super::MemoryInfo::dirty`].
    pub dirty: u64,
    /// As [`MemoryFootprint::uss`].
    pub uss: u64,
    /// As [`MemoryFootprint::pss`].
    pub pss: u64,
    /// As [`MemoryFootprint::swap`].
    pub swap: u64,
}

/// The counters of one mapping, or of all mappings of one path, from
/// `/proc/<pid>/smaps`, in bytes (psutil's `pmmap_grouped` / `pmmap_ext` fields).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct MapCounters {
    /// `Rss`.
    pub rss: u64,
    /// `Size`.
    pub size: u64,
    /// `Pss`.
    pub pss: u64,
    /// `Shared_Clean`.
    pub shared_clean: u64,
    /// `Shared_Dirty`.
    pub shared_dirty: u64,
    /// `Private_Clean`.
    pub private_clean: u64,
    /// `Private_Dirty`.
    pub private_dirty: u64,
    /// `Referenced`.
    pub referenced: u64,
    /// `Anonymous`.
    pub anonymous: u64,
    /// `Swap`.
    pub swap: u64,
}

impl MapCounters {
    /// The ten counters in psutil's field order (`rss, size, pss, shared_clean,
    /// shared_dirty, private_clean, private_dirty, referenced, anonymous, swap`), bytes.
    pub fn to_array(&self) -> [u64; 10] {
        [
            self.rss,
            self.size,
            self.pss,
            self.shared_clean,
            self.shared_dirty,
            self.private_clean,
            self.private_dirty,
            self.referenced,
            self.anonymous,
            self.swap,
        ]
    }
}

/// All mappings of one path summed (psutil's `memory_maps(grouped=True)` rows).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemoryMapGrouped {
    /// The mapped file (raw bytes), a pseudo-path such as `[heap]` or `[stack]`, or
    /// `[anon]` for anonymous mappings; ` (deleted)` is dropped when the path without it
    /// does not exist, as psutil does.
    #[serde(serialize_with = "super::attrs::lossy_path")]
    pub path: std::path::PathBuf,
    /// The summed counters.
    #[serde(flatten)]
    pub counters: MapCounters,
}

/// One mapping (psutil's `memory_maps(grouped=False)` rows).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemoryMap {
    /// The address range, as the kernel prints it (`"7f00a000-7f00b000"`).
    pub addr: String,
    /// The permissions (`"r-xp"`).
    pub perms: String,
    /// As [`MemoryMapGrouped::path`].
    #[serde(serialize_with = "super::attrs::lossy_path")]
    pub path: std::path::PathBuf,
    /// The mapping's counters.
    #[serde(flatten)]
    pub counters: MapCounters,
}

/// Page faults since the process started (psutil 8.0's `ppagefaults`), from `minflt` and
/// `majflt` of `/proc/<pid>/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PageFaults {
    /// Faults served without I/O (`minflt`).
    pub minor: u64,
    /// Faults that read from disk (`majflt`).
    pub major: u64,
}

/// Which memory figure [`Process::memory_percent`] divides by total physical memory: a
/// field of [`super::MemoryInfo`] or of [`MemoryFullInfo`] (psutil's `memtype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemoryType {
    /// `rss` (psutil's default).
    Rss,
    /// `vms`.
    Vms,
    /// `shared`.
    Shared,
    /// `text`.
    Text,
    /// `lib`.
    Lib,
    /// `data`.
    Data,
    /// `dirty`.
    Dirty,
    /// `uss` (reads smaps).
    Uss,
    /// `pss` (reads smaps).
    Pss,
    /// `swap` (reads smaps).
    Swap,
}

impl Process {
    /// [`Process::memory_info`] plus peak sizes, the split of resident memory, swap and
    /// huge pages, in bytes (psutil 8.0's `memory_info_ex()`), from `/proc/<pid>/statm` and
    /// `/proc/<pid>/status`. Lines this kernel does not write give 0.
    ///
    /// ```no_run
    /// let m = sysgauge::Process::current()?.memory_info_ex()?;
    /// println!("rss {} (peak {}), anon {}, file {}", m.rss, m.peak_rss, m.rss_anon, m.rss_file);
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn memory_info_ex(&self) -> Result<MemoryInfoEx> {
        self.serve(Attr::MemoryInfoEx, backend::memory_info_ex)
    }

    /// Unique and proportional set sizes and swap, in bytes (psutil 8.0's
    /// `memory_footprint()`), from `/proc/<pid>/smaps_rollup`, or summed over
    /// `/proc/<pid>/smaps` when the rollup cannot be read (before Linux 4.14; zombies and
    /// kernel threads, which give zeros). Slower than [`Process::memory_info`]: the kernel
    /// walks the whole address space. [`Error::AccessDenied`](crate::Error::AccessDenied)
    /// for other users' processes unless privileged.
    ///
    /// ```no_run
    /// let f = sysgauge::Process::current()?.memory_footprint()?;
    /// println!("uss {} pss {} swap {}", f.uss, f.pss, f.swap);
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn memory_footprint(&self) -> Result<MemoryFootprint> {
        self.serve(Attr::MemoryFootprint, backend::memory_footprint)
    }

    /// [`Process::memory_info`] and [`Process::memory_footprint`] in one value, in bytes
    /// (psutil's `memory_full_info()`; deprecated by psutil 8.0 in favour of
    /// `memory_footprint()`).
    pub fn memory_full_info(&self) -> Result<MemoryFullInfo> {
        self.serve(Attr::MemoryFullInfo, backend::memory_full_info)
    }

    /// The chosen memory figure as a percentage of total physical memory (`MemTotal` of
    /// `/proc/meminfo`): psutil's `memory_percent(memtype)`, `value / total * 100`. The
    /// `uss`, `pss` and `swap` types read smaps (see [`Process::memory_footprint`]).
    /// Only the default, [`MemoryType::Rss`], is served from a
    /// [`crate::process_iter`] prefetch. Each call reads the total anew; a sweep of
    /// [`crate::process_iter`] (or one [`Process::as_dict`]) fetching
    /// [`Attr::MemoryPercent`] reads it once for all its processes.
    ///
    /// ```no_run
    /// use sysgauge::{MemoryType, Process};
    /// let pct = Process::current()?.memory_percent(MemoryType::Rss)?;
    /// assert!((0.0..=100.0).contains(&pct));
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn memory_percent(&self, memtype: MemoryType) -> Result<f64> {
        if memtype == MemoryType::Rss {
            return self.serve(Attr::MemoryPercent, |t| {
                backend::memory_percent(t, MemoryType::Rss)
            });
        }
        backend::memory_percent(&self.target(), memtype)
    }

    /// The mapped regions summed per path, each path where it first appears in
    /// `/proc/<pid>/smaps` (psutil's `memory_maps(grouped=True)`); counters in bytes.
    /// Anonymous mappings are grouped under `[anon]`. Empty for kernel threads;
    /// [`Error::ZombieProcess`](crate::Error::ZombieProcess) for a zombie.
    ///
    /// ```no_run
    /// for m in sysgauge::Process::current()?.memory_maps()? {
    ///     println!("{:>10} {}", m.counters.rss, m.path.display());
    /// }
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn memory_maps(&self) -> Result<Vec<MemoryMapGrouped>> {
        self.serve(Attr::MemoryMaps, backend::memory_maps)
    }

    /// Every mapped region of `/proc/<pid>/smaps`, in address order, with its address
    /// range and permissions (psutil's `memory_maps(grouped=False)`); counters in bytes.
    /// Errors as [`Process::memory_maps`].
    pub fn memory_maps_ungrouped(&self) -> Result<Vec<MemoryMap>> {
        backend::memory_maps_ungrouped(&self.target())
    }

    /// Minor and major page faults since the process started (psutil 8.0's
    /// `page_faults()`), from `minflt` and `majflt` of `/proc/<pid>/stat`.
    pub fn page_faults(&self) -> Result<PageFaults> {
        self.serve(Attr::PageFaults, backend::page_faults)
    }
}
