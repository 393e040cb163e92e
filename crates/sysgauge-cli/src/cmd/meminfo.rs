//! `sysgauge meminfo` (being written).

/// Options of `sysgauge meminfo`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sysgauge meminfo`.
pub fn run(_args: &Args) -> sysgauge::Result<()> {
    Err(sysgauge::Error::unsupported(
        "sysgauge meminfo is not written yet",
    ))
}
