//! A `ps`-like sweep over every process, timed: for each process the ten fields pid, ppid,
//! name, username, status, create_time, cpu_times, memory_info, num_threads and cmdline.
//! Run by hand (not in CI), usually through `bench/compare_ps.sh`.
//!
//! ```text
//! cargo run --release -p sysgauge --example sweep -- --mode raw|sysgauge|sysinfo [--iters N] [--json]
//! ```
//!
//! Modes:
//! - `raw`: the floor. For each numeric entry of `/proc`, open and read `stat`, `status`,
//!   `statm` and `cmdline` into one reused buffer, with no parsing at all.
//! - `sysgauge`: `sysgauge::pids()`, then `Process::new(pid)` and one getter per field.
//! - `sysgauge-oneshot`: the same getters inside `Process::oneshot`.
//! - `sysinfo`: one `sysinfo::System`, refreshed with the smallest `ProcessRefreshKind`
//!   that covers the same fields, re-reading `cmdline` and the uids on every refresh
//!   (`UpdateKind::Always`), as the other tools do.
//! - `sysinfo-cached`: the same with `UpdateKind::OnlyIfNotSet` (sysinfo's own default for
//!   `everything()`): after the first refresh, `cmdline` and `status` are not read again, so
//!   it does less work than the others and its numbers are not comparable one to one.
//!
//! Every mode first runs one untimed sweep (warm-up; for sysinfo that is the first refresh,
//! which builds its process table, and its time is printed as `first`), then `--iters`
//! timed sweeps. A process that vanishes mid-sweep is skipped; errors are counted, never
//! fatal. Prints min and median milliseconds per sweep and the number of processes seen in
//! the last sweep, or one JSON object with `--json`.

use std::ffi::CStr;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// What one sweep saw.
#[derive(Default, Clone, Copy)]
struct Seen {
    /// Processes whose fields were read (at least their `stat`).
    procs: usize,
    /// Getter calls (or file reads, in `raw` mode) that failed on a process still listed.
    errors: usize,
}

/// The floor: opens and reads the four files of every process into one reused buffer.
struct Raw {
    buf: Vec<u8>,
    path: Vec<u8>,
}

impl Raw {
    fn new() -> Raw {
        Raw {
            buf: vec![0; 64 * 1024],
            path: Vec::with_capacity(64),
        }
    }

    /// Reads the file at `self.path` (NUL-terminated) to its end into `self.buf`; the
    /// number of bytes, or None when it cannot be opened or read (process gone).
    fn read_path(&mut self) -> Option<usize> {
        let path = CStr::from_bytes_with_nul(&self.path).ok()?;
        let fd = rustix::fs::open(
            path,
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .ok()?;
        let mut filled = 0;
        loop {
            if filled == self.buf.len() {
                let grow = self.buf.len().max(4096);
                self.buf.resize(self.buf.len() + grow, 0);
            }
            let n = rustix::io::read(&fd, &mut self.buf[filled..]).ok()?;
            if n == 0 {
                return Some(filled);
            }
            filled += n;
        }
    }

    fn sweep(&mut self) -> Seen {
        let mut seen = Seen::default();
        let Ok(dir_fd) = rustix::fs::open(
            c"/proc",
            rustix::fs::OFlags::RDONLY
                | rustix::fs::OFlags::DIRECTORY
                | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        ) else {
            return seen;
        };
        let Ok(dir) = rustix::fs::Dir::read_from(&dir_fd) else {
            return seen;
        };
        for entry in dir {
            let Ok(entry) = entry else { break };
            let name = entry.file_name().to_bytes();
            if name.is_empty() || !name.iter().all(u8::is_ascii_digit) {
                continue;
            }
            let mut bytes = 0;
            let mut ok = true;
            for (i, file) in ["stat", "status", "statm", "cmdline"].iter().enumerate() {
                self.path.clear();
                self.path.extend_from_slice(b"/proc/");
                self.path.extend_from_slice(name);
                self.path.push(b'/');
                self.path.extend_from_slice(file.as_bytes());
                self.path.push(0);
                match self.read_path() {
                    Some(n) => bytes += n,
                    None if i == 0 => {
                        ok = false; // gone before its stat was read: not seen
                        break;
                    }
                    None => seen.errors += 1,
                }
            }
            if ok {
                seen.procs += 1;
            }
            black_box(bytes);
        }
        seen
    }
}

/// sysgauge: `pids()`, `Process::new`, one getter per field; with `oneshot`, the getters
/// run inside `Process::oneshot`, so each file is read once per process.
fn sweep_sysgauge(oneshot: bool) -> Seen {
    let mut seen = Seen::default();
    let Ok(pids) = sysgauge::pids() else {
        return seen;
    };
    for pid in pids {
        let Ok(p) = sysgauge::Process::new(pid) else {
            continue; // vanished between listing and opening
        };
        if oneshot {
            p.oneshot(|p| read_fields(p, &mut seen));
        } else {
            read_fields(&p, &mut seen);
        }
    }
    seen
}

/// Calls the getters of the ten fields on `p` (the pid is known already).
fn read_fields(p: &sysgauge::Process, seen: &mut Seen) {
    let ppid = p.ppid();
    if ppid.is_err() {
        return; // vanished mid-way
    }
    let name = p.name();
    let username = p.username();
    let status = p.status();
    let create_time = p.create_time();
    let cpu_times = p.cpu_times();
    let memory_info = p.memory_info();
    let num_threads = p.num_threads();
    let cmdline = p.cmdline();
    seen.procs += 1;
    seen.errors += [
        name.is_err(),
        username.is_err(),
        status.is_err(),
        create_time.is_err(),
        cpu_times.is_err(),
        memory_info.is_err(),
        num_threads.is_err(),
        cmdline.is_err(),
    ]
    .iter()
    .filter(|e| **e)
    .count();
    let _ = black_box((
        ppid,
        name,
        username,
        status,
        create_time,
        cpu_times,
        memory_info,
        num_threads,
        cmdline,
    ));
}

/// sysinfo: one `System` kept across sweeps, as sysinfo is meant to be used.
struct SysinfoSweep {
    system: sysinfo::System,
    users: sysinfo::Users,
    kind: sysinfo::ProcessRefreshKind,
}

impl SysinfoSweep {
    fn new(update: sysinfo::UpdateKind) -> SysinfoSweep {
        // `nothing()` still lists the tasks of every process (`tasks` stays on), which is
        // what gives a thread count (`tasks().len()`); it also makes every thread an entry of
        // `processes()`, which the sweep skips. `cpu` fills `accumulated_cpu_time`, `memory`
        // reads `statm`, `user` reads `status` for the uids, `cmd` reads `cmdline`; name,
        // parent, state and start time come from `stat`, which is always read.
        let kind = sysinfo::ProcessRefreshKind::nothing()
            .with_cpu()
            .with_memory()
            .with_user(update)
            .with_cmd(update);
        SysinfoSweep {
            system: sysinfo::System::new(),
            // The user list (`/etc/passwd`) is read once here, outside the timed sweeps:
            // that is sysinfo's way of resolving uids to names.
            users: sysinfo::Users::new_with_refreshed_list(),
            kind,
        }
    }

