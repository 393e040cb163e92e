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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Free(args) => cmd::free::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sysgauge: {e}");
            ExitCode::FAILURE
        }
    }
}
