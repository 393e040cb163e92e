#![no_main]
//! cpuinfo::processor_count: bounded by the number of lines and grows by exactly one per
//! appended "processor" line.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::cpuinfo;

fuzz_target!(|data: &[u8]| {
    let n = cpuinfo::processor_count(data);
    assert!(n <= data.split(|&b| b == b'\n').count());
    let mut more = data.to_vec();
    more.extend_from_slice(b"\nProcessor\t: 7\n");
    assert_eq!(cpuinfo::processor_count(&more), n + 1);
});
