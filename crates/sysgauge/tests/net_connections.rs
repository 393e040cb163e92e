//! `net_connections`, `Process::net_connections` and `ConnectionQuery` against sockets the
//! test makes itself (TCP and UDP over IPv4, IPv6 and IPv4-mapped IPv6, in LISTEN,
//! ESTABLISHED, FIN_WAIT2, CLOSE_WAIT and TIME_WAIT; unix stream, datagram and seqpacket
//! sockets with plain, abstract, spaced, non-UTF-8, newline and no names; sockets on
//! several fds and shared with a child; thousands of sockets), checked against what the
//! test knows of them (`getsockname`, `/proc/self/fd` links, `/proc/net/tcp` read
//! directly), `ss -tuanxp`, psutil 7.2.2, the other socket source (netlink against
//! `/proc/net/*`), other network namespaces (`unshare -n`, `ip netns`), and an
//! unprivileged caller (`nobody`).
//!
//! Every test holds [`LOCK`], so the sockets of this process are exactly those of the test
//! that runs: comparisons over "every socket of this pid" are then stable. Listings of
//! other processes' sockets are compared with [`bracket`] and [`retry3`].

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::Kid;
use serde_json::Value;
use sysgauge::{
    net_connections, AddressFamily, Attr, AttrValue, ConnAddr, Connection, ConnectionKind,
    ConnectionQuery, ConnectionSource, ConnectionStatus, Error, Process, SocketTable, SocketType,
};

/// Serializes the tests of this binary (see the module docs).
static LOCK: Mutex<()> = Mutex::new(());

fn lock() -> MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// psutil's 11 kind names, in its documentation's order.
const KINDS: [&str; 11] = [
    "inet", "inet4", "inet6", "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "all",
];

/// Whether psutil's kind `kind` covers `table` (psutil's `tmap`, written out here rather
/// than taken from the library).
fn covers(kind: &str, t: SocketTable) -> bool {
    use SocketTable::*;
    match kind {
        "all" => true,
        "inet" => t != Unix,
        "inet4" => matches!(t, Tcp4 | Udp4),
        "inet6" => matches!(t, Tcp6 | Udp6),
        "tcp" => matches!(t, Tcp4 | Tcp6),
        "tcp4" => t == Tcp4,
        "tcp6" => t == Tcp6,
        "udp" => matches!(t, Udp4 | Udp6),
        "udp4" => t == Udp4,
        "udp6" => t == Udp6,
        "unix" => t == Unix,
        _ => panic!("no kind {kind}"),
    }
}

fn kind(name: &str) -> ConnectionKind {
    let k: ConnectionKind = name.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(k.name(), name);
    k
}

fn me() -> i32 {
    std::process::id() as i32
}

fn err_name(e: &Error) -> String {
    match e {
        Error::NoSuchProcess { .. } => "NoSuchProcess".into(),
        Error::AccessDenied { .. } => "AccessDenied".into(),
        Error::ZombieProcess { .. } => "ZombieProcess".into(),
        Error::InvalidArgument(_) => "InvalidArgument".into(),
        e => format!("other: {e}"),
    }
}

// ---------------------------------------------------------------------------------------
// Comparable forms.

/// An address as psutil's tuple shows it: `()`, `(ip, port)` or a unix name (bytes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum A {
    None,
    Inet(String, u16),
    Unix(Vec<u8>),
}

/// psutil's form of an address. An IPv6 scope id or flow label (psutil has neither, and
/// the library promises none) shows as `%scope/flow` after the IP, so that it differs.
fn addr(a: &ConnAddr) -> A {
    match a {
        ConnAddr::None => A::None,
        ConnAddr::Inet(SocketAddr::V6(s)) if s.scope_id() != 0 || s.flowinfo() != 0 => A::Inet(
            format!("{}%{}/{}", s.ip(), s.scope_id(), s.flowinfo()),
            s.port(),
        ),
        ConnAddr::Inet(s) => A::Inet(s.ip().to_string(), s.port()),
        ConnAddr::Unix(p) => A::Unix(p.as_bytes().to_vec()),
    }
}

/// psutil's `sconn` tuple: (fd, family, type, laddr, raddr, status, pid).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    fd: i32,
    family: i32,
    ty: u8,
    laddr: A,
    raddr: A,
    status: String,
    pid: Option<i32>,
}

fn key(c: &Connection) -> Key {
    Key {
        fd: c.fd,
        family: c.family.as_i32(),
        ty: c.socket_type.as_raw(),
        laddr: addr(&c.laddr),
        raddr: addr(&c.raddr),
        status: c.status.as_str().to_string(),
        pid: c.pid,
    }
}

/// A [`Key`] from the Python side's `k(c, pid)` (see [`PY_KEYS`]).
fn key_from_json(v: &Value) -> Key {
    let a = |v: &Value| -> A {
        match v[0].as_str().unwrap() {
            "none" => A::None,
            "inet" => A::Inet(
                v[1].as_str().unwrap().to_string(),
                v[2].as_u64().unwrap() as u16,
            ),
            "unix" => A::Unix(unhex(v[1].as_str().unwrap())),
            x => panic!("address kind {x}"),
        }
    };
    Key {
        fd: v[0].as_i64().unwrap() as i32,
        family: v[1].as_i64().unwrap() as i32,
        ty: v[2].as_u64().unwrap() as u8,
        laddr: a(&v[3]),
        raddr: a(&v[4]),
        status: v[5].as_str().unwrap().to_string(),
        pid: v[6].as_i64().map(|p| p as i32),
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Python helpers turning psutil's tuples into JSON [`key_from_json`] reads; unix names as
/// hex of their bytes (`os.fsencode` undoes psutil's surrogateescape).
const PY_KEYS: &str = r#"
import os
def a(x):
    if isinstance(x, str):
        return ["unix", os.fsencode(x).hex()]
    if len(x) == 0:
        return ["none"]
    return ["inet", x[0], x[1]]
def k(c, pid):
    return [c.fd, int(c.family), int(c.type), a(c.laddr), a(c.raddr), c.status, pid]
"#;

/// The table an entry belongs to, by family and type (psutil's order is the tables').
fn table_index(c: &Connection) -> usize {
    match (c.family, c.socket_type) {
        (AddressFamily::Inet, SocketType::Stream) => 0,
        (AddressFamily::Inet6, SocketType::Stream) => 1,
        (AddressFamily::Inet, SocketType::Dgram) => 2,
        (AddressFamily::Inet6, SocketType::Dgram) => 3,
        (AddressFamily::Unix, _) => 4,
        other => panic!("unexpected family/type {other:?} in {c:?}"),
    }
}

/// `(key, inode)` of every entry, as a set (order and duplicates aside).
fn full_set(v: &[Connection]) -> BTreeSet<(Key, u64)> {
    v.iter().map(|c| (key(c), c.inode)).collect()
}

fn diff<T: Ord + std::fmt::Debug>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> String {
    let only_a: Vec<_> = a.difference(b).collect();
    let only_b: Vec<_> = b.difference(a).collect();
    format!("only in the first: {only_a:#?}\nonly in the second: {only_b:#?}")
}

/// `Ok` when `p`, listed between `a` and `b`, holds every entry of both and nothing that
/// is in neither: entries of other processes may come and go meanwhile, a systematic
/// difference shows.
fn bracket<T: Ord + Clone + std::fmt::Debug>(
    a: &BTreeSet<T>,
    p: &BTreeSet<T>,
    b: &BTreeSet<T>,
) -> Result<(), String> {
    let both: BTreeSet<T> = a.intersection(b).cloned().collect();
    let either: BTreeSet<T> = a.union(b).cloned().collect();
    let missing: Vec<&T> = both.difference(p).collect();
    let extra: Vec<&T> = p.difference(&either).collect();
    if missing.is_empty() && extra.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "in both listings around it but not in it: {missing:#?}\n\
             in it but in neither listing around it: {extra:#?}"
        ))
    }
}

