#![no_main]
//! vmstat::parse / swap_pages: the counters written back read equal, and swap_pages agrees
//! with the pswpin/pswpout pair written back.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::vmstat;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = vmstat::parse(data) {
        let text: String = v.iter().map(|(k, n)| format!("{k} {n}\n")).collect();
        assert_eq!(
            vmstat::parse(text.as_bytes()).expect("rendered vmstat parses"),
            v
        );
    }
    if let Ok(Some((i, o))) = vmstat::swap_pages(data) {
        let text = format!("nr_free_pages 5\npswpin {i}\npgfault 1\npswpout {o}\n");
        assert_eq!(vmstat::swap_pages(text.as_bytes()), Ok(Some((i, o))));
    }
});
