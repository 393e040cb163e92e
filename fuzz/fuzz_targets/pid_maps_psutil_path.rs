#![no_main]
//! pid_maps::psutil_path / strip_deleted: an empty path is "[anon]", a non-empty one is a
//! stripped slice of the input and stripping again changes nothing; strip_deleted only
//! removes the " (deleted)" suffix.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::pid_maps::{
    psutil_path, strip_deleted, ANON_PATH, DELETED_SUFFIX,
};

fuzz_target!(|data: &[u8]| {
    let p = psutil_path(data);
    if data.is_empty() {
        assert_eq!(&*p, ANON_PATH);
        return;
    }
    assert!(p.is_empty() || data.windows(p.len()).any(|w| w == &*p));
    assert!(p.len() <= data.len());
    if !p.is_empty() {
        assert_eq!(psutil_path(&p), p);
    }
    // ASCII whitespace never survives at either end.
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f);
    assert!(!p.first().is_some_and(ws) && !p.last().is_some_and(ws));
    match strip_deleted(&p) {
        Some(s) => assert_eq!([s, DELETED_SUFFIX].concat(), &*p),
        None => assert!(!p.ends_with(DELETED_SUFFIX)),
    }
});
