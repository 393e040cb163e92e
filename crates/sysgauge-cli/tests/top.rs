//! `sysgauge top`, run as a program.
//!
//! - The live view in a real terminal: tmux runs it (160x50), `send-keys` drives it and
//!   `capture-pane` reads the screen. The header is checked against the library, psutil
//!   and `getconf` (CPU bars, memory total, process count); a CPU-burning child with a
//!   name and nice value of its own must show with its pid, user and nice, near the top
//!   under CPU% sort; `M`, `N`, `T` and `P` must reorder the rows by their column; `/`
//!   filters by name; `k`, `y` must end a child with SIGTERM; `q` must leave with status
//!   0, the terminal back in cooked mode and off the alternate screen, the cursor shown.
//! - As an unprivileged user (when the tests run as root), killing root's process is
//!   refused and the refusal shows on the status line; Esc quits, the terminal restored.
//! - SIGTERM, SIGHUP and SIGINT end the view by that signal (the shell sees 128 + the
//!   signal), and the terminal is restored all the same.
//! - `--once` and `--json` without a terminal: the frame's lines against top.py's format
//!   strings filled in by psutil (for a stopped child whose values hold still), and the
//!   snapshot's values against psutil and the library.

mod common;

use common::TempDir;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use common::Kid;
use rustix::process::Signal;

// ---------------------------------------------------------------------------------------
// tmux

/// `cmd` in a tmux pane, through the wrapper shell that reports how it ended (see
/// [`Tmux::start`]); the waits give up after 20 s.
fn start(tag: &str, cmd: &str) -> Tmux {
    Tmux::start(&format!("top-{tag}"), cmd).patience(Duration::from_secs(20))
}

/// Waiting for top's screen.
trait Watch {
    /// Waits until `check` accepts the screen; returns what it returned. A screen may be
    /// caught in the middle of a redraw, so a refusal is tried again.
    fn wait<T>(&self, what: &str, check: impl FnMut(&Screen) -> Result<T, String>) -> T;
}

impl Watch for Tmux {
    #[track_caller]
    fn wait<T>(&self, what: &str, mut check: impl FnMut(&Screen) -> Result<T, String>) -> T {
        self.wait_text(what, |text| check(&Screen::parse(text)))
    }
}

// ---------------------------------------------------------------------------------------
// Reading the screen

/// One table row, cut at top.py's column positions.
#[derive(Debug, Clone)]
struct Row {
    pid: i32,
    user: String,
    nice: String,
    virt: String,
    res: String,
    cpu: String,
    mem: String,
    time: String,
    name: String,
}

