//! `sysgauge ps`, run as a program: its JSON against `ps -eo` and `/proc`, for every
//! process and for a stopped child with a known name; its table's header (psutil's ps.py)
//! and the child's row.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::Kid;

fn sysgauge(args: &[&str], columns: Option<&str>) -> String {
    let mut cmd = common::sysgauge_cmd(args);
    match columns {
        Some(c) => cmd.env("COLUMNS", c),
        None => cmd.env_remove("COLUMNS"),
    };
    common::stdout_of(&mut cmd)
}

/// A copy of `sleep` under a name of our own (`comm` is the executable's file name), run
/// and stopped, so its values do not move while they are compared.
fn named_child(tag: &str) -> (Kid, std::path::PathBuf, tempdir::Dir) {
    let dir = tempdir::Dir::new(tag);
    let exe = dir.0.join("sgps-child");
    std::fs::copy("/bin/sleep", &exe).expect("copy sleep");
    let kid = common::stopped(Kid::spawn(Command::new(&exe).arg("30")), "sgps-child");
    (kid, exe, dir)
}

mod tempdir {
    /// A directory removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new(tag: &str) -> Dir {
            let p = std::env::temp_dir().join(format!("sgcli-{tag}-{}", std::process::id()));
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
}

/// `ps -eo pid,ppid,user,comm`: pid -> (ppid, user, comm).
fn ps_eo() -> BTreeMap<i64, (i64, String, String)> {
    let out = common::run("ps", &["-eo", "pid=,ppid=,user:64=,comm="]);
    out.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let pid = f.next()?.parse().ok()?;
            let ppid = f.next()?.parse().ok()?;
            let user = f.next()?.to_string();
            // comm may hold spaces.
            let comm = f.collect::<Vec<_>>().join(" ");
            Some((pid, (ppid, user, comm)))
        })
        .collect()
}

/// rss and vms of `/proc/<pid>/statm`, in bytes.
fn statm(pid: i32) -> (u64, u64) {
    let s = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap();
    let f: Vec<u64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();
    let page = rustix::param::page_size() as u64;
    (f[1] * page, f[0] * page)
}

#[test]
fn json_matches_ps_and_proc() {
    let (kid, exe, _dir) = named_child("psjson");
    let before = ps_eo();
    let out = sysgauge(&["ps", "--json"], None);
    let after = ps_eo();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let by_pid: BTreeMap<i64, &serde_json::Value> = rows
        .iter()
        .map(|r| (r["pid"].as_i64().unwrap(), r))
        .collect();
    // pid order, psutil's attribute names, nothing else.
    let pids: Vec<i64> = rows.iter().map(|r| r["pid"].as_i64().unwrap()).collect();
    assert!(pids.windows(2).all(|w| w[0] < w[1]), "pid order");
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "cmdline",
            "cpu_times",
            "create_time",
            "memory_info",
            "memory_percent",
            "name",
            "nice",
            "pid",
            "status",
            "username"
        ]
    );
    // Every process that `ps` listed the same way before and after is there, with ps's
    // user and a name that starts with ps's comm (the kernel's comm is cut at 15 bytes;
    // psutil's name may be the longer one from the command line).
    let mut compared = 0;
    for (pid, b) in &before {
        if after.get(pid) != Some(b) || *pid == i64::from(std::process::id()) {
            continue;
        }
        let Some(r) = by_pid.get(pid) else {
            panic!("pid {pid} ({b:?}) is missing from ps --json");
        };
        let (_, user, comm) = b;
        let name = r["name"].as_str().unwrap();
        assert!(
            name.starts_with(comm.as_str()),
            "pid {pid}: {name} vs {comm}"
        );
        // ps prints a uid it cannot name as a number, as psutil's username() does.
        assert_eq!(r["username"].as_str().unwrap(), user, "pid {pid}");
        compared += 1;
    }
    assert!(compared >= 2, "compared only {compared} processes");

    // The stopped child: every value against /proc and ps.
    let pid = i64::from(kid.pid());
    let r = by_pid[&pid];
    assert_eq!(r["name"], "sgps-child");
    assert_eq!(
        r["cmdline"],
        serde_json::json!([exe.to_str().unwrap(), "30"])
    );
    assert_eq!(r["status"], "stopped");
    assert_eq!(r["nice"], 0);
    assert_eq!(r["username"].as_str().unwrap(), before[&pid].1);
    let (rss, vms) = statm(kid.pid());
    assert_eq!(r["memory_info"]["rss"], rss);
    assert_eq!(r["memory_info"]["vms"], vms);
    let total = std::fs::read_to_string("/proc/meminfo")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .unwrap()
        .trim()
        .trim_end_matches(" kB")
        .parse::<f64>()
        .unwrap()
        * 1024.0;
    common::assert_close(
        "memory_percent",
        r["memory_percent"].as_f64().unwrap(),
        rss as f64 / total * 100.0,
        1e-9,
    );
    // create_time: starttime / CLK_TCK + btime, from /proc directly. btime is whole
    // seconds while psutil's boot time is too, so they agree to float rounding.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_comm = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after_comm.split_whitespace().collect();
    let start_ticks: f64 = f[19].parse().unwrap();
    let btime: f64 = std::fs::read_to_string("/proc/stat")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let clk = rustix::param::clock_ticks_per_second() as f64;
    common::assert_close(
        "create_time",
        r["create_time"].as_f64().unwrap(),
        btime + start_ticks / clk,
        1e-6,
    );
    let utime: f64 = f[11].parse::<f64>().unwrap() / clk;
    common::assert_close(
        "cpu_times.user",
        r["cpu_times"]["user"].as_f64().unwrap(),
        utime,
        1e-9,
    );
}

