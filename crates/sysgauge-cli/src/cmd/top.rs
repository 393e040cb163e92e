//! `sysgauge top`: psutil's top.py, a live process viewer in the terminal (like htop).
//!
//! The screen, refreshed every `--delay` seconds (1 by default):
//!
//! ```text
//!  CPU0  [||||                                    ]  10.9%
//!  CPU1  [|||||                                   ]  13.1%
//!  Mem   [|||||||||||||||||||||||||||||           ]  73.0%  11.2G / 15.6G
//!  Swap  [                                        ]   1.3% 276.0M / 20.0G
//!  Processes: 347 (sleeping=273, running=1, idle=73)
//!  Load average: 1.10 1.28 1.34  Uptime: 8 days, 21:15:40
//!
//! PID    USER       NI   VIRT    RES  CPU%  MEM%     TIME+  NAME
//! 5368   giampaol    0   7.2G   4.3G  41.8  27.7  56:34.18  VirtualBox
//! 24976  giampaol    0   2.1G 487.2M  18.7   3.1  22:05.16  Web Content
//! ...
//! Sort: CPU% desc  Shown: 347/347  Delay: 1.0s   Sent SIGTERM to 22811 (Web Content)
//! qQuit PCPU% MMEM% TTIME+ NPID <>Sort IInvert /Filter Up/DnSelect kKill +-Delay
//! ```
//!
//! The last two lines are sysgauge's own: a status line (sort column and order, rows
//! shown, filter, delay, then the last message: a kill sent or refused) and the keys,
//! htop-style (each key on cyan).
//!
//! The header, as top.py writes it: one bar per logical CPU (`|` for each 2.5 %, 40 wide,
//! then `cpu_percent(percpu=True)`), memory and swap bars with `percent` and `used / total`
//! through `bytes2human`, the process count with the count of each status (running and
//! sleeping first, the others in the order first met), the load average and the uptime
//! (`[D day[s], ]H:MM:SS`). Bars are green up to 30 %, yellow up to 80 %, red above.
//! With many CPUs the bars are laid out in columns.
//!
//! The table: `PID` (left, 6), `USER` (cut to 8), `NI`, `VIRT` and `RES` (`vms` and `rss`
//! of `memory_info` through `bytes2human`), `CPU%` (`cpu_percent()` since the previous
//! refresh), `MEM%` (rss / total memory, one decimal), `TIME+` (the sum of the
//! `cpu_times()` fields as `M:SS.cc`) and `NAME`; sorted by CPU% (ties in pid order), only
//! the rows that fit are drawn. A value that cannot be read is blank (`0.0B` for sizes, as
//! top.py shows them); a process that exits between two refreshes is dropped at the next.
//!
//! Keys: `q`, Esc or Ctrl-C quit; `P` sorts by CPU%, `M` by MEM%, `T` by TIME+, `N` by
//! PID, `<` / `>` (or F6) move the sort column left / right, `I` inverts the order; `/`
//! (or F3, F4) starts a name filter (typed text, Enter applies, Esc clears); Up/Down (or
//! `K`/`j`: `k` is kill), PageUp/PageDown, Home/End move the selection; `k` (or F9) asks `Kill <pid> (<name>)?
//! [y/N]` and on `y` sends SIGTERM (`Process::terminate`; a refusal is shown on the status
//! line); `+` / `-` change the delay. The selection stays on its line as the rows move
//! (as htop's), and follows its process once it has been moved. `--sort` and `--filter`
//! set the first sort column and filter.
//!
//! Cost (measured with `bench/top_cpu.sh`: about a third of htop's CPU time with 1,000
//! processes): one [`sysgauge::Processes`] table is kept from refresh to refresh, and
//! each sweep asks every process only for what sorting and the status counts need:
//! `cpu_times` and `status`, both from `/proc/<pid>/stat`. CPU% is computed here from
//! two sweeps' CPU times (psutil's formula; `cpu_percent` would ask for the CPU count once
//! per process), MEM% from rss and one `virtual_memory()` per refresh. Name, user, nice
//! and memory are read for the rows on screen only (in one oneshot each, user names
//! cached by uid), or for every row when the sort column or the filter needs them. The
//! screen is redrawn only on a refresh or a key, and the loop sleeps in
//! `crossterm::event::poll` until the next of the two. The terminal is restored on every
//! way out, panics included, and on SIGTERM, SIGHUP and SIGINT, which then end the process
//! (the live views' [`LiveTerminal`]).
//!
//! Without a terminal, `--once` prints one frame (header and every row, no colours) and
//! `--json` one snapshot: both sample for `--interval` seconds (0.5 by default) so that
//! the CPU percentages mean something. `--json` prints the header's values and the rows
//! under psutil's names:
//!
//! ```text
//! {"cpu_percent": [10.9, 13.1], "virtual_memory": {...}, "swap_memory": {...},
//!  "getloadavg": [1.1, 1.28, 1.34], "boot_time": 1700000000.0, "uptime": 769000.5,
//!  "num_procs": 347, "procs_status": {"running": 1, "sleeping": 273, "idle": 73},
//!  "processes": [{"pid": 5368, "name": "VirtualBox", "username": "giampaolo", "nice": 0,
//!                 "status": "sleeping", "cpu_percent": 41.8, "memory_percent": 27.7,
//!                 "memory_info": {...}, "cpu_times": {...}}, ...]}
//! ```
//!
//! Deviations from top.py: `TIME+` counts all the minutes (top.py drops the hours) and
//! writes the hundredths with two digits (top.py writes the first two digits of the
//! microseconds, so 1.05 s is `0:01.50` there); a refused `nice` is blank (top.py would
//! fail); top.py's `psutil.bytes2human` is `psutil._common.bytes2human` in psutil 7.2.2.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use serde::Serialize;
use sysgauge::{
    Attr, AttrValue, CpuSampler, MemoryInfo, Process, ProcessCpuTimes, Processes, Status,
    SwapMemory, VirtualMemory,
};

use super::live::{LiveTerminal, Term};

/// Options of `sysgauge top`.
#[derive(clap::Args)]
pub struct Args {
    /// Print one snapshot as JSON (after sampling for --interval seconds) and exit.
    #[arg(long)]
    pub json: bool,
    /// Print one frame as text (header and every row) and exit; needs no terminal.
    #[arg(long, conflicts_with = "json")]
    pub once: bool,
    /// Seconds between refreshes of the live view.
    #[arg(short, long, default_value_t = 1.0, value_name = "SECONDS")]
    pub delay: f64,
    /// Seconds sampled by --once and --json before they print.
    #[arg(long, default_value_t = 0.5, value_name = "SECONDS")]
    pub interval: f64,
    /// The column the rows are sorted by (each in its natural order: numbers largest
    /// first, PID, USER, NI and NAME smallest first).
    #[arg(long, value_enum, default_value_t = SortKey::Cpu)]
    pub sort: SortKey,
    /// Show only the processes whose name contains this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
}

