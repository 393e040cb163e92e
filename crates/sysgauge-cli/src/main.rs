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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sysgauge: {e}");
            ExitCode::FAILURE
        }
    }
}
