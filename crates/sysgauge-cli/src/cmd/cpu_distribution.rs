//! `sysgauge cpu-distribution` (being written).

/// Options of `sysgauge cpu-distribution`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sysgauge cpu-distribution`.
pub fn run(_args: &Args) -> sysgauge::Result<()> {
    Err(sysgauge::Error::unsupported(
        "sysgauge cpu-distribution is not written yet",
    ))
}
