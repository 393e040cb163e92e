//! The memory attributes of `Process` (memory_info_ex, memory_footprint, memory_full_info,
//! memory_percent, memory_maps, page_faults) against independent readings of the same
//! process:
//!
//! - `/proc/<pid>/{status,statm,stat,smaps_rollup,meminfo}` read directly by simple code;
//! - `ps -o rss=,vsz=,maj_flt=,min_flt=`;
//! - psutil 7.2.2 on the same pid (live), and on a snapshot of the pid's files given to it
//!   through `PROCFS_PATH` (exact: the same bytes), with and without `smaps_rollup` (its
//!   fallback to `smaps`); psutil 8.0's `memory_info_ex` rules (a regex per status line,
//!   0 when missing) written out in Python.
//!
//! Children are stopped (SIGSTOP) so their own memory does not move; what other processes
//! do to shared pages can still move Pss and the private/shared split, which the tests
//! handle by comparing between two direct reads or on snapshots.

mod common;

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{wait_state, Kid};
use serde_json::{json, Value};
use sysgauge::{Error, MemoryType, Process, Roots};

const KB: u64 = 1024;

fn page() -> u64 {
    rustix::param::page_size() as u64
}

/// A stopped `sleep 30` child (exec'd, then SIGSTOP).
fn stopped_sleep() -> Kid {
    let kid = Kid::spawn(Command::new("sleep").arg("30"));
    let t0 = Instant::now();
    while std::fs::read(format!("/proc/{}/cmdline", kid.pid()))
        .ok()
        .as_deref()
        != Some(b"sleep\x0030\x00")
    {
        assert!(t0.elapsed() < Duration::from_secs(10), "sleep never ran");
        std::thread::sleep(Duration::from_millis(2));
    }
    kid.stop();
    kid
}

/// The `Key:  N kB` lines of `/proc/<pid>/status`, in bytes.
fn status_kb(pid: i32) -> BTreeMap<String, u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let v = v.trim().strip_suffix(" kB")?;
            Some((k.to_string(), v.trim().parse::<u64>().ok()? * KB))
        })
        .collect()
}

/// `/proc/<pid>/statm` × page size.
fn statm(pid: i32) -> Vec<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/statm"))
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse::<u64>().unwrap() * page())
        .collect()
}

/// uss (Private_*), pss and swap of `/proc/<pid>/smaps_rollup`, read directly.
fn rollup(pid: i32) -> [u64; 3] {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap();
    let mut t = [0u64; 3];
    for l in text.lines() {
        let mut f = l.split_whitespace();
        let (Some(k), Some(v)) = (f.next(), f.next()) else {
            continue;
        };
        let Ok(v) = v.parse::<u64>() else { continue };
        match k {
            "Private_Clean:" | "Private_Dirty:" | "Private_Hugetlb:" => t[0] += v * KB,
            "Pss:" => t[1] = v * KB,
            "Swap:" => t[2] = v * KB,
            _ => {}
        }
    }
    t
}

