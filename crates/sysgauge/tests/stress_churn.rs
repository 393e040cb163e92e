//! Churn: every process swept with every attribute while a spawner thread starts and reaps
//! hundreds of short-lived children per second (60 s; `SYSGAUGE_STRESS_SECS` overrides).
//!
//! As root, the test runs itself again as pid 1 of a pid namespace of its own with
//! `kernel.pid_max` lowered to 700 there (namespaced since Linux 6.14; left as is where
//! it is not), so the few hundred pids available are each reused dozens of times during
//! the run. Elsewhere it runs in the current namespace.
//!
//! Each child runs `sleep 0.3NNNNNN`, a command line unique to it (the token), and the
//! spawner records its pid and the `CLOCK_BOOTTIME` interval around its fork. The sweeps
//! alternate between `process_iter(Attr::ALL)` (values from the prefetch, then every getter)
//! and `pids()` + `Process::new` + `as_dict(Attr::ALL)`. Checked:
//! - no panic, and every error is `NoSuchProcess`, `ZombieProcess` or `AccessDenied`;
//! - every observed child of this test is one the spawner made: a token command line names
//!   the very record of that pid, and its create time (`create_time - boot_time`, which
//!   is the kernel's start time in clock ticks) falls inside that record's fork interval.
//!   A value from another incarnation of the pid (pids are reused during the run) fails.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sysgauge::{Attr, AttrValue, Error, MemoryType, Process, RLIMIT_NOFILE};

/// Seconds since boot (`CLOCK_BOOTTIME`, the clock of the kernel's process start times).
fn boottime() -> f64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// The run's length: `SYSGAUGE_STRESS_SECS`, default 60.
fn stress_secs() -> f64 {
    std::env::var("SYSGAUGE_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60.0)
}

/// One child the spawner made.
#[derive(Debug, Clone)]
struct Spawned {
    pid: i32,
    token: OsString,
    /// Boot-clock seconds just before the spawn call and just after it returned.
    t0: f64,
    t1: f64,
}

/// One child of this test seen by a sweep.
#[derive(Debug)]
struct Observed {
    pid: i32,
    /// `create_time - boot_time`: the start time since boot, in seconds.
    start: f64,
    cmdline: Vec<OsString>,
    how: &'static str,
}

/// Starts and reaps children until `stop`, at most `rate` per second.
fn spawner(stop: Arc<AtomicBool>, log: Arc<Mutex<Vec<Spawned>>>, rate: f64) {
    let mut live: Vec<Child> = Vec::new();
    let t_start = Instant::now();
    let mut n: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        live.retain_mut(|c| !matches!(c.try_wait(), Ok(Some(_))));
        if n as f64 > t_start.elapsed().as_secs_f64() * rate {
            std::thread::sleep(Duration::from_millis(1));
            continue;
        }
        let token = OsString::from(format!("0.3{n:06}"));
        let t0 = boottime();
        let child = Command::new("sleep")
            .arg(&token)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let t1 = boottime();
        n += 1;
        match child {
            Ok(c) => {
                log.lock().unwrap().push(Spawned {
                    pid: c.id() as i32,
                    token,
                    t0,
                    t1,
                });
                live.push(c);
            }
            // EAGAIN under pressure: try again later.
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    for mut c in live {
        let _ = c.wait();
    }
}

/// Errors met, by kind.
#[derive(Default, Debug)]
struct Tally {
    by_kind: BTreeMap<&'static str, u64>,
    /// Errors of kinds that must not happen under churn.
    bad: Vec<String>,
}

impl Tally {
    fn add(&mut self, what: &str, pid: i32, e: &Error) {
        let kind = match e {
            Error::NoSuchProcess { .. } => "NoSuchProcess",
            Error::ZombieProcess { .. } => "ZombieProcess",
            Error::AccessDenied { .. } => "AccessDenied",
            _ => {
                if self.bad.len() < 50 {
                    self.bad.push(format!("{what} pid {pid}: {e:?}"));
                }
                "other"
            }
        };
        *self.by_kind.entry(kind).or_default() += 1;
    }

    fn check<T>(&mut self, what: &str, pid: i32, r: sysgauge::Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(what, pid, &e);
                None
            }
        }
    }
}

/// The attributes this kernel gives for the calling process (`Unsupported` ones are left
/// out, and printed).
fn supported_attrs() -> Vec<Attr> {
    let me = Process::current().expect("self");
    Attr::ALL
        .iter()
        .copied()
        .filter(|a| match me.as_dict(&[*a], AttrValue::None) {
            Err(Error::Unsupported { what }) => {
                eprintln!("note: {a} unsupported here ({what}); not swept");
                false
            }
            _ => true,
        })
        .collect()
}

