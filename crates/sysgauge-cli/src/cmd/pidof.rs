//! `sysgauge pidof`: psutil's pidof.py, a clone of `pidof`: the pids of the processes
//! called NAME.
//!
//! ```text
//! $ sysgauge pidof sshd
//! 812 20355 20419
//! ```
//!
//! A process matches when its `name()` is NAME, or when the first argument of its
//! `cmdline()` is exactly NAME (as pidof.py compares: `sysgauge pidof /usr/sbin/sshd`
//! finds the processes started by that path; a basename is not looked for). The pids are
//! in ascending order, on one line, separated by spaces; with no match nothing is printed
//! and the exit status is 0, as pidof.py (the `pidof` of sysvinit exits with 1). A
//! process whose command line cannot be read (access denied, zombie) is matched by name
//! only; one that exits meanwhile is skipped. sysgauge's own process counts, as
//! pidof.py's.
//!
//! With `--json`, the list of pids (`[]` when none matched).

use std::ffi::OsString;

use sysgauge::{Attr, AttrValue};

/// Options of `sysgauge pidof`.
#[derive(clap::Args)]
pub struct Args {
    /// The process name (or first command-line argument) to look for.
    #[arg(value_name = "NAME")]
    pub name: OsString,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Whether a process called `name` with command line `cmdline` (`None`: refused) matches
/// `wanted`, as pidof.py decides.
pub fn matches(wanted: &OsString, name: Option<&OsString>, cmdline: Option<&[OsString]>) -> bool {
    name == Some(wanted) || cmdline.and_then(|c| c.first()) == Some(wanted)
}

/// The pids of the running processes that match `wanted`, ascending.
pub fn pidof(wanted: &OsString) -> sysgauge::Result<Vec<i32>> {
    Ok(
        sysgauge::process_iter(&[Attr::Name, Attr::Cmdline], AttrValue::None)?
            .filter(|p| {
                let name = p.name().ok();
                let cmdline = p.cmdline().ok();
                matches(wanted, name.as_ref(), cmdline.as_deref())
            })
            .map(|p| p.pid())
            .collect(),
    )
}

/// Prints the pids of the processes called `args.name`: pidof.py's line, or JSON.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let pids = pidof(&args.name)?;
    if args.json {
        return super::print_json(&pids);
    }
    if pids.is_empty() {
        return Ok(());
    }
    let line: Vec<String> = pids.iter().map(i32::to_string).collect();
    super::print_lines([line.join(" ")])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        let w = OsString::from("sleep");
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(matches(&w, Some(&"sleep".into()), None));
        assert!(matches(&w, Some(&"x".into()), Some(&args(&["sleep", "1"]))));
        assert!(!matches(
            &w,
            Some(&"x".into()),
            Some(&args(&["/bin/sleep"]))
        ));
        assert!(!matches(&w, None, Some(&[])));
        assert!(!matches(&w, Some(&"sleeper".into()), None));
    }
}
