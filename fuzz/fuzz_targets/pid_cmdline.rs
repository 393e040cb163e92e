#![no_main]
//! pid_cmdline::cmdline: the arguments joined by the separator the parser chose give back the
//! input without its one trailing separator.
use libfuzzer_sys::fuzz_target;
use std::os::unix::ffi::OsStrExt;
use sysgauge::platform::linux::parse::pid_cmdline::cmdline;

fuzz_target!(|data: &[u8]| {
    let args = cmdline(data);
    if data.is_empty() {
        assert!(args.is_empty());
        return;
    }
    let body = match data.last() {
        Some(0) => &data[..data.len() - 1],
        _ => data.strip_suffix(b" ").unwrap_or(data),
    };
    let parts: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    assert!(
        parts.join(&0u8) == body || parts.join(&b' ') == body,
        "{args:?}"
    );
});