/// Keeps what a dict says about a child of this test.
fn observe(
    d: &sysgauge::ProcessDict,
    pid: i32,
    me: i64,
    boot: f64,
    how: &'static str,
    out: &mut Vec<Observed>,
) {
    if d.get(Attr::Ppid) != Some(&AttrValue::Int(me)) {
        return;
    }
    let (Some(AttrValue::Float(ct)), Some(AttrValue::Args(cmdline))) =
        (d.get(Attr::CreateTime), d.get(Attr::Cmdline))
    else {
        // A zombie child: its command line is refused (ad_value).
        return;
    };
    out.push(Observed {
        pid,
        start: ct - boot,
        cmdline: cmdline.clone(),
        how,
    });
}

/// One sweep through `process_iter`: the prefetched values, then every getter.
fn sweep_iter(attrs: &[Attr], me: i64, boot: f64, t: &mut Tally, obs: &mut Vec<Observed>) -> u64 {
    let mut seen = 0;
    let it = match sysgauge::process_iter(attrs, AttrValue::None) {
        Ok(it) => it,
        Err(e) => {
            t.add("process_iter", 0, &e);
            return 0;
        }
    };
    for p in it {
        seen += 1;
        let pid = p.pid();
        let info = p.info().expect("process_iter with attrs attaches info");
        observe(&info, pid, me, boot, "process_iter", obs);
        // The getters, served from the prefetch (or read again for the others).
        t.check("name", pid, p.name());
        t.check("cmdline", pid, p.cmdline());
        t.check("create_time", pid, p.create_time());
        t.check("ppid", pid, p.ppid());
        t.check("status", pid, p.status());
        t.check("exe", pid, p.exe());
        t.check("cwd", pid, p.cwd());
        t.check("environ", pid, p.environ());
        t.check("username", pid, p.username());
        t.check("open_files", pid, p.open_files());
        t.check("threads", pid, p.threads());
        t.check("memory_maps", pid, p.memory_maps());
        t.check("memory_full_info", pid, p.memory_full_info());
        t.check("io_counters", pid, p.io_counters());
        t.check("num_fds", pid, p.num_fds());
        t.check(
            "net_connections",
            pid,
            p.net_connections(sysgauge::ConnectionKind::All),
        );
        t.check("rlimit", pid, p.rlimit(RLIMIT_NOFILE));
        t.check("memory_percent", pid, p.memory_percent(MemoryType::Uss));
        t.check("memory_maps_ungrouped", pid, p.memory_maps_ungrouped());
        t.check("children", pid, p.children(false));
        t.check("parent", pid, p.parent());
        t.check("cpu_percent", pid, p.cpu_percent(None));
        let _ = p.is_running();
    }
    seen
}

/// One sweep through `pids()`, `Process::new` and `as_dict`.
fn sweep_dict(attrs: &[Attr], me: i64, boot: f64, t: &mut Tally, obs: &mut Vec<Observed>) -> u64 {
    let mut seen = 0;
    let Some(pids) = t.check("pids", 0, sysgauge::pids()) else {
        return 0;
    };
    for pid in pids {
        let Some(p) = t.check("Process::new", pid, Process::new(pid)) else {
            continue;
        };
        let Some(d) = t.check("as_dict", pid, p.as_dict(attrs, AttrValue::None)) else {
            continue;
        };
        seen += 1;
        assert_eq!(d.get(Attr::Pid), Some(&AttrValue::Int(pid.into())));
        observe(&d, pid, me, boot, "as_dict", obs);
    }
    seen
}

