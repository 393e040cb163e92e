//! `sysgauge procinfo [pid] [-v]`: psutil's procinfo.py, everything about one process
//! (by default the `sysgauge` process itself).
//!
//! ```text
//! pid         4600
//! name        chrome
//! parent      4554 (bash)
//! cpu-tspent  27:27.68
//! cpu-times   user=8914.32, system=3530.59, children_user=1.46, children_system=1.31, iowait=0.0
//! memory      rss=520.5M, vms=1.9G, shared=132.6M, text=95.0M, lib=0.0B, data=816.5M, dirty=0.0B
//! ```
//!
//! Each line is a label left-aligned in 11 characters, a space and the value (on a
//! terminal, the label is in bold green and 13 wide). The lines, in procinfo.py's order:
//! pid, name, parent (`ppid (name)`), exe, cwd, cmdline, started (`%Y-%m-%d %H:%M`, local),
//! cpu-tspent (`M:SS.cc` of the summed CPU times, hours dropped, the hundredths being the
//! first two digits of the microseconds, as the script writes them), cpu-times,
//! cpu-affinity, cpu-num, memory (bytes2human), memory % (rounded to 2 decimals), user,
//! uids (printed twice, as the script does; gids are not printed), terminal, status, nice,
//! ionice (`class=N, value=N`), num-threads, num-fds, I/O (every counter through
//! bytes2human), ctx-switches, children (`PID NAME` table), open-files, connections (inet:
//! `PROTO LOCAL ADDR REMOTE ADDR STATUS`),
//! threads (`TID USER SYSTEM`, then `total=N`, only with more than one thread), res-limits
//! (`RLIMIT SOFT HARD`, `infinity` for no limit), environ (`NAME VALUE`, sorted) and
//! mem-maps (`RSS PATH`, largest first). Open files, threads, environ and maps stop after
//! 4 rows with `[...]` unless `-v` is given. A value that is refused (access denied,
//! zombie) is blank.
//!
//! With `--json`: `as_dict()` of every attribute (psutil's names, `null` for refused
//! values) plus what procinfo adds: `parent` (`{pid, name}` or `null`), `children`
//! (`[{pid, name}]`), `started` and `rlimits` (`{"RLIMIT_AS": [soft, hard], ...}`, -1 for
//! no limit).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use serde::Serialize;
use sysgauge::{
    Attr, AttrValue, Error, Ids, IoNice, MemoryInfo, MemoryMapGrouped, MemoryType, NumCtxSwitches,
    OpenFile, Process, ProcessCpuTimes, ProcessIoCounters, Status, ThreadTimes,
};

use super::ps::lossy;

/// Options of `sysgauge procinfo`.
#[derive(clap::Args)]
pub struct Args {
    /// The process to show (default: this command's own process).
    pub pid: Option<i32>,
    /// Show every open file, thread, environment variable and memory map (not only 4).
    #[arg(short, long)]
    pub verbose: bool,
    /// Print JSON instead of the report.
    #[arg(long)]
    pub json: bool,
}

/// How many rows of a long list are shown without `-v`.
const NON_VERBOSE_ITERATIONS: usize = 4;

/// The resource limits procinfo.py lists: every `RLIMIT_*` name psutil has on Linux, in
/// alphabetical order, with the script's short label (`RLIMIT_LOCKS` has none).
pub const RLIMITS: [(&str, i32, &str); 16] = [
    ("RLIMIT_AS", sysgauge::RLIMIT_AS, "virtualmem"),
    ("RLIMIT_CORE", sysgauge::RLIMIT_CORE, "coredumpsize"),
    ("RLIMIT_CPU", sysgauge::RLIMIT_CPU, "cputime"),
    ("RLIMIT_DATA", sysgauge::RLIMIT_DATA, "datasize"),
    ("RLIMIT_FSIZE", sysgauge::RLIMIT_FSIZE, "filesize"),
    ("RLIMIT_LOCKS", sysgauge::RLIMIT_LOCKS, "RLIMIT_LOCKS"),
    ("RLIMIT_MEMLOCK", sysgauge::RLIMIT_MEMLOCK, "memlock"),
    ("RLIMIT_MSGQUEUE", sysgauge::RLIMIT_MSGQUEUE, "msgqueue"),
    ("RLIMIT_NICE", sysgauge::RLIMIT_NICE, "nice"),
    ("RLIMIT_NOFILE", sysgauge::RLIMIT_NOFILE, "openfiles"),
    ("RLIMIT_NPROC", sysgauge::RLIMIT_NPROC, "maxprocesses"),
    ("RLIMIT_RSS", sysgauge::RLIMIT_RSS, "rss"),
    ("RLIMIT_RTPRIO", sysgauge::RLIMIT_RTPRIO, "realtimeprio"),
    ("RLIMIT_RTTIME", sysgauge::RLIMIT_RTTIME, "rtimesched"),
    (
        "RLIMIT_SIGPENDING",
        sysgauge::RLIMIT_SIGPENDING,
        "sigspending",
    ),
    ("RLIMIT_STACK", sysgauge::RLIMIT_STACK, "stack"),
];

