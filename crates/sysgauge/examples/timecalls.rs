//! Times each system-wide sysgauge call the way `bench/compare_psutil.py` times psutil's:
//! batches of about `--batch-ms` milliseconds, median nanoseconds per call over `--batches`.
//! Prints `{"call": ns_per_call, ...}` as JSON. Criterion benches (`cargo bench`) give the
//! same calls with confidence intervals; this binary exists so both sides run in one script.
//!
//! `--lib sysinfo|procfs` times those libraries' nearest equivalents instead, under the same
//! call names (only the calls they have; see `sysinfo_calls` and `procfs_calls`).

use std::hint::black_box;
use std::time::{Duration, Instant};

/// One named call to time.
type Call = (&'static str, Box<dyn FnMut()>);

fn time_call(f: &mut dyn FnMut(), batches: usize, batch: Duration) -> f64 {
    f();
    let mut n: u64 = 1;
    let dt = loop {
        let t0 = Instant::now();
        for _ in 0..n {
            f();
        }
        let dt = t0.elapsed();
        if dt >= batch / 4 || n >= 1 << 20 {
            break dt;
        }
        n *= 2;
    };
    let n = ((n as f64) * batch.as_secs_f64() / dt.as_secs_f64().max(1e-9)).max(1.0) as u64;
    let mut samples: Vec<f64> = (0..batches)
        .map(|_| {
            let t0 = Instant::now();
            for _ in 0..n {
                f();
            }
            t0.elapsed().as_nanos() as f64 / n as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let mut batches = 7usize;
    let mut batch_ms = 100u64;
    let mut only: Vec<String> = Vec::new();
    let mut once = false;
    let mut floor_files: Vec<String> = Vec::new();
    let mut lib: Option<String> = None;
    let me = std::process::id() as i32;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || args.next().and_then(|v| v.parse::<u64>().ok());
        match a.as_str() {
            "--batches" => batches = num().unwrap_or(7).max(1) as usize,
            "--batch-ms" => batch_ms = num().unwrap_or(100).max(1),
            "--once" => once = true,
            "--only" => only.extend(args.next()),
            "--floor" => floor_files.extend(args.next()),
            "--lib" => lib = args.next(),
            _ => {
                eprintln!(
                    "usage: timecalls [--batches N] [--batch-ms MS] [--only CALL]... [--once] [--lib sysinfo|procfs]"
                );
                std::process::exit(2);
            }
        }
    }
    let batch = Duration::from_millis(batch_ms);
    if !floor_files.is_empty() {
        // The least any program can spend reading these files: open, read, close each.
        let mut buf = vec![0u8; 1 << 16];
        let mut read_all = || {
            for path in &floor_files {
                if let Ok(mut f) = std::fs::File::open(path) {
                    while matches!(std::io::Read::read(&mut f, &mut buf), Ok(n) if n > 0) {}
                }
            }
        };
        println!("{:.1}", time_call(&mut read_all, batches, batch));
        return;
    }
    let mut sampler: Option<sysgauge::CpuSampler> = None;
    let mut calls: Vec<Call> = vec![
        (
            "cpu_times",
            Box::new(|| drop(black_box(sysgauge::cpu_times()))),
        ),
        (
            "cpu_times_percpu",
            Box::new(|| drop(black_box(sysgauge::cpu_times_percpu()))),
        ),
        (
            "cpu_percent",
            Box::new(move || {
                let s = sampler.get_or_insert_with(|| sysgauge::CpuSampler::new().expect("sample"));
                drop(black_box(s.percent()))
            }),
        ),
        (
            "cpu_percent_percpu",
            Box::new(|| drop(black_box(sysgauge::cpu_percent_percpu(None)))),
        ),
        (
            "cpu_times_percent",
            Box::new(|| drop(black_box(sysgauge::cpu_times_percent(None)))),
        ),
        (
            "cpu_times_percent_percpu",
            Box::new(|| drop(black_box(sysgauge::cpu_times_percent_percpu(None)))),
        ),
        (
            "cpu_count",
            Box::new(|| drop(black_box(sysgauge::cpu_count()))),
        ),
        (
            "cpu_count_physical",
            Box::new(|| drop(black_box(sysgauge::cpu_count_physical()))),
        ),
        (
            "cpu_stats",
            Box::new(|| drop(black_box(sysgauge::cpu_stats()))),
        ),
        (
            "cpu_freq",
            Box::new(|| drop(black_box(sysgauge::cpu_freq()))),
        ),
        (
            "cpu_freq_percpu",
            Box::new(|| drop(black_box(sysgauge::cpu_freq_percpu()))),
        ),
        (
            "getloadavg",
            Box::new(|| drop(black_box(sysgauge::getloadavg()))),
        ),
        (
            "virtual_memory",
            Box::new(|| drop(black_box(sysgauge::virtual_memory()))),
        ),
        (
            "swap_memory",
            Box::new(|| drop(black_box(sysgauge::swap_memory()))),
        ),
        (
            "disk_partitions",
            Box::new(|| drop(black_box(sysgauge::disk_partitions(false)))),
        ),
        (
            "disk_partitions_all",
            Box::new(|| drop(black_box(sysgauge::disk_partitions(true)))),
        ),
        (
            "disk_usage",
            Box::new(|| drop(black_box(sysgauge::disk_usage("/")))),
        ),
        (
            "disk_io_counters",
            Box::new(|| drop(black_box(sysgauge::disk_io_counters()))),
        ),
        (
            "disk_io_counters_perdisk",
            Box::new(|| drop(black_box(sysgauge::disk_io_counters_perdisk()))),
        ),
        (
            "net_io_counters",
            Box::new(|| drop(black_box(sysgauge::net_io_counters()))),
        ),
        (
            "net_io_counters_pernic",
            Box::new(|| drop(black_box(sysgauge::net_io_counters_pernic()))),
        ),
        (
            "net_if_addrs",
            Box::new(|| drop(black_box(sysgauge::net_if_addrs()))),
        ),
        (
            "net_if_stats",
            Box::new(|| drop(black_box(sysgauge::net_if_stats()))),
        ),
        (
            "sensors_temperatures",
            Box::new(|| drop(black_box(sysgauge::sensors_temperatures(false)))),
        ),
        (
            "sensors_fans",
            Box::new(|| drop(black_box(sysgauge::sensors_fans()))),
        ),
        (
            "sensors_battery",
            Box::new(|| drop(black_box(sysgauge::sensors_battery()))),
        ),
        (
            "boot_time",
            Box::new(|| drop(black_box(sysgauge::boot_time()))),
        ),
        ("users", Box::new(|| drop(black_box(sysgauge::users())))),
        ("pids", Box::new(|| drop(black_box(sysgauge::pids())))),
        (
            "pid_exists",
            Box::new(move || {
                let _ = black_box(sysgauge::pid_exists(me));
            }),
        ),
    ];
    for (name, kind) in [
        ("net_connections", sysgauge::ConnectionKind::Inet),
        ("net_connections_tcp", sysgauge::ConnectionKind::Tcp),
        ("net_connections_udp", sysgauge::ConnectionKind::Udp),
        ("net_connections_unix", sysgauge::ConnectionKind::Unix),
        ("net_connections_all", sysgauge::ConnectionKind::All),
    ] {
        calls.push((
            name,
            Box::new(move || drop(black_box(sysgauge::net_connections(kind)))),
        ));
    }
    match lib.as_deref() {
        None => {}
        Some("sysinfo") => calls = sysinfo_calls(),
        Some("procfs") => calls = procfs_calls(),
        Some(other) => {
            eprintln!("timecalls: unknown --lib {other} (sysinfo or procfs)");
            std::process::exit(2);
        }
    }
    calls.retain(|(name, _)| only.is_empty() || only.iter().any(|o| o == name));
    if once {
        // One call each, for strace or perf. A first call warms up what a long-lived caller
        // has (e.g. a sampler's first sample); the marker on stderr ends the start-up I/O.
        for (_, f) in calls.iter_mut() {
            f();
        }
        eprintln!("timecalls: calls begin");
        for (_, f) in calls.iter_mut() {
            f();
        }
        return;
    }
    let mut out = String::from("{");
    for (i, (name, f)) in calls.iter_mut().enumerate() {
        let ns = time_call(f.as_mut(), batches, batch);
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\n \"{name}\": {ns:.1}"));
    }
    out.push_str("\n}");
    println!("{out}");
}

