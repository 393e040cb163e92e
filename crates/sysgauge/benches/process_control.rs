//! Benchmarks of the process control, scheduling and limit calls, on a `sleep` child
//! (register in Cargo.toml as `[[bench]] name = "process_control" harness = false`).

use std::hint::black_box;
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use sysgauge::{IoClass, Process, RLIMIT_NOFILE};

fn benches(c: &mut Criterion) {
    let mut child = Command::new("sleep").arg("600").spawn().expect("sleep");
    let p = Process::new(child.id() as i32).expect("child");
    let cpus = p.cpu_affinity().expect("affinity");
    c.bench_function("Process::send_signal(0)", |b| {
        b.iter(|| black_box(p.send_signal(0)))
    });
    c.bench_function("Process::wait(Some(0))", |b| {
        b.iter(|| black_box(p.wait(Some(Duration::ZERO)).is_err()))
    });
    c.bench_function("Process::cpu_percent(None)", |b| {
        b.iter(|| black_box(p.cpu_percent(None)))
    });
    c.bench_function("Process::set_nice", |b| b.iter(|| black_box(p.set_nice(5))));
    c.bench_function("Process::ionice", |b| b.iter(|| black_box(p.ionice())));
    c.bench_function("Process::set_ionice", |b| {
        b.iter(|| black_box(p.set_ionice(IoClass::BestEffort, Some(4))))
    });
    c.bench_function("Process::rlimit", |b| {
        b.iter(|| black_box(p.rlimit(RLIMIT_NOFILE)))
    });
    c.bench_function("Process::set_rlimit", |b| {
        b.iter(|| black_box(p.set_rlimit(RLIMIT_NOFILE, 512, 1024)))
    });
    c.bench_function("Process::cpu_affinity", |b| {
        b.iter(|| black_box(p.cpu_affinity()))
    });
    c.bench_function("Process::set_cpu_affinity", |b| {
        b.iter(|| black_box(p.set_cpu_affinity(&cpus)))
    });
    let _ = child.kill();
    let _ = child.wait();
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(group);
