//! Benchmarks of every public CPU call on the live system.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    c.bench_function("cpu_times", |b| b.iter(|| black_box(sysgauge::cpu_times())));
    c.bench_function("cpu_times_percpu", |b| {
        b.iter(|| black_box(sysgauge::cpu_times_percpu()))
    });
    c.bench_function("cpu_percent(None)", |b| {
        b.iter(|| black_box(sysgauge::cpu_percent(None)))
    });
    c.bench_function("cpu_percent_percpu(None)", |b| {
        b.iter(|| black_box(sysgauge::cpu_percent_percpu(None)))
    });
    c.bench_function("cpu_times_percent(None)", |b| {
        b.iter(|| black_box(sysgauge::cpu_times_percent(None)))
    });
    c.bench_function("cpu_times_percent_percpu(None)", |b| {
        b.iter(|| black_box(sysgauge::cpu_times_percent_percpu(None)))
    });
    let mut sampler = sysgauge::CpuSampler::new().expect("/proc/stat");
    c.bench_function("CpuSampler::percent", |b| {
        b.iter(|| black_box(sampler.percent()))
    });
    c.bench_function("CpuSampler::times_percent_percpu", |b| {
        b.iter(|| black_box(sampler.times_percent_percpu()))
    });
    let (t1, t2) = {
        let a = sysgauge::cpu_times().expect("/proc/stat");
        std::thread::sleep(Duration::from_millis(20));
        (a, sysgauge::cpu_times().expect("/proc/stat"))
    };
    c.bench_function("cpu_percent_between", |b| {
        b.iter(|| {
            black_box(sysgauge::cpu_percent_between(
                black_box(&t1),
                black_box(&t2),
            ))
        })
    });
    c.bench_function("cpu_times_percent_between", |b| {
        b.iter(|| {
            black_box(sysgauge::cpu_times_percent_between(
                black_box(&t1),
                black_box(&t2),
            ))
        })
    });
    c.bench_function("cpu_count", |b| b.iter(|| black_box(sysgauge::cpu_count())));
    c.bench_function("cpu_count_physical", |b| {
        b.iter(|| black_box(sysgauge::cpu_count_physical()))
    });
    c.bench_function("cpu_stats", |b| b.iter(|| black_box(sysgauge::cpu_stats())));
    c.bench_function("cpu_freq", |b| b.iter(|| black_box(sysgauge::cpu_freq())));
    c.bench_function("cpu_freq_percpu", |b| {
        b.iter(|| black_box(sysgauge::cpu_freq_percpu()))
    });
    c.bench_function("getloadavg", |b| {
        b.iter(|| black_box(sysgauge::getloadavg()))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
