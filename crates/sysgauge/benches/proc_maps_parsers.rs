//! The `/proc/<pid>/{smaps,smaps_rollup,maps,fdinfo/<fd>}` parsers, on this process's live
//! files and on a large smaps (thousands of mappings, as in a big process), with a `\n`
//! count over the same bytes as the memchr-speed baseline (bytes/s are reported for each).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sysgauge::platform::linux::parse::{pid_fdinfo, pid_maps, pid_smaps};

/// This process's smaps repeated until it has at least `n` mappings.
fn big_smaps(n: usize) -> Vec<u8> {
    let one = std::fs::read("/proc/self/smaps").unwrap();
    let per = pid_smaps::smaps(&one).count().max(1);
    let mut out = Vec::with_capacity(one.len() * (n / per + 1));
    while pid_smaps::smaps(&out).count() < n {
        out.extend_from_slice(&one);
    }
    out
}

fn newline_count(data: &[u8]) -> usize {
    data.iter().filter(|&&b| b == b'\n').count()
}

fn benches(c: &mut Criterion) {
    let rollup = std::fs::read("/proc/self/smaps_rollup").unwrap();
    let maps = std::fs::read("/proc/self/maps").unwrap();
    let fdinfo = std::fs::read("/proc/self/fdinfo/0").unwrap();
    c.bench_function("parse::pid_smaps::rollup_totals", |b| {
        b.iter(|| black_box(pid_smaps::rollup_totals(black_box(&rollup)).unwrap()))
    });
    c.bench_function("parse::pid_smaps::rollup", |b| {
        b.iter(|| black_box(pid_smaps::rollup(black_box(&rollup)).unwrap().counters))
    });
    c.bench_function("parse::pid_fdinfo::fdinfo", |b| {
        b.iter(|| black_box(pid_fdinfo::fdinfo(black_box(&fdinfo)).unwrap()))
    });
    c.bench_function("parse::pid_fdinfo::mode", |b| {
        b.iter(|| black_box(pid_fdinfo::mode(black_box(0o102002))))
    });

    for (name, data) in [
        ("self", std::fs::read("/proc/self/smaps").unwrap()),
        ("5000_mappings", big_smaps(5000)),
    ] {
        let mut g = c.benchmark_group(format!("smaps_{name}"));
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function("baseline_newline_count", |b| {
            b.iter(|| black_box(newline_count(black_box(&data))))
        });
        g.bench_function("parse::pid_smaps::smaps", |b| {
            b.iter(|| {
                let mut uss = 0u64;
                for e in pid_smaps::smaps(black_box(&data)) {
                    uss = uss.wrapping_add(e.unwrap().counters.uss());
                }
                black_box(uss)
            })
        });
        g.bench_function("parse::pid_smaps::smaps_totals", |b| {
            b.iter(|| black_box(pid_smaps::smaps_totals(black_box(&data)).unwrap()))
        });
        g.bench_function("psutil_grouped_rows", |b| {
            b.iter(|| {
                black_box(pid_smaps::group(pid_smaps::smaps(black_box(&data)).map(
                    |e| {
                        let e = e.unwrap();
                        (pid_maps::psutil_path(e.header.pathname), e.counters)
                    },
                )))
            })
        });
        g.finish();
    }

    let mut g = c.benchmark_group("maps_self");
    g.throughput(Throughput::Bytes(maps.len() as u64));
    g.bench_function("baseline_newline_count", |b| {
        b.iter(|| black_box(newline_count(black_box(&maps))))
    });
    g.bench_function("parse::pid_maps::maps", |b| {
        b.iter(|| {
            let mut n = 0u64;
            for l in pid_maps::maps(black_box(&maps)) {
                n = n.wrapping_add(l.unwrap().size().unwrap_or(0));
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
