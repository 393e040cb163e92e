//! `sysgauge procsmem`, run as a program: its JSON row for a stopped child against psutil
//! 7.2.2's `memory_full_info()` and `/proc`, the order of the rows, and the table's
//! header (psutil's procsmem.py) and the child's row.

mod common;

use std::process::Command;

use common::{sysgauge, Kid};
use serde_json::Value;

/// A stopped `sleep`.
fn stopped_sleep() -> Kid {
    common::stopped(Kid::spawn(Command::new("sleep").arg("60")), "sleep")
}

/// A `kB` line of `/proc/<pid>/status`, in bytes (0 when absent).
fn status_kb(pid: i32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok())
        .unwrap_or(0)
        * 1024
}

#[test]
fn json_matches_psutil_memory_full_info() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let want = common::psutil(&format!(
        "p = psutil.Process({pid})\nout = [p.memory_full_info(), p.username(), p.cmdline()]"
    ));
    let report: Value = serde_json::from_str(&sysgauge(&["procsmem", "--json"])).unwrap();
    let rows = report["processes"].as_array().unwrap();
    // Sorted by USS, ascending; no process with a USS of 0.
    let uss: Vec<u64> = rows.iter().map(|r| r["uss"].as_u64().unwrap()).collect();
    assert!(uss.windows(2).all(|w| w[0] <= w[1]), "sorted by uss");
    assert!(uss.iter().all(|&u| u > 0));
    assert!(report["access_denied"].is_array());
    let row = rows
        .iter()
        .find(|r| r["pid"] == pid)
        .expect("the child is listed");
    let full = &want[0];
    assert_eq!(row["username"], want[1]);
    assert_eq!(row["cmdline"], want[2]);
    // A stopped process's page tables do not change: rss and vms are exact.
    assert_eq!(row["rss"], full["rss"]);
    assert_eq!(row["vms"], full["vms"]);
    // uss and pss count pages by how many processes map them, and other processes (other
    // tests' sleeps, say) may map or unmap the same files between the two reads. Only
    // the child's file-backed and shmem resident pages can move between private and
    // shared: its anonymous pages are its own. So the two reads differ by at most
    // RssFile + RssShmem (of /proc/<pid>/status).
    let slack = status_kb(pid, "RssFile:") + status_kb(pid, "RssShmem:");
    for k in ["uss", "pss"] {
        let (a, b) = (row[k].as_u64().unwrap(), full[k].as_u64().unwrap());
        assert!(
            a.abs_diff(b) <= slack,
            "{k}: {a} vs psutil {b} (slack {slack})"
        );
    }
    // uss <= pss <= rss, always.
    let (u, p, r) = (
        row["uss"].as_u64().unwrap(),
        row["pss"].as_u64().unwrap(),
        row["rss"].as_u64().unwrap(),
    );
    assert!(u <= p && p <= r, "uss {u} pss {p} rss {r}");
    // A stopped process is not swapped in or out by itself here; swap as psutil's
    // (within the same slack, should the machine be swapping).
    let (a, b) = (
        row["swap"].as_u64().unwrap(),
        full["swap"].as_u64().unwrap(),
    );
    assert!(a.abs_diff(b) <= slack.max(1 << 20), "swap {a} vs {b}");
}

#[test]
fn table_has_procsmem_py_layout() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let out = sysgauge(&["procsmem"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "PID     User        USS     PSS    Swap     RSS     VMS Cmdline"
    );
    assert_eq!(lines[1], "=".repeat(lines[0].len()));
    // At most 86 rows (the script's limit), then perhaps the access-denied warning.
    // A command line with a newline in it (a `python -c` child of a concurrent test)
    // continues on the next line, as in the script: count only lines that start a row.
    let rows: Vec<&str> = lines[2..]
        .iter()
        .copied()
        .filter(|l| !l.starts_with("warning: "))
        .filter(|l| {
            l.get(0..7)
                .is_some_and(|p| p.trim_end().parse::<u32>().is_ok() && !p.starts_with(' '))
        })
        .collect();
    assert!(rows.len() <= 86, "{} rows", rows.len());
    if let Some(w) = lines.iter().find(|l| l.starts_with("warning: ")) {
        assert!(w.starts_with("warning: access denied for ") && w.ends_with(" pids"));
        assert_eq!(Some(w), lines.last());
    }
    // The sleep's USS is among the smallest, so its row is printed, unless more than 86
    // processes tie with it (a machine running hundreds of sleeps): then the table is
    // full and the JSON lists it. Parse the row.
    let Some(row) = rows
        .iter()
        .find(|l| l.split_whitespace().next() == Some(&pid.to_string()))
    else {
        assert_eq!(rows.len(), 86, "no row for {pid} in\n{out}");
        let json: serde_json::Value =
            serde_json::from_str(&sysgauge(&["procsmem", "--json"])).unwrap();
        let listed = json["processes"].as_array().unwrap();
        assert!(
            listed.iter().any(|p| p["pid"] == pid),
            "{pid} not in --json"
        );
        eprintln!("skipped the row check: the 86 printed rows tie with {pid}");
        return;
    };
    let cell = |a: usize, b: usize| row.get(a..b).unwrap().trim();
    assert_eq!(cell(0, 7), pid.to_string());
    let user = common::run("ps", &["-o", "user:64=", "-p", &pid.to_string()]);
    let user: String = user.trim().chars().take(7).collect();
    assert_eq!(cell(8, 15), user);
    // Sizes as procsmem.py writes them: one decimal in K/M/G..., whole bytes below 1K.
    let human = |n: u64| -> String {
        let mut unit = 0;
        let mut div = 1u64;
        while unit < 3 && n >= div * 1024 {
            div *= 1024;
            unit += 1;
        }
        if unit == 0 {
            format!("{n}B")
        } else {
            format!("{:.1}{}", n as f64 / div as f64, ["", "K", "M", "G"][unit])
        }
    };
    let m = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap();
    let f: Vec<u64> = m.split_whitespace().map(|x| x.parse().unwrap()).collect();
    let page = rustix::param::page_size() as u64;
    // RSS and VMS of a stopped process: exact.
    assert_eq!(cell(40, 47), human(f[1] * page));
    assert_eq!(cell(48, 55), human(f[0] * page));
    let uss = cell(16, 23);
    assert!(uss.ends_with('K') || uss.ends_with('M'), "uss {uss}");
    assert_eq!(&row[56..], "sleep 60");
}
