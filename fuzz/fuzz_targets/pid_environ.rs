#![no_main]
//! pid_cmdline::environ: equals a plain reference (NUL-terminated "KEY=value" entries, parsing
//! stops at an empty entry, a repeated key keeps its first position and its last value).
use libfuzzer_sys::fuzz_target;
use std::os::unix::ffi::OsStrExt;
use sysgauge::platform::linux::parse::pid_cmdline::environ;

fuzz_target!(|data: &[u8]| {
    let mut want: Vec<(&[u8], &[u8])> = Vec::new();
    let mut rest = data;
    while let Some(end) = rest.iter().position(|&b| b == 0) {
        if end == 0 {
            break;
        }
        let entry = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(eq) = entry.iter().position(|&b| b == b'=').filter(|&i| i > 0) {
            let (k, v) = (&entry[..eq], &entry[eq + 1..]);
            match want.iter_mut().find(|(k2, _)| *k2 == k) {
                Some(slot) => slot.1 = v,
                None => want.push((k, v)),
            }
        }
    }
    let got = environ(data);
    let got: Vec<(&[u8], &[u8])> = got
        .iter()
        .map(|(k, v)| (k.as_bytes(), v.as_bytes()))
        .collect();
    assert_eq!(got, want);
});
