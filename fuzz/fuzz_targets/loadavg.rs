#![no_main]
//! loadavg::loadavg: three finite numbers that print and parse back equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::loadavg::loadavg;

fuzz_target!(|data: &[u8]| {
    let Ok((a, b, c)) = loadavg(data) else { return };
    assert!(a.is_finite() && b.is_finite() && c.is_finite());
    assert_eq!(
        loadavg(format!("{a:?} {b:?} {c:?} 1/90 9398\n").as_bytes()),
        Ok((a, b, c))
    );
});
