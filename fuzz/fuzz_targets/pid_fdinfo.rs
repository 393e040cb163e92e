#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    if let Ok(i) = sysgauge::platform::linux::parse::pid_fdinfo::fdinfo(data) {
        let _ = sysgauge::platform::linux::parse::pid_fdinfo::mode(i.flags);
    }
});
