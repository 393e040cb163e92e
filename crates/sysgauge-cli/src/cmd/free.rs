//! `sysgauge free`: psutil's free.py.
//!
//! The table lists, in KiB (bytes / 1024, truncated), the `Mem:` row's total, used, free,
//! shared, buffers and cache, and the `Swap:` row's total, used and free:
//!
//! ```text
//!              total       used       free     shared    buffers      cache
//! Mem:      24684084     326312   24346304       8872       1968     240372
//! Swap:            0          0          0
//! ```
//!
//! The first column is 7 characters wide, left-aligned; each other column is a space and a
//! right-aligned field of 10 characters (the `Swap:` row's last three are blank, so that line
//! ends in spaces, as free.py prints it). With `--json`, the two records are printed whole,
//! in bytes, under psutil's field names.

use std::io::Write;

use serde::Serialize;
use sysgauge::{SwapMemory, VirtualMemory};

/// Options of `sysgauge free`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// What `--json` prints.
#[derive(Serialize)]
struct Report<'a> {
    virtual_memory: &'a VirtualMemory,
    swap_memory: &'a SwapMemory,
}

/// One table line: the row name, then each cell right-aligned in 10 characters.
fn line<S: std::fmt::Display>(name: &str, cells: &[S]) -> String {
    let mut out = format!("{name:<7}");
    for c in cells {
        out.push_str(&format!(" {c:>10}"));
    }
    out
}

/// Bytes in whole KiB, as free.py's `int(n / 1024)`.
fn kib(bytes: u64) -> String {
    (bytes / 1024).to_string()
}

/// The table free.py prints, one line per element, without line ends.
pub fn table(vm: &VirtualMemory, swap: &SwapMemory) -> [String; 3] {
    [
        line("", &["total", "used", "free", "shared", "buffers", "cache"]),
        line(
            "Mem:",
            &[
                kib(vm.total),
                kib(vm.used),
                kib(vm.free),
                kib(vm.shared),
                kib(vm.buffers),
                kib(vm.cached),
            ],
        ),
        line(
            "Swap:",
            &[
                kib(swap.total),
                kib(swap.used),
                kib(swap.free),
                String::new(),
                String::new(),
                String::new(),
            ],
        ),
    ]
}

/// Prints memory and swap usage: free.py's table, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let vm = sysgauge::virtual_memory()?;
    let swap = sysgauge::swap_memory()?;
    let text = if args.json {
        let report = Report {
            virtual_memory: &vm,
            swap_memory: &swap,
        };
        serde_json::to_string_pretty(&report)
            .map_err(|e| sysgauge::Error::InvalidArgument(format!("JSON: {e}")))?
    } else {
        table(&vm, &swap).join("\n")
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`sysgauge free | head -1`) is not an error worth reporting.
    let _ = writeln!(out, "{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_free_py() {
        let vm = VirtualMemory {
            total: 10_368_532_480,
            available: 0,
            percent: 0.0,
            used: 8_832_999_424,
            free: 1_535_512_576,
            active: 0,
            inactive: 0,
            buffers: 357_888_000,
            cached: 3_387_224_064,
            shared: 0,
            slab: 0,
        };
        let swap = SwapMemory {
            total: 0,
            used: 0,
            free: 0,
            percent: 0.0,
            sin: 0,
            sout: 0,
        };
        let t = table(&vm, &swap);
        assert_eq!(
            t[0],
            "             total       used       free     shared    buffers      cache"
        );
        assert_eq!(
            t[1],
            "Mem:      10125520    8625976    1499524          0     349500    3307836"
        );
        assert_eq!(
            t[2],
            format!("Swap:            0          0          0{}", " ".repeat(33))
        );
    }
}
