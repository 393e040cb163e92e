//! Benchmarks of the sensors calls on the live `/sys` (empty on a VM: this measures the
//! directory walks) and of the parsers on typical attribute contents.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sysgauge::platform::linux::parse::{hwmon, power_supply};

fn benches(c: &mut Criterion) {
    c.bench_function("sensors_temperatures", |b| {
        b.iter(|| black_box(sysgauge::sensors_temperatures(black_box(false))))
    });
    c.bench_function("sensors_temperatures_fahrenheit", |b| {
        b.iter(|| black_box(sysgauge::sensors_temperatures(black_box(true))))
    });
    c.bench_function("sensors_fans", |b| {
        b.iter(|| black_box(sysgauge::sensors_fans()))
    });
    c.bench_function("sensors_battery", |b| {
        b.iter(|| black_box(sysgauge::sensors_battery()))
    });
    c.bench_function("parse_hwmon_millidegrees", |b| {
        b.iter(|| black_box(hwmon::millidegrees(black_box(b"52000\n"))))
    });
    c.bench_function("parse_power_supply_attr", |b| {
        b.iter(|| black_box(power_supply::attr(black_box(b"48200000\n"))))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