/// MemTotal of /proc/meminfo, in bytes.
fn mem_total() -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap();
    let line = text.lines().find(|l| l.starts_with("MemTotal:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        * KB
}

#[test]
fn memory_info_ex_of_stopped_child_matches_status_statm_ps_and_psutil8_rules() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let p = Process::new(pid).unwrap();
    let ex = p.memory_info_ex().unwrap();
    let m = p.memory_info().unwrap();
    // The memory_info part is memory_info (statm).
    assert_eq!(
        [ex.rss, ex.vms, ex.shared, ex.text, ex.lib, ex.data, ex.dirty],
        [m.rss, m.vms, m.shared, m.text, m.lib, m.data, m.dirty]
    );
    let sm = statm(pid);
    assert_eq!(
        [ex.vms, ex.rss, ex.shared, ex.text],
        [sm[0], sm[1], sm[2], sm[3]]
    );
    // status, read directly (0 where this kernel lacks a line).
    let st = status_kb(pid);
    let get = |k: &str| st.get(k).copied().unwrap_or(0);
    assert_eq!(ex.peak_rss, get("VmHWM"));
    assert_eq!(ex.peak_vms, get("VmPeak"));
    assert_eq!(ex.rss_anon, get("RssAnon"));
    assert_eq!(ex.rss_file, get("RssFile"));
    assert_eq!(ex.rss_shmem, get("RssShmem"));
    assert_eq!(ex.swap, get("VmSwap"));
    assert_eq!(ex.hugetlb, get("HugetlbPages"));
    // The kernel's own identity: VmRSS = RssAnon + RssFile + RssShmem (4.5+).
    if st.contains_key("RssAnon") {
        assert_eq!(ex.rss_anon + ex.rss_file + ex.rss_shmem, get("VmRSS"));
        assert!(ex.rss_file > 0, "sleep maps its binary and libc");
    }
    assert!(ex.peak_rss >= ex.rss && ex.peak_vms >= ex.vms);
    // ps: rss and vsz in KiB.
    let ps = common::run("ps", &["-o", "rss=,vsz=", "-p", &pid.to_string()]);
    let v: Vec<u64> = ps
        .split_whitespace()
        .map(|x| x.parse::<u64>().unwrap() * KB)
        .collect();
    assert_eq!(v, [ex.rss, ex.vms]);
    // psutil 7.2.2's memory_info, and psutil 8.0's extra fields by its rules (a regex
    // search per line, kB × 1024, 0 when absent).
    let py = common::psutil(&format!(
        r#"
import re
p = psutil.Process({pid})
data = open("/proc/{pid}/status", "rb").read()
def kb(name):
    m = re.search(name.encode() + rb":\s+(\d+)", data)
    return int(m.group(1)) * 1024 if m else 0
out = list(p.memory_info()) + [kb("VmHWM"), kb("VmPeak"), kb("RssAnon"), kb("RssFile"),
                               kb("RssShmem"), kb("VmSwap"), kb("HugetlbPages")]
"#
    ));
    let ours = json!([
        ex.rss,
        ex.vms,
        ex.shared,
        ex.text,
        ex.lib,
        ex.data,
        ex.dirty,
        ex.peak_rss,
        ex.peak_vms,
        ex.rss_anon,
        ex.rss_file,
        ex.rss_shmem,
        ex.swap,
        ex.hugetlb
    ]);
    assert_eq!(py, ours);
}

