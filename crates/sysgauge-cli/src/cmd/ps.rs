//! `sysgauge ps`: psutil's ps.py, a clone of `ps aux`, with a choice of columns and an
//! order.
//!
//! Without options, one line per process, in pid order, under ps.py's header:
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
//! `-o/--columns LIST` picks the columns (comma-separated, in that order), from these
//! (`name`: header, the psutil attributes read):
//!
//! | column | header | psutil attributes | shown as |
//! |---|---|---|---|
//! | `pid` | `PID` | `pid` | right in 5 |
//! | `ppid` | `PPID` | `ppid` | right in 5 |
//! | `user` | `USER` | `username` | as ps.py |
//! | `cpu` | `%CPU` | `cpu_times`, `create_time` | `ps`'s %CPU: (user + system) / seconds since the start × 100, one decimal |
//! | `mem` | `%MEM` | `memory_percent` | as ps.py |
//! | `vsz` | `VSZ` | `memory_info` | as ps.py |
//! | `rss` | `RSS` | `memory_info` | as ps.py |
//! | `tty` | `TTY` | `terminal` | the terminal without `/dev/` (`pts/0`), `?` for none; left in 7 |
//! | `nice` | `NICE` | `nice` | as ps.py (blank for 0) |
//! | `status` | `STATUS` | `status` | as ps.py |
//! | `start` | `START` | `create_time` | as ps.py |
//! | `time` | `TIME` | `cpu_times` | as ps.py |
//! | `threads` | `THREADS` | `num_threads` | right in 7 |
//! | `name` | `NAME` | `name` | left in 15 |
//! | `cmdline` | `CMDLINE` | `cmdline`, `name` | as ps.py |
//!
//! (also accepted: `ps`'s `%cpu`, `%mem`, `ni`, `stat`, `comm`, `args`, `command`,
//! `nlwp`, and psutil's `username`, `memory_percent`, `terminal`, `num_threads`). Columns
//! are separated by a space, `cmdline` by two; the last column is not padded. The default
//! is `user,pid,mem,vsz,rss,nice,status,start,time,cmdline`: ps.py's table. An unknown
//! column is an error naming the valid ones.
//!
//! `--sort COLUMN` orders the processes by that column's value (numbers as numbers, sizes
//! in bytes, times in seconds), ascending, or descending with a `-` prefix
//! (`--sort -rss`); processes with equal values (or both without one) stay in pid order,
//! and a value that could not be read sorts below every other.
//!
//! With `--json`, a list with one object per process (in the same order): the psutil
//! attributes the chosen columns read (see the table; by default ps.py's ten), under
//! psutil's names, `null` where the value was refused. Only the attributes a column needs
//! are read (`process_iter(attrs)`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{DateTime, Local, NaiveDate, TimeZone};
use sysgauge::{Attr, AttrValue, MemoryInfo, MemoryType, ProcessCpuTimes, ProcessDict, Status};

/// Options of `sysgauge ps`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// The columns to show, comma-separated: pid, ppid, user, cpu, mem, vsz, rss, tty,
    /// nice, status, start, time, threads, name, cmdline.
    #[arg(short = 'o', long = "columns", value_name = "LIST")]
    pub columns: Option<String>,
    /// Order by this column; a `-` prefix orders from the largest (`--sort -rss`).
    #[arg(long, value_name = "COLUMN", allow_hyphen_values = true)]
    pub sort: Option<String>,
}

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `PID`.
    Pid,
    /// `PPID`.
    Ppid,
    /// `USER`.
    User,
    /// `%CPU`, over the process's lifetime.
    Cpu,
    /// `%MEM`.
    Mem,
    /// `VSZ`.
    Vsz,
    /// `RSS`.
    Rss,
    /// `TTY`.
    Tty,
    /// `NICE`.
    Nice,
    /// `STATUS`.
    Status,
    /// `START`.
    Start,
    /// `TIME`.
    Time,
    /// `THREADS`.
    Threads,
    /// `NAME`.
    Name,
    /// `CMDLINE`.
    Cmdline,
}

