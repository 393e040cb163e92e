//! Shared by the /proc/stat cpu targets: checks and renders CpuTicks.
use sysgauge::platform::linux::parse::proc_stat::CpuTicks;

/// The number of columns the ticks came from (7 to 10); the optional columns are filled in
/// order.
pub fn columns(t: &CpuTicks) -> usize {
    match (t.steal, t.guest, t.guest_nice) {
        (None, None, None) => 7,
        (Some(_), None, None) => 8,
        (Some(_), Some(_), None) => 9,
        (Some(_), Some(_), Some(_)) => 10,
        other => panic!("optional columns out of order: {other:?}"),
    }
}

/// `label` and the ticks as a /proc/stat line.
pub fn line(label: &str, t: &CpuTicks) -> String {
    let mut s = format!(
        "{label} {} {} {} {} {} {} {}",
        t.user, t.nice, t.system, t.idle, t.iowait, t.irq, t.softirq
    );
    for v in [t.steal, t.guest, t.guest_nice].into_iter().flatten() {
        s.push_str(&format!(" {v}"));
    }
    s.push('\n');
    s
}
