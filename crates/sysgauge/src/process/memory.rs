//! Memory of a process beyond [`Process::memory_info`]: psutil's `memory_info_ex`,
//! `memory_footprint`, `memory_full_info`, `memory_percent`, `memory_maps` and
//! `page_faults`.

#[allow(unused_imports)]
use super::Process;

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
