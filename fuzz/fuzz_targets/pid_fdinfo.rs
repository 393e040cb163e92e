#![no_main]
//! pid_fdinfo::fdinfo: flags are non-negative, `mode` knows every access mode but 3, and the
//! fields rendered back as an fdinfo file parse equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_fdinfo::{fdinfo, mode};

fuzz_target!(|data: &[u8]| {
    let Ok(i) = fdinfo(data) else { return };
    assert!(i.flags >= 0);
    assert_eq!(mode(i.flags).is_some(), i.flags & 3 != 3);
    let mut text = format!("pos:\t{}\nflags:\t0{:o}\n", i.pos, i.flags);
    if let Some(m) = i.mnt_id {
        text.push_str(&format!("mnt_id:\t{m}\n"));
    }
    if let Some(n) = i.ino {
        text.push_str(&format!("ino:\t{n}\n"));
    }
    assert_eq!(fdinfo(text.as_bytes()), Ok(i));
});
