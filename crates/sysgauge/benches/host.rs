//! Benchmarks of the host calls and small utilities.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    c.bench_function("boot_time", |b| b.iter(|| black_box(sysgauge::boot_time())));
    c.bench_function("users", |b| b.iter(|| black_box(sysgauge::users())));
    c.bench_function("bytes2human", |b| {
        b.iter(|| black_box(sysgauge::bytes2human(black_box(100_001_221))))
    });
    // The parser alone, over 64 records (24 KiB), as a busy server's utmp would hold.
    let mut data = Vec::new();
    for i in 0..64i32 {
        let mut r = vec![0u8; sysgauge::platform::linux::parse::utmp::RECORD_SIZE];
        r[0..2].copy_from_slice(&7i16.to_ne_bytes());
        r[4..8].copy_from_slice(&(1000 + i).to_ne_bytes());
        r[8..13].copy_from_slice(b"pts/1");
        r[44..49].copy_from_slice(b"alice");
        r[76..85].copy_from_slice(b"192.0.2.1");
        data.extend(r);
    }
    c.bench_function("parse::utmp::records (64)", |b| {
        b.iter(|| {
            black_box(sysgauge::platform::linux::parse::utmp::records(black_box(
                &data,
            )))
        })
    });
}

criterion_group!(group, benches);
criterion_main!(group);
