//! Bad roots: every system function, every `Process` getter, `process_iter` and the process
//! table, read below procfs/sysfs roots that are missing, empty, or made of real files
//! (each fixture tree, and a snapshot of the live `/proc`) with files truncated, removed
//! or replaced by garbage (a seeded RNG: the same trees every run).
//!
//! Every call runs under `catch_unwind`; a panic fails the test naming the call and the
//! file that was spoiled, and so does a call that runs for more than 20 s (a watchdog
//! aborts). Errors are fine (they are typed by construction: `sysgauge::Error`). Time is
//! bounded (`SYSGAUGE_BAD_ROOTS_SECS`, default 30): past it the one-file-at-a-time rounds
//! stop and the test reports how far it got.

mod common;
mod stress_calls;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stress_calls::{process_calls, system_calls};
use sysgauge::{Attr, AttrValue, Process, ProcessTable, Processes, Roots};

/// xorshift64*: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Ways to spoil a file.
const STRATEGIES: &[&str] = &[
    "remove",
    "empty",
    "truncate-half",
    "truncate-random",
    "random-bytes",
    "text-garbage",
    "huge-numbers",
    "drop-lines",
    "no-newlines",
];

/// `data` spoiled by strategy `s`; `None` removes the file.
fn spoil(data: &[u8], s: &str, rng: &mut Rng) -> Option<Vec<u8>> {
    let len = data.len();
    Some(match s {
        "remove" => return None,
        "empty" => Vec::new(),
        "truncate-half" => data[..len / 2].to_vec(),
        "truncate-random" => data[..rng.below(len)].to_vec(),
        "random-bytes" => (0..len.max(16)).map(|_| rng.next() as u8).collect(),
        "text-garbage" => {
            const CHARS: &[u8] = b"0123456789 -:.()/\n\t\0abcxyzABC";
            (0..len.max(16))
                .map(|_| CHARS[rng.below(CHARS.len())])
                .collect()
        }
        "huge-numbers" => {
            // Every run of digits becomes one of a few awkward numbers.
            const NUMS: &[&[u8]] = &[
                b"99999999999999999999999999",
                b"18446744073709551616",
                b"-1",
                b"-9223372036854775809",
                b"",
                b"0",
                b"4294967296",
            ];
            let mut out = Vec::with_capacity(len);
            let mut i = 0;
            while i < len {
                if data[i].is_ascii_digit() {
                    while i < len && data[i].is_ascii_digit() {
                        i += 1;
                    }
                    out.extend_from_slice(NUMS[rng.below(NUMS.len())]);
                } else {
                    out.push(data[i]);
                    i += 1;
                }
            }
            out
        }
        "drop-lines" => data
            .split_inclusive(|&b| b == b'\n')
            .filter(|_| rng.below(3) != 0)
            .flatten()
            .copied()
            .collect(),
        "no-newlines" => data
            .iter()
            .map(|&b| if b == b'\n' { b' ' } else { b })
            .collect(),
        _ => unreachable!(),
    })
}

/// Copies the tree at `from` to `to` (regular files and symlinks; symlinks stay symlinks).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let ft = e.file_type().unwrap();
        if ft.is_symlink() {
            let target = std::fs::read_link(&src).unwrap();
            let _ = std::os::unix::fs::symlink(target, &dst);
        } else if ft.is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// The regular files below `dir`, relative to it, sorted.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                walk(base, &e.path(), out);
            } else if ft.is_file() {
                out.push(e.path().strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A snapshot of the live `/proc`: the system files sysgauge reads and this process's own
/// directory (as `proc/<pid>` and `proc/self`).
fn live_snapshot(to: &Path) {
    let proc = to.join("proc");
    let me = std::process::id();
    let system = [
        "stat",
        "meminfo",
        "cpuinfo",
        "uptime",
        "loadavg",
        "vmstat",
        "diskstats",
        "partitions",
        "filesystems",
        "zoneinfo",
        "swaps",
        "net/dev",
        "net/tcp",
        "net/tcp6",
        "net/udp",
        "net/udp6",
        "net/unix",
        "self/mounts",
        "self/io",
    ];
    let own = [
        "stat",
        "status",
        "statm",
        "cmdline",
        "environ",
        "io",
        "smaps",
        "smaps_rollup",
        "maps",
        "limits",
        "comm",
        "cgroup",
        "mounts",
        "net/dev",
        "net/tcp",
        "net/tcp6",
        "net/udp",
        "net/udp6",
        "net/unix",
        &format!("task/{me}/stat"),
        &format!("task/{me}/status"),
    ];
    let copy = |src: String, dst: PathBuf| {
        if let Ok(data) = std::fs::read(&src) {
            std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
            std::fs::write(dst, data).unwrap();
        }
    };
    for f in system {
        copy(format!("/proc/{f}"), proc.join(f));
    }
    for f in own {
        copy(format!("/proc/self/{f}"), proc.join(format!("{me}/{f}")));
    }
    let pd = proc.join(me.to_string());
    for link in ["exe", "cwd", "root", "ns/net"] {
        if let Ok(t) = std::fs::read_link(format!("/proc/self/{link}")) {
            std::fs::create_dir_all(pd.join(link).parent().unwrap()).unwrap();
            let _ = std::os::unix::fs::symlink(t, pd.join(link));
        }
    }
    std::fs::create_dir_all(pd.join("fd")).unwrap();
    for e in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        if let Ok(t) = std::fs::read_link(e.path()) {
            let _ = std::os::unix::fs::symlink(t, pd.join("fd").join(e.file_name()));
        }
    }
}

/// Counts calls (the watchdog's heartbeat) and names the one running.
static BEAT: AtomicU64 = AtomicU64::new(0);
static CURRENT: Mutex<String> = Mutex::new(String::new());

fn watchdog() {
    std::thread::spawn(|| {
        let mut last = (u64::MAX, Instant::now());
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let b = BEAT.load(Ordering::Relaxed);
            if b != last.0 {
                last = (b, Instant::now());
            } else if last.1.elapsed() > Duration::from_secs(20) {
                let cur = CURRENT.lock().map(|c| c.clone()).unwrap_or_default();
                eprintln!("bad roots: a call ran for more than 20 s: {cur}");
                std::process::abort();
            }
        }
    });
}