/// Tries `check` up to 3 times (sockets of other processes come and go between two
/// listings), 300 ms apart; the last failure fails the test.
fn retry3(what: &str, mut check: impl FnMut() -> Result<(), String>) {
    let mut last = String::new();
    for _ in 0..3 {
        match check() {
            Ok(()) => return,
            Err(e) => {
                let short: String = e.chars().take(1500).collect();
                eprintln!("{what}: retrying after a difference (churn?):\n{short}");
                last = e;
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    panic!("{what}: {last}");
}

/// The inode of the socket at `fd` of this process, from its `/proc/self/fd` link.
fn inode_of(fd: i32) -> u64 {
    let l = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
    let s = l.to_str().unwrap();
    s.strip_prefix("socket:[")
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or_else(|| panic!("fd {fd} is {s}"))
        .parse()
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// The sockets.

/// One socket the test made and what it must be listed as.
#[derive(Debug, Clone)]
struct Sock {
    what: String,
    fd: i32,
    /// More fds of the same socket (dup).
    dups: Vec<i32>,
    inode: u64,
    table: SocketTable,
    ty: SocketType,
    laddr: ConnAddr,
    raddr: ConnAddr,
    status: ConnectionStatus,
    /// The state `ss` shows.
    ss_state: &'static str,
    /// False where psutil cannot show the socket's name (a path with a space).
    psutil_exact: bool,
}

impl Sock {
    fn family(&self) -> AddressFamily {
        match self.table {
            SocketTable::Tcp4 | SocketTable::Udp4 => AddressFamily::Inet,
            SocketTable::Tcp6 | SocketTable::Udp6 => AddressFamily::Inet6,
            SocketTable::Unix => AddressFamily::Unix,
        }
    }

    /// Every fd of the socket, ascending.
    fn fds(&self) -> Vec<i32> {
        let mut v = self.dups.clone();
        v.push(self.fd);
        v.sort();
        v
    }

    /// The entries psutil gives for this socket when `pid` owns it (`None`: not known):
    /// a TCP or UDP socket once, with its lowest fd; a unix socket once per fd.
    fn keys(&self, pid: Option<i32>) -> Vec<Key> {
        let fds = self.fds();
        match pid {
            None => vec![self.key(None, -1)],
            Some(_) if self.table == SocketTable::Unix => {
                fds.iter().map(|&fd| self.key(pid, fd)).collect()
            }
            Some(_) => vec![self.key(pid, fds[0])],
        }
    }

    fn key(&self, pid: Option<i32>, fd: i32) -> Key {
        Key {
            fd,
            family: self.family().as_i32(),
            ty: self.ty.as_raw(),
            laddr: addr(&self.laddr),
            raddr: addr(&self.raddr),
            status: self.status.as_str().to_string(),
            pid,
        }
    }
}

/// Sockets of every sort, open for the fixture's life.
struct Fixture {
    dir: tempfile::TempDir,
    fds: Vec<OwnedFd>,
    socks: Vec<Sock>,
}

fn inet(a: SocketAddr) -> ConnAddr {
    if a.port() == 0 {
        ConnAddr::None
    } else {
        ConnAddr::Inet(a)
    }
}

fn unix_name(b: &[u8]) -> ConnAddr {
    ConnAddr::Unix(OsString::from_vec(b.to_vec()))
}

/// A `SOCK_SEQPACKET` unix socket (std has none), close-on-exec.
fn seqpacket() -> OwnedFd {
    // SAFETY: socket(2) with constant arguments; the result is checked, then owned.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0) };
    assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
    // SAFETY: `fd` was just opened and nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// A seqpacket listener bound to `path`.
fn seqpacket_listener(path: &Path) -> OwnedFd {
    let fd = seqpacket();
    // SAFETY: sockaddr_un is plain data; all-zero is a valid value.
    let mut sa: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    sa.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let b = path.as_os_str().as_bytes();
    assert!(b.len() < sa.sun_path.len(), "path too long: {path:?}");
    for (d, s) in sa.sun_path.iter_mut().zip(b) {
        *d = *s as libc::c_char;
    }
    let len = std::mem::offset_of!(libc::sockaddr_un, sun_path) + b.len() + 1;
    // SAFETY: `sa` is a valid sockaddr_un of at least `len` bytes; `fd` is open.
    let r = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&sa as *const libc::sockaddr_un).cast::<libc::sockaddr>(),
            len as libc::socklen_t,
        )
    };
    assert_eq!(r, 0, "bind: {}", std::io::Error::last_os_error());
    // SAFETY: listen(2) on an open socket.
    let r = unsafe { libc::listen(fd.as_raw_fd(), 8) };
    assert_eq!(r, 0, "listen: {}", std::io::Error::last_os_error());
    fd
}

/// A connected pair of seqpacket sockets, close-on-exec.
fn seqpacket_pair() -> (OwnedFd, OwnedFd) {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: socketpair(2) writes two fds into the 2-element array.
    let r = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    };
    assert_eq!(r, 0, "socketpair: {}", std::io::Error::last_os_error());
    // SAFETY: both fds were just opened and nothing else owns them.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

impl Fixture {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        what: &str,
        fd: OwnedFd,
        table: SocketTable,
        ty: SocketType,
        laddr: ConnAddr,
        raddr: ConnAddr,
        status: ConnectionStatus,
        ss_state: &'static str,
    ) {
        let raw = fd.as_raw_fd();
        self.socks.push(Sock {
            what: what.to_string(),
            fd: raw,
            dups: Vec::new(),
            inode: inode_of(raw),
            table,
            ty,
            laddr,
            raddr,
            status,
            ss_state,
            psutil_exact: true,
        });
        self.fds.push(fd);
    }

    /// A TCP listener on `bind`, a client connected to `connect_ip` at its port, and the
    /// accepted socket, in tables `tl`, `tc`, `ts`.
    fn tcp(
        &mut self,
        what: &str,
        bind: SocketAddr,
        connect_ip: IpAddr,
        (tl, tc, ts): (SocketTable, SocketTable, SocketTable),
    ) -> std::io::Result<()> {
        let l = TcpListener::bind(bind)?;
        let la = l.local_addr()?;
        let c = TcpStream::connect(SocketAddr::new(connect_ip, la.port()))?;
        let (s, _) = l.accept()?;
        let (ca, cp) = (c.local_addr()?, c.peer_addr()?);
        let (sa, sp) = (s.local_addr()?, s.peer_addr()?);
        use ConnectionStatus::*;
        let st = SocketType::Stream;
        let n = |s: &str| format!("{what} {s}");
        self.add(
            &n("listener"),
            l.into(),
            tl,
            st,
            inet(la),
            ConnAddr::None,
            Listen,
            "LISTEN",
        );
        self.add(
            &n("client"),
            c.into(),
            tc,
            st,
            inet(ca),
            inet(cp),
            Established,
            "ESTAB",
        );
        self.add(
            &n("accepted"),
            s.into(),
            ts,
            st,
            inet(sa),
            inet(sp),
            Established,
            "ESTAB",
        );
        Ok(())
    }

    /// A bound UDP socket and another bound one connected to it.
    fn udp(&mut self, what: &str, ip: IpAddr, table: SocketTable) -> std::io::Result<()> {
        let a = UdpSocket::bind(SocketAddr::new(ip, 0))?;
        let b = UdpSocket::bind(SocketAddr::new(ip, 0))?;
        b.connect(a.local_addr()?)?;
        let (aa, ba, bp) = (a.local_addr()?, b.local_addr()?, b.peer_addr()?);
        let (dg, none) = (SocketType::Dgram, ConnectionStatus::None);
        let n = |s: &str| format!("{what} {s}");
        self.add(
            &n("bound"),
            a.into(),
            table,
            dg,
            inet(aa),
            ConnAddr::None,
            none,
            "UNCONN",
        );
        self.add(
            &n("connected"),
            b.into(),
            table,
            dg,
            inet(ba),
            inet(bp),
            none,
            "ESTAB",
        );
        Ok(())
    }

    /// A unix socket: laddr `name` (raw bytes), raddr empty, status NONE.
    fn unix(&mut self, what: &str, fd: OwnedFd, ty: SocketType, name: &[u8], ss: &'static str) {
        let e = unix_name(b"");
        let none = ConnectionStatus::None;
        self.add(
            what,
            fd,
            SocketTable::Unix,
            ty,
            unix_name(name),
            e,
            none,
            ss,
        );
    }

    fn path(&self, name: &[u8]) -> PathBuf {
        self.dir.path().join(OsStr::from_bytes(name))
    }

    fn new() -> Fixture {
        let mut fx = Fixture {
            dir: tempfile::tempdir().unwrap(),
            fds: Vec::new(),
            socks: Vec::new(),
        };
        use SocketTable::*;
        // A low fd freed at the end, so that a dup of a socket gets a lower fd than the
        // socket's first one.
        let placeholder = std::fs::File::open("/dev/null").unwrap();
        let lo4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let lo6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        fx.tcp("tcp4", SocketAddr::new(lo4, 0), lo4, (Tcp4, Tcp4, Tcp4))
            .unwrap();
        fx.udp("udp4", lo4, Udp4).unwrap();
        fx.half_closed().unwrap();
        let u = UdpSocket::bind("0.0.0.0:0").unwrap();
        let ua = inet(u.local_addr().unwrap());
        let (dg, none) = (SocketType::Dgram, ConnectionStatus::None);
        fx.add(
            "udp4 any",
            u.into(),
            Udp4,
            dg,
            ua,
            ConnAddr::None,
            none,
            "UNCONN",
        );
        match fx.tcp("tcp6", SocketAddr::new(lo6, 0), lo6, (Tcp6, Tcp6, Tcp6)) {
            Ok(()) => fx.udp("udp6", lo6, Udp6).unwrap(),
            Err(e) => eprintln!("skipped: IPv6 sockets on [::1] ({e})"),
        }
        // A dual-stack listener on [::] reached over IPv4: the client is a tcp4 socket,
        // the accepted one a tcp6 socket with IPv4-mapped addresses.
        let any6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0);
        let v6only = std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only").unwrap_or_default();
        if v6only.trim() == "0" {
            if let Err(e) = fx.tcp("mapped", any6, lo4, (Tcp6, Tcp4, Tcp6)) {
                eprintln!("skipped: IPv4-mapped IPv6 connection ({e})");
            }
        } else {
            eprintln!(
                "skipped: IPv4-mapped IPv6 connection (bindv6only={})",
                v6only.trim()
            );
        }

        use SocketType::*;
        let p = fx.path(b"stream.sock");
        let l = UnixListener::bind(&p).unwrap();
        let c = UnixStream::connect(&p).unwrap();
        let (s, _) = l.accept().unwrap();
        let pb = p.as_os_str().as_bytes().to_vec();
        fx.unix("unix stream listener", l.into(), Stream, &pb, "LISTEN");
        fx.unix("unix stream client", c.into(), Stream, b"", "ESTAB");
        // The accepted socket shares the listener's address.
        fx.unix("unix stream accepted", s.into(), Stream, &pb, "ESTAB");

        let p = fx.path(b"dgram.sock");
        let d = UnixDatagram::bind(&p).unwrap();
        fx.unix(
            "unix dgram",
            d.into(),
            Dgram,
            p.as_os_str().as_bytes(),
            "UNCONN",
        );

        let p = fx.path(b"seq.sock");
        let s = seqpacket_listener(&p);
        fx.unix(
            "unix seqpacket listener",
            s,
            SeqPacket,
            p.as_os_str().as_bytes(),
            "LISTEN",
        );
        let (a, b) = seqpacket_pair();
        fx.unix("unix seqpacket pair a", a, SeqPacket, b"", "ESTAB");
        fx.unix("unix seqpacket pair b", b, SeqPacket, b"", "ESTAB");

        let name = format!(
            "sysgauge-test-{}-{:?}",
            me(),
            fx.dir.path().file_name().unwrap()
        );
        let sa = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let l = UnixListener::bind_addr(&sa).unwrap();
        fx.unix(
            "unix abstract",
            l.into(),
            Stream,
            format!("@{name}").as_bytes(),
            "LISTEN",
        );

        let p = fx.path(b"with space.sock");
        let l = UnixListener::bind(&p).unwrap();
        fx.unix(
            "unix path with a space",
            l.into(),
            Stream,
            p.as_os_str().as_bytes(),
            "LISTEN",
        );
        // psutil splits /proc/net/unix lines at spaces and gives '' for such a path.
        fx.socks.last_mut().unwrap().psutil_exact = false;

        let p = fx.path(b"bad\xff\xfeutf8.sock");
        let d = UnixDatagram::bind(&p).unwrap();
        fx.unix(
            "unix non-UTF-8 path",
            d.into(),
            Dgram,
            p.as_os_str().as_bytes(),
            "UNCONN",
        );

        let (a, b) = UnixStream::pair().unwrap();
        fx.unix("unix stream pair a", a.into(), Stream, b"", "ESTAB");
        fx.unix("unix stream pair b", b.into(), Stream, b"", "ESTAB");
        let (a, b) = UnixDatagram::pair().unwrap();
        fx.unix("unix dgram pair a", a.into(), Dgram, b"", "ESTAB");
        fx.unix("unix dgram pair b", b.into(), Dgram, b"", "ESTAB");

        // Second fds: TCP and UDP sockets are listed once with the lowest fd, unix
        // sockets once per fd.
        drop(placeholder);
        fx.dup("tcp4 listener");
        fx.dup("udp4 bound");
        fx.dup("unix dgram");
        fx.dup("unix dgram");
        let l4 = fx.socks.iter().find(|s| s.what == "tcp4 listener").unwrap();
        if l4.dups[0] > l4.fd {
            eprintln!("note: no lower free fd for the dup of the tcp4 listener");
        }
        fx
    }

    /// Another fd of the socket called `what`.
    fn dup(&mut self, what: &str) {
        let i = self.socks.iter().position(|s| s.what == what).unwrap();
        let j = self
            .fds
            .iter()
            .position(|f| f.as_raw_fd() == self.socks[i].fd)
            .unwrap();
        let d = self.fds[j].try_clone().unwrap();
        self.socks[i].dups.push(d.as_raw_fd());
        self.fds.push(d);
    }

    /// A TCP connection over IPv4 whose client shut down its sending side: the client in
    /// FIN_WAIT2, the accepted socket in CLOSE_WAIT.
    fn half_closed(&mut self) -> std::io::Result<()> {
        let l = TcpListener::bind("127.0.0.1:0")?;
        let c = TcpStream::connect(l.local_addr()?)?;
        let (s, _) = l.accept()?;
        c.shutdown(std::net::Shutdown::Write)?;
        wait_tcp_state(inode_of(c.as_raw_fd()), "05");
        wait_tcp_state(inode_of(s.as_raw_fd()), "08");
        let (ca, cp) = (c.local_addr()?, c.peer_addr()?);
        let (sa, sp) = (s.local_addr()?, s.peer_addr()?);
        let t = (SocketTable::Tcp4, SocketType::Stream);
        use ConnectionStatus::*;
        self.add(
            "tcp4 fin_wait2",
            c.into(),
            t.0,
            t.1,
            inet(ca),
            inet(cp),
            FinWait2,
            "FIN-WAIT-2",
        );
        self.add(
            "tcp4 close_wait",
            s.into(),
            t.0,
            t.1,
            inet(sa),
            inet(sp),
            CloseWait,
            "CLOSE-WAIT",
        );
        Ok(())
    }

    fn by_inode(&self) -> BTreeMap<u64, &Sock> {
        self.socks.iter().map(|s| (s.inode, s)).collect()
    }

    fn fd_set(&self) -> BTreeSet<i32> {
        self.socks.iter().flat_map(Sock::fds).collect()
    }

    /// inode → the entries `kind` must list for the fixture's sockets, owned by `pid`.
    fn want(&self, kind: &str, pid: Option<i32>) -> BTreeMap<u64, Vec<Key>> {
        self.socks
            .iter()
            .filter(|s| covers(kind, s.table))
            .map(|s| (s.inode, s.keys(pid)))
            .collect()
    }

    /// inode → the entries of `list` for the fixture's sockets.
    fn got(&self, list: &[Connection]) -> BTreeMap<u64, Vec<Key>> {
        let inodes = self.by_inode();
        let mut out: BTreeMap<u64, Vec<Key>> = BTreeMap::new();
        for c in list {
            if inodes.contains_key(&c.inode) {
                out.entry(c.inode).or_default().push(key(c));
            }
        }
        for v in out.values_mut() {
            v.sort();
        }
        out
    }

    /// Fails with a readable message when `list` does not give the fixture's sockets of
    /// `kind` exactly as `want`.
    fn check(&self, what: &str, kind: &str, list: &[Connection], pid: Option<i32>) {
        let (want, got) = (self.want(kind, pid), self.got(list));
        if want != got {
            let names = self.by_inode();
            let mut msg = format!("{what}, kind {kind}:\n");
            for ino in want.keys().chain(got.keys()).collect::<BTreeSet<_>>() {
                let (w, g) = (want.get(ino), got.get(ino));
                if w != g {
                    msg += &format!(
                        "  {} (inode {ino}):\n    want {w:?}\n    got  {g:?}\n",
                        names[ino].what
                    );
                }
            }
            panic!("{msg}");
        }
    }
}

