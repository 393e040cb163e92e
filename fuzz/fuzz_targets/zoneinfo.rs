#![no_main]
//! zoneinfo::low_watermark_pages: one more zone's "low" line adds exactly its value, and
//! the sum written back as one zone reads equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::zoneinfo::low_watermark_pages;

fuzz_target!(|data: &[u8]| {
    let Ok(sum) = low_watermark_pages(data) else {
        return;
    };
    let mut more = data.to_vec();
    more.extend_from_slice(b"\nNode 0, zone   Normal\n  pages free     3\n        min      4\n        low      5\n        high     6\n");
    match sum.checked_add(5) {
        Some(s) => assert_eq!(low_watermark_pages(&more), Ok(s)),
        None => assert!(low_watermark_pages(&more).is_err()),
    }
    if i64::try_from(sum).is_ok() {
        let one = format!("Node 0, zone      DMA\n        low      {sum}\n");
        assert_eq!(low_watermark_pages(one.as_bytes()), Ok(sum));
    }
});
