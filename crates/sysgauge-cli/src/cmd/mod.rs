//! One module per subcommand; each has `Args` (clap) and `run`.

pub mod battery;
pub mod cpu_distribution;
pub mod disk_usage;
pub mod fans;
pub mod free;
pub mod ifconfig;
pub mod iotop;
pub mod killall;
pub mod live;
pub mod meminfo;
pub mod netstat;
pub mod nettop;
pub mod pidof;
pub mod pmap;
pub mod procinfo;
pub mod procsmem;
pub mod ps;
pub mod pstree;
pub mod sensors;
pub mod temperatures;
pub mod top;
pub mod who;

use std::fmt::Display;
use std::io::Write;

use serde::Serialize;

/// Prints `message` as the one error line (`sysgauge: <message>`) on stderr and exits with
/// status 1: what psutil's scripts do with `sys.exit(message)`.
pub fn fail(message: &str) -> ! {
    eprintln!("sysgauge: {message}");
    std::process::exit(1)
}

/// Prints `value` as pretty JSON on stdout (`--json`); a value serde cannot write is an
/// [`sysgauge::Error::InvalidArgument`].
pub fn print_json<T: Serialize>(value: &T) -> sysgauge::Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| sysgauge::Error::InvalidArgument(format!("JSON: {e}")))?;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(())
}

/// Prints `lines` on stdout, one a line. A closed pipe (`sysgauge ps | head`) ends the
/// output quietly: that is not an error worth reporting.
pub fn print_lines<I>(lines: I) -> sysgauge::Result<()>
where
    I: IntoIterator,
    I::Item: Display,
{
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for l in lines {
        if writeln!(out, "{l}").is_err() {
            return Ok(());
        }
    }
    let _ = out.flush();
    Ok(())
}
