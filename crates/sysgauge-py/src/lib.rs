//! The Rust extension of the `sysgauge` Python package (`sysgauge._sysgauge`): psutil
//! 7.2.2's API over the sysgauge crate.
//!
//! The package's Python facade (`python/sysgauge/`) holds what psutil holds in Python (the
//! exceptions, the named tuple classes, the enums, argument checks); each of its calls
//! crosses into one function here, which reads through sysgauge and returns finished
//! Python values: psutil's named tuples (built from the facade's classes, found once per
//! interpreter by [`registry::Registry`]), dicts and lists, strings decoded as `os.fsdecode`
//! decodes them. sysgauge's errors become psutil's exceptions ([`errors`]).
//!
//! Built with the stable ABI for CPython 3.11 and later (`abi3-py311`): one wheel serves every
//! later CPython.

use pyo3::prelude::*;

mod args;
mod errors;
mod process;
mod registry;
mod system;

/// sysgauge's Rust core: psutil's calls, each answered in one crossing.
#[pymodule]
mod _sysgauge {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::process::{process_iter, process_iter_cache_clear, ProcessHandle};
    #[pymodule_export]
    use super::system::{
        _cpu_prime, _cpu_times_nfields, _set_sysfs_path, _set_utmp_path, _sysfs_path, _utmp_path,
        boot_time, cpu_count, cpu_freq, cpu_percent, cpu_sample, cpu_stats, cpu_times,
        cpu_times_percent, disk_io_counters, disk_io_counters_cache_clear, disk_partitions,
        disk_usage, getloadavg, heap_info, heap_trim, net_connections, net_if_addrs, net_if_stats,
        net_io_counters, net_io_counters_cache_clear, pid_exists, pids, procfs_path,
        sensors_battery, sensors_fans, sensors_temperatures, set_procfs_path, swap_memory, users,
        virtual_memory, CpuSample,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        super::add_constants(m)
    }
}

/// The crate's version, the psutil version it follows, and the `RLIMIT_*` numbers.
fn add_constants(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("VERSION", sysgauge::VERSION)?;
    m.add("PSUTIL_VERSION", sysgauge::PSUTIL_COMPAT_VERSION)?;
    let rlimits: [(&str, i64); 17] = [
        ("RLIM_INFINITY", sysgauge::RLIM_INFINITY),
        ("RLIMIT_AS", sysgauge::RLIMIT_AS.into()),
        ("RLIMIT_CORE", sysgauge::RLIMIT_CORE.into()),
        ("RLIMIT_CPU", sysgauge::RLIMIT_CPU.into()),
        ("RLIMIT_DATA", sysgauge::RLIMIT_DATA.into()),
        ("RLIMIT_FSIZE", sysgauge::RLIMIT_FSIZE.into()),
        ("RLIMIT_LOCKS", sysgauge::RLIMIT_LOCKS.into()),
        ("RLIMIT_MEMLOCK", sysgauge::RLIMIT_MEMLOCK.into()),
        ("RLIMIT_MSGQUEUE", sysgauge::RLIMIT_MSGQUEUE.into()),
        ("RLIMIT_NICE", sysgauge::RLIMIT_NICE.into()),
        ("RLIMIT_NOFILE", sysgauge::RLIMIT_NOFILE.into()),
        ("RLIMIT_NPROC", sysgauge::RLIMIT_NPROC.into()),
        ("RLIMIT_RSS", sysgauge::RLIMIT_RSS.into()),
        ("RLIMIT_RTPRIO", sysgauge::RLIMIT_RTPRIO.into()),
        ("RLIMIT_RTTIME", sysgauge::RLIMIT_RTTIME.into()),
        ("RLIMIT_SIGPENDING", sysgauge::RLIMIT_SIGPENDING.into()),
        ("RLIMIT_STACK", sysgauge::RLIMIT_STACK.into()),
    ];
    m.add("RLIMITS", rlimits.to_vec())?;
    Ok(())
}
