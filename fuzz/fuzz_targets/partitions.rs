#![no_main]
//! partitions::partitions: names are non-empty single fields, and entries rendered back in
//! /proc/partitions' layout parse to the same entries.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::{partitions::partitions, pytext};

fuzz_target!(|data: &[u8]| {
    let v = partitions(data);
    let mut text = b"major minor  #blocks  name\n\n".to_vec();
    for e in &v {
        assert!(!e.name.is_empty() && pytext::fields(&e.name).count() == 1);
        let n = |x: Option<u64>| x.map_or_else(|| "x".to_string(), |x| x.to_string());
        text.extend_from_slice(format!(" {} {} 1024 ", n(e.major), n(e.minor)).as_bytes());
        text.extend_from_slice(&e.name);
        text.push(b'\n');
    }
    assert_eq!(partitions(&text), v);
});