/// The `st` field (hex) of the socket with inode `inode` in `/proc/net/tcp` and
/// `/proc/net/tcp6`, read directly.
fn tcp_state(inode: u64) -> Option<String> {
    for f in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(f).ok()?;
        for line in text.lines().skip(1) {
            let v: Vec<&str> = line.split_whitespace().collect();
            if v.len() > 9 && v[9] == inode.to_string() {
                return Some(v[3].to_string());
            }
        }
    }
    None
}

/// Waits (5 s at most) until the TCP socket `inode` is in state `st` (hex, as in
/// `/proc/net/tcp`).
fn wait_tcp_state(inode: u64, st: &str) {
    let t0 = Instant::now();
    while tcp_state(inode).as_deref() != Some(st) {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "socket {inode} never reached state {st}: {:?}",
            tcp_state(inode)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Entries must come in psutil's table order: tcp4, tcp6, udp4, udp6, unix.
fn check_table_order(what: &str, list: &[Connection]) {
    let idx: Vec<usize> = list.iter().map(table_index).collect();
    assert!(
        idx.windows(2).all(|w| w[0] <= w[1]),
        "{what}: not in table order: {idx:?}"
    );
}

// ---------------------------------------------------------------------------------------
// 1. The test's own sockets, every kind.

#[test]
fn kind_names_parse_and_bogus_kind_lists_all() {
    for (name, k) in KINDS.iter().zip(ConnectionKind::ALL) {
        assert_eq!(name.parse::<ConnectionKind>().unwrap(), k);
        assert_eq!(k.to_string(), *name);
        // tables() against psutil's map, written out in `covers`.
        use SocketTable::*;
        let want: Vec<SocketTable> = [Tcp4, Tcp6, Udp4, Udp6, Unix]
            .into_iter()
            .filter(|t| covers(name, *t))
            .collect();
        assert_eq!(k.tables(), &want[..], "{name}");
    }
    assert_eq!(ConnectionKind::default(), ConnectionKind::Inet);
    for bad in ["bogus", "", "TCP", "inet ", "unix6"] {
        match bad.parse::<ConnectionKind>() {
            Err(Error::InvalidArgument(msg)) => {
                assert!(msg.contains(&format!("{bad:?}")), "{msg}");
                for k in KINDS {
                    assert!(msg.contains(&format!("\"{k}\"")), "{k} missing from: {msg}");
                }
            }
            other => panic!("{bad:?} parsed as {other:?}"),
        }
    }
}

#[test]
fn own_sockets_in_every_kind() {
    let _g = lock();
    let fx = Fixture::new();
    let me = me();
    let proc = Process::current().unwrap();
    for name in KINDS {
        let k = kind(name);
        let sys = net_connections(k).unwrap();
        fx.check("net_connections", name, &sys, Some(me));
        check_table_order(name, &sys);
        let own = proc.net_connections(k).unwrap();
        fx.check("Process::net_connections", name, &own, Some(me));
        check_table_order(name, &own);
        for c in &own {
            assert_eq!(c.pid, Some(me), "{c:?}");
            assert!(c.fd >= 0, "{c:?}");
            assert!(
                covers(
                    name,
                    [
                        SocketTable::Tcp4,
                        SocketTable::Tcp6,
                        SocketTable::Udp4,
                        SocketTable::Udp6,
                        SocketTable::Unix
                    ][table_index(c)]
                ),
                "{name}: {c:?}"
            );
        }
        // Everything the process listing gives, the system-wide one gives with this pid.
        let sys_mine: BTreeSet<_> = sys.iter().filter(|c| c.pid == Some(me)).map(key).collect();
        let own_set: BTreeSet<_> = own.iter().map(key).collect();
        assert_eq!(sys_mine, own_set, "{name}: {}", diff(&sys_mine, &own_set));
    }
}

/// A [`Connection`] serializes as psutil's `sconn` fields (pid included, inode not), unix
/// names as text with invalid UTF-8 replaced.
#[test]
fn connection_serializes_as_sconn() {
    let _g = lock();
    let fx = Fixture::new();
    let me = me();
    let list = net_connections(ConnectionKind::All).unwrap();
    let by_inode = fx.by_inode();
    let mut seen = 0;
    for c in list.iter().filter(|c| by_inode.contains_key(&c.inode)) {
        let s = by_inode[&c.inode];
        let j = serde_json::to_value(c).unwrap();
        let laddr = match &s.laddr {
            ConnAddr::None => serde_json::json!([]),
            ConnAddr::Inet(a) => serde_json::json!([a.ip().to_string(), a.port()]),
            ConnAddr::Unix(p) => String::from_utf8_lossy(p.as_bytes()).into(),
        };
        let raddr = match &s.raddr {
            ConnAddr::None => serde_json::json!([]),
            ConnAddr::Inet(a) => serde_json::json!([a.ip().to_string(), a.port()]),
            ConnAddr::Unix(p) => String::from_utf8_lossy(p.as_bytes()).into(),
        };
        let want = serde_json::json!({
            "fd": c.fd, "family": s.family().as_i32(), "type": s.ty.as_raw(),
            "laddr": laddr, "raddr": raddr, "status": s.status.as_str(), "pid": me,
        });
        assert_eq!(j, want, "{}", s.what);
        if s.what == "unix non-UTF-8 path" {
            assert!(
                j["laddr"]
                    .as_str()
                    .unwrap()
                    .ends_with("bad\u{fffd}\u{fffd}utf8.sock"),
                "{j}"
            );
        }
        seen += 1;
    }
    let n: usize = fx.socks.iter().map(|s| s.keys(Some(me)).len()).sum();
    assert_eq!(seen, n);
}

// ---------------------------------------------------------------------------------------
// 2. Against ss.

/// One row of `ss -H -tuanxp` with owners.
#[derive(Debug)]
struct SsRow {
    netid: String,
    state: String,
    local: Vec<u8>,
    lport: String,
    peer: Vec<u8>,
    pport: String,
    owners: Vec<(i32, i32)>,
}

fn is_ws(b: &u8) -> bool {
    b.is_ascii_whitespace()
}

fn trim(b: &[u8]) -> &[u8] {
    let s = b.iter().position(|c| !is_ws(c)).unwrap_or(b.len());
    let e = b.iter().rposition(|c| !is_ws(c)).map_or(s, |i| i + 1);
    &b[s..e.max(s)]
}

/// The numbers after each `pid=` and `fd=` in `users:(("name",pid=1,fd=3),...)`.
fn ss_owners(users: &[u8]) -> Vec<(i32, i32)> {
    let text = String::from_utf8_lossy(users);
    let mut out = Vec::new();
    for part in text.split("pid=").skip(1) {
        let pid: String = part.chars().take_while(char::is_ascii_digit).collect();
        let Some(fd) = part.split_once(",fd=").map(|(_, r)| {
            r.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        }) else {
            continue;
        };
        if let (Ok(p), Ok(f)) = (pid.parse(), fd.parse()) {
            out.push((p, f));
        }
    }
    out
}

fn parse_ss(line: &[u8]) -> Option<SsRow> {
    let at = line.windows(9).position(|w| w == b" users:((")?;
    let (front, users) = line.split_at(at);
    let mut rest = front;
    let mut head = Vec::new();
    for _ in 0..4 {
        rest = &rest[rest.iter().position(|c| !is_ws(c))?..];
        let end = rest.iter().position(is_ws).unwrap_or(rest.len());
        head.push(String::from_utf8_lossy(&rest[..end]).into_owned());
        rest = &rest[end..];
    }
    let rest = trim(rest);
    let (local, lport, peer, pport);
    if head[0].starts_with("u_") {
        // "<name> <inode> <peer name> <peer inode>"; the name may hold spaces.
        let mut r = rest;
        let mut tail = Vec::new();
        for _ in 0..3 {
            r = trim(r);
            let start = r.iter().rposition(is_ws).map_or(0, |i| i + 1);
            tail.push(r[start..].to_vec());
            r = &r[..start];
        }
        local = trim(r).to_vec();
        lport = String::from_utf8_lossy(&tail[2]).into_owned();
        peer = tail[1].clone();
        pport = String::from_utf8_lossy(&tail[0]).into_owned();
    } else {
        let toks: Vec<&[u8]> = rest.split(is_ws).filter(|t| !t.is_empty()).collect();
        if toks.len() != 2 {
            return None;
        }
        let split = |t: &[u8]| -> Option<(Vec<u8>, String)> {
            let i = t.iter().rposition(|&c| c == b':')?;
            Some((
                t[..i].to_vec(),
                String::from_utf8_lossy(&t[i + 1..]).into_owned(),
            ))
        };
        (local, lport) = split(toks[0])?;
        (peer, pport) = split(toks[1])?;
    }
    Some(SsRow {
        netid: head[0].clone(),
        state: head[1].clone(),
        local,
        lport,
        peer,
        pport,
        owners: ss_owners(users),
    })
}

/// Whether ss's `host:port` shows `want` (`*` is any address; `*` port is none).
fn ss_inet_matches(host: &[u8], port: &str, want: &ConnAddr) -> bool {
    match want {
        ConnAddr::None => port == "*" || port == "0",
        ConnAddr::Inet(a) => {
            let host = String::from_utf8_lossy(host);
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let host = host.split('%').next().unwrap_or_default();
            let ip_ok = if host == "*" {
                a.ip().is_unspecified()
            } else {
                host.parse::<IpAddr>().ok() == Some(a.ip())
            };
            ip_ok && port == a.port().to_string()
        }
        ConnAddr::Unix(_) => false,
    }
}

#[test]
fn own_sockets_match_ss() {
    let _g = lock();
    let fx = Fixture::new();
    let me = me();
    let ours = net_connections(ConnectionKind::All).unwrap();
    let o = match Command::new("ss").args(["-H", "-tuanxp"]).output() {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            let e = String::from_utf8_lossy(&o.stderr);
            eprintln!("skipped: ss -tuanxp failed: {}", e.trim());
            return;
        }
        Err(e) => {
            eprintln!("skipped: no ss ({e})");
            return;
        }
    };
    let rows: Vec<SsRow> = o
        .stdout
        .split(|&b| b == b'\n')
        .filter_map(parse_ss)
        .collect();
    let by_inode = fx.by_inode();
    let fds = fx.fd_set();
    let mine: Vec<&Connection> = ours
        .iter()
        .filter(|c| c.pid == Some(me) && fds.contains(&c.fd))
        .collect();
    let n: usize = fx.socks.iter().map(|s| s.keys(Some(me)).len()).sum();
    assert_eq!(mine.len(), n, "{mine:#?}");
    for c in &mine {
        let sock = by_inode
            .get(&c.inode)
            .unwrap_or_else(|| panic!("inode of {c:?} is none of the test's"));
        let found: Vec<&SsRow> = rows
            .iter()
            .filter(|r| r.owners.contains(&(me, c.fd)))
            .collect();
        assert_eq!(found.len(), 1, "{}: ss rows {found:#?}", sock.what);
        let r = found[0];
        let netid = match (c.family, c.socket_type) {
            (AddressFamily::Unix, SocketType::Stream) => "u_str",
            (AddressFamily::Unix, SocketType::Dgram) => "u_dgr",
            (AddressFamily::Unix, SocketType::SeqPacket) => "u_seq",
            (_, SocketType::Stream) => "tcp",
            (_, SocketType::Dgram) => "udp",
            _ => "?",
        };
        assert_eq!(r.netid, netid, "{}: {c:?} vs {r:?}", sock.what);
        use ConnectionStatus as S;
        let state = match (c.socket_type, c.family, c.status) {
            (_, AddressFamily::Unix, S::None) => sock.ss_state,
            // UDP: ss says ESTAB for a connected socket.
            (SocketType::Dgram, _, S::None) if c.raddr.is_empty() => "UNCONN",
            (SocketType::Dgram, _, S::None) => "ESTAB",
            (_, _, S::Listen) => "LISTEN",
            (_, _, S::Established) => "ESTAB",
            (_, _, S::FinWait2) => "FIN-WAIT-2",
            (_, _, S::CloseWait) => "CLOSE-WAIT",
            (_, _, s) => panic!("no ss name for {s}"),
        };
        assert_eq!(state, sock.ss_state, "{}: {c:?}", sock.what);
        assert_eq!(r.state, state, "{}: {c:?} vs {r:?}", sock.what);
        match &c.laddr {
            ConnAddr::Unix(name) => {
                let shown: &[u8] = if name.is_empty() {
                    b"*"
                } else {
                    name.as_bytes()
                };
                assert_eq!(
                    String::from_utf8_lossy(&r.local),
                    String::from_utf8_lossy(shown),
                    "{}: {c:?} vs {r:?}",
                    sock.what
                );
                assert_eq!(
                    r.lport,
                    c.inode.to_string(),
                    "{}: {c:?} vs {r:?}",
                    sock.what
                );
                assert_eq!(c.raddr, ConnAddr::Unix(OsString::new()));
            }
            la => {
                assert!(
                    ss_inet_matches(&r.local, &r.lport, la),
                    "{}: {c:?} vs {r:?}",
                    sock.what
                );
                assert!(
                    ss_inet_matches(&r.peer, &r.pport, &c.raddr),
                    "{}: {c:?} vs {r:?}",
                    sock.what
                );
            }
        }
    }
    // And every row ss gives for the test's fds is one of ours.
    let ss_fds: BTreeSet<i32> = rows
        .iter()
        .flat_map(|r| r.owners.iter().filter(|(p, _)| *p == me).map(|(_, f)| *f))
        .filter(|f| fds.contains(f))
        .collect();
    assert_eq!(ss_fds, fds);
}

// ---------------------------------------------------------------------------------------
// 3. Against psutil.

#[test]
fn own_sockets_match_psutil() {
    let _g = lock();
    let fx = Fixture::new();
    let me = me();
    let kinds: Vec<String> = KINDS.iter().map(|k| format!("{k:?}")).collect();
    let py = common::psutil(&format!(
        "{PY_KEYS}\nme = {me}\nout = {{}}\nfor kind in [{}]:\n    out[kind] = dict(\n        \
         sys=[k(c, c.pid) for c in psutil.net_connections(kind) if c.pid == me],\n        \
         proc=[k(c, me) for c in psutil.Process(me).net_connections(kind)])\n",
        kinds.join(", ")
    ));
    let inexact: BTreeMap<i32, &Sock> = fx
        .socks
        .iter()
        .filter(|s| !s.psutil_exact)
        .flat_map(|s| s.fds().into_iter().map(move |fd| (fd, s)))
        .collect();
    let proc = Process::current().unwrap();
    for name in KINDS {
        let k = kind(name);
        let from_py = |part: &str| -> BTreeSet<Key> {
            py[name][part]
                .as_array()
                .unwrap()
                .iter()
                .map(key_from_json)
                .collect()
        };
        let (py_sys, py_proc) = (from_py("sys"), from_py("proc"));
        // psutil shows a unix path holding a space as '' (it splits /proc/net/unix lines at
        // spaces); those sockets are left out of the comparison, after checking that.
        for s in inexact.values().filter(|s| covers(name, s.table)) {
            for mut lost in s.keys(Some(me)) {
                lost.laddr = A::Unix(Vec::new());
                assert!(py_sys.contains(&lost), "psutil changed: {py_sys:#?}");
            }
        }
        let keep = |set: BTreeSet<Key>| -> BTreeSet<Key> {
            set.into_iter()
                .filter(|k| !inexact.contains_key(&k.fd))
                .collect()
        };
        let ours_sys = keep(
            net_connections(k)
                .unwrap()
                .iter()
                .filter(|c| c.pid == Some(me))
                .map(key)
                .collect(),
        );
        let ours_proc = keep(proc.net_connections(k).unwrap().iter().map(key).collect());
        let (py_sys, py_proc) = (keep(py_sys), keep(py_proc));
        assert_eq!(
            ours_sys,
            py_sys,
            "net_connections({name}): ours vs psutil\n{}",
            diff(&ours_sys, &py_sys)
        );
        assert_eq!(
            ours_proc,
            py_proc,
            "Process.net_connections({name}): ours vs psutil\n{}",
            diff(&ours_proc, &py_proc)
        );
        // The oracle itself saw the test's sockets as the test made them.
        let want: BTreeSet<Key> = fx
            .socks
            .iter()
            .filter(|s| s.psutil_exact && covers(name, s.table))
            .flat_map(|s| s.keys(Some(me)))
            .collect();
        assert!(
            want.is_subset(&py_sys),
            "{name}: psutil misses\n{}",
            diff(&want, &py_sys)
        );
    }
}

#[test]
fn system_wide_inet_matches_psutil() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: system-wide comparison with psutil needs root (to see every pid)");
        return;
    }
    let _g = lock();
    let _fx = Fixture::new();
    for name in ["inet", "all"] {
        retry3(&format!("net_connections({name}) vs psutil"), || {
            let ours = || -> BTreeSet<Key> {
                let list = net_connections(kind(name)).unwrap();
                list.iter().map(key).collect()
            };
            let a = ours();
            let py = common::psutil(&format!(
                "{PY_KEYS}\nout = [k(c, c.pid) for c in psutil.net_connections({name:?})]"
            ));
            let b = ours();
            let mut p: BTreeSet<Key> = py.as_array().unwrap().iter().map(key_from_json).collect();
            let (mut a, mut b) = (a, b);
            if name == "all" {
                // psutil gives '' for unix paths with spaces: compare those as psutil does.
                let lose = |s: &mut BTreeSet<Key>| {
                    *s = std::mem::take(s)
                        .into_iter()
                        .map(|mut k| {
                            if matches!(&k.laddr, A::Unix(p) if p.iter().any(|c| c.is_ascii_whitespace()))
                            {
                                k.laddr = A::Unix(Vec::new());
                            }
                            k
                        })
                        .collect()
                };
                lose(&mut a);
                lose(&mut b);
                lose(&mut p);
            }
            bracket(&a, &p, &b)
        });
    }
}

