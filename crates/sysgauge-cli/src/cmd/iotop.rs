//! `sysgauge iotop`: psutil's iotop.py, a live view of per-process disk I/O.
//!
//! Every `--interval` seconds (default 1) the I/O counters of every process
//! (`io_counters()`) and of all disks (`disk_io_counters()`) are read again and compared
//! with the previous reading. The screen shows the disks' read and write rates, then one
//! line per process, the busiest (read + write bytes per second) first:
//!
//! ```text
//! Total DISK READ: 0.0B | Total DISK WRITE: 21.3M
//! PID   USER      DISK READ  DISK WRITE  COMMAND
//! 4242  root           0.0B       20.1M  python3 writer.py /var/tmp/big
//! 1     root           0.0B        0.0B  /sbin/init
//! 2     root           0.0B        0.0B  kthreadd
//! ```
//!
//! The columns, as iotop.py lays them out: `PID` left-aligned in 5, `USER` (the user name
//! cut to 7 characters) left-aligned in 7, `DISK READ` and `DISK WRITE` (bytes per second
//! through `bytes2human`, which, as in the script, adds no `/s`) right-aligned in 11, then
//! two spaces and `COMMAND`: the command line joined by spaces, or the name when it is
//! empty (kernel threads), its control characters (newlines, tabs, escapes) shown as `?`
//! as `ps` shows them. The column header is shown in reverse video across the screen;
//! lines longer than the screen is wide are cut.
//!
//! Only processes read in both samples are listed. A process whose counters are refused
//! (another user's process when not root: psutil's `AccessDenied`) is left out, as the
//! script does; so is a process that exited or became a zombie in between. A user name
//! that cannot be found is shown as `?`; so are the disk totals on a machine without
//! disks.
//!
//! `q`, Esc or Ctrl-C quits. When stdout is not a terminal, or with `--once`, the command
//! takes two samples `--interval` apart, prints that one frame as plain text and exits.
//! `--json` prints the same sample as JSON:
//!
//! ```text
//! {
//!   "interval": 1.000184,
//!   "disk_read_bytes_per_sec": 0,
//!   "disk_write_bytes_per_sec": 22334976,
//!   "processes": [
//!     {
//!       "pid": 4242,
//!       "username": "root",
//!       "name": "python3",
//!       "cmdline": ["python3", "writer.py", "/var/tmp/big"],
//!       "read_bytes_per_sec": 0,
//!       "write_bytes_per_sec": 21076377
//!     }
//!   ]
//! }
//! ```
//!
//! `interval` is the time measured between the two samples, in seconds; rates are bytes
//! per second over it, rounded to whole bytes (`null` disk rates without disks).
//!
//! Where the script shows the bytes read and written during its half-second poll as
//! "per second", sysgauge divides by the time that really passed.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use sysgauge::{Attr, AttrValue, DiskIoCounters, Error, Process, ProcessIoCounters, Processes};

use super::live::{self, ScreenLine, View};
use super::ps::{cut, lossy};

/// Options of `sysgauge iotop`.
#[derive(clap::Args)]
pub struct Args {
    /// Seconds between two samples (the refresh period); fractions allowed.
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = live::parse_interval)]
    pub interval: Duration,
    /// Print one frame as plain text (two samples `--interval` apart) and exit.
    #[arg(long)]
    pub once: bool,
    /// Print one sample (two readings `--interval` apart) as JSON and exit.
    #[arg(long)]
    pub json: bool,
}

/// The attributes read for every process at each sample.
const ATTRS: [Attr; 4] = [Attr::IoCounters, Attr::Cmdline, Attr::Name, Attr::Username];

/// One reading of every process's counters and of the disks'.
struct Reading {
    /// When the sweep started.
    at: Instant,
    /// The processes whose counters could be read, by pid, with those counters. Each
    /// [`Process`] holds the values of [`ATTRS`] fetched by the sweep.
    procs: HashMap<i32, (Process, ProcessIoCounters)>,
    /// The same processes' pids, in the sweep's (ascending) order.
    order: Vec<i32>,
    /// All disks' counters; `None` without disks.
    disks: Option<DiskIoCounters>,
}

