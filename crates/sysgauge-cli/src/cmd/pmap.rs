//! `sysgauge pmap <pid>`: psutil's pmap.py, the memory maps of one process.
//!
//! One line per mapping of `memory_maps(grouped=False)` (every region of
//! `/proc/<pid>/smaps`, in address order), then a dashed line, the total resident size and
//! the pid and name:
//!
//! ```text
//! Address                     RSS  Mode    Mapping
//! 00005580de282000         188.0K  r--p    /usr/bin/bash
//! 00005580de2b1000         700.0K  r-xp    /usr/bin/bash
//! 00005580de3b7000          44.0K  rw-p    [anon]
//! 00005580ede5c000         248.0K  rw-p    [heap]
//! 00007ffece28b000          20.0K  rw-p    [stack]
//! -------------------------------
//! Total                      3.9M
//! PID = 994, name = bash
//! ```
//!
//! The columns, as pmap.py lays them out (`{:<20} {:>10}  {:<7} {}`): the start address
//! zero-padded to 16 hex digits, left-aligned in 20; the RSS through `bytes2human`,
//! right-aligned in 10; the permissions (`r-xp`) left-aligned in 7; the path (`[anon]` for
//! anonymous memory, `[heap]`, `[stack]`, ...). The `Total` line has the same layout with
//! the last two columns blank, so it ends in spaces, as the script prints it.
//!
//! Width: the mapping lines and the `PID = ...` line are cut to the terminal width as
//! pmap.py cuts them (the header, dashes and total are not). The width is `$COLUMNS` when
//! it is a positive number, else the width of the terminal on stdout. Unlike the script
//! (which falls back to 80 columns), nothing is cut when stdout is not a terminal and
//! `$COLUMNS` is unset: piped into `grep` or a file, the paths stay whole.
//!
//! Everything is read before anything is printed, so the output is whole or there is none:
//! a pid that does not exist, a process that exits (or becomes a zombie) while it is read,
//! and a process whose maps may not be read (another user's, without privileges) are one
//! line on stderr and exit status 1. A name that cannot be read is shown as `?`.
//!
//! With `--json`, the list of mappings with psutil's `pmmap_ext` fields (`addr`, `perms`,
//! `path`, then the counters `rss`, `size`, `pss`, `shared_clean`, `shared_dirty`,
//! `private_clean`, `private_dirty`, `referenced`, `anonymous`, `swap`, in bytes).

use std::io::IsTerminal;

use sysgauge::{bytes2human, MemoryMap, Process};

use crate::cmd::ps::{cut, lossy};

/// Options of `sysgauge pmap`.
#[derive(clap::Args)]
pub struct Args {
    /// The process whose memory maps are shown.
    #[arg(allow_negative_numbers = true)]
    pub pid: i32,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// One line in pmap.py's layout.
fn templ(address: &str, rss: &str, mode: &str, mapping: &str) -> String {
    format!("{address:<20} {rss:>10}  {mode:<7} {mapping}")
}

/// The line of one mapping (not yet cut to the terminal width).
pub fn map_line(m: &MemoryMap) -> String {
    let start = m.addr.split('-').next().unwrap_or_default();
    templ(
        &format!("{start:0>16}"),
        &bytes2human(m.counters.rss),
        &m.perms,
        &m.path.to_string_lossy(),
    )
}

/// The lines pmap.py prints for the process `pid` named `name` with the mappings `maps`,
/// the ones it cuts already cut to `width` characters (`None`: not cut).
pub fn render(pid: i32, name: &str, maps: &[MemoryMap], width: Option<usize>) -> Vec<String> {
    let fit = |s: String| match width {
        Some(w) => cut(&s, w).to_string(),
        None => s,
    };
    let mut out = vec![templ("Address", "RSS", "Mode", "Mapping")];
    let mut total: u64 = 0;
    for m in maps {
        total = total.saturating_add(m.counters.rss);
        out.push(fit(map_line(m)));
    }
    out.push("-".repeat(31));
    out.push(templ("Total", &bytes2human(total), "", ""));
    out.push(fit(format!("PID = {pid}, name = {name}")));
    out
}

/// The width lines are cut to: a positive `$COLUMNS`, else the width of the terminal on
/// stdout; `None` (not cut) when stdout is not a terminal.
pub fn cut_width() -> Option<usize> {
    let env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0);
    if env.is_some() {
        return env;
    }
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    match rustix::termios::tcgetwinsize(stdout) {
        Ok(ws) if ws.ws_col > 0 => Some(usize::from(ws.ws_col)),
        _ => None,
    }
}

/// Prints the memory maps of one process: pmap.py's table, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let p = Process::new(args.pid)?;
    let maps = p.memory_maps_ungrouped()?;
    if args.json {
        return super::print_json(&maps);
    }
    let name = match p.name() {
        Ok(n) => lossy(&n),
        Err(
            e @ (sysgauge::Error::NoSuchProcess { .. } | sysgauge::Error::ZombieProcess { .. }),
        ) => return Err(e),
        Err(_) => "?".to_string(),
    };
    super::print_lines(render(p.pid(), &name, &maps, cut_width()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sysgauge::MapCounters;

    fn map(addr: &str, perms: &str, path: &str, rss: u64) -> MemoryMap {
        MemoryMap {
            addr: addr.into(),
            perms: perms.into(),
            path: path.into(),
            counters: MapCounters {
                rss,
                ..MapCounters::default()
            },
        }
    }

    #[test]
    fn layout_is_pmap_py() {
        let maps = [
            map("400000-52c000", "r-xp", "/usr/bin/python3.7", 1200 * 1024),
            map("7fff94be6000-7fff94bf2000", "rw-p", "[stack]", 48 * 1024),
            map("ffffffffff600000-ffffffffff601000", "r-xp", "[vsyscall]", 0),
        ];
        let got = render(32402, "python3", &maps, None);
        assert_eq!(
            got,
            [
                "Address                     RSS  Mode    Mapping",
                "0000000000400000           1.2M  r-xp    /usr/bin/python3.7",
                "00007fff94be6000          48.0K  rw-p    [stack]",
                "ffffffffff600000           0.0B  r-xp    [vsyscall]",
                "-------------------------------",
                "Total                      1.2M          ",
                "PID = 32402, name = python3",
            ]
        );
        let cut = render(32402, "python3", &maps, Some(45));
        assert_eq!(cut[0], got[0], "the header is not cut");
        assert_eq!(cut[1], "0000000000400000           1.2M  r-xp    /usr");
        assert_eq!(cut[5], got[5], "the total is not cut");
        assert_eq!(cut[6], got[6], "shorter than the width");
    }
}
