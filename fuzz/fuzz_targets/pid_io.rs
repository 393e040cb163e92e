#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    let _ = sysgauge::platform::linux::parse::pid_io::pid_io(data);
});
