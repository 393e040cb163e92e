//! Every system function and every `Process` getter of sysgauge, as named calls, for the
//! stress tests and the `leak_check` example (which includes this file by path).
//!
//! Each call returns what the function returned with the value dropped, so only the
//! error (if any) is left. Setters are not listed: these calls never change anything.
#![allow(dead_code)]

use std::time::Duration;

use sysgauge::{Attr, AttrValue, ConnectionKind, MemoryType, Process, Result};

/// A system function.
pub type SystemCall = (&'static str, fn() -> Result<()>);
/// A `Process` getter.
pub type ProcessCall = (&'static str, fn(&Process) -> Result<()>);

/// Every system function (psutil's module-level functions), with fixed arguments.
pub fn system_calls() -> Vec<SystemCall> {
    vec![
        ("cpu_times", || sysgauge::cpu_times().map(drop)),
        ("cpu_times_percpu", || {
            sysgauge::cpu_times_percpu().map(drop)
        }),
        ("cpu_percent", || sysgauge::cpu_percent(None).map(drop)),
        ("cpu_percent_percpu", || {
            sysgauge::cpu_percent_percpu(None).map(drop)
        }),
        ("cpu_times_percent", || {
            sysgauge::cpu_times_percent(None).map(drop)
        }),
        ("cpu_times_percent_percpu", || {
            sysgauge::cpu_times_percent_percpu(None).map(drop)
        }),
        ("cpu_count", || sysgauge::cpu_count().map(drop)),
        ("cpu_count_physical", || {
            sysgauge::cpu_count_physical().map(drop)
        }),
        ("cpu_stats", || sysgauge::cpu_stats().map(drop)),
        ("cpu_freq", || sysgauge::cpu_freq().map(drop)),
        ("cpu_freq_percpu", || sysgauge::cpu_freq_percpu().map(drop)),
        ("getloadavg", || sysgauge::getloadavg().map(drop)),
        ("virtual_memory", || sysgauge::virtual_memory().map(drop)),
        ("swap_memory", || sysgauge::swap_memory().map(drop)),
        ("disk_partitions", || {
            sysgauge::disk_partitions(false).map(drop)
        }),
        ("disk_partitions_all", || {
            sysgauge::disk_partitions(true).map(drop)
        }),
        ("disk_usage", || sysgauge::disk_usage("/").map(drop)),
        ("disk_io_counters", || {
            sysgauge::disk_io_counters().map(drop)
        }),
        ("disk_io_counters_perdisk", || {
            sysgauge::disk_io_counters_perdisk().map(drop)
        }),
        ("disk_io_counters_raw", || {
            sysgauge::disk_io_counters_raw().map(drop)
        }),
        ("net_io_counters", || sysgauge::net_io_counters().map(drop)),
        ("net_io_counters_pernic", || {
            sysgauge::net_io_counters_pernic().map(drop)
        }),
        ("net_io_counters_raw", || {
            sysgauge::net_io_counters_raw().map(drop)
        }),
        ("net_if_addrs", || sysgauge::net_if_addrs().map(drop)),
        ("net_if_stats", || sysgauge::net_if_stats().map(drop)),
        ("net_connections_all", || {
            sysgauge::net_connections(ConnectionKind::All).map(drop)
        }),
        ("net_connections_inet", || {
            sysgauge::net_connections(ConnectionKind::Inet).map(drop)
        }),
        ("boot_time", || sysgauge::boot_time().map(drop)),
        ("users", || sysgauge::users().map(drop)),
        ("sensors_temperatures", || {
            sysgauge::sensors_temperatures(false).map(drop)
        }),
        ("sensors_fans", || sysgauge::sensors_fans().map(drop)),
        ("sensors_battery", || sysgauge::sensors_battery().map(drop)),
        ("pids", || sysgauge::pids().map(drop)),
        ("pid_exists", || {
            std::hint::black_box(sysgauge::pid_exists(1));
            Ok(())
        }),
        ("process_table", || {
            sysgauge::ProcessTable::snapshot().map(drop)
        }),
        ("process_iter", || {
            sysgauge::process_iter(&[], AttrValue::None).map(|it| {
                std::hint::black_box(it.count());
            })
        }),
        ("process_iter_attrs", || {
            sysgauge::process_iter(&[Attr::Name, Attr::CpuTimes], AttrValue::None).map(|it| {
                std::hint::black_box(it.count());
            })
        }),
    ]
}

/// Every `Process` getter (psutil's `Process` methods that read), with fixed arguments.
pub fn process_calls() -> Vec<ProcessCall> {
    vec![
        ("Process::new", |p| Process::new(p.pid()).map(drop)),
        ("is_running", |p| {
            std::hint::black_box(p.is_running());
            Ok(())
        }),
        ("name", |p| p.name().map(drop)),
        ("exe", |p| p.exe().map(drop)),
        ("cmdline", |p| p.cmdline().map(drop)),
        ("environ", |p| p.environ().map(drop)),
        ("status", |p| p.status().map(drop)),
        ("create_time", |p| p.create_time().map(drop)),
        ("ppid", |p| p.ppid().map(drop)),
        ("parent", |p| p.parent().map(drop)),
        ("parents", |p| p.parents().map(drop)),
        ("children", |p| p.children(false).map(drop)),
        ("children_recursive", |p| p.children(true).map(drop)),
        ("cwd", |p| p.cwd().map(drop)),
        ("terminal", |p| p.terminal().map(drop)),
        ("uids", |p| p.uids().map(drop)),
        ("gids", |p| p.gids().map(drop)),
        ("username", |p| p.username().map(drop)),
        ("nice", |p| p.nice().map(drop)),
        ("ionice", |p| p.ionice().map(drop)),
        ("rlimit", |p| p.rlimit(sysgauge::RLIMIT_NOFILE).map(drop)),
        ("cpu_affinity", |p| p.cpu_affinity().map(drop)),
        ("cpu_num", |p| p.cpu_num().map(drop)),
        ("cpu_times", |p| p.cpu_times().map(drop)),
        ("cpu_percent", |p| p.cpu_percent(None).map(drop)),
        ("num_threads", |p| p.num_threads().map(drop)),
        ("threads", |p| p.threads().map(drop)),
        ("num_ctx_switches", |p| p.num_ctx_switches().map(drop)),
        ("num_fds", |p| p.num_fds().map(drop)),
        ("open_files", |p| p.open_files().map(drop)),
        ("net_connections", |p| {
            p.net_connections(ConnectionKind::All).map(drop)
        }),
        ("io_counters", |p| p.io_counters().map(drop)),
        ("memory_info", |p| p.memory_info().map(drop)),
        ("memory_info_ex", |p| p.memory_info_ex().map(drop)),
        ("memory_full_info", |p| p.memory_full_info().map(drop)),
        ("memory_footprint", |p| p.memory_footprint().map(drop)),
        ("memory_percent", |p| {
            p.memory_percent(MemoryType::Rss).map(drop)
        }),
        ("memory_percent_uss", |p| {
            p.memory_percent(MemoryType::Uss).map(drop)
        }),
        ("memory_maps", |p| p.memory_maps().map(drop)),
        ("memory_maps_ungrouped", |p| {
            p.memory_maps_ungrouped().map(drop)
        }),
        ("page_faults", |p| p.page_faults().map(drop)),
        ("wait_zero", |p| match p.wait(Some(Duration::ZERO)) {
            Err(sysgauge::Error::TimeoutExpired { .. }) => Ok(()),
            r => r.map(drop),
        }),
        ("as_dict", |p| p.as_dict(&[], AttrValue::None).map(drop)),
        ("oneshot", |p| {
            p.oneshot(|p| -> Result<()> {
                p.name()?;
                p.cpu_times()?;
                p.memory_info()?;
                p.status()?;
                Ok(())
            })
        }),
    ]
}
