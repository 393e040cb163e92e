//! What a sweep of `process_iter` costs per process, and that the shortcuts taken for it
//! keep the getters' answers: with the attributes `sysgauge top` fetches, the system-wide
//! figures (logical CPU count for `cpu_percent`, total memory for `memory_percent`) are
//! read once per sweep, not once per process, and `nice` inside a oneshot checks the
//! process's identity through the oneshot's directory handle instead of opening
//! `/proc/<pid>` and reading `stat` again. Counted with strace on a probe run as a child.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::Kid;
use sysgauge::{Attr, AttrValue, Error, MemoryType, Process, Processes};

/// The attributes of `sysgauge top`'s process table.
const TOP_ATTRS: &[Attr] = &[
    Attr::Name,
    Attr::Username,
    Attr::Nice,
    Attr::MemoryInfo,
    Attr::CpuTimes,
    Attr::Status,
    Attr::CpuPercent,
    Attr::MemoryPercent,
];

/// Sweeps of the probe: the second finds every process kept from the first (a oneshot
/// that opens and checks `/proc/<pid>` itself), the first opens most of them anew.
const PROBE_SWEEPS: usize = 2;

/// Run by [`sweep_reads_system_figures_once_and_each_pid_dir_once`] under strace: sweeps
/// with [`TOP_ATTRS`], between markers, leaving the number of processes each sweep yielded
/// in the trace as the name of a file it looks up.
#[test]
#[ignore = "run under strace by sweep_reads_system_figures_once_and_each_pid_dir_once"]
fn sweep_probe() {
    if std::env::var_os("SYSGAUGE_SWEEP_PROBE").is_none() {
        return;
    }
    let procs = Processes::new();
    let _ = std::fs::metadata("/sysgauge-probe-start");
    for _ in 0..PROBE_SWEEPS {
        let n = procs
            .iter(TOP_ATTRS, AttrValue::None)
            .unwrap()
            .filter(|p| p.info().is_some())
            .count();
        let _ = std::fs::metadata(format!("/sysgauge-probe-swept-{n}"));
    }
    let _ = std::fs::metadata("/sysgauge-probe-end");
}

/// The opens in `window` (strace lines) of the path `quoted` matches.
fn opens(window: &str, quoted: impl Fn(&str) -> bool) -> usize {
    window
        .lines()
        .filter(|l| l.contains("open"))
        .filter_map(|l| l.split('"').nth(1))
        .filter(|p| quoted(p))
        .count()
}

#[test]
fn sweep_reads_system_figures_once_and_each_pid_dir_once() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("skipped: no strace");
        return;
    }
    // Enough processes that a per-process read cannot hide within the allowance below.
    let kids = common::crowd(40);
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("trace");
    let out = Command::new("strace")
        .args(["-f", "-e", "trace=openat,open,newfstatat,statx,stat", "-o"])
        .arg(&log)
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "sweep_probe", "--ignored", "--test-threads=1"])
        .env("SYSGAUGE_SWEEP_PROBE", "1")
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
    let swept: Vec<usize> = window
        .split("/sysgauge-probe-swept-")
        .skip(1)
        .map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().unwrap()
        })
        .collect();
    assert_eq!(swept.len(), PROBE_SWEEPS, "{window}");
    assert!(swept.iter().all(|&n| n >= kids.len()), "{swept:?}");
    let yielded: usize = swept.iter().sum();

    // Once per sweep at most (0 where the C library counts CPUs without a file).
    let meminfo = opens(window, |p| p == "/proc/meminfo");
    let cpu_count = opens(window, |p| {
        p.starts_with("/sys/devices/system/cpu") || p == "/proc/cpuinfo"
    });
    assert!(meminfo <= PROBE_SWEEPS, "{meminfo} opens of /proc/meminfo");
    assert!(cpu_count <= PROBE_SWEEPS, "{cpu_count} CPU count reads");

    // One open of `/proc/<pid>` and one read of its `stat` per process and sweep (nice
    // used to add one of each). The allowance covers processes other programs start
    // and end meanwhile (a process gone mid-sweep costs opens and is not yielded).
    let is_pid_dir = |p: &str| {
        p.strip_prefix("/proc/")
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    };
    let allowance = yielded / 4 + 10;
    let dirs = opens(window, is_pid_dir);
    let stats = opens(window, |p| p == "stat");
    assert!(
        dirs <= yielded + allowance,
        "{dirs} opens of /proc/<pid> for {yielded} processes yielded"
    );
    assert!(
        stats <= yielded + allowance,
        "{stats} opens of <pid>/stat for {yielded} processes yielded"
    );
    drop(kids);
}

/// A `sleep 30`, stopped so that its values hold still.
fn stopped_sleep() -> Kid {
    let kid = Kid::spawn(Command::new("sleep").arg("30"));
    kid.stop();
    kid
}

#[test]
fn sweep_percentages_match_the_getters() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let procs = Processes::new();
    let sweep = || {
        procs
            .iter(TOP_ATTRS, AttrValue::None)
            .unwrap()
            .find(|p| p.pid() == pid)
            .unwrap()
    };
    let first = sweep();
    let direct = Process::new(pid).unwrap();
    // The same figures, so the same quotient: the total read once per sweep is the one
    // each call reads.
    let want = direct.memory_percent(MemoryType::Rss).unwrap();
    assert!(want > 0.0);
    assert_eq!(first.memory_percent(MemoryType::Rss).unwrap(), want);
    let info = first.info().unwrap();
    assert_eq!(info.get(Attr::MemoryPercent), Some(&AttrValue::Float(want)));
    // First sample: 0.0; a stopped process uses no CPU, so 0.0 again on the next sweep,
    // which compares with the first.
    assert_eq!(info.get(Attr::CpuPercent), Some(&AttrValue::Float(0.0)));
    assert_eq!(sweep().cpu_percent(None).unwrap(), 0.0);
    // as_dict shares one context per call the same way.
    let d = direct
        .as_dict(&[Attr::MemoryPercent, Attr::CpuPercent], AttrValue::None)
        .unwrap();
    assert_eq!(d.get(Attr::MemoryPercent), Some(&AttrValue::Float(want)));
    assert_eq!(d.get(Attr::CpuPercent), Some(&AttrValue::Float(0.0)));
}