/// sysinfo's nearest equivalents, under sysgauge's call names: each refreshes what the call
/// needs on a `System` (or list) kept across calls, as sysinfo is meant to be used.
fn sysinfo_calls() -> Vec<Call> {
    use sysinfo::{Components, CpuRefreshKind, Disks, MemoryRefreshKind, Networks, System, Users};
    let mut cpu = System::new();
    let mut cpu2 = System::new();
    let mut freq = System::new();
    let mut mem = System::new();
    let mut swap = System::new();
    let mut disks = Disks::new_with_refreshed_list();
    let mut disks_io = Disks::new_with_refreshed_list();
    let mut nets = Networks::new_with_refreshed_list();
    let mut comps = Components::new_with_refreshed_list();
    let mut users = Users::new();
    vec![
        (
            "cpu_percent",
            Box::new(move || {
                cpu.refresh_cpu_usage();
                black_box(cpu.global_cpu_usage());
            }),
        ),
        (
            "cpu_percent_percpu",
            Box::new(move || {
                cpu2.refresh_cpu_usage();
                black_box(cpu2.cpus().iter().map(|c| c.cpu_usage()).sum::<f32>());
            }),
        ),
        (
            "cpu_count",
            Box::new(|| {
                let s = System::new_with_specifics(
                    sysinfo::RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing()),
                );
                black_box(s.cpus().len());
            }),
        ),
        (
            "cpu_count_physical",
            Box::new(|| {
                let _ = black_box(System::physical_core_count());
            }),
        ),
        (
            "cpu_freq_percpu",
            Box::new(move || {
                freq.refresh_cpu_frequency();
                black_box(freq.cpus().iter().map(|c| c.frequency()).sum::<u64>());
            }),
        ),
        (
            "getloadavg",
            Box::new(|| {
                let _ = black_box(System::load_average());
            }),
        ),
        (
            "virtual_memory",
            Box::new(move || {
                mem.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
                black_box(mem.available_memory());
            }),
        ),
        (
            "swap_memory",
            Box::new(move || {
                swap.refresh_memory_specifics(MemoryRefreshKind::nothing().with_swap());
                black_box(swap.free_swap());
            }),
        ),
        (
            "disk_partitions",
            Box::new(move || {
                disks.refresh(true);
                black_box(disks.list().len());
            }),
        ),
        (
            "disk_io_counters_perdisk",
            Box::new(move || {
                disks_io
                    .refresh_specifics(true, sysinfo::DiskRefreshKind::nothing().with_io_usage());
                black_box(disks_io.list().len());
            }),
        ),
        (
            "net_io_counters_pernic",
            Box::new(move || {
                nets.refresh(true);
                black_box(nets.list().len());
            }),
        ),
        (
            "sensors_temperatures",
            Box::new(move || {
                comps.refresh(true);
                black_box(comps.list().len());
            }),
        ),
        (
            "boot_time",
            Box::new(|| {
                let _ = black_box(System::boot_time());
            }),
        ),
        (
            "users",
            Box::new(move || {
                users.refresh();
                black_box(users.list().len());
            }),
        ),
    ]
}

