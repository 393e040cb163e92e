//! The README's example: memory, CPU and disks in a few lines. `cargo run --example overview`

fn main() -> sysgauge::Result<()> {
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
