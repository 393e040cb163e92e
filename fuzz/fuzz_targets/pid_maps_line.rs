#![no_main]
//! pid_maps::MapsLine::parse: on a single non-blank line it agrees with the `maps` iterator,
//! and the parsed fields are slices of the line in order.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_maps::{maps, MapsLine};

fuzz_target!(|data: &[u8]| {
    let r = MapsLine::parse(data);
    if !data.contains(&b'\n') {
        let blank = data
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c));
        let mut it = maps(data);
        if blank {
            assert!(it.next().is_none());
        } else {
            assert_eq!(it.next(), Some(r.clone()));
            assert!(it.next().is_none());
        }
    }
    let Ok(l) = r else { return };
    let base = data.as_ptr() as usize;
    let mut at = 0;
    for f in [l.addr, l.perms, l.offset, l.dev, l.inode, l.pathname] {
        if f.is_empty() {
            continue;
        }
        let off = f.as_ptr() as usize - base;
        assert!(off >= at && off + f.len() <= data.len());
        at = off + f.len();
    }
});
