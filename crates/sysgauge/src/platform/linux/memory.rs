//! The Linux backend of [`crate::memory`]: psutil 7.2.2's formulas over `/proc/meminfo`,
//! `/proc/zoneinfo` and `/proc/vmstat`.

use std::path::Path;

use crate::error::{Error, ParseError, Result};
use crate::memory::{SwapMemory, VirtualMemory};
use crate::platform::linux::fs;
use crate::platform::linux::parse::meminfo::{self, Meminfo};
use crate::platform::linux::parse::{vmstat, zoneinfo};
use crate::roots::Roots;

/// psutil turns `pswpin`/`pswpout` pages into bytes with this fixed factor (4 KiB), not
/// the machine's page size.
const SWAP_PAGE_BYTES: u64 = 4 * 1024;

/// [`VirtualMemory`] read below `roots`.
pub(crate) fn virtual_memory(roots: &Roots) -> Result<VirtualMemory> {
    virtual_memory_checked(roots).map(|(vm, _)| vm)
}

/// [`VirtualMemory`] read below `roots`, with the names of the fields set to 0 because
/// their lines were missing (psutil's warning lists the same names, in the same order).
pub(crate) fn virtual_memory_checked(roots: &Roots) -> Result<(VirtualMemory, Vec<&'static str>)> {
    let path = roots.proc("meminfo");
    let mems = fs::with_file(&path, meminfo::parse)?;
    let zone_path = roots.proc("zoneinfo");
    let low_pages = || match fs::with_file(&zone_path, zoneinfo::low_watermark_pages) {
        Ok(pages) => Ok(Some(pages)),
        // psutil falls back when it cannot open the file (kernels before 2.6.13), but not
        // when the file is malformed.
        Err(e @ Error::Parse { .. }) => Err(e),
        Err(_) => Ok(None),
    };
    compute_virtual(&mems, &path, low_pages, page_size())
}

/// The machine's page size in bytes (psutil's `PAGESIZE`), which converts zoneinfo's
/// watermarks even when the procfs root is another machine's copy, as psutil does.
fn page_size() -> u64 {
    rustix::param::page_size() as u64
}

/// The value of `name` as a non-negative byte count, `None` when the line is missing.
fn field(mems: &Meminfo, path: &Path, name: &str) -> Result<Option<u64>> {
    match mems.get(name) {
        None => Ok(None),
        Some(v) => u64::try_from(v)
            .map(Some)
            .map_err(|_| ParseError::new(format!("{name} is negative")).at(path)),
    }
}

/// The value of `name`, which must be there (psutil raises `KeyError` otherwise).
fn required(mems: &Meminfo, path: &Path, name: &str) -> Result<u64> {
    field(mems, path, name)?.ok_or_else(|| ParseError::new(format!("no {name} line")).at(path))
}

