//! A `ps`-like sweep over every process, timed: for each process the ten attributes psutil's
//! `scripts/ps.py` (its `ps aux` clone) asks `process_iter` for: pid, memory_percent, name,
//! cmdline, cpu_times, create_time, memory_info, status, nice and username.
//! Run by hand (not in CI), usually through `bench/benchmarks.sh` or `bench/compare_ps.sh`.
//!
//! ```text
//! cargo run --release -p sysgauge --example sweep -- --mode raw|sysgauge|sysgauge-top|sysinfo|procfs [--iters N] [--json]
//! ```
//!
//! Modes:
//! - `raw`: the floor. `/proc/meminfo` once per sweep (the total memory of memory_percent),
//!   then for each numeric entry of `/proc`, open and read `stat`, `status`, `statm` and
//!   `cmdline` into one reused buffer, with no parsing at all.
//! - `raw-at`: the same, opening each `/proc/<pid>` once and the four files relative to it
//!   (`openat`, as sysgauge does): a lower floor, since the kernel walks fewer paths.
//! - `sysgauge`: `sysgauge::pids()`, then `Process::new(pid)` and one getter per field.
//! - `sysgauge-oneshot`: the same getters inside `Process::oneshot`.
//! - `sysgauge-iter`: `sysgauge::process_iter` with the ten attributes, then the getters
//!   (which answer from what the iterator fetched); after the timed sweeps it checks that
//!   the values were read again, not served from the previous sweep (`stale`).
//! - `sysgauge-iter-fresh`: the same, with `process_iter_cache_clear()` before each sweep.
//! - `sysgauge-top`: `sysgauge::process_iter` with the attributes `sysgauge top` shows
//!   (name, username, nice, memory_info, cpu_times, status, cpu_percent, memory_percent),
//!   each then read back through its getter. Its table is kept from sweep to sweep, so
//!   `cpu_percent` compares with the previous sweep. Not the ten fields above, so not
//!   listed by `--list-modes` (nor compared by `bench/compare_ps.py`).
//! - `sysinfo`: one `sysinfo::System`, refreshed with the smallest `ProcessRefreshKind`
//!   that covers the same fields, re-reading `cmdline` and the uids on every refresh
//!   (`UpdateKind::Always`), as the other tools do.
//! - `sysinfo-cached`: the same with `UpdateKind::OnlyIfNotSet` (sysinfo's own default for
//!   `everything()`): after the first refresh, `cmdline` and `status` are not read again, so
//!   it does less work than the others and its numbers are not comparable one to one.
//!   sysinfo has no nice value: both sysinfo modes read the other nine attributes.
//! - `procfs`: the procfs crate: `all_processes()`, then `stat()`, `status()` (uid),
//!   `statm()` and `cmdline()` of each, `Meminfo` once per sweep, uids resolved to names with
//!   `getpwuid_r` (once per uid and sweep).
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
/// With `at`, each process directory is opened once (`O_PATH`) and its files are opened
/// relative to it (`openat`), which saves the kernel three path walks per process.
struct Raw {
    buf: Vec<u8>,
    path: Vec<u8>,
    at: bool,
}

/// The files read per process, NUL-terminated for `openat`.
const RAW_FILES: [&CStr; 4] = [c"stat", c"status", c"statm", c"cmdline"];

impl Raw {
    fn new(at: bool) -> Raw {
        Raw {
            buf: vec![0; 64 * 1024],
            path: Vec::with_capacity(64),
            at,
        }
    }

