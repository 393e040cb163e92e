//! `sysgauge ps`: psutil's ps.py, a clone of `ps aux`.
//!
//! One line per process, in pid order, under this header:
//!
//! ```text
//! USER         PID  %MEM     VSZ     RSS  NICE STATUS  START   TIME  CMDLINE
//! root           1   0.1   43.6M   14.3M   -10  sleep  02:19  42:40  /sbin/init
//! root           2   0.0    0.0B    0.0B        sleep  02:19  00:00  kthreadd
//! ```
//!
//! The columns, as ps.py computes them:
//! - `USER`: the user name (or the real uid when there is none), cut to 9 characters;
//!   left-aligned in 10.
//! - `PID`: right-aligned in 5.
//! - `%MEM`: `memory_percent()` (rss / total memory) rounded to one decimal.
//! - `VSZ`, `RSS`: `memory_info().vms` and `.rss` through `bytes2human`.
//! - `NICE`: the nice value, blank when it is 0.
//! - `STATUS`: the status name cut to 5 characters (`sleep`, `runni`, `idle`...).
//! - `START`: the creation time in local time, `HH:MM` when it is today, else `MonDD`.
//! - `TIME`: `MM:SS` of the local time at `sum(cpu_times())` seconds after the Epoch (the
//!   script formats the CPU time as a clock time; in a time zone whose offset is a whole
//!   number of hours this is minutes and seconds of CPU time, modulo one hour).
//! - `CMDLINE`: the arguments joined by spaces, or the name when there are none.
//!
//! A value that cannot be read (access denied, zombie) is blank. Each line is cut to the
//! terminal width: `$COLUMNS`, else the width of the terminal on stdout, else 80 (Python's
//! `shutil.get_terminal_size()`).
//!
//! With `--json`, a list with one object per process: the ten attributes ps.py asks
//! `process_iter` for, under psutil's names, `null` where the value was refused.

use chrono::{DateTime, Local, NaiveDate, TimeZone};
use serde::Serialize;
use sysgauge::{Attr, AttrValue, MemoryInfo, MemoryType, ProcessCpuTimes, Status};

/// Options of `sysgauge ps`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// The attributes ps.py fetches for every process.
const ATTRS: [Attr; 10] = [
    Attr::Pid,
    Attr::MemoryPercent,
    Attr::Name,
    Attr::Cmdline,
    Attr::CpuTimes,
    Attr::CreateTime,
    Attr::MemoryInfo,
    Attr::Status,
    Attr::Nice,
    Attr::Username,
];

/// One process as ps.py sees it (psutil's `p.info` for [`ATTRS`], in psutil's order of
/// names); `None` where the value was refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The command line, one argument each (lossy UTF-8).
    pub cmdline: Option<Vec<String>>,
    /// CPU times, in seconds.
    pub cpu_times: Option<ProcessCpuTimes>,
    /// Creation time, in seconds since the Epoch.
    pub create_time: Option<f64>,
    /// Memory sizes, in bytes.
    pub memory_info: Option<MemoryInfo>,
    /// rss as a percentage of total memory.
    pub memory_percent: Option<f64>,
    /// The name (lossy UTF-8).
    pub name: Option<String>,
    /// The nice value.
    pub nice: Option<i32>,
    /// The pid.
    pub pid: i32,
    /// The status.
    pub status: Option<Status>,
    /// The user name (lossy UTF-8).
    pub username: Option<String>,
    /// The real uid, read only when the user name is missing (ps.py's fallback).
    #[serde(skip)]
    pub uid: Option<u32>,
}

/// Bytes (a name, an argument) as text, invalid UTF-8 replaced.
pub fn lossy(s: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    String::from_utf8_lossy(s.as_bytes()).into_owned()
}

/// The row of `p`, from the values `process_iter` prefetched (a getter reads anew only an
/// attribute the library could not prefetch).
fn row_of(p: &sysgauge::Process) -> Row {
    let username = p.username().ok().map(|u| lossy(&u));
    let uid = if username.as_deref().is_none_or(str::is_empty) {
        p.uids().ok().map(|ids| ids.real)
    } else {
        None
    };
    Row {
        cmdline: p
            .cmdline()
            .ok()
            .map(|args| args.iter().map(|a| lossy(a)).collect()),
        cpu_times: p.cpu_times().ok(),
        create_time: p.create_time().ok(),
        memory_info: p.memory_info().ok(),
        memory_percent: p.memory_percent(MemoryType::Rss).ok(),
        name: p.name().ok().map(|n| lossy(&n)),
        nice: p.nice().ok(),
        pid: p.pid(),
        status: p.status().ok(),
        username,
        uid,
    }
}

/// Python's `datetime.fromtimestamp(t)` in local time: `t` rounded to the microsecond,
/// halves to even. `None` for a time chrono cannot represent.
pub fn local_from_timestamp(t: f64) -> Option<DateTime<Local>> {
    if !t.is_finite() {
        return None;
    }
    let mut secs = t.floor();
    let mut micros = ((t - secs) * 1e6).round_ties_even();
    if micros >= 1e6 {
        secs += 1.0;
        micros -= 1e6;
    }
    if secs.abs() > 1e15 {
        return None;
    }
    Local
        .timestamp_opt(secs as i64, (micros as u32).saturating_mul(1000))
        .single()
}