/// psutil's formulas over a parsed `/proc/meminfo`. `low_pages` gives the sum of the zones'
/// low watermarks, in pages (`None` when `/proc/zoneinfo` cannot be read); it is called
/// only when `MemAvailable` is missing or 0.
fn compute_virtual(
    mems: &Meminfo,
    path: &Path,
    low_pages: impl FnOnce() -> Result<Option<u64>>,
    page_size: u64,
) -> Result<(VirtualMemory, Vec<&'static str>)> {
    let mut missing = Vec::new();
    let total = required(mems, path, "MemTotal")?;
    let free = required(mems, path, "MemFree")?;
    let buffers = field(mems, path, "Buffers")?.unwrap_or_else(|| {
        missing.push("buffers");
        0
    });
    let cached = match field(mems, path, "Cached")? {
        Some(c) => c
            .checked_add(field(mems, path, "SReclaimable")?.unwrap_or(0))
            .ok_or_else(|| ParseError::new("Cached + SReclaimable overflows").at(path))?,
        None => {
            missing.push("cached");
            0
        }
    };
    let shared = match field(mems, path, "Shmem")? {
        Some(s) => s,
        None => field(mems, path, "MemShared")?.unwrap_or_else(|| {
            missing.push("shared");
            0
        }),
    };
    let active = field(mems, path, "Active")?.unwrap_or_else(|| {
        missing.push("active");
        0
    });
    let inactive = match field(mems, path, "Inactive")? {
        Some(i) => i,
        None => {
            // 2.4 kernels split the inactive list in three; all three must be there.
            let parts = [
                field(mems, path, "Inact_dirty")?,
                field(mems, path, "Inact_clean")?,
                field(mems, path, "Inact_laundry")?,
            ];
            match parts {
                [Some(a), Some(b), Some(c)] => a
                    .checked_add(b)
                    .and_then(|ab| ab.checked_add(c))
                    .ok_or_else(|| ParseError::new("Inact_* overflow").at(path))?,
                _ => {
                    missing.push("inactive");
                    0
                }
            }
        }
    };
    let slab = field(mems, path, "Slab")?.unwrap_or(0);

    let mut avail: i128 = match mems.get("MemAvailable") {
        // A 0 is a kernel bug (psutil issue 1915): estimate instead, as `free` does.
        Some(a) if a != 0 => i128::from(a),
        _ => estimate_available(mems, low_pages, page_size)?,
    };
    let total_i = i128::from(total);
    if avail < 0 {
        avail = 0;
        missing.push("available");
    } else if avail > total_i {
        // Inside LXC, MemAvailable can be the host's: fall back to MemFree, like procps.
        avail = i128::from(free);
    }
    let used_i = total_i - avail;
    let vm = VirtualMemory {
        total,
        // 0 <= avail, and avail is either <= total or is `free`: both fit a u64.
        available: u64::try_from(avail).unwrap_or(0),
        percent: usage_percent(used_i, total_i),
        // Negative only when MemFree > MemTotal in an LXC-like file; psutil would report
        // the negative number, sysgauge reports 0.
        used: u64::try_from(used_i).unwrap_or(0),
        free,
        active,
        inactive,
        buffers,
        cached,
        shared,
        slab,
    };
    Ok((vm, missing))
}

/// psutil's `calculate_avail_vmem`: the kernel's `MemAvailable` formula (commit 34e431b0ae39,
/// Linux 3.14) redone from `/proc/meminfo` and the zones' low watermarks:
///
/// `free - low + pagecache - min(pagecache / 2, low) + sreclaimable - min(sreclaimable / 2,
/// low)`, with `pagecache = Active(file) + Inactive(file)`, truncated toward zero.
///
/// Falls back to `MemFree + Cached` when `Active(file)`, `Inactive(file)` or `SReclaimable`
/// is missing, or `/proc/zoneinfo` cannot be read. psutil does this in floating point; the
/// values are whole (multiples of 1024 bytes), so the exact integer arithmetic here gives the
/// same result wherever a double is exact (below 2^53 bytes).
fn estimate_available(
    mems: &Meminfo,
    low_pages: impl FnOnce() -> Result<Option<u64>>,
    page_size: u64,
) -> Result<i128> {
    let free = i128::from(mems.get("MemFree").unwrap_or(0));
    let fallback = free + i128::from(mems.get("Cached").unwrap_or(0));
    let (Some(active_file), Some(inactive_file), Some(sreclaimable)) = (
        mems.get("Active(file)"),
        mems.get("Inactive(file)"),
        mems.get("SReclaimable"),
    ) else {
        return Ok(fallback);
    };
    let Some(pages) = low_pages()? else {
        return Ok(fallback);
    };
    let low = i128::from(pages) * i128::from(page_size);
    let pagecache = i128::from(active_file) + i128::from(inactive_file);
    let sreclaimable = i128::from(sreclaimable);
    // Twice the result, so that the halves stay whole.
    let twice = 2 * (free - low)
        + (2 * pagecache - pagecache.min(2 * low))
        + (2 * sreclaimable - sreclaimable.min(2 * low));
    Ok(twice / 2)
}

