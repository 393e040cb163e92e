#![no_main]
//! meminfo::parse: values are byte counts (multiples of 1024), `get` returns the last value of
//! a "Name:" key, and the entries rendered back in kB parse to the same entries.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::meminfo;

fuzz_target!(|data: &[u8]| {
    let Ok(m) = meminfo::parse(data) else { return };
    let entries: Vec<(Vec<u8>, i64)> = m.iter().map(|(k, v)| (k.to_vec(), v)).collect();
    assert_eq!(entries.len(), m.len());
    assert_eq!(m.is_empty(), entries.is_empty());
    let mut text = Vec::new();
    for (k, v) in &entries {
        assert!(!k.is_empty());
        assert_eq!(v % 1024, 0);
        text.extend_from_slice(k);
        text.extend_from_slice(format!("   {} kB\n", v / 1024).as_bytes());
        if let Some(name) = k
            .strip_suffix(b":")
            .and_then(|n| std::str::from_utf8(n).ok())
        {
            let last = entries.iter().filter(|(k2, _)| k2 == k).map(|e| e.1).last();
            assert_eq!(m.get(name), last);
        }
    }
    let again = meminfo::parse(&text).expect("canonical text parses");
    assert!(again.iter().eq(m.iter()));
});