/// Runs the calls under `catch_unwind`, recording panics.
struct Runner {
    panics: Vec<String>,
    calls: u64,
    errors: BTreeMap<String, u64>,
}

impl Runner {
    fn call(&mut self, ctx: &str, name: &str, f: impl FnOnce() -> sysgauge::Result<()>) {
        if let Ok(mut c) = CURRENT.lock() {
            *c = format!("{name} [{ctx}]");
        }
        BEAT.fetch_add(1, Ordering::Relaxed);
        self.calls += 1;
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let kind = format!("{e:?}");
                let kind = kind.split([' ', '(', '{']).next().unwrap_or("").to_string();
                *self.errors.entry(kind).or_default() += 1;
            }
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                self.panics.push(format!("{name} [{ctx}]: panicked: {msg}"));
            }
        }
    }

    /// Every system function (with `roots` current) and the sweeps below `roots`.
    fn system(&mut self, roots: &Arc<Roots>, ctx: &str) {
        Roots::set_current((**roots).clone());
        for (name, f) in system_calls() {
            self.call(ctx, name, f);
        }
        self.sweeps(roots, ctx);
    }

    /// `process_iter` with every attribute and the process table, below `roots`.
    fn sweeps(&mut self, roots: &Arc<Roots>, ctx: &str) {
        let r = Arc::clone(roots);
        self.call(ctx, "Processes::iter(ALL)", move || {
            let procs = Processes::new_at(r);
            for p in procs.iter(Attr::ALL, AttrValue::None)? {
                let _ = p.info();
            }
            Ok(())
        });
        let r = Arc::clone(roots);
        self.call(ctx, "ProcessTable::snapshot_at", move || {
            let t = ProcessTable::snapshot_at(r)?;
            for pid in t.entries().keys() {
                if let Some(p) = t.process(*pid) {
                    let _ = t.children(&p, true);
                    let _ = t.parents(&p);
                }
            }
            Ok(())
        });
    }

    /// Every getter of each process, and `Process::new_at` for each pid.
    fn processes(&mut self, roots: &Arc<Roots>, procs: &[(i32, Option<Process>)], ctx: &str) {
        for (pid, p) in procs {
            let r = Arc::clone(roots);
            let pid = *pid;
            self.call(ctx, "Process::new_at", move || {
                Process::new_at(r, pid).map(drop)
            });
            let Some(p) = p else { continue };
            for (name, f) in process_calls() {
                self.call(ctx, name, || f(p));
            }
        }
    }
}

