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
    eprintln!("usage: oneshot_bench [--times N] [--repeat R] [--json] [--per-method]");
    std::process::exit(2);
}

fn main() -> sysgauge::Result<()> {
    let mut times: usize = 1000;
    let mut repeat: usize = 5;
    let mut json = false;
    let mut per_method = false;
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
            _ => usage(),
        }
    }
    let (times, repeat) = (times.max(1), repeat.max(1));

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
