#![no_main]
//! hwmon::strip: returns the middle of its input without surrounding ASCII whitespace, and is
//! idempotent.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::hwmon;

fn space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fuzz_target!(|data: &[u8]| {
    let s = hwmon::strip(data);
    let start = data.iter().position(|&b| !space(b)).unwrap_or(data.len());
    let end = data
        .iter()
        .rposition(|&b| !space(b))
        .map_or(start, |i| i + 1);
    assert_eq!(s, &data[start..end]);
    assert_eq!(hwmon::strip(s), s);
});