/// Copies the files the memory getters read (and `stat`, for the identity) of `pid` into
/// `root/<pid>/`, plus `meminfo`, so that psutil and we read the same bytes.
fn snapshot(pid: i32, root: &Path, with_rollup: bool) {
    let dir = root.join(pid.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = vec!["stat", "statm", "status", "smaps"];
    if with_rollup {
        files.push("smaps_rollup");
    }
    for f in files {
        let data = std::fs::read(format!("/proc/{pid}/{f}")).unwrap();
        std::fs::write(dir.join(f), data).unwrap();
    }
    std::fs::write(
        root.join("meminfo"),
        std::fs::read("/proc/meminfo").unwrap(),
    )
    .unwrap();
}

/// psutil 7.2.2 on the snapshot: memory_full_info, memory_maps grouped and not (paths as
/// hex of their bytes) and memory_percent('uss'), through `_pslinux.Process`.
fn psutil_on_snapshot(root: &Path, pid: i32) -> Value {
    common::psutil_at(
        Some(root),
        &format!(
            r#"
import os
from psutil import _pslinux
pp = _pslinux.Process({pid})
P = psutil.Process.__new__(psutil.Process)
P._proc = pp
P._exe = None
def h(t):
    return [os.fsencode(x).hex() if isinstance(x, str) else x for x in t]
out = {{
    "full": list(pp.memory_full_info()),
    "maps": [h(t) for t in pp.memory_maps()],
    "grouped": [h(t) for t in psutil.Process.memory_maps(P, grouped=True)],
    "uss_percent": psutil.Process.memory_percent(P, "uss"),
    "rss_percent": psutil.Process.memory_percent(P, "rss"),
}}
"#
        ),
    )
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Our reading of the snapshot in psutil's shapes.
fn ours_on_snapshot(root: &Path, pid: i32) -> Value {
    let roots = Arc::new(Roots::new(root, "/sys"));
    let p = Process::new_at(roots, pid).unwrap();
    let f = p.memory_full_info().unwrap();
    let fp = p.memory_footprint().unwrap();
    assert_eq!((f.uss, f.pss, f.swap), (fp.uss, fp.pss, fp.swap));
    let c = |c: &sysgauge::MapCounters| {
        vec![
            json!(c.rss),
            json!(c.size),
            json!(c.pss),
            json!(c.shared_clean),
            json!(c.shared_dirty),
            json!(c.private_clean),
            json!(c.private_dirty),
            json!(c.referenced),
            json!(c.anonymous),
            json!(c.swap),
        ]
    };
    let maps: Vec<Value> = p
        .memory_maps_ungrouped()
        .unwrap()
        .iter()
        .map(|m| {
            let mut row = vec![
                json!(hex(m.addr.as_bytes())),
                json!(hex(m.perms.as_bytes())),
                json!(hex(m.path.as_os_str().as_bytes())),
            ];
            row.extend(c(&m.counters));
            Value::Array(row)
        })
        .collect();
    let grouped: Vec<Value> = p
        .memory_maps()
        .unwrap()
        .iter()
        .map(|m| {
            let mut row = vec![json!(hex(m.path.as_os_str().as_bytes()))];
            row.extend(c(&m.counters));
            Value::Array(row)
        })
        .collect();
    json!({
        "full": [f.rss, f.vms, f.shared, f.text, f.lib, f.data, f.dirty, f.uss, f.pss, f.swap],
        "maps": maps,
        "grouped": grouped,
        "uss_percent": p.memory_percent(MemoryType::Uss).unwrap(),
        "rss_percent": p.memory_percent(MemoryType::Rss).unwrap(),
    })
}

#[test]
fn snapshot_of_stopped_child_equals_psutil_with_rollup_and_with_smaps_fallback() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    for with_rollup in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        snapshot(pid, tmp.path(), with_rollup);
        let mut theirs = psutil_on_snapshot(tmp.path(), pid);
        let mut ours = ours_on_snapshot(tmp.path(), pid);
        // The percentages: serde_json's float parsing is not always correctly rounded (no
        // `float_roundtrip` feature), so psutil's printed value can come back one ulp off.
        for k in ["uss_percent", "rss_percent"] {
            let a = ours[k].take().as_f64().unwrap();
            let b = theirs[k].take().as_f64().unwrap();
            common::assert_close(k, a, b, a.abs() * 1e-15);
        }
        assert_eq!(ours, theirs, "with_rollup = {with_rollup}");
        // Without the rollup, the totals are the smaps sums (row fields: addr, perms,
        // path, rss, size, pss, shared_clean, shared_dirty, private_clean, private_dirty...).
        if !with_rollup {
            let sum = |i: usize| -> u64 {
                ours["maps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r[i].as_u64().unwrap())
                    .sum()
            };
            assert_eq!(ours["full"][7].as_u64().unwrap(), sum(8) + sum(9));
            assert_eq!(ours["full"][8].as_u64().unwrap(), sum(5));
        }
    }
}

#[test]
fn live_footprint_of_stopped_child_equals_smaps_rollup_read_around_it() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let p = Process::new(pid).unwrap();
    // The child is stopped, but Pss moves when other processes map or unmap the libraries
    // it shares: compare when two direct reads around ours agree.
    let mut agreed = false;
    for _ in 0..50 {
        let before = rollup(pid);
        let f = p.memory_footprint().unwrap();
        let full = p.memory_full_info().unwrap();
        let after = rollup(pid);
        // Pss can move and come back between the two direct reads (another test maps and
        // unmaps libc meanwhile): only a round where all four reads agree counts; a real
        // difference never agrees and fails below.
        if before == after
            && [f.uss, f.pss, f.swap] == before
            && [full.uss, full.pss, full.swap] == before
        {
            agreed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        agreed,
        "memory_footprint/memory_full_info of {pid} never equalled smaps_rollup read around them"
    );
    // psutil's live memory_full_info: the same statm part; swap equal; uss/pss within what
    // two of our reads around it saw (psutil's own interpreter shares libc meanwhile). Uss
    // and pss move when a process sharing the child's pages starts or exits (other tests
    // run in parallel): a round where they moved during psutil's read is tried again.
    common::retry("memory_full_info vs psutil", || {
        let a = p.memory_full_info().unwrap();
        let py = common::psutil(&format!(
            "out = list(psutil.Process({pid}).memory_full_info())"
        ));
        let b = p.memory_full_info().unwrap();
        let v: Vec<u64> = serde_json::from_value(py).unwrap();
        assert_eq!(
            v[..7],
            [a.rss, a.vms, a.shared, a.text, a.lib, a.data, a.dirty]
        );
        assert_eq!(v[9], a.swap);
        if v[7] > a.uss.max(b.uss) {
            return Err(format!("uss {} vs {} / {}", v[7], a.uss, b.uss));
        }
        if v[8] > a.pss.max(b.pss) + 64 * KB {
            return Err(format!("pss {} vs {} / {}", v[8], a.pss, b.pss));
        }
        Ok(())
    });
}

#[test]
fn live_memory_maps_of_stopped_child_match_psutil() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let p = Process::new(pid).unwrap();
    let py = common::psutil(&format!(
        r#"
import os
p = psutil.Process({pid})
def h(t):
    return [os.fsencode(x).hex() if isinstance(x, str) else x for x in t]
out = {{"maps": [h(t) for t in p.memory_maps(grouped=False)],
        "grouped": [h(t) for t in p.memory_maps()]}}
"#
    ));
    let rows = p.memory_maps_ungrouped().unwrap();
    let theirs = py["maps"].as_array().unwrap();
    assert_eq!(rows.len(), theirs.len());
    for (m, t) in rows.iter().zip(theirs) {
        // addr, perms, path, rss, size exact (the child is stopped); referenced, anonymous,
        // swap and the clean/dirty totals too. Pss and the private/shared split move when
        // psutil's interpreter maps the same libraries.
        assert_eq!(t[0], hex(m.addr.as_bytes()));
        assert_eq!(t[1], hex(m.perms.as_bytes()));
        assert_eq!(t[2], hex(m.path.as_os_str().as_bytes()));
        let c = m.counters;
        let n = |i: usize| t[i].as_u64().unwrap();
        assert_eq!((n(3), n(4)), (c.rss, c.size), "{m:?}");
        assert_eq!(n(6) + n(8), c.shared_clean + c.private_clean, "{m:?}");
        assert_eq!(n(7) + n(9), c.shared_dirty + c.private_dirty, "{m:?}");
        assert_eq!((n(11), n(12)), (c.anonymous, c.swap), "{m:?}");
    }
    // Grouped: psutil's paths in psutil's order (first appearance), sizes summed.
    let grouped = p.memory_maps().unwrap();
    let theirs = py["grouped"].as_array().unwrap();
    let ours_paths: Vec<String> = grouped
        .iter()
        .map(|g| hex(g.path.as_os_str().as_bytes()))
        .collect();
    let their_paths: Vec<String> = theirs
        .iter()
        .map(|t| t[0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ours_paths, their_paths);
    for (g, t) in grouped.iter().zip(theirs) {
        assert_eq!(t[2].as_u64().unwrap(), g.counters.size);
        assert_eq!(t[1].as_u64().unwrap(), g.counters.rss);
    }
    assert!(grouped.iter().any(|g| g.path == Path::new("[stack]")));
    let sleep_exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    assert!(grouped.iter().any(|g| g.path == sleep_exe));
    // The grouped sizes add up to statm's size (the `[vsyscall]` page, outside the
    // process's address space proper, is not counted there).
    let total: u64 = grouped
        .iter()
        .filter(|g| g.path != Path::new("[vsyscall]"))
        .map(|g| g.counters.size)
        .sum();
    assert_eq!(total, statm(pid)[0]);
}

#[test]
fn page_faults_of_stopped_child_match_ps_and_stat() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let p = Process::new(pid).unwrap();
    let pf = p.page_faults().unwrap();
    let ps = common::run("ps", &["-o", "maj_flt=,min_flt=", "-p", &pid.to_string()]);
    let v: Vec<u64> = ps.split_whitespace().map(|x| x.parse().unwrap()).collect();
    assert_eq!(v, [pf.major, pf.minor]);
    // /proc/<pid>/stat fields 10 (minflt) and 12 (majflt).
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    assert_eq!(f[7].parse::<u64>().unwrap(), pf.minor);
    assert_eq!(f[9].parse::<u64>().unwrap(), pf.major);
    assert!(pf.minor > 0, "exec'ing sleep faults pages in");
}

