//! System-wide TCP socket listings, timed: `sysgauge::net_connections(ConnectionKind::Tcp)`
//! (with pids, as psutil) and its cheaper variants, plus floors (`raw-*`) that show where
//! the time of a listing goes. Run by hand (not in CI), usually through
//! `bench/compare_connections.sh`, which first opens 10,000 loopback connections.
//!
//! ```text
//! cargo run --release -p sysgauge --example connections_bench -- [--mode M]... [--iters N] [--pids P,P] [--json]
//! cargo run --release -p sysgauge --example connections_bench -- --list-modes
//! ```
//!
//! Modes (all of them when no `--mode` is given):
//! - `net_connections`: `sysgauge::net_connections(ConnectionKind::Tcp)`, the psutil call:
//!   netlink dumps of tcp4 and tcp6, then every `/proc/<pid>/fd` scanned for pid and fd.
//! - `nopids`: `ConnectionQuery::new(Tcp).with_pids(false).list()`: the netlink dumps and
//!   the conversion only.
//! - `procnet`: the psutil call with `.source(ConnectionSource::ProcNet)`: the text files
//!   `/proc/net/tcp` and `/proc/net/tcp6` (what psutil parses) instead of netlink.
//! - `procnet-nopids`: the same without pids.
//! - `raw-netlink`: a floor for the dumps: one `NETLINK_SOCK_DIAG` socket, one dump
//!   request per family (all states), the replies received into one reused 64 KiB buffer
//!   and only their message headers walked (sockets counted, nothing decoded).
//! - `raw-fdscan`: a floor for the pid mapping: for every numeric entry of `/proc`, list
//!   `fd` with `getdents64` and `readlinkat` every entry, counting the `socket:[...]` links
//!   (no map built).
//! - `raw-fdscan-stat`: the same with `fstatat` (following the link: a socket is
//!   `S_IFSOCK`, its inode is `st_ino`) instead of `readlinkat`.
//! - `raw-fdscan-nodents`: no `getdents64`: `FDSize` from `/proc/<pid>/status`, then
//!   `readlinkat` of every fd number below it.
//! - `raw-fdscan-pidfd`: `getdents64`, then `pidfd_getfd` + `fstat` + `close` of each
//!   entry (no path lookups; needs ptrace-attach rights, and holds each socket a moment).
//! - `raw-fdscan-par`: `raw-fdscan` on as many threads as CPUs, each taking the next
//!   process from a shared counter (joined before the call returns).
//! - `raw-both`: the floor of the whole listing: `raw-netlink`, then `raw-fdscan` (the
//!   count is the dump's, the pid counts the scan's).
//! - `raw-both-overlap`: the same two at once, the dump on a second thread.
//! - `raw-both-par`: `raw-both-overlap` with the scan of `raw-fdscan-par`.
//! - `procfs`: the procfs crate: `net::tcp()` + `net::tcp6()`, then every process's `fd()`,
//!   socket inodes mapped to pids.
//!
//! Every mode first runs one untimed call (warm-up, printed apart as `first`), then
//! `--iters` timed ones; it prints the min and median milliseconds per call and what the
//! last call found: connections (sockets for the floors), how many have a pid, and how many
//! belong to the pids given with `--pids` (the load maker's), or one JSON object per mode
//! with `--json`. A failing call ends the mode with its error (exit status 1 at the end).

use std::ffi::CStr;
use std::hint::black_box;
use std::mem::MaybeUninit;
use std::time::{Duration, Instant};

use rustix::fd::OwnedFd;
use rustix::fs::{Mode, OFlags};
use sysgauge::{ConnectionKind, ConnectionQuery, ConnectionSource, ConnectionStatus};

/// What one call found.
#[derive(Default, Clone, Copy)]
struct Found {
    /// Connections listed (for `raw-*`: sockets seen).
    conns: usize,
    /// Of those, with a pid.
    with_pid: usize,
    /// Of those, owned by one of the `--pids`.
    of_pids: usize,
    /// Of those, in `LISTEN`.
    listen: usize,
    /// Of those, `ESTABLISHED`.
    established: usize,
}

