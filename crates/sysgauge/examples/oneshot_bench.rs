//! What `Process::oneshot` saves: calls the same set of getters on the calling process
//! `--times` times (1000 by default) without and then with `oneshot`, and prints both totals
//! and the speedup. The set is the Linux list of psutil's own oneshot micro-benchmark, as far
//! as psutil 7.2.2 has those methods; the ones sysgauge does not have yet are skipped and
//! named. Run by hand (not in CI), usually through `bench/compare_ps.sh --oneshot`.
//!
//! ```text
//! cargo run --release -p sysgauge --example oneshot_bench -- [--times N] [--repeat R] [--json] [--per-method]
//! ```
//!
//! `--per-method` also prints the cost of each getter alone (microseconds per call, outside
//! any oneshot), to see where the regular loop spends its time.
//!
//! `--lib procfs|sysinfo|raw` times another library on the same work instead (JSON only):
//! - `procfs`: the procfs crate. Regular: each method parses the file it needs (`stat`,
//!   `status`, `statm`, `/proc/meminfo`, the parent's `stat`; uids named with `getpwuid_r`);
//!   oneshot: each of those files parsed once per pass. The terminal is left as its device
//!   number (procfs has no name for it).
//! - `sysinfo`: `refresh_processes_specifics` of this one pid with everything, plus the
//!   total memory: one refresh gives all it has at once, so only the oneshot figure is given
//!   (it has no context switches, gids, terminal or CPU number).
//! - `raw`: the floor of a oneshot pass: open and read this process's `stat`, `status`,
//!   `statm`, `/proc/meminfo` and the parent's `stat`, no parsing.
//!
//! Each of the two loops is run `--repeat` times (5 by default) and the fastest run counts,
//! which keeps scheduler noise out of a ratio of two small numbers.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sysgauge::{MemoryType, Process};

/// One getter, called for its cost; true when it answered.
type Getter = fn(&Process) -> bool;

/// The psutil 7.2.2 methods of the benchmark (Linux), sorted, with sysgauge's getter where
/// there is one.
fn methods() -> Vec<(&'static str, Option<Getter>)> {
    fn ok<T>(r: sysgauge::Result<T>) -> bool {
        black_box(r).is_ok()
    }
    vec![
        ("cpu_num", Some(|p| ok(p.cpu_num()))),
        ("cpu_percent", Some(|p| ok(p.cpu_percent(None)))),
        ("cpu_times", Some(|p| ok(p.cpu_times()))),
        ("gids", Some(|p| ok(p.gids()))),
        ("memory_info", Some(|p| ok(p.memory_info()))),
        (
            "memory_percent",
            Some(|p| ok(p.memory_percent(MemoryType::Rss))),
        ),
        ("name", Some(|p| ok(p.name()))),
        ("num_ctx_switches", Some(|p| ok(p.num_ctx_switches()))),
        ("num_threads", Some(|p| ok(p.num_threads()))),
        ("parent", Some(|p| ok(p.parent()))),
        ("ppid", Some(|p| ok(p.ppid()))),
        ("status", Some(|p| ok(p.status()))),
        ("terminal", Some(|p| ok(p.terminal()))),
        ("uids", Some(|p| ok(p.uids()))),
        ("username", Some(|p| ok(p.username()))),
    ]
}

fn call_all(p: &Process, getters: &[Getter]) -> usize {
    getters.iter().filter(|g| g(p)).count()
}

/// The fastest of `repeat` runs of `times` iterations of `f`.
fn best(repeat: usize, times: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut answered = 0;
    for _ in 0..repeat {
        let t0 = Instant::now();
        for _ in 0..times {
            answered = black_box(f());
        }
        best = best.min(t0.elapsed());
    }
    (best, answered)
}

fn usage() -> ! {
    eprintln!(
        "usage: oneshot_bench [--times N] [--repeat R] [--json] [--per-method] [--lib procfs|sysinfo|raw]"
    );
    std::process::exit(2);
}

