//! `sysgauge procsmem`: psutil's procsmem.py, the memory of every readable process, like
//! `smem`.
//!
//! ```text
//! PID     User        USS     PSS    Swap     RSS     VMS Cmdline
//! ===============================================================
//! 14616   root      96.0K  294.0K            1.0M    1.4M binary_backend --uid 0
//! 32579   root     347.5M  348.0M          349.8M  749.1M /usr/bin/rustc --edition=2021
//! warning: access denied for 1 pids
//! ```
//!
//! For each process: `memory_footprint()` (USS, PSS, swap from `smaps_rollup`) and
//! `memory_info()` (RSS, VMS), its user name cut to 7 characters and its command line
//! cut to 50. Processes with a USS of 0 (kernel threads) are left out; processes whose
//! memory cannot be read (other users' ones, unless root) are counted and reported on
//! the last line. Rows are sorted by USS, ascending, and, as the script does, only the
//! first 86 are printed. Sizes are in 1024-based units with one decimal (`96.0K`), or
//! whole bytes below 1 KiB (`0B`); a PSS or swap of 0 is blank.
//!
//! With `--json`: `{"processes": [...], "access_denied": [pids]}`, every process (not only
//! 86) sorted by USS, sizes in bytes.

use serde::Serialize;
use sysgauge::{Attr, AttrValue, Error};

use super::ps::{cut, lossy};

/// Options of `sysgauge procsmem`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// One process's memory, in bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The pid.
    pub pid: i32,
    /// The user name (lossy UTF-8), `null` when refused.
    pub username: Option<String>,
    /// The command line (lossy UTF-8), `null` when refused.
    pub cmdline: Option<Vec<String>>,
    /// Unique set size.
    pub uss: u64,
    /// Proportional set size.
    pub pss: u64,
    /// Swapped-out memory.
    pub swap: u64,
    /// Resident set size.
    pub rss: u64,
    /// Virtual memory size.
    pub vms: u64,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The processes with a USS above 0, by USS ascending (pid order among equals).
    pub processes: Vec<Row>,
    /// The pids whose memory could not be read.
    pub access_denied: Vec<i32>,
}

/// procsmem.py's size: the largest 1024-based unit (`K` to `Y`) not above `n`, one
/// decimal; below 1 KiB, whole bytes (`512B`).
pub fn convert_bytes(n: u64) -> String {
    const SYMBOLS: [char; 8] = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    for (i, s) in SYMBOLS.iter().enumerate().rev() {
        let prefix = 1u128 << ((i + 1) * 10);
        if u128::from(n) >= prefix {
            return format!("{:.1}{s}", n as f64 / prefix as f64);
        }
    }
    format!("{n}B")
}

/// Reads every process (one oneshot each).
pub fn collect() -> sysgauge::Result<Report> {
    let mut processes = Vec::new();
    let mut access_denied = Vec::new();
    for p in sysgauge::process_iter(&[], AttrValue::None)? {
        let got = p.oneshot(|p| -> sysgauge::Result<Option<Row>> {
            let mem = p.memory_footprint()?;
            let d = p.as_dict(
                &[Attr::Cmdline, Attr::Username, Attr::MemoryInfo],
                AttrValue::None,
            )?;
            if mem.uss == 0 {
                return Ok(None);
            }
            let (rss, vms) = match d.get(Attr::MemoryInfo) {
                Some(AttrValue::MemoryInfo(m)) => (m.rss, m.vms),
                _ => {
                    let m = p.memory_info()?;
                    (m.rss, m.vms)
                }
            };
            let username = match d.get(Attr::Username) {
                Some(AttrValue::Bytes(u)) => Some(lossy(u)),
                _ => None,
            };
            let cmdline = match d.get(Attr::Cmdline) {
                Some(AttrValue::Args(a)) => Some(a.iter().map(|x| lossy(x)).collect()),
                _ => None,
            };
            Ok(Some(Row {
                pid: p.pid(),
                username,
                cmdline,
                uss: mem.uss,
                pss: mem.pss,
                swap: mem.swap,
                rss,
                vms,
            }))
        });
        match got {
            Ok(Some(row)) => processes.push(row),
            Ok(None) => {}
            Err(Error::AccessDenied { .. }) => access_denied.push(p.pid()),
            // Gone, a zombie, or unreadable: left out, as the script does.
            Err(_) => {}
        }
    }
    // Stable: equal USS keep pid order.
    processes.sort_by_key(|r| r.uss);
    Ok(Report {
        processes,
        access_denied,
    })
}

/// procsmem.py's header line.
pub fn header() -> String {
    format!(
        "{:<7} {:<7} {:>7} {:>7} {:>7} {:>7} {:>7} {}",
        "PID", "User", "USS", "PSS", "Swap", "RSS", "VMS", "Cmdline"
    )
}

/// procsmem.py's line for `row`.
pub fn line(row: &Row) -> String {
    let blank_if_zero = |n: u64| {
        if n == 0 {
            String::new()
        } else {
            convert_bytes(n)
        }
    };
    let cmd = match &row.cmdline {
        Some(a) if !a.is_empty() => cut(&a.join(" "), 50).to_string(),
        _ => String::new(),
    };
    format!(
        "{:<7} {:<7} {:>7} {:>7} {:>7} {:>7} {:>7} {}",
        row.pid,
        row.username
            .as_deref()
            .map(|u| cut(u, 7))
            .unwrap_or_default(),
        convert_bytes(row.uss),
        blank_if_zero(row.pss),
        blank_if_zero(row.swap),
        convert_bytes(row.rss),
        convert_bytes(row.vms),
        cmd
    )
}

/// procsmem.py's output, one line per element.
pub fn render(report: &Report) -> Vec<String> {
    let h = header();
    let mut out = vec![h.clone(), "=".repeat(h.chars().count())];
    out.extend(report.processes.iter().take(86).map(line));
    if !report.access_denied.is_empty() {
        out.push(format!(
            "warning: access denied for {} pids",
            report.access_denied.len()
        ));
    }
    out
}

/// Prints the memory of every process: procsmem.py's table, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let report = collect()?;
    if args.json {
        return super::print_json(&report);
    }
    super::print_lines(render(&report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_the_scripts() {
        assert_eq!(convert_bytes(0), "0B");
        assert_eq!(convert_bytes(1023), "1023B");
        assert_eq!(convert_bytes(1024), "1.0K");
        assert_eq!(convert_bytes(98304), "96.0K");
        assert_eq!(convert_bytes(364_380_160), "347.5M");
        assert_eq!(convert_bytes(u64::MAX), "16.0E");
    }

    #[test]
    fn layout_is_the_scripts() {
        let report = Report {
            processes: vec![Row {
                pid: 14616,
                username: Some("rootuser1".into()),
                cmdline: Some(vec!["a".repeat(40), "b".repeat(20)]),
                uss: 98304,
                pss: 0,
                swap: 0,
                rss: 1024 * 1024,
                vms: 1468006,
            }],
            access_denied: vec![1],
        };
        let l = render(&report);
        assert_eq!(
            l[0],
            "PID     User        USS     PSS    Swap     RSS     VMS Cmdline"
        );
        assert_eq!(l[1], "=".repeat(63));
        assert_eq!(
            l[2],
            format!(
                "14616   rootuse   96.0K                    1.0M    1.4M {} {}",
                "a".repeat(40),
                "b".repeat(9)
            )
        );
        assert_eq!(l[3], "warning: access denied for 1 pids");
    }
}
