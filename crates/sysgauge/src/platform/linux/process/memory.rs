//! Memory of one process beyond `memory_info`: psutil 8.0's `memory_info_ex`,
//! `memory_footprint` and `page_faults`, psutil 7.2.2's `memory_full_info`,
//! `memory_percent` and `memory_maps`.
//!
//! Sources: `<pid>/statm` and `<pid>/status` (memory_info_ex), `<pid>/smaps_rollup` or,
//! where it cannot be read, `<pid>/smaps` (footprint), `<pid>/smaps` (maps), `<pid>/stat`
//! (page faults) and `/proc/meminfo` (the total that memory_percent divides by). Inside a
//! oneshot, `statm`, `status`, `smaps_rollup` and `smaps` are each read once.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use super::{memory_info, stat_same, zombie, Cached, Target};
use crate::error::{Error, Result};
use crate::platform::linux::fs::{self, PidDir};
use crate::platform::linux::memory::virtual_memory;
use crate::platform::linux::parse::{pid_maps, pid_smaps};
use crate::process::{
    MapCounters, MemoryFootprint, MemoryFullInfo, MemoryInfoEx, MemoryMap, MemoryMapGrouped,
    MemoryType, PageFaults,
};
use crate::roots::Roots;

/// psutil 8.0's `memory_info_ex()`: [`memory_info`] (`statm`) plus the peaks, the split of
/// the resident set, swap and huge pages from `status`. A `status` line the kernel does not
/// write (`RssAnon`/`RssFile`/`RssShmem` before 4.5, `HugetlbPages` before 4.4, `VmSwap`
/// before 2.6.34; kernel threads have no `Vm*` lines at all) gives 0, as in psutil.
pub(crate) fn memory_info_ex(t: &Target) -> Result<MemoryInfoEx> {
    let m = memory_info(t)?;
    t.with_status(|st, _| {
        let z = |v: Option<u64>| v.unwrap_or(0);
        Ok(MemoryInfoEx {
            rss: m.rss,
            vms: m.vms,
            shared: m.shared,
            text: m.text,
            lib: m.lib,
            data: m.data,
            dirty: m.dirty,
            peak_rss: z(st.vm_hwm),
            peak_vms: z(st.vm_peak),
            rss_anon: z(st.rss_anon),
            rss_file: z(st.rss_file),
            rss_shmem: z(st.rss_shmem),
            swap: z(st.vm_swap),
            hugetlb: z(st.hugetlb_pages),
        })
    })
}

/// [`Error::ZombieProcess`] when `<pid>/stat`, read again now through the process's own
/// directory, says it is a zombie (psutil's `_raise_if_zombie`, which does not use the
/// oneshot's copy). A failed read is not an error here: the caller has one already.
pub(crate) fn raise_if_zombie_now(t: &Target, dir: &PidDir) -> Result<()> {
    if let Ok(s) = super::stat_info(dir) {
        if s.state == b'Z' {
            return Err(zombie(t.pid, s));
        }
    }
    Ok(())
}

/// True while the pid still belongs to the process of `t` (a fresh open and `stat` read).
pub(crate) fn still_there(t: &Target) -> bool {
    stat_same(t.roots, t.pid, t.start).is_ok()
}

/// psutil's `memory_footprint()` (and the extras of 7.2.2's `memory_full_info()`): uss,
/// pss and swap from `smaps_rollup`; when that file cannot be read (`ENOENT`/`ESRCH`: the
/// kernel refuses it for zombies and kernel threads, kernels before 4.14 lack it), summed
/// over `smaps` instead. `smaps` is empty for zombies and kernel threads, which gives
/// zeros (as psutil). When neither file can be read while the process still exists, the
/// kernel keeps no such accounting (no `CONFIG_MMU`, before 2.6.14):
/// [`Error::Unsupported`].
pub(crate) fn memory_footprint(t: &Target) -> Result<MemoryFootprint> {
    let totals = match t.with_cached(Cached::SmapsRollup, pid_smaps::rollup_totals) {
        Err(Error::NoSuchProcess { .. }) => smaps_fallback(t)?,
        other => other?,
    };
    Ok(MemoryFootprint {
        uss: totals.uss,
        pss: totals.pss,
        swap: totals.swap,
    })
}

