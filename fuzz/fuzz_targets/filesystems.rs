#![no_main]
//! filesystems::physical_fstypes: every line that does not start with "nodev" is in the set
//! stripped, and the set holds nothing else but "zfs".
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use sysgauge::platform::linux::parse::{filesystems, pytext};

fuzz_target!(|data: &[u8]| {
    let set = filesystems::physical_fstypes(data);
    let mut want = BTreeSet::new();
    for line in pytext::lines(data) {
        let s = pytext::strip(line);
        if !s.starts_with(b"nodev") {
            want.insert(s.to_vec());
        }
    }
    for t in &set {
        assert_eq!(pytext::strip(t), &t[..]);
        assert!(!t.contains(&b'\n') && !t.contains(&b'\r'));
        assert!(want.contains(t) || t == b"zfs", "{t:?}");
    }
    assert!(want.iter().all(|t| set.contains(t)));
});