#[test]
fn sweep_cpu_percent_of_a_busy_child() {
    // The CPU count read once per sweep scales as psutil's per-call count does: a busy
    // loop is about one CPU.
    let kid = Kid::spawn(Command::new(common::python()).args(["-c", "while True: pass"]));
    let procs = Processes::new();
    let find = |procs: &Processes| {
        procs
            .iter(TOP_ATTRS, AttrValue::None)
            .unwrap()
            .find(|p| p.pid() == kid.pid())
            .unwrap()
    };
    assert_eq!(find(&procs).cpu_percent(None).unwrap(), 0.0);
    std::thread::sleep(Duration::from_millis(500));
    let pct = find(&procs).cpu_percent(None).unwrap();
    assert!((40.0..=110.0).contains(&pct), "{pct}");
}

#[test]
fn nice_in_a_sweep_and_live_in_a_oneshot() {
    let kid = Kid::spawn(Command::new("nice").args(["-n", "7", "sleep", "30"]));
    common::wait_comm(kid.pid(), "sleep");
    // Asleep in nanosleep, not still starting up: the status below is then stable.
    common::wait_state(kid.pid(), b'S');
    let p = Processes::new()
        .iter(&[Attr::Nice], AttrValue::None)
        .unwrap()
        .find(|p| p.pid() == kid.pid())
        .unwrap();
    assert_eq!(p.nice().unwrap(), 7);
    assert_eq!(p.info().unwrap().get(Attr::Nice), Some(&AttrValue::Int(7)));
    // Inside a oneshot, nice asks the kernel each time (the oneshot's `stat` was read
    // before the change).
    let p = Process::new(kid.pid()).unwrap();
    p.oneshot(|q| {
        assert_eq!(q.nice().unwrap(), 7);
        q.set_nice(12).unwrap();
        assert_eq!(q.nice().unwrap(), 12);
        assert_eq!(q.status().unwrap(), sysgauge::Status::Sleeping);
        assert_eq!(q.nice().unwrap(), 12);
    });
}

#[test]
fn nice_in_a_oneshot_of_a_process_that_ended() {
    let mut kid = Kid::spawn(Command::new("sleep").arg("30"));
    let p = Process::new(kid.pid()).unwrap();
    p.oneshot(|q| {
        assert_eq!(q.nice().unwrap(), 0);
        kid.0.kill().unwrap();
        kid.0.wait().unwrap();
        assert!(
            matches!(q.nice(), Err(Error::NoSuchProcess { .. })),
            "{:?}",
            q.nice()
        );
    });
}

/// Spawns `sleep 30` until the kernel gives it `pid` (writing `pid - 1` to `ns_last_pid`
/// just before each fork); `None` when that file cannot be written (not root) or other
/// forks keep taking the pid.
fn spawn_at_pid(pid: i32) -> Option<Kid> {
    for _ in 0..50 {
        std::fs::write("/proc/sys/kernel/ns_last_pid", (pid - 1).to_string()).ok()?;
        let kid = Kid::spawn(Command::new("sleep").arg("30"));
        if kid.pid() == pid {
            return Some(kid);
        }
    }
    None
}

#[test]
fn nice_and_other_pid_reads_in_a_oneshot_of_a_reused_pid() {
    // The oneshot's directory handle was checked when it opened; the pid is then given to
    // a new process. nice (getpriority by pid) must not answer with the newcomer's value.
    let mut old_kid = Kid::spawn(Command::new("nice").args(["-n", "5", "sleep", "30"]));
    let pid = old_kid.pid();
    common::wait_comm(pid, "sleep");
    let old = Process::new(pid).unwrap();
    // Start ticks have a 10 ms resolution: let them move on.
    std::thread::sleep(Duration::from_millis(30));
    let nsp = |what: &str, r: sysgauge::Result<()>| {
        assert!(
            matches!(r, Err(Error::NoSuchProcess { pid: p, .. }) if p == pid),
            "{what}: {r:?}"
        );
    };
    let newcomer = old.oneshot(|q| {
        assert_eq!(q.nice().unwrap(), 5);
        old_kid.0.kill().unwrap();
        old_kid.0.wait().unwrap();
        let new = spawn_at_pid(pid)?;
        assert_eq!(Process::new(pid).unwrap().nice().unwrap(), 0);
        nsp("nice", q.nice().map(|_| ()));
        nsp("ionice", q.ionice().map(|_| ()));
        nsp("cpu_affinity", q.cpu_affinity().map(|_| ()));
        nsp("rlimit", q.rlimit(sysgauge::RLIMIT_NOFILE).map(|_| ()));
        Some(new)
    });
    let Some(newcomer) = newcomer else {
        eprintln!("skipped: could not get pid {pid} again (not root, or busy machine)");
        return;
    };
    // A oneshot begun after the reuse opens and checks the directory first.
    old.oneshot(|q| nsp("nice first in a oneshot", q.nice().map(|_| ())));
    nsp("nice outside a oneshot", old.nice().map(|_| ()));
    drop(newcomer);
}