/// The totals summed over `smaps`, for [`memory_footprint`] when `smaps_rollup` cannot be
/// read. A process that is gone stays [`Error::NoSuchProcess`] (a zombie
/// [`Error::ZombieProcess`]); one that is there without `smaps` is [`Error::Unsupported`].
fn smaps_fallback(t: &Target) -> Result<pid_smaps::SmapsTotals> {
    match t.with_cached(Cached::Smaps, pid_smaps::smaps_totals) {
        Err(e @ Error::NoSuchProcess { .. }) => {
            let dir = t.dir()?;
            raise_if_zombie_now(t, &dir)?;
            if still_there(t) {
                return Err(Error::unsupported(
                    "per-mapping memory accounting (no /proc/<pid>/smaps: kernel without \
                     CONFIG_MMU or older than 2.6.14)",
                ));
            }
            Err(e)
        }
        other => other,
    }
}

/// psutil 7.2.2's `memory_full_info()`: [`memory_info`] followed by [`memory_footprint`].
pub(crate) fn memory_full_info(t: &Target) -> Result<MemoryFullInfo> {
    let m = memory_info(t)?;
    let f = memory_footprint(t)?;
    Ok(MemoryFullInfo {
        rss: m.rss,
        vms: m.vms,
        shared: m.shared,
        text: m.text,
        lib: m.lib,
        data: m.data,
        dirty: m.dirty,
        uss: f.uss,
        pss: f.pss,
        swap: f.swap,
    })
}

/// The total that `memory_percent` divides by: `MemTotal` of `<procfs>/meminfo`, in bytes
/// (psutil's `virtual_memory().total`).
pub(crate) fn total_memory(roots: &Roots) -> Result<u64> {
    Ok(virtual_memory(roots)?.total)
}

/// psutil's `memory_percent(memtype)`: the chosen figure (from [`memory_info`] for the
/// `statm` fields, from [`memory_footprint`] for uss, pss and swap) / `MemTotal` of
/// `<procfs>/meminfo` (psutil's `virtual_memory().total`) × 100. A total of 0 is an
/// [`Error::Parse`] naming `meminfo` (psutil raises `ValueError`).
pub(crate) fn memory_percent(t: &Target, memtype: MemoryType) -> Result<f64> {
    memory_percent_of(t, memtype, || total_memory(t.roots))
}

/// [`memory_percent`] with the total given by `total` (a value [`total_memory`] read once
/// for a whole sweep), asked for only once the process's own figure is read, so that a
/// process that is gone or refused costs no `meminfo` read, as in [`memory_percent`].
pub(crate) fn memory_percent_of(
    t: &Target,
    memtype: MemoryType,
    total: impl FnOnce() -> Result<u64>,
) -> Result<f64> {
    let value = match memtype {
        MemoryType::Uss | MemoryType::Pss | MemoryType::Swap => {
            let f = memory_footprint(t)?;
            match memtype {
                MemoryType::Uss => f.uss,
                MemoryType::Pss => f.pss,
                _ => f.swap,
            }
        }
        _ => {
            let m = memory_info(t)?;
            match memtype {
                MemoryType::Rss => m.rss,
                MemoryType::Vms => m.vms,
                MemoryType::Shared => m.shared,
                MemoryType::Text => m.text,
                MemoryType::Lib => m.lib,
                MemoryType::Data => m.data,
                _ => m.dirty,
            }
        }
    };
    let total = total()?;
    if total == 0 {
        return Err(Error::Parse {
            path: t.roots.proc("meminfo"),
            what: "MemTotal is 0: no memory percent can be computed".into(),
        });
    }
    Ok(value as f64 / total as f64 * 100.0)
}

/// The public counters from the parser's.
fn counters(c: &pid_smaps::MapCounters) -> MapCounters {
    MapCounters {
        rss: c.rss,
        size: c.size,
        pss: c.pss,
        shared_clean: c.shared_clean,
        shared_dirty: c.shared_dirty,
        private_clean: c.private_clean,
        private_dirty: c.private_dirty,
        referenced: c.referenced,
        anonymous: c.anonymous,
        swap: c.swap,
    }
}

