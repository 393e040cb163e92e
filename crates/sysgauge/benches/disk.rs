use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sysgauge::platform::linux::parse::{diskstats, filesystems, mounts};
use sysgauge::{DiskIoCounters, NoWrap};

fn benches(c: &mut Criterion) {
    c.bench_function("disk_partitions(all=false)", |b| {
        b.iter(|| black_box(sysgauge::disk_partitions(black_box(false)).unwrap()))
    });
    c.bench_function("disk_partitions(all=true)", |b| {
        b.iter(|| black_box(sysgauge::disk_partitions(black_box(true)).unwrap()))
    });
    c.bench_function("disk_usage(/)", |b| {
        b.iter(|| black_box(sysgauge::disk_usage(black_box("/")).unwrap()))
    });
    c.bench_function("disk_io_counters", |b| {
        b.iter(|| black_box(sysgauge::disk_io_counters().unwrap()))
    });
    c.bench_function("disk_io_counters_perdisk", |b| {
        b.iter(|| black_box(sysgauge::disk_io_counters_perdisk().unwrap()))
    });
    c.bench_function("disk_io_counters_raw", |b| {
        b.iter(|| black_box(sysgauge::disk_io_counters_raw().unwrap()))
    });
    c.bench_function("disk_io_counters_raw_disks", |b| {
        b.iter(|| black_box(sysgauge::disk_io_counters_raw_disks().unwrap()))
    });
    c.bench_function("disk_io_counters_cache_clear", |b| {
        b.iter(sysgauge::disk_io_counters_cache_clear)
    });
    let raw = sysgauge::disk_io_counters_raw().unwrap();
    c.bench_function("NoWrap::apply + DiskIoCounters::sum", |b| {
        let mut memory: NoWrap<DiskIoCounters> = NoWrap::new();
        b.iter(|| {
            let fixed = memory.apply(black_box(raw.clone()));
            black_box(DiskIoCounters::sum(fixed.values()))
        })
    });
    let stats = std::fs::read("/proc/diskstats").unwrap();
    c.bench_function("parse::diskstats::diskstats", |b| {
        b.iter(|| black_box(diskstats::diskstats(black_box(&stats)).unwrap()))
    });
    let m = std::fs::read("/proc/self/mounts").unwrap();
    c.bench_function("parse::mounts::mounts", |b| {
        b.iter(|| black_box(mounts::mounts(black_box(&m))))
    });
    let fsys = std::fs::read("/proc/filesystems").unwrap();
    c.bench_function("parse::filesystems::physical_fstypes", |b| {
        b.iter(|| black_box(filesystems::physical_fstypes(black_box(&fsys))))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
