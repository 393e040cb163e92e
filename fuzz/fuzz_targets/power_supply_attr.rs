#![no_main]
//! power_supply::attr: an integer exactly when py_int reads one, else the stripped text.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::hwmon::{py_int, strip};
use sysgauge::platform::linux::parse::power_supply::{attr, Attr};

fuzz_target!(|data: &[u8]| {
    match (attr(data), py_int(data)) {
        (Attr::Int(v), Ok(w)) => assert_eq!(v, w),
        (Attr::Other(s), Err(_)) => assert_eq!(s, strip(data)),
        (a, b) => panic!("attr {a:?} but py_int {b:?}"),
    }
});