/// One record of `smaps`, copied out of the buffer: addr, perms, psutil's pathname
/// (before the ` (deleted)` check) and the counters.
type RawRow = (Vec<u8>, Vec<u8>, Vec<u8>, pid_smaps::MapCounters);

/// The records of `<pid>/smaps` (psutil's `memory_maps()` reading), paths in psutil's form:
/// `[anon]` for a blank pathname, Python-`strip()`ped, and without a ` (deleted)` suffix
/// when nothing exists at the path with it. An empty file is [`Error::ZombieProcess`] for
/// a zombie and no rows otherwise (kernel threads).
fn smaps_rows(t: &Target) -> Result<Vec<RawRow>> {
    let raw = t.with_cached(Cached::Smaps, |data| {
        pid_smaps::smaps(data)
            .map(|e| {
                e.map(|e| {
                    (
                        e.header.addr.to_vec(),
                        e.header.perms.to_vec(),
                        pid_maps::psutil_path(e.header.pathname).into_owned(),
                        e.counters,
                    )
                })
            })
            .collect::<std::result::Result<Vec<_>, _>>()
    })?;
    if raw.is_empty() {
        let dir = t.dir()?;
        raise_if_zombie_now(t, &dir)?;
        return Ok(raw);
    }
    Ok(raw
        .into_iter()
        .map(|(addr, perms, path, c)| (addr, perms, resolve_deleted(path), c))
        .collect())
}

/// psutil's ` (deleted)` rule for a mapping's path: the suffix goes when no file exists at
/// the whole path (suffix included; a `stat` that follows links).
fn resolve_deleted(path: Vec<u8>) -> Vec<u8> {
    let keep = match pid_maps::strip_deleted(&path) {
        Some(short) => {
            let whole = std::path::Path::new(std::ffi::OsStr::from_bytes(&path));
            if fs::exists(whole) {
                None
            } else {
                Some(short.len())
            }
        }
        None => None,
    };
    match keep {
        Some(n) => {
            let mut p = path;
            p.truncate(n);
            p
        }
        None => path,
    }
}

fn to_path(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(OsString::from_vec(bytes))
}

/// psutil's `memory_maps(grouped=False)`: one row per mapping of `<pid>/smaps`, in file
/// order.
pub(crate) fn memory_maps_ungrouped(t: &Target) -> Result<Vec<MemoryMap>> {
    Ok(smaps_rows(t)?
        .into_iter()
        .map(|(addr, perms, path, c)| MemoryMap {
            addr: String::from_utf8_lossy(&addr).into_owned(),
            perms: String::from_utf8_lossy(&perms).into_owned(),
            path: to_path(path),
            counters: counters(&c),
        })
        .collect())
}

/// psutil's `memory_maps(grouped=True)`: the rows of [`memory_maps_ungrouped`] summed per
/// path, each path where it first appears.
pub(crate) fn memory_maps(t: &Target) -> Result<Vec<MemoryMapGrouped>> {
    let rows = smaps_rows(t)?;
    Ok(
        pid_smaps::group(rows.into_iter().map(|(_, _, path, c)| (path, c)))
            .into_iter()
            .map(|(path, c)| MemoryMapGrouped {
                path: to_path(path),
                counters: counters(&c),
            })
            .collect(),
    )
}