/// psutil's `usage_percent(used, total, round_=1)`: `used / total * 100` in floating point,
/// rounded to one decimal like Python's `round` (to the nearest, ties to even on the exact
/// binary value); 0.0 when `total` is 0.
fn usage_percent(used: i128, total: i128) -> f64 {
    if total == 0 {
        return 0.0;
    }
    round1(used as f64 / total as f64 * 100.0)
}

/// `x` rounded to one decimal as Python's `round(x, 1)` does: Rust's formatting, like
/// Python's, rounds the exact binary value correctly.
fn round1(x: f64) -> f64 {
    format!("{x:.1}").parse().unwrap_or(x)
}

/// [`SwapMemory`] read below `roots`.
pub(crate) fn swap_memory(roots: &Roots) -> Result<SwapMemory> {
    let path = roots.proc("meminfo");
    let mems = fs::with_file(&path, meminfo::parse)?;
    let vmstat_path = roots.proc("vmstat");
    let swap_pages = match fs::with_file(&vmstat_path, vmstat::swap_pages) {
        Ok(pages) => pages,
        Err(e @ Error::Parse { .. }) => return Err(e),
        // psutil reports 0 for both when it cannot open the file.
        Err(_) => None,
    };
    compute_swap(&mems, &path, swap_pages, &vmstat_path, sysinfo_swap)
}

/// Total and free swap in bytes from `sysinfo(2)` (of the running kernel, whatever the
/// procfs root), psutil's source when `/proc/meminfo` lacks the swap lines.
fn sysinfo_swap() -> (u128, u128) {
    let info = rustix::system::sysinfo();
    let unit = u128::from(info.mem_unit);
    (
        u128::from(info.totalswap) * unit,
        u128::from(info.freeswap) * unit,
    )
}

