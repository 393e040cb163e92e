#![no_main]
//! proc_stat::cpu_percpu: the per-CPU half of cpu_all; dropping every per-CPU line leaves
//! an empty list with the same total.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::proc_stat::{cpu_all, cpu_percpu};

fuzz_target!(|data: &[u8]| {
    let r = cpu_percpu(data);
    let all = cpu_all(data);
    assert_eq!(r, all.clone().map(|(_, p)| p));
    let Ok((total, _)) = all else { return };
    let mut lines = data.split(|&b| b == b'\n');
    let mut kept = lines.next().unwrap_or_default().to_vec();
    for l in lines.filter(|l| !l.starts_with(b"cpu")) {
        kept.push(b'\n');
        kept.extend_from_slice(l);
    }
    assert_eq!(cpu_all(&kept), Ok((total, Vec::new())));
});