// ---------------------------------------------------------------------------------------
// 4. Netlink against /proc/net.

fn query(k: &str, source: ConnectionSource) -> ConnectionQuery {
    ConnectionQuery::new(kind(k)).source(source)
}

/// Whether `NETLINK_SOCK_DIAG` answers here (a container's seccomp filter may refuse it);
/// says so when it does not.
fn netlink_ok() -> bool {
    match query("all", ConnectionSource::Netlink)
        .with_pids(false)
        .list()
    {
        Ok(_) => true,
        Err(e) => {
            eprintln!("skipped: netlink socket dumps refused here ({e}); /proc/net only");
            false
        }
    }
}

/// The sources to try: all three, or without netlink where it is refused.
fn sources() -> Vec<ConnectionSource> {
    let mut v = vec![ConnectionSource::Auto, ConnectionSource::ProcNet];
    if netlink_ok() {
        v.push(ConnectionSource::Netlink);
    }
    v
}

#[test]
fn netlink_and_proc_net_agree() {
    let _g = lock();
    if !netlink_ok() {
        return;
    }
    let fx = Fixture::new();
    let me = me();
    for name in KINDS {
        for source in [ConnectionSource::Netlink, ConnectionSource::ProcNet] {
            let list = query(name, source).list().unwrap();
            fx.check(&format!("{source:?}"), name, &list, Some(me));
            check_table_order(&format!("{source:?} {name}"), &list);
        }
        retry3(&format!("{name}: netlink vs /proc/net"), || {
            let a = full_set(&query(name, ConnectionSource::Netlink).list().unwrap());
            let p = full_set(&query(name, ConnectionSource::ProcNet).list().unwrap());
            let b = full_set(&query(name, ConnectionSource::Netlink).list().unwrap());
            bracket(&a, &p, &b)
        });
    }
}

