//! Leak check: calls every system function and every `Process` getter many times (on this
//! process and on a sleeping child) and shows how resident memory and the number of open
//! file descriptors moved.
//!
//! ```text
//! cargo run --release -p sysgauge --example leak_check -- [--calls N] [--secs-per-call S]
//!     [--rss-limit-kib K] [--only NAME]
//! ```
//!
//! For each call: a warm-up (N / 100 calls, 10 to 1000, so one-off caches and the
//! allocator's pools are filled; at most S / 4 seconds of it), then RSS (`/proc/self/statm`) and the fd count
//! (`/proc/self/fd`) are read, the call runs N times (or until S seconds have passed), and
//! both are read again. One table row per call: calls made, µs per call, RSS growth in
//! KiB, fd growth, calls that returned an error. A last row gives the growth over the
//! whole run.
//!
//! Exit status 1 when any fd count grew (a descriptor lost per call shows at once) or any
//! row's RSS growth passed K KiB (default 1024; the whole run, which also holds every
//! warm-up, 8 K). Why 1 MiB: RSS moves in 4 KiB pages, and the
//! allocator keeps freed memory for reuse, so a call whose largest working set after the
//! warm-up is a little bigger (a longer `/proc` listing, say) can raise RSS by a few pages
//! once without leaking; that stays far below 1 MiB here. A real leak grows with the
//! calls: 8 bytes lost per call over 1,000,000 calls is 7.8 MiB, well above the limit. The
//! table's last column gives the smallest leak per call each row could have shown.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/stress_calls/mod.rs"]
mod calls;

/// The name of the last row: the growth from the first call to the last.
pub const WHOLE_RUN: &str = "(whole run)";

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Calls per row.
    pub calls: u64,
    /// Time limit per row, if any.
    pub secs_per_call: Option<f64>,
    /// RSS growth per row above which the check fails, in KiB.
    pub rss_limit_kib: i64,
    /// Only rows whose name contains this.
    pub only: Option<String>,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// The call (and its target for process getters).
    pub name: String,
    /// Calls made after the warm-up.
    pub calls: u64,
    /// Microseconds per call.
    pub us_per_call: f64,
    /// Resident memory growth, KiB.
    pub rss_kib: i64,
    /// Open file descriptors growth.
    pub fds: i64,
    /// Calls that returned an error.
    pub errors: u64,
}

/// Resident memory of this process, in KiB (second field of `/proc/self/statm`).
pub fn rss_kib() -> i64 {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: i64 = s
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * (rustix::param::page_size() as i64) / 1024
}

/// Open file descriptors of this process (entries of `/proc/self/fd`, less the one
/// listing them).
pub fn fd_count() -> i64 {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count() as i64 - 1)
        .unwrap_or(-1)
}

/// Runs `f` per the config and measures around it.
fn measure(name: String, cfg: &Config, mut f: impl FnMut() -> bool) -> Row {
    let limit = cfg.secs_per_call.map(Duration::from_secs_f64);
    // The warm-up takes at most a quarter of the time limit (and at least 3 calls).
    let warm = (cfg.calls / 100).clamp(10, 1000);
    let tw = Instant::now();
    for i in 0..warm {
        f();
        if i >= 3 && limit.is_some_and(|l| tw.elapsed() >= l / 4) {
            break;
        }
    }
    let (rss0, fds0) = (rss_kib(), fd_count());
    let t0 = Instant::now();
    let (mut n, mut errors) = (0u64, 0u64);
    while n < cfg.calls {
        if !f() {
            errors += 1;
        }
        n += 1;
        if limit.is_some_and(|l| t0.elapsed() >= l) {
            break;
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    Row {
        name,
        calls: n,
        us_per_call: secs * 1e6 / n.max(1) as f64,
        rss_kib: rss_kib() - rss0,
        fds: fd_count() - fds0,
        errors,
    }
}

/// Every row, in order; the last one is the whole run.
pub fn run(cfg: &Config) -> Vec<Row> {
    let mut child = Command::new("sleep")
        .arg("100000")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sleep");
    // Until the child runs `sleep` (its name, not this program's, is what is read).
    let t = Instant::now();
    while std::fs::read(format!("/proc/{}/comm", child.id()))
        .ok()
        .as_deref()
        != Some(b"sleep\n")
        && t.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    let me = sysgauge::Process::current().expect("this process");
    let kid = sysgauge::Process::new(child.id() as i32).expect("the child");
    let wanted = |name: &str| cfg.only.as_deref().is_none_or(|o| name.contains(o));

    let (rss_start, fds_start) = (rss_kib(), fd_count());
    let mut rows = Vec::new();
    for (name, f) in calls::system_calls() {
        if wanted(name) {
            rows.push(measure(name.to_string(), cfg, || f().is_ok()));
        }
    }
    for (target, p) in [("self", &me), ("child", &kid)] {
        for (name, f) in calls::process_calls() {
            let full = format!("{name} ({target})");
            if wanted(&full) {
                rows.push(measure(full, cfg, || f(p).is_ok()));
            }
        }
    }
    rows.push(Row {
        name: WHOLE_RUN.into(),
        calls: rows.iter().map(|r| r.calls).sum(),
        us_per_call: 0.0,
        rss_kib: rss_kib() - rss_start,
        fds: fd_count() - fds_start,
        errors: rows.iter().map(|r| r.errors).sum(),
    });
    let _ = child.kill();
    let _ = child.wait();
    rows
}

/// The table, one line per row.
pub fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<34} {:>10} {:>10} {:>9} {:>4} {:>8} {:>12}\n",
        "call", "calls", "us/call", "RSS KiB", "fds", "errors", "floor B/call"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<34} {:>10} {:>10.1} {:>+9} {:>+4} {:>8} {:>12.2}\n",
            r.name,
            r.calls,
            r.us_per_call,
            r.rss_kib,
            r.fds,
            r.errors,
            // The smallest leak per call the 4 KiB page granularity lets this row show.
            4096.0 / r.calls.max(1) as f64
        ));
    }
    out
}

/// The rows that fail the check: any fd growth, or RSS growth above the limit.
pub fn failures(rows: &[Row], cfg: &Config) -> Vec<String> {
    rows.iter()
        .filter(|r| {
            // The whole run also holds each call's first-time growth (its warm-up), so it
            // gets eight times the limit; a leak spread thinly over many calls still
            // adds up past it.
            let limit = if r.name == WHOLE_RUN {
                8 * cfg.rss_limit_kib
            } else {
                cfg.rss_limit_kib
            };
            r.fds != 0 || r.rss_kib > limit
        })
        .map(|r| {
            format!(
                "{}: RSS {:+} KiB, fds {:+} over {} calls",
                r.name, r.rss_kib, r.fds, r.calls
            )
        })
        .collect()
}

#[allow(dead_code)]
fn main() {
    let mut cfg = Config {
        calls: 1_000_000,
        secs_per_call: None,
        rss_limit_kib: 1024,
        only: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let val = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--calls" => cfg.calls = val.parse().expect("--calls N"),
            "--secs-per-call" => cfg.secs_per_call = Some(val.parse().expect("--secs-per-call S")),
            "--rss-limit-kib" => cfg.rss_limit_kib = val.parse().expect("--rss-limit-kib K"),
            "--only" => cfg.only = Some(val),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    let t0 = Instant::now();
    let rows = run(&cfg);
    print!("{}", table(&rows));
    println!("total {:.1} s", t0.elapsed().as_secs_f64());
    let bad = failures(&rows, &cfg);
    if !bad.is_empty() {
        eprintln!("leaks:\n{}", bad.join("\n"));
        std::process::exit(1);
    }
}
