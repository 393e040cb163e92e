#![no_main]
//! hwmon::text: the result has no surrounding whitespace, no carriage return, and is a fixed
//! point (text(text(x)) == text(x)).
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::hwmon;

fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fuzz_target!(|data: &[u8]| {
    let t = hwmon::text(data);
    assert!(!t.contains('\r'));
    assert!(!t.starts_with(py_space) && !t.ends_with(py_space));
    assert_eq!(hwmon::text(t.as_bytes()), t);
});
