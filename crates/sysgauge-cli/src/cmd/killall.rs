//! `sysgauge killall`: psutil's killall.py: kills every process called NAME.
//!
//! ```text
//! $ sysgauge killall firefox
//! $ sysgauge killall nosuchthing
//! sysgauge: nosuchthing: no process found
//! ```
//!
//! Every process whose `name()` is exactly NAME, except sysgauge's own, gets the signal:
//! `SIGKILL` by default (killall.py calls `kill()`), or the one given with `-s/--signal`
//! (`TERM`, `SIGTERM`, `term` or a number). Nothing is printed on success (exit status
//! 0). When no process matched, `sysgauge: NAME: no process found` on stderr and exit
//! status 1, as killall.py. A process that exits meanwhile is skipped; one the kernel
//! refuses to signal (another user's) gets an error line on stderr, the others are still
//! signalled, and the exit status is 1 (killall.py would stop with a traceback).
//!
//! With `--json`, the list of the pids signalled.

use std::ffi::OsString;

use sysgauge::{Attr, AttrValue, Error};

/// Options of `sysgauge killall`.
#[derive(clap::Args)]
pub struct Args {
    /// The name of the processes to kill.
    #[arg(value_name = "NAME")]
    pub name: OsString,
    /// The signal to send: a name (KILL, SIGTERM, hup...) or a number.
    #[arg(short, long, value_name = "SIGNAL", default_value = "KILL")]
    pub signal: String,
    /// Print the signalled pids as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The signals whose numbers are the same on every Linux architecture.
const COMMON_SIGNALS: &[(&str, i32)] = &[
    ("HUP", 1),
    ("INT", 2),
    ("QUIT", 3),
    ("ILL", 4),
    ("TRAP", 5),
    ("ABRT", 6),
    ("IOT", 6),
    ("FPE", 8),
    ("KILL", 9),
    ("SEGV", 11),
    ("PIPE", 13),
    ("ALRM", 14),
    ("TERM", 15),
];

/// The other signals, numbered as on x86, ARM, RISC-V, PowerPC, s390 and LoongArch
/// (MIPS and SPARC number them differently: there only numbers and the common names are
/// accepted).
#[cfg(not(any(
    target_arch = "mips",
    target_arch = "mips64",
    target_arch = "sparc",
    target_arch = "sparc64"
)))]
const OTHER_SIGNALS: &[(&str, i32)] = &[
    ("BUS", 7),
    ("USR1", 10),
    ("USR2", 12),
    ("STKFLT", 16),
    ("CHLD", 17),
    ("CONT", 18),
    ("STOP", 19),
    ("TSTP", 20),
    ("TTIN", 21),
    ("TTOU", 22),
    ("URG", 23),
    ("XCPU", 24),
    ("XFSZ", 25),
    ("VTALRM", 26),
    ("PROF", 27),
    ("WINCH", 28),
    ("IO", 29),
    ("POLL", 29),
    ("PWR", 30),
    ("SYS", 31),
];
#[cfg(any(
    target_arch = "mips",
    target_arch = "mips64",
    target_arch = "sparc",
    target_arch = "sparc64"
))]
const OTHER_SIGNALS: &[(&str, i32)] = &[];

/// The number of signal `spec`: a number, or a name with or without `SIG`, any case.
pub fn parse_signal(spec: &str) -> sysgauge::Result<i32> {
    if let Ok(n) = spec.parse::<i32>() {
        return Ok(n);
    }
    let upper = spec.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    COMMON_SIGNALS
        .iter()
        .chain(OTHER_SIGNALS)
        .find(|(n, _)| *n == bare)
        .map(|(_, num)| *num)
        .ok_or_else(|| {
            let names: Vec<&str> = COMMON_SIGNALS
                .iter()
                .chain(OTHER_SIGNALS)
                .map(|(n, _)| *n)
                .collect();
            Error::InvalidArgument(format!(
                "unknown signal {spec:?}; use a number or one of {}",
                names.join(", ")
            ))
        })
}

/// Sends `sig` to every process called `name` but this one. Returns the pids signalled
/// and the error line of each process that could not be.
pub fn killall(name: &OsString, sig: i32) -> sysgauge::Result<(Vec<i32>, Vec<String>)> {
    let me = i32::try_from(std::process::id()).unwrap_or(-1);
    let mut killed = Vec::new();
    let mut failed = Vec::new();
    for p in sysgauge::process_iter(&[Attr::Name], AttrValue::None)? {
        if p.pid() == me || p.name().ok().as_ref() != Some(name) {
            continue;
        }
        match p.send_signal(sig) {
            Ok(()) => killed.push(p.pid()),
            Err(Error::NoSuchProcess { .. }) => {}
            // A bad signal number is the same for every process: stop at the first.
            Err(e @ Error::InvalidArgument(_)) => return Err(e),
            Err(e) => failed.push(format!(
                "cannot signal {} (pid {}): {e}",
                super::ps::lossy(name),
                p.pid()
            )),
        }
    }
    Ok((killed, failed))
}

/// Kills the processes called `args.name`; killall.py's message and exit status when
/// there is none.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let sig = parse_signal(&args.signal)?;
    let (killed, failed) = killall(&args.name, sig)?;
    for f in &failed {
        eprintln!("sysgauge: {f}");
    }
    if killed.is_empty() && failed.is_empty() {
        super::fail(&format!(
            "{}: no process found",
            super::ps::lossy(&args.name)
        ));
    }
    if args.json {
        super::print_json(&killed)?;
    }
    if !failed.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals() {
        assert_eq!(parse_signal("KILL").unwrap(), 9);
        assert_eq!(parse_signal("SIGTERM").unwrap(), 15);
        assert_eq!(parse_signal("term").unwrap(), 15);
        assert_eq!(parse_signal("10").unwrap(), 10);
        assert_eq!(parse_signal("sigusr1").unwrap(), 10);
        let e = parse_signal("FOO").unwrap_err().to_string();
        assert!(
            e.contains("unknown signal \"FOO\"") && e.contains("TERM"),
            "{e}"
        );
    }
}
