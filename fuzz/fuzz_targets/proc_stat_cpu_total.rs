#![no_main]
//! proc_stat::cpu_total: optional columns are filled in order, cpu_all agrees on the total,
//! and the ticks written back read equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::proc_stat::{cpu_all, cpu_total};

#[path = "../common/cpu_ticks.rs"]
mod ticks;

fuzz_target!(|data: &[u8]| {
    let r = cpu_total(data);
    if let Ok((t, _)) = cpu_all(data) {
        assert_eq!(Ok(t), r);
    }
    let Ok(t) = r else { return };
    ticks::columns(&t);
    assert_eq!(cpu_total(ticks::line("cpu ", &t).as_bytes()), Ok(t));
});
