#![no_main]
//! pid_smaps::smaps_totals: whole kB; a mapping appended after a separating line adds
//! exactly its Pss, Swap and Private_* values (values may follow a key across a newline, so
//! the separator keeps the input's last line from reading into the appended text).
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_smaps::smaps_totals;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = smaps_totals(data) else { return };
    assert!(t.uss % 1024 == 0 && t.pss % 1024 == 0 && t.swap % 1024 == 0);
    let mut more = data.to_vec();
    more.extend_from_slice(b"\nx\n7f00-7f01 rw-p 00000000 00:00 0\nRss: 9 kB\nPss: 4 kB\nPrivate_Clean: 2 kB\nPrivate_Dirty: 1 kB\nSwap: 8 kB\nSwapPss: 8 kB\nVmFlags: rd wr\n");
    if let Ok(m) = smaps_totals(&more) {
        assert_eq!(m.uss, t.uss + 3 * 1024);
        assert_eq!(m.pss, t.pss + 4 * 1024);
        assert_eq!(m.swap, t.swap + 8 * 1024);
    }
});