/// The pid directories of `proc`.
fn pid_dirs(proc: &Path) -> Vec<i32> {
    let mut v: Vec<i32> = std::fs::read_dir(proc)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn bad_roots_give_errors_never_panics() {
    let budget = Duration::from_secs_f64(
        std::env::var("SYSGAUGE_BAD_ROOTS_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30.0),
    );
    let t0 = Instant::now();
    watchdog();
    let tmp = tempfile::tempdir().unwrap();
    let mut run = Runner {
        panics: Vec::new(),
        calls: 0,
        errors: BTreeMap::new(),
    };
    let mut rng = Rng(0x5eed_0f5c_a1ab_1e00);
    let me = std::process::id() as i32;

    // Missing and empty roots; a Process made under the live roots, read below them.
    let live_me = Process::new(me).expect("self");
    for (what, proc, sys) in [
        (
            "missing",
            tmp.path().join("nope/proc"),
            tmp.path().join("nope/sys"),
        ),
        (
            "empty",
            tmp.path().join("empty/proc"),
            tmp.path().join("empty/sys"),
        ),
        ("files", tmp.path().join("file"), tmp.path().join("file")),
    ] {
        if what == "empty" {
            std::fs::create_dir_all(&proc).unwrap();
            std::fs::create_dir_all(&sys).unwrap();
        }
        if what == "files" {
            std::fs::write(&proc, b"not a directory").unwrap();
        }
        let roots = Arc::new(Roots::new(proc, sys).with_utmp(tmp.path().join("nope/utmp")));
        run.system(&roots, what);
        run.processes(
            &roots,
            &[(me, None), (1, None), (0, None), (i32::MAX, None)],
            what,
        );
        // A process known under the live roots, its files then missing: still no panic.
        let moved = Process::new_at(Arc::clone(&roots), me).ok();
        for (name, f) in process_calls() {
            run.call(what, name, || f(moved.as_ref().unwrap_or(&live_me)));
        }
    }

    // Spoiled copies of every fixture tree and of the live /proc.
    let mut bases: Vec<(String, PathBuf)> = std::fs::read_dir(common::fixture(""))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    bases.sort();
    let live = tmp.path().join("live");
    live_snapshot(&live);
    bases.push(("live".into(), live));

    let (mut files_done, mut files_total, mut trees) = (0usize, 0usize, 0usize);
    let mut stopped_at = None;
    for (name, src) in &bases {
        let work = tmp.path().join("work").join(name);
        copy_tree(src, &work);
        let (proc, sys) = (work.join("proc"), work.join("sys"));
        let roots = Arc::new(Roots::new(&proc, &sys).with_utmp(work.join("utmp")));
        let files = files_below(&work);
        files_total += files.len();
        let originals: Vec<Vec<u8>> = files
            .iter()
            .map(|f| std::fs::read(work.join(f)).unwrap())
            .collect();
        let procs = |roots: &Arc<Roots>| -> Vec<(i32, Option<Process>)> {
            pid_dirs(&proc)
                .into_iter()
                .map(|pid| (pid, Process::new_at(Arc::clone(roots), pid).ok()))
                .collect()
        };
        let known = procs(&roots);
        // Intact first (the baseline must not panic either).
        run.system(&roots, name);
        run.processes(&roots, &known, name);
        trees += 1;

        // Every file spoiled at once, three times.
        for round in 0..3 {
            for (f, data) in files.iter().zip(&originals) {
                let s = STRATEGIES[rng.below(STRATEGIES.len())];
                match spoil(data, s, &mut rng) {
                    Some(d) => std::fs::write(work.join(f), d).unwrap(),
                    None => std::fs::remove_file(work.join(f)).unwrap(),
                }
            }
            let ctx = format!("{name}: all files spoiled, round {round}");
            run.system(&roots, &ctx);
            run.processes(&roots, &known, &ctx);
            trees += 1;
            for (f, data) in files.iter().zip(&originals) {
                std::fs::write(work.join(f), data).unwrap();
            }
        }

        // One file at a time, five strategies each: the other files stay intact, so the
        // parsers of the spoiled one are reached.
        for (f, data) in files.iter().zip(&originals) {
            if t0.elapsed() > budget {
                stopped_at.get_or_insert_with(|| format!("{name}/{}", f.display()));
                break;
            }
            if f.file_name().is_some_and(|n| n == "README.md") {
                continue;
            }
            // The process whose file this is, if it is one's.
            let pid: Option<i32> = f
                .strip_prefix("proc")
                .ok()
                .and_then(|r| r.iter().next())
                .and_then(|c| c.to_str()?.parse().ok());
            // "truncate-half" always, and four more picked at random.
            let mut picks = vec![2];
            while picks.len() < 5 {
                let s = rng.below(STRATEGIES.len());
                if !picks.contains(&s) {
                    picks.push(s);
                }
            }
            for s in picks {
                let s = STRATEGIES[s];
                match spoil(data, s, &mut rng) {
                    Some(d) => std::fs::write(work.join(f), d).unwrap(),
                    None => std::fs::remove_file(work.join(f)).unwrap(),
                }
                let ctx = format!("{name}/{} {s}", f.display());
                match pid {
                    Some(pid) => {
                        let mine: Vec<_> =
                            known.iter().filter(|(p, _)| *p == pid).cloned().collect();
                        run.processes(&roots, &mine, &ctx);
                        run.sweeps(&roots, &ctx);
                    }
                    None => run.system(&roots, &ctx),
                }
                std::fs::write(work.join(f), data).unwrap();
            }
            files_done += 1;
        }
    }
    Roots::set_current(Roots::default());
    eprintln!(
        "bad roots: {} calls in {:.1} s over {trees} whole trees and {files_done} of {files_total} \
         files spoiled one at a time{}; errors by kind: {:?}",
        run.calls,
        t0.elapsed().as_secs_f64(),
        stopped_at
            .map(|s| format!(" (time budget reached at {s})"))
            .unwrap_or_default(),
        run.errors
    );
    assert!(
        run.panics.is_empty(),
        "{} panics:\n{}",
        run.panics.len(),
        run.panics.join("\n")
    );
}
