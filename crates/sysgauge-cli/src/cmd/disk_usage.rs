//! `sysgauge disk-usage` (being written).

/// Options of `sysgauge disk-usage`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sysgauge disk-usage`.
pub fn run(_args: &Args) -> sysgauge::Result<()> {
    Err(sysgauge::Error::unsupported(
        "sysgauge disk-usage is not written yet",
    ))
}