/// ps.py's `START`: `HH:MM` when the process started on `today` (local time), else `MonDD`;
/// blank without a creation time (or one equal to 0).
pub fn start_column(create_time: Option<f64>, today: NaiveDate) -> String {
    match create_time
        .filter(|t| *t != 0.0)
        .and_then(local_from_timestamp)
    {
        Some(dt) if dt.date_naive() == today => dt.format("%H:%M").to_string(),
        Some(dt) => dt.format("%b%d").to_string(),
        None => String::new(),
    }
}

/// ps.py's `TIME`: `MM:SS` of the local clock time `sum(cpu_times)` seconds after the Epoch
/// (Python's `time.localtime` floors the seconds).
pub fn time_column(cpu: Option<&ProcessCpuTimes>) -> String {
    let Some(c) = cpu else {
        return String::new();
    };
    let total = 0.0 + c.user + c.system + c.children_user + c.children_system + c.iowait;
    if !total.is_finite() || total.abs() > 1e15 {
        return String::new();
    }
    match Local.timestamp_opt(total.floor() as i64, 0).single() {
        Some(dt) => dt.format("%M:%S").to_string(),
        None => String::new(),
    }
}

/// The first `n` characters of `s`.
pub fn cut(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// ps.py's line for `row` (not yet cut to the terminal width).
pub fn line(row: &Row, today: NaiveDate) -> String {
    let user = match (&row.username, row.uid) {
        (Some(u), _) if !u.is_empty() => cut(u, 9).to_string(),
        (_, Some(uid)) => cut(&uid.to_string(), 9).to_string(),
        _ => String::new(),
    };
    let memp = row
        .memory_percent
        .map(|m| crate::cmd::procinfo::py_round(m, 1))
        .unwrap_or_default();
    let (vms, rss) = match &row.memory_info {
        Some(m) => (sysgauge::bytes2human(m.vms), sysgauge::bytes2human(m.rss)),
        None => (String::new(), String::new()),
    };
    let nice = match row.nice {
        Some(n) if n != 0 => n.to_string(),
        _ => String::new(),
    };
    let status = row
        .status
        .map(|s| cut(s.as_str(), 5).to_string())
        .unwrap_or_default();
    let cmdline = match &row.cmdline {
        Some(args) if !args.is_empty() => args.join(" "),
        // Python formats a missing name as "None".
        _ => row.name.clone().unwrap_or_else(|| "None".to_string()),
    };
    format!(
        "{:<10} {:>5} {:>5} {:>7} {:>7} {:>5} {:>6} {:>6} {:>6}  {}",
        user,
        row.pid,
        memp,
        vms,
        rss,
        nice,
        status,
        start_column(row.create_time, today),
        time_column(row.cpu_times.as_ref()),
        cmdline
    )
}

/// ps.py's header line.
pub fn header() -> String {
    format!(
        "{:<10} {:>5} {:>5} {:>7} {:>7} {:>5} {:>6} {:>6} {:>6}  {}",
        "USER", "PID", "%MEM", "VSZ", "RSS", "NICE", "STATUS", "START", "TIME", "CMDLINE"
    )
}

/// The terminal width as Python's `shutil.get_terminal_size()` finds it: a positive
/// `$COLUMNS`, else the width of the terminal on stdout, else 80.
pub fn terminal_width() -> usize {
    let env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<i64>().ok())
        .filter(|c| *c > 0);
    if let Some(c) = env {
        return usize::try_from(c).unwrap_or(usize::MAX);
    }
    match rustix::termios::tcgetwinsize(std::io::stdout()) {
        Ok(ws) if ws.ws_col > 0 => usize::from(ws.ws_col),
        _ => 80,
    }
}

/// Lists every process: ps.py's table, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let rows: Vec<Row> = sysgauge::process_iter(&ATTRS, AttrValue::None)?
        .map(|p| row_of(&p))
        .collect();
    if args.json {
        return super::print_json(&rows);
    }
    let today = Local::now().date_naive();
    let width = terminal_width();
    let body = rows
        .iter()
        .map(|row| cut(&line(row, today), width).to_string());
    super::print_lines(std::iter::once(header()).chain(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_ps_py() {
        assert_eq!(
            header(),
            "USER         PID  %MEM     VSZ     RSS  NICE STATUS  START   TIME  CMDLINE"
        );
    }

    #[test]
    fn columns() {
        let row = Row {
            cmdline: Some(vec![]),
            cpu_times: Some(ProcessCpuTimes {
                user: 1.5,
                system: 2.0,
                children_user: 0.0,
                children_system: 0.0,
                iowait: 0.0,
            }),
            create_time: Some(0.0),
            memory_info: Some(MemoryInfo {
                rss: 10000,
                vms: 0,
                shared: 0,
                text: 0,
                lib: 0,
                data: 0,
                dirty: 0,
            }),
            memory_percent: Some(0.05),
            name: Some("kthreadd".into()),
            nice: Some(-20),
            pid: 2,
            status: Some(Status::Sleeping),
            username: Some("averylongusername".into()),
            uid: None,
        };
        let today = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let l = line(&row, today);
        // TIME depends on the local time zone's offset in minutes: check the rest.
        assert!(
            l.starts_with("averylong      2   0.1    0.0B    9.8K   -20  sleep         "),
            "{l:?}"
        );
        assert!(l.ends_with("  kthreadd"), "{l:?}");
        assert_eq!(cut("héllo", 2), "hé");
        assert_eq!(cut("abc", 10), "abc");
    }
}