#[test]
fn unix_names_proc_net_cannot_show() {
    let _g = lock();
    let me = me();
    let dir = tempfile::tempdir().unwrap();
    // No space after the newline: psutil (elsewhere on the machine) skips the broken
    // line rather than raising.
    let nl = dir.path().join("new\nline.sock");
    let d = UnixDatagram::bind(&nl).unwrap();
    let abs_name = format!("sg{}\0nul", me);
    let sa = std::os::unix::net::SocketAddr::from_abstract_name(abs_name.as_bytes()).unwrap();
    let a = UnixListener::bind_addr(&sa).unwrap();
    let (di, ai) = (inode_of(d.as_raw_fd()), inode_of(a.as_raw_fd()));
    let find = |list: &[Connection], ino: u64| -> Vec<Connection> {
        list.iter().filter(|c| c.inode == ino).cloned().collect()
    };
    let want_d = Key {
        fd: d.as_raw_fd(),
        family: 1,
        ty: 2,
        laddr: A::Unix(nl.as_os_str().as_bytes().to_vec()),
        raddr: A::Unix(Vec::new()),
        status: "NONE".into(),
        pid: Some(me),
    };
    let mut want = b"@".to_vec();
    want.extend_from_slice(abs_name.as_bytes());
    let want_a = Key {
        fd: a.as_raw_fd(),
        ty: 1,
        laddr: A::Unix(want.clone()),
        ..want_d.clone()
    };
    if netlink_ok() {
        let net = query("unix", ConnectionSource::Netlink).list().unwrap();
        let nd: Vec<Key> = find(&net, di).iter().map(key).collect();
        assert_eq!(
            nd,
            std::slice::from_ref(&want_d),
            "netlink: the newline path exactly"
        );
        let na: Vec<Key> = find(&net, ai).iter().map(key).collect();
        assert_eq!(
            na,
            std::slice::from_ref(&want_a),
            "netlink keeps the NUL of an abstract name"
        );
    }

    // /proc/net/unix prints the name raw: the newline ends the line and the rest of the
    // name makes a line of its own; a NUL in an abstract name is printed as '@'. The
    // ProcNet parser joins a line that is not shaped like a record to the path before it
    // (see parse/proc_net.rs), so it gives this path exactly; the abstract name has '@'
    // for its NUL.
    let proc = query("unix", ConnectionSource::ProcNet).list();
    let proc = proc.unwrap_or_else(|e| panic!("/proc/net listing with a newline path: {e}"));
    let pd: Vec<Key> = find(&proc, di).iter().map(key).collect();
    let pa: Vec<Key> = find(&proc, ai).iter().map(key).collect();
    assert_eq!(
        pd,
        std::slice::from_ref(&want_d),
        "ProcNet: the newline path rebuilt"
    );
    let at: Vec<u8> = want
        .iter()
        .map(|&b| if b == 0 { b'@' } else { b })
        .collect();
    let want_at = Key {
        laddr: A::Unix(at),
        ..want_a.clone()
    };
    assert_eq!(
        pa,
        std::slice::from_ref(&want_at),
        "ProcNet: NUL shown as '@'"
    );
    // psutil reads the same file: the abstract name as ProcNet gives it, and the newline
    // path cut at the newline (it skips the continuation line).
    let py = common::psutil(&format!(
        "{PY_KEYS}\nout = [k(c, {me}) for c in psutil.Process({me}).net_connections('unix')]"
    ));
    let py: BTreeSet<Key> = py.as_array().unwrap().iter().map(key_from_json).collect();
    let head = nl
        .as_os_str()
        .as_bytes()
        .split(|&b| b == b'\n')
        .next()
        .unwrap();
    let cut = Key {
        laddr: A::Unix(head.to_vec()),
        ..want_d
    };
    assert!(py.contains(&cut), "{py:#?}");
    assert!(py.contains(&want_at), "{py:#?}");
    drop((d, a));
}

// ---------------------------------------------------------------------------------------
// 5. Without the pid mapping.

#[test]
fn without_pids() {
    let _g = lock();
    let fx = Fixture::new();
    let me = me();
    for name in KINDS {
        let bare = ConnectionQuery::new(kind(name))
            .with_pids(false)
            .list()
            .unwrap();
        for c in &bare {
            assert_eq!((c.pid, c.fd), (None, -1), "{c:?}");
        }
        check_table_order(name, &bare);
        // The test's sockets are there by inode, except that identical unowned entries
        // (an unnamed unix pair; a unix listener and the socket it accepted, which share
        // its path) collapse into one, as in psutil's set.
        let got = fx.got(&bare);
        for (ino, want) in fx.want(name, None) {
            match got.get(&ino) {
                Some(g) => assert_eq!(g, &want),
                None => {
                    let s = &fx.by_inode()[&ino];
                    assert!(
                        bare.iter().any(|c| key(c) == want[0]),
                        "{name}: {} missing",
                        s.what
                    );
                }
            }
        }
        // The same sockets as with pids.
        retry3(&format!("{name}: with and without pids"), || {
            let strip = |v: &[Connection]| -> BTreeSet<Key> {
                v.iter()
                    .map(|c| Key {
                        fd: -1,
                        pid: None,
                        ..key(c)
                    })
                    .collect()
            };
            let bare = || {
                strip(
                    &ConnectionQuery::new(kind(name))
                        .with_pids(false)
                        .list()
                        .unwrap(),
                )
            };
            let a = bare();
            let w = strip(&net_connections(kind(name)).unwrap());
            let b = bare();
            bracket(&a, &w, &b)
        });
    }
    // With pids, the test's own are owned by it.
    let with = net_connections(ConnectionKind::All).unwrap();
    fx.check("with pids", "all", &with, Some(me));
}

// ---------------------------------------------------------------------------------------
// 6. Other processes: none, gone, in another network namespace.

