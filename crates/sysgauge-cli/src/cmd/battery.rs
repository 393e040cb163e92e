//! `sysgauge battery` (being written).

/// Options of `sysgauge battery`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sysgauge battery`.
pub fn run(_args: &Args) -> sysgauge::Result<()> {
    Err(sysgauge::Error::unsupported(
        "sysgauge battery is not written yet",
    ))
}