/// The fastest of `repeat` runs of `times` passes of `pass`, as seconds (or null) in JSON.
fn other_lib(lib: &str, times: usize, repeat: usize) {
    let me = std::process::id() as i32;
    let (regular, oneshot): (Option<Duration>, Duration) = match lib {
        "procfs" => {
            let p = procfs::process::Process::myself().ok();
            let Some(p) = p else {
                eprintln!("oneshot_bench: procfs cannot open this process");
                std::process::exit(1);
            };
            let (r, _) = best(repeat, times, || procfs_regular(&p));
            let (o, _) = best(repeat, times, || procfs_oneshot(&p));
            (Some(r), o)
        }
        "sysinfo" => {
            let mut sys = sysinfo::System::new();
            let users = sysinfo::Users::new_with_refreshed_list();
            let pid = sysinfo::Pid::from_u32(me as u32);
            let kind = sysinfo::ProcessRefreshKind::everything().without_tasks();
            let (o, _) = best(repeat, times, || {
                sys.refresh_memory_specifics(sysinfo::MemoryRefreshKind::nothing().with_ram());
                sys.refresh_processes_specifics(
                    sysinfo::ProcessesToUpdate::Some(&[pid]),
                    true,
                    kind,
                );
                let total = sys.total_memory().max(1) as f64;
                let Some(p) = sys.process(pid) else { return 0 };
                let parent = p
                    .parent()
                    .and_then(|pp| sys.process(pp).map(|q| q.start_time()));
                let user = p
                    .user_id()
                    .and_then(|u| users.get_user_by_id(u))
                    .map(|u| u.name());
                let _ = black_box((
                    p.cpu_usage(),
                    p.accumulated_cpu_time(),
                    p.group_id(),
                    p.memory(),
                    p.virtual_memory(),
                    p.memory() as f64 * 100.0 / total,
                    p.name(),
                    p.parent(),
                    parent,
                    p.status(),
                    user,
                ));
                1
            });
            (None, o)
        }
        "raw" => {
            let ppid = rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get());
            let files = [
                format!("/proc/{me}/stat"),
                format!("/proc/{me}/status"),
                format!("/proc/{me}/statm"),
                "/proc/meminfo".to_string(),
                format!("/proc/{ppid}/stat"),
            ];
            let mut buf = vec![0u8; 1 << 16];
            let (o, _) = best(repeat, times, || {
                let mut n = 0;
                for path in &files {
                    if let Ok(mut f) = std::fs::File::open(path) {
                        while let Ok(k @ 1..) = std::io::Read::read(&mut f, &mut buf) {
                            n += k;
                        }
                    }
                }
                n
            });
            (None, o)
        }
        _ => usage(),
    };
    let secs =
        |d: Option<Duration>| d.map_or("null".to_string(), |d| format!("{:.6}", d.as_secs_f64()));
    println!(
        "{{\"lib\":\"{lib}\",\"times\":{times},\"repeat\":{repeat},\"regular_s\":{},\"oneshot_s\":{}}}",
        secs(regular),
        secs(Some(oneshot))
    );
}

/// procfs, one method at a time: each parses the file it needs.
fn procfs_regular(p: &procfs::process::Process) -> usize {
    use procfs::Current;
    let mut ok = 0;
    let mut one = |b: bool| ok += usize::from(black_box(b));
    one(p.stat().map(|s| s.processor).is_ok()); // cpu_num
    one(p.stat().map(|s| s.utime + s.stime).is_ok()); // cpu_percent
    one(p
        .stat()
        .map(|s| (s.utime, s.stime, s.cutime, s.cstime))
        .is_ok()); // cpu_times
    one(p.status().map(|s| (s.rgid, s.egid, s.sgid)).is_ok()); // gids
    one(p.statm().is_ok()); // memory_info
    one(p.statm().is_ok() && procfs::Meminfo::current().is_ok()); // memory_percent
    one(p.stat().map(|s| s.comm).is_ok()); // name
    one(p
        .status()
        .map(|s| (s.voluntary_ctxt_switches, s.nonvoluntary_ctxt_switches))
        .is_ok());
    one(p.stat().map(|s| s.num_threads).is_ok()); // num_threads
    one(p
        .stat()
        .and_then(|s| procfs::process::Process::new(s.ppid))
        .and_then(|q| q.stat())
        .is_ok()); // parent
    one(p.stat().map(|s| s.ppid).is_ok()); // ppid
    one(p.stat().map(|s| s.state).is_ok()); // status
    one(p.stat().map(|s| s.tty_nr).is_ok()); // terminal (the device number)
    one(p.status().map(|s| (s.ruid, s.euid, s.suid)).is_ok()); // uids
    one(p.status().map(|s| user_name(s.ruid)).is_ok()); // username
    ok
}

