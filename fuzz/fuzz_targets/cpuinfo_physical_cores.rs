#![no_main]
//! cpuinfo::physical_cores: a count is at least 1, text without the two keys gives None,
//! and closing the last block with blank lines cannot turn a success into an error.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::cpuinfo;

fn has_key(data: &[u8]) -> bool {
    let lower = data.to_ascii_lowercase();
    [&b"physical id"[..], b"cpu cores"]
        .iter()
        .any(|k| lower.windows(k.len()).any(|w| w == *k))
}

fuzz_target!(|data: &[u8]| {
    let r = cpuinfo::physical_cores(data);
    if !has_key(data) {
        assert_eq!(r, Ok(None));
    }
    if let Ok(n) = r {
        assert!(n.is_none_or(|n| n >= 1));
        let mut closed = data.to_vec();
        closed.extend_from_slice(b"\n\n");
        assert!(cpuinfo::physical_cores(&closed).is_ok());
    }
});