/// The procfs crate's nearest equivalents, under sysgauge's call names: each parses the
/// `/proc` file the call reads.
fn procfs_calls() -> Vec<Call> {
    use procfs::{Current, CurrentSI};
    let me = std::process::id() as i32;
    vec![
        (
            "cpu_times",
            Box::new(|| drop(black_box(procfs::KernelStats::current().map(|k| k.total)))),
        ),
        (
            "cpu_times_percpu",
            Box::new(|| {
                drop(black_box(
                    procfs::KernelStats::current().map(|k| k.cpu_time),
                ))
            }),
        ),
        (
            "cpu_stats",
            Box::new(|| drop(black_box(procfs::KernelStats::current().map(|k| k.ctxt)))),
        ),
        (
            "cpu_freq_percpu",
            Box::new(|| drop(black_box(procfs::CpuInfo::current()))),
        ),
        (
            "getloadavg",
            Box::new(|| drop(black_box(procfs::LoadAverage::current()))),
        ),
        (
            "virtual_memory",
            Box::new(|| drop(black_box(procfs::Meminfo::current()))),
        ),
        (
            "swap_memory",
            Box::new(|| {
                drop(black_box(procfs::Meminfo::current()));
                drop(black_box(procfs::vmstat()));
            }),
        ),
        (
            "disk_partitions_all",
            Box::new(|| {
                drop(black_box(
                    procfs::process::Process::myself().and_then(|p| p.mountinfo()),
                ))
            }),
        ),
        (
            "disk_io_counters_perdisk",
            Box::new(|| drop(black_box(procfs::diskstats()))),
        ),
        (
            "net_io_counters_pernic",
            Box::new(|| drop(black_box(procfs::net::dev_status()))),
        ),
        (
            "boot_time",
            Box::new(|| drop(black_box(procfs::KernelStats::current().map(|k| k.btime)))),
        ),
        (
            "pids",
            Box::new(|| {
                let n = procfs::process::all_processes()
                    .map(|it| it.filter(|p| p.is_ok()).count())
                    .unwrap_or(0);
                black_box(n);
            }),
        ),
        (
            "pid_exists",
            Box::new(move || {
                let _ = black_box(procfs::process::Process::new(me).is_ok());
            }),
        ),
        (
            "net_connections_tcp",
            Box::new(|| {
                drop(black_box(procfs::net::tcp()));
                drop(black_box(procfs::net::tcp6()));
            }),
        ),
    ]
}
