//! `sysgauge iotop`, run as a program, with a child that writes to disk (a file under the
//! target directory, `fsync`ed): its write rate in `--json` and `--once` against
//! `/proc/<pid>/io` and the library read around the run, the disks' totals against
//! `/proc/diskstats`, the layout of psutil's iotop.py, the processes refused to an
//! unprivileged user left out, and the live view in tmux (header, the child's row, `q`
//! quits and restores the terminal).

mod common;

use std::time::{Duration, Instant};

use common::tmux::Tmux;
use common::Kid;

/// A Python child that overwrites a 16 MiB file under the target directory, 1 MiB at a
/// time with an `fsync` after each, about 20 MiB/s, until killed. It prints `ready` after
/// its first `fsync`.
fn writer(tag: &str) -> (Kid, std::path::PathBuf) {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sgiotop-{tag}-{}", std::process::id()));
    let code = r#"
import os, sys, time
f = open(sys.argv[1], "wb")
chunk = b"x" * (1 << 20)
n = 0
while True:
    t = time.monotonic()
    if n % 16 == 0:
        f.seek(0)
    f.write(chunk)
    f.flush()
    os.fsync(f.fileno())
    if n == 0:
        print("ready", flush=True)
    n += 1
    time.sleep(max(0.0, 0.05 - (time.monotonic() - t)))
"#;
    let (kid, line) = common::python_child(code, &[path.as_os_str()]);
    assert_eq!(line, "ready");
    (kid, path)
}

/// Removes the writer's file when dropped.
struct Remove(std::path::PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `write_bytes` (or `read_bytes`) of `/proc/<pid>/io`.
fn proc_io(pid: i32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/io")).expect("/proc/<pid>/io");
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}: ")))
        .and_then(|v| v.trim().parse().ok())
        .expect("a counter")
}

/// Bytes written to all whole disks (those under /sys/block), from `/proc/diskstats`.
fn diskstats_written() -> u64 {
    let text = std::fs::read_to_string("/proc/diskstats").expect("/proc/diskstats");
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let name = *f.get(2)?;
            if !std::path::Path::new("/sys/block").join(name).exists() {
                return None;
            }
            f.get(9)?.parse::<u64>().ok()
        })
        .sum::<u64>()
        * 512
}

/// The number of whole disks (under /sys/block) in `/proc/diskstats`.
fn count_disks() -> usize {
    let text = std::fs::read_to_string("/proc/diskstats").expect("/proc/diskstats");
    text.lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .filter(|name| std::path::Path::new("/sys/block").join(name).exists())
        .count()
}

/// The command line of `pid` from `/proc`: the arguments.
fn proc_cmdline(pid: i32) -> Vec<String> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).expect("cmdline");
    raw.strip_suffix(b"\0")
        .unwrap_or(&raw)
        .split(|&b| b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect()
}

