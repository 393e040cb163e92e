#![no_main]
//! proc_stat::cpu_all: one per-CPU entry per later line starting with "cpu", every entry with
//! the total's column count, cpu_percpu is its second half, and written back it reads equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::proc_stat::{cpu_all, cpu_percpu};

#[path = "../common/cpu_ticks.rs"]
mod ticks;

fuzz_target!(|data: &[u8]| {
    let r = cpu_all(data);
    assert_eq!(cpu_percpu(data), r.clone().map(|(_, p)| p));
    let Ok((total, percpu)) = r else { return };
    let later = data
        .split(|&b| b == b'\n')
        .skip(1)
        .filter(|l| l.starts_with(b"cpu"))
        .count();
    assert_eq!(percpu.len(), later);
    let n = ticks::columns(&total);
    let mut text = ticks::line("cpu ", &total);
    for (i, p) in percpu.iter().enumerate() {
        assert_eq!(ticks::columns(p), n);
        text.push_str(&ticks::line(&format!("cpu{i}"), p));
    }
    text.push_str("intr 5\nctxt 9\n");
    assert_eq!(cpu_all(text.as_bytes()), Ok((total, percpu)));
});
