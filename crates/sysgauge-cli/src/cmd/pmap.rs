//! `sysgauge pmap` (being written).

/// Options of `sysgauge pmap`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `sysgauge pmap`.
pub fn run(_args: &Args) -> sysgauge::Result<()> {
    Err(sysgauge::Error::unsupported(
        "sysgauge pmap is not written yet",
    ))
}