/// The `COMMAND` column of `pid`: the arguments joined by spaces, control characters (the
/// Python child's code has newlines) as `?`.
fn shown_command(pid: i32) -> String {
    proc_cmdline(pid)
        .join(" ")
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The name of the user running the tests.
fn my_username() -> String {
    common::run("id", &["-un"]).trim().to_string()
}

/// What the test saw around one run: the child's and the disks' counters before and
/// after, and the time between.
struct Around {
    out: String,
    child_written: u64,
    lib_written: u64,
    disks_written: u64,
    elapsed: f64,
}

/// Runs `sysgauge args` between two reads of the child's and the disks' counters.
fn around(pid: i32, args: &[&str]) -> Around {
    let me = sysgauge::Process::new(pid).expect("the writer");
    let lib0 = me.io_counters().expect("io_counters").write_bytes;
    let (w0, d0, t0) = (
        proc_io(pid, "write_bytes"),
        diskstats_written(),
        Instant::now(),
    );
    let out = common::sysgauge(args);
    let (w1, d1, elapsed) = (
        proc_io(pid, "write_bytes"),
        diskstats_written(),
        t0.elapsed().as_secs_f64(),
    );
    let lib1 = me.io_counters().expect("io_counters").write_bytes;
    Around {
        out,
        child_written: w1 - w0,
        lib_written: lib1 - lib0,
        disks_written: d1 - d0,
        elapsed,
    }
}

#[test]
fn json_shows_the_writers_rate() {
    let (kid, path) = writer("json");
    let _rm = Remove(path);
    let pid = kid.pid();
    let user = my_username();
    common::retry("iotop --json", || {
        let a = around(pid, &["iotop", "--json", "--interval", "2"]);
        let v: serde_json::Value = serde_json::from_str(&a.out).map_err(|e| e.to_string())?;
        let interval = v["interval"].as_f64().ok_or("no interval")?;
        if !(1.9..=a.elapsed).contains(&interval) {
            return Err(format!("interval {interval} vs run of {}", a.elapsed));
        }
        let procs = v["processes"].as_array().ok_or("no processes")?;
        // The busiest first.
        let totals: Vec<u64> = procs
            .iter()
            .map(|p| {
                p["read_bytes_per_sec"].as_u64().unwrap()
                    + p["write_bytes_per_sec"].as_u64().unwrap()
            })
            .collect();
        assert!(
            totals.windows(2).all(|w| w[0] >= w[1]),
            "not sorted: {totals:?}"
        );
        let row = procs
            .iter()
            .find(|p| p["pid"] == pid)
            .ok_or_else(|| format!("the writer {pid} is not listed"))?;
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "cmdline",
                "name",
                "pid",
                "read_bytes_per_sec",
                "username",
                "write_bytes_per_sec"
            ]
        );
        assert_eq!(row["username"], user.as_str());
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap();
        assert!(
            row["name"].as_str().unwrap().starts_with(comm.trim()),
            "{row}"
        );
        let args: Vec<&str> = row["cmdline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(args, proc_cmdline(pid));

        // The writer's rate: what it wrote within the interval cannot exceed what
        // /proc/<pid>/io (and the library) saw grow around the whole run, and at a steady
        // ~20 MiB/s it is not far below the average over the run.
        let rate = row["write_bytes_per_sec"].as_u64().unwrap() as f64;
        let within = rate * interval;
        let average = a.child_written as f64 / a.elapsed;
        if a.child_written == 0 {
            eprintln!(
                "skipped: no write_bytes accounting for {}",
                env!("CARGO_TARGET_TMPDIR")
            );
            return Ok(());
        }
        // The library read just outside /proc's reads.
        common::bracketed(
            "library",
            a.child_written as i128,
            a.lib_written as i128,
            a.child_written as i128 + (4 << 20),
            0,
        )?;
        if within > a.child_written as f64 + interval {
            return Err(format!(
                "{within} bytes written in the interval, {} around it",
                a.child_written
            ));
        }
        if rate < 0.3 * average {
            return Err(format!(
                "rate {rate} B/s, average around the run {average} B/s"
            ));
        }
        // The disks: no more than /proc/diskstats saw around the run; and when the
        // child's writes reach a disk listed there, at least a part of them.
        let Some(disk) = v["disk_write_bytes_per_sec"].as_u64() else {
            // No disk: then /proc/diskstats lists none under /sys/block either.
            assert!(v["disk_read_bytes_per_sec"].is_null());
            assert_eq!(count_disks(), 0, "disks listed, but no disk rate");
            return Ok(());
        };
        let disk = disk as f64;
        if disk * interval > a.disks_written as f64 + interval {
            return Err(format!(
                "disks: {} bytes in the interval, {} around it",
                disk * interval,
                a.disks_written
            ));
        }
        if a.disks_written >= a.child_written && disk * interval < 0.3 * within {
            return Err(format!("disks wrote {disk} B/s, the child {rate} B/s"));
        }
        Ok(())
    });
}

#[test]
fn once_prints_iotop_py_layout() {
    let (kid, path) = writer("once");
    let _rm = Remove(path);
    let pid = kid.pid();
    let user = my_username();
    common::retry("iotop --once", || {
        let a = around(pid, &["iotop", "--once", "--interval", "1.5"]);
        let lines: Vec<&str> = a.out.lines().collect();
        let total = lines[0];
        let rest = total
            .strip_prefix("Total DISK READ: ")
            .ok_or_else(|| format!("first line: {total:?}"))?;
        let (read, write) = rest.split_once(" | Total DISK WRITE: ").ok_or("no WRITE")?;
        assert!(
            parse_human(read).is_some() && parse_human(write).is_some(),
            "{total}"
        );
        assert_eq!(lines[1], "PID   USER      DISK READ  DISK WRITE  COMMAND");
        let prefix = format!("{pid:<5} ");
        let line = lines
            .iter()
            .find(|l| l.starts_with(&prefix))
            .ok_or_else(|| format!("no row for {pid}"))?;
        let user7: String = user.chars().take(7).collect();
        let cmd = shown_command(pid);
        let expect_start = format!("{pid:<5} {user7:<7} ");
        assert!(line.starts_with(&expect_start), "{line:?}");
        assert!(line.ends_with(&format!("  {cmd}")), "{line:?}");
        // The two rate columns: right-aligned in 11, after the user's 7.
        let (read_col, write_col) = rate_columns(line, pid);
        assert!(parse_human(read_col.trim()).is_some(), "{line:?}");
        let written = parse_human(write_col.trim()).ok_or_else(|| format!("{line:?}"))?;
        if a.child_written == 0 {
            eprintln!("skipped: no write_bytes accounting");
            return Ok(());
        }
        if written < 0.3 * a.child_written as f64 / a.elapsed {
            return Err(format!(
                "{write_col} vs {} bytes in {} s",
                a.child_written, a.elapsed
            ));
        }
        if written * 1.5 > a.child_written as f64 * 1.06 {
            return Err(format!(
                "{write_col} vs {} bytes around the run",
                a.child_written
            ));
        }
        // Kernel threads (no command line) show their name.
        if std::fs::read("/proc/2/comm").is_ok_and(|c| c == b"kthreadd\n") {
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with("2     ") && l.ends_with("  kthreadd")),
                "kthreadd's row"
            );
        }
        Ok(())
    });
}

