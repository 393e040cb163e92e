use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sysgauge::platform::linux::parse::{meminfo, vmstat, zoneinfo};

fn benches(c: &mut Criterion) {
    c.bench_function("virtual_memory", |b| {
        b.iter(|| black_box(sysgauge::virtual_memory().unwrap()))
    });
    c.bench_function("swap_memory", |b| {
        b.iter(|| black_box(sysgauge::swap_memory().unwrap()))
    });
    let mem = std::fs::read("/proc/meminfo").unwrap();
    c.bench_function("parse::meminfo::parse", |b| {
        b.iter(|| black_box(meminfo::parse(black_box(&mem)).unwrap()))
    });
    let zones = std::fs::read("/proc/zoneinfo").unwrap();
    c.bench_function("parse::zoneinfo::low_watermark_pages", |b| {
        b.iter(|| black_box(zoneinfo::low_watermark_pages(black_box(&zones)).unwrap()))
    });
    let vm = std::fs::read("/proc/vmstat").unwrap();
    c.bench_function("parse::vmstat::swap_pages", |b| {
        b.iter(|| black_box(vmstat::swap_pages(black_box(&vm)).unwrap()))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
