#![no_main]
//! mounts::unescape: undoes the kernel's octal escaping (unescape(escape(x)) == x) and never
//! lengthens its input.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::mounts::unescape;

fn escape(x: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in x {
        match b {
            b' ' => out.extend_from_slice(b"\\040"),
            b'\t' => out.extend_from_slice(b"\\011"),
            b'\n' => out.extend_from_slice(b"\\012"),
            b'\\' => out.extend_from_slice(b"\\134"),
            _ => out.push(b),
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    assert!(unescape(data).len() <= data.len());
    assert_eq!(unescape(&escape(data)), data);
});