/// ps.py's columns, in its order.
pub const DEFAULT_COLUMNS: [Column; 10] = [
    Column::User,
    Column::Pid,
    Column::Mem,
    Column::Vsz,
    Column::Rss,
    Column::Nice,
    Column::Status,
    Column::Start,
    Column::Time,
    Column::Cmdline,
];

impl Column {
    /// Every column, in the order `--help` and errors list them.
    pub const ALL: [Column; 15] = [
        Column::Pid,
        Column::Ppid,
        Column::User,
        Column::Cpu,
        Column::Mem,
        Column::Vsz,
        Column::Rss,
        Column::Tty,
        Column::Nice,
        Column::Status,
        Column::Start,
        Column::Time,
        Column::Threads,
        Column::Name,
        Column::Cmdline,
    ];

    /// The column's name in `-o` and `--sort`.
    pub fn name(self) -> &'static str {
        match self {
            Column::Pid => "pid",
            Column::Ppid => "ppid",
            Column::User => "user",
            Column::Cpu => "cpu",
            Column::Mem => "mem",
            Column::Vsz => "vsz",
            Column::Rss => "rss",
            Column::Tty => "tty",
            Column::Nice => "nice",
            Column::Status => "status",
            Column::Start => "start",
            Column::Time => "time",
            Column::Threads => "threads",
            Column::Name => "name",
            Column::Cmdline => "cmdline",
        }
    }

    /// The column called `name` (or one of its other names), any case.
    pub fn from_name(name: &str) -> Option<Column> {
        let n = name.trim().to_ascii_lowercase();
        let alias = match n.as_str() {
            "%cpu" | "pcpu" => Some(Column::Cpu),
            "%mem" | "pmem" | "memory_percent" => Some(Column::Mem),
            "username" => Some(Column::User),
            "vms" => Some(Column::Vsz),
            "terminal" => Some(Column::Tty),
            "ni" => Some(Column::Nice),
            "stat" | "state" => Some(Column::Status),
            "nlwp" | "num_threads" => Some(Column::Threads),
            "comm" => Some(Column::Name),
            "args" | "command" => Some(Column::Cmdline),
            _ => None,
        };
        alias.or_else(|| Column::ALL.into_iter().find(|c| c.name() == n))
    }

    /// The header.
    pub fn header(self) -> &'static str {
        match self {
            Column::Pid => "PID",
            Column::Ppid => "PPID",
            Column::User => "USER",
            Column::Cpu => "%CPU",
            Column::Mem => "%MEM",
            Column::Vsz => "VSZ",
            Column::Rss => "RSS",
            Column::Tty => "TTY",
            Column::Nice => "NICE",
            Column::Status => "STATUS",
            Column::Start => "START",
            Column::Time => "TIME",
            Column::Threads => "THREADS",
            Column::Name => "NAME",
            Column::Cmdline => "CMDLINE",
        }
    }

    /// Width and alignment (true: left).
    fn layout(self) -> (usize, bool) {
        match self {
            Column::User => (10, true),
            Column::Pid | Column::Ppid | Column::Cpu | Column::Mem | Column::Nice => (5, false),
            Column::Vsz | Column::Rss | Column::Threads => (7, false),
            Column::Status | Column::Start | Column::Time => (6, false),
            Column::Tty => (7, true),
            Column::Name => (15, true),
            Column::Cmdline => (0, true),
        }
    }

    /// The psutil attributes the column reads.
    pub fn attrs(self) -> &'static [Attr] {
        match self {
            Column::Pid => &[Attr::Pid],
            Column::Ppid => &[Attr::Ppid],
            Column::User => &[Attr::Username],
            Column::Cpu => &[Attr::CpuTimes, Attr::CreateTime],
            Column::Mem => &[Attr::MemoryPercent],
            Column::Vsz | Column::Rss => &[Attr::MemoryInfo],
            Column::Tty => &[Attr::Terminal],
            Column::Nice => &[Attr::Nice],
            Column::Status => &[Attr::Status],
            Column::Start => &[Attr::CreateTime],
            Column::Time => &[Attr::CpuTimes],
            Column::Threads => &[Attr::NumThreads],
            Column::Name => &[Attr::Name],
            Column::Cmdline => &[Attr::Cmdline, Attr::Name],
        }
    }
}

