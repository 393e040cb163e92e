#![no_main]
//! pid_smaps::rollup_totals: whole kB, uss is the sum of the Private_* lines, Pss/Swap the last
//! of theirs; unrelated lines appended change nothing and the totals read back equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_smaps::rollup_totals;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = rollup_totals(data) else { return };
    assert!(t.uss % 1024 == 0 && t.pss % 1024 == 0 && t.swap % 1024 == 0);
    let mut more = data.to_vec();
    more.extend_from_slice(b"\nRss:   12 kB\nSwapPss: 3 kB\nPss_Anon: 5 kB\n");
    assert_eq!(rollup_totals(&more), Ok(t));
    let text = format!(
        "00400000-ffffffffff601000 ---p 00000000 00:00 0 [rollup]\nPss: {} kB\nPrivate_Clean: {} kB\nSwap: {} kB\n",
        t.pss / 1024, t.uss / 1024, t.swap / 1024
    );
    assert_eq!(rollup_totals(text.as_bytes()), Ok(t));
});
