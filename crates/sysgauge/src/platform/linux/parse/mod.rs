//! Pure parsers of the kernel's text (and binary) files.
//!
//! Each takes the file's bytes and returns typed values or a
//! [`ParseError`](crate::ParseError); none does I/O, none panics on any input (each has a
//! `cargo fuzz` target in `fuzz/`). Each module's docs quote the proc(5) or sysfs format it
//! reads.

pub mod cpu_list;
pub mod cpuinfo;
pub mod diskstats;
pub mod filesystems;
pub mod hwmon;
pub mod loadavg;
pub mod meminfo;
pub mod mounts;
pub mod net_dev;
pub mod partitions;
pub mod pid_cmdline;
pub mod pid_fdinfo;
pub mod pid_io;
pub mod pid_maps;
pub mod pid_smaps;
pub mod pid_stat;
pub mod pid_statm;
pub mod pid_status;
pub mod power_supply;
pub mod proc_net;
pub mod proc_stat;
pub mod pytext;
pub mod sock_diag;
pub mod socket;
pub mod sysfs;
pub mod utmp;
pub mod vmstat;
pub mod zoneinfo;