/// procfs, oneshot: each file parsed once.
fn procfs_oneshot(p: &procfs::process::Process) -> usize {
    use procfs::Current;
    let (Ok(stat), Ok(status), Ok(statm), Ok(mem)) =
        (p.stat(), p.status(), p.statm(), procfs::Meminfo::current())
    else {
        return 0;
    };
    let parent = procfs::process::Process::new(stat.ppid).and_then(|q| q.stat());
    let _ = black_box((
        stat.processor,
        stat.utime + stat.stime,
        &stat.comm,
        stat.num_threads,
        stat.state,
        stat.tty_nr,
        (status.rgid, status.ruid, status.voluntary_ctxt_switches),
        statm.resident as f64 / mem.mem_total as f64,
        parent.is_ok(),
        user_name(status.ruid),
    ));
    15
}

/// The name of user `uid` from the system's user database (`getpwuid_r`), if it has one.
fn user_name(uid: u32) -> Option<String> {
    let mut pwd: std::mem::MaybeUninit<libc::passwd> = std::mem::MaybeUninit::uninit();
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call, the buffer's length is passed with it.
    let rc =
        unsafe { libc::getpwuid_r(uid, pwd.as_mut_ptr(), buf.as_mut_ptr(), buf.len(), &mut out) };
    if rc != 0 || out.is_null() {
        return None;
    }
    // SAFETY: on success `out` points at `pwd`, whose `pw_name` is a C string in `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr((*out).pw_name) };
    Some(name.to_string_lossy().into_owned())
}

fn main() -> sysgauge::Result<()> {
    let mut times: usize = 1000;
    let mut repeat: usize = 5;
    let mut json = false;
    let mut per_method = false;
    let mut lib: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || -> usize {
            args.next()
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| usage())
        };
        match a.as_str() {
            "--times" => times = num(),
            "--repeat" => repeat = num(),
            "--json" => json = true,
            "--per-method" => per_method = true,
            "--lib" => lib = Some(args.next().unwrap_or_else(|| usage())),
            _ => usage(),
        }
    }
    let (times, repeat) = (times.max(1), repeat.max(1));
    if let Some(lib) = lib {
        other_lib(&lib, times, repeat);
        return Ok(());
    }

    let all = methods();
    let used: Vec<&str> = all.iter().filter(|m| m.1.is_some()).map(|m| m.0).collect();
    let skipped: Vec<&str> = all.iter().filter(|m| m.1.is_none()).map(|m| m.0).collect();
    let getters: Vec<Getter> = all.iter().filter_map(|m| m.1).collect();

    let p = Process::current()?;
    let (regular, answered) = best(repeat, times, || call_all(&p, &getters));
    let (oneshot, answered_oneshot) = best(repeat, times, || p.oneshot(|p| call_all(p, &getters)));
    let speedup = regular.as_secs_f64() / oneshot.as_secs_f64().max(1e-12);

    if json {
        let list = |v: &[&str]| {
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(",")
        };
        println!(
            "{{\"times\":{times},\"repeat\":{repeat},\"methods\":[{}],\"skipped\":[{}],\"regular_s\":{:.6},\"oneshot_s\":{:.6},\"speedup\":{speedup:.3},\"answered\":{answered},\"answered_oneshot\":{answered_oneshot}}}",
            list(&used),
            list(&skipped),
            regular.as_secs_f64(),
            oneshot.as_secs_f64()
        );
    } else {
        println!(
            "{} methods ({times} times, best of {repeat}): {}",
            used.len(),
            used.join(", ")
        );
        if !skipped.is_empty() {
            println!("skipped (not in sysgauge yet): {}", skipped.join(", "));
        }
        println!("answered: {answered} regular, {answered_oneshot} in oneshot");
        println!("regular:  {:.4} s", regular.as_secs_f64());
        println!("oneshot:  {:.4} s", oneshot.as_secs_f64());
        println!("speedup:  {speedup:.2}x");
    }
    if per_method {
        for (name, getter) in all.iter().filter_map(|(n, g)| Some((n, (*g)?))) {
            let (t, _) = best(repeat, times, || usize::from(getter(&p)));
            let us = t.as_secs_f64() * 1e6 / times as f64;
            if json {
                println!("{{\"method\":\"{name}\",\"us_per_call\":{us:.3}}}");
            } else {
                println!("  {name:<18} {us:>8.2} us/call");
            }
        }
    }
    Ok(())
}