/// One sysgauge listing of the TCP tables, counted.
fn list(query: &ConnectionQuery, pids: &[i32]) -> Result<Found, String> {
    let conns = query.list().map_err(|e| e.to_string())?;
    let mut f = Found {
        conns: conns.len(),
        ..Found::default()
    };
    for c in &conns {
        if let Some(pid) = c.pid {
            f.with_pid += 1;
            if pids.contains(&pid) {
                f.of_pids += 1;
            }
        }
        match c.status {
            ConnectionStatus::Listen => f.listen += 1,
            ConnectionStatus::Established => f.established += 1,
            _ => {}
        }
    }
    black_box(&conns);
    Ok(f)
}

/// `sysgauge::net_connections(Tcp)` itself (the same as `ConnectionQuery::new(Tcp)`, but
/// through the function psutil users will call).
fn list_psutil_call(pids: &[i32]) -> Result<Found, String> {
    let conns = sysgauge::net_connections(ConnectionKind::Tcp).map_err(|e| e.to_string())?;
    let mut f = Found {
        conns: conns.len(),
        ..Found::default()
    };
    for c in &conns {
        if let Some(pid) = c.pid {
            f.with_pid += 1;
            if pids.contains(&pid) {
                f.of_pids += 1;
            }
        }
        match c.status {
            ConnectionStatus::Listen => f.listen += 1,
            ConnectionStatus::Established => f.established += 1,
            _ => {}
        }
    }
    black_box(&conns);
    Ok(f)
}

/// The floor of the netlink dumps.
struct RawNetlink {
    buf: Vec<u8>,
}

/// `SOCK_DIAG_BY_FAMILY`: the request and reply message type.
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_DUMP: u16 = 0x300;
const IPPROTO_TCP: u8 = 6;

impl RawNetlink {
    fn new() -> RawNetlink {
        RawNetlink {
            buf: vec![0; 64 * 1024],
        }
    }

    /// `struct nlmsghdr` (16 bytes) + `struct inet_diag_req_v2` (56 bytes): a dump of
    /// every TCP socket of `family`, in every state.
    fn request(family: u8, seq: u32) -> [u8; 72] {
        let mut m = [0u8; 72];
        m[0..4].copy_from_slice(&72u32.to_ne_bytes());
        m[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        m[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
        m[8..12].copy_from_slice(&seq.to_ne_bytes());
        // pid 0: the kernel fills it in.
        m[16] = family;
        m[17] = IPPROTO_TCP;
        // ext 0, pad 0, then idiag_states: all.
        m[20..24].copy_from_slice(&u32::MAX.to_ne_bytes());
        // inet_diag_sockid: all zero (no filter).
        m
    }

    /// Dumps tcp4 and tcp6: the number of sockets the kernel sent.
    fn dump(&mut self) -> Result<Found, String> {
        let sock = netlink_sys::Socket::new(netlink_sys::constants::NETLINK_SOCK_DIAG)
            .map_err(|e| format!("netlink socket: {e}"))?;
        let kernel = netlink_sys::SocketAddr::new(0, 0);
        let mut found = Found::default();
        for (seq, family) in [(1u32, libc::AF_INET as u8), (2, libc::AF_INET6 as u8)] {
            let req = Self::request(family, seq);
            sock.send_to(&req, &kernel, 0)
                .map_err(|e| format!("netlink send: {e}"))?;
            'recv: loop {
                let mut slice: &mut [u8] = &mut self.buf[..];
                let n = sock
                    .recv(&mut slice, 0)
                    .map_err(|e| format!("netlink recv: {e}"))?;
                let mut data = self.buf.get(..n).ok_or("netlink: reply truncated")?;
                while data.len() >= 16 {
                    let len = u32::from_ne_bytes([data[0], data[1], data[2], data[3]]) as usize;
                    let kind = u16::from_ne_bytes([data[4], data[5]]);
                    match kind {
                        NLMSG_DONE => break 'recv,
                        NLMSG_ERROR => return Err("netlink: error reply".into()),
                        SOCK_DIAG_BY_FAMILY => found.conns += 1,
                        _ => {}
                    }
                    let step = len.checked_add(3).ok_or("netlink: bad length")? & !3;
                    if len < 16 || step > data.len() {
                        break;
                    }
                    data = &data[step..];
                }
            }
        }
        Ok(found)
    }
}

/// How the fd scan floors learn which fds are sockets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FdProbe {
    /// `getdents64` on `fd`, then `readlinkat` of each entry (what psutil, `ss -p` and
    /// sysgauge do).
    Readlink,
    /// `getdents64` on `fd`, then `fstatat` (following the link) of each entry: a socket
    /// has type `S_IFSOCK` and its inode number in `st_ino`.
    Stat,
    /// No `getdents64`: `FDSize` from `status` (the size of the fd table), then
    /// `readlinkat` of every number below it (`ENOENT` for the free ones).
    NoDents,
    /// `getdents64` on `fd`, then for each entry `pidfd_getfd` (a duplicate of the
    /// descriptor in this process), `fstat` and `close`: no path walk, but it needs
    /// `PTRACE_MODE_ATTACH` over the process and holds its socket for a moment.
    Pidfd,
}

