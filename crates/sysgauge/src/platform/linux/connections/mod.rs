//! Socket listings: which source to read ([`sockets`]), who owns each socket
//! ([`owners`]), and psutil's rules for turning both into [`Connection`]s.

pub(crate) mod owners;

use std::collections::HashSet;
use std::ffi::OsString;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use rustix::fs::{Mode, OFlags};

use self::owners::{Owner, Owners};
use crate::connections::{
    ConnAddr, Connection, ConnectionKind, ConnectionQuery, ConnectionSource, ConnectionStatus,
    SocketTable, SocketType,
};
use crate::error::{Error, Result};
use crate::net::AddressFamily;
use crate::platform::linux::fs;
use crate::platform::linux::parse::proc_net;
use crate::platform::linux::parse::socket::{Endpoint, RawSocket};
use crate::platform::linux::process::Target;
use crate::platform::linux::sys::sock_diag::SockDiag;
use crate::roots::Roots;

/// The sockets of one table, as a source listed them.
pub(crate) struct TableSockets {
    pub(crate) table: SocketTable,
    pub(crate) sockets: Vec<RawSocket>,
}

/// Whose network namespace to list.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Netns {
    /// The caller's.
    Own,
    /// That of process `pid`.
    Of(i32),
}

/// [`ConnectionQuery::list`].
pub(crate) fn list(roots: &Roots, q: &ConnectionQuery) -> Result<Vec<Connection>> {
    let netns = match q.netns_pid {
        Some(pid) if pid <= 0 => {
            return Err(Error::InvalidArgument(format!(
                "netns_pid must be a positive pid, not {pid}"
            )))
        }
        Some(pid) => Netns::Of(pid),
        None => Netns::Own,
    };
    let threads = q.threads.max(1);
    if !q.pids {
        let tables = sockets(roots, q.kind, q.source, netns)?;
        return Ok(assemble(&tables, false, |_| None));
    }
    if threads == 1 {
        let tables = sockets(roots, q.kind, q.source, netns)?;
        let owners = owners::scan_all(roots, tables_len(&tables))?;
        return Ok(assemble(&tables, false, |inode| owners.get(inode)));
    }
    // Asked for threads: the dump runs on one while the others scan the fd directories;
    // all of them end before this returns.
    let (tables, owners) = std::thread::scope(|scope| {
        let dump = scope.spawn(|| sockets(roots, q.kind, q.source, netns));
        let owners = owners::scan_all_threaded(roots, threads - 1);
        let tables = dump
            .join()
            .unwrap_or_else(|_| Err(Error::unsupported("the socket dump thread panicked")));
        (tables, owners)
    });
    let (tables, owners) = (tables?, owners?);
    Ok(assemble(&tables, false, |inode| owners.get(inode)))
}

fn tables_len(tables: &[TableSockets]) -> usize {
    tables.iter().map(|t| t.sockets.len()).sum()
}

/// psutil's `Process.net_connections(kind)`: the sockets among the fds of the process of
/// `t` (read through its checked directory, so a reused pid gives
/// [`Error::NoSuchProcess`]), each with the process's pid and fd. A process without
/// sockets costs one directory listing.
pub(crate) fn of_process(t: &Target, kind: ConnectionKind) -> Result<Vec<Connection>> {
    let mut owners = Owners::default();
    let mut any = false;
    t.dir()?.for_each_socket_fd(|inode, fd| {
        owners.add(inode, t.pid, fd);
        any = true;
    })?;
    if !any {
        return Ok(Vec::new());
    }
    // A process in another network namespace has its sockets there: list that namespace
    // (psutil lists the caller's and so finds none of them).
    let netns = if same_netns(t.roots, t.pid) {
        Netns::Own
    } else {
        Netns::Of(t.pid)
    };
    let tables = sockets(t.roots, kind, ConnectionSource::Auto, netns)?;
    Ok(assemble(&tables, true, |inode| owners.get(inode)))
}

