#![no_main]
//! pid_smaps::group: rows keyed by psutil's path; keys are unique in order of first
//! appearance and each group's counters are the (saturating) sum of its rows.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_maps::psutil_path;
use sysgauge::platform::linux::parse::pid_smaps::{group, smaps, MapCounters};

#[allow(dead_code)]
#[path = "../common/smaps_render.rs"]
mod render;

fuzz_target!(|data: &[u8]| {
    let rows: Vec<(Vec<u8>, MapCounters)> = smaps(data)
        .map_while(Result::ok)
        .map(|e| (psutil_path(e.header.pathname).into_owned(), e.counters))
        .collect();
    let groups = group(rows.iter().map(|(p, c)| (p.as_slice(), *c)));
    let mut keys: Vec<&[u8]> = Vec::new();
    for (p, _) in &rows {
        if !keys.contains(&p.as_slice()) {
            keys.push(p);
        }
    }
    assert_eq!(
        groups.iter().map(|g| g.0.as_slice()).collect::<Vec<_>>(),
        keys
    );
    for (key, sum) in &groups {
        let got = render::named(sum);
        for (i, (name, v)) in got.iter().enumerate() {
            let total: u128 = rows
                .iter()
                .filter(|r| r.0 == *key)
                .map(|r| u128::from(render::named(&r.1)[i].1))
                .sum();
            assert_eq!(u128::from(*v), total.min(u128::from(u64::MAX)), "{name}");
        }
    }
});