    fn sweep(&mut self) -> Seen {
        self.system
            .refresh_processes_specifics(sysinfo::ProcessesToUpdate::All, true, self.kind);
        let mut seen = Seen::default();
        for (pid, p) in self.system.processes() {
            if p.thread_kind() == Some(sysinfo::ThreadKind::Userland) {
                continue; // a thread of another entry, not a process
            }
            seen.procs += 1;
            let username = p
                .user_id()
                .and_then(|uid| self.users.get_user_by_id(uid))
                .map(|u| u.name());
            black_box((
                pid,
                p.parent(),
                p.name(),
                username,
                p.status(),
                p.start_time(),
                p.accumulated_cpu_time(),
                p.memory(),
                p.virtual_memory(),
                p.tasks().map(|t| t.len()),
                p.cmd(),
            ));
        }
        seen
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: sweep --mode raw|sysgauge|sysgauge-oneshot|sysinfo|sysinfo-cached [--iters N] [--json]\n       sweep --list-modes"
    );
    std::process::exit(2);
}

/// The modes this build has.
const MODES: &[&str] = &[
    "raw",
    "sysgauge",
    "sysgauge-oneshot",
    "sysinfo",
    "sysinfo-cached",
];

fn main() {
    let mut mode = None;
    let mut iters: usize = 10;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--mode" => mode = args.next(),
            "--iters" => {
                iters = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--json" => json = true,
            "--list-modes" => {
                println!("{}", MODES.join(" "));
                return;
            }
            _ => usage(),
        }
    }
    let mode = mode.unwrap_or_else(|| usage());
    let iters = iters.max(1);

    let mut sweep: Box<dyn FnMut() -> Seen> = match mode.as_str() {
        "raw" => {
            let mut raw = Raw::new();
            Box::new(move || raw.sweep())
        }
        "sysgauge" => Box::new(|| sweep_sysgauge(false)),
        "sysgauge-oneshot" => Box::new(|| sweep_sysgauge(true)),
        "sysinfo" | "sysinfo-cached" => {
            let update = if mode == "sysinfo" {
                sysinfo::UpdateKind::Always
            } else {
                sysinfo::UpdateKind::OnlyIfNotSet
            };
            let mut s = SysinfoSweep::new(update);
            Box::new(move || s.sweep())
        }
        _ => usage(),
    };

    // Warm-up, untimed in the statistics; for sysinfo this is the first refresh, which
    // creates an entry per process and task and so costs more than the later ones.
    let t0 = Instant::now();
    let mut last = sweep();
    let first = t0.elapsed();

    let mut times: Vec<Duration> = Vec::with_capacity(iters);
    for _ in 0..iters {
        let t0 = Instant::now();
        last = sweep();
        times.push(t0.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let min = ms(times[0]);
    let median = ms(times[times.len() / 2]);
    if json {
        println!(
            "{{\"mode\":\"{mode}\",\"iters\":{iters},\"min_ms\":{min:.4},\"median_ms\":{median:.4},\"first_ms\":{:.4},\"procs\":{},\"errors\":{}}}",
            ms(first),
            last.procs,
            last.errors
        );
    } else {
        println!(
            "{mode}: {iters} sweeps, min {min:.3} ms, median {median:.3} ms (first, untimed: {:.3} ms); {} processes, {} errors",
            ms(first),
            last.procs,
            last.errors
        );
    }
}