impl Row {
    /// A line of the table (`{:<6} {:<8} {:>4} {:>6} {:>6} {:>5} {:>5} {:>9}  NAME`).
    fn parse(line: &str) -> Option<Row> {
        let pid_text = line.split(' ').next()?;
        let pid: i32 = pid_text.parse().ok()?;
        // A pid wider than 6 shifts the rest.
        let shift = pid_text.len().saturating_sub(6);
        let cell = |a: usize, b: usize| -> String {
            line.get(a + shift..(b + shift).min(line.len()))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        Some(Row {
            pid,
            user: cell(7, 15),
            nice: cell(16, 20),
            virt: cell(21, 27),
            res: cell(28, 34),
            cpu: cell(35, 40),
            mem: cell(41, 46),
            time: cell(47, 56),
            name: line.get(58 + shift..).unwrap_or("").trim_end().to_string(),
        })
    }

    fn cpu(&self) -> f64 {
        self.cpu.parse().unwrap_or(f64::NAN)
    }

    fn mem(&self) -> f64 {
        self.mem.parse().unwrap_or(f64::NAN)
    }

    /// TIME+ (`M:SS.cc`) in hundredths.
    fn time_cs(&self) -> Option<u64> {
        let (m, rest) = self.time.split_once(':')?;
        let (s, cs) = rest.split_once('.')?;
        Some(
            m.parse::<u64>().ok()? * 6000
                + s.parse::<u64>().ok()? * 100
                + cs.parse::<u64>().ok()?,
        )
    }
}

/// The parts of a frame.
struct Screen {
    lines: Vec<String>,
    /// The CPU bars' percentages, in order.
    cpus: Vec<f64>,
    rows: Vec<Row>,
    /// The line just above the key help.
    status: String,
}

impl Screen {
    fn parse(text: &str) -> Screen {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let header = lines
            .iter()
            .position(|l| l.starts_with("PID    USER"))
            .unwrap_or(lines.len());
        let mut cpus = Vec::new();
        for l in &lines[..header] {
            // Bars may stand in columns: " CPU0  [...]  10.9%" each.
            let mut rest = l.as_str();
            while let Some(at) = rest.find(" CPU") {
                rest = &rest[at + 4..];
                let Some(close) = rest.find("] ") else { break };
                let after = rest[close + 2..].trim_start();
                if let Some(pct) = after.split('%').next().and_then(|p| p.trim().parse().ok()) {
                    cpus.push(pct);
                }
            }
        }
        let status_at = lines
            .iter()
            .rposition(|l| {
                l.starts_with("Sort: ") || l.starts_with("Filter: ") || l.starts_with("Kill ")
            })
            .unwrap_or(lines.len());
        let rows = lines
            .iter()
            .take(status_at)
            .skip(header + 1)
            .filter_map(|l| Row::parse(l))
            .collect();
        Screen {
            status: lines.get(status_at).cloned().unwrap_or_default(),
            lines,
            cpus,
            rows,
        }
    }

    /// The header line starting with `prefix`.
    fn line(&self, prefix: &str) -> Result<&str, String> {
        self.lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .map(String::as_str)
            .ok_or_else(|| format!("no line starting with {prefix:?}"))
    }

    fn row(&self, pid: i32) -> Result<&Row, String> {
        self.rows
            .iter()
            .find(|r| r.pid == pid)
            .ok_or_else(|| format!("pid {pid} is not in the table"))
    }

    /// Ok when the status line starts with `prefix`.
    fn status_starts(&self, prefix: &str) -> Result<(), String> {
        if self.status.starts_with(prefix) {
            Ok(())
        } else {
            Err(format!("status {:?}", self.status))
        }
    }

    /// Ok when the status line holds `text`.
    fn status_has(&self, text: &str) -> Result<(), String> {
        if self.status.contains(text) {
            Ok(())
        } else {
            Err(format!("status {:?}", self.status))
        }
    }

    /// The header is drawn, and the table has rows.
    fn ready(&self) -> Result<(), String> {
        self.line(" Load average: ")?;
        self.line("PID    USER       NI   VIRT    RES  CPU%  MEM%     TIME+  NAME")?;
        if self.rows.is_empty() {
            return Err("no rows".into());
        }
        Ok(())
    }
}

/// Ok when `values` never increase (`desc`) or never decrease.
fn monotonic<T: PartialOrd + std::fmt::Debug>(
    what: &str,
    values: &[T],
    desc: bool,
) -> Result<(), String> {
    for w in values.windows(2) {
        let ok = if desc { w[0] >= w[1] } else { w[0] <= w[1] };
        if !ok {
            return Err(format!(
                "{what} not sorted: {:?} then {:?} in {values:?}",
                w[0], w[1]
            ));
        }
    }
    if values.len() < 2 {
        return Err(format!("{what}: too few rows"));
    }
    Ok(())
}

/// Ok when the status line starts with `status` and the rows' `column` is in order
/// (`desc`: never increasing); returns the column.
fn sorted_by<T: PartialOrd + std::fmt::Debug>(
    s: &Screen,
    status: &str,
    column: impl Fn(&Row) -> T,
    desc: bool,
) -> Result<Vec<T>, String> {
    s.status_starts(status)?;
    let values: Vec<T> = s.rows.iter().map(column).collect();
    monotonic(status, &values, desc)?;
    Ok(values)
}

// ---------------------------------------------------------------------------------------
// Children

/// A Python child that renames itself (`comm`) to `name`, sets its nice value to `nice`,
/// says it is ready, then burns CPU (`burn`) or sleeps.
fn named_python(name: &str, nice: i32, burn: bool) -> Kid {
    let code = r#"
import ctypes, os, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)
os.nice(int(sys.argv[2]))
print("ready", flush=True)
if sys.argv[3] == "1":
    while True:
        pass
time.sleep(600)
"#;
    let nice = nice.to_string();
    let (kid, line) = common::python_child(
        code,
        &[
            OsStr::new(name),
            OsStr::new(&nice),
            OsStr::new(if burn { "1" } else { "0" }),
        ],
    );
    assert_eq!(line, "ready");
    common::wait_comm(kid.pid(), name);
    kid
}

