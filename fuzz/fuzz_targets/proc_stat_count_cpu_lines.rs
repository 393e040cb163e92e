#![no_main]
//! proc_stat::count_cpu_lines: bounded by the number of lines, one more "cpuN" line counts
//! one more, the aggregate "cpu" line counts none.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::proc_stat::count_cpu_lines;

fuzz_target!(|data: &[u8]| {
    let n = count_cpu_lines(data);
    assert!(n <= data.split(|&b| b == b'\n').count());
    let mut more = data.to_vec();
    more.extend_from_slice(b"\ncpu12 1 2 3 4 5 6 7\ncpu  1 2 3 4 5 6 7");
    assert_eq!(count_cpu_lines(&more), n + 1);
});
