//! The Linux backend of [`crate::cpu`].
//!
//! Sources: `/proc/stat` (times, statistics, last-resort CPU count), `/proc/cpuinfo`
//! (counts, `cpu MHz`), `/proc/loadavg`, and below `/sys/devices/system/cpu/`: `online`,
//! `cpu*/topology/{core_cpus_list,thread_siblings_list}`, `cpufreq/policy*/` or
//! `cpu*/cpufreq/` (`scaling_cur_freq`, `cpuinfo_cur_freq`, `scaling_min_freq`,
//! `scaling_max_freq`) and `cpu*/online`.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::fs;
use super::parse::{cpu_list, cpuinfo, loadavg, proc_stat, sysfs};
use super::sys::nprocs;
use crate::cpu::{CpuFreq, CpuStats, CpuTimes};
use crate::error::{Error, Result};
use crate::roots::Roots;

/// Clock ticks per second (`sysconf(_SC_CLK_TCK)`, USER_HZ), the unit of `/proc/stat`.
pub(crate) fn clock_ticks() -> Result<f64> {
    let hz = rustix::param::clock_ticks_per_second();
    if hz == 0 {
        return Err(Error::unsupported(
            "clock ticks per second (AT_CLKTCK) is not known",
        ));
    }
    Ok(hz as f64)
}

/// Converts one line's ticks to seconds, as psutil does: `float(ticks) / CLOCK_TICKS`.
pub(crate) fn to_seconds(t: &proc_stat::CpuTicks, hz: f64) -> CpuTimes {
    let s = |v: u64| v as f64 / hz;
    CpuTimes {
        user: s(t.user),
        nice: s(t.nice),
        system: s(t.system),
        idle: s(t.idle),
        iowait: s(t.iowait),
        irq: s(t.irq),
        softirq: s(t.softirq),
        steal: t.steal.map(s),
        guest: t.guest.map(s),
        guest_nice: t.guest_nice.map(s),
    }
}

/// System-wide CPU times from the first line of `/proc/stat`, in seconds.
pub(crate) fn cpu_times(roots: &Roots) -> Result<CpuTimes> {
    let hz = clock_ticks()?;
    let t = fs::with_file(&roots.proc("stat"), proc_stat::cpu_total)?;
    Ok(to_seconds(&t, hz))
}

/// Per-CPU times from the `cpuN` lines of `/proc/stat`, in seconds.
pub(crate) fn cpu_times_percpu(roots: &Roots) -> Result<Vec<CpuTimes>> {
    let hz = clock_ticks()?;
    let v = fs::with_file(&roots.proc("stat"), proc_stat::cpu_percpu)?;
    Ok(v.iter().map(|t| to_seconds(t, hz)).collect())
}

/// System-wide and per-CPU times from one read of `/proc/stat`.
pub(crate) fn cpu_times_all(roots: &Roots) -> Result<(CpuTimes, Vec<CpuTimes>)> {
    let hz = clock_ticks()?;
    let (total, per) = fs::with_file(&roots.proc("stat"), proc_stat::cpu_all)?;
    Ok((
        to_seconds(&total, hz),
        per.iter().map(|t| to_seconds(t, hz)).collect(),
    ))
}

/// What `sysconf(_SC_NPROCESSORS_ONLN)` answers for these roots: the real call on the
/// live system; elsewhere the count of the list in `<sysfs>/devices/system/cpu/online`, the
/// file glibc's sysconf reads, so that a foreign root (a host's `/sys`, a fixture) is
/// honoured. `None` when that gives nothing usable.
fn sysconf_online(roots: &Roots) -> Result<Option<usize>> {
    if roots.is_live() {
        return Ok(nprocs::online_cpus());
    }
    let list = fs::with_file_opt(&roots.sys("devices/system/cpu/online"), cpu_list::parse);
    Ok(match list {
        Ok(Some(l)) => l.count().filter(|&n| n >= 1),
        // A missing or unreadable file, or one that does not parse: sysconf would fall back.
        _ => None,
    })
}

/// The number of logical CPUs, by psutil's rules: `sysconf(_SC_NPROCESSORS_ONLN)` (see
/// [`sysconf_online`]), else the `processor` lines of `/proc/cpuinfo`, else the `cpuN`
/// lines of `/proc/stat`; [`Error::Unsupported`] when all give 0.
pub(crate) fn cpu_count_logical(roots: &Roots) -> Result<usize> {
    if let Some(n) = sysconf_online(roots)? {
        return Ok(n);
    }
    let n = fs::with_file(&roots.proc("cpuinfo"), |d| Ok(cpuinfo::processor_count(d)))?;
    if n >= 1 {
        return Ok(n);
    }
    let n = fs::with_file(&roots.proc("stat"), |d| Ok(proc_stat::count_cpu_lines(d)))?;
    if n >= 1 {
        return Ok(n);
    }
    Err(Error::unsupported(
        "logical CPU count: sysconf, /proc/cpuinfo and /proc/stat give none",
    ))
}

