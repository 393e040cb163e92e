#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    let p = sysgauge::platform::linux::parse::pid_maps::psutil_path(data);
    let _ = sysgauge::platform::linux::parse::pid_maps::strip_deleted(&p);
});
