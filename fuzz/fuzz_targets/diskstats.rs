#![no_main]
//! diskstats::diskstats: one entry per line, and the entries rendered in the kernel's
//! 14-column layout parse back equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::{diskstats, pytext};

fuzz_target!(|data: &[u8]| {
    let Ok(v) = diskstats::diskstats(data) else {
        return;
    };
    assert_eq!(v.len(), pytext::lines(data).count());
    let mut text = String::new();
    for (name, s) in &v {
        assert!(!name.is_empty());
        text.push_str(&format!(
            "   8       0 {name} {} {} {} {} {} {} {} {} 0 {} 0\n",
            s.reads,
            s.reads_merged,
            s.read_sectors,
            s.read_time,
            s.writes,
            s.writes_merged,
            s.write_sectors,
            s.write_time,
            s.busy_time
        ));
    }
    assert_eq!(
        diskstats::diskstats(text.as_bytes()).expect("canonical text parses"),
        v
    );
});
