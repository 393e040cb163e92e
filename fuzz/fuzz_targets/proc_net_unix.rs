#![no_main]
use libfuzzer_sys::fuzz_target;
fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    if sysgauge::platform::linux::parse::proc_net::parse_unix(data, &mut out).is_err() {
        assert!(out.is_empty(), "an error leaves out as it was");
    }
});
