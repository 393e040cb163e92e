#![no_main]
//! diskstats::block_stat: a parsed stat rendered as a sysfs `stat` line parses back equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::diskstats::{block_stat, DiskStat};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = block_stat(data) else { return };
    let DiskStat {
        reads,
        writes,
        read_sectors,
        write_sectors,
        read_time,
        write_time,
        reads_merged,
        writes_merged,
        busy_time,
    } = s;
    let line = format!(
        "{reads} {reads_merged} {read_sectors} {read_time} {writes} {writes_merged} {write_sectors} {write_time} 0 {busy_time} 0 0 0 0 0 0 0\n"
    );
    assert_eq!(block_stat(line.as_bytes()), Ok(s));
});