#[test]
fn memory_percent_of_stopped_child_is_psutils_formula() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let p = Process::new(pid).unwrap();
    let total = mem_total() as f64;
    let m = p.memory_info().unwrap();
    assert_eq!(
        p.memory_percent(MemoryType::Rss).unwrap(),
        m.rss as f64 / total * 100.0
    );
    assert_eq!(
        p.memory_percent(MemoryType::Vms).unwrap(),
        m.vms as f64 / total * 100.0
    );
    assert_eq!(
        p.memory_percent(MemoryType::Text).unwrap(),
        m.text as f64 / total * 100.0
    );
    assert_eq!(p.memory_percent(MemoryType::Dirty).unwrap(), 0.0);
    let swap = p.memory_footprint().unwrap().swap;
    assert_eq!(
        p.memory_percent(MemoryType::Swap).unwrap(),
        swap as f64 / total * 100.0
    );
    // psutil: the same rss over the same total.
    let py = common::psutil(&format!(
        "p = psutil.Process({pid})\nout = [p.memory_percent(), p.memory_percent('vms'), p.memory_percent('data')]"
    ));
    let v: Vec<f64> = serde_json::from_value(py).unwrap();
    // Equal up to serde_json's float parsing of psutil's output (may be one ulp off).
    for (i, t) in [MemoryType::Rss, MemoryType::Vms, MemoryType::Data]
        .into_iter()
        .enumerate()
    {
        let ours = p.memory_percent(t).unwrap();
        common::assert_close(&format!("{t:?}"), ours, v[i], ours * 1e-15);
    }
}

