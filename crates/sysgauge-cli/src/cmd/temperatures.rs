//! `sysgauge temperatures` (being written).

/// Options of `sysgauge temperatures`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sysgauge temperatures`.
pub fn run(_args: &Args) -> sysgauge::Result<()> {
    Err(sysgauge::Error::unsupported(
        "sysgauge temperatures is not written yet",
    ))
}