/// The floor of the pid mapping: every fd of every process looked at once, on `threads`
/// threads (each takes the next process from a shared counter).
struct RawFdScan {
    probe: FdProbe,
    threads: usize,
    names: Vec<MaybeUninit<u8>>,
}

impl RawFdScan {
    fn new(probe: FdProbe, threads: usize) -> RawFdScan {
        RawFdScan {
            probe,
            threads: threads.max(1),
            names: vec![MaybeUninit::uninit(); 32 * 1024],
        }
    }

    fn open_dir(at: &OwnedFd, name: &CStr) -> Option<OwnedFd> {
        rustix::fs::openat(
            at,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()
    }

    fn scan(&mut self, pids: &[i32]) -> Result<Found, String> {
        let proc_fd = rustix::fs::open(
            c"/proc",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| format!("/proc: {e}"))?;
        // The pid list first, so no fd directory is open while /proc is being listed.
        let mut procs: Vec<(i32, Vec<u8>)> = Vec::new();
        {
            let mut dir = rustix::fs::RawDir::new(&proc_fd, &mut self.names);
            while let Some(entry) = dir.next() {
                let Ok(entry) = entry else { break };
                let name = entry.file_name().to_bytes();
                if name.is_empty() || !name.iter().all(u8::is_ascii_digit) {
                    continue;
                }
                let Some(pid) = std::str::from_utf8(name).ok().and_then(|s| s.parse().ok()) else {
                    continue;
                };
                procs.push((pid, name.to_vec()));
            }
        }
        if self.threads == 1 {
            return Ok(Self::scan_procs(
                self.probe,
                &proc_fd,
                &procs,
                &std::sync::atomic::AtomicUsize::new(0),
                pids,
                &mut self.names,
            ));
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let probe = self.probe;
        let found = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..self.threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut names = vec![MaybeUninit::uninit(); 32 * 1024];
                        Self::scan_procs(probe, &proc_fd, &procs, &next, pids, &mut names)
                    })
                })
                .collect();
            workers
                .into_iter()
                .filter_map(|w| w.join().ok())
                .fold(Found::default(), |a, b| Found {
                    conns: a.conns + b.conns,
                    with_pid: a.with_pid + b.with_pid,
                    of_pids: a.of_pids + b.of_pids,
                    ..Found::default()
                })
        });
        Ok(found)
    }

    /// Scans the processes of `procs` whose index it takes from `next`.
    fn scan_procs(
        probe: FdProbe,
        proc_fd: &OwnedFd,
        procs: &[(i32, Vec<u8>)],
        next: &std::sync::atomic::AtomicUsize,
        pids: &[i32],
        names: &mut [MaybeUninit<u8>],
    ) -> Found {
        let mut found = Found::default();
        let mut link = [MaybeUninit::<u8>::uninit(); 64];
        let mut path = Vec::with_capacity(32);
        let mut status = vec![0u8; 4096];
        let mut fd_name = Vec::with_capacity(16);
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((pid, name)) = procs.get(i) else {
                break;
            };
            path.clear();
            path.extend_from_slice(name);
            path.extend_from_slice(b"/fd\0");
            let Ok(cpath) = CStr::from_bytes_with_nul(&path) else {
                continue;
            };
            let Some(fd_dir) = Self::open_dir(proc_fd, cpath) else {
                continue; // gone, or not ours to read
            };
            let pidfd = if probe == FdProbe::Pidfd {
                let Some(pidfd) = rustix::process::Pid::from_raw(*pid).and_then(|p| {
                    rustix::process::pidfd_open(p, rustix::process::PidfdFlags::empty()).ok()
                }) else {
                    continue;
                };
                Some(pidfd)
            } else {
                None
            };
            let mut sockets = 0;
            let mut probe_one = |entry: &CStr| match probe {
                FdProbe::Pidfd => {
                    let num = std::str::from_utf8(entry.to_bytes())
                        .ok()
                        .and_then(|n| n.parse::<i32>().ok());
                    if let (Some(pidfd), Some(num)) = (pidfd.as_ref(), num) {
                        if let Ok(dup) = rustix::process::pidfd_getfd(
                            pidfd,
                            num,
                            rustix::process::PidfdGetfdFlags::empty(),
                        ) {
                            if let Ok(st) = rustix::fs::fstat(&dup) {
                                if rustix::fs::FileType::from_raw_mode(st.st_mode)
                                    == rustix::fs::FileType::Socket
                                {
                                    black_box(st.st_ino);
                                    sockets += 1;
                                }
                            }
                        }
                    }
                }
                FdProbe::Readlink | FdProbe::NoDents => {
                    if let Ok((target, _)) = rustix::fs::readlinkat_raw(&fd_dir, entry, &mut link) {
                        if target.starts_with(b"socket:[") {
                            sockets += 1;
                        }
                    }
                }
                FdProbe::Stat => {
                    if let Ok(st) = rustix::fs::statat(&fd_dir, entry, rustix::fs::AtFlags::empty())
                    {
                        if rustix::fs::FileType::from_raw_mode(st.st_mode)
                            == rustix::fs::FileType::Socket
                        {
                            black_box(st.st_ino);
                            sockets += 1;
                        }
                    }
                }
            };
            if probe == FdProbe::NoDents {
                path.clear();
                path.extend_from_slice(name);
                path.extend_from_slice(b"/status\0");
                let Some(size) = CStr::from_bytes_with_nul(&path)
                    .ok()
                    .and_then(|p| {
                        rustix::fs::openat(
                            proc_fd,
                            p,
                            OFlags::RDONLY | OFlags::CLOEXEC,
                            Mode::empty(),
                        )
                        .ok()
                    })
                    .and_then(|f| rustix::io::read(&f, &mut status[..]).ok())
                    .and_then(|n| fd_size(status.get(..n)?))
                else {
                    continue;
                };
                for fd in 0..size {
                    fd_name.clear();
                    fd_name.extend_from_slice(fd.to_string().as_bytes());
                    fd_name.push(0);
                    if let Ok(entry) = CStr::from_bytes_with_nul(&fd_name) {
                        probe_one(entry);
                    }
                }
            } else {
                let mut dir = rustix::fs::RawDir::new(&fd_dir, &mut *names);
                while let Some(entry) = dir.next() {
                    let Ok(entry) = entry else { break };
                    let entry = entry.file_name();
                    if entry.to_bytes().first().is_none_or(|b| !b.is_ascii_digit()) {
                        continue;
                    }
                    probe_one(entry);
                }
            }
            found.conns += sockets;
            found.with_pid += sockets;
            if pids.contains(pid) {
                found.of_pids += sockets;
            }
        }
        found
    }
}

