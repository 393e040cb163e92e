//! The README's example: processes, memory, CPU and disks in a few lines.
//! `cargo run --example overview`

use sysgauge::{process_iter, Attr, AttrValue};

fn main() -> sysgauge::Result<()> {
    // psutil's process_iter(attrs): each process read in one oneshot, the getters then
    // answer from what was fetched.
    for p in process_iter(
        &[Attr::Name, Attr::Username, Attr::MemoryInfo],
        AttrValue::None,
    )? {
        if let (Ok(name), Ok(mem)) = (p.name(), p.memory_info()) {
            println!("{:>7} {:<16} {}", p.pid(), name.to_string_lossy(), mem.rss);
        }
    }
    let mem = sysgauge::virtual_memory()?;
    println!(
        "{} of {} available ({}% used)",
        sysgauge::bytes2human(mem.available),
        sysgauge::bytes2human(mem.total),
        mem.percent
    );
    let mut cpu = sysgauge::CpuSampler::new()?; // psutil's cpu_percent state, explicit
    std::thread::sleep(std::time::Duration::from_millis(100));
    println!("cpu {:.1}%", cpu.percent()?);
    for p in sysgauge::disk_partitions(false)? {
        let u = sysgauge::disk_usage(&p.mountpoint)?;
        println!("{} {}%", p.mountpoint.display(), u.percent);
    }
    Ok(())
}