/// True unless `<procfs>/<pid>/ns/net` and `<procfs>/self/ns/net` are visibly different
/// namespaces (an unreadable link counts as the same: psutil's behaviour).
fn same_netns(roots: &Roots, pid: i32) -> bool {
    let theirs = fs::read_link(&roots.proc(format!("{pid}/ns/net")));
    let ours = fs::read_link(&roots.proc("self/ns/net"));
    match (theirs, ours) {
        (Ok(a), Ok(b)) => a == b,
        _ => true,
    }
}

/// The raw sockets of each table of `kind`, from the source `source` says.
pub(crate) fn sockets(
    roots: &Roots,
    kind: ConnectionKind,
    source: ConnectionSource,
    netns: Netns,
) -> Result<Vec<TableSockets>> {
    let use_netlink = match source {
        ConnectionSource::ProcNet => false,
        ConnectionSource::Netlink => true,
        ConnectionSource::Auto => roots.is_live(),
    };
    let mut diag = None;
    if use_netlink {
        match open_diag(roots, netns) {
            Ok(d) => diag = Some(d),
            Err(e) if source == ConnectionSource::Netlink => return Err(e),
            Err(e @ Error::NoSuchProcess { .. }) => return Err(e),
            Err(_) => {}
        }
    }
    let mut out = Vec::with_capacity(kind.tables().len());
    for &table in kind.tables() {
        let mut sockets = Vec::new();
        let dumped = match diag.as_mut() {
            Some(d) => match d.dump(table, &mut sockets) {
                Ok(()) => true,
                Err(e) if source == ConnectionSource::Netlink => {
                    return Err(netlink_error(table, e))
                }
                Err(_) => {
                    sockets.clear();
                    false
                }
            },
            None => false,
        };
        if !dumped {
            read_table(roots, table, netns, &mut sockets)?;
        }
        out.push(TableSockets { table, sockets });
    }
    Ok(out)
}

fn netlink_error(table: SocketTable, e: io::Error) -> Error {
    Error::Io {
        path: PathBuf::from(format!("NETLINK_SOCK_DIAG ({})", table.file_name())),
        source: e,
    }
}