/// The `DISK READ` and `DISK WRITE` cells (11 characters each) of `pid`'s row: after the
/// pid (left-aligned in 5, longer pids push the rest) and the user (7).
fn rate_columns(line: &str, pid: i32) -> (&str, &str) {
    let start = pid.to_string().len().max(5) + 1 + 7 + 1;
    (
        line.get(start..start + 11).unwrap_or(""),
        line.get(start + 12..start + 23).unwrap_or(""),
    )
}

/// A `bytes2human` value ("20.1M") in bytes.
fn parse_human(s: &str) -> Option<f64> {
    let (num, unit) = s.split_at(s.len().checked_sub(1)?);
    let scale = match unit {
        "B" => 1u64,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return None,
    };
    num.parse::<f64>().ok().map(|n| n * scale as f64)
}

#[test]
fn without_a_terminal_one_frame_is_printed() {
    let out = common::sysgauge_out(&["iotop", "--interval", "0.2"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Total DISK READ: "), "{text}");
    assert_eq!(
        text.lines().nth(1),
        Some("PID   USER      DISK READ  DISK WRITE  COMMAND")
    );
    // No terminal control sequences.
    assert!(!text.contains('\x1b'));
    let bad = common::sysgauge_out(&["iotop", "--interval", "0"]);
    assert!(!bad.status.success());
}

#[test]
fn refused_processes_are_left_out() {
    let bin = env!("CARGO_BIN_EXE_sysgauge");
    let root = rustix::process::geteuid().is_root();
    let out = if root {
        // As nobody, only nobody's processes (this run of sysgauge) can be read.
        std::process::Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                bin,
                "iotop",
                "--json",
                "--interval",
                "0.3",
            ])
            .output()
            .expect("setpriv runs")
    } else {
        common::sysgauge_out(&["iotop", "--json", "--interval", "0.3"])
    };
    if root && matches!(out.status.code(), Some(126) | Some(127)) {
        eprintln!("skipped: nobody cannot run {bin}");
        return;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let procs = v["processes"].as_array().unwrap();
    let want_uid = if root {
        65534
    } else {
        rustix::process::getuid().as_raw()
    };
    let mut own = false;
    for p in procs {
        let pid = p["pid"].as_i64().unwrap();
        own |= p["name"] == "sysgauge";
        // Every process still there belongs to the user who ran sysgauge.
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            let uid: u32 = status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|l| l.split_whitespace().next())
                .and_then(|u| u.parse().ok())
                .unwrap();
            assert_eq!(uid, want_uid, "pid {pid} ({p}) should have been refused");
        }
    }
    assert!(own, "sysgauge's own process is missing: {procs:?}");
    if root {
        assert!(!procs.iter().any(|p| p["pid"] == 1), "pid 1 is root's");
    }
}

/// The live view in a terminal: the header, the writer's row with a rate, in reverse video
/// the column header; `q` quits and restores the terminal.
#[test]
fn live_view_in_tmux() {
    let (kid, path) = writer("live");
    let _rm = Remove(path);
    let pid = kid.pid();
    let bin = env!("CARGO_BIN_EXE_sysgauge");
    let tmux = Tmux::start("iotop", &format!("'{bin}' iotop --interval 0.5"));
    let prefix = format!("{pid:<5} ");
    let accounted = {
        let w0 = proc_io(pid, "write_bytes");
        std::thread::sleep(Duration::from_millis(300));
        proc_io(pid, "write_bytes") > w0
    };
    let screen = tmux.wait_screen("the writer's row with a write rate", |s| {
        let mut lines = s.lines();
        lines
            .next()
            .is_some_and(|l| l.starts_with("Total DISK READ: "))
            && lines
                .next()
                .is_some_and(|l| l.trim_end() == "PID   USER      DISK READ  DISK WRITE  COMMAND")
            && s.lines().any(|l| {
                let (_, w) = rate_columns(l, pid);
                l.starts_with(&prefix) && (!accounted || !matches!(w.trim(), "" | "0.0B"))
            })
    });
    // The row is cut at the screen's width.
    let row = screen.lines().find(|l| l.starts_with(&prefix)).unwrap();
    let start = pid.to_string().len().max(5) + 1 + 7 + 1 + 11 + 1 + 11 + 2;
    let shown = row.get(start..).unwrap_or("").trim_end();
    assert!(
        shown.len() > 20 && shown_command(pid).starts_with(shown),
        "{row}"
    );
    // The column header is in reverse video across the screen.
    let colored = tmux.screen(true);
    let header = colored.lines().nth(1).unwrap();
    assert!(header.contains("\x1b[7m"), "{header:?}");
    tmux.quit_with("q");
}