/// A column of the table, to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortKey {
    /// PID, smallest first.
    Pid,
    /// USER, alphabetical.
    User,
    /// NI, smallest first.
    Nice,
    /// VIRT, largest first.
    Virt,
    /// RES, largest first.
    Res,
    /// CPU%, largest first.
    Cpu,
    /// MEM%, largest first.
    Mem,
    /// TIME+, largest first.
    Time,
    /// NAME, alphabetical.
    Name,
}

impl SortKey {
    /// The columns, left to right.
    const ALL: [SortKey; 9] = [
        SortKey::Pid,
        SortKey::User,
        SortKey::Nice,
        SortKey::Virt,
        SortKey::Res,
        SortKey::Cpu,
        SortKey::Mem,
        SortKey::Time,
        SortKey::Name,
    ];

    /// The column's title in the table header.
    fn title(self) -> &'static str {
        match self {
            SortKey::Pid => "PID",
            SortKey::User => "USER",
            SortKey::Nice => "NI",
            SortKey::Virt => "VIRT",
            SortKey::Res => "RES",
            SortKey::Cpu => "CPU%",
            SortKey::Mem => "MEM%",
            SortKey::Time => "TIME+",
            SortKey::Name => "NAME",
        }
    }

    /// True for the columns shown largest first by default.
    fn descending(self) -> bool {
        matches!(
            self,
            SortKey::Virt | SortKey::Res | SortKey::Cpu | SortKey::Mem | SortKey::Time
        )
    }

    /// The column `step` places to the right (negative: left), wrapping around.
    fn shifted(self, step: isize) -> SortKey {
        let n = SortKey::ALL.len() as isize;
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0) as isize;
        SortKey::ALL[(i + step).rem_euclid(n) as usize]
    }
}

/// A row's values that are read only when needed (for the rows on screen, or for every
/// row when the sort column or the filter needs them): bits of [`Row::have`].
const F_NAME: u8 = 1;
/// The user name.
const F_USER: u8 = 2;
/// The nice value.
const F_NICE: u8 = 4;
/// `memory_info` (VIRT, RES, MEM%).
const F_MEM: u8 = 8;
/// All of them.
const F_ALL: u8 = F_NAME | F_USER | F_NICE | F_MEM;

/// The attributes a sweep asks for: CPU times (for CPU% and TIME+) and status (for the
/// counts) of every process, both from `/proc/<pid>/stat`; and the attributes of `bits`.
/// MEM% is computed here from rss (`memory_percent` would read `/proc/meminfo` once per
/// process) and CPU% from the CPU times of two sweeps (`cpu_percent` asks for the CPU
/// count once per process).
fn attrs_for(bits: u8) -> Vec<Attr> {
    let mut attrs = vec![Attr::CpuTimes, Attr::Status];
    for (bit, attr) in [
        (F_NAME, Attr::Name),
        (F_USER, Attr::Username),
        (F_NICE, Attr::Nice),
        (F_MEM, Attr::MemoryInfo),
    ] {
        if bits & bit != 0 {
            attrs.push(attr);
        }
    }
    attrs
}

/// One process as top.py shows it (psutil's `as_dict` for its attributes); `None` where
/// the value was refused (or not read: see [`Row::have`]).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The pid.
    pub pid: i32,
    /// The name (lossy UTF-8); empty when refused.
    pub name: String,
    /// The user name (lossy UTF-8).
    pub username: Option<String>,
    /// The nice value.
    pub nice: Option<i32>,
    /// The status.
    pub status: Option<Status>,
    /// CPU use since the previous refresh, in percent of one CPU.
    pub cpu_percent: Option<f64>,
    /// rss as a percentage of total memory.
    pub memory_percent: Option<f64>,
    /// Memory sizes, in bytes.
    pub memory_info: Option<MemoryInfo>,
    /// CPU times, in seconds.
    pub cpu_times: Option<ProcessCpuTimes>,
    /// The process itself, to read the rest and to send it a signal.
    #[serde(skip)]
    pub process: Option<Process>,
    /// Which of the `F_*` values have been read.
    #[serde(skip)]
    have: u8,
}

impl Row {
    /// TIME+ in seconds: the sum of the `cpu_times()` fields, as top.py adds them up.
    fn time_total(&self) -> Option<f64> {
        self.cpu_times
            .map(|c| c.user + c.system + c.children_user + c.children_system + c.iowait)
    }

    /// Reads the values of `want` not read yet, in one oneshot. A process gone
    /// meanwhile leaves them blank.
    fn fill(&mut self, want: u8, total_memory: u64, users: &mut UserCache) {
        let missing = want & !self.have;
        if missing == 0 {
            return;
        }
        if let Some(p) = self.process.clone() {
            p.oneshot(|q| self.read(q, missing, total_memory, Some(users)));
        }
        self.have |= missing;
    }

    /// Sets the values of `bits` from `p`'s getters (served from the sweep's prefetch when
    /// it asked for them). User names go through `users` when given.
    fn read(&mut self, p: &Process, bits: u8, total_memory: u64, users: Option<&mut UserCache>) {
        if bits & F_NAME != 0 {
            self.name = p.name().map(|n| lossy(&n)).unwrap_or_default();
        }
        if bits & F_USER != 0 {
            self.username = match users {
                Some(cache) => cache.name_of(p),
                None => p.username().ok().map(|u| lossy(&u)),
            };
        }
        if bits & F_NICE != 0 {
            self.nice = p.nice().ok();
        }
        if bits & F_MEM != 0 {
            self.memory_info = p.memory_info().ok();
            self.memory_percent = match self.memory_info {
                Some(m) if total_memory > 0 => Some(m.rss as f64 / total_memory as f64 * 100.0),
                _ => None,
            };
        }
        self.have |= bits;
    }
}

/// Bytes (a name) as text, invalid UTF-8 replaced.
fn lossy(s: &std::ffi::OsStr) -> String {
    String::from_utf8_lossy(s.as_encoded_bytes()).into_owned()
}

/// uid → user name, asked once per uid for the life of the view.
#[derive(Default)]
struct UserCache(HashMap<u32, Option<String>>);

impl UserCache {
    /// The user name of `p`: its real uid's name, looked up the first time the uid is
    /// met (through `p.username()`; prefetched by the sweep when it asked for it).
    fn name_of(&mut self, p: &Process) -> Option<String> {
        let Ok(ids) = p.uids() else {
            return p.username().ok().map(|u| lossy(&u));
        };
        if let Some(known) = self.0.get(&ids.real) {
            return known.clone();
        }
        let name = p.username().ok().map(|u| lossy(&u));
        if name.is_some() {
            self.0.insert(ids.real, name.clone());
        }
        name
    }
}