#[test]
fn process_without_sockets_and_gone_process() {
    let _g = lock();
    let kid = Kid::spawn(Command::new("sleep").arg("30"));
    common::wait_comm(kid.pid(), "sleep");
    let p = Process::new(kid.pid()).unwrap();
    for name in KINDS {
        let t0 = Instant::now();
        let v = p.net_connections(kind(name)).unwrap();
        assert!(v.is_empty(), "{v:?}");
        assert!(
            t0.elapsed() < Duration::from_millis(500),
            "{:?}",
            t0.elapsed()
        );
    }
    let py = common::psutil(&format!(
        "out = psutil.Process({}).net_connections('all')",
        kid.pid()
    ));
    assert_eq!(py, serde_json::json!([]));
    let pid = kid.pid();
    drop(kid);
    for name in ["inet", "all"] {
        match p.net_connections(kind(name)) {
            Err(Error::NoSuchProcess { pid: p2, .. }) => assert_eq!(p2, pid),
            other => panic!("{name} of a gone process: {other:?}"),
        }
    }
    match ConnectionQuery::new(ConnectionKind::Tcp)
        .netns_of(pid)
        .list()
    {
        Err(Error::NoSuchProcess { .. }) => {}
        other => panic!("netns_of a gone process: {other:?}"),
    }
    for bad in [0, -1] {
        match ConnectionQuery::new(ConnectionKind::Tcp)
            .netns_of(bad)
            .list()
        {
            Err(Error::InvalidArgument(_)) => {}
            other => panic!("netns_of({bad}): {other:?}"),
        }
    }
}

#[test]
fn zombie_has_no_sockets() {
    let _g = lock();
    let child = Command::new("true")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let kid = Kid(child);
    common::wait_state(kid.pid(), b'Z');
    let p = Process::new(kid.pid()).unwrap();
    // psutil: a zombie's fd directory is empty, so no connections.
    let py = common::psutil(&format!(
        "out = psutil.Process({}).net_connections('all')",
        kid.pid()
    ));
    assert_eq!(py, serde_json::json!([]));
    for name in ["inet", "all"] {
        match p.net_connections(kind(name)) {
            Ok(v) => assert!(v.is_empty(), "{v:?}"),
            Err(e) => panic!("{name} of a zombie: {e} (psutil gives [])"),
        }
    }
}

/// A TCP socket shared by this process and a child (inherited): system-wide it belongs to
/// the higher pid, with that process's fd (psutil reads pids in ascending order and the
/// last one wins); each process's own listing shows its own fd.
#[test]
fn socket_shared_with_a_child() {
    let _g = lock();
    let me = me();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sock");
    let u = UnixDatagram::bind(&path).unwrap();
    let (li, ui) = (inode_of(l.as_raw_fd()), inode_of(u.as_raw_fd()));
    // Copies without close-on-exec, for the child to inherit.
    let inheritable = |fd: i32| {
        // SAFETY: dup(2) of an open fd; the result is checked, then owned.
        let d = unsafe { libc::dup(fd) };
        assert!(d >= 0, "dup: {}", std::io::Error::last_os_error());
        // SAFETY: `d` was just opened and nothing else owns it.
        unsafe { OwnedFd::from_raw_fd(d) }
    };
    let (d1, d2) = (inheritable(l.as_raw_fd()), inheritable(u.as_raw_fd()));
    let (f1, f2) = (d1.as_raw_fd(), d2.as_raw_fd());
    let kid = Kid::spawn(Command::new("sleep").arg("30"));
    drop((d1, d2));
    common::wait_comm(kid.pid(), "sleep");
    let k = kid.pid();
    for (fd, ino) in [(f1, li), (f2, ui)] {
        let link = std::fs::read_link(format!("/proc/{k}/fd/{fd}")).unwrap();
        assert_eq!(link, Path::new(&format!("socket:[{ino}]")));
    }
    if k < me {
        eprintln!("skipped: the child's pid {k} is below ours {me} (pids wrapped)");
        return;
    }
    let lk = |fd: i32, pid: i32| Key {
        fd,
        family: 2,
        ty: 1,
        laddr: A::Inet("127.0.0.1".into(), port),
        raddr: A::None,
        status: "LISTEN".into(),
        pid: Some(pid),
    };
    let uk = |fd: i32, pid: i32| Key {
        fd,
        family: 1,
        ty: 2,
        laddr: A::Unix(path.as_os_str().as_bytes().to_vec()),
        raddr: A::Unix(Vec::new()),
        status: "NONE".into(),
        pid: Some(pid),
    };
    let pick = |v: &[Connection]| -> BTreeSet<Key> {
        v.iter()
            .filter(|c| c.inode == li || c.inode == ui)
            .map(key)
            .collect()
    };
    let want_sys = BTreeSet::from([lk(f1, k), uk(f2, k)]);
    for source in sources() {
        let sys = query("all", source).list().unwrap();
        assert_eq!(pick(&sys), want_sys, "{source:?}");
    }
    let own = Process::current()
        .unwrap()
        .net_connections(ConnectionKind::All)
        .unwrap();
    assert_eq!(
        pick(&own),
        BTreeSet::from([lk(l.as_raw_fd(), me), uk(u.as_raw_fd(), me)])
    );
    let theirs = Process::new(k)
        .unwrap()
        .net_connections(ConnectionKind::All)
        .unwrap();
    let theirs: BTreeSet<Key> = theirs.iter().map(key).collect();
    assert_eq!(theirs, want_sys);
    // psutil agrees.
    let py = common::psutil(&format!(
        "{PY_KEYS}\nout = dict(sys=[k(c, c.pid) for c in psutil.net_connections('all') \
         if c.pid in ({me}, {k})], kid=[k(c, {k}) for c in \
         psutil.Process({k}).net_connections('all')])"
    ));
    let py_sys: BTreeSet<Key> = py["sys"]
        .as_array()
        .unwrap()
        .iter()
        .map(key_from_json)
        .filter(|x| x.laddr == lk(0, 0).laddr || x.laddr == uk(0, 0).laddr)
        .collect();
    assert_eq!(py_sys, want_sys);
    let py_kid: BTreeSet<Key> = py["kid"]
        .as_array()
        .unwrap()
        .iter()
        .map(key_from_json)
        .collect();
    assert_eq!(py_kid, want_sys);
}

/// `local_address` of `/proc/net/tcp` for an IPv4 address (the kernel prints the
/// network-order word in the machine's order).
fn proc_hex(a: SocketAddr) -> String {
    match a.ip() {
        IpAddr::V4(ip) => format!("{:08X}:{:04X}", u32::from_ne_bytes(ip.octets()), a.port()),
        IpAddr::V6(_) => panic!("IPv4 only"),
    }
}