/// The columns of a comma-separated `list`; an unknown (or empty) name is an
/// [`sysgauge::Error::InvalidArgument`] listing the valid ones.
pub fn parse_columns(list: &str) -> sysgauge::Result<Vec<Column>> {
    list.split(',').map(parse_column).collect()
}

/// The column called `name`; an unknown name is an [`sysgauge::Error::InvalidArgument`]
/// listing the valid ones.
pub fn parse_column(name: &str) -> sysgauge::Result<Column> {
    Column::from_name(name).ok_or_else(|| {
        let valid: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        sysgauge::Error::InvalidArgument(format!(
            "unknown column {:?}; valid columns: {}",
            name.trim(),
            valid.join(", ")
        ))
    })
}

/// `--sort`'s argument: the column and whether the order is descending (`-` prefix; `+`
/// is ascending, as without a prefix).
pub fn parse_sort(spec: &str) -> sysgauge::Result<(Column, bool)> {
    let spec = spec.trim();
    match spec.strip_prefix('-') {
        Some(rest) => Ok((parse_column(rest)?, true)),
        None => Ok((parse_column(spec.strip_prefix('+').unwrap_or(spec))?, false)),
    }
}

/// One process as the columns see it: psutil's values for the attributes fetched; `None`
/// where the value was refused or not asked for.
#[derive(Debug, Clone, PartialEq, Default)]
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
    pub uid: Option<u32>,
    /// The parent's pid.
    pub ppid: Option<i32>,
    /// The terminal as shown: `pts/0`, `?` for none.
    pub tty: Option<String>,
    /// The number of threads.
    pub num_threads: Option<u64>,
}

/// Bytes (a name, an argument) as text, invalid UTF-8 replaced.
pub fn lossy(s: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    String::from_utf8_lossy(s.as_bytes()).into_owned()
}