/// The `FDSize:` of a `/proc/<pid>/status` (the fd table's size), if it is in `status`.
fn fd_size(status: &[u8]) -> Option<u32> {
    let at = status.windows(8).position(|w| w == b"FDSize:\t")?;
    let rest = status.get(at + 8..)?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(rest.get(..end)?).ok()?.parse().ok()
}

/// The modes this build has.
const MODES: &[&str] = &[
    "net_connections",
    "nopids",
    "threads2",
    "procnet",
    "procnet-nopids",
    "raw-netlink",
    "raw-fdscan",
    "raw-fdscan-stat",
    "raw-fdscan-nodents",
    "raw-fdscan-par",
    "raw-fdscan-pidfd",
    "raw-both",
    "raw-both-overlap",
    "raw-both-par",
    "procfs",
];

/// The procfs crate on the same work: `net::tcp()` and `net::tcp6()` (it parses
/// `/proc/net/tcp{,6}`), then every process's `fd()` list, socket inodes mapped to pids.
fn list_procfs(pids: &[i32]) -> Result<Found, String> {
    let mut entries = procfs::net::tcp().map_err(|e| e.to_string())?;
    entries.extend(procfs::net::tcp6().map_err(|e| e.to_string())?);
    let mut owner: std::collections::HashMap<u64, i32> = Default::default();
    for p in procfs::process::all_processes().map_err(|e| e.to_string())? {
        let Ok(p) = p else { continue };
        let Ok(fds) = p.fd() else { continue }; // gone, or not ours to read
        for fd in fds.flatten() {
            if let procfs::process::FDTarget::Socket(inode) = fd.target {
                owner.entry(inode).or_insert(p.pid);
            }
        }
    }
    let mut f = Found {
        conns: entries.len(),
        ..Found::default()
    };
    for e in &entries {
        if let Some(pid) = owner.get(&e.inode) {
            f.with_pid += 1;
            if pids.contains(pid) {
                f.of_pids += 1;
            }
        }
        match e.state {
            procfs::net::TcpState::Listen => f.listen += 1,
            procfs::net::TcpState::Established => f.established += 1,
            _ => {}
        }
    }
    black_box(&entries);
    Ok(f)
}

