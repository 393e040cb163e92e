//! `sysgauge killall` (being written).

/// Options of `sysgauge killall`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sysgauge killall`.
pub fn run(_args: &Args) -> sysgauge::Result<()> {
    Err(sysgauge::Error::unsupported(
        "sysgauge killall is not written yet",
    ))
}
