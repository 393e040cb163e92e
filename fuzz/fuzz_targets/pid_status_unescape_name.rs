#![no_main]
//! pid_status::unescape_name: undoes the kernel's escaping of Name: (unescape(escape(x)) == x)
//! and never lengthens its input.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_status::unescape_name;

fuzz_target!(|data: &[u8]| {
    assert!(unescape_name(data).len() <= data.len());
    let mut esc = Vec::new();
    for &b in data {
        match b {
            b'\\' => esc.extend_from_slice(b"\\\\"),
            b'\n' => esc.extend_from_slice(b"\\n"),
            _ => esc.push(b),
        }
    }
    assert_eq!(&*unescape_name(&esc), data);
});