#[test]
fn zombie_memory_as_psutil() {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id() as i32;
    wait_state(pid, b'Z');
    let p = Process::new(pid).unwrap();
    assert!(matches!(p.memory_maps(), Err(Error::ZombieProcess { pid: z, .. }) if z == pid));
    assert!(matches!(
        p.memory_maps_ungrouped(),
        Err(Error::ZombieProcess { .. })
    ));
    let f = p.memory_full_info().unwrap();
    let ex = p.memory_info_ex().unwrap();
    assert_eq!((ex.rss, ex.vms, ex.peak_rss, ex.swap), (0, 0, 0, 0));
    assert_eq!(p.memory_percent(MemoryType::Rss).unwrap(), 0.0);
    let py = common::psutil(&format!(
        r#"
p = psutil.Process({pid})
try:
    p.memory_maps(); maps = "no error"
except psutil.ZombieProcess:
    maps = "zombie"
out = {{"full": list(p.memory_full_info()), "maps": maps}}
"#
    ));
    assert_eq!(py["maps"], "zombie");
    assert_eq!(
        py["full"],
        json!([f.rss, f.vms, f.shared, f.text, f.lib, f.data, f.dirty, f.uss, f.pss, f.swap])
    );
    assert_eq!(f.uss + f.pss + f.swap + f.rss, 0);
    // page faults stay readable: equal to stat's.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let f: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    let pf = p.page_faults().unwrap();
    assert_eq!(
        (pf.minor, pf.major),
        (f[7].parse().unwrap(), f[9].parse().unwrap())
    );
    child.wait().unwrap();
    assert!(matches!(
        p.memory_footprint(),
        Err(Error::NoSuchProcess { .. })
    ));
    assert!(matches!(p.memory_maps(), Err(Error::NoSuchProcess { .. })));
    assert!(matches!(p.page_faults(), Err(Error::NoSuchProcess { .. })));
}

#[test]
fn kernel_thread_memory_as_psutil() {
    if !common::kthreadd_visible() {
        return;
    }
    let k = Process::new(2).unwrap();
    assert_eq!(k.memory_maps().unwrap(), vec![]);
    let f = k.memory_full_info().unwrap();
    assert_eq!((f.rss, f.uss, f.pss, f.swap), (0, 0, 0, 0));
    let ex = k.memory_info_ex().unwrap();
    assert_eq!((ex.rss, ex.peak_rss, ex.rss_anon), (0, 0, 0));
    let py = common::psutil(
        "p = psutil.Process(2)\nout = {'full': list(p.memory_full_info()), 'maps': p.memory_maps()}",
    );
    assert_eq!(
        py,
        json!({"full": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "maps": []})
    );
}

#[test]
fn oneshot_gives_the_same_values_as_separate_calls() {
    let kid = stopped_sleep();
    let p = Process::new(kid.pid()).unwrap();
    // Outside: each call reads its own files.
    let outside = (
        p.memory_info().unwrap(),
        p.memory_info_ex().unwrap(),
        p.memory_maps().unwrap().len(),
        p.page_faults().unwrap(),
        p.memory_percent(MemoryType::Rss).unwrap(),
    );
    let inside = p.oneshot(|q| {
        let ex = q.memory_info_ex().unwrap();
        let mi = q.memory_info().unwrap();
        // One statm read serves both.
        assert_eq!(ex.rss, mi.rss);
        let fp = q.memory_footprint().unwrap();
        let full = q.memory_full_info().unwrap();
        assert_eq!((fp.uss, fp.pss, fp.swap), (full.uss, full.pss, full.swap));
        (
            mi,
            ex,
            q.memory_maps().unwrap().len(),
            q.page_faults().unwrap(),
            q.memory_percent(MemoryType::Rss).unwrap(),
        )
    });
    assert_eq!(outside, inside);
}

