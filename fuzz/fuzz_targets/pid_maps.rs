#![no_main]
//! pid_maps::maps: at most one item per line; for each line, size = end - start, is_deleted
//! agrees with psutil_path, and the fields written back as a line parse equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_maps::{maps, psutil_path, MapsLine, DELETED_SUFFIX};

fuzz_target!(|data: &[u8]| {
    let mut n = 0;
    for item in maps(data) {
        n += 1;
        let Ok(l) = item else { continue };
        if let (Some(s), Some(e)) = (l.start(), l.end()) {
            assert_eq!(l.size(), e.checked_sub(s));
        } else {
            assert_eq!(l.size(), None);
        }
        assert_eq!(
            l.is_deleted(),
            psutil_path(l.pathname).ends_with(DELETED_SUFFIX)
        );
        let mut line = Vec::new();
        for f in [l.addr, l.perms, l.offset, l.dev, l.inode] {
            assert!(!f.is_empty());
            line.extend_from_slice(f);
            line.push(b' ');
        }
        line.extend_from_slice(l.pathname);
        assert_eq!(MapsLine::parse(&line).expect("rendered line parses"), l);
    }
    assert!(n <= data.split(|&b| b == b'\n').count());
});
