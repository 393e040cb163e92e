//! `sysgauge cpu-distribution`, run as a program, with a busy child pinned to CPU 1 (CPU
//! 0 on a one-CPU machine) by `taskset` and a stopped child pinned to CPU 0: one column
//! per CPU (as many as `getconf _NPROCESSORS_ONLN`, psutil and the library count), the
//! busy child's name under its CPU with that CPU near 100 % busy, the stopped child's under
//! CPU 0, the layout of psutil's cpu_distribution.py, and the live view in tmux (Ctrl-C
//! quits and restores the terminal).

mod common;

use std::process::Command;

use common::tmux::Tmux;
use common::Kid;

/// A directory under the target directory, removed when dropped.
struct Dir(std::path::PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let p = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("sgcpu-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The number of online CPUs, per `getconf`.
fn online_cpus() -> usize {
    common::run("getconf", &["_NPROCESSORS_ONLN"])
        .trim()
        .parse()
        .unwrap()
}

/// The children: `b<tag>` (a copy of `sh` spinning in a loop) pinned to the last of CPUs
/// 0 and 1, `i<tag>` (a copy of `sleep`, stopped) pinned to CPU 0.
struct Kids {
    busy: Kid,
    idle: Kid,
    busy_cpu: usize,
    busy_name: String,
    idle_name: String,
    _dir: Dir,
}

fn kids(tag: &str) -> Kids {
    let dir = Dir::new(tag);
    // Names unique to each test (they run in parallel), 5 characters: what the text
    // shows of them.
    let (busy_name, idle_name) = (format!("b{tag}"), format!("i{tag}"));
    assert_eq!((busy_name.len(), idle_name.len()), (5, 5));
    let sh = dir.0.join(&busy_name);
    let sleep = dir.0.join(&idle_name);
    std::fs::copy("/bin/sh", &sh).unwrap();
    std::fs::copy("/bin/sleep", &sleep).unwrap();
    let busy_cpu = if online_cpus() > 1 { 1 } else { 0 };
    let busy = Kid::spawn(
        Command::new("taskset")
            .args(["-c", &busy_cpu.to_string()])
            .arg(&sh)
            .args(["-c", "while :; do :; done"]),
    );
    let idle = Kid::spawn(
        Command::new("taskset")
            .args(["-c", "0"])
            .arg(&sleep)
            .arg("60"),
    );
    common::wait_comm(busy.pid(), &busy_name);
    let idle = common::stopped(idle, &idle_name);
    // taskset execs the program: the pids are the children's.
    assert_eq!(common::taskset(busy.pid()), [busy_cpu]);
    assert_eq!(common::taskset(idle.pid()), [0]);
    Kids {
        busy,
        idle,
        busy_cpu,
        busy_name,
        idle_name,
        _dir: dir,
    }
}

/// The `processor` field of `/proc/<pid>/stat`: the CPU it last ran on.
fn processor(pid: i32) -> Option<usize> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    after.split_whitespace().nth(36)?.parse().ok()
}

#[test]
fn json_columns_and_children() {
    let k = kids("json");
    let n = online_cpus();
    assert_eq!(sysgauge::cpu_count().unwrap(), n);
    assert_eq!(common::psutil("out = psutil.cpu_count()"), n);
    assert_eq!(processor(k.busy.pid()), Some(k.busy_cpu));
    assert_eq!(processor(k.idle.pid()), Some(0));
    common::retry("cpu-distribution --json", || {
        let pids_before = sysgauge::pids().unwrap().len();
        let out = common::sysgauge(&["cpu-distribution", "--json", "--interval", "1"]);
        let pids_after = sysgauge::pids().unwrap().len();
        let v: serde_json::Value = serde_json::from_str(&out).map_err(|e| e.to_string())?;
        let cpus = v.as_array().unwrap();
        assert_eq!(cpus.len(), n, "one entry per CPU");
        let mut listed = 0;
        for (i, c) in cpus.iter().enumerate() {
            let keys: Vec<&String> = c.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["cpu", "percent", "processes"]);
            assert_eq!(c["cpu"], i);
            let p = c["percent"].as_f64().unwrap();
            assert!((0.0..=100.0).contains(&p), "{c}");
            // One decimal, as psutil rounds.
            assert_eq!(format!("{p:.1}").parse::<f64>().unwrap(), p);
            listed += c["processes"].as_array().unwrap().len();
        }
        let names = |cpu: usize| -> Vec<String> {
            cpus[cpu]["processes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        };
        // Every process is listed once (a few may come or go during the run).
        let (lo, hi) = (pids_before.min(pids_after), pids_before.max(pids_after));
        if listed + 10 < lo || listed > hi + 10 {
            return Err(format!("{listed} processes listed, {lo}..{hi} running"));
        }
        assert_eq!(
            names(k.busy_cpu)
                .iter()
                .filter(|x| **x == k.busy_name)
                .count(),
            1,
            "{} under CPU {}",
            k.busy_name,
            k.busy_cpu
        );
        assert!(
            names(0).contains(&k.idle_name),
            "{} under CPU 0",
            k.idle_name
        );
        for cpu in 1..n {
            assert!(
                !names(cpu).contains(&k.idle_name),
                "{} under CPU {cpu}",
                k.idle_name
            );
        }
        let busy = cpus[k.busy_cpu]["percent"].as_f64().unwrap();
        if busy < 80.0 {
            return Err(format!("CPU {} only {busy} % busy", k.busy_cpu));
        }
        Ok(())
    });
}

#[test]
fn once_prints_cpu_distribution_py_layout() {
    let k = kids("once");
    let n = online_cpus();
    let out = common::sysgauge(&["cpu-distribution", "--once", "--interval", "1"]);
    let lines: Vec<&str> = out.lines().collect();
    let header: String = (0..n).map(|i| format!("CPU {i:<6}")).collect();
    assert_eq!(lines[0], header, "one column per CPU");
    assert_eq!(lines[1].len(), 10 * n, "{:?}", lines[1]);
    for i in 0..n {
        let cell = &lines[1][10 * i..10 * i + 10];
        let p: f64 = cell.trim_end().parse().expect("a percentage");
        assert_eq!(format!("{p:.1}"), cell.trim_end(), "one decimal");
        assert!((0.0..=100.0).contains(&p));
    }
    let column = |cpu: usize| -> Vec<&str> {
        lines[2..]
            .iter()
            .map(|l| {
                assert_eq!(l.len(), 10 * n, "{l:?}");
                l[10 * cpu..10 * cpu + 10].trim_end()
            })
            .filter(|c| !c.is_empty())
            .collect()
    };
    for cpu in 0..n {
        for name in column(cpu) {
            assert!(name.chars().count() <= 5, "{name:?} is longer than 5");
        }
    }
    assert!(
        column(k.busy_cpu).contains(&k.busy_name.as_str()),
        "{} under CPU {}",
        k.busy_name,
        k.busy_cpu
    );
    assert!(
        column(0).contains(&k.idle_name.as_str()),
        "{} under CPU 0",
        k.idle_name
    );
    // Names stack from the top: no gap in a column.
    for cpu in 0..n {
        let cells: Vec<&str> = lines[2..]
            .iter()
            .map(|l| l[10 * cpu..10 * cpu + 10].trim_end())
            .collect();
        let first_blank = cells
            .iter()
            .position(|c| c.is_empty())
            .unwrap_or(cells.len());
        assert!(
            cells[first_blank..].iter().all(|c| c.is_empty()),
            "gap under CPU {cpu}"
        );
    }
    // The last row has at least one name.
    assert!(!lines.last().unwrap().trim().is_empty());
}

#[test]
fn without_a_terminal_one_frame_is_printed() {
    let out = common::sysgauge_out(&["cpu-distribution", "--interval", "0.2"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("CPU 0     "), "{text}");
    assert!(!text.contains('\x1b'));
}

/// The cell of CPU `cpu` in a line of the screen (tmux drops the spaces that end lines).
fn cell(line: &str, cpu: usize) -> &str {
    let start = (10 * cpu).min(line.len());
    line[start..(start + 10).min(line.len())].trim_end()
}

/// The live view in a terminal: the CPU columns, the busy child under its CPU; Ctrl-C
/// quits and restores the terminal.
#[test]
fn live_view_in_tmux() {
    let k = kids("live");
    let n = online_cpus();
    let bin = env!("CARGO_BIN_EXE_sysgauge");
    let tmux = Tmux::start(
        "cpudist",
        &format!("'{bin}' cpu-distribution --interval 0.5"),
    );
    // 160 columns fit 16 CPUs.
    let shown = n.min(16);
    let mut header: String = (0..shown).map(|i| format!("CPU {i:<6}")).collect();
    if shown < n {
        header.push_str(" (+ hidden)");
    }
    let screen = tmux.wait_screen(&format!("the CPU columns and {}", k.busy_name), |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.first().is_some_and(|l| l.trim_end() == header.trim_end())
            && lines
                .iter()
                .skip(2)
                .any(|l| cell(l, k.busy_cpu) == k.busy_name)
            // CPU busy_cpu busy (after a first tick).
            && lines.get(1).is_some_and(|l| {
                cell(l, k.busy_cpu)
                    .parse::<f64>()
                    .is_ok_and(|p| p >= 50.0)
            })
    });
    let percents = screen.lines().nth(1).unwrap();
    assert_eq!(percents.split_whitespace().count(), shown, "{percents:?}");
    tmux.quit_with("C-c");
}
