//! `sysgauge who`: psutil's who.py, a clone of `who`: the users logged in.
//!
//! One line per session of `users()` (the `USER_PROCESS` records of the utmp file, in file
//! order; `SYSGAUGE_UTMP_PATH` names another file), no header:
//!
//! ```text
//! alice        pts/0      2023-11-14 22:13 (192.168.1.10) sshd
//! bob          tty2       2023-11-14 22:15 (localhost)    login
//! frank        -          2023-11-14 22:23 (localhost)
//! ```
//!
//! The columns, as who.py lays them out (`{:<12} {:<10} {:<10} {:<14} {}`): the user name
//! left-aligned in 12; the terminal (`-` when the record has none) in 10; when the session
//! started, `%Y-%m-%d %H:%M` in local time (16 characters: it overflows its 10); the host in
//! parentheses, left-aligned in 14; the name of the session's process (`ut_pid`), blank when
//! the pid is 0. Where the script would stop with a traceback because that process is gone,
//! the name is blank; where reading it is refused, it is `?`. Names and hosts that are not
//! UTF-8 are shown with U+FFFD. No session, no output (as this machine's empty utmp).
//!
//! With `--json`, the list of psutil's `suser` records: `name`, `terminal` (or `null`),
//! `host`, `started` (seconds since the Epoch), `pid`.

use sysgauge::{Error, Process, User};

use crate::cmd::ps::{local_from_timestamp, lossy};

/// Options of `sysgauge who`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The name of the process `pid` as who.py shows it: blank for pid 0 and for a process
/// that is gone, `?` when it may not be read.
pub fn process_name(pid: i32) -> String {
    if pid == 0 {
        return String::new();
    }
    match Process::new(pid).and_then(|p| p.name()) {
        Ok(n) => lossy(&n),
        Err(Error::AccessDenied { .. }) => "?".to_string(),
        Err(_) => String::new(),
    }
}

/// `started` (seconds since the Epoch) as who.py prints it: `%Y-%m-%d %H:%M`, local time.
pub fn started(t: f64) -> String {
    local_from_timestamp(t)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "?".into())
}

/// who.py's line for the session `u` whose process is named `proc_name`.
pub fn line(u: &User, proc_name: &str) -> String {
    let terminal = match u.terminal.as_deref() {
        Some(t) if !t.is_empty() => t,
        _ => "-",
    };
    let host = format!("({})", u.host.as_deref().unwrap_or_default());
    format!(
        "{:<12} {:<10} {:<10} {:<14} {}",
        u.name,
        terminal,
        started(u.started),
        host,
        proc_name
    )
}

/// Lists the users logged in: who.py's lines, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let users = sysgauge::users()?;
    if args.json {
        return super::print_json(&users);
    }
    super::print_lines(users.iter().map(|u| line(u, &process_name(u.pid))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_who_py() {
        let u = User {
            name: "giampaolo".into(),
            terminal: Some("ttys000".into()),
            host: Some("10.0.2.2".into()),
            started: 1_490_484_480.0,
            pid: 0,
        };
        let when = started(u.started);
        assert_eq!(when.len(), 16);
        assert_eq!(
            line(&u, "sshd"),
            format!("giampaolo    ttys000    {when} (10.0.2.2)     sshd")
        );
        let none = User {
            terminal: None,
            host: None,
            ..u
        };
        assert_eq!(
            line(&none, ""),
            format!("giampaolo    -          {when} ()             ")
        );
    }
}