#[test]
fn table_has_ps_py_header_and_rows() {
    let (kid, exe, _dir) = named_child("pstable");
    let out = sysgauge(&["ps"], Some("1000"));
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "USER         PID  %MEM     VSZ     RSS  NICE STATUS  START   TIME  CMDLINE"
    );
    let pid = kid.pid();
    let row = out
        .lines()
        .find(|l| l.get(11..16).map(str::trim) == Some(&pid.to_string()))
        .unwrap_or_else(|| panic!("no row for {pid} in\n{out}"));
    // The fixed-width part: USER(10) PID(5) %MEM(5) VSZ(7) RSS(7) NICE(5) STATUS(6)
    // START(6) TIME(6), then two spaces and the command line.
    let cell = |a: usize, b: usize| row.get(a..b).unwrap().trim();
    let (rss, vms) = statm(pid);
    assert_eq!(cell(0, 10), ps_eo()[&i64::from(pid)].1);
    assert_eq!(cell(23, 30), sysgauge::bytes2human(vms));
    assert_eq!(cell(31, 38), sysgauge::bytes2human(rss));
    assert_eq!(cell(39, 44), "", "nice 0 is blank");
    assert_eq!(cell(45, 51), "stopp");
    let start = cell(52, 58);
    assert!(
        start.len() == 5 && start.as_bytes()[2] == b':',
        "started today, HH:MM: {start:?}"
    );
    let time = cell(59, 65);
    assert!(time.len() == 5 && time.as_bytes()[2] == b':', "{time:?}");
    assert_eq!(&row[65..67], "  ");
    assert_eq!(&row[67..], format!("{} 30", exe.display()));
    let memp: f64 = cell(17, 22).parse().unwrap();
    assert!((0.0..=100.0).contains(&memp));
}

#[test]
fn lines_are_cut_to_the_terminal_width() {
    // The rows (not the header, which ps.py prints whole) are cut to the width: without
    // a terminal or $COLUMNS, 80, as Python's shutil.get_terminal_size().
    let header = "USER         PID  %MEM     VSZ     RSS  NICE STATUS  START   TIME  CMDLINE";
    let out = sysgauge(&["ps"], None);
    assert_eq!(out.lines().next().unwrap(), header);
    assert!(out.lines().count() > 1);
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    let out = sysgauge(&["ps"], Some("40"));
    assert_eq!(out.lines().next().unwrap(), header);
    assert!(
        out.lines().skip(1).all(|l| l.chars().count() <= 40),
        "{out}"
    );
    assert!(
        out.lines().skip(1).any(|l| l.chars().count() == 40),
        "{out}"
    );
}