/// A value as procinfo.py sees it: read, refused (printed blank), or not provided on this
/// system (the line is left out where the script checks for the method).
#[derive(Debug, Clone, PartialEq)]
pub enum Got<T> {
    /// The value.
    Val(T),
    /// Access denied, or the process is a zombie.
    Refused,
    /// Not available here ([`Error::Unsupported`]).
    Absent,
}

impl<T> Got<T> {
    fn val(&self) -> Option<&T> {
        match self {
            Got::Val(v) => Some(v),
            _ => None,
        }
    }
}

/// Sorts a getter's result: a vanished process ends the command; any other failure of one
/// value leaves it blank.
fn got<T>(r: sysgauge::Result<T>) -> sysgauge::Result<Got<T>> {
    match r {
        Ok(v) => Ok(Got::Val(v)),
        Err(e @ Error::NoSuchProcess { .. }) => Err(e),
        Err(Error::Unsupported { .. }) => Ok(Got::Absent),
        Err(_) => Ok(Got::Refused),
    }
}

/// Everything procinfo.py prints about one process.
#[derive(Debug, Clone)]
pub struct Info {
    /// The pid.
    pub pid: i32,
    /// `name()`.
    pub name: Got<OsString>,
    /// `ppid()`.
    pub ppid: Got<i32>,
    /// The parent's name, when there is a parent whose name could be read.
    pub parent_name: Option<String>,
    /// `exe()`.
    pub exe: Got<PathBuf>,
    /// `cwd()`.
    pub cwd: Got<PathBuf>,
    /// `cmdline()`.
    pub cmdline: Got<Vec<OsString>>,
    /// `create_time()`.
    pub create_time: Got<f64>,
    /// `cpu_times()`.
    pub cpu_times: Got<ProcessCpuTimes>,
    /// `cpu_affinity()`.
    pub cpu_affinity: Got<Vec<usize>>,
    /// `cpu_num()`.
    pub cpu_num: Got<i32>,
    /// `memory_info()`.
    pub memory_info: Got<MemoryInfo>,
    /// `memory_percent()`.
    pub memory_percent: Got<f64>,
    /// `username()`.
    pub username: Got<OsString>,
    /// `uids()`.
    pub uids: Got<Ids>,
    /// `terminal()`.
    pub terminal: Got<Option<PathBuf>>,
    /// `status()`.
    pub status: Got<Status>,
    /// `nice()`.
    pub nice: Got<i32>,
    /// `ionice()`.
    pub ionice: Got<IoNice>,
    /// `num_threads()`.
    pub num_threads: Got<u64>,
    /// `num_fds()`.
    pub num_fds: Got<usize>,
    /// `io_counters()`.
    pub io_counters: Got<ProcessIoCounters>,
    /// `num_ctx_switches()`.
    pub num_ctx_switches: Got<NumCtxSwitches>,
    /// The children: pid and name (`None` when the name was refused).
    pub children: Vec<(i32, Option<String>)>,
    /// `open_files()`.
    pub open_files: Got<Vec<OpenFile>>,
    /// `net_connections()` (kind `inet`, as `as_dict`).
    pub net_connections: Got<Vec<sysgauge::Connection>>,
    /// `threads()`.
    pub threads: Got<Vec<ThreadTimes>>,
    /// `(psutil name, soft, hard)` of each limit that could be read; `None` when
    /// `rlimit()` is not provided here.
    pub rlimits: Option<Vec<(&'static str, i64, i64)>>,
    /// `environ()`.
    pub environ: Got<BTreeMap<OsString, OsString>>,
    /// `memory_maps()`.
    pub memory_maps: Got<Vec<MemoryMapGrouped>>,
}

/// Reads everything about `p` in one oneshot.
pub fn collect(p: &Process) -> sysgauge::Result<Info> {
    p.oneshot(|p| {
        let parent_name = match p.parent() {
            Ok(Some(q)) => q.name().ok().map(|n| lossy(&n)),
            _ => None,
        };
        let children = match p.children(false) {
            Ok(kids) => kids
                .iter()
                .filter_map(|c| match c.name() {
                    Ok(n) => Some((c.pid(), Some(lossy(&n)))),
                    Err(Error::NoSuchProcess { .. }) => None,
                    Err(_) => Some((c.pid(), None)),
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let mut rlimits = Some(Vec::new());
        for (name, res, _) in RLIMITS {
            match p.rlimit(res) {
                Ok((soft, hard)) => {
                    if let Some(v) = rlimits.as_mut() {
                        v.push((name, soft, hard));
                    }
                }
                Err(Error::Unsupported { .. }) => rlimits = None,
                Err(_) => {}
            }
        }
        Ok(Info {
            pid: p.pid(),
            name: got(p.name())?,
            ppid: got(p.ppid())?,
            parent_name,
            exe: got(p.exe())?,
            cwd: got(p.cwd())?,
            cmdline: got(p.cmdline())?,
            create_time: got(p.create_time())?,
            cpu_times: got(p.cpu_times())?,
            cpu_affinity: got(p.cpu_affinity())?,
            cpu_num: got(p.cpu_num())?,
            memory_info: got(p.memory_info())?,
            memory_percent: got(p.memory_percent(MemoryType::Rss))?,
            username: got(p.username())?,
            uids: got(p.uids())?,
            terminal: got(p.terminal())?,
            status: got(p.status())?,
            nice: got(p.nice())?,
            ionice: got(p.ionice())?,
            num_threads: got(p.num_threads())?,
            num_fds: got(p.num_fds())?,
            io_counters: got(p.io_counters())?,
            num_ctx_switches: got(p.num_ctx_switches())?,
            children,
            open_files: got(p.open_files())?,
            net_connections: got(p.net_connections(sysgauge::ConnectionKind::Inet))?,
            threads: got(p.threads())?,
            rlimits,
            environ: got(p.environ())?,
            memory_maps: got(p.memory_maps())?,
        })
    })
}

/// Python's `repr()` of a float: the shortest text that reads back as `v`, with at least
/// one decimal (`1.0`), in exponent form below 1e-4 and from 1e16 (`1e-05`, `1e+16`).
pub fn py_float(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.into();
    }
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        // Rust writes "1e-5" / "1.5e16": Python wants a sign and two digits at least.
        let s = format!("{v:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        return format!("{mant}e{sign}{digits:0>2}");
    }
    let s = format!("{v}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// Python's `repr(round(v, ndigits))`: `v` correctly rounded to `ndigits` decimals, shown
/// as the shortest float text (`round(3.20, 2)` is `3.2`).
pub fn py_round(v: f64, ndigits: usize) -> String {
    let s = format!("{v:.ndigits$}");
    match s.parse::<f64>() {
        Ok(r) => py_float(r),
        Err(_) => s,
    }
}

/// Python's `timedelta(seconds=x)` as whole microseconds: the integer part, the integer
/// part of the fraction times 10⁶, and the rest rounded half to even.
fn timedelta_micros(x: f64) -> i128 {
    if !x.is_finite() || x.abs() > 1e15 {
        return 0;
    }
    let int = x.trunc();
    let mut sum = (int as i128) * 1_000_000;
    let frac = x - int;
    if frac == 0.0 {
        return sum;
    }
    let us = frac * 1e6;
    let us_int = us.trunc();
    sum += us_int as i128;
    let left = us - us_int;
    if left != 0.0 {
        let mut whole = left.round();
        if (whole - left).abs() == 0.5 {
            let odd = (sum & 1) as f64;
            whole = 2.0 * ((left + odd) * 0.5).round() - odd;
        }
        sum += whole as i128;
    }
    sum
}

/// procinfo.py's cpu-tspent: `M:SS.cc` of the CPU time `seconds` (minutes modulo 60; `cc`
/// the first two digits of the microseconds as written without padding).
pub fn cpu_tspent(seconds: f64) -> String {
    let us = timedelta_micros(seconds).rem_euclid(86_400_000_000);
    let secs = us / 1_000_000;
    let micros = (us % 1_000_000).to_string();
    let cc: String = micros.chars().take(2).collect();
    format!("{}:{:02}.{}", secs / 60 % 60, secs % 60, cc)
}

/// A record's fields, in psutil's order, for procinfo.py's `str_ntuple`.
pub trait Fields {
    /// `(name, value)` of each field; integers as `u64`, floats as `f64`.
    fn fields(&self) -> Vec<(&'static str, Num)>;
}

/// A field value of a [`Fields`] record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// An integer field.
    Int(u64),
    /// A float field.
    Float(f64),
}

impl Fields for ProcessCpuTimes {
    fn fields(&self) -> Vec<(&'static str, Num)> {
        vec![
            ("user", Num::Float(self.user)),
            ("system", Num::Float(self.system)),
            ("children_user", Num::Float(self.children_user)),
            ("children_system", Num::Float(self.children_system)),
            ("iowait", Num::Float(self.iowait)),
        ]
    }
}

impl Fields for MemoryInfo {
    fn fields(&self) -> Vec<(&'static str, Num)> {
        vec![
            ("rss", Num::Int(self.rss)),
            ("vms", Num::Int(self.vms)),
            ("shared", Num::Int(self.shared)),
            ("text", Num::Int(self.text)),
            ("lib", Num::Int(self.lib)),
            ("data", Num::Int(self.data)),
            ("dirty", Num::Int(self.dirty)),
        ]
    }
}

impl Fields for Ids {
    fn fields(&self) -> Vec<(&'static str, Num)> {
        vec![
            ("real", Num::Int(self.real.into())),
            ("effective", Num::Int(self.effective.into())),
            ("saved", Num::Int(self.saved.into())),
        ]
    }
}

impl Fields for ProcessIoCounters {
    fn fields(&self) -> Vec<(&'static str, Num)> {
        vec![
            ("read_count", Num::Int(self.read_count)),
            ("write_count", Num::Int(self.write_count)),
            ("read_bytes", Num::Int(self.read_bytes)),
            ("write_bytes", Num::Int(self.write_bytes)),
            ("read_chars", Num::Int(self.read_chars)),
            ("write_chars", Num::Int(self.write_chars)),
        ]
    }
}

impl Fields for NumCtxSwitches {
    fn fields(&self) -> Vec<(&'static str, Num)> {
        vec![
            ("voluntary", Num::Int(self.voluntary)),
            ("involuntary", Num::Int(self.involuntary)),
        ]
    }
}

/// `name=value, ...` of a record's fields (procinfo.py's `str_ntuple`); with `bytes`,
/// every value through `bytes2human`. Blank when the record was not read.
fn ntuple<T: Fields>(v: &Got<T>, bytes: bool) -> String {
    let Some(v) = v.val() else {
        return String::new();
    };
    v.fields()
        .into_iter()
        .map(|(k, x)| {
            let shown = match x {
                Num::Int(n) if bytes => sysgauge::bytes2human(n),
                Num::Int(n) => n.to_string(),
                // (No float record is shown in bytes.)
                Num::Float(f) => py_float(f),
            };
            format!("{k}={shown}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value shown with `f`, blank when refused or absent.
fn show<T>(v: &Got<T>, f: impl FnOnce(&T) -> String) -> String {
    v.val().map(f).unwrap_or_default()
}

/// Python's `str()` of a list of ints: `[0, 1, 2]`.
fn py_list(v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(usize::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// procinfo.py's report on `info`, one line per element. `tty` picks the script's
/// colored layout.
pub fn render(info: &Info, verbose: bool, tty: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut print = |a: &str, b: String| {
        out.push(if tty {
            format!("\x1b[1;32m{a:<13}\x1b[0m {b}")
        } else {
            format!("{a:<11} {b}")
        });
    };
    let path = |p: &PathBuf| lossy(p.as_os_str());
    print("pid", info.pid.to_string());
    print("name", show(&info.name, |n| lossy(n)));
    let parent = info
        .parent_name
        .as_ref()
        .map(|n| format!("({n})"))
        .unwrap_or_default();
    print(
        "parent",
        format!("{} {parent}", show(&info.ppid, i32::to_string)),
    );
    print("exe", show(&info.exe, path));
    print("cwd", show(&info.cwd, path));
    print(
        "cmdline",
        show(&info.cmdline, |c| {
            c.iter().map(|a| lossy(a)).collect::<Vec<_>>().join(" ")
        }),
    );
    let started = match info.create_time.val().filter(|t| **t != 0.0) {
        Some(&t) => super::ps::local_from_timestamp(t)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    print("started", started);
    let total = info.cpu_times.val().map_or(0.0, |c| {
        0.0 + c.user + c.system + c.children_user + c.children_system + c.iowait
    });
    print("cpu-tspent", cpu_tspent(total));
    print("cpu-times", ntuple(&info.cpu_times, false));
    if !matches!(info.cpu_affinity, Got::Absent) {
        print("cpu-affinity", show(&info.cpu_affinity, |c| py_list(c)));
    }
    if !matches!(info.cpu_num, Got::Absent) {
        print("cpu-num", show(&info.cpu_num, i32::to_string));
    }
    print("memory", ntuple(&info.memory_info, true));
    print("memory %", show(&info.memory_percent, |m| py_round(*m, 2)));
    print("user", show(&info.username, |u| lossy(u)));
    // procinfo.py prints the uids twice (and no gids).
    print("uids", ntuple(&info.uids, false));
    print("uids", ntuple(&info.uids, false));
    print(
        "terminal",
        show(&info.terminal, |t| t.as_ref().map(path).unwrap_or_default()),
    );
    print("status", show(&info.status, |s| s.to_string()));
    print("nice", show(&info.nice, i32::to_string));
    if let Some(io) = info.ionice.val() {
        print(
            "ionice",
            format!("class={}, value={}", io.ioclass.as_raw(), io.value),
        );
    }
    print("num-threads", show(&info.num_threads, u64::to_string));
    print("num-fds", show(&info.num_fds, usize::to_string));
    if !matches!(info.io_counters, Got::Absent) {
        print("I/O", ntuple(&info.io_counters, true));
    }
    if !matches!(info.num_ctx_switches, Got::Absent) {
        print("ctx-switches", ntuple(&info.num_ctx_switches, false));
    }
    if !info.children.is_empty() {
        print("children", format!("{:<6} {}", "PID", "NAME"));
        for (pid, name) in &info.children {
            print("", format!("{:<6} {}", pid, name.as_deref().unwrap_or("")));
        }
    }
    match info.open_files.val() {
        Some(files) if !files.is_empty() => {
            print("open-files", "PATH".into());
            for (i, f) in files.iter().enumerate() {
                if !verbose && i >= NON_VERBOSE_ITERATIONS {
                    print("", "[...]".into());
                    break;
                }
                print("", path(&f.path));
            }
        }
        _ => print("open-files", String::new()),
    }
    match info.net_connections.val() {
        Some(conns) if !conns.is_empty() => {
            let tmpl = |a: &str, b: &str, c: &str, d: &str| format!("{a:<5} {b:<25} {c:<25} {d}");
            print(
                "connections",
                tmpl("PROTO", "LOCAL ADDR", "REMOTE ADDR", "STATUS"),
            );
            for c in conns {
                let proto = match c.socket_type {
                    sysgauge::SocketType::Stream => "TCP",
                    sysgauge::SocketType::Dgram => "UDP",
                    _ => "UNIX",
                };
                // "ip:port", IPv6 without brackets; no remote end is "*:*".
                let end = |a: &sysgauge::ConnAddr, none: &str| match (a.ip(), a.port()) {
                    (Some(ip), Some(port)) => format!("{ip}:{port}"),
                    _ => none.to_string(),
                };
                print(
                    "",
                    tmpl(
                        proto,
                        &end(&c.laddr, "*:*"),
                        &end(&c.raddr, "*:*"),
                        c.status.as_str(),
                    ),
                );
            }
        }
        _ => print("connections", String::new()),
    }
    match info.threads.val() {
        Some(threads) if threads.len() > 1 => {
            print(
                "threads",
                format!("{:<5} {:>12} {:>12}", "TID", "USER", "SYSTEM"),
            );
            for (i, t) in threads.iter().enumerate() {
                if !verbose && i >= NON_VERBOSE_ITERATIONS {
                    print("", "[...]".into());
                    break;
                }
                print(
                    "",
                    format!(
                        "{:<5} {:>12} {:>12}",
                        t.id,
                        py_float(t.user_time),
                        py_float(t.system_time)
                    ),
                );
            }
            print("", format!("total={}", threads.len()));
        }
        _ => print("threads", String::new()),
    }
    if let Some(limits) = info.rlimits.as_ref().filter(|l| !l.is_empty()) {
        let tmpl = |a: &str, b: &str, c: &str| format!("{a:<12} {b:>15} {c:>15}");
        print("res-limits", tmpl("RLIMIT", "SOFT", "HARD"));
        let lim = |v: i64| {
            if v == sysgauge::RLIM_INFINITY {
                "infinity".to_string()
            } else {
                v.to_string()
            }
        };
        for (name, soft, hard) in limits {
            let label = RLIMITS.iter().find(|r| r.0 == *name).map_or(*name, |r| r.2);
            print("", tmpl(label, &lim(*soft), &lim(*hard)));
        }
    }
    if let Some(env) = info.environ.val().filter(|e| !e.is_empty()) {
        print("environ", format!("{:<25} {}", "NAME", "VALUE"));
        for (i, (k, v)) in env.iter().enumerate() {
            if !verbose && i >= NON_VERBOSE_ITERATIONS {
                print("", "[...]".into());
                break;
            }
            print("", format!("{:<25} {}", lossy(k), lossy(v)));
        }
    }
    if let Some(maps) = info.memory_maps.val().filter(|m| !m.is_empty()) {
        print("mem-maps", format!("{:<8} {}", "RSS", "PATH"));
        let mut maps: Vec<&MemoryMapGrouped> = maps.iter().collect();
        // Stable: equal sizes keep the kernel's order, as Python's sorted(reverse=True).
        maps.sort_by_key(|m| std::cmp::Reverse(m.counters.rss));
        for (i, m) in maps.iter().enumerate() {
            if !verbose && i >= NON_VERBOSE_ITERATIONS {
                print("", "[...]".into());
                break;
            }
            print(
                "",
                format!(
                    "{:<8} {}",
                    sysgauge::bytes2human(m.counters.rss),
                    path(&m.path)
                ),
            );
        }
    }
    out
}

/// The value of `attr` read with its getter (for the attributes `as_dict` could not give).
fn fetch(p: &Process, attr: Attr) -> sysgauge::Result<AttrValue> {
    let os = AttrValue::Bytes;
    Ok(match attr {
        Attr::Cmdline => AttrValue::Args(p.cmdline()?),
        Attr::CpuAffinity => AttrValue::Cpus(p.cpu_affinity()?),
        Attr::CpuNum => AttrValue::Int(p.cpu_num()?.into()),
        Attr::CpuPercent => AttrValue::Float(p.cpu_percent(None)?),
        Attr::CpuTimes => AttrValue::CpuTimes(p.cpu_times()?),
        Attr::CreateTime => AttrValue::Float(p.create_time()?),
        Attr::Cwd => AttrValue::Path(p.cwd()?),
        Attr::Environ => AttrValue::Environ(p.environ()?),
        Attr::Exe => AttrValue::Path(p.exe()?),
        Attr::Gids => AttrValue::Ids(p.gids()?),
        Attr::IoCounters => AttrValue::IoCounters(p.io_counters()?),
        Attr::Ionice => AttrValue::IoNice(p.ionice()?),
        Attr::MemoryFootprint => AttrValue::MemoryFootprint(p.memory_footprint()?),
        Attr::MemoryFullInfo => AttrValue::MemoryFullInfo(p.memory_full_info()?),
        Attr::MemoryInfo => AttrValue::MemoryInfo(p.memory_info()?),
        Attr::MemoryInfoEx => AttrValue::MemoryInfoEx(p.memory_info_ex()?),
        Attr::MemoryMaps => AttrValue::MemoryMaps(p.memory_maps()?),
        Attr::MemoryPercent => AttrValue::Float(p.memory_percent(MemoryType::Rss)?),
        Attr::Name => os(p.name()?),
        Attr::NetConnections => {
            AttrValue::NetConnections(p.net_connections(sysgauge::ConnectionKind::Inet)?)
        }
        Attr::Nice => AttrValue::Int(p.nice()?.into()),
        Attr::NumCtxSwitches => AttrValue::NumCtxSwitches(p.num_ctx_switches()?),
        Attr::NumFds => AttrValue::Count(p.num_fds()? as u64),
        Attr::NumThreads => AttrValue::Count(p.num_threads()?),
        Attr::OpenFiles => AttrValue::OpenFiles(p.open_files()?),
        Attr::PageFaults => AttrValue::PageFaults(p.page_faults()?),
        Attr::Pid => AttrValue::Int(p.pid().into()),
        Attr::Ppid => AttrValue::Int(p.ppid()?.into()),
        Attr::Status => AttrValue::Status(p.status()?),
        Attr::Terminal => match p.terminal()? {
            Some(t) => AttrValue::Path(t),
            None => AttrValue::None,
        },
        Attr::Threads => AttrValue::Threads(p.threads()?),
        Attr::Uids => AttrValue::Ids(p.uids()?),
        Attr::Username => os(p.username()?),
    })
}

/// A process named in the JSON output.
#[derive(Serialize)]
struct Named {
    pid: i32,
    name: Option<String>,
}

/// What `--json` prints: the attributes in psutil's order of names, then procinfo's
/// additions.
#[derive(Serialize)]
struct JsonReport {
    #[serde(flatten)]
    dict: sysgauge::ProcessDict,
    parent: Option<Named>,
    children: Vec<Named>,
    started: Option<String>,
    rlimits: Option<BTreeMap<&'static str, [i64; 2]>>,
}

/// procinfo's JSON: `as_dict()` of every default attribute plus parent, children,
/// started and rlimits.
fn json(p: &Process) -> sysgauge::Result<JsonReport> {
    p.oneshot(|p| {
        let mut dict = p.as_dict(&[], AttrValue::None)?;
        // Attributes the library's as_dict does not give yet: read with their getters.
        for attr in Attr::defaults() {
            if dict.get(attr).is_some() {
                continue;
            }
            match fetch(p, attr) {
                Ok(v) => {
                    dict.0.insert(attr, v);
                }
                Err(e @ Error::NoSuchProcess { .. }) => return Err(e),
                Err(Error::AccessDenied { .. } | Error::ZombieProcess { .. }) => {
                    dict.0.insert(attr, AttrValue::None);
                }
                Err(_) => {}
            }
        }
        let info = collect(p)?;
        let parent = match (p.parent(), info.ppid.val()) {
            (Ok(Some(_)), Some(&ppid)) => Some(Named {
                pid: ppid,
                name: info.parent_name.clone(),
            }),
            _ => None,
        };
        let children = info
            .children
            .iter()
            .map(|(pid, name)| Named {
                pid: *pid,
                name: name.clone(),
            })
            .collect();
        let started = info
            .create_time
            .val()
            .filter(|t| **t != 0.0)
            .and_then(|t| super::ps::local_from_timestamp(*t))
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string());
        let rlimits = info
            .rlimits
            .as_ref()
            .map(|l| l.iter().map(|(n, s, h)| (*n, [*s, *h])).collect());
        Ok(JsonReport {
            dict,
            parent,
            children,
            started,
            rlimits,
        })
    })
}

/// Prints everything about one process: procinfo.py's report, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let p = match args.pid {
        Some(pid) => Process::new(pid)?,
        None => Process::current()?,
    };
    if args.json {
        return super::print_json(&json(&p)?);
    }
    let info = collect(&p)?;
    let tty = std::io::stdout().is_terminal();
    super::print_lines(render(&info, args.verbose, tty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_floats() {
        assert_eq!(py_float(0.0), "0.0");
        assert_eq!(py_float(1.0), "1.0");
        assert_eq!(py_float(0.01), "0.01");
        assert_eq!(py_float(8914.32), "8914.32");
        assert_eq!(py_float(1e-5), "1e-05");
        assert_eq!(py_float(1e16), "1e+16");
        assert_eq!(py_float(0.0001), "0.0001");
        assert_eq!(py_round(3.2599, 2), "3.26");
        assert_eq!(py_round(3.2, 2), "3.2");
        assert_eq!(py_round(0.0, 2), "0.0");
        assert_eq!(py_round(0.05, 1), "0.1");
    }

    #[test]
    fn cpu_tspent_is_the_scripts() {
        // timedelta(seconds=1647.68): 27 minutes, 27 s, 680000 µs -> "68".
        assert_eq!(cpu_tspent(1647.68), "27:27.68");
        // 2560.78 s -> 42:40 and 780000 µs (value seen from the script).
        assert_eq!(cpu_tspent(2560.78), "42:40.78");
        // Microseconds are not padded: 5000 µs shows as "50", 0 as "0".
        assert_eq!(cpu_tspent(3.005), "0:03.50");
        assert_eq!(cpu_tspent(0.0), "0:00.0");
        // Hours are dropped.
        assert_eq!(cpu_tspent(3661.0), "1:01.0");
    }
}