/// Waits (5 s at most) until `/proc/net/tcp` has a line from `l` to `r` in state `st`.
fn wait_tcp_line(l: SocketAddr, r: SocketAddr, st: &str) -> Vec<String> {
    let t0 = Instant::now();
    loop {
        let text = std::fs::read_to_string("/proc/net/tcp").unwrap();
        let found = text.lines().skip(1).find_map(|line| {
            let v: Vec<String> = line.split_whitespace().map(String::from).collect();
            (v.len() > 9 && v[1] == proc_hex(l) && v[2] == proc_hex(r) && v[3] == st).then_some(v)
        });
        if let Some(v) = found {
            return v;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "no {l} -> {r} in state {st}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// TCP sockets no fd refers to: TIME_WAIT (a connection closed by the client first) and
/// an orphaned FIN_WAIT2 (the client closed, the server not yet); inode 0, listed with no
/// pid and fd -1 by both sources and by psutil.
#[test]
fn tcp_sockets_without_a_file() {
    let _g = lock();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let la = l.local_addr().unwrap();
    let c = TcpStream::connect(la).unwrap();
    let (s, _) = l.accept().unwrap();
    let tw = c.local_addr().unwrap();
    drop(c);
    wait_tcp_line(la, tw, "08");
    drop(s);
    let v = wait_tcp_line(tw, la, "06");
    assert_eq!(v[9], "0", "a TIME_WAIT socket has no inode");
    let c2 = TcpStream::connect(la).unwrap();
    let (s2, _) = l.accept().unwrap();
    let fw = c2.local_addr().unwrap();
    drop(c2);
    let v = wait_tcp_line(fw, la, "05");
    assert_eq!(v[9], "0", "an orphaned FIN_WAIT2 socket has no inode");
    let me = me();
    let ik = |a: SocketAddr| A::Inet(a.ip().to_string(), a.port());
    let want = BTreeSet::from([
        Key {
            fd: -1,
            family: 2,
            ty: 1,
            laddr: ik(tw),
            raddr: ik(la),
            status: "TIME_WAIT".into(),
            pid: None,
        },
        Key {
            fd: -1,
            family: 2,
            ty: 1,
            laddr: ik(fw),
            raddr: ik(la),
            status: "FIN_WAIT2".into(),
            pid: None,
        },
        Key {
            fd: s2.as_raw_fd(),
            family: 2,
            ty: 1,
            laddr: ik(la),
            raddr: ik(fw),
            status: "CLOSE_WAIT".into(),
            pid: Some(me),
        },
        Key {
            fd: l.as_raw_fd(),
            family: 2,
            ty: 1,
            laddr: ik(la),
            raddr: A::None,
            status: "LISTEN".into(),
            pid: Some(me),
        },
    ]);
    let ours = |v: &[Connection]| -> BTreeSet<Key> {
        v.iter()
            .filter(|c| c.laddr.port() == Some(la.port()) || c.raddr.port() == Some(la.port()))
            .map(key)
            .collect()
    };
    for source in sources() {
        for name in ["tcp4", "tcp", "inet", "all"] {
            let list = query(name, source).list().unwrap();
            assert_eq!(ours(&list), want, "{source:?} {name}");
            for c in &list {
                if c.status == ConnectionStatus::TimeWait {
                    assert_eq!((c.inode, c.pid, c.fd), (0, None, -1), "{c:?}");
                }
            }
        }
    }
    let py = common::psutil(&format!(
        "{PY_KEYS}\nout = [k(c, c.pid) for c in psutil.net_connections('tcp4') \
         if {port} in (c.laddr[1:2] + c.raddr[1:2])]",
        port = la.port()
    ));
    let py: BTreeSet<Key> = py.as_array().unwrap().iter().map(key_from_json).collect();
    assert_eq!(py, want);
    // This process's own listing has only the sockets it holds.
    let own = Process::current()
        .unwrap()
        .net_connections(ConnectionKind::Tcp4)
        .unwrap();
    let own = ours(&own);
    let held: BTreeSet<Key> = want.iter().filter(|k| k.pid.is_some()).cloned().collect();
    assert_eq!(own, held);
    drop((l, s2));
}

/// Python that opens `n` bound UDP sockets and `n` unix socket pairs (as many as its fd
/// limit allows), prints `n`, and waits until its stdin closes.
const PY_MANY: &str = r#"
import resource, socket, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = int(sys.argv[1])
lim = 3 * want + 64
if hard != resource.RLIM_INFINITY:
    lim = min(lim, hard)
resource.setrlimit(resource.RLIMIT_NOFILE, (lim, hard))
n = min(want, (lim - 64) // 3)
keep = []
for i in range(n):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    keep.append(u)
    keep.extend(socket.socketpair())
print(n, flush=True)
sys.stdin.read()
"#;

/// Thousands of sockets: netlink dumps span many messages; both sources, psutil and the
/// process listing must still agree, entry for entry.
#[test]
fn many_sockets() {
    let _g = lock();
    let mut child = Command::new(common::python())
        .args(["-c", PY_MANY, "2000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let kid = Kid(child);
    let mut line = String::new();
    std::io::BufReader::new(out).read_line(&mut line).unwrap();
    let n: usize = line.trim().parse().expect("the child's count");
    if n < 2000 {
        eprintln!("note: the fd limit allowed {n} sockets of each kind, not 2000");
    }
    let k = kid.pid();
    let p = Process::new(k).unwrap();
    let all = p.net_connections(ConnectionKind::All).unwrap();
    let count = |f: AddressFamily| all.iter().filter(|c| c.family == f).count();
    assert_eq!(
        (count(AddressFamily::Inet), count(AddressFamily::Unix)),
        (n, 2 * n)
    );
    assert_eq!(all.len(), 3 * n);
    let ours: BTreeSet<Key> = all.iter().map(key).collect();
    assert_eq!(ours.len(), 3 * n, "every fd a distinct entry");
    let py = common::psutil(&format!(
        "{PY_KEYS}\nout = [k(c, {k}) for c in psutil.Process({k}).net_connections('all')]"
    ));
    let py: BTreeSet<Key> = py.as_array().unwrap().iter().map(key_from_json).collect();
    assert_eq!(ours, py, "{}", diff(&ours, &py));
    for source in sources() {
        let sys = query("all", source).list().unwrap();
        let theirs: BTreeSet<Key> = sys.iter().filter(|c| c.pid == Some(k)).map(key).collect();
        assert_eq!(theirs, ours, "{source:?}: {}", diff(&theirs, &ours));
    }
    drop(kid);
}

/// Python that listens on 127.0.0.1 (an ephemeral port), prints "pid fd port", and
/// waits until its stdin closes.
const PY_LISTENER: &str = "import os, socket, sys\n\
s = socket.socket()\n\
s.bind(('127.0.0.1', 0))\n\
s.listen()\n\
print(os.getpid(), s.fileno(), s.getsockname()[1], flush=True)\n\
sys.stdin.read()\n";

/// Spawns `cmd` (which ends up running [`PY_LISTENER`]); returns the child and the
/// printed (pid, fd, port), or `None` when the child ended without printing.
fn spawn_listener(cmd: &mut Command) -> Option<(Kid, i32, i32, u16)> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let kid = Kid(child);
    let mut line = String::new();
    std::io::BufReader::new(out).read_line(&mut line).unwrap();
    let v: Vec<&str> = line.split_whitespace().collect();
    if v.len() != 3 {
        return None;
    }
    Some((
        kid,
        v[0].parse().unwrap(),
        v[1].parse().unwrap(),
        v[2].parse().unwrap(),
    ))
}

/// Checks that the listener of (`pid`, `fd`, `port`), in another namespace, is found
/// there and only there.
fn check_foreign_listener(pid: i32, fd: i32, port: u16) {
    let want = Key {
        fd,
        family: 2,
        ty: 1,
        laddr: A::Inet("127.0.0.1".into(), port),
        raddr: A::None,
        status: "LISTEN".into(),
        pid: Some(pid),
    };
    let p = Process::new(pid).unwrap();
    let own: Vec<Key> = p
        .net_connections(ConnectionKind::Tcp)
        .unwrap()
        .iter()
        .map(key)
        .collect();
    assert_eq!(
        own,
        vec![want.clone()],
        "Process::net_connections in its namespace"
    );
    let all: Vec<Key> = p
        .net_connections(ConnectionKind::All)
        .unwrap()
        .iter()
        .map(key)
        .collect();
    assert_eq!(all, vec![want.clone()]);
    // Not in ours.
    let here = net_connections(ConnectionKind::All).unwrap();
    assert!(
        !here.iter().any(|c| c.pid == Some(pid)),
        "the other namespace's socket listed in ours: {here:?}"
    );
    for source in sources() {
        let there = ConnectionQuery::new(ConnectionKind::Tcp)
            .netns_of(pid)
            .source(source)
            .list()
            .unwrap_or_else(|e| panic!("netns_of({pid}) {source:?}: {e}"));
        let there: Vec<Key> = there.iter().map(key).collect();
        // A fresh namespace holds this one socket.
        assert_eq!(there, vec![want.clone()], "{source:?}");
        let inet = ConnectionQuery::new(ConnectionKind::Inet)
            .netns_of(pid)
            .source(source)
            .with_pids(false)
            .list()
            .unwrap();
        let inet: Vec<Key> = inet.iter().map(key).collect();
        assert_eq!(
            inet,
            vec![Key {
                fd: -1,
                pid: None,
                ..want.clone()
            }],
            "{source:?}"
        );
    }
    // psutil looks in the caller's namespace and finds nothing (a documented difference).
    let py = common::psutil(&format!(
        "out = psutil.Process({pid}).net_connections('tcp')"
    ));
    assert_eq!(py, serde_json::json!([]));
}

#[test]
fn child_in_another_network_namespace() {
    let _g = lock();
    let probe = Command::new("unshare")
        .args(["-n", "ip", "link", "set", "lo", "up"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            eprintln!(
                "skipped: unshare -n ip link set lo up refused: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("skipped: no unshare or ip ({e})");
            return;
        }
    }
    let Some((_kid, pid, fd, port)) = spawn_listener(Command::new("unshare").args([
        "-n",
        "sh",
        "-c",
        "ip link set lo up && exec \"$0\" -c \"$1\"",
        &common::python(),
        PY_LISTENER,
    ])) else {
        panic!("the child in a new network namespace did not start");
    };
    assert_ne!(
        std::fs::read_link(format!("/proc/{pid}/ns/net")).unwrap(),
        std::fs::read_link("/proc/self/ns/net").unwrap()
    );
    check_foreign_listener(pid, fd, port);
}

/// A link-local IPv6 listener (`fe80::1` on `lo`, in a private namespace so nothing else
/// sees the address): listed without a scope id, as psutil run in that namespace shows it.
#[test]
fn link_local_ipv6_in_a_private_namespace() {
    let _g = lock();
    let setup = "ip link set lo up && ip addr add fe80::1/64 dev lo nodad";
    match Command::new("unshare")
        .args(["-n", "sh", "-c", setup])
        .output()
    {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            let e = String::from_utf8_lossy(&o.stderr);
            eprintln!("skipped: a namespace with fe80::1 on lo: {}", e.trim());
            return;
        }
        Err(e) => {
            eprintln!("skipped: no unshare ({e})");
            return;
        }
    }
    let code = "import os, socket, sys\n\
s = socket.socket(socket.AF_INET6)\n\
s.bind(('fe80::1', 0, 0, socket.if_nametoindex('lo')))\n\
s.listen()\n\
print(os.getpid(), s.fileno(), s.getsockname()[1], flush=True)\n\
sys.stdin.read()\n";
    let Some((_kid, pid, fd, port)) = spawn_listener(Command::new("unshare").args([
        "-n",
        "sh",
        "-c",
        &format!("{setup} && exec \"$0\" -c \"$1\""),
        &common::python(),
        code,
    ])) else {
        panic!("the link-local listener did not start");
    };
    let want = Key {
        fd,
        family: 10,
        ty: 1,
        laddr: A::Inet("fe80::1".into(), port),
        raddr: A::None,
        status: "LISTEN".into(),
        pid: Some(pid),
    };
    for source in sources() {
        let there = ConnectionQuery::new(ConnectionKind::Tcp6)
            .netns_of(pid)
            .source(source)
            .list()
            .unwrap();
        let there: Vec<Key> = there.iter().map(key).collect();
        assert_eq!(there, std::slice::from_ref(&want), "{source:?}");
    }
    let own: Vec<Key> = Process::new(pid)
        .unwrap()
        .net_connections(ConnectionKind::Inet6)
        .unwrap()
        .iter()
        .map(key)
        .collect();
    assert_eq!(own, std::slice::from_ref(&want));
    // psutil, run inside that namespace.
    let script = format!(
        "import json, psutil\n{PY_KEYS}\n\
         print(json.dumps([k(c, c.pid) for c in psutil.net_connections('tcp6')]))"
    );
    let o = Command::new("nsenter")
        .args(["-t", &pid.to_string(), "-n"])
        .arg(common::python())
        .args(["-c", &script])
        .output();
    match o {
        Ok(o) if o.status.success() => {
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            let py: Vec<Key> = v.as_array().unwrap().iter().map(key_from_json).collect();
            assert_eq!(py, [want]);
        }
        Ok(o) => panic!("nsenter: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => eprintln!("skipped: psutil in the namespace (no nsenter: {e})"),
    }
}

// ---------------------------------------------------------------------------------------
// 7. A named namespace.

/// `ip netns add`'s namespace, deleted on drop.
struct NamedNetns(String);

impl Drop for NamedNetns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "delete", &self.0])
            .output();
    }
}

#[test]
fn named_network_namespace() {
    let _g = lock();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!("sgtest-{}-{nanos}", me());
    let o = Command::new("ip").args(["netns", "add", &name]).output();
    let ns = match o {
        Ok(o) if o.status.success() => NamedNetns(name.clone()),
        Ok(o) => {
            let _ = NamedNetns(name);
            eprintln!(
                "skipped: ip netns add refused: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("skipped: no ip ({e})");
            return;
        }
    };
    common::run("ip", &["-n", &ns.0, "link", "set", "lo", "up"]);
    let (kid, pid, fd, port) = spawn_listener(
        Command::new("ip")
            .args(["netns", "exec", &ns.0])
            .arg(common::python())
            .args(["-c", PY_LISTENER]),
    )
    .expect("the listener in the named namespace started");
    check_foreign_listener(pid, fd, port);
    drop(kid);
    drop(ns);
}

// ---------------------------------------------------------------------------------------
// 8. As nobody.

/// Run as nobody by [`as_nobody`]: prints one `RESULT <json>` line.
fn nobody_child(arg: &str) {
    let (root_pid, root_port) = arg.split_once(':').unwrap();
    let root_pid: i32 = root_pid.parse().unwrap();
    let root_port: u16 = root_port.parse().unwrap();
    let me = me();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let uid_of = |pid: i32| -> Option<u32> {
        let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = s.lines().find(|l| l.starts_with("Uid:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    };
    let my_uid = rustix::process::getuid().as_raw();
    let mut res = serde_json::Map::new();
    res.insert("me".into(), me.into());
    res.insert("uid".into(), my_uid.into());
    res.insert("own_fd".into(), l.as_raw_fd().into());
    let at = |list: &[Connection], p: u16| -> Value {
        list.iter()
            .filter(|c| c.laddr.port() == Some(p) && c.status == ConnectionStatus::Listen)
            .map(|c| serde_json::json!([c.pid, c.fd]))
            .collect()
    };
    match net_connections(ConnectionKind::Inet) {
        Ok(list) => {
            res.insert("root_entry".into(), at(&list, root_port));
            res.insert("own_entry".into(), at(&list, port));
            let foreign: Vec<i32> = list
                .iter()
                .filter_map(|c| c.pid)
                .filter(|&p| uid_of(p).is_some_and(|u| u != my_uid))
                .collect();
            res.insert("foreign".into(), foreign.into());
            let orphans_have_no_fd = list.iter().all(|c| c.pid.is_some() || c.fd == -1);
            res.insert("orphans_have_no_fd".into(), orphans_have_no_fd.into());
        }
        Err(e) => {
            res.insert("list_error".into(), e.to_string().into());
        }
    }
    match Process::current()
        .unwrap()
        .net_connections(ConnectionKind::Tcp)
    {
        Ok(v) => res.insert("proc_own".into(), at(&v, port)),
        Err(e) => res.insert("proc_own".into(), err_name(&e).into()),
    };
    let root = Process::new(root_pid).and_then(|p| p.net_connections(ConnectionKind::Inet));
    res.insert(
        "proc_root".into(),
        match root {
            Ok(v) => format!("Ok({v:?})"),
            Err(e) => err_name(&e),
        }
        .into(),
    );
    // Both sources, unprivileged.
    let mut agree = String::from("no");
    if !netlink_ok() {
        agree = "skipped: netlink refused as nobody".into();
    }
    for _ in 0..3 {
        if agree.starts_with("skipped") {
            break;
        }
        let a = query("all", ConnectionSource::Netlink).list();
        let p = query("all", ConnectionSource::ProcNet).list();
        let b = query("all", ConnectionSource::Netlink).list();
        match (a, p, b) {
            (Ok(a), Ok(p), Ok(b)) => {
                let (a, p, b) = (full_set(&a), full_set(&p), full_set(&b));
                match bracket(&a, &p, &b) {
                    Ok(()) => {
                        agree = "yes".into();
                        break;
                    }
                    Err(e) => agree = e,
                }
            }
            (a, p, _) => {
                agree = format!("netlink {:?} procnet {:?}", a.err(), p.err());
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    res.insert("sources_agree".into(), agree.into());
    println!("RESULT {}", Value::Object(res));
    drop(l);
}

#[test]
fn as_nobody() {
    if let Ok(arg) = std::env::var("SYSGAUGE_NETCONN_NOBODY") {
        nobody_child(&arg);
        return;
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root to run a helper as nobody");
        return;
    }
    let _g = lock();
    let root_l = TcpListener::bind("127.0.0.1:0").unwrap();
    let root_port = root_l.local_addr().unwrap().port();
    // The test binary, copied where nobody can run it.
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("helper");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut out = None;
    for _ in 0..200 {
        match Command::new("setpriv")
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
            .arg(&exe)
            .args(["--exact", "as_nobody", "--nocapture", "--test-threads=1"])
            .env("SYSGAUGE_NETCONN_NOBODY", format!("{}:{root_port}", me()))
            .stdin(Stdio::null())
            .output()
        {
            Ok(o) if String::from_utf8_lossy(&o.stderr).contains("Text file busy") => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Ok(o) => {
                out = Some(o);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("skipped: no setpriv ({e})");
                return;
            }
            Err(e) => panic!("setpriv: {e}"),
        }
    }
    let o = out.expect("helper ran");
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
        .unwrap_or_else(|| panic!("no result: {text} {}", String::from_utf8_lossy(&o.stderr)));
    let r: Value = serde_json::from_str(line).unwrap();
    let kid = r["me"].as_i64().unwrap();
    assert_ne!(r["uid"], 0, "{r}");
    assert!(r.get("list_error").is_none(), "{r}");
    // The root-owned listener: visible, owner unknown.
    assert_eq!(r["root_entry"], serde_json::json!([[null, -1]]), "{r}");
    // The child's own listener: its pid and fd.
    assert_eq!(
        r["own_entry"],
        serde_json::json!([[kid, r["own_fd"]]]),
        "{r}"
    );
    assert_eq!(
        r["proc_own"],
        serde_json::json!([[kid, r["own_fd"]]]),
        "{r}"
    );
    assert_eq!(r["foreign"], serde_json::json!([]), "{r}");
    assert_eq!(r["orphans_have_no_fd"], true, "{r}");
    assert_eq!(r["proc_root"], "AccessDenied", "{r}");
    match r["sources_agree"].as_str().unwrap() {
        "yes" => {}
        s if s.starts_with("skipped") => eprintln!("{s}"),
        s => panic!("as nobody, netlink vs /proc/net: {s}"),
    }
    drop(root_l);
}

// ---------------------------------------------------------------------------------------
// 9. as_dict and process_iter.

/// A JSON list as a sorted list of its elements' texts (keys of objects are sorted).
fn json_set(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = v.as_array().unwrap().iter().map(Value::to_string).collect();
    s.sort();
    s
}

#[test]
fn as_dict_and_process_iter() {
    let _g = lock();
    let fx = Fixture::new();
    let me = me();
    let proc = Process::current().unwrap();
    let direct: BTreeSet<Key> = proc
        .net_connections(ConnectionKind::Inet)
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let want: BTreeSet<Key> = fx
        .socks
        .iter()
        .filter(|s| covers("inet", s.table))
        .flat_map(|s| s.keys(Some(me)))
        .collect();
    assert!(want.is_subset(&direct), "{}", diff(&want, &direct));

    let d = proc
        .as_dict(&[Attr::NetConnections], AttrValue::None)
        .unwrap();
    let Some(AttrValue::NetConnections(v)) = d.get(Attr::NetConnections) else {
        panic!("{d:?}");
    };
    let got: BTreeSet<Key> = v.iter().map(key).collect();
    assert_eq!(got, direct);

    // Serialized as psutil's pconn: no pid.
    let j = serde_json::to_value(&d).unwrap();
    for e in j["net_connections"].as_array().unwrap() {
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["family", "fd", "laddr", "raddr", "status", "type"],
            "{e}"
        );
    }
    let py = common::psutil(&format!(
        "def j(a):\n    return a if isinstance(a, str) else list(a)\n\
         out = [dict(fd=c.fd, family=int(c.family), type=int(c.type), laddr=j(c.laddr), \
         raddr=j(c.raddr), status=c.status) \
         for c in psutil.Process({me}).as_dict(['net_connections'])['net_connections']]"
    ));
    assert_eq!(json_set(&j["net_connections"]), json_set(&py));
    // Spot-check one entry's exact shape.
    let l4 = fx.socks.iter().find(|s| s.what == "tcp4 listener").unwrap();
    let shape = serde_json::json!({
        "fd": l4.fds()[0], "family": 2, "type": 1,
        "laddr": ["127.0.0.1", l4.laddr.port().unwrap()], "raddr": [], "status": "LISTEN"
    });
    assert!(
        json_set(&j["net_connections"]).contains(&shape.to_string()),
        "{j}"
    );

    let it = sysgauge::process_iter(&[Attr::Pid, Attr::NetConnections], AttrValue::None).unwrap();
    let p = it
        .into_iter()
        .find(|p| p.pid() == me)
        .expect("this process in process_iter");
    let info = p.info().expect("prefetched");
    let Some(AttrValue::NetConnections(v)) = info.get(Attr::NetConnections) else {
        panic!("{info:?}");
    };
    let got: BTreeSet<Key> = v.iter().map(key).collect();
    assert_eq!(got, direct);
    let served: BTreeSet<Key> = p
        .net_connections(ConnectionKind::Inet)
        .unwrap()
        .iter()
        .map(key)
        .collect();
    assert_eq!(served, direct);
}

#[test]
fn threads_give_the_same_listing() {
    let _g = lock();
    let fx = Fixture::new();
    let me = me();
    for name in KINDS {
        for threads in [2, 3] {
            let q = ConnectionQuery::new(kind(name)).threads(threads);
            assert_eq!(q.threads, threads);
            let threaded = q.list().unwrap();
            check_table_order(name, &threaded);
            // Our own sockets: exactly what one thread finds.
            let ours = |v: &[Connection]| -> BTreeSet<(Key, u64)> {
                full_set(v)
                    .into_iter()
                    .filter(|(k, _)| k.pid == Some(me))
                    .collect()
            };
            let single = net_connections(kind(name)).unwrap();
            assert_eq!(ours(&threaded), ours(&single), "{name}, {threads} threads");
            assert_eq!(
                fx.got(&threaded).len(),
                fx.got(&single).len(),
                "{name}, {threads} threads"
            );
        }
    }
}