/// psutil's swap formulas. `swap_pages` is what [`vmstat::swap_pages`] found (`None`:
/// unreadable or incomplete, giving 0 and 0); `sysinfo` is called only when `SwapTotal` or
/// `SwapFree` is missing.
fn compute_swap(
    mems: &Meminfo,
    path: &Path,
    swap_pages: Option<(u64, u64)>,
    vmstat_path: &Path,
    sysinfo: impl FnOnce() -> (u128, u128),
) -> Result<SwapMemory> {
    let (total, free) = match (
        field(mems, path, "SwapTotal")?,
        field(mems, path, "SwapFree")?,
    ) {
        (Some(t), Some(f)) => (t, f),
        _ => {
            let (t, f) = sysinfo();
            let fit = |v: u128| {
                u64::try_from(v).map_err(|_| Error::unsupported("sysinfo(2) swap size overflows"))
            };
            (fit(t)?, fit(f)?)
        }
    };
    let used_i = i128::from(total) - i128::from(free);
    let bytes = |pages: u64| {
        pages
            .checked_mul(SWAP_PAGE_BYTES)
            .ok_or_else(|| ParseError::new("swap page count overflows").at(vmstat_path))
    };
    let (sin, sout) = match swap_pages {
        Some((i, o)) => (bytes(i)?, bytes(o)?),
        None => (0, 0),
    };
    Ok(SwapMemory {
        total,
        used: u64::try_from(used_i).unwrap_or(0),
        free,
        percent: usage_percent(used_i, i128::from(total)),
        sin,
        sout,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{fixture, psutil_at};
    use std::path::PathBuf;

    const MIB: u64 = 1024 * 1024;

    fn fixture_roots(name: &str) -> (Roots, PathBuf) {
        let dir = fixture(name);
        let proc_dir = dir.join("proc");
        (Roots::new(&proc_dir, dir.join("sys")), proc_dir)
    }

    /// psutil's virtual_memory() and swap_memory() read from `procfs`, plus the names of
    /// the fields psutil warned were set to 0.
    fn psutil_on(procfs: &Path) -> serde_json::Value {
        psutil_at(
            Some(procfs),
            r#"
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    vm = psutil.virtual_memory()
    sw = psutil.swap_memory()
out = {"vm": vm, "sw": sw, "warnings": [str(x.message) for x in w]}
"#,
        )
    }

    fn assert_same_as_psutil(vm: &VirtualMemory, sw: &SwapMemory, py: &serde_json::Value) {
        assert_eq!(
            serde_json::to_value(vm).unwrap(),
            py["vm"],
            "virtual_memory"
        );
        assert_eq!(serde_json::to_value(sw).unwrap(), py["sw"], "swap_memory");
    }

    fn mems(text: &str) -> Meminfo {
        meminfo::parse(text.as_bytes()).unwrap()
    }

    fn compute(text: &str, low: Option<u64>) -> (VirtualMemory, Vec<&'static str>) {
        compute_virtual(&mems(text), Path::new("meminfo"), || Ok(low), 4096).unwrap()
    }

    #[test]
    fn fixture_old_kernel_estimates_available_from_zoneinfo() {
        let (roots, procfs) = fixture_roots("memory-old-kernel-no-memavailable");
        let (vm, missing) = virtual_memory_checked(&roots).unwrap();
        // Computed by hand from the fixture (see its README): low = 41 + 8668 + 12696 pages.
        let low = 21_405 * page_size();
        let free = 423_112 * 1024;
        let pagecache: u64 = (2_784_172 + 2_502_148) * 1024;
        let srec: u64 = 489_004 * 1024;
        let expect_avail =
            free - low + pagecache - (pagecache / 2).min(low) + srec - (srec / 2).min(low);
        assert_eq!(page_size(), 4096, "the numbers below assume 4 KiB pages");
        assert_eq!(expect_avail, 6_084_173_824);
        assert_eq!(
            vm,
            VirtualMemory {
                total: 8_202_436_608,
                available: 6_084_173_824,
                percent: 25.8,
                used: 8_202_436_608 - 6_084_173_824,
                free: 433_266_688,
                active: 3_892_284 * 1024,
                inactive: 2_914_336 * 1024,
                buffers: 178_368 * 1024,
                cached: (5_209_788 + 489_004) * 1024,
                shared: 101_836 * 1024,
                slab: 542_196 * 1024,
            }
        );
        assert!(missing.is_empty());
        let sw = swap_memory(&roots).unwrap();
        // No vmstat in this fixture: sin and sout are 0, as psutil (which warns) gives.
        assert_eq!(
            (sw.total, sw.free, sw.sin, sw.sout),
            (2_097_148 * 1024, 2_081_572 * 1024, 0, 0)
        );
        assert_eq!(sw.used, 15_576 * 1024);
        assert_eq!(sw.percent, 0.7);
        let py = psutil_on(&procfs);
        assert_same_as_psutil(&vm, &sw, &py);
    }

    #[test]
    fn fixture_lxc_available_above_total_becomes_free() {
        let (roots, procfs) = fixture_roots("memory-lxc-available-over-total");
        let (vm, missing) = virtual_memory_checked(&roots).unwrap();
        assert_eq!(vm.total, 2_097_152 * 1024);
        assert_eq!(vm.free, 1_572_864 * 1024);
        assert_eq!(
            vm.available, vm.free,
            "MemAvailable > MemTotal falls back to MemFree"
        );
        assert_eq!(vm.used, 524_288 * 1024);
        assert_eq!(vm.percent, 25.0);
        assert_eq!(vm.cached, 393_216 * 1024, "Cached + SReclaimable (0)");
        assert_eq!(vm.shared, 4_096 * 1024);
        assert_eq!(vm.buffers, 0);
        assert_eq!(vm.active, 262_144 * 1024);
        assert_eq!(vm.inactive, 196_608 * 1024);
        assert_eq!(vm.slab, 0);
        assert!(missing.is_empty());
        let sw = swap_memory(&roots).unwrap();
        assert_eq!((sw.total, sw.used, sw.free, sw.percent), (0, 0, 0, 0.0));
        assert_eq!((sw.sin, sw.sout), (0, 0));
        assert_same_as_psutil(&vm, &sw, &psutil_on(&procfs));
    }

    #[test]
    fn fixture_swap_in_use() {
        let (roots, procfs) = fixture_roots("memory-swap-in-use");
        let sw = swap_memory(&roots).unwrap();
        assert_eq!(
            sw,
            SwapMemory {
                total: 8_388_604 * 1024,
                used: (8_388_604 - 6_291_452) * 1024,
                free: 6_291_452 * 1024,
                percent: 25.0,
                sin: 123_456 * 4096,
                sout: 654_321 * 4096,
            }
        );
        let (vm, missing) = virtual_memory_checked(&roots).unwrap();
        assert_eq!(vm.total, 16_303_916 * 1024);
        assert_eq!(vm.available, 9_874_196 * 1024);
        assert_eq!(vm.used, (16_303_916 - 9_874_196) * 1024);
        assert_eq!(vm.percent, 39.4);
        assert_eq!(vm.cached, (5_021_684 + 412_576) * 1024);
        assert!(missing.is_empty());
        assert_same_as_psutil(&vm, &sw, &psutil_on(&procfs));
    }

    #[test]
    fn fixture_memavailable_zero_is_estimated() {
        let (roots, procfs) = fixture_roots("memory-memavailable-zero");
        let (vm, missing) = virtual_memory_checked(&roots).unwrap();
        // low = 66 + 14162 + 7146 = 21374 pages; pagecache/2 and SReclaimable/2 exceed it.
        let low: u64 = 21_374 * 4096;
        let free: u64 = 1_215_388 * 1024;
        let pagecache: u64 = (1_602_952 + 2_311_040) * 1024;
        let srec: u64 = 301_112 * 1024;
        let expect = free - low + pagecache - low + srec - low;
        assert_eq!(vm.available, expect);
        assert_eq!(vm.available, 5_298_180_096);
        assert_eq!(vm.used, 8_040_176 * 1024 - expect);
        assert!(missing.is_empty());
        let sw = swap_memory(&roots).unwrap();
        assert_eq!((sw.sin, sw.sout), (0, 0), "vmstat without pswpout: both 0");
        assert_same_as_psutil(&vm, &sw, &psutil_on(&procfs));
    }

    #[test]
    fn fixture_2_6_18_falls_back_and_zeroes_shared() {
        let (roots, procfs) = fixture_roots("memory-kernel-2.6.18");
        let (vm, missing) = virtual_memory_checked(&roots).unwrap();
        assert_eq!(missing, vec!["shared"]);
        // No Active(file)/SReclaimable: MemFree + Cached.
        assert_eq!(vm.available, (1_036_352 + 2_087_636) * 1024);
        assert_eq!(vm.cached, 2_087_636 * 1024, "no SReclaimable to add");
        assert_eq!(vm.shared, 0);
        assert_eq!(vm.slab, 101_896 * 1024);
        assert_eq!(vm.percent, 24.7);
        let sw = swap_memory(&roots).unwrap();
        assert_eq!(
            (sw.total, sw.used, sw.free),
            (4_192_956 * 1024, 0, 4_192_956 * 1024)
        );
        let py = psutil_on(&procfs);
        assert_same_as_psutil(&vm, &sw, &py);
        let warnings = py["warnings"].as_array().unwrap();
        assert!(warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("shared memory stats couldn't be determined")));
    }

    /// Copies the live files into a temporary procfs so that sysgauge and psutil see the
    /// very same bytes: every field must then be equal, not just close.
    fn live_snapshot(edit_meminfo: impl Fn(&str) -> String) -> (tempfile::TempDir, Roots) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("proc");
        std::fs::create_dir(&p).unwrap();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
        std::fs::write(p.join("meminfo"), edit_meminfo(&meminfo)).unwrap();
        for f in ["zoneinfo", "vmstat"] {
            std::fs::write(
                p.join(f),
                std::fs::read(Path::new("/proc").join(f)).unwrap(),
            )
            .unwrap();
        }
        let roots = Roots::new(&p, dir.path().join("sys"));
        (dir, roots)
    }

    #[test]
    fn live_snapshot_equals_psutil_exactly() {
        let (dir, roots) = live_snapshot(|m| m.to_string());
        let vm = virtual_memory(&roots).unwrap();
        let sw = swap_memory(&roots).unwrap();
        assert!(vm.total > 0 && vm.available <= vm.total);
        assert_same_as_psutil(&vm, &sw, &psutil_on(&dir.path().join("proc")));
    }

    #[test]
    fn live_snapshot_without_memavailable_equals_psutil_and_is_near_the_kernel() {
        let kernel = mems(&std::fs::read_to_string("/proc/meminfo").unwrap());
        let (dir, roots) = live_snapshot(|m| {
            m.lines()
                .filter(|l| !l.starts_with("MemAvailable:"))
                .map(|l| format!("{l}\n"))
                .collect()
        });
        let vm = virtual_memory(&roots).unwrap();
        let sw = swap_memory(&roots).unwrap();
        assert_same_as_psutil(&vm, &sw, &psutil_on(&dir.path().join("proc")));
        // The estimate follows the kernel's own formula, which has since grown terms
        // (psutil documents ~1.5% of difference): allow 5% of RAM plus 64 MiB.
        let real = kernel.get("MemAvailable").unwrap() as f64;
        let tol = vm.total as f64 * 0.05 + (64 * MIB) as f64;
        assert!(
            (vm.available as f64 - real).abs() <= tol,
            "{} vs {real}",
            vm.available
        );
    }

    #[test]
    fn missing_optional_fields_are_zero_and_listed_in_psutil_order() {
        let (vm, missing) = compute("MemTotal: 1000 kB\nMemFree: 400 kB\n", None);
        assert_eq!(
            missing,
            vec!["buffers", "cached", "shared", "active", "inactive"]
        );
        // No Cached: the fallback is MemFree alone.
        assert_eq!(vm.available, 400 * 1024);
        assert_eq!(vm.used, 600 * 1024);
        assert_eq!(vm.percent, 60.0);
        assert_eq!(
            (
                vm.buffers,
                vm.cached,
                vm.shared,
                vm.active,
                vm.inactive,
                vm.slab
            ),
            (0, 0, 0, 0, 0, 0)
        );
    }

    #[test]
    fn kernel_2_4_names() {
        let (vm, missing) = compute(
            "MemTotal: 1000 kB\nMemFree: 400 kB\nMemShared: 7 kB\nInact_dirty: 1 kB\nInact_clean: 2 kB\nInact_laundry: 3 kB\nMemAvailable: 500 kB\n",
            None,
        );
        assert_eq!((vm.shared, vm.inactive), (7 * 1024, 6 * 1024));
        assert_eq!(missing, vec!["buffers", "cached", "active"]);
        // Two of three Inact_* lines are not enough.
        let (vm, missing) = compute(
            "MemTotal: 1000 kB\nMemFree: 400 kB\nInact_dirty: 1 kB\nInact_clean: 2 kB\n",
            None,
        );
        assert_eq!(vm.inactive, 0);
        assert!(missing.contains(&"inactive"));
    }

    #[test]
    fn negative_estimate_is_zero_and_reported() {
        // Watermarks larger than all free memory: the estimate goes below zero.
        let text = "MemTotal: 1000 kB\nMemFree: 10 kB\nCached: 20 kB\nActive(file): 4 kB\nInactive(file): 4 kB\nSReclaimable: 2 kB\n";
        let (vm, missing) = compute(text, Some(100));
        assert_eq!(vm.available, 0);
        assert_eq!(vm.used, 1000 * 1024);
        assert_eq!(vm.percent, 100.0);
        assert_eq!(missing.last(), Some(&"available"));
        // Without zoneinfo: MemFree + Cached.
        assert_eq!(compute(text, None).0.available, 30 * 1024);
    }

    #[test]
    fn estimate_halves_when_watermark_is_large() {
        // pagecache/2 = 50 KiB < low = 64 KiB: subtract the half.
        let text = "MemTotal: 1000 kB\nMemFree: 500 kB\nActive(file): 60 kB\nInactive(file): 40 kB\nSReclaimable: 30 kB\nMemAvailable: 0 kB\n";
        let (vm, _) = compute(text, Some(16));
        assert_eq!(vm.available, (500 - 64 + 50 + 15) * 1024);
    }

    #[test]
    fn required_and_malformed_fields_are_errors() {
        let e = compute_virtual(&mems("MemFree: 1 kB\n"), Path::new("m"), || Ok(None), 4096);
        assert!(matches!(e, Err(Error::Parse { ref what, .. }) if what.contains("MemTotal")));
        let e = compute_virtual(&mems("MemTotal: 1 kB\n"), Path::new("m"), || Ok(None), 4096);
        assert!(e.is_err());
        let e = compute_virtual(
            &mems("MemTotal: 1 kB\nMemFree: 1 kB\nBuffers: -1 kB\n"),
            Path::new("m"),
            || Ok(None),
            4096,
        );
        assert!(e.is_err());
        // A malformed zoneinfo is an error, as in psutil; an unreadable one is not.
        let e = compute_virtual(
            &mems("MemTotal: 1 kB\nMemFree: 1 kB\nActive(file): 1 kB\nInactive(file): 1 kB\nSReclaimable: 1 kB\n"),
            Path::new("m"),
            || Err(ParseError::new("bad").at(Path::new("zoneinfo"))),
            4096,
        );
        assert!(e.is_err());
    }

    #[test]
    fn zero_total_gives_zero_percent() {
        let (vm, _) = compute("MemTotal: 0 kB\nMemFree: 0 kB\nMemAvailable: 0 kB\n", None);
        assert_eq!(
            (vm.total, vm.available, vm.used, vm.percent),
            (0, 0, 0, 0.0)
        );
    }

    #[test]
    fn swap_falls_back_to_sysinfo_without_meminfo_lines() {
        let m = mems("MemTotal: 1 kB\nSwapTotal: 8 kB\n");
        let sw = compute_swap(&m, Path::new("m"), Some((1, 2)), Path::new("v"), || {
            (4096, 1024)
        })
        .unwrap();
        assert_eq!(
            (sw.total, sw.used, sw.free, sw.percent),
            (4096, 3072, 1024, 75.0)
        );
        assert_eq!((sw.sin, sw.sout), (4096, 8192));
        let huge = compute_swap(&m, Path::new("m"), None, Path::new("v"), || (u128::MAX, 0));
        assert!(matches!(huge, Err(Error::Unsupported { .. })));
        let big = compute_swap(
            &m,
            Path::new("m"),
            Some((u64::MAX, 0)),
            Path::new("v"),
            || (0, 0),
        );
        assert!(big.is_err());
        // Garbage where free > total: used saturates at 0.
        let m = mems("SwapTotal: 1 kB\nSwapFree: 2 kB\n");
        let sw = compute_swap(&m, Path::new("m"), None, Path::new("v"), || (0, 0)).unwrap();
        assert_eq!(sw.used, 0);
    }

    #[test]
    fn sysinfo_matches_live_meminfo() {
        let m = mems(&std::fs::read_to_string("/proc/meminfo").unwrap());
        let (total, _) = sysinfo_swap();
        assert_eq!(total, m.get("SwapTotal").unwrap() as u128);
    }

    #[test]
    fn percent_rounds_like_python() {
        assert_eq!(usage_percent(49, 400), 12.2); // 12.25 exactly: ties to even
        assert_eq!(usage_percent(1, 3), 33.3);
        assert_eq!(usage_percent(2, 3), 66.7);
        assert_eq!(usage_percent(9995, 10000), 100.0);
        assert_eq!(usage_percent(5, 0), 0.0);
    }
}