/// psutil 8.0's `page_faults()`: `minflt` and `majflt` of `<pid>/stat`.
pub(crate) fn page_faults(t: &Target) -> Result<PageFaults> {
    let s = t.stat()?;
    Ok(PageFaults {
        minor: s.minflt,
        major: s.majflt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::linux::process::Cache;
    use crate::roots::Roots;

    const KB: u64 = 1024;
    const FIXTURE: &str = "proc-pid-memory-old-kernels";

    fn target<'a>(roots: &'a Roots, pid: i32, cache: Option<&'a Cache>) -> Target<'a> {
        let start = super::super::stat(roots, pid).unwrap().starttime;
        Target {
            roots,
            pid,
            start,
            cache,
        }
    }

    fn page() -> u64 {
        rustix::param::page_size() as u64
    }

    /// psutil 7.2.2 reading the same fixture (`PROCFS_PATH`): memory_full_info and
    /// memory_maps (grouped=False), paths as hex of their bytes.
    fn psutil_on_fixture(pid: i32) -> serde_json::Value {
        let procfs = crate::testing::fixture(FIXTURE).join("proc");
        crate::testing::psutil_at(
            Some(&procfs),
            &format!(
                "import os\nfrom psutil import _pslinux\np = _pslinux.Process({pid})\n\
                 out = {{'full': list(p.memory_full_info()),\n\
                 'maps': [[os.fsencode(x).hex() if isinstance(x, str) else x for x in t] for t in p.memory_maps()]}}"
            ),
        )
    }

    #[test]
    fn fixture_linux_4_4_footprint_from_smaps_and_ex_without_rss_split() {
        let roots = Roots::fixture(FIXTURE);
        let t = target(&roots, 4404, None);
        let f = memory_footprint(&t).unwrap();
        assert_eq!(
            f,
            MemoryFootprint {
                uss: 3000 * KB,
                pss: 1214 * KB,
                swap: 104 * KB,
            }
        );
        let full = memory_full_info(&t).unwrap();
        assert_eq!(
            full,
            MemoryFullInfo {
                rss: 500 * page(),
                vms: 3014 * page(),
                shared: 300 * page(),
                text: 20 * page(),
                lib: 0,
                data: 800 * page(),
                dirty: 0,
                uss: 3000 * KB,
                pss: 1214 * KB,
                swap: 104 * KB,
            }
        );
        let ex = memory_info_ex(&t).unwrap();
        assert_eq!(
            (
                ex.rss,
                ex.vms,
                ex.peak_rss,
                ex.peak_vms,
                ex.swap,
                ex.hugetlb
            ),
            (
                500 * page(),
                3014 * page(),
                2100 * KB,
                14000 * KB,
                104 * KB,
                2048 * KB
            )
        );
        // Linux 4.4 has no RssAnon/RssFile/RssShmem: 0, as psutil 8.0.
        assert_eq!((ex.rss_anon, ex.rss_file, ex.rss_shmem), (0, 0, 0));
        assert_eq!(
            page_faults(&t).unwrap(),
            PageFaults {
                minor: 1520,
                major: 7
            }
        );
        // psutil 7.2.2 on the same files.
        let v = psutil_on_fixture(4404);
        let want: Vec<u64> = [full.rss, full.vms, full.shared, full.text, full.lib]
            .into_iter()
            .chain([full.data, full.dirty, full.uss, full.pss, full.swap])
            .collect();
        assert_eq!(v["full"], serde_json::json!(want));
    }

    #[test]
    fn fixture_linux_4_4_maps_grouped_and_not() {
        let roots = Roots::fixture(FIXTURE);
        let t = target(&roots, 4404, None);
        let rows = memory_maps_ungrouped(&t).unwrap();
        let paths: Vec<&[u8]> = rows.iter().map(|r| r.path.as_os_str().as_bytes()).collect();
        assert_eq!(
            paths,
            [
                &b"/usr/bin/memhog"[..],
                b"/usr/bin/memhog",
                b"[heap]",
                b"[anon]",
                b"/dev/shm/sysgauge-fixture-gone",
                b"[anon]",
                b"[stack]"
            ]
        );
        assert_eq!(rows[0].addr, "55d000000000-55d000010000");
        assert_eq!(rows[4].perms, "rw-s");
        assert_eq!(rows[3].counters.size, 2048 * KB);
        let grouped = memory_maps(&t).unwrap();
        let g: Vec<(&[u8], MapCounters)> = grouped
            .iter()
            .map(|m| (m.path.as_os_str().as_bytes(), m.counters))
            .collect();
        assert_eq!(g.len(), 5);
        assert_eq!(g[0].0, b"/usr/bin/memhog");
        assert_eq!(
            g[0].1,
            MapCounters {
                rss: 56 * KB,
                size: 72 * KB,
                pss: 38 * KB,
                shared_clean: 24 * KB,
                shared_dirty: 0,
                private_clean: 24 * KB,
                private_dirty: 8 * KB,
                referenced: 56 * KB,
                anonymous: 8 * KB,
                swap: 0,
            }
        );
        assert_eq!(g[2].0, b"[anon]");
        assert_eq!((g[2].1.size, g[2].1.rss), (2052 * KB, 4 * KB));
        assert_eq!(
            g.iter().map(|x| x.0).collect::<Vec<_>>(),
            [
                &b"/usr/bin/memhog"[..],
                b"[heap]",
                b"[anon]",
                b"/dev/shm/sysgauge-fixture-gone",
                b"[stack]"
            ]
        );
        // psutil's rows on the same file.
        let v = psutil_on_fixture(4404);
        let theirs: Vec<serde_json::Value> = v["maps"].as_array().unwrap().clone();
        assert_eq!(theirs.len(), rows.len());
        for (ours, p) in rows.iter().zip(&theirs) {
            let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
            let mut want = vec![
                serde_json::json!(hex(ours.addr.as_bytes())),
                serde_json::json!(hex(ours.perms.as_bytes())),
                serde_json::json!(hex(ours.path.as_os_str().as_bytes())),
            ];
            want.extend(ours.counters.to_array().map(serde_json::Value::from));
            let want = serde_json::Value::Array(want);
            assert_eq!(&want, p);
        }
    }

    #[test]
    fn fixture_linux_2_6_32_status_without_new_lines() {
        let roots = Roots::fixture(FIXTURE);
        let t = target(&roots, 2632, None);
        let ex = memory_info_ex(&t).unwrap();
        assert_eq!((ex.peak_rss, ex.peak_vms), (1800 * KB, 24000 * KB));
        assert_eq!(
            (ex.rss_anon, ex.rss_file, ex.rss_shmem, ex.swap, ex.hugetlb),
            (0, 0, 0, 0, 0)
        );
        assert_eq!(ex.rss, 424 * page());
        let f = memory_footprint(&t).unwrap();
        assert_eq!((f.uss, f.pss, f.swap), (40 * KB, 100 * KB, 12 * KB));
        let v = psutil_on_fixture(2632);
        assert_eq!(
            v["full"].as_array().unwrap()[7..],
            [40 * KB, 100 * KB, 12 * KB]
        );
    }

    #[test]
    fn fixture_kernel_thread_and_zombie() {
        let roots = Roots::fixture(FIXTURE);
        for pid in [2, 77] {
            let t = target(&roots, pid, None);
            let zero = MemoryFootprint {
                uss: 0,
                pss: 0,
                swap: 0,
            };
            assert_eq!(memory_footprint(&t).unwrap(), zero, "pid {pid}");
            let ex = memory_info_ex(&t).unwrap();
            assert_eq!((ex.rss, ex.vms, ex.peak_rss, ex.swap), (0, 0, 0, 0));
        }
        let kthread = target(&roots, 2, None);
        assert_eq!(memory_maps(&kthread).unwrap(), vec![]);
        assert_eq!(memory_maps_ungrouped(&kthread).unwrap(), vec![]);
        let zombie = target(&roots, 77, None);
        assert!(matches!(
            memory_maps(&zombie),
            Err(Error::ZombieProcess { pid: 77, .. })
        ));
        assert!(matches!(
            memory_maps_ungrouped(&zombie),
            Err(Error::ZombieProcess { pid: 77, .. })
        ));
        // psutil on the same files: zeros for both.
        for pid in [2, 77] {
            let v = psutil_on_fixture_full(pid);
            assert_eq!(v, serde_json::json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        }
    }

    fn psutil_on_fixture_full(pid: i32) -> serde_json::Value {
        let procfs = crate::testing::fixture(FIXTURE).join("proc");
        crate::testing::psutil_at(
            Some(&procfs),
            &format!(
                "from psutil import _pslinux\nout = list(_pslinux.Process({pid}).memory_full_info())"
            ),
        )
    }

    #[test]
    fn fixture_without_any_smaps_is_unsupported() {
        // A copy of the kernel thread's tree without smaps: a kernel without CONFIG_MMU.
        let tmp = tempfile::tempdir().unwrap();
        let src = crate::testing::fixture(FIXTURE).join("proc/2632");
        let dst = tmp.path().join("2632");
        std::fs::create_dir_all(&dst).unwrap();
        for f in ["stat", "statm", "status"] {
            std::fs::copy(src.join(f), dst.join(f)).unwrap();
        }
        let roots = Roots::new(tmp.path(), "/sys");
        let t = target(&roots, 2632, None);
        assert!(matches!(
            memory_footprint(&t),
            Err(Error::Unsupported { .. })
        ));
        // A process that is gone: NoSuchProcess, not Unsupported.
        std::fs::remove_dir_all(&dst).unwrap();
        assert!(matches!(
            memory_footprint(&t),
            Err(Error::NoSuchProcess { .. })
        ));
    }

    #[test]
    fn memory_percent_is_value_over_memtotal() {
        let roots = Roots::fixture(FIXTURE);
        // No meminfo in this tree: the total comes from `<procfs>/meminfo`, so a copy.
        let tmp = tempfile::tempdir().unwrap();
        let proc = tmp.path();
        std::fs::write(
            proc.join("meminfo"),
            "MemTotal:        1000000 kB\nMemFree:          500000 kB\nMemAvailable:     600000 kB\nBuffers: 0 kB\nCached: 0 kB\n",
        )
        .unwrap();
        let src = crate::testing::fixture(FIXTURE).join("proc/4404");
        let dst = proc.join("4404");
        std::fs::create_dir_all(&dst).unwrap();
        for f in ["stat", "statm", "status", "smaps"] {
            std::fs::copy(src.join(f), dst.join(f)).unwrap();
        }
        let copy = Roots::new(proc, "/sys");
        let t = target(&copy, 4404, None);
        let total = 1_000_000.0 * 1024.0;
        let rss = memory_percent(&t, MemoryType::Rss).unwrap();
        assert_eq!(rss, (500 * page()) as f64 / total * 100.0);
        let uss = memory_percent(&t, MemoryType::Uss).unwrap();
        assert_eq!(uss, (3000 * KB) as f64 / total * 100.0);
        assert_eq!(
            memory_percent(&t, MemoryType::Swap).unwrap(),
            (104 * KB) as f64 / total * 100.0
        );
        assert_eq!(
            memory_percent(&t, MemoryType::Data).unwrap(),
            (800 * page()) as f64 / total * 100.0
        );
        // The fixture itself has no meminfo: an error, not a made-up percentage.
        assert!(memory_percent(&target(&roots, 4404, None), MemoryType::Rss).is_err());
    }

    #[test]
    fn oneshot_reads_each_file_once() {
        // Inside a oneshot the first read is kept: after the files are changed on disk,
        // the getters still agree with the first reading.
        let tmp = tempfile::tempdir().unwrap();
        let src = crate::testing::fixture(FIXTURE).join("proc/4404");
        let dst = tmp.path().join("4404");
        std::fs::create_dir_all(&dst).unwrap();
        for f in ["stat", "statm", "status", "smaps"] {
            std::fs::copy(src.join(f), dst.join(f)).unwrap();
        }
        let roots = Roots::new(tmp.path(), "/sys");
        let cache = Cache::default();
        let t = target(&roots, 4404, Some(&cache));
        let ex = memory_info_ex(&t).unwrap();
        let fp = memory_footprint(&t).unwrap();
        std::fs::write(dst.join("statm"), "1 1 1 1 0 1 0\n").unwrap();
        std::fs::write(dst.join("status"), "Name:\tx\nVmHWM:\t1 kB\n").unwrap();
        std::fs::write(dst.join("smaps"), "").unwrap();
        assert_eq!(memory_info_ex(&t).unwrap(), ex);
        assert_eq!(memory_info(&t).unwrap().rss, ex.rss);
        assert_eq!(memory_full_info(&t).unwrap().uss, fp.uss);
        assert_eq!(memory_maps(&t).unwrap().len(), 5);
        // Outside the oneshot the new contents show.
        let fresh = target(&roots, 4404, None);
        assert_eq!(memory_info_ex(&fresh).unwrap().rss, page());
        assert_eq!(memory_info_ex(&fresh).unwrap().peak_rss, KB);
        assert_eq!(memory_maps(&fresh).unwrap(), vec![]);
    }
}