/// Everything one frame shows.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    /// `cpu_percent(percpu=True)` since the previous refresh.
    pub cpu_percent: Vec<f64>,
    /// `virtual_memory()`.
    pub virtual_memory: Option<VirtualMemory>,
    /// `swap_memory()`.
    pub swap_memory: Option<SwapMemory>,
    /// `getloadavg()`.
    pub getloadavg: Option<(f64, f64, f64)>,
    /// `boot_time()`, seconds since the Epoch.
    pub boot_time: Option<f64>,
    /// Seconds since boot.
    pub uptime: Option<f64>,
    /// The number of processes listed.
    pub num_procs: usize,
    /// How many processes are in each status (top.py's `procs_status`), in the order
    /// top.py prints them.
    #[serde(serialize_with = "ordered_map")]
    pub procs_status: Vec<(&'static str, usize)>,
    /// Every process, sorted as shown.
    pub processes: Vec<Row>,
}

impl Snapshot {
    fn total_memory(&self) -> u64 {
        self.virtual_memory.as_ref().map_or(0, |m| m.total)
    }
}

/// Serializes `(key, value)` pairs as a JSON object, keeping their order.
fn ordered_map<S: serde::Serializer>(
    pairs: &[(&'static str, usize)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (*k, *v)))
}

/// What is read at each refresh, kept from one to the next.
struct Sampler {
    /// The processes, kept from sweep to sweep.
    procs: Processes,
    /// The per-CPU bars' previous sample.
    cpu: CpuSampler,
    /// Each process's user + system CPU seconds at the previous sweep, by pid (with the
    /// process, whose identity includes its start time: a reused pid starts afresh).
    last_busy: HashMap<i32, (Process, f64)>,
    /// When the previous sweep started.
    last_time: Option<Instant>,
    users: UserCache,
}

impl Sampler {
    fn new() -> sysgauge::Result<Sampler> {
        Ok(Sampler {
            procs: Processes::new(),
            cpu: CpuSampler::new()?,
            last_busy: HashMap::new(),
            last_time: None,
            users: UserCache::default(),
        })
    }

    /// One refresh: the header's values and every process (in pid order), with the
    /// values of `bits` read for every process too.
    fn sample(&mut self, bits: u8) -> sysgauge::Result<Snapshot> {
        let cpu_percent = self.cpu.percent_percpu().unwrap_or_default();
        let virtual_memory = sysgauge::virtual_memory().ok();
        let swap_memory = sysgauge::swap_memory().ok();
        let total = virtual_memory.as_ref().map_or(0, |m| m.total);
        let now = Instant::now();
        let elapsed = self.last_time.map(|t| now.duration_since(t).as_secs_f64());
        let mut busy_now = HashMap::with_capacity(self.last_busy.len() + 64);
        let mut processes = Vec::with_capacity(self.last_busy.len() + 64);
        let mut procs_status: Vec<(&'static str, usize)> = Vec::new();
        for p in self.procs.iter(&attrs_for(bits), AttrValue::None)? {
            let cpu_times = p.cpu_times().ok();
            // psutil's formula: CPU seconds used per wall second since the previous
            // sample, in percent of one CPU; 0.0 the first time a process is seen.
            let cpu_percent = cpu_times.map(|c| {
                let busy = c.user + c.system;
                let prev = self
                    .last_busy
                    .get(&p.pid())
                    .filter(|(old, _)| *old == p)
                    .map(|(_, b)| *b);
                let pct = match (elapsed, prev) {
                    (Some(dt), Some(prev)) if dt > 0.0 => (busy - prev) / dt * 100.0,
                    _ => 0.0,
                };
                busy_now.insert(p.pid(), (p.clone(), busy));
                pct.max(0.0)
            });
            let status = p.status().ok();
            if let Some(st) = status {
                let name = st.as_str();
                match procs_status.iter_mut().find(|(k, _)| *k == name) {
                    Some((_, n)) => *n += 1,
                    None => procs_status.push((name, 1)),
                }
            }
            let mut row = Row {
                pid: p.pid(),
                name: String::new(),
                username: None,
                nice: None,
                status,
                cpu_percent,
                memory_percent: None,
                memory_info: None,
                cpu_times,
                process: None,
                have: 0,
            };
            // Served from the sweep's prefetch: no read.
            row.read(&p, bits, total, None);
            row.process = Some(p);
            processes.push(row);
        }
        self.last_busy = busy_now;
        self.last_time = Some(now);
        // top.py: a stable sort putting `run...` and `sle...` first.
        procs_status.sort_by_key(|(k, _)| !(k.starts_with("run") || k.starts_with("sle")));
        let boot_time = sysgauge::boot_time().ok();
        let uptime = boot_time.map(|b| (unix_now() - b).max(0.0));
        Ok(Snapshot {
            cpu_percent,
            virtual_memory,
            swap_memory,
            getloadavg: sysgauge::getloadavg().ok(),
            boot_time,
            uptime,
            num_procs: processes.len(),
            procs_status,
            processes,
        })
    }
}

/// Seconds since the Epoch, now.
fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// psutil's `round(x, 1)` (correctly rounded, as Python's).
fn round1(x: f64) -> f64 {
    format!("{x:.1}").parse().unwrap_or(x)
}

// ---------------------------------------------------------------------------------------
// Sorting and filtering

/// Orders `a` and `b` by `key` (`descending` or not); missing values last either way, ties
/// in pid order (as top.py's stable sort of a pid-ordered list).
fn compare(a: &Row, b: &Row, key: SortKey, descending: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn opt<T>(
        x: Option<T>,
        y: Option<T>,
        desc: bool,
        cmp: impl Fn(&T, &T) -> Ordering,
    ) -> Ordering {
        match (x, y) {
            (Some(x), Some(y)) => {
                let o = cmp(&x, &y);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    let f = |x: &f64, y: &f64| x.total_cmp(y);
    let primary = match key {
        SortKey::Pid => opt(Some(a.pid), Some(b.pid), descending, Ord::cmp),
        SortKey::User => opt(
            a.username.as_deref(),
            b.username.as_deref(),
            descending,
            Ord::cmp,
        ),
        SortKey::Nice => opt(a.nice, b.nice, descending, Ord::cmp),
        SortKey::Virt => opt(
            a.memory_info.map(|m| m.vms),
            b.memory_info.map(|m| m.vms),
            descending,
            Ord::cmp,
        ),
        SortKey::Res => opt(
            a.memory_info.map(|m| m.rss),
            b.memory_info.map(|m| m.rss),
            descending,
            Ord::cmp,
        ),
        SortKey::Cpu => opt(a.cpu_percent, b.cpu_percent, descending, f),
        SortKey::Mem => opt(a.memory_percent, b.memory_percent, descending, f),
        SortKey::Time => opt(a.time_total(), b.time_total(), descending, f),
        SortKey::Name => opt(Some(&a.name), Some(&b.name), descending, |x, y| x.cmp(y)),
    };
    primary.then(a.pid.cmp(&b.pid))
}

/// True when `name` contains `needle` (already lower case), ignoring case.
fn name_matches(name: &str, needle: &str) -> bool {
    needle.is_empty() || name.to_lowercase().contains(needle)
}

/// The indexes of the rows to show: those whose name matches `filter`, sorted.
fn view_of(rows: &[Row], key: SortKey, descending: bool, filter: Option<&str>) -> Vec<usize> {
    let needle = filter.map(str::to_lowercase).unwrap_or_default();
    let mut v: Vec<usize> = (0..rows.len())
        .filter(|&i| name_matches(&rows[i].name, &needle))
        .collect();
    v.sort_by(|&i, &j| compare(&rows[i], &rows[j], key, descending));
    v
}

// ---------------------------------------------------------------------------------------
// Text

/// top.py's bar: `|` for each 2.5 %, padded to 40.
fn dashes(percent: f64) -> String {
    let n = if percent.is_finite() && percent > 0.0 {
        ((percent / 10.0 * 4.0) as usize).min(40)
    } else {
        0
    };
    format!("{}{}", "|".repeat(n), " ".repeat(40 - n))
}

/// `" CPU0  [|||...   ]  10.9%"`: a bar line with a 5-wide label.
fn bar_line(label: &str, percent: f64) -> String {
    format!(" {label:<5} [{}] {percent:>5.1}%", dashes(percent))
}

/// The bar of CPU `n`.
pub fn cpu_line(n: usize, percent: f64) -> String {
    bar_line(&format!("CPU{n:<2}"), percent)
}

/// The `Mem` bar: percent, then `used / total`.
pub fn mem_line(vm: &VirtualMemory) -> String {
    format!(
        "{} {:>6} / {}",
        bar_line("Mem", vm.percent),
        sysgauge::bytes2human(vm.used),
        sysgauge::bytes2human(vm.total)
    )
}

/// The `Swap` bar: percent, then `used / total`.
pub fn swap_line(sw: &SwapMemory) -> String {
    format!(
        "{} {:>6} / {}",
        bar_line("Swap", sw.percent),
        sysgauge::bytes2human(sw.used),
        sysgauge::bytes2human(sw.total)
    )
}

/// `" Processes: N (sleeping=.., running=..)"`.
pub fn processes_line(num: usize, status: &[(&str, usize)]) -> String {
    let parts: Vec<String> = status
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{k}={n}"))
        .collect();
    format!(" Processes: {num} ({})", parts.join(", "))
}

/// Python's `str(timedelta(seconds=s))` without the fraction: `[D day[s], ]H:MM:SS`.
pub fn uptime_text(seconds: f64) -> String {
    let s = if seconds.is_finite() && seconds > 0.0 {
        seconds as u64
    } else {
        0
    };
    let (days, rest) = (s / 86_400, s % 86_400);
    let hms = format!("{}:{:02}:{:02}", rest / 3600, rest / 60 % 60, rest % 60);
    match days {
        0 => hms,
        1 => format!("1 day, {hms}"),
        d => format!("{d} days, {hms}"),
    }
}

/// `" Load average: 1.10 1.28 1.34  Uptime: 8 days, 21:15:40"`.
pub fn load_line(load: Option<(f64, f64, f64)>, uptime: Option<f64>) -> String {
    let load = match load {
        Some((a, b, c)) => format!("{a:.2} {b:.2} {c:.2}"),
        None => "? ? ?".to_string(),
    };
    let up = uptime.map(uptime_text).unwrap_or_else(|| "?".into());
    format!(" Load average: {load}  Uptime: {up}")
}

/// TIME+: CPU seconds as `M:SS.cc` (all the minutes, hundredths rounded down).
pub fn time_plus(seconds: f64) -> String {
    let cs = if seconds.is_finite() && seconds > 0.0 {
        // Tick counts divided by 100 are not exact in binary: nudge before flooring.
        (seconds * 100.0 + 1e-6).floor() as u64
    } else {
        0
    };
    format!("{}:{:02}.{:02}", cs / 6000, cs / 100 % 60, cs % 100)
}

/// The table's header line.
pub fn table_header() -> String {
    format!(
        "{:<6} {:<8} {:>4} {:>6} {:>6} {:>5} {:>5} {:>9}  {:>2}",
        "PID", "USER", "NI", "VIRT", "RES", "CPU%", "MEM%", "TIME+", "NAME"
    )
}

/// The first `n` characters of `s`.
fn cut(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// Writes `row`'s table line into `out` (cleared first).
pub fn row_line_into(row: &Row, out: &mut String) {
    out.clear();
    let user = row.username.as_deref().map_or("", |u| cut(u, 8));
    let (vms, rss) = row.memory_info.map_or((0, 0), |m| (m.vms, m.rss));
    let _ = write!(out, "{:<6} {:<8} ", row.pid, user);
    match row.nice {
        Some(n) => {
            let _ = write!(out, "{n:>4} ");
        }
        None => out.push_str("     "),
    }
    let _ = write!(
        out,
        "{:>6} {:>6} ",
        sysgauge::bytes2human(vms),
        sysgauge::bytes2human(rss)
    );
    match row.cpu_percent {
        Some(c) => {
            let _ = write!(out, "{c:>5.1} ");
        }
        None => out.push_str("      "),
    }
    match row.memory_percent {
        Some(m) => {
            let _ = write!(out, "{m:>5.1} ");
        }
        None => out.push_str("      "),
    }
    let time = row.time_total().map(time_plus).unwrap_or_default();
    let _ = write!(out, "{time:>9}  {:>2}", row.name);
}

/// `row`'s table line.
pub fn row_line(row: &Row) -> String {
    let mut s = String::new();
    row_line_into(row, &mut s);
    s
}

/// top.py's colour for a percentage.
fn color_of(percent: f64) -> Color {
    if percent <= 30.0 {
        Color::Green
    } else if percent <= 80.0 {
        Color::Yellow
    } else {
        Color::Red
    }
}

/// The header lines (CPU bars one a line) with their colours.
fn header_lines(s: &Snapshot) -> Vec<(String, Option<Color>)> {
    let mut out: Vec<(String, Option<Color>)> = s
        .cpu_percent
        .iter()
        .enumerate()
        .map(|(i, p)| (cpu_line(i, *p), Some(color_of(*p))))
        .collect();
    match &s.virtual_memory {
        Some(vm) => out.push((mem_line(vm), Some(color_of(vm.percent)))),
        None => out.push((" Mem   ?".into(), None)),
    }
    match &s.swap_memory {
        Some(sw) => out.push((swap_line(sw), Some(color_of(sw.percent)))),
        None => out.push((" Swap  ?".into(), None)),
    }
    out.push((processes_line(s.num_procs, &s.procs_status), None));
    out.push((load_line(s.getloadavg, s.uptime), None));
    out
}

/// One frame as text: the header, a blank line, the table header and every row shown.
pub fn frame_text(s: &Snapshot, view: &[usize]) -> Vec<String> {
    let mut lines: Vec<String> = header_lines(s).into_iter().map(|(l, _)| l).collect();
    lines.push(String::new());
    lines.push(table_header());
    lines.extend(view.iter().map(|&i| row_line(&s.processes[i])));
    lines
}

/// The values every row needs, beyond CPU times and status: those of the sort column,
/// and the name when a filter is set.
fn needed(sort: SortKey, filter: bool) -> u8 {
    let column = match sort {
        SortKey::User => F_USER,
        SortKey::Nice => F_NICE,
        SortKey::Virt | SortKey::Res | SortKey::Mem => F_MEM,
        SortKey::Name => F_NAME,
        SortKey::Pid | SortKey::Cpu | SortKey::Time => 0,
    };
    if filter {
        column | F_NAME
    } else {
        column
    }
}

/// Samples for `interval` and returns the snapshot, rows sorted and filtered.
fn snapshot_after(args: &Args) -> sysgauge::Result<(Snapshot, Vec<usize>)> {
    let interval = seconds_arg("--interval", args.interval, 0.0)?;
    let mut sampler = Sampler::new()?;
    // The first sweep only records each process's CPU time.
    sampler.sample(0)?;
    std::thread::sleep(interval);
    let mut snap = sampler.sample(F_ALL)?;
    for row in &mut snap.processes {
        row.cpu_percent = row.cpu_percent.map(round1);
    }
    let view = view_of(
        &snap.processes,
        args.sort,
        args.sort.descending(),
        args.filter.as_deref(),
    );
    Ok((snap, view))
}

/// `value` as a duration, or an [`sysgauge::Error::InvalidArgument`] naming `flag`.
fn seconds_arg(flag: &str, value: f64, min: f64) -> sysgauge::Result<Duration> {
    if !value.is_finite() || value < min || value > 86_400.0 {
        return Err(sysgauge::Error::InvalidArgument(format!(
            "{flag} must be a number of seconds from {min} to 86400 (got {value})"
        )));
    }
    Ok(Duration::from_secs_f64(value))
}

/// Runs `sysgauge top`: the live view, or one frame (`--once`) or snapshot (`--json`).
pub fn run(args: &Args) -> sysgauge::Result<()> {
    if args.json || args.once {
        let (mut snap, view) = snapshot_after(args)?;
        if args.json {
            let rows: Vec<Row> = view.iter().map(|&i| snap.processes[i].clone()).collect();
            snap.processes = rows;
            return super::print_json(&snap);
        }
        return super::print_lines(frame_text(&snap, &view));
    }
    let delay = seconds_arg("--delay", args.delay, 0.1)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(sysgauge::Error::InvalidArgument(
            "the live view needs a terminal (use --once or --json)".into(),
        ));
    }
    let mut app = App::new(args, delay)?;
    let mut term =
        LiveTerminal::enter().map_err(|e| io_error("could not set up the terminal", e))?;
    let result = app.main_loop(&mut term.terminal);
    drop(term);
    result
}

/// An I/O error on the terminal as a sysgauge error.
fn io_error(what: &str, e: std::io::Error) -> sysgauge::Error {
    sysgauge::Error::Io {
        path: format!("terminal ({what})").into(),
        source: e,
    }
}

// ---------------------------------------------------------------------------------------
// The live view

/// What the keys do at the moment.
enum Mode {
    /// Moving, sorting.
    Normal,
    /// Typing a filter.
    Filter(String),
    /// Waiting for `y` to kill a process.
    ConfirmKill {
        pid: i32,
        name: String,
        process: Option<Process>,
    },
}

/// The state of the live view.
struct App {
    sampler: Sampler,
    snap: Snapshot,
    sort: SortKey,
    descending: bool,
    filter: Option<String>,
    mode: Mode,
    /// Indexes into `snap.processes`, in display order.
    view: Vec<usize>,
    /// The selected line of `view`, and its pid.
    selected: usize,
    selected_pid: Option<i32>,
    /// Whether the selection follows its process when the rows move (once the user moved
    /// it); otherwise it stays on its line, as htop's does.
    follow: bool,
    /// The first line of `view` on screen.
    offset: usize,
    /// How many rows the table had room for at the last draw.
    page: usize,
    /// A message for the status line, and whether it is an error.
    message: Option<(String, bool)>,
    delay: Duration,
    /// A delay changed by a key, not yet used to reschedule the next refresh.
    delay_changed: Option<Duration>,
    /// A reusable line buffer.
    line: String,
}

/// What a key asked for.
enum Action {
    None,
    Redraw,
    Quit,
}

impl App {
    fn new(args: &Args, delay: Duration) -> sysgauge::Result<App> {
        let mut sampler = Sampler::new()?;
        let filter = args.filter.clone().filter(|f| !f.is_empty());
        let snap = sampler.sample(needed(args.sort, filter.is_some()))?;
        let mut app = App {
            sampler,
            snap,
            sort: args.sort,
            descending: args.sort.descending(),
            filter,
            mode: Mode::Normal,
            view: Vec::new(),
            selected: 0,
            selected_pid: None,
            follow: false,
            offset: 0,
            page: 20,
            message: None,
            delay,
            delay_changed: None,
            line: String::new(),
        };
        app.rebuild_view();
        Ok(app)
    }

    /// Re-sorts and re-filters; a followed selection stays on its process while it is
    /// shown.
    fn rebuild_view(&mut self) {
        // A new sort column or filter may need values the last sweep did not read.
        let bits = needed(self.sort, self.filter.is_some());
        let total = self.snap.total_memory();
        for row in &mut self.snap.processes {
            row.fill(bits, total, &mut self.sampler.users);
        }
        self.view = view_of(
            &self.snap.processes,
            self.sort,
            self.descending,
            self.filter.as_deref(),
        );
        if let (true, Some(pid)) = (self.follow, self.selected_pid) {
            match self
                .view
                .iter()
                .position(|&r| self.snap.processes[r].pid == pid)
            {
                Some(i) => self.selected = i,
                None => self.follow = false,
            }
        }
        self.clamp_selection();
    }

    fn clamp_selection(&mut self) {
        if self.view.is_empty() {
            self.selected = 0;
            self.selected_pid = None;
            return;
        }
        self.selected = self.selected.min(self.view.len() - 1);
        self.selected_pid = Some(self.snap.processes[self.view[self.selected]].pid);
    }

    fn move_selection(&mut self, delta: isize) {
        self.follow = true;
        let last = self.view.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
        self.clamp_selection();
    }

    fn refresh(&mut self) -> sysgauge::Result<()> {
        self.snap = self
            .sampler
            .sample(needed(self.sort, self.filter.is_some()))?;
        self.rebuild_view();
        Ok(())
    }

    fn set_sort(&mut self, key: SortKey) {
        self.sort = key;
        self.descending = key.descending();
        self.rebuild_view();
    }

    fn main_loop(&mut self, term: &mut Term) -> sysgauge::Result<()> {
        let mut next_tick = Instant::now() + self.delay;
        let mut dirty = true;
        loop {
            if dirty {
                term.draw(|f| {
                    let area = f.area();
                    self.draw(f.buffer_mut(), area);
                })
                .map_err(|e| io_error("draw", e))?;
                dirty = false;
            }
            let now = Instant::now();
            if now >= next_tick {
                self.refresh()?;
                next_tick += self.delay;
                if next_tick <= now {
                    next_tick = now + self.delay;
                }
                dirty = true;
                continue;
            }
            if !event::poll(next_tick - now).map_err(|e| io_error("poll", e))? {
                continue;
            }
            // Handle every event already waiting, then draw once.
            loop {
                let ev = event::read().map_err(|e| io_error("read", e))?;
                match ev {
                    Event::Key(k) if k.kind != KeyEventKind::Release => match self.on_key(k) {
                        Action::Quit => return Ok(()),
                        Action::Redraw => dirty = true,
                        Action::None => {}
                    },
                    Event::Resize(..) => {
                        term.autoresize().map_err(|e| io_error("resize", e))?;
                        dirty = true;
                    }
                    _ => {}
                }
                if !event::poll(Duration::ZERO).map_err(|e| io_error("poll", e))? {
                    break;
                }
            }
            if let Some(d) = self.take_delay_change() {
                next_tick = Instant::now() + d;
            }
        }
    }

    /// A new delay set by `+`/`-` since the last call, to reschedule the next refresh.
    fn take_delay_change(&mut self) -> Option<Duration> {
        self.delay_changed.take()
    }

    fn on_key(&mut self, k: KeyEvent) -> Action {
        if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Filter(mut text) => {
                match k.code {
                    KeyCode::Enter => {
                        self.filter = Some(text).filter(|t| !t.is_empty());
                        self.selected = 0;
                        self.offset = 0;
                        self.follow = false;
                        self.rebuild_view();
                    }
                    KeyCode::Esc => {
                        self.filter = None;
                        self.rebuild_view();
                    }
                    KeyCode::Backspace => {
                        text.pop();
                        self.mode = Mode::Filter(text);
                    }
                    KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                        text.push(c);
                        self.mode = Mode::Filter(text);
                    }
                    _ => self.mode = Mode::Filter(text),
                }
                Action::Redraw
            }
            Mode::ConfirmKill { pid, name, process } => {
                if matches!(k.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    let sent = match &process {
                        Some(p) => p.terminate(),
                        None => sysgauge::Process::new(pid).and_then(|p| p.terminate()),
                    };
                    self.message = Some(match sent {
                        Ok(()) => (format!("Sent SIGTERM to {pid} ({name})"), false),
                        Err(e) => (format!("kill {pid} ({name}): {e}"), true),
                    });
                } else {
                    self.message = Some(("Kill cancelled".into(), false));
                }
                Action::Redraw
            }
            Mode::Normal => self.on_normal_key(k),
        }
    }

    fn on_normal_key(&mut self, k: KeyEvent) -> Action {
        let page = self.page.max(1) as isize;
        // A message stays until the next key.
        let had_message = self.message.take().is_some();
        match k.code {
            KeyCode::Char('q') | KeyCode::Esc | KeyCode::F(10) => return Action::Quit,
            KeyCode::Char('P') => self.set_sort(SortKey::Cpu),
            KeyCode::Char('M') => self.set_sort(SortKey::Mem),
            KeyCode::Char('T') => self.set_sort(SortKey::Time),
            KeyCode::Char('N') => self.set_sort(SortKey::Pid),
            KeyCode::Char('<') | KeyCode::Char(',') => self.set_sort(self.sort.shifted(-1)),
            KeyCode::Char('>') | KeyCode::Char('.') | KeyCode::F(6) => {
                self.set_sort(self.sort.shifted(1))
            }
            KeyCode::Char('I') => {
                self.descending = !self.descending;
                self.rebuild_view();
            }
            KeyCode::Char('/') | KeyCode::F(3) | KeyCode::F(4) => {
                self.mode = Mode::Filter(self.filter.clone().unwrap_or_default());
            }
            KeyCode::Up | KeyCode::Char('K') => self.move_selection(-1),
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Char('J') => self.move_selection(1),
            KeyCode::PageUp => self.move_selection(-page),
            KeyCode::PageDown | KeyCode::Char(' ') => self.move_selection(page),
            KeyCode::Home | KeyCode::Char('g') => self.move_selection(isize::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => self.move_selection(isize::MAX / 2),
            KeyCode::Char('k') | KeyCode::F(9) => match self.view.get(self.selected) {
                Some(&i) => {
                    let row = &self.snap.processes[i];
                    self.mode = Mode::ConfirmKill {
                        pid: row.pid,
                        name: row.name.clone(),
                        process: row.process.clone(),
                    };
                }
                None => self.message = Some(("No process selected".into(), true)),
            },
            KeyCode::Char('+') | KeyCode::Char('=') => self.change_delay(true),
            KeyCode::Char('-') => self.change_delay(false),
            _ if had_message => return Action::Redraw,
            _ => return Action::None,
        }
        Action::Redraw
    }

    fn change_delay(&mut self, longer: bool) {
        let ms = self.delay.as_millis() as u64;
        let steps = [100u64, 200, 500, 1000, 2000, 3000, 5000, 10_000];
        let next = if longer {
            steps.iter().copied().find(|s| *s > ms).unwrap_or(10_000)
        } else {
            steps.iter().rev().copied().find(|s| *s < ms).unwrap_or(100)
        };
        self.delay = Duration::from_millis(next);
        self.delay_changed = Some(self.delay);
    }

    /// Draws the whole screen into `buf` (only the rows that fit are formatted).
    fn draw(&mut self, buf: &mut Buffer, area: Rect) {
        let (w, h) = (area.width, area.height);
        if w == 0 || h == 0 {
            return;
        }
        let mut y = 0u16;
        let put = |buf: &mut Buffer, x: u16, y: u16, text: &str, style: Style| {
            if y < h && x < w {
                buf.set_stringn(x, y, text, usize::from(w - x), style);
            }
        };
        // CPU bars: one a line, or in columns when there are many and room for them.
        let n = self.snap.cpu_percent.len();
        const BAR_W: u16 = 57;
        let cols = if n > 8 { (w / BAR_W).clamp(1, 4) } else { 1 };
        let per_col = n.div_ceil(usize::from(cols)).max(1);
        for (i, p) in self.snap.cpu_percent.iter().enumerate() {
            let (col, line) = ((i / per_col) as u16, (i % per_col) as u16);
            put(
                buf,
                col * BAR_W,
                y + line,
                &cpu_line(i, *p),
                Style::default().fg(color_of(*p)),
            );
        }
        y = y.saturating_add(per_col.min(n) as u16);
        for (text, color) in header_lines(&self.snap).into_iter().skip(n) {
            let style = color.map_or(Style::default(), |c| Style::default().fg(c));
            put(buf, 0, y, &text, style);
            y = y.saturating_add(1);
        }
        y = y.saturating_add(1);
        // The table header, the sort column marked.
        let header = table_header();
        let head_style = Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED);
        if y < h {
            buf.set_style(Rect::new(0, y, w, 1), head_style);
            put(buf, 0, y, &header, head_style);
            if let Some(x) = header.find(self.sort.title()) {
                let sort_style = Style::default()
                    .fg(Color::Black)
                    .bg(Color::Cyan)
                    .add_modifier(Modifier::BOLD);
                put(buf, x as u16, y, self.sort.title(), sort_style);
            }
        }
        y = y.saturating_add(1);
        // The rows that fit between the header and the two bottom lines.
        let table_h = usize::from(h.saturating_sub(2).saturating_sub(y));
        self.page = table_h;
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if table_h > 0 && self.selected >= self.offset + table_h {
            self.offset = self.selected + 1 - table_h;
        }
        self.offset = self.offset.min(self.view.len().saturating_sub(table_h));
        let selected_style = Style::default().fg(Color::Black).bg(Color::Cyan);
        let total = self.snap.total_memory();
        for &i in self.view.iter().skip(self.offset).take(table_h) {
            self.snap.processes[i].fill(F_ALL, total, &mut self.sampler.users);
        }
        let mut line = std::mem::take(&mut self.line);
        for (k, &i) in self.view.iter().enumerate().skip(self.offset).take(table_h) {
            let row_y = y + (k - self.offset) as u16;
            row_line_into(&self.snap.processes[i], &mut line);
            let style = if k == self.selected {
                buf.set_style(Rect::new(0, row_y, w, 1), selected_style);
                selected_style
            } else {
                Style::default()
            };
            put(buf, 0, row_y, &line, style);
        }
        self.line = line;
        // The status line and the keys.
        if h >= 2 {
            self.draw_status(buf, h - 2, w);
        }
        self.draw_keys(buf, h - 1, w);
    }

    fn draw_status(&self, buf: &mut Buffer, y: u16, w: u16) {
        let width = usize::from(w);
        match &self.mode {
            Mode::Filter(text) => {
                let s = format!("Filter: {text}_   (Enter applies, Esc clears)");
                buf.set_stringn(
                    0,
                    y,
                    &s,
                    width,
                    Style::default().fg(Color::Black).bg(Color::Yellow),
                );
            }
            Mode::ConfirmKill { pid, name, .. } => {
                let s = format!("Kill {pid} ({name})? [y/N]");
                buf.set_stringn(
                    0,
                    y,
                    &s,
                    width,
                    Style::default()
                        .fg(Color::White)
                        .bg(Color::Red)
                        .add_modifier(Modifier::BOLD),
                );
            }
            Mode::Normal => {
                let order = if self.descending { "desc" } else { "asc" };
                let mut s = format!(
                    "Sort: {} {order}  Shown: {}/{}",
                    self.sort.title(),
                    self.view.len(),
                    self.snap.processes.len()
                );
                if let Some(f) = &self.filter {
                    let _ = write!(s, "  Filter: {f}");
                }
                let _ = write!(s, "  Delay: {:.1}s", self.delay.as_secs_f64());
                buf.set_stringn(0, y, &s, width, Style::default().fg(Color::Cyan));
                if let Some((msg, error)) = &self.message {
                    let x = s.len() + 3;
                    if x < width {
                        let style = if *error {
                            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
                        } else {
                            Style::default().add_modifier(Modifier::BOLD)
                        };
                        buf.set_stringn(x as u16, y, msg, width - x, style);
                    }
                }
            }
        }
    }

    fn draw_keys(&self, buf: &mut Buffer, y: u16, w: u16) {
        const KEYS: [(&str, &str); 11] = [
            ("q", "Quit"),
            ("P", "CPU%"),
            ("M", "MEM%"),
            ("T", "TIME+"),
            ("N", "PID"),
            ("<>", "Sort"),
            ("I", "Invert"),
            ("/", "Filter"),
            ("Up/Dn", "Select"),
            ("k", "Kill"),
            ("+-", "Delay"),
        ];
        let key_style = Style::default().fg(Color::Black).bg(Color::Cyan);
        let mut x = 0u16;
        for (key, label) in KEYS {
            if x >= w {
                break;
            }
            let (after, _) = buf.set_stringn(x, y, key, usize::from(w - x), key_style);
            x = after;
            if x >= w {
                break;
            }
            let text = format!("{label} ");
            let (after, _) = buf.set_stringn(x, y, &text, usize::from(w - x), Style::default());
            x = after;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vm(total: u64, used: u64, percent: f64) -> VirtualMemory {
        VirtualMemory {
            total,
            available: total - used,
            percent,
            used,
            free: total - used,
            active: 0,
            inactive: 0,
            buffers: 0,
            cached: 0,
            shared: 0,
            slab: 0,
        }
    }

    fn row(pid: i32, cpu: Option<f64>, mem: Option<f64>, time: f64, name: &str) -> Row {
        Row {
            pid,
            name: name.into(),
            username: Some("giampaolo".into()),
            nice: Some(0),
            status: Some(Status::Sleeping),
            cpu_percent: cpu,
            memory_percent: mem,
            memory_info: Some(MemoryInfo {
                rss: 4_617_089_843,
                vms: 7_730_941_132,
                shared: 0,
                text: 0,
                lib: 0,
                data: 0,
                dirty: 0,
            }),
            cpu_times: Some(ProcessCpuTimes {
                user: time,
                system: 0.0,
                children_user: 0.0,
                children_system: 0.0,
                iowait: 0.0,
            }),
            process: None,
            have: F_ALL,
        }
    }

    // The expected strings below are what top.py's format strings give in Python.
    #[test]
    fn header_lines_are_top_py() {
        assert_eq!(
            cpu_line(0, 10.9),
            " CPU0  [||||                                    ]  10.9%"
        );
        assert_eq!(
            cpu_line(12, 100.0),
            " CPU12 [||||||||||||||||||||||||||||||||||||||||] 100.0%"
        );
        assert_eq!(
            mem_line(&vm(16_710_000_000, 11_552_000_000, 73.0)),
            " Mem   [|||||||||||||||||||||||||||||           ]  73.0%  10.8G / 15.6G"
        );
        let sw = SwapMemory {
            total: 21_461_000_000,
            used: 289_406_976,
            free: 0,
            percent: 1.3,
            sin: 0,
            sout: 0,
        };
        assert_eq!(
            swap_line(&sw),
            " Swap  [                                        ]   1.3% 276.0M / 20.0G"
        );
        assert_eq!(
            load_line(Some((1.1, 1.28, 1.345)), Some(11_503.9)),
            " Load average: 1.10 1.28 1.34  Uptime: 3:11:43"
        );
        assert_eq!(
            processes_line(347, &[("sleeping", 273), ("running", 1), ("idle", 73)]),
            " Processes: 347 (sleeping=273, running=1, idle=73)"
        );
        assert_eq!(processes_line(0, &[]), " Processes: 0 ()");
    }

    #[test]
    fn bars_are_clamped() {
        assert_eq!(dashes(0.0), " ".repeat(40));
        assert_eq!(dashes(-3.0), " ".repeat(40));
        assert_eq!(dashes(f64::NAN), " ".repeat(40));
        assert_eq!(dashes(250.0), "|".repeat(40));
        // int(2.5 / 10 * 4) == 1, int(2.4 / 10 * 4) == 0
        assert_eq!(dashes(2.5).trim_end(), "|");
        assert_eq!(dashes(2.4).trim_end(), "");
    }

    #[test]
    fn uptime_is_timedelta_str() {
        assert_eq!(uptime_text(59.9), "0:00:59");
        assert_eq!(uptime_text(86_405.0), "1 day, 0:00:05");
        assert_eq!(
            uptime_text((8 * 86_400 + 21 * 3600 + 15 * 60) as f64 + 40.5),
            "8 days, 21:15:40"
        );
        assert_eq!(uptime_text(-1.0), "0:00:00");
    }

    #[test]
    fn time_plus_is_minutes_seconds_hundredths() {
        assert_eq!(time_plus(0.0), "0:00.00");
        assert_eq!(time_plus(0.05), "0:00.05");
        assert_eq!(time_plus(1.05), "0:01.05");
        assert_eq!(time_plus(0.29), "0:00.29");
        assert_eq!(time_plus(3394.18), "56:34.18");
        // Hours are counted in minutes.
        assert_eq!(time_plus(3.0 * 3600.0 + 61.5), "181:01.50");
        assert_eq!(time_plus(f64::NAN), "0:00.00");
    }

    #[test]
    fn table_lines_are_top_py() {
        assert_eq!(
            table_header(),
            "PID    USER       NI   VIRT    RES  CPU%  MEM%     TIME+  NAME"
        );
        let r = row(5368, Some(41.8), Some(27.73), 3394.18, "VirtualBox");
        assert_eq!(
            row_line(&r),
            "5368   giampaol    0   7.2G   4.3G  41.8  27.7  56:34.18  VirtualBox"
        );
        let mut k = row(2, Some(0.0), Some(0.0), 0.0, "kthreadd");
        k.username = Some("root".into());
        k.nice = Some(-20);
        k.memory_info = None;
        assert_eq!(
            row_line(&k),
            "2      root      -20   0.0B   0.0B   0.0   0.0   0:00.00  kthreadd"
        );
        // Refused values are blank.
        k.username = None;
        k.nice = None;
        k.cpu_percent = None;
        k.memory_percent = None;
        k.cpu_times = None;
        assert_eq!(
            row_line(&k),
            "2                      0.0B   0.0B                        kthreadd"
        );
    }

    #[test]
    fn sorting() {
        let rows = vec![
            row(30, Some(1.0), Some(5.0), 10.0, "b"),
            row(10, Some(50.0), None, 2.0, "A"),
            row(20, Some(1.0), Some(9.0), 99.0, "c"),
            row(40, None, Some(1.0), 0.5, "bb"),
        ];
        let pids = |v: Vec<usize>| v.into_iter().map(|i| rows[i].pid).collect::<Vec<_>>();
        // Ties in pid order, missing values last.
        assert_eq!(
            pids(view_of(&rows, SortKey::Cpu, true, None)),
            [10, 20, 30, 40]
        );
        assert_eq!(
            pids(view_of(&rows, SortKey::Cpu, false, None)),
            [20, 30, 10, 40]
        );
        assert_eq!(
            pids(view_of(&rows, SortKey::Mem, true, None)),
            [20, 30, 40, 10]
        );
        assert_eq!(
            pids(view_of(&rows, SortKey::Time, true, None)),
            [20, 30, 10, 40]
        );
        assert_eq!(
            pids(view_of(&rows, SortKey::Pid, false, None)),
            [10, 20, 30, 40]
        );
        assert_eq!(
            pids(view_of(&rows, SortKey::Name, false, None)),
            [10, 30, 40, 20]
        );
        // The filter ignores case.
        assert_eq!(
            pids(view_of(&rows, SortKey::Pid, false, Some("B"))),
            [30, 40]
        );
        assert_eq!(pids(view_of(&rows, SortKey::Pid, false, Some("a"))), [10]);
        assert_eq!(SortKey::Pid.shifted(-1), SortKey::Name);
        assert_eq!(SortKey::Name.shifted(1), SortKey::Pid);
        assert_eq!(SortKey::Cpu.shifted(1), SortKey::Mem);
    }

    #[test]
    fn needed_values() {
        assert_eq!(needed(SortKey::Cpu, false), 0);
        assert_eq!(needed(SortKey::Mem, false), F_MEM);
        assert_eq!(needed(SortKey::Res, true), F_MEM | F_NAME);
        assert_eq!(needed(SortKey::User, false), F_USER);
        assert_eq!(
            attrs_for(F_ALL),
            [
                Attr::CpuTimes,
                Attr::Status,
                Attr::Name,
                Attr::Username,
                Attr::Nice,
                Attr::MemoryInfo
            ]
        );
    }

    #[test]
    fn rounding() {
        assert_eq!(round1(0.25), 0.2);
        assert_eq!(round1(99.95), 100.0);
    }
}
