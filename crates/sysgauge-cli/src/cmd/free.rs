//! `sysgauge free`: psutil's free.py.

/// Options of `sysgauge free`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Prints memory and swap usage.
pub fn run(_args: &Args) -> sysgauge::Result<()> {
    Err(sysgauge::Error::unsupported("free: not built yet"))
}
