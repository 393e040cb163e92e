//! `sysgauge cpu-distribution`: psutil's cpu_distribution.py, a live view of which CPU
//! each process runs on.
//!
//! Every `--interval` seconds (default 1) the screen shows one column per logical CPU
//! (`cpu_count()`): its number, its utilization since the previous sample
//! (`cpu_percent(percpu=True)`), then the names of the processes that last ran on it
//! (`cpu_num()`), cut to 5 characters, the highest pid first:
//!
//! ```text
//! CPU 0     CPU 1     CPU 2     CPU 3
//! 19.8      100.0     18.2      15.8
//! gvfsd     sgbus     kwork     chrom
//! chrom     chrom     indic     ibus-
//! ibus-     cat       at-sp     chrom
//! kwork               ksoft     migra
//! ```
//!
//! Every cell is left-aligned in 10 characters (so lines end in spaces, as the script
//! prints them); the percentage has one decimal, as Python prints psutil's rounded float.
//! On the terminal, the columns that fit the width are shown, and `(+ hidden)` follows
//! the header when some CPUs do not fit (the script shows at most 8); the rows go down to
//! the bottom of the screen. Until the first interval has passed, every percentage is
//! 0.0.
//!
//! `q`, Esc or Ctrl-C quits. When stdout is not a terminal, or with `--once`, the command
//! samples the CPU times `--interval` apart, then lists the processes, and prints that one
//! frame as plain text (every CPU, every process) and exits. `--json` prints the same
//! sample as JSON, one object per CPU, with the full names:
//!
//! ```text
//! [
//!   { "cpu": 0, "percent": 19.8, "processes": ["gvfsd-fuse", "chrome", "ibus-daemon"] },
//!   { "cpu": 1, "percent": 100.0, "processes": ["sgbusy", "chrome", "cat"] }
//! ]
//! ```

use std::time::Duration;

use serde::Serialize;
use sysgauge::{Attr, AttrValue, CpuSampler, Processes};

use super::live::{self, ScreenLine, View};
use super::ps::{cut, lossy};

/// Options of `sysgauge cpu-distribution`.
#[derive(clap::Args)]
pub struct Args {
    /// Seconds between two samples (the refresh period); fractions allowed.
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = live::parse_interval)]
    pub interval: Duration,
    /// Print one frame as plain text (CPU times sampled `--interval` apart) and exit.
    #[arg(long)]
    pub once: bool,
    /// Print one sample as JSON and exit.
    #[arg(long)]
    pub json: bool,
}

/// One CPU: its utilization and the processes that last ran on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cpu {
    /// The CPU's number.
    pub cpu: usize,
    /// Its utilization over the interval, in percent (one decimal); `None` when
    /// `/proc/stat` has no line for it (an offline CPU).
    pub percent: Option<f64>,
    /// The names (lossy UTF-8) of the processes whose `cpu_num()` is this CPU, the highest
    /// pid first.
    pub processes: Vec<String>,
}

/// Every CPU's column, from the per-CPU percentages and a sweep of the processes.
fn sample(count: usize, percents: &[f64], table: &Processes) -> sysgauge::Result<Vec<Cpu>> {
    let mut cpus: Vec<Cpu> = (0..count)
        .map(|cpu| Cpu {
            cpu,
            percent: percents.get(cpu).copied(),
            processes: Vec::new(),
        })
        .collect();
    for p in table.iter(&[Attr::Name, Attr::CpuNum], AttrValue::None)? {
        // A process gone, or refused, is left out.
        let (Ok(num), Ok(name)) = (p.cpu_num(), p.name()) else {
            continue;
        };
        if let Some(c) = usize::try_from(num).ok().and_then(|n| cpus.get_mut(n)) {
            c.processes.push(lossy(&name));
        }
    }
    // The sweep is in pid order; the script pops its lists from the end.
    for c in &mut cpus {
        c.processes.reverse();
    }
    Ok(cpus)
}

/// The lines of a frame with the first `shown` CPUs, at most `rows` rows of names (the
/// rows stop earlier when every column is empty).
pub fn frame(cpus: &[Cpu], shown: usize, rows: usize) -> Vec<ScreenLine> {
    let cols = &cpus[..shown.min(cpus.len())];
    let mut header: String = cols.iter().map(|c| format!("CPU {:<6}", c.cpu)).collect();
    if cols.len() < cpus.len() {
        header.push_str(" (+ hidden)");
    }
    let percents: String = cols
        .iter()
        .map(|c| match c.percent {
            Some(p) => format!("{:<10}", format!("{p:.1}")),
            None => format!("{:<10}", "?"),
        })
        .collect();
    let mut lines = vec![ScreenLine::plain(header), ScreenLine::plain(percents)];
    let depth = cols.iter().map(|c| c.processes.len()).max().unwrap_or(0);
    for i in 0..depth.min(rows) {
        let line: String = cols
            .iter()
            .map(|c| {
                let name = c.processes.get(i).map(|n| cut(n, 5)).unwrap_or("");
                format!("{name:<10}")
            })
            .collect();
        lines.push(ScreenLine::plain(line));
    }
    lines
}

/// The live state.
struct CpuDistribution {
    count: usize,
    sampler: CpuSampler,
    table: Processes,
    shown: Vec<Cpu>,
}

impl CpuDistribution {
    /// Takes the first CPU sample and lists the processes (every percentage 0.0 until
    /// the next sample).
    fn new() -> sysgauge::Result<CpuDistribution> {
        let count = sysgauge::cpu_count()?;
        let sampler = CpuSampler::new()?;
        let table = Processes::new();
        let zeros = vec![0.0; sampler.last_percpu().len()];
        let shown = sample(count, &zeros, &table)?;
        Ok(CpuDistribution {
            count,
            sampler,
            table,
            shown,
        })
    }
}

impl View for CpuDistribution {
    fn sample(&mut self) -> sysgauge::Result<()> {
        let percents = self.sampler.percent_percpu()?;
        self.shown = sample(self.count, &percents, &self.table)?;
        Ok(())
    }

    fn lines(&self, width: usize, height: usize) -> Vec<ScreenLine> {
        let fit = (width / 10).max(1);
        frame(&self.shown, fit, height.saturating_sub(2))
    }
}

/// Runs `sysgauge cpu-distribution`: the live view on a terminal, else (or with
/// `--once`/`--json`) one frame.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let mut view = CpuDistribution::new()?;
    live::run_or_once(&mut view, args.once, args.json, args.interval, |v| &v.shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu(cpu: usize, percent: f64, names: &[&str]) -> Cpu {
        Cpu {
            cpu,
            percent: Some(percent),
            processes: names.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn layout_is_cpu_distribution_py() {
        let cpus = [
            cpu(0, 19.8, &["gvfsd-fuse", "chrome", "kworker/0:1"]),
            cpu(1, 100.0, &["sgbusy"]),
            cpu(2, 5.0, &[]),
        ];
        let text: Vec<String> = frame(&cpus, 8, usize::MAX)
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            text,
            [
                "CPU 0     CPU 1     CPU 2     ",
                "19.8      100.0     5.0       ",
                "gvfsd     sgbus               ",
                "chrom                         ",
                "kwork                         ",
            ]
        );
        let narrow: Vec<String> = frame(&cpus, 2, 1).into_iter().map(|l| l.text).collect();
        assert_eq!(
            narrow,
            [
                "CPU 0     CPU 1      (+ hidden)",
                "19.8      100.0     ",
                "gvfsd     sgbus     ",
            ]
        );
    }
}
