#![no_main]
//! power_supply::capacity: a value prints and reads back equal, also with a newline.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::power_supply::capacity;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = capacity(data) else { return };
    assert_eq!(capacity(format!("{v}\n").as_bytes()), Ok(v));
});