impl Reading {
    /// Reads every process (through `table`, which keeps processes from sweep to sweep)
    /// and the disks. Processes whose counters are refused or gone are left out.
    fn take(table: &Processes) -> sysgauge::Result<Reading> {
        let at = Instant::now();
        let mut procs = HashMap::new();
        let mut order = Vec::new();
        for p in table.iter(&ATTRS, AttrValue::None)? {
            if let Ok(io) = p.io_counters() {
                order.push(p.pid());
                procs.insert(p.pid(), (p, io));
            }
        }
        let disks = sysgauge::disk_io_counters().ok();
        Ok(Reading {
            at,
            procs,
            order,
            disks,
        })
    }
}

/// One process's line: its identity and its rates, in bytes per second.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The pid.
    pub pid: i32,
    /// The user name (lossy UTF-8), `?` when it cannot be found.
    pub username: String,
    /// The name (lossy UTF-8).
    pub name: String,
    /// The command line, one argument each (lossy UTF-8); empty for kernel threads.
    pub cmdline: Vec<String>,
    /// Bytes read from storage per second (`io_counters().read_bytes`).
    pub read_bytes_per_sec: u64,
    /// Bytes written to storage per second (`io_counters().write_bytes`).
    pub write_bytes_per_sec: u64,
}

impl Row {
    /// The `COMMAND` column: the command line joined by spaces, else the name.
    pub fn command(&self) -> String {
        if self.cmdline.is_empty() {
            self.name.clone()
        } else {
            self.cmdline.join(" ")
        }
    }
}

/// What one frame shows, and what `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    /// Seconds between the two readings.
    pub interval: f64,
    /// All disks' bytes read per second; `None` without disks.
    pub disk_read_bytes_per_sec: Option<u64>,
    /// All disks' bytes written per second; `None` without disks.
    pub disk_write_bytes_per_sec: Option<u64>,
    /// The processes read in both readings, the busiest first.
    pub processes: Vec<Row>,
}

/// `delta` bytes over `secs` seconds, rounded to whole bytes per second (0 when no time
/// passed).
pub fn per_sec(delta: u64, secs: f64) -> u64 {
    if secs > 0.0 {
        (delta as f64 / secs).round() as u64
    } else {
        0
    }
}

/// The process's row from its counters before and after, or `None` when it must be
/// left out (gone, or a zombie, as the script leaves them out).
fn row(p: &Process, io0: &ProcessIoCounters, io1: &ProcessIoCounters, secs: f64) -> Option<Row> {
    let gone = |e: &Error| matches!(e, Error::NoSuchProcess { .. } | Error::ZombieProcess { .. });
    let cmdline = match p.cmdline() {
        Ok(args) => args.iter().map(|a| lossy(a)).collect(),
        Err(e) if gone(&e) => return None,
        Err(_) => Vec::new(),
    };
    let name = match p.name() {
        Ok(n) => lossy(&n),
        Err(e) if gone(&e) => return None,
        Err(_) => "?".to_string(),
    };
    let username = match p.username() {
        Ok(u) => lossy(&u),
        Err(e) if gone(&e) => return None,
        Err(_) => "?".to_string(),
    };
    Some(Row {
        pid: p.pid(),
        username,
        name,
        cmdline,
        read_bytes_per_sec: per_sec(io1.read_bytes.saturating_sub(io0.read_bytes), secs),
        write_bytes_per_sec: per_sec(io1.write_bytes.saturating_sub(io0.write_bytes), secs),
    })
}

/// The rates between two readings: the processes present in both (same pid and start
/// time), sorted by read + write rate, descending (ties keep pid order).
fn compare(before: &Reading, after: &Reading) -> Sample {
    let secs = after.at.saturating_duration_since(before.at).as_secs_f64();
    let mut processes: Vec<Row> = after
        .order
        .iter()
        .filter_map(|pid| {
            let (p, io1) = after.procs.get(pid)?;
            let (p0, io0) = before.procs.get(pid)?;
            if p0 != p {
                // The pid was given to another process in between.
                return None;
            }
            row(p, io0, io1, secs)
        })
        .collect();
    processes.sort_by_key(|r| {
        std::cmp::Reverse(u128::from(r.read_bytes_per_sec) + u128::from(r.write_bytes_per_sec))
    });
    let disk = |f: fn(&DiskIoCounters) -> u64| match (&before.disks, &after.disks) {
        (Some(d0), Some(d1)) => Some(per_sec(f(d1).saturating_sub(f(d0)), secs)),
        _ => None,
    };
    Sample {
        interval: secs,
        disk_read_bytes_per_sec: disk(|d| d.read_bytes),
        disk_write_bytes_per_sec: disk(|d| d.write_bytes),
        processes,
    }
}

