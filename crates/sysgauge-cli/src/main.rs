//! `sysgauge`: psutil's example scripts as subcommands, each with `--json`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// psutil's example scripts, rebuilt on the sysgauge library.
#[derive(Parser)]
#[command(name = "sysgauge", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Memory and swap usage, like psutil's free.py and `free`.
    Free(cmd::free::Args),
    /// Every process, like psutil's ps.py and `ps aux`.
    Ps(cmd::ps::Args),
    /// The process tree, like psutil's pstree.py.
    Pstree(cmd::pstree::Args),
    /// Everything about one process, like psutil's procinfo.py.
    Procinfo(cmd::procinfo::Args),
    /// USS, PSS, swap and RSS of every process, like psutil's procsmem.py and `smem`.
    Procsmem(cmd::procsmem::Args),
    /// Sockets and their processes, like psutil's netstat.py and `netstat -antp`.
    Netstat(cmd::netstat::Args),
    /// Network interfaces: status, traffic, addresses, like psutil's ifconfig.py.
    Ifconfig(cmd::ifconfig::Args),
    /// A live process viewer with CPU, memory and swap bars, like psutil's top.py and htop.
    Top(cmd::top::Args),
    /// Virtual memory and swap, every field, like psutil's meminfo.py.
    Meminfo(cmd::meminfo::Args),
    /// The memory maps of one process, like psutil's pmap.py and `pmap`.
    Pmap(cmd::pmap::Args),
    /// A live view of per-process disk I/O, like psutil's iotop.py.
    Iotop(cmd::iotop::Args),
    /// A live view of per-NIC traffic, like psutil's nettop.py.
    Nettop(cmd::nettop::Args),
    /// Mounted filesystems and their usage, like psutil's disk_usage.py and `df -h`.
    #[command(alias = "df")]
    DiskUsage(cmd::disk_usage::Args),
    /// Temperatures, fans and battery, like psutil's sensors.py.
    Sensors(cmd::sensors::Args),
    /// Hardware temperatures, like psutil's temperatures.py.
    Temperatures(cmd::temperatures::Args),
    /// Fan speeds, like psutil's fans.py.
    Fans(cmd::fans::Args),
    /// Battery status, like psutil's battery.py.
    Battery(cmd::battery::Args),
    /// Users logged in, like psutil's who.py and `who`.
    Who(cmd::who::Args),
    /// Pids of the processes with a name, like psutil's pidof.py and `pidof`.
    Pidof(cmd::pidof::Args),
    /// Kill the processes with a name, like psutil's killall.py and `killall`.
    Killall(cmd::killall::Args),
    /// Which CPU each process runs on, live, like psutil's cpu_distribution.py.
    CpuDistribution(cmd::cpu_distribution::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Free(args) => cmd::free::run(&args),
        Command::Ps(args) => cmd::ps::run(&args),
        Command::Pstree(args) => cmd::pstree::run(&args),
        Command::Procinfo(args) => cmd::procinfo::run(&args),
        Command::Procsmem(args) => cmd::procsmem::run(&args),
        Command::Netstat(args) => cmd::netstat::run(&args),
        Command::Ifconfig(args) => cmd::ifconfig::run(&args),
        Command::Top(args) => cmd::top::run(&args),
        Command::Meminfo(args) => cmd::meminfo::run(&args),
        Command::Pmap(args) => cmd::pmap::run(&args),
        Command::Iotop(args) => cmd::iotop::run(&args),
        Command::Nettop(args) => cmd::nettop::run(&args),
        Command::DiskUsage(args) => cmd::disk_usage::run(&args),
        Command::Sensors(args) => cmd::sensors::run(&args),
        Command::Temperatures(args) => cmd::temperatures::run(&args),
        Command::Fans(args) => cmd::fans::run(&args),
        Command::Battery(args) => cmd::battery::run(&args),
        Command::Who(args) => cmd::who::run(&args),
        Command::Pidof(args) => cmd::pidof::run(&args),
        Command::Killall(args) => cmd::killall::run(&args),
        Command::CpuDistribution(args) => cmd::cpu_distribution::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sysgauge: {e}");
            ExitCode::FAILURE
        }
    }
}