/// A short unique name (the kernel keeps 15 bytes of `comm`).
fn unique(prefix: &str) -> String {
    format!("{prefix}{}", std::process::id() % 1_000_000)
}

/// Waits (10 s at most) for `kid` to end; returns the signal that ended it.
fn wait_signal(kid: &mut Kid) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    let t0 = Instant::now();
    loop {
        if let Some(st) = kid.0.try_wait().expect("try_wait") {
            return st.signal();
        }
        if t0.elapsed() > Duration::from_secs(10) {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Shell-quotes `s` for the pane's command line.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// psutil's `bytes2human` of `expr` (evaluated with psutil imported).
fn psutil_b2h(expr: &str) -> String {
    common::psutil(&format!(
        "from psutil._common import bytes2human\nout = bytes2human({expr})"
    ))
    .as_str()
    .expect("a string")
    .to_string()
}

// ---------------------------------------------------------------------------------------
// The live view

#[test]
fn live_view_in_a_terminal() {
    let burn_name = unique("sgburn");
    let sleep_name = unique("sgslp");
    let burner = named_python(&burn_name, 3, true);
    let mut sleeper = named_python(&sleep_name, 0, false);
    let tmux = start(
        "live",
        &format!("{} top", quote(env!("CARGO_BIN_EXE_sysgauge"))),
    );

    // The header, once the first refresh has given the burner a CPU%.
    let screen_pids_before = sysgauge::pids().unwrap().len() as i64;
    let (cpus, num, rows) = tmux.wait("header and burner", |s| {
        s.ready()?;
        let r = s.row(burner.pid())?;
        if r.cpu() < 20.0 {
            return Err(format!("burner's CPU% is {}", r.cpu));
        }
        Ok((
            s.cpus.clone(),
            s.line(" Processes: ")?.to_string(),
            s.rows.clone(),
        ))
    });
    let screen_pids_after = sysgauge::pids().unwrap().len() as i64;
    assert_eq!(
        tmux.pane("alternate_on"),
        "1",
        "the view is on the alternate screen"
    );

    // One bar per logical CPU: the library, psutil and getconf agree.
    let ncpu = sysgauge::cpu_count().unwrap();
    assert_eq!(cpus.len(), ncpu, "CPU bars");
    assert_eq!(
        common::psutil("out = psutil.cpu_count()").as_u64(),
        Some(ncpu as u64)
    );
    let getconf: usize = common::run("getconf", &["_NPROCESSORS_ONLN"])
        .trim()
        .parse()
        .unwrap();
    assert_eq!(cpus.len(), getconf, "CPU bars against getconf");
    assert!(cpus.iter().all(|p| (0.0..=100.0).contains(p)), "{cpus:?}");

    // Processes: N (status=count, ...) — close to the library's count of pids.
    let n: i64 = num
        .trim_start()
        .strip_prefix("Processes: ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{num:?}"));
    let lo = screen_pids_before.min(screen_pids_after) - 20;
    let hi = screen_pids_before.max(screen_pids_after) + 20;
    assert!(
        (lo..=hi).contains(&n),
        "{num:?} vs pids() {screen_pids_before}..{screen_pids_after}"
    );
    let counted: i64 = num
        .split('(')
        .nth(1)
        .unwrap_or_default()
        .trim_end_matches(')')
        .split(", ")
        .filter_map(|kv| kv.split_once('=').and_then(|(_, v)| v.parse::<i64>().ok()))
        .sum();
    assert_eq!(counted, n, "the status counts add up: {num:?}");

    // The Mem line's total, as bytes2human writes it.
    let mem = tmux.wait("Mem line", |s| Ok(s.line(" Mem   [")?.to_string()));
    let total = sysgauge::virtual_memory().unwrap().total;
    let (_, used_total) = mem.split_once("% ").expect("percent sign");
    let (_, shown_total) = used_total.split_once(" / ").expect("used / total");
    assert_eq!(shown_total.trim(), sysgauge::bytes2human(total), "{mem:?}");
    assert_eq!(
        shown_total.trim(),
        psutil_b2h("psutil.virtual_memory().total")
    );
    tmux.wait("Swap line", |s| s.line(" Swap  [").map(|_| ()));

    // The burner: near the top under CPU% sort, with its pid, user, nice and name.
    let rank = rows.iter().position(|r| r.pid == burner.pid()).unwrap();
    assert!(rank < 5, "burner ranks {rank} under CPU%: {rows:?}");
    let r = &rows[rank];
    assert_eq!(r.name, burn_name);
    assert_eq!(r.nice, "3");
    let user = common::psutil(&format!(
        "out = psutil.Process({}).username()",
        burner.pid()
    ));
    let user = user.as_str().unwrap();
    assert_eq!(r.user, user.chars().take(8).collect::<String>());
    let lib_user = sysgauge::Process::new(burner.pid())
        .unwrap()
        .username()
        .unwrap();
    assert_eq!(user, lib_user.to_str().unwrap());
    let cpus_shown: Vec<f64> = rows.iter().map(Row::cpu).collect();
    monotonic("CPU%", &cpus_shown, true).unwrap();

    // Sorting keys: the status line names the column and the column is in order.
    tmux.keys(&["M"]);
    tmux.wait("sort by MEM%", |s| {
        sorted_by(s, "Sort: MEM% desc", Row::mem, true)
    });
    tmux.keys(&["N"]);
    tmux.wait("sort by PID", |s| {
        let pids = sorted_by(s, "Sort: PID asc", |r| r.pid, false)?;
        let distinct: BTreeSet<i32> = pids.iter().copied().collect();
        if distinct.len() != pids.len() {
            return Err("a pid shows twice".into());
        }
        Ok(())
    });
    tmux.keys(&["T"]);
    tmux.wait("sort by TIME+", |s| {
        sorted_by(s, "Sort: TIME+ desc", Row::time_cs, true)
    });
    // `<` moves the sort column left (TIME+ -> MEM%), `I` inverts it.
    tmux.keys(&["<", "I"]);
    tmux.wait("sort by MEM% ascending", |s| {
        sorted_by(s, "Sort: MEM% asc", Row::mem, false)
    });
    tmux.keys(&["P"]);
    tmux.wait("sort by CPU% again", |s| {
        sorted_by(s, "Sort: CPU% desc", Row::cpu, true)?;
        let rank = s.rows.iter().position(|r| r.pid == burner.pid());
        match rank {
            Some(r) if r < 5 => Ok(()),
            other => Err(format!("burner at {other:?}")),
        }
    });

    // `/` + name + Enter: only the sleeper is left.
    tmux.keys(&["/"]);
    tmux.wait("filter prompt", |s| s.status_starts("Filter: "));
    tmux.type_text(&sleep_name);
    tmux.keys(&["Enter"]);
    let row = tmux.wait("filtered to the sleeper", |s| {
        s.status_has(&format!("Filter: {sleep_name}"))?;
        if s.rows.len() != 1 {
            return Err(format!("{} rows", s.rows.len()));
        }
        Ok(s.row(sleeper.pid())?.clone())
    });
    assert_eq!(row.name, sleep_name);
    assert_eq!(row.nice, "0");
    assert_eq!(row.user, user.chars().take(8).collect::<String>());
    assert_eq!(row.cpu, "0.0");
    let mi = sysgauge::Process::new(sleeper.pid())
        .unwrap()
        .memory_info()
        .unwrap();
    assert_eq!(row.virt, sysgauge::bytes2human(mi.vms));
    assert_eq!(row.res, sysgauge::bytes2human(mi.rss));

    // `k` asks, `y` sends SIGTERM.
    tmux.keys(&["k"]);
    let ask = format!("Kill {} ({sleep_name})? [y/N]", sleeper.pid());
    tmux.wait("kill question", |s| s.status_starts(&ask));
    tmux.keys(&["y"]);
    assert_eq!(
        wait_signal(&mut sleeper),
        Some(15),
        "the sleeper ends by SIGTERM"
    );
    tmux.wait("kill reported", |s| {
        s.status_has(&format!("Sent SIGTERM to {}", sleeper.pid()))
    });

    // `q`: exit status 0, the terminal restored.
    tmux.quit_with("q");
    drop(burner);
}

#[test]
fn refused_kill_shows_on_the_status_line() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root to run the view as another user");
        return;
    }
    let name = unique("sgroot");
    let mut victim = named_python(&name, 0, false);
    // A copy anyone can run (the build directory may not be open to nobody).
    let tmp = TempDir::new("refused");
    let bin = tmp.0.join("sysgauge");
    std::fs::copy(env!("CARGO_BIN_EXE_sysgauge"), &bin).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&tmp.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cmd = format!(
        "setpriv --reuid=65534 --regid=65534 --clear-groups {} top --filter {name}",
        quote(bin.to_str().unwrap()),
    );
    let tmux = start("refused", &cmd);
    tmux.wait("the victim alone", |s| {
        s.ready()?;
        if s.rows.len() != 1 {
            return Err(format!("{} rows", s.rows.len()));
        }
        s.row(victim.pid()).map(|_| ())
    });
    tmux.keys(&["k"]);
    tmux.wait("kill question", |s| s.status_starts("Kill "));
    tmux.keys(&["y"]);
    tmux.wait("refusal", |s| {
        s.status_has(&format!("kill {} ({name}): access denied", victim.pid()))
    });
    assert!(
        victim.0.try_wait().unwrap().is_none(),
        "the victim lives on"
    );
    // Esc quits too.
    tmux.quit_with("Escape");
}