/// iotop.py's line template: `PID`, `USER`, `DISK READ`, `DISK WRITE`, `COMMAND`.
fn columns(pid: &str, user: &str, read: &str, write: &str, command: &str) -> String {
    format!("{pid:<5} {user:<7} {read:>11} {write:>11}  {command}")
}

/// `bytes2human` of a rate, `?` when there is none.
fn human(rate: Option<u64>) -> String {
    rate.map(sysgauge::bytes2human)
        .unwrap_or_else(|| "?".to_string())
}

/// The lines of a frame, as iotop.py prints them (the column header highlighted).
pub fn frame(s: &Sample) -> Vec<ScreenLine> {
    let mut lines = vec![
        ScreenLine::plain(format!(
            "Total DISK READ: {} | Total DISK WRITE: {}",
            human(s.disk_read_bytes_per_sec),
            human(s.disk_write_bytes_per_sec)
        )),
        ScreenLine::highlighted(columns("PID", "USER", "DISK READ", "DISK WRITE", "COMMAND")),
    ];
    lines.extend(s.processes.iter().map(|r| {
        ScreenLine::plain(columns(
            &r.pid.to_string(),
            cut(&r.username, 7),
            &sysgauge::bytes2human(r.read_bytes_per_sec),
            &sysgauge::bytes2human(r.write_bytes_per_sec),
            &r.command(),
        ))
    }));
    lines
}

/// The live state: the last reading and the sample shown.
struct Iotop {
    table: Processes,
    last: Reading,
    shown: Sample,
}

impl Iotop {
    /// Takes the first reading; until the next one, every rate shows as zero (as the
    /// script's first poll, over no time, does).
    fn new() -> sysgauge::Result<Iotop> {
        let table = Processes::new();
        let last = Reading::take(&table)?;
        let shown = compare(&last, &last);
        Ok(Iotop { table, last, shown })
    }
}

impl View for Iotop {
    fn sample(&mut self) -> sysgauge::Result<()> {
        let now = Reading::take(&self.table)?;
        self.shown = compare(&self.last, &now);
        self.last = now;
        Ok(())
    }

    fn lines(&self, _width: usize, _height: usize) -> Vec<ScreenLine> {
        frame(&self.shown)
    }
}

/// Runs `sysgauge iotop`: the live view on a terminal, else (or with `--once`/`--json`)
/// one frame.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let mut view = Iotop::new()?;
    live::run_or_once(&mut view, args.once, args.json, args.interval, |v| &v.shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pid: i32, user: &str, read: u64, write: u64, cmdline: &[&str]) -> Row {
        Row {
            pid,
            username: user.into(),
            name: "kthreadd".into(),
            cmdline: cmdline.iter().map(|s| s.to_string()).collect(),
            read_bytes_per_sec: read,
            write_bytes_per_sec: write,
        }
    }

    #[test]
    fn layout_is_iotop_py() {
        let s = Sample {
            interval: 1.0,
            disk_read_bytes_per_sec: Some(0),
            disk_write_bytes_per_sec: Some(483_328),
            processes: vec![
                row(
                    13155,
                    "giampaolo",
                    0,
                    438_272,
                    &["/usr/bin/google-chrome-beta"],
                ),
                row(2, "root", 0, 0, &[]),
            ],
        };
        let text: Vec<String> = frame(&s).into_iter().map(|l| l.text).collect();
        assert_eq!(
            text,
            [
                "Total DISK READ: 0.0B | Total DISK WRITE: 472.0K",
                "PID   USER      DISK READ  DISK WRITE  COMMAND",
                "13155 giampao        0.0B      428.0K  /usr/bin/google-chrome-beta",
                "2     root           0.0B        0.0B  kthreadd",
            ]
        );
        let none = Sample {
            disk_read_bytes_per_sec: None,
            disk_write_bytes_per_sec: None,
            processes: vec![],
            ..s
        };
        assert_eq!(
            frame(&none)[0].text,
            "Total DISK READ: ? | Total DISK WRITE: ?"
        );
        assert!(frame(&none)[1].highlight);
    }

    #[test]
    fn rates() {
        assert_eq!(per_sec(1000, 0.5), 2000);
        assert_eq!(per_sec(1000, 0.0), 0);
        assert_eq!(per_sec(1, 3.0), 0);
    }
}