/// The row of `p` from the values `process_iter` prefetched for `attrs` (the others are
/// left out, not read).
fn row_of(p: &sysgauge::Process, attrs: &[Attr]) -> Row {
    let has = |a: Attr| attrs.contains(&a);
    let username = if has(Attr::Username) {
        p.username().ok().map(|u| lossy(&u))
    } else {
        None
    };
    let uid = if has(Attr::Username) && username.as_deref().is_none_or(str::is_empty) {
        p.uids().ok().map(|ids| ids.real)
    } else {
        None
    };
    let tty = |t: Option<std::path::PathBuf>| match t {
        Some(path) => {
            let s = lossy(path.as_os_str());
            s.strip_prefix("/dev/").map(str::to_string).unwrap_or(s)
        }
        None => "?".to_string(),
    };
    Row {
        cmdline: has(Attr::Cmdline)
            .then(|| p.cmdline().ok())
            .flatten()
            .map(|args| args.iter().map(|a| lossy(a)).collect()),
        cpu_times: has(Attr::CpuTimes).then(|| p.cpu_times().ok()).flatten(),
        create_time: has(Attr::CreateTime)
            .then(|| p.create_time().ok())
            .flatten(),
        memory_info: has(Attr::MemoryInfo)
            .then(|| p.memory_info().ok())
            .flatten(),
        memory_percent: has(Attr::MemoryPercent)
            .then(|| p.memory_percent(MemoryType::Rss).ok())
            .flatten(),
        name: has(Attr::Name)
            .then(|| p.name().ok().map(|n| lossy(&n)))
            .flatten(),
        nice: has(Attr::Nice).then(|| p.nice().ok()).flatten(),
        pid: p.pid(),
        status: has(Attr::Status).then(|| p.status().ok()).flatten(),
        username,
        uid,
        ppid: has(Attr::Ppid).then(|| p.ppid().ok()).flatten(),
        tty: has(Attr::Terminal)
            .then(|| p.terminal().ok().map(tty))
            .flatten(),
        num_threads: has(Attr::NumThreads)
            .then(|| p.num_threads().ok())
            .flatten(),
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

/// `sum(cpu_times)`, as ps.py adds the five fields.
fn cpu_sum(c: &ProcessCpuTimes) -> f64 {
    0.0 + c.user + c.system + c.children_user + c.children_system + c.iowait
}

/// ps.py's `TIME`: `MM:SS` of the local clock time `sum(cpu_times)` seconds after the Epoch
/// (Python's `time.localtime` floors the seconds).
pub fn time_column(cpu: Option<&ProcessCpuTimes>) -> String {
    let Some(c) = cpu else {
        return String::new();
    };
    let total = cpu_sum(c);
    if !total.is_finite() || total.abs() > 1e15 {
        return String::new();
    }
    match Local.timestamp_opt(total.floor() as i64, 0).single() {
        Some(dt) => dt.format("%M:%S").to_string(),
        None => String::new(),
    }
}

/// `ps`'s %CPU: the process's user + system time over the seconds since it started (at
/// `now`, seconds since the Epoch), in percent; 0 for a process started no earlier than
/// `now`.
pub fn lifetime_cpu_percent(row: &Row, now: f64) -> Option<f64> {
    let c = row.cpu_times.as_ref()?;
    let elapsed = now - row.create_time?;
    if elapsed > 0.0 {
        Some((c.user + c.system) / elapsed * 100.0)
    } else {
        Some(0.0)
    }
}

/// The first `n` characters of `s`.
pub fn cut(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// What the cells are computed against: today's date (for `START`) and the current time
/// in seconds since the Epoch (for `%CPU`).
#[derive(Debug, Clone, Copy)]
pub struct Now {
    /// Today, in local time.
    pub today: NaiveDate,
    /// Seconds since the Epoch.
    pub epoch: f64,
}

impl Now {
    /// The current date and time.
    pub fn current() -> Now {
        let now = Local::now();
        Now {
            today: now.date_naive(),
            epoch: now.timestamp_micros() as f64 / 1e6,
        }
    }
}

/// The text of `col` for `row` (not yet padded).
pub fn cell(col: Column, row: &Row, now: &Now) -> String {
    let round1 = |v: f64| crate::cmd::procinfo::py_round(v, 1);
    match col {
        Column::Pid => row.pid.to_string(),
        Column::Ppid => row.ppid.map(|p| p.to_string()).unwrap_or_default(),
        Column::User => match (&row.username, row.uid) {
            (Some(u), _) if !u.is_empty() => cut(u, 9).to_string(),
            (_, Some(uid)) => cut(&uid.to_string(), 9).to_string(),
            _ => String::new(),
        },
        Column::Cpu => lifetime_cpu_percent(row, now.epoch)
            .map(round1)
            .unwrap_or_default(),
        Column::Mem => row.memory_percent.map(round1).unwrap_or_default(),
        Column::Vsz => row
            .memory_info
            .as_ref()
            .map(|m| sysgauge::bytes2human(m.vms))
            .unwrap_or_default(),
        Column::Rss => row
            .memory_info
            .as_ref()
            .map(|m| sysgauge::bytes2human(m.rss))
            .unwrap_or_default(),
        Column::Tty => row.tty.clone().unwrap_or_default(),
        Column::Nice => match row.nice {
            Some(n) if n != 0 => n.to_string(),
            _ => String::new(),
        },
        Column::Status => row
            .status
            .map(|s| cut(s.as_str(), 5).to_string())
            .unwrap_or_default(),
        Column::Start => start_column(row.create_time, now.today),
        Column::Time => time_column(row.cpu_times.as_ref()),
        Column::Threads => row.num_threads.map(|n| n.to_string()).unwrap_or_default(),
        Column::Name => row.name.clone().unwrap_or_default(),
        Column::Cmdline => match &row.cmdline {
            Some(args) if !args.is_empty() => args.join(" "),
            // Python formats a missing name as "None".
            _ => row.name.clone().unwrap_or_else(|| "None".to_string()),
        },
    }
}

/// `texts` (one per column of `cols`) laid out as ps.py's template: each padded to its
/// column's width, separated by a space (two before `CMDLINE`); the last one, when
/// left-aligned, is not padded.
fn layout(cols: &[Column], texts: &[String]) -> String {
    let mut out = String::new();
    for (i, (col, text)) in cols.iter().zip(texts).enumerate() {
        if i > 0 {
            out.push_str(if *col == Column::Cmdline { "  " } else { " " });
        }
        let (width, left) = col.layout();
        let last = i + 1 == cols.len();
        if left && last {
            out.push_str(text);
        } else if left {
            out.push_str(&format!("{text:<width$}"));
        } else {
            out.push_str(&format!("{text:>width$}"));
        }
    }
    out
}

/// The line of `row` for `cols` (not yet cut to the terminal width).
pub fn line_of(cols: &[Column], row: &Row, now: &Now) -> String {
    let texts: Vec<String> = cols.iter().map(|c| cell(*c, row, now)).collect();
    layout(cols, &texts)
}

/// The header line for `cols`.
pub fn header_of(cols: &[Column]) -> String {
    let texts: Vec<String> = cols.iter().map(|c| c.header().to_string()).collect();
    layout(cols, &texts)
}

/// A value to sort on.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Num(f64),
    Text(String),
}

impl Key {
    fn cmp(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Num(a), Key::Num(b)) => a.total_cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (Key::Num(_), Key::Text(_)) => Ordering::Less,
            (Key::Text(_), Key::Num(_)) => Ordering::Greater,
        }
    }
}