/// SIGTERM, SIGHUP and SIGINT sent to the live view end it by that signal, with the
/// terminal restored: cooked mode, echo, the main screen, the cursor shown.
#[test]
fn signals_restore_the_terminal() {
    let cmd = format!("{} top", quote(env!("CARGO_BIN_EXE_sysgauge")));
    for signal in [Signal::TERM, Signal::HUP, Signal::INT] {
        let tmux = start(&format!("sig{}", signal.as_raw()), &cmd);
        tmux.wait("the view", Screen::ready);
        tmux.kill_with(signal);
    }
}

// ---------------------------------------------------------------------------------------
// --once and --json

/// A copy of `sleep` under a name of our own, run and stopped (its values hold still).
fn stopped_child(dir: &TempDir, name: &str) -> Kid {
    let exe = dir.0.join(name);
    std::fs::copy("/bin/sleep", &exe).expect("copy sleep");
    common::stopped(Kid::spawn(Command::new(&exe).arg("60")), name)
}

/// top.py's line for `pid`, from psutil's values and top.py's format string (TIME+ and
/// CPU% as sysgauge writes them: see the module's deviations).
fn top_py_line(pid: i32) -> String {
    let v = common::psutil_script(&format!(
        r#"
from psutil._common import bytes2human
p = psutil.Process({pid})
d = p.as_dict(['username', 'nice', 'memory_info', 'memory_percent', 'cpu_times', 'name'])
t = sum(d['cpu_times'])
cs = int(t * 100 + 1e-6)
ctime = "%d:%02d.%02d" % (cs // 6000, cs // 100 % 60, cs % 100)
templ = "{{:<6}} {{:<8}} {{:>4}} {{:>6}} {{:>6}} {{:>5}} {{:>5}} {{:>9}}  {{:>2}}"
line = templ.format(p.pid, d['username'][:8], d['nice'],
    bytes2human(d['memory_info'].vms), bytes2human(d['memory_info'].rss),
    0.0, round(d['memory_percent'], 1), ctime, d['name'])
print(json.dumps(line))
"#
    ));
    v.as_str().expect("a line").to_string()
}

#[test]
fn once_prints_top_py_frame() {
    let dir = TempDir::new("once");
    let name = unique("sgonce");
    let kid = stopped_child(&dir, &name);
    let before = sysgauge::pids().unwrap().len();
    let out = common::sysgauge(&["top", "--once", "--interval", "0.2", "--sort", "pid"]);
    let after = sysgauge::pids().unwrap().len();
    let lines: Vec<&str> = out.lines().collect();
    let ncpu = sysgauge::cpu_count().unwrap();
    for (i, l) in lines.iter().take(ncpu).enumerate() {
        assert!(l.starts_with(&format!(" CPU{i:<2} [")), "{l:?}");
        assert_eq!(l.len(), 56, "{l:?}");
    }
    assert!(lines[ncpu].starts_with(" Mem   ["), "{out}");
    assert!(lines[ncpu + 1].starts_with(" Swap  ["), "{out}");
    assert!(lines[ncpu + 2].starts_with(" Processes: "), "{out}");
    assert!(lines[ncpu + 3].starts_with(" Load average: "), "{out}");
    assert!(lines[ncpu + 3].contains("  Uptime: "), "{out}");
    assert_eq!(lines[ncpu + 4], "");
    assert_eq!(
        lines[ncpu + 5],
        "PID    USER       NI   VIRT    RES  CPU%  MEM%     TIME+  NAME"
    );
    let total = sysgauge::virtual_memory().unwrap().total;
    assert!(
        lines[ncpu].ends_with(&format!(" / {}", psutil_b2h(&total.to_string()))),
        "{}",
        lines[ncpu]
    );
    // Every process once, in pid order; as many as the header says.
    let rows: Vec<Row> = lines[ncpu + 6..]
        .iter()
        .filter_map(|l| Row::parse(l))
        .collect();
    assert_eq!(rows.len(), lines.len() - ncpu - 6, "every line is a row");
    let pids: Vec<i32> = rows.iter().map(|r| r.pid).collect();
    monotonic("PID", &pids, false).unwrap();
    let n: usize = lines[ncpu + 2]
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(n, rows.len());
    assert!(
        n + 10 >= before.min(after) && n <= before.max(after) + 10,
        "{n} rows, pids() {before}..{after}"
    );
    // The stopped child's line is top.py's.
    let line = lines
        .iter()
        .find(|l| Row::parse(l).is_some_and(|r| r.pid == kid.pid()))
        .expect("the child's row");
    assert_eq!(*line, top_py_line(kid.pid()));
    assert!(line.ends_with(&format!("  {name}")));
}

#[test]
fn once_filter_and_sort() {
    let dir = TempDir::new("filter");
    let name = unique("sgfilt");
    let kid = stopped_child(&dir, &name);
    // Case-insensitive substring of the name.
    let out = common::sysgauge(&[
        "top",
        "--once",
        "--interval",
        "0",
        "--filter",
        &name.to_uppercase(),
    ]);
    let rows: Vec<Row> = out.lines().filter_map(Row::parse).collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(rows[0].pid, kid.pid());
    // --sort mem: MEM% never increases.
    let out = common::sysgauge(&["top", "--once", "--interval", "0", "--sort", "mem"]);
    let rows: Vec<Row> = out.lines().filter_map(Row::parse).collect();
    monotonic("MEM%", &rows.iter().map(Row::mem).collect::<Vec<_>>(), true).unwrap();
    let out = common::sysgauge(&["top", "--once", "--interval", "0", "--sort", "res"]);
    let rss: Vec<u64> = out
        .lines()
        .filter_map(Row::parse)
        .map(|r| human_bytes(&r.res))
        .collect();
    monotonic("RES", &rss, true).unwrap();
}

/// bytes2human's text back to a comparable number (rounded as shown).
fn human_bytes(s: &str) -> u64 {
    let (num, unit) = s.split_at(s.len() - 1);
    let pow = "BKMGTPE".find(unit).unwrap_or(0) as i32;
    (num.parse::<f64>().unwrap_or(0.0) * 1024f64.powi(pow)) as u64
}

#[test]
fn json_snapshot_matches_psutil() {
    let dir = TempDir::new("json");
    let name = unique("sgjson");
    let kid = stopped_child(&dir, &name);
    let out = common::sysgauge(&["top", "--json", "--interval", "0.3"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let ncpu = sysgauge::cpu_count().unwrap();
    let percpu = v["cpu_percent"].as_array().unwrap();
    assert_eq!(percpu.len(), ncpu);
    assert!(percpu
        .iter()
        .all(|p| (0.0..=100.0).contains(&p.as_f64().unwrap())));
    let vm = sysgauge::virtual_memory().unwrap();
    assert_eq!(v["virtual_memory"]["total"].as_u64(), Some(vm.total));
    let psutil_total = common::psutil("out = psutil.virtual_memory().total");
    assert_eq!(v["virtual_memory"]["total"], psutil_total);
    let psutil_swap = common::psutil("out = psutil.swap_memory().total");
    assert_eq!(v["swap_memory"]["total"], psutil_swap);
    assert_eq!(v["getloadavg"].as_array().unwrap().len(), 3);
    let boot = sysgauge::boot_time().unwrap();
    common::assert_close("boot_time", v["boot_time"].as_f64().unwrap(), boot, 1.0);
    let procs = v["processes"].as_array().unwrap();
    assert_eq!(v["num_procs"].as_u64(), Some(procs.len() as u64));
    let counted: u64 = v["procs_status"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(counted, procs.len() as u64);
    // Sorted by CPU%, ties in pid order.
    let keys: Vec<(f64, i64)> = procs
        .iter()
        .map(|p| {
            (
                -p["cpu_percent"].as_f64().unwrap_or(f64::INFINITY),
                p["pid"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(keys, sorted, "rows are sorted by CPU% then pid");
    // The stopped child, against psutil.
    let me = procs
        .iter()
        .find(|p| p["pid"].as_i64() == Some(kid.pid() as i64))
        .expect("the child is listed");
    let expect = common::psutil(&format!(
        "p = psutil.Process({})\nout = p.as_dict(['pid', 'name', 'username', 'nice', 'status', 'memory_info', 'cpu_times', 'memory_percent'])",
        kid.pid()
    ));
    for key in [
        "pid",
        "name",
        "username",
        "nice",
        "status",
        "memory_info",
        "cpu_times",
    ] {
        assert_eq!(me[key], expect[key], "{key}");
    }
    assert_eq!(me["status"], "stopped");
    assert_eq!(me["cpu_percent"].as_f64(), Some(0.0));
    common::assert_close(
        "memory_percent",
        me["memory_percent"].as_f64().unwrap(),
        expect["memory_percent"].as_f64().unwrap(),
        1e-9,
    );
    let names: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        names.iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "cpu_percent",
            "virtual_memory",
            "swap_memory",
            "getloadavg",
            "boot_time",
            "uptime",
            "num_procs",
            "procs_status",
            "processes"
        ])
    );
}

#[test]
fn errors_are_one_line() {
    // No terminal: the live view refuses, naming the way out.
    let o = common::sysgauge_out(&["top"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        err,
        "sysgauge: invalid argument: the live view needs a terminal (use --once or --json)\n"
    );
    let o = common::sysgauge_out(&["top", "--once", "--interval=-1"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("sysgauge: invalid argument: --interval") && err.lines().count() == 1,
        "{err}"
    );
}
