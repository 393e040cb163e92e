#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    let _ = sysgauge::platform::linux::parse::sock_diag::parse_replies(data, &mut Vec::new());
});