fn usage() -> ! {
    eprintln!(
        "usage: connections_bench [--mode {}]... [--iters N] [--pids P,P...] [--json]\n       connections_bench --list-modes",
        MODES.join("|")
    );
    std::process::exit(2);
}

/// Runs one mode: the warm-up call, then `iters` timed ones.
fn run(mode: &str, iters: usize, pids: &[i32], json: bool) -> bool {
    let tcp = ConnectionQuery::new(ConnectionKind::Tcp);
    let mut call: Box<dyn FnMut() -> Result<Found, String>> = match mode {
        "net_connections" => Box::new(|| list_psutil_call(pids)),
        "procfs" => Box::new(|| list_procfs(pids)),
        "nopids" => {
            let q = tcp.with_pids(false);
            Box::new(move || list(&q, pids))
        }
        "threads2" => {
            let q = tcp.threads(2);
            Box::new(move || list(&q, pids))
        }
        "procnet" => {
            let q = tcp.source(ConnectionSource::ProcNet);
            Box::new(move || list(&q, pids))
        }
        "procnet-nopids" => {
            let q = tcp.source(ConnectionSource::ProcNet).with_pids(false);
            Box::new(move || list(&q, pids))
        }
        "raw-netlink" => {
            let mut r = RawNetlink::new();
            Box::new(move || r.dump())
        }
        "raw-fdscan" | "raw-fdscan-stat" | "raw-fdscan-nodents" | "raw-fdscan-par"
        | "raw-fdscan-pidfd" => {
            let probe = match mode {
                "raw-fdscan-stat" => FdProbe::Stat,
                "raw-fdscan-pidfd" => FdProbe::Pidfd,
                "raw-fdscan-nodents" => FdProbe::NoDents,
                _ => FdProbe::Readlink,
            };
            let threads = if mode == "raw-fdscan-par" {
                std::thread::available_parallelism().map_or(1, |n| n.get())
            } else {
                1
            };
            let mut r = RawFdScan::new(probe, threads);
            Box::new(move || r.scan(pids))
        }
        "raw-both" => {
            let mut n = RawNetlink::new();
            let mut f = RawFdScan::new(FdProbe::Readlink, 1);
            Box::new(move || {
                let dumped = n.dump()?;
                let scanned = f.scan(pids)?;
                Ok(Found {
                    conns: dumped.conns,
                    ..scanned
                })
            })
        }
        "raw-both-overlap" | "raw-both-par" => {
            let mut n = RawNetlink::new();
            let threads = if mode == "raw-both-par" {
                std::thread::available_parallelism().map_or(1, |n| n.get())
            } else {
                1
            };
            let mut f = RawFdScan::new(FdProbe::Readlink, threads);
            Box::new(move || {
                let (dumped, scanned) = std::thread::scope(|scope| {
                    let dump = scope.spawn(|| n.dump());
                    let scanned = f.scan(pids);
                    let dumped = dump
                        .join()
                        .unwrap_or_else(|_| Err("the dump thread panicked".into()));
                    (dumped, scanned)
                });
                Ok(Found {
                    conns: dumped?.conns,
                    ..scanned?
                })
            })
        }
        _ => usage(),
    };
    let outcome = (|| {
        let t0 = Instant::now();
        let mut last = call()?;
        let first = t0.elapsed();
        let mut times: Vec<Duration> = Vec::with_capacity(iters);
        for _ in 0..iters {
            let t0 = Instant::now();
            last = call()?;
            times.push(t0.elapsed());
        }
        times.sort();
        Ok::<_, String>((first, times, last))
    })();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    match outcome {
        Ok((first, times, f)) => {
            let min = times.first().map_or(f64::NAN, |d| ms(*d));
            let median = times.get(times.len() / 2).map_or(f64::NAN, |d| ms(*d));
            if json {
                println!(
                    "{{\"mode\":\"{mode}\",\"iters\":{iters},\"min_ms\":{min:.4},\"median_ms\":{median:.4},\"first_ms\":{:.4},\"conns\":{},\"with_pid\":{},\"of_pids\":{},\"listen\":{},\"established\":{}}}",
                    ms(first),
                    f.conns,
                    f.with_pid,
                    f.of_pids,
                    f.listen,
                    f.established
                );
            } else {
                println!(
                    "{mode:<16} {iters} calls, min {min:8.3} ms, median {median:8.3} ms (first: {:8.3} ms); {} found, {} with a pid, {} of --pids, {} listen, {} established",
                    ms(first),
                    f.conns,
                    f.with_pid,
                    f.of_pids,
                    f.listen,
                    f.established
                );
            }
            true
        }
        Err(e) => {
            if json {
                let e = e.replace('\\', "\\\\").replace('"', "\\\"");
                println!("{{\"mode\":\"{mode}\",\"error\":\"{e}\"}}");
            } else {
                println!("{mode:<16} error: {e}");
            }
            false
        }
    }
}

fn main() {
    let mut modes: Vec<String> = Vec::new();
    let mut iters: usize = 10;
    let mut pids: Vec<i32> = Vec::new();
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--mode" => modes.push(args.next().unwrap_or_else(|| usage())),
            "--iters" => {
                iters = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--pids" => {
                let list = args.next().unwrap_or_else(|| usage());
                for p in list.split(',').filter(|p| !p.is_empty()) {
                    pids.push(p.parse().unwrap_or_else(|_| usage()));
                }
            }
            "--json" => json = true,
            "--list-modes" => {
                println!("{}", MODES.join(" "));
                return;
            }
            _ => usage(),
        }
    }
    if modes.is_empty() {
        modes = MODES.iter().map(|m| m.to_string()).collect();
    }
    if let Some(bad) = modes.iter().find(|m| !MODES.contains(&m.as_str())) {
        eprintln!("unknown mode {bad:?}");
        usage();
    }
    let iters = iters.max(1);
    let mut ok = true;
    for mode in &modes {
        ok &= run(mode, iters, &pids, json);
    }
    if !ok {
        std::process::exit(1);
    }
}