/// Run by [`oneshot_opens_statm_and_status_once`] under strace: reads the memory
/// attributes of `SYSGAUGE_PROBE_PID` inside one oneshot, between two markers.
#[test]
#[ignore = "run under strace by oneshot_opens_statm_and_status_once"]
fn oneshot_probe() {
    let Ok(pid) = std::env::var("SYSGAUGE_PROBE_PID") else {
        return;
    };
    let p = Process::new(pid.parse().unwrap()).unwrap();
    let _ = std::fs::metadata("/sysgauge-probe-start");
    p.oneshot(|q| {
        q.memory_info().unwrap();
        q.memory_info_ex().unwrap();
        q.memory_full_info().unwrap();
        q.memory_footprint().unwrap();
        q.memory_percent(MemoryType::Uss).unwrap();
        q.memory_maps().unwrap();
        q.memory_maps_ungrouped().unwrap();
        q.page_faults().unwrap();
    });
    let _ = std::fs::metadata("/sysgauge-probe-end");
}

#[test]
fn oneshot_opens_statm_and_status_once() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("skipped: no strace");
        return;
    }
    let kid = stopped_sleep();
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("trace");
    let out = Command::new("strace")
        .args(["-f", "-e", "trace=openat,open,newfstatat,statx,stat", "-o"])
        .arg(&log)
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "oneshot_probe", "--ignored", "--test-threads=1"])
        .env("SYSGAUGE_PROBE_PID", kid.pid().to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!(
            "skipped: strace could not trace ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return;
    }
    let trace = std::fs::read_to_string(&log).unwrap();
    let start = trace.find("sysgauge-probe-start").expect("start marker");
    let end = trace.find("sysgauge-probe-end").expect("end marker");
    let window = &trace[start..end];
    let opens = |file: &str| {
        window
            .lines()
            .filter(|l| l.contains("open") && l.contains(&format!("\"{file}\"")))
            .count()
    };
    assert_eq!(opens("statm"), 1, "{window}");
    assert_eq!(opens("status"), 1, "{window}");
    assert_eq!(opens("smaps_rollup"), 1, "{window}");
    assert_eq!(opens("smaps"), 1, "{window}");
    assert_eq!(opens("stat"), 1, "{window}");
}

#[test]
fn python_child_with_mapped_files_maps_match_psutil() {
    // A Python child mapping a file, a deleted file and anonymous memory: grouped paths,
    // their order and sizes as psutil gives them.
    let dir = tempfile::tempdir().unwrap();
    let code = r#"
import mmap, os, signal, sys
d = sys.argv[1]
keep = []
for name, size in (("kept.bin", 3 * 4096), ("gone.bin", 2 * 4096)):
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(b"x" * size)
    f = open(path, "r+b")
    m = mmap.mmap(f.fileno(), size)
    m[0:1] = b"y"
    keep += [f, m]
os.unlink(os.path.join(d, "gone.bin"))
anon = mmap.mmap(-1, 5 * 4096)
anon[0:1] = b"a"
print("ready", flush=True)
signal.pause()
"#;
    let (kid, line) = common::python_child(code, &[dir.path().as_os_str()]);
    assert_eq!(line, "ready");
    kid.stop();
    let p = Process::new(kid.pid()).unwrap();
    let grouped = p.memory_maps().unwrap();
    let kept = dir.path().join("kept.bin");
    let gone = dir.path().join("gone.bin");
    let g = |path: &Path| grouped.iter().find(|m| m.path == path).map(|m| m.counters);
    assert_eq!(g(&kept).unwrap().size, 3 * 4096);
    assert_eq!(
        g(&gone).unwrap().size,
        2 * 4096,
        "deleted: listed without the suffix"
    );
    assert!(grouped.iter().any(|m| m.path == Path::new("[anon]")));
    let py = common::psutil(&format!(
        "import os\nout = [[os.fsencode(t.path).hex(), t.size] for t in psutil.Process({}).memory_maps()]",
        kid.pid()
    ));
    let ours: Vec<Value> = grouped
        .iter()
        .map(|m| json!([hex(m.path.as_os_str().as_bytes()), m.counters.size]))
        .collect();
    assert_eq!(py, Value::Array(ours));
}