/// True for directory names `glob` would match with `<prefix>[0-9]*`.
fn numbered(name: &OsStr, prefix: &[u8]) -> bool {
    name.as_bytes()
        .strip_prefix(prefix)
        .and_then(|rest| rest.first())
        .is_some_and(u8::is_ascii_digit)
}

/// The first run of digits in `name`, for sorting `policy12` after `policy2`.
fn first_number(name: &OsStr) -> u64 {
    let b = name.as_bytes();
    let start = b.iter().position(u8::is_ascii_digit).unwrap_or(b.len());
    b.iter()
        .skip(start)
        .take_while(|c| c.is_ascii_digit())
        .fold(0u64, |acc, &c| {
            acc.saturating_mul(10).saturating_add(u64::from(c - b'0'))
        })
}

/// The `cpu[0-9]*` entries of `<sysfs>/devices/system/cpu`.
fn cpu_dirs(cpu_dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(fs::list_dir_opt(cpu_dir)?
        .into_iter()
        .filter(|n| numbered(n, b"cpu"))
        .map(|n| cpu_dir.join(n))
        .collect())
}

/// Python's `bytes.strip()`.
fn py_strip(s: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !ws(b)).map_or(start, |e| e + 1);
    s.get(start..end).unwrap_or_default()
}

/// The number of physical cores, by psutil's rules: the number of distinct
/// `cpu[0-9]*/topology/core_cpus_list` contents (or, when no CPU has that file, of
/// `thread_siblings_list`: the older name of the same list); when no CPU has either, the
/// sum of `cpu cores` over distinct `physical id`s of `/proc/cpuinfo`. `None` when neither
/// gives a count.
pub(crate) fn cpu_count_physical(roots: &Roots) -> Result<Option<usize>> {
    let cpus = cpu_dirs(&roots.sys("devices/system/cpu"))?;
    for file in ["core_cpus_list", "thread_siblings_list"] {
        // psutil globs for the files, then reads each; reading straight away and skipping
        // the missing ones gives the same set at half the syscalls.
        let mut lists = BTreeSet::new();
        for cpu in &cpus {
            match fs::with_file(&cpu.join("topology").join(file), |d| {
                Ok(py_strip(d).to_vec())
            }) {
                Ok(list) => {
                    lists.insert(list);
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        if !lists.is_empty() {
            return Ok(Some(lists.len()));
        }
    }
    fs::with_file(&roots.proc("cpuinfo"), cpuinfo::physical_cores)
}

/// Context switches, interrupts and soft interrupts since boot from `/proc/stat`.
pub(crate) fn cpu_stats(roots: &Roots) -> Result<CpuStats> {
    let path = roots.proc("stat");
    let c = fs::with_file(&path, proc_stat::counters)?;
    let missing = |what: &str| Error::Parse {
        path: path.clone(),
        what: format!("no {what} line"),
    };
    Ok(CpuStats {
        ctx_switches: c.ctxt.ok_or_else(|| missing("ctxt"))?,
        interrupts: c.intr.ok_or_else(|| missing("intr"))?,
        soft_interrupts: c.softirq,
        syscalls: 0,
    })
}

/// A sysfs frequency file in kHz, or `None` when it cannot be opened or read (psutil's
/// `bcat(..., fallback=None)` swallows every `OSError`: an offline policy answers `EBUSY`).
/// Content that is not an integer is an error.
fn khz_opt(path: &Path) -> Result<Option<f64>> {
    match fs::with_file(path, sysfs::i64_value) {
        Ok(v) => Ok(Some(v as f64)),
        Err(Error::Io { .. } | Error::AccessDenied { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A sysfs frequency file in kHz; its absence is an error.
fn khz(path: &Path) -> Result<f64> {
    fs::with_file(path, sysfs::i64_value).map(|v| v as f64)
}

/// The frequency of every CPU (or cpufreq policy), in MHz, by psutil's rules.
///
/// When `<sysfs>/devices/system/cpu/cpufreq/policy0` or `cpu0/cpufreq` exists, one entry
/// per `cpufreq/policy[0-9]*` directory (else per `cpu[0-9]*/cpufreq`), sorted by number:
/// `current` is the matching `cpu MHz` of `/proc/cpuinfo` when it has as many entries as
/// there are directories (the kernel's cached value, cheaper than asking the driver), else
/// `scaling_cur_freq`, else `cpuinfo_cur_freq`; both missing and `cpu<i>/online` reading
/// `0` (with `<i>` the entry's index, as psutil) gives all zeroes for an offline CPU, and
/// otherwise [`Error::Unsupported`]. `min` and `max` are `scaling_min_freq` and
/// `scaling_max_freq`. kHz values become MHz as psutil computes them: the integer kHz
/// divided by 1000.
///
/// Without cpufreq in sysfs: one entry per `cpu MHz` line of `/proc/cpuinfo`, with `min`
/// and `max` 0.0.
pub(crate) fn cpu_freq_percpu(roots: &Roots) -> Result<Vec<CpuFreq>> {
    let cpu_dir = roots.sys("devices/system/cpu");
    let has_cpufreq =
        fs::exists(&cpu_dir.join("cpufreq/policy0")) || fs::exists(&cpu_dir.join("cpu0/cpufreq"));
    let mhz = fs::with_file(&roots.proc("cpuinfo"), cpuinfo::mhz)?;
    if !has_cpufreq {
        return Ok(mhz
            .into_iter()
            .map(|current| CpuFreq {
                current,
                min: 0.0,
                max: 0.0,
            })
            .collect());
    }
    let policy_dir = cpu_dir.join("cpufreq");
    let mut dirs: Vec<(u64, PathBuf)> = fs::list_dir_opt(&policy_dir)?
        .into_iter()
        .filter(|n| numbered(n, b"policy"))
        .map(|n| (first_number(&n), policy_dir.join(n)))
        .collect();
    if dirs.is_empty() {
        dirs = fs::list_dir_opt(&cpu_dir)?
            .into_iter()
            .filter(|n| numbered(n, b"cpu"))
            .map(|n| (first_number(&n), cpu_dir.join(&n).join("cpufreq")))
            .filter(|(_, p)| fs::exists(p))
            .collect();
    }
    dirs.sort_by_key(|(n, _)| *n);
    let use_cpuinfo = dirs.len() == mhz.len();
    let mut out = Vec::with_capacity(dirs.len());
    for (i, (_, dir)) in dirs.iter().enumerate() {
        let mut cur = match mhz.get(i) {
            Some(m) if use_cpuinfo => Some((m * 1000.0).trunc()),
            _ => khz_opt(&dir.join("scaling_cur_freq"))?,
        };
        if cur.is_none() {
            cur = khz_opt(&dir.join("cpuinfo_cur_freq"))?;
        }
        let Some(cur) = cur else {
            let online = fs::read(&cpu_dir.join(format!("cpu{i}/online"))).ok();
            if online.as_deref() == Some(b"0\n") {
                out.push(CpuFreq {
                    current: 0.0,
                    min: 0.0,
                    max: 0.0,
                });
                continue;
            }
            return Err(Error::unsupported(format!(
                "current CPU frequency: neither scaling_cur_freq nor cpuinfo_cur_freq in {}",
                dir.display()
            )));
        };
        let max = khz(&dir.join("scaling_max_freq"))? / 1000.0;
        let min = khz(&dir.join("scaling_min_freq"))? / 1000.0;
        out.push(CpuFreq {
            current: cur / 1000.0,
            min,
            max,
        });
    }
    Ok(out)
}

/// psutil's system-wide frequency: the only entry, or the mean of each field over all
/// entries; [`Error::Unsupported`] when there is none.
pub(crate) fn average_freq(all: &[CpuFreq]) -> Result<CpuFreq> {
    match all {
        [] => Err(Error::unsupported(
            "CPU frequency: no cpufreq in sysfs and no cpu MHz in /proc/cpuinfo",
        )),
        [one] => Ok(one.clone()),
        many => {
            let n = many.len() as f64;
            let (mut cur, mut min, mut max) = (0.0, 0.0, 0.0);
            for f in many {
                cur += f.current;
                min += f.min;
                max += f.max;
            }
            Ok(CpuFreq {
                current: cur / n,
                min: min / n,
                max: max / n,
            })
        }
    }
}

/// The system-wide frequency (see [`cpu_freq_percpu`] and [`average_freq`]).
pub(crate) fn cpu_freq(roots: &Roots) -> Result<CpuFreq> {
    average_freq(&cpu_freq_percpu(roots)?)
}

/// The kernel's load averages are fixed-point numbers with this many fraction bits
/// (`SI_LOAD_SHIFT`).
const SI_LOAD_SHIFT: u32 = 16;

/// The 1, 5 and 15 minute load averages. On the live system, as psutil's
/// `os.getloadavg()` (glibc's `getloadavg(3)`): `sysinfo(2)`'s fixed-point `loads` divided
/// by 2^16, at full precision. Under other roots (a host's `/proc`, a fixture): the first
/// three fields of `<procfs>/loadavg`, which the kernel prints rounded to 0.01.
pub(crate) fn getloadavg(roots: &Roots) -> Result<(f64, f64, f64)> {
    if roots.is_live() {
        let info = rustix::system::sysinfo();
        let f = |v: std::ffi::c_ulong| v as f64 / f64::from(1u32 << SI_LOAD_SHIFT);
        return Ok((f(info.loads[0]), f(info.loads[1]), f(info.loads[2])));
    }
    fs::with_file(&roots.proc("loadavg"), loadavg::loadavg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(name: &str) -> Roots {
        Roots::fixture(name)
    }

    fn f(current: f64, min: f64, max: f64) -> CpuFreq {
        CpuFreq { current, min, max }
    }

    #[test]
    fn old_kernel() {
        let r = fixture("cpu-old-kernel");
        let hz = clock_ticks().unwrap();
        let t = cpu_times(&r).unwrap();
        assert_eq!(t.user, 2255.0 / hz);
        assert_eq!(t.idle, 22625563.0 / hz);
        assert_eq!(t.softirq, 456.0 / hz);
        assert_eq!(t.steal, Some(789.0 / hz));
        assert_eq!((t.guest, t.guest_nice), (None, None));
        let per = cpu_times_percpu(&r).unwrap();
        assert_eq!(per.len(), 2);
        assert_eq!(per[1].steal, Some(389.0 / hz));
        assert_eq!(cpu_times_all(&r).unwrap(), (t, per));
        let s = cpu_stats(&r).unwrap();
        assert_eq!(
            (s.ctx_switches, s.interrupts, s.soft_interrupts, s.syscalls),
            (1990473, 114930548, None, 0)
        );
        // No sys/devices/system/cpu/online: two `processor` lines.
        assert_eq!(cpu_count_logical(&r).unwrap(), 2);
        // Only thread_siblings_list, both `0-1`.
        assert_eq!(cpu_count_physical(&r).unwrap(), Some(1));
        assert_eq!(
            cpu_freq_percpu(&r).unwrap(),
            vec![f(2793.015, 0.0, 0.0), f(2793.015, 0.0, 0.0)]
        );
        assert_eq!(cpu_freq(&r).unwrap(), f(2793.015, 0.0, 0.0));
        assert_eq!(getloadavg(&r).unwrap(), (0.20, 0.18, 0.12));
    }

    #[test]
    fn cpufreq_policies_with_offline_cpu() {
        let r = fixture("cpu-cpufreq-policies");
        assert_eq!(cpu_count_logical(&r).unwrap(), 3);
        assert_eq!(cpu_count_physical(&r).unwrap(), Some(2));
        let per = cpu_freq_percpu(&r).unwrap();
        assert_eq!(
            per,
            vec![
                f(2400.0, 800.0, 3500.0),
                f(1800.123, 800.0, 3500.0),
                f(0.0, 0.0, 0.0),
                f(3100.0, 1200.0, 4000.0),
            ]
        );
        let avg = cpu_freq(&r).unwrap();
        assert_eq!(avg, f(1825.03075, 700.0, 2750.0));
        let s = cpu_stats(&r).unwrap();
        assert_eq!(
            (s.ctx_switches, s.interrupts, s.soft_interrupts),
            (12345678, 5000000, Some(3000000))
        );
        assert_eq!(cpu_times_percpu(&r).unwrap().len(), 3);
    }

    #[test]
    fn smt_topology_and_cpuinfo_current() {
        let r = fixture("cpu-smt-topology");
        assert_eq!(cpu_count_logical(&r).unwrap(), 4);
        assert_eq!(cpu_count_physical(&r).unwrap(), Some(2));
        // As many cpu MHz lines as cpufreq dirs: cpu MHz, truncated to whole kHz.
        assert_eq!(
            cpu_freq_percpu(&r).unwrap(),
            vec![
                f(2593.906, 800.0, 3400.0),
                f(2600.0, 800.0, 3400.0),
                f(799.999, 800.0, 3400.0),
                f(3400.5, 800.0, 3400.0),
            ]
        );
    }

    #[test]
    fn cpuinfo_only() {
        let r = fixture("cpu-cpuinfo-only");
        assert_eq!(cpu_count_logical(&r).unwrap(), 16);
        assert_eq!(cpu_count_physical(&r).unwrap(), Some(8));
        let per = cpu_freq_percpu(&r).unwrap();
        assert_eq!(per.len(), 16);
        assert_eq!(per[0], f(2000.025, 0.0, 0.0));
        assert!(per.iter().all(|x| x.min == 0.0 && x.max == 0.0));
        assert_eq!(getloadavg(&r).unwrap(), (1.5, 1.25, 1.0));
    }

    fn write(root: &Path, rel: &str, data: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }

    #[test]
    fn fallbacks_and_unsupported() {
        let dir = tempfile::tempdir().unwrap();
        let r = Roots::new(dir.path().join("proc"), dir.path().join("sys"));
        // cpuinfo without `processor` lines (sparc style): /proc/stat's cpuN lines.
        write(
            dir.path(),
            "proc/cpuinfo",
            "cpu\t\t: TI UltraSparc II\nncpus active\t: 2\n",
        );
        write(
            dir.path(),
            "proc/stat",
            "cpu 1 2 3 4 5 6 7\ncpu0 1 1 1 1 1 1 1\ncpu1 0 1 2 3 4 5 6\n",
        );
        assert_eq!(cpu_count_logical(&r).unwrap(), 2);
        assert_eq!(cpu_count_physical(&r).unwrap(), None);
        assert_eq!(cpu_freq_percpu(&r).unwrap(), vec![]);
        assert!(matches!(cpu_freq(&r), Err(Error::Unsupported { .. })));
        // No count anywhere.
        write(dir.path(), "proc/stat", "cpu 1 2 3 4 5 6 7\n");
        assert!(matches!(
            cpu_count_logical(&r),
            Err(Error::Unsupported { .. })
        ));
        // A garbled online file is ignored like sysconf would.
        write(dir.path(), "sys/devices/system/cpu/online", "zero\n");
        assert!(matches!(
            cpu_count_logical(&r),
            Err(Error::Unsupported { .. })
        ));
        write(dir.path(), "sys/devices/system/cpu/online", "0-5\n");
        assert_eq!(cpu_count_logical(&r).unwrap(), 6);
        // A policy with no current frequency whose CPU is not offline.
        write(
            dir.path(),
            "sys/devices/system/cpu/cpufreq/policy0/scaling_max_freq",
            "1\n",
        );
        assert!(matches!(
            cpu_freq_percpu(&r),
            Err(Error::Unsupported { .. })
        ));
        // ... and garbage in a frequency file is a parse error.
        write(
            dir.path(),
            "sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq",
            "fast\n",
        );
        assert!(matches!(cpu_freq_percpu(&r), Err(Error::Parse { .. })));
        // Missing files are I/O errors naming the file.
        let none = Roots::new(dir.path().join("nope"), dir.path().join("nope"));
        assert!(cpu_times(&none).unwrap_err().is_not_found());
        assert!(cpu_stats(&none).unwrap_err().is_not_found());
        assert!(getloadavg(&none).unwrap_err().is_not_found());
        // /proc/stat without ctxt.
        assert!(matches!(cpu_stats(&r), Err(Error::Parse { .. })));
    }

    #[test]
    fn policy_order_is_numeric() {
        let dir = tempfile::tempdir().unwrap();
        let r = Roots::new(dir.path().join("proc"), dir.path().join("sys"));
        write(dir.path(), "proc/cpuinfo", "");
        for (p, khz) in [(0, "1000"), (2, "2000"), (10, "3000")] {
            let base = format!("sys/devices/system/cpu/cpufreq/policy{p}");
            write(dir.path(), &format!("{base}/scaling_cur_freq"), khz);
            write(dir.path(), &format!("{base}/scaling_min_freq"), "0");
            write(dir.path(), &format!("{base}/scaling_max_freq"), "9000");
        }
        let cur: Vec<f64> = cpu_freq_percpu(&r)
            .unwrap()
            .iter()
            .map(|x| x.current)
            .collect();
        assert_eq!(cur, vec![1.0, 2.0, 3.0]);
        assert_eq!(first_number(OsStr::new("policy12")), 12);
    }

    #[test]
    fn live_sysconf_matches_online_file() {
        let live = Roots::default();
        let from_file = fs::with_file(&live.sys("devices/system/cpu/online"), cpu_list::parse)
            .unwrap()
            .count();
        assert_eq!(nprocs::online_cpus(), from_file);
        assert_eq!(cpu_count_logical(&live).unwrap(), from_file.unwrap());
    }
}
