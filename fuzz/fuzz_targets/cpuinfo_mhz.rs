#![no_main]
//! cpuinfo::mhz: values are finite, one more "cpu MHz" line adds exactly its value, and a
//! canonical rendering of the values parses back to them.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::cpuinfo;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = cpuinfo::mhz(data) else { return };
    assert!(v.iter().all(|x| x.is_finite()));
    let mut more = data.to_vec();
    more.extend_from_slice(b"\ncpu MHz\t\t: 1234.5\n");
    let mut want = v.clone();
    want.push(1234.5);
    assert_eq!(cpuinfo::mhz(&more).expect("one more valid line"), want);
    let text: String = v
        .iter()
        .map(|x| format!("processor\t: 0\ncpu MHz\t\t: {x:?}\n\n"))
        .collect();
    assert_eq!(
        cpuinfo::mhz(text.as_bytes()).expect("canonical text parses"),
        v
    );
});
