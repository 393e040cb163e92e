#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    if let Ok(list) = sysgauge::platform::linux::parse::cpu_list::parse(data) {
        let _ = list.count();
        let _ = list.contains(7);
    }
});