/// Checks each observation against the spawner's records; returns the failures.
fn verify(obs: &[Observed], log: &[Spawned], own_cmdline: &[OsString]) -> Vec<String> {
    let tick = 1.0 / rustix::param::clock_ticks_per_second() as f64;
    let by_token: HashMap<&OsString, &Spawned> = log.iter().map(|s| (&s.token, s)).collect();
    let mut by_pid: HashMap<i32, Vec<&Spawned>> = HashMap::new();
    for s in log {
        by_pid.entry(s.pid).or_default().push(s);
    }
    // The start time is the fork's boot-clock time, cut down to a whole tick (and rounded
    // once more through a float).
    let inside = |s: &Spawned, start: f64| start >= s.t0 - tick - 1e-3 && start <= s.t1 + 1e-3;
    let mut bad = Vec::new();
    for o in obs {
        let token = match o.cmdline.as_slice() {
            [cmd, tok] if cmd.as_bytes() == b"sleep" => Some(tok),
            _ => None,
        };
        match token {
            Some(tok) => match by_token.get(tok) {
                Some(s) if s.pid == o.pid && inside(s, o.start) => {}
                Some(s) => bad.push(format!(
                    "{}: pid {} shows token {:?} (spawned as pid {} at [{:.3}, {:.3}]) with start {:.3}",
                    o.how, o.pid, tok, s.pid, s.t0, s.t1, o.start
                )),
                None => bad.push(format!(
                    "{}: pid {} shows token {:?} that the spawner never used",
                    o.how, o.pid, tok
                )),
            },
            None => {
                // Between fork and exec a child still shows this test's command line;
                // while it exits (memory gone, not yet a zombie) it shows none.
                let ours = by_pid
                    .get(&o.pid)
                    .is_some_and(|v| v.iter().any(|s| inside(s, o.start)));
                if !ours {
                    bad.push(format!(
                        "{}: child pid {} (start {:.3}) with cmdline {:?} matches no spawn of that pid",
                        o.how, o.pid, o.start, o.cmdline
                    ));
                } else if !o.cmdline.is_empty() && o.cmdline != own_cmdline {
                    bad.push(format!(
                        "{}: child pid {} shows cmdline {:?}, neither its own nor its parent's",
                        o.how, o.pid, o.cmdline
                    ));
                }
            }
        }
    }
    bad
}

/// Set in the environment of the copy of this test that runs in its own pid namespace.
const INNER: &str = "SYSGAUGE_CHURN_INNER";

#[test]
fn sweep_all_attributes_under_churn() {
    if std::env::var_os(INNER).is_none() && common::can_unshare_pid() {
        common::run_in_pid_namespace("sweep_all_attributes_under_churn", INNER);
        return;
    }
    if std::env::var_os(INNER).is_some() {
        // Few pids, so that they are reused many times (a failure leaves the default).
        let _ = std::fs::write("/proc/sys/kernel/pid_max", "700");
        eprintln!(
            "pid namespace of its own, pid_max {}",
            std::fs::read_to_string("/proc/sys/kernel/pid_max")
                .unwrap_or_default()
                .trim()
        );
    }
    let secs = stress_secs();
    let attrs = supported_attrs();
    let me = i64::from(std::process::id());
    let own_cmdline = Process::current().unwrap().cmdline().unwrap();
    let boot = sysgauge::boot_time().expect("boot time");

    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(Mutex::new(Vec::new()));
    let spawner = {
        let (stop, log) = (Arc::clone(&stop), Arc::clone(&log));
        std::thread::spawn(move || spawner(stop, log, 300.0))
    };

    let mut tally = Tally::default();
    let mut obs = Vec::new();
    let (mut sweeps_iter, mut sweeps_dict, mut procs) = (0u64, 0u64, 0u64);
    let t0 = Instant::now();
    let mut n = 0u64;
    while t0.elapsed().as_secs_f64() < secs {
        if n % 2 == 0 {
            procs += sweep_iter(&attrs, me, boot, &mut tally, &mut obs);
            sweeps_iter += 1;
        } else {
            procs += sweep_dict(&attrs, me, boot, &mut tally, &mut obs);
            sweeps_dict += 1;
        }
        n += 1;
    }
    stop.store(true, Ordering::Relaxed);
    spawner.join().expect("the spawner thread");
    let log = log.lock().unwrap();
    let elapsed = t0.elapsed().as_secs_f64();

    let with_token = obs
        .iter()
        .filter(|o| o.cmdline.first().is_some_and(|c| c.as_bytes() == b"sleep"))
        .count();
    let reused = {
        let mut per_pid: HashMap<i32, u32> = HashMap::new();
        for s in log.iter() {
            *per_pid.entry(s.pid).or_default() += 1;
        }
        per_pid.values().filter(|&&c| c > 1).count()
    };
    eprintln!(
        "churn {elapsed:.1} s: {} children spawned ({:.0}/s, {reused} pids used more than once); \
         {sweeps_iter} process_iter + {sweeps_dict} as_dict sweeps, {procs} processes read; \
         {} observations of children ({with_token} after exec); errors by kind: {:?}",
        log.len(),
        log.len() as f64 / elapsed,
        obs.len(),
        tally.by_kind
    );
    assert!(
        tally.bad.is_empty(),
        "errors other than NoSuchProcess/ZombieProcess/AccessDenied:\n{}",
        tally.bad.join("\n")
    );
    let bad = verify(&obs, &log, &own_cmdline);
    assert!(
        bad.is_empty(),
        "values of the wrong process ({} of {}):\n{}",
        bad.len(),
        obs.len(),
        bad.iter().take(30).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(
        with_token > 0,
        "no sweep saw a spawned child after its exec: nothing was checked"
    );
}