    /// Reads `fd` to its end into `self.buf`: the number of bytes, or None on an error
    /// (process gone).
    fn read_fd(&mut self, fd: rustix::fd::OwnedFd) -> Option<usize> {
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

    /// Opens `/proc/<pid>/<file>` (absolute path), or `<file>` under `dir`.
    fn open(
        &mut self,
        dir: Option<&rustix::fd::OwnedFd>,
        pid: &[u8],
        file: &CStr,
    ) -> Option<rustix::fd::OwnedFd> {
        let flags = rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC;
        let mode = rustix::fs::Mode::empty();
        if let Some(dir) = dir {
            return rustix::fs::openat(dir, file, flags, mode).ok();
        }
        self.path.clear();
        self.path.extend_from_slice(b"/proc/");
        self.path.extend_from_slice(pid);
        self.path.push(b'/');
        self.path.extend_from_slice(file.to_bytes_with_nul());
        let path = CStr::from_bytes_with_nul(&self.path).ok()?;
        rustix::fs::open(path, flags, mode).ok()
    }

    fn sweep(&mut self) -> Seen {
        let mut seen = Seen::default();
        if let Ok(fd) = rustix::fs::open(
            c"/proc/meminfo",
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        ) {
            black_box(self.read_fd(fd));
        }
        let Ok(proc_fd) = rustix::fs::open(
            c"/proc",
            rustix::fs::OFlags::RDONLY
                | rustix::fs::OFlags::DIRECTORY
                | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        ) else {
            return seen;
        };
        let Ok(dir) = rustix::fs::Dir::read_from(&proc_fd) else {
            return seen;
        };
        for entry in dir {
            let Ok(entry) = entry else { break };
            let name = entry.file_name();
            let pid = name.to_bytes();
            if pid.is_empty() || !pid.iter().all(u8::is_ascii_digit) {
                continue;
            }
            let pid_dir = if self.at {
                let flags = rustix::fs::OFlags::PATH
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC;
                match rustix::fs::openat(&proc_fd, name, flags, rustix::fs::Mode::empty()) {
                    Ok(fd) => Some(fd),
                    Err(_) => continue, // gone
                }
            } else {
                None
            };
            let mut bytes = 0;
            let mut ok = true;
            for (i, file) in RAW_FILES.iter().enumerate() {
                match self
                    .open(pid_dir.as_ref(), pid, file)
                    .and_then(|fd| self.read_fd(fd))
                {
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

/// The ten attributes of psutil's `scripts/ps.py`, for `process_iter`.
const ITER_ATTRS: &[sysgauge::Attr] = &[
    sysgauge::Attr::Pid,
    sysgauge::Attr::MemoryPercent,
    sysgauge::Attr::Name,
    sysgauge::Attr::Cmdline,
    sysgauge::Attr::CpuTimes,
    sysgauge::Attr::CreateTime,
    sysgauge::Attr::MemoryInfo,
    sysgauge::Attr::Status,
    sysgauge::Attr::Nice,
    sysgauge::Attr::Username,
];

/// sysgauge's `process_iter` with the ten attributes (fetched in one oneshot per process),
/// then the same getters, which answer from what was fetched. Its process table is kept
/// from sweep to sweep, as psutil's is; with `fresh`, the table is cleared first, so every
/// process is opened anew.
fn sweep_sysgauge_iter(fresh: bool) -> Seen {
    if fresh {
        sysgauge::process_iter_cache_clear();
    }
    let mut seen = Seen::default();
    let Ok(iter) = sysgauge::process_iter(ITER_ATTRS, sysgauge::AttrValue::None) else {
        return seen;
    };
    for p in iter {
        read_fields(&p, &mut seen);
    }
    seen
}

/// The attributes of `sysgauge top`'s process table, for the `sysgauge-top` mode.
const TOP_ATTRS: &[sysgauge::Attr] = &[
    sysgauge::Attr::Name,
    sysgauge::Attr::Username,
    sysgauge::Attr::Nice,
    sysgauge::Attr::MemoryInfo,
    sysgauge::Attr::CpuTimes,
    sysgauge::Attr::Status,
    sysgauge::Attr::CpuPercent,
    sysgauge::Attr::MemoryPercent,
];

/// `process_iter` with [`TOP_ATTRS`], then their getters (served from the prefetch).
fn sweep_sysgauge_top() -> Seen {
    let mut seen = Seen::default();
    let Ok(iter) = sysgauge::process_iter(TOP_ATTRS, sysgauge::AttrValue::None) else {
        return seen;
    };
    for p in iter {
        seen.procs += 1;
        let name = p.name();
        let username = p.username();
        let nice = p.nice();
        let memory_info = p.memory_info();
        let cpu_times = p.cpu_times();
        let status = p.status();
        let cpu_percent = p.cpu_percent(None);
        let memory_percent = p.memory_percent(sysgauge::MemoryType::Rss);
        seen.errors += [
            name.is_err(),
            username.is_err(),
            nice.is_err(),
            memory_info.is_err(),
            cpu_times.is_err(),
            status.is_err(),
            cpu_percent.is_err(),
            memory_percent.is_err(),
        ]
        .iter()
        .filter(|e| **e)
        .count();
        let _ = black_box((
            name,
            username,
            nice,
            memory_info,
            cpu_times,
            status,
            cpu_percent,
            memory_percent,
        ));
    }
    seen
}

/// Whether `process_iter` served values from an earlier sweep instead of reading them:
/// burns 60 ms of CPU, sweeps once more and compares this process's CPU time as the sweep
/// saw it with a direct read. `None` when it cannot tell.
fn iter_is_stale() -> Option<bool> {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(60) {
        black_box(t0.elapsed());
    }
    let me = sysgauge::Process::current().ok()?;
    let seen = sysgauge::process_iter(ITER_ATTRS, sysgauge::AttrValue::None)
        .ok()?
        .find(|p| p.pid() == me.pid())?
        .cpu_times()
        .ok()?;
    let now = me.cpu_times().ok()?;
    // Fresh values differ by well under the 60 ms just burnt; 30 ms is 3 clock ticks.
    Some((now.user + now.system) - (seen.user + seen.system) > 0.03)
}

/// Calls the getters of the ten attributes on `p` (the pid is known already).
fn read_fields(p: &sysgauge::Process, seen: &mut Seen) {
    let name = p.name();
    if name.is_err() {
        return; // vanished mid-way
    }
    let memory_percent = p.memory_percent(sysgauge::MemoryType::Rss);
    let cmdline = p.cmdline();
    let cpu_times = p.cpu_times();
    let create_time = p.create_time();
    let memory_info = p.memory_info();
    let status = p.status();
    let nice = p.nice();
    let username = p.username();
    seen.procs += 1;
    seen.errors += [
        memory_percent.is_err(),
        cmdline.is_err(),
        cpu_times.is_err(),
        create_time.is_err(),
        memory_info.is_err(),
        status.is_err(),
        nice.is_err(),
        username.is_err(),
    ]
    .iter()
    .filter(|e| **e)
    .count();
    let _ = black_box((
        name,
        memory_percent,
        cmdline,
        cpu_times,
        create_time,
        memory_info,
        status,
        nice,
        username,
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
        // `cpu` fills `accumulated_cpu_time`, `memory` reads `statm`, `user` reads `status`
        // for the uids, `cmd` reads `cmdline`; name, state and start time come from `stat`,
        // which is always read. No tasks: no attribute needs the threads, and with them every
        // thread would be an entry of `processes()`.
        let kind = sysinfo::ProcessRefreshKind::nothing()
            .without_tasks()
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
        // The total memory, for memory_percent (sysinfo has no nice value).
        self.system
            .refresh_memory_specifics(sysinfo::MemoryRefreshKind::nothing().with_ram());
        let total = self.system.total_memory().max(1) as f64;
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
                p.memory() as f64 * 100.0 / total,
                p.name(),
                p.cmd(),
                p.accumulated_cpu_time(),
                p.start_time(),
                p.memory(),
                p.virtual_memory(),
                p.status(),
                username,
            ));
        }
        seen
    }
}

/// The procfs crate: its process list and the parsed files of each process.
fn sweep_procfs() -> Seen {
    use procfs::Current;
    let mut seen = Seen::default();
    let total_kb = procfs::Meminfo::current()
        .map(|m| m.mem_total)
        .unwrap_or(1)
        .max(1) as f64;
    let page = procfs::page_size();
    let ticks = procfs::ticks_per_second().max(1) as f64;
    let boot = procfs::boot_time_secs().unwrap_or(0) as f64;
    let mut names: std::collections::HashMap<u32, Option<String>> = Default::default();
    let Ok(all) = procfs::process::all_processes() else {
        return seen;
    };
    for p in all {
        let Ok(p) = p else { continue };
        let Ok(stat) = p.stat() else { continue }; // vanished
        seen.procs += 1;
        let statm = p.statm();
        let cmdline = p.cmdline();
        let status = p.status();
        let username = status.as_ref().ok().map(|s| {
            names
                .entry(s.ruid)
                .or_insert_with(|| user_name(s.ruid))
                .clone()
        });
        seen.errors += [statm.is_err(), cmdline.is_err(), status.is_err()]
            .iter()
            .filter(|e| **e)
            .count();
        let rss = statm.as_ref().map(|m| m.resident * page).unwrap_or(0);
        let _ = black_box((
            p.pid,
            rss as f64 / 1024.0 * 100.0 / total_kb,
            &stat.comm,
            cmdline,
            (stat.utime as f64 / ticks, stat.stime as f64 / ticks),
            boot + stat.starttime as f64 / ticks,
            statm.map(|m| (m.resident * page, m.size * page)),
            stat.state,
            stat.nice,
            username,
        ));
    }
    seen
}

/// The name of user `uid` from the system's user database (`getpwuid_r`), if it has one.
fn user_name(uid: u32) -> Option<String> {
    let mut pwd: std::mem::MaybeUninit<libc::passwd> = std::mem::MaybeUninit::uninit();
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call, the buffer's length is passed with it.
    let rc =
        unsafe { libc::getpwuid_r(uid, pwd.as_mut_ptr(), buf.as_mut_ptr(), buf.len(), &mut out) };
    if rc != 0 || out.is_null() {
        return None;
    }
    // SAFETY: on success `out` points at `pwd`, whose `pw_name` is a C string in `buf`.
    let name = unsafe { CStr::from_ptr((*out).pw_name) };
    Some(name.to_string_lossy().into_owned())
}

fn usage() -> ! {
    eprintln!(
        "usage: sweep --mode raw|raw-at|sysgauge|sysgauge-oneshot|sysgauge-iter|sysgauge-iter-fresh|sysgauge-top|sysinfo|sysinfo-cached|procfs [--iters N] [--json]\n       sweep --list-modes"
    );
    std::process::exit(2);
}

/// The modes this build has that sweep the ten `ps`-like attributes (what `--list-modes`
/// prints and `bench/compare_ps.py` compares); `sysgauge-top` reads other attributes, so it
/// is left out of that comparison.
const MODES: &[&str] = &[
    "raw",
    "raw-at",
    "sysgauge",
    "sysgauge-oneshot",
    "sysgauge-iter",
    "sysgauge-iter-fresh",
    "sysinfo",
    "sysinfo-cached",
    "procfs",
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
        "raw" | "raw-at" => {
            let mut raw = Raw::new(mode == "raw-at");
            Box::new(move || raw.sweep())
        }
        "sysgauge" => Box::new(|| sweep_sysgauge(false)),
        "sysgauge-oneshot" => Box::new(|| sweep_sysgauge(true)),
        "sysgauge-iter" => Box::new(|| sweep_sysgauge_iter(false)),
        "sysgauge-iter-fresh" => Box::new(|| sweep_sysgauge_iter(true)),
        "sysgauge-top" => Box::new(sweep_sysgauge_top),
        "sysinfo" | "sysinfo-cached" => {
            let update = if mode == "sysinfo" {
                sysinfo::UpdateKind::Always
            } else {
                sysinfo::UpdateKind::OnlyIfNotSet
            };
            let mut s = SysinfoSweep::new(update);
            Box::new(move || s.sweep())
        }
        "procfs" => Box::new(sweep_procfs),
        _ => usage(),
    };

    // Warm-up, kept out of the statistics and printed apart as `first`. For sysinfo it is
    // the first refresh, which creates an entry per process and task and opens the `stat`
    // files it keeps open: on ~1,000 processes it measured about 65 ms, as much as a later
    // `sysinfo` refresh (~70 ms) and over twice a later `sysinfo-cached` one (~27 ms).
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
    drop(sweep);
    let stale = if mode == "sysgauge-iter" {
        iter_is_stale()
    } else {
        None
    };
    let stale_json = match stale {
        Some(b) => b.to_string(),
        None => "null".to_string(),
    };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let min = ms(times[0]);
    let median = ms(times[times.len() / 2]);
    if json {
        println!(
            "{{\"mode\":\"{mode}\",\"iters\":{iters},\"min_ms\":{min:.4},\"median_ms\":{median:.4},\"first_ms\":{:.4},\"procs\":{},\"errors\":{},\"stale\":{stale_json}}}",
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
        if stale == Some(true) {
            println!("{mode}: STALE: a sweep returned values read by an earlier sweep");
        }
    }
}
