#![no_main]
//! pid_smaps::smaps: every counter is a whole number of kB, totals() follows the counters,
//! the parsed mappings written back as smaps text parse to the same headers and counters,
//! and the fast smaps_totals over that text equals the sum of the mappings' totals.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_smaps::{smaps, smaps_totals};

#[allow(dead_code)]
#[path = "../common/smaps_render.rs"]
mod render;

fuzz_target!(|data: &[u8]| {
    let entries: Vec<_> = smaps(data).map_while(Result::ok).collect();
    let mut real = Vec::new();
    let mut fixed = Vec::new();
    let (mut uss, mut pss, mut swap) = (0u128, 0u128, 0u128);
    let mut all_plain = true;
    for e in &entries {
        let _ = e.fields().count();
        let _ = e.vm_flags();
        let t = e.totals();
        assert_eq!(t.uss, e.counters.uss());
        assert_eq!(t.pss, e.counters.pss);
        assert_eq!(t.swap, e.counters.swap);
        render::entry(&mut fixed, render::HEADER, &e.counters);
        uss += u128::from(e.counters.private_clean)
            + u128::from(e.counters.private_dirty)
            + u128::from(e.counters.private_hugetlb);
        pss += u128::from(e.counters.pss);
        swap += u128::from(e.counters.swap);
        // A header whose first word ends in ':' only reads as a header first in the file.
        all_plain &= !e.header.addr.ends_with(b":");
        let h = e.header;
        let mut header = [h.addr, h.perms, h.offset, h.dev, h.inode].join(&b' ');
        header.push(b' ');
        header.extend_from_slice(h.pathname);
        render::entry(&mut real, &header, &e.counters);
    }
    let again: Vec<_> = smaps(&fixed)
        .collect::<Result<_, _>>()
        .expect("rendered smaps parse");
    assert_eq!(again.len(), entries.len());
    for (a, e) in again.iter().zip(&entries) {
        assert_eq!(a.counters, e.counters);
    }
    if all_plain {
        let again: Vec<_> = smaps(&real)
            .collect::<Result<_, _>>()
            .expect("rendered smaps parse");
        assert_eq!(again.len(), entries.len());
        for (a, e) in again.iter().zip(&entries) {
            assert_eq!(a.counters, e.counters);
            let (x, y) = (&a.header, &e.header);
            assert_eq!(
                (x.addr, x.perms, x.offset, x.dev, x.inode),
                (y.addr, y.perms, y.offset, y.dev, y.inode)
            );
            assert_eq!(
                a.header.pathname.trim_ascii_end(),
                e.header.pathname.trim_ascii_end()
            );
        }
    }
    let limit = u128::from(u64::MAX) / 1024;
    if uss <= limit && pss <= limit && swap <= limit {
        let t = smaps_totals(&fixed).expect("rendered smaps sum");
        assert_eq!(
            (u128::from(t.uss), u128::from(t.pss), u128::from(t.swap)),
            (uss, pss, swap)
        );
    }
});
