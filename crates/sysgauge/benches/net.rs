//! Benchmarks of the network interface calls (live `/proc/net/dev`, getifaddrs, ioctls),
//! of the `/proc/net/dev` parser on a fixed input, and of the socket listings on whatever
//! sockets the machine has (`bench/compare_connections.sh` makes 10,000 of them).
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sysgauge::platform::linux::parse::net_dev;
use sysgauge::{ConnectionKind, ConnectionQuery, ConnectionSource};

const NET_DEV: &[u8] = include_bytes!("../tests/fixtures/net-dev-linux6/proc/net/dev");

fn benches(c: &mut Criterion) {
    c.bench_function("net_io_counters_raw", |b| {
        b.iter(|| black_box(sysgauge::net_io_counters_raw().unwrap()))
    });
    c.bench_function("net_io_counters", |b| {
        b.iter(|| black_box(sysgauge::net_io_counters().unwrap()))
    });
    c.bench_function("net_io_counters_pernic", |b| {
        b.iter(|| black_box(sysgauge::net_io_counters_pernic().unwrap()))
    });
    c.bench_function("net_if_addrs", |b| {
        b.iter(|| black_box(sysgauge::net_if_addrs().unwrap()))
    });
    c.bench_function("net_if_stats", |b| {
        b.iter(|| black_box(sysgauge::net_if_stats().unwrap()))
    });
    c.bench_function("net_connections(all)", |b| {
        b.iter(|| black_box(sysgauge::net_connections(ConnectionKind::All).unwrap()))
    });
    for (name, source) in [
        ("netlink", ConnectionSource::Netlink),
        ("proc_net", ConnectionSource::ProcNet),
    ] {
        let q = ConnectionQuery::new(ConnectionKind::All)
            .with_pids(false)
            .source(source);
        c.bench_function(&format!("net_connections(all) without pids, {name}"), |b| {
            b.iter(|| black_box(q.list().unwrap()))
        });
    }
    c.bench_function("Process::net_connections(all) of this process", |b| {
        let me = sysgauge::Process::current().unwrap();
        b.iter(|| black_box(me.net_connections(ConnectionKind::All).unwrap()))
    });
    c.bench_function("parse::net_dev", |b| {
        b.iter(|| black_box(net_dev::net_dev(black_box(NET_DEV)).unwrap()))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
