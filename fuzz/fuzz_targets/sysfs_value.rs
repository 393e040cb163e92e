#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    let _ = sysgauge::platform::linux::parse::sysfs::u64_value(data);
    let _ = sysgauge::platform::linux::parse::sysfs::i64_value(data);
});
