//! Leaks, bounded for CI: the `leak_check` example's calls (every system function, every
//! `Process` getter on this process and on a child), each for at most
//! `SYSGAUGE_LEAK_SECS` / (number of calls) seconds (default 45 s in all; with the
//! warm-ups, which take at most a quarter more, about a minute) and at most
//! 100,000 times. No fd may be lost; RSS may not grow by more than the example's limit
//! (1 MiB) for any call nor over the whole run. The table is printed.

#[allow(dead_code)]
#[path = "../examples/leak_check.rs"]
mod leak_check;

#[test]
fn every_call_keeps_fds_and_memory_flat() {
    let total: f64 = std::env::var("SYSGAUGE_LEAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(45.0);
    // Rows: system calls + process getters on two targets (+ the whole-run row).
    let n_rows = 40.0 + 2.0 * 45.0;
    let cfg = leak_check::Config {
        calls: 100_000,
        secs_per_call: Some(total / n_rows),
        rss_limit_kib: 1024,
        only: None,
    };
    let rows = leak_check::run(&cfg);
    eprintln!("{}", leak_check::table(&rows));
    assert!(rows.len() > 100, "every call was measured");
    assert!(
        rows.iter().all(|r| r.calls > 0),
        "a call was never made: {rows:?}"
    );
    let bad = leak_check::failures(&rows, &cfg);
    assert!(bad.is_empty(), "leaks:\n{}", bad.join("\n"));
}
