#![no_main]
//! pid_statm::pid_statm: the seven columns equal a plain std reading of the first line, and
//! written back they parse equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_statm::pid_statm;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = pid_statm(data) else { return };
    let line = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let want: Vec<Option<u64>> = line
        .split(|b| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c))
        .filter(|c| !c.is_empty())
        .take(7)
        .map(|c| std::str::from_utf8(c).ok().and_then(|c| c.parse().ok()))
        .collect();
    let got = [s.size, s.resident, s.shared, s.text, s.lib, s.data, s.dirty];
    assert_eq!(want, got.iter().map(|&v| Some(v)).collect::<Vec<_>>());
    let text = format!(
        "{} {} {} {} {} {} {}\n",
        s.size, s.resident, s.shared, s.text, s.lib, s.data, s.dirty
    );
    assert_eq!(pid_statm(text.as_bytes()), Ok(s));
});