/// The value `col` sorts `row` by; `None` when it could not be read.
fn sort_key(col: Column, row: &Row, now: &Now) -> Option<Key> {
    let num = |v: f64| Some(Key::Num(v));
    match col {
        Column::Pid => num(row.pid.into()),
        Column::Ppid => num(row.ppid?.into()),
        Column::Cpu => num(lifetime_cpu_percent(row, now.epoch)?),
        Column::Mem => num(row.memory_percent?),
        Column::Vsz => num(row.memory_info.as_ref()?.vms as f64),
        Column::Rss => num(row.memory_info.as_ref()?.rss as f64),
        Column::Nice => num(row.nice?.into()),
        Column::Start => num(row.create_time?),
        Column::Time => num(cpu_sum(row.cpu_times.as_ref()?)),
        Column::Threads => num(row.num_threads? as f64),
        Column::Tty => Some(Key::Text(row.tty.clone()?)),
        Column::Status => Some(Key::Text(row.status?.as_str().to_string())),
        Column::User | Column::Name | Column::Cmdline => {
            let text = cell(col, row, now);
            (!text.is_empty()).then_some(Key::Text(text))
        }
    }
}

/// `items` (each with its row) sorted by `col`, descending when `descending`; equal
/// values keep their order, and a missing value counts as the smallest.
fn sort_rows<T>(items: Vec<(Row, T)>, col: Column, descending: bool, now: &Now) -> Vec<(Row, T)> {
    let order = |a: &Option<Key>, b: &Option<Key>| match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let mut keyed: Vec<(Option<Key>, (Row, T))> = items
        .into_iter()
        .map(|item| (sort_key(col, &item.0, now), item))
        .collect();
    // A stable sort: ties stay in pid order, in either direction.
    keyed.sort_by(|(a, _), (b, _)| {
        let o = order(a, b);
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    keyed.into_iter().map(|(_, item)| item).collect()
}

/// The attributes to fetch for `cols` plus the sort column: each once, in the order met.
fn attrs_for(cols: &[Column], sort: Option<Column>) -> Vec<Attr> {
    let mut attrs: Vec<Attr> = vec![];
    for c in cols.iter().chain(sort.as_ref()) {
        for a in c.attrs() {
            if !attrs.contains(a) {
                attrs.push(*a);
            }
        }
    }
    attrs
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

/// Lists every process: ps.py's table (or the chosen columns, in the chosen order), or
/// JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let cols = match &args.columns {
        Some(list) => parse_columns(list)?,
        None => DEFAULT_COLUMNS.to_vec(),
    };
    let sort = args.sort.as_deref().map(parse_sort).transpose()?;
    let attrs = attrs_for(&cols, sort.map(|(c, _)| c));
    // JSON shows the columns' attributes only, not those read for --sort alone.
    let shown = attrs_for(&cols, None);
    let items: Vec<(Row, Option<ProcessDict>)> = sysgauge::process_iter(&attrs, AttrValue::None)?
        .map(|p| {
            let dict = args.json.then(|| p.info()).flatten().map(|d| {
                let kept: BTreeMap<Attr, AttrValue> =
                    d.0.into_iter().filter(|(a, _)| shown.contains(a)).collect();
                ProcessDict(kept)
            });
            (row_of(&p, &attrs), dict)
        })
        .collect();
    let now = Now::current();
    let items = match sort {
        Some((col, descending)) => sort_rows(items, col, descending, &now),
        None => items,
    };
    if args.json {
        let dicts: Vec<ProcessDict> = items
            .into_iter()
            .map(|(_, d)| d.unwrap_or_default())
            .collect();
        return super::print_json(&dicts);
    }
    let width = terminal_width();
    let body = items
        .iter()
        .map(|(row, _)| cut(&line_of(&cols, row, &now), width).to_string());
    super::print_lines(std::iter::once(header_of(&cols)).chain(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_ps_py() {
        assert_eq!(
            header_of(&DEFAULT_COLUMNS),
            "USER         PID  %MEM     VSZ     RSS  NICE STATUS  START   TIME  CMDLINE"
        );
        assert_eq!(
            header_of(&parse_columns("pid,ppid,nice,rss").unwrap()),
            "  PID  PPID  NICE     RSS"
        );
        assert_eq!(
            header_of(&parse_columns("pid,name,tty").unwrap()),
            "  PID NAME            TTY"
        );
    }

    fn sample() -> Row {
        Row {
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
            ..Row::default()
        }
    }

    #[test]
    fn columns() {
        let row = sample();
        let today = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let l = line_of(&DEFAULT_COLUMNS, &row, &Now { today, epoch: 0.0 });
        // TIME depends on the local time zone's offset in minutes: check the rest.
        assert!(
            l.starts_with("averylong      2   0.1    0.0B    9.8K   -20  sleep         "),
            "{l:?}"
        );
        assert!(l.ends_with("  kthreadd"), "{l:?}");
        assert_eq!(cut("héllo", 2), "hé");
        assert_eq!(cut("abc", 10), "abc");
        let now = Now { today, epoch: 35.0 };
        let cols = parse_columns("cpu,ppid,tty,threads,name,pid").unwrap();
        let row = Row {
            ppid: Some(1),
            tty: Some("pts/3".into()),
            num_threads: Some(4),
            ..row
        };
        // (1.5 + 2.0) / 35 s = 10%.
        assert_eq!(
            line_of(&cols, &row, &now),
            " 10.0     1 pts/3         4 kthreadd            2"
        );
    }

    #[test]
    fn names_and_sort() {
        assert_eq!(Column::from_name("%CPU"), Some(Column::Cpu));
        assert_eq!(Column::from_name("stat"), Some(Column::Status));
        for c in Column::ALL {
            assert_eq!(Column::from_name(c.name()), Some(c));
        }
        let e = parse_columns("pid,bogus").unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid argument: unknown column \"bogus\"; valid columns: pid, ppid, user, \
             cpu, mem, vsz, rss, tty, nice, status, start, time, threads, name, cmdline"
        );
        assert_eq!(parse_sort("-rss").unwrap(), (Column::Rss, true));
        assert_eq!(parse_sort("+pid").unwrap(), (Column::Pid, false));
        assert_eq!(parse_sort("nice").unwrap(), (Column::Nice, false));

        let now = Now {
            today: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            epoch: 0.0,
        };
        let r = |pid: i32, nice: Option<i32>| Row {
            pid,
            nice,
            ..Row::default()
        };
        let items = vec![
            (r(1, Some(0)), ()),
            (r(2, None), ()),
            (r(3, Some(5)), ()),
            (r(4, Some(0)), ()),
        ];
        let pids = |v: &[(Row, ())]| v.iter().map(|(r, _)| r.pid).collect::<Vec<_>>();
        let up = sort_rows(items.clone(), Column::Nice, false, &now);
        assert_eq!(pids(&up), [2, 1, 4, 3]);
        let down = sort_rows(items, Column::Nice, true, &now);
        assert_eq!(pids(&down), [3, 1, 4, 2]);
    }
}