/// A netlink socket in the namespace asked for.
fn open_diag(roots: &Roots, netns: Netns) -> Result<SockDiag> {
    match netns {
        Netns::Own => SockDiag::open().map_err(|e| Error::Io {
            path: PathBuf::from("NETLINK_SOCK_DIAG"),
            source: e,
        }),
        Netns::Of(pid) => {
            let path = roots.proc(format!("{pid}/ns/net"));
            let ns = rustix::fs::open(&path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
                .map_err(|e| fs::pid_error(pid, &path, e.into()))?;
            SockDiag::open_in_netns(ns.as_fd()).map_err(|e| fs::pid_error(pid, &path, e))
        }
    }
}

/// Reads the `/proc/net` file of `table`: `<procfs>/net/<file>` for the caller's namespace,
/// `<procfs>/<pid>/net/<file>` for another process's. A missing `tcp6`/`udp6` (a kernel
/// without IPv6) is an empty table, as in psutil.
fn read_table(
    roots: &Roots,
    table: SocketTable,
    netns: Netns,
    out: &mut Vec<RawSocket>,
) -> Result<()> {
    let path = match netns {
        Netns::Own => roots.proc(format!("net/{}", table.file_name())),
        Netns::Of(pid) => roots.proc(format!("{pid}/net/{}", table.file_name())),
    };
    let parse = |data: &[u8]| match table {
        SocketTable::Tcp4 => proc_net::parse_inet(data, AF_INET, SOCK_STREAM, out),
        SocketTable::Tcp6 => proc_net::parse_inet(data, AF_INET6, SOCK_STREAM, out),
        SocketTable::Udp4 => proc_net::parse_inet(data, AF_INET, SOCK_DGRAM, out),
        SocketTable::Udp6 => proc_net::parse_inet(data, AF_INET6, SOCK_DGRAM, out),
        SocketTable::Unix => proc_net::parse_unix(data, out),
    };
    let read = match table {
        SocketTable::Tcp6 | SocketTable::Udp6 => fs::with_file_opt(&path, parse).map(|_| ()),
        _ => fs::with_file(&path, parse),
    };
    read.map_err(|e| match (e, netns) {
        (Error::Io { path, source }, Netns::Of(pid)) => fs::pid_error(pid, &path, source),
        (e, _) => e,
    })
}

const AF_INET: u8 = libc::AF_INET as u8;
const AF_INET6: u8 = libc::AF_INET6 as u8;
const SOCK_STREAM: u8 = libc::SOCK_STREAM as u8;
const SOCK_DGRAM: u8 = libc::SOCK_DGRAM as u8;

/// Turns the tables into [`Connection`]s with psutil's rules (`owner` gives `None` for all
/// when pids were not asked for); with `owned_only`, sockets without an owner are left out
/// (one process's listing).
fn assemble<'a>(
    tables: &[TableSockets],
    owned_only: bool,
    owner: impl Fn(u64) -> Option<&'a Owner>,
) -> Vec<Connection> {
    let mut out = Vec::with_capacity(tables_len(tables));
    let mut seen = HashSet::new();
    for t in tables {
        for s in &t.sockets {
            let own = if s.inode == 0 { None } else { owner(s.inode) };
            match own {
                Some(o) if t.table == SocketTable::Unix => {
                    for fd in o.fds() {
                        out.push(convert(t.table, s, Some(o.pid), fd));
                    }
                }
                Some(o) => out.push(convert(t.table, s, Some(o.pid), o.fd)),
                None if owned_only => {}
                None => push_unowned(&mut out, &mut seen, convert(t.table, s, None, -1)),
            }
        }
    }
    out
}

/// Adds an unowned connection unless psutil would see it as equal to one already there
/// (psutil returns a set of its tuples: unowned unnamed unix sockets, for one, collapse
/// into one entry). Owned connections never collide: a pid's fd is one socket.
fn push_unowned(out: &mut Vec<Connection>, seen: &mut HashSet<Connection>, c: Connection) {
    let key = Connection {
        inode: 0,
        ..c.clone()
    };
    if seen.insert(key) {
        out.push(c);
    }
}

/// One socket as psutil shows it.
fn convert(table: SocketTable, s: &RawSocket, pid: Option<i32>, fd: i32) -> Connection {
    let family = match s.family {
        AF_INET => AddressFamily::Inet,
        AF_INET6 => AddressFamily::Inet6,
        _ => AddressFamily::Unix,
    };
    let status = match table {
        SocketTable::Tcp4 | SocketTable::Tcp6 => ConnectionStatus::from_tcp_state(s.state),
        _ => ConnectionStatus::None,
    };
    let (laddr, raddr) = match table {
        SocketTable::Unix => (unix_addr(&s.local), ConnAddr::Unix(OsString::new())),
        _ => (inet_addr(&s.local), inet_addr(&s.remote)),
    };
    Connection {
        fd,
        family,
        socket_type: SocketType::from_raw(s.sock_type),
        laddr,
        raddr,
        status,
        pid,
        inode: s.inode,
    }
}

/// psutil's `decode_address`: port 0 is no address at all.
fn inet_addr(e: &Endpoint) -> ConnAddr {
    match e {
        Endpoint::Inet(a) if a.port() != 0 => ConnAddr::Inet(*a),
        _ => ConnAddr::None,
    }
}

fn unix_addr(e: &Endpoint) -> ConnAddr {
    match e {
        Endpoint::Unix(b) => ConnAddr::Unix(OsString::from_vec(b.clone())),
        Endpoint::Inet(_) => ConnAddr::Unix(OsString::new()),
    }
}
