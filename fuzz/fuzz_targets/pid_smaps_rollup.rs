#![no_main]
//! pid_smaps::rollup: the first mapping of `smaps`, and rollup_totals over its counters
//! written back agrees with its totals().
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_smaps::{rollup, rollup_totals, smaps};

#[allow(dead_code)]
#[path = "../common/smaps_render.rs"]
mod render;

fuzz_target!(|data: &[u8]| {
    let r = rollup(data);
    match smaps(data).next() {
        Some(first) => assert_eq!(first, r),
        None => assert!(r.is_err()),
    }
    let Ok(e) = r else { return };
    let mut text = Vec::new();
    render::entry(
        &mut text,
        b"00400000-ffffffffff601000 ---p 00000000 00:00 0 [rollup]",
        &e.counters,
    );
    let c = &e.counters;
    let uss =
        u128::from(c.private_clean) + u128::from(c.private_dirty) + u128::from(c.private_hugetlb);
    if uss <= u128::from(u64::MAX) {
        assert_eq!(rollup_totals(&text), Ok(e.totals()));
    }
});
