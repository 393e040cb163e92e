#![no_main]
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::proc_net::parse_inet;

// AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM (Linux values; the fuzz crate has no libc).
const FAMILIES: [u8; 2] = [2, 10];
const TYPES: [u8; 2] = [1, 2];

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    for family in FAMILIES {
        for sock_type in TYPES {
            let before = out.len();
            if parse_inet(data, family, sock_type, &mut out).is_err() {
                assert_eq!(out.len(), before, "an error leaves out as it was");
            }
        }
    }
});
