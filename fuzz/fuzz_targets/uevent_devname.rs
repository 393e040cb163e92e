#![no_main]
//! partitions::uevent_devname: a found name is non-empty, occurs in the input, holds no
//! further "DEVNAME=", and reads back from a one-line uevent.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::partitions::uevent_devname;

fuzz_target!(|data: &[u8]| {
    let Some(n) = uevent_devname(data) else {
        return;
    };
    assert!(!n.is_empty());
    assert!(data.windows(n.len()).any(|w| w == n));
    assert!(!n.windows(8).any(|w| w == b"DEVNAME="));
    assert!(!n.contains(&b'\n') && !n.contains(&b'\r'));
    let mut one = b"MAJOR=8\nDEVNAME=".to_vec();
    one.extend_from_slice(&n);
    one.push(b'\n');
    assert_eq!(uevent_devname(&one), Some(n));
});
