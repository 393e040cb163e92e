#![no_main]
//! proc_stat::counters: the counters written back as /proc/stat lines read equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::proc_stat::counters;

fuzz_target!(|data: &[u8]| {
    let Ok(c) = counters(data) else { return };
    let mut t = String::from("cpu  1 2 3 4 5 6 7\n");
    if let Some(v) = c.intr {
        t.push_str(&format!("intr {v} 0 9 0 0\n"))
    }
    if let Some(v) = c.ctxt {
        t.push_str(&format!("ctxt {v}\n"))
    }
    t.push_str("btime 1700000000\n");
    if let Some(v) = c.softirq {
        t.push_str(&format!("softirq {v} 0 1 2\n"))
    }
    assert_eq!(counters(t.as_bytes()), Ok(c));
});
