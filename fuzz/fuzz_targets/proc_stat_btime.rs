#![no_main]
//! proc_stat::btime: unaffected by other lines before it, and written back reads equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::proc_stat::btime;

fuzz_target!(|data: &[u8]| {
    let r = btime(data);
    let mut more = b"cpu  1 2 3 4 5 6 7\nctxt 5\n".to_vec();
    more.extend_from_slice(data);
    assert_eq!(btime(&more), r);
    if let Ok(v) = r {
        assert_eq!(btime(format!("intr 1\nbtime {v}\n").as_bytes()), Ok(v));
    }
});
