#![no_main]
//! cpu_list::parse: ranges are ordered pairs, a canonical rendering parses back to the same
//! ranges, and `count`/`contains` agree with the set of listed CPUs (when it is small).
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use sysgauge::platform::linux::parse::cpu_list;

fuzz_target!(|data: &[u8]| {
    let Ok(list) = cpu_list::parse(data) else {
        return;
    };
    let mut span: u64 = 0;
    for r in &list.ranges {
        assert!(r.start() <= r.end());
        span += u64::from(*r.end() - *r.start()) + 1;
    }
    let text: Vec<String> = list
        .ranges
        .iter()
        .map(|r| {
            if r.start() == r.end() {
                r.start().to_string()
            } else {
                format!("{}-{}", r.start(), r.end())
            }
        })
        .collect();
    let again =
        cpu_list::parse(format!("{}\n", text.join(",")).as_bytes()).expect("canonical list parses");
    assert_eq!(again.ranges, list.ranges);
    let count = list.count();
    if let Some(c) = count {
        assert!(c as u64 <= span);
    }
    if span <= 4096 {
        let set: BTreeSet<u32> = list.ranges.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(count, Some(set.len()));
        for r in &list.ranges {
            for cpu in [
                r.start().wrapping_sub(1),
                *r.start(),
                *r.end(),
                r.end().wrapping_add(1),
            ] {
                assert_eq!(list.contains(cpu), set.contains(&cpu), "cpu {cpu}");
            }
        }
    }
});
