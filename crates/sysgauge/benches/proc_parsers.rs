//! Benchmarks of the per-process file parsers (`parse::pid_*`) on typical input: this
//! process's own files, read once before measuring, so only parsing is timed. They run once
//! per process per sweep over ~1,000 processes; the aim is well under 1 µs each.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sysgauge::platform::linux::parse::{pid_cmdline, pid_io, pid_stat, pid_statm, pid_status};

fn own(file: &str) -> Vec<u8> {
    std::fs::read(format!("/proc/self/{file}")).unwrap_or_else(|e| panic!("/proc/self/{file}: {e}"))
}

fn benches(c: &mut Criterion) {
    let stat = own("stat");
    c.bench_function("pid_stat", |b| {
        b.iter(|| black_box(pid_stat::pid_stat(black_box(&stat))))
    });
    let status = own("status");
    c.bench_function("pid_status", |b| {
        b.iter(|| black_box(pid_status::pid_status(black_box(&status))))
    });
    let escaped = b"kworker\\\\x\\n1".to_vec();
    c.bench_function("pid_status::unescape_name", |b| {
        b.iter(|| black_box(pid_status::unescape_name(black_box(&escaped))))
    });
    let statm = own("statm");
    c.bench_function("pid_statm", |b| {
        b.iter(|| black_box(pid_statm::pid_statm(black_box(&statm))))
    });
    let io = own("io");
    c.bench_function("pid_io", |b| {
        b.iter(|| black_box(pid_io::pid_io(black_box(&io))))
    });
    let cmdline = own("cmdline");
    c.bench_function("pid_cmdline::cmdline", |b| {
        b.iter(|| black_box(pid_cmdline::cmdline(black_box(&cmdline))))
    });
    let title = b"nginx: worker process".to_vec();
    c.bench_function("pid_cmdline::cmdline (rewritten title)", |b| {
        b.iter(|| black_box(pid_cmdline::cmdline(black_box(&title))))
    });
    let environ = own("environ");
    c.bench_function("pid_cmdline::environ", |b| {
        b.iter(|| black_box(pid_cmdline::environ(black_box(&environ))))
    });
}

criterion_group!(proc_parsers, benches);
criterion_main!(proc_parsers);
