#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    for entry in sysgauge::platform::linux::parse::pid_smaps::smaps(data).flatten() {
        let _ = entry.fields().count();
        let _ = entry.totals();
    }
});
