//! Socket connections, system-wide and per process (psutil's `net_connections()` and
//! `Process.net_connections()`), listed through `NETLINK_SOCK_DIAG`.
//!
//! | psutil | sysgauge | source |
//! |---|---|---|
//! | `net_connections(kind)` | [`net_connections`] | `NETLINK_SOCK_DIAG` dumps, then `<procfs>/*/fd` links for pid and fd |
//! | `Process.net_connections(kind)` | [`Process::net_connections`](crate::Process::net_connections) | `<procfs>/<pid>/fd` links, then the same dumps |
//! | (none) | [`ConnectionQuery`] | the same, with the pid mapping optional, another network namespace, or a chosen source |
//!
//! psutil parses `/proc/net/{tcp,tcp6,udp,udp6,unix}`; sysgauge asks the kernel for the
//! same tables in binary through netlink (what `ss` does), and falls back to those files
//! when netlink is refused (a seccomp filter, a kernel without `inet_diag`, `udp_diag` or
//! `unix_diag`). Both sources give the same [`Connection`]s, except for unix names the
//! text of `/proc/net/unix` cannot carry: a NUL inside an abstract name (printed there as
//! `@`, kept as a NUL by netlink) and a path with a newline followed by text that looks like
//! a socket line (netlink is exact; the file parser rebuilds other paths with newlines).
//!
//! ```no_run
//! use sysgauge::{net_connections, ConnectionKind, ConnectionStatus};
//! for c in net_connections(ConnectionKind::Tcp)? {
//!     if c.status == ConnectionStatus::Listen {
//!         println!("{} listens on {} (pid {:?})", c.fd, c.laddr, c.pid);
//!     }
//! }
//! # Ok::<(), sysgauge::Error>(())
//! ```

use std::ffi::OsString;
use std::fmt;
use std::net::SocketAddr;
use std::os::unix::ffi::OsStrExt;
use std::str::FromStr;

use serde::ser::{SerializeTuple, Serializer};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::net::AddressFamily;
use crate::platform::imp::connections as backend;
use crate::roots::Roots;

/// Which sockets to list: psutil's `kind` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConnectionKind {
    /// `"inet"` (psutil's default): TCP and UDP over IPv4 and IPv6.
    #[default]
    Inet,
    /// `"inet4"`: TCP and UDP over IPv4.
    Inet4,
    /// `"inet6"`: TCP and UDP over IPv6.
    Inet6,
    /// `"tcp"`: TCP over IPv4 and IPv6.
    Tcp,
    /// `"tcp4"`: TCP over IPv4.
    Tcp4,
    /// `"tcp6"`: TCP over IPv6.
    Tcp6,
    /// `"udp"`: UDP over IPv4 and IPv6.
    Udp,
    /// `"udp4"`: UDP over IPv4.
    Udp4,
    /// `"udp6"`: UDP over IPv6.
    Udp6,
    /// `"unix"`: unix sockets of every type.
    Unix,
    /// `"all"`: all of the above.
    All,
}

/// One table a [`ConnectionKind`] covers: psutil's `(file, family, type)` triples, in
/// psutil's order (tcp4, tcp6, udp4, udp6, unix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SocketTable {
    /// TCP over IPv4 (`/proc/net/tcp`).
    Tcp4,
    /// TCP over IPv6 (`/proc/net/tcp6`).
    Tcp6,
    /// UDP over IPv4 (`/proc/net/udp`).
    Udp4,
    /// UDP over IPv6 (`/proc/net/udp6`).
    Udp6,
    /// Unix sockets (`/proc/net/unix`).
    Unix,
}

impl SocketTable {
    /// The name of the table's file in `<procfs>/net/`.
    pub fn file_name(self) -> &'static str {
        match self {
            SocketTable::Tcp4 => "tcp",
            SocketTable::Tcp6 => "tcp6",
            SocketTable::Udp4 => "udp",
            SocketTable::Udp6 => "udp6",
            SocketTable::Unix => "unix",
        }
    }
}

impl ConnectionKind {
    /// Every kind, in the order psutil's documentation lists them.
    pub const ALL: [ConnectionKind; 11] = [
        ConnectionKind::Inet,
        ConnectionKind::Inet4,
        ConnectionKind::Inet6,
        ConnectionKind::Tcp,
        ConnectionKind::Tcp4,
        ConnectionKind::Tcp6,
        ConnectionKind::Udp,
        ConnectionKind::Udp4,
        ConnectionKind::Udp6,
        ConnectionKind::Unix,
        ConnectionKind::All,
    ];

    /// psutil's name of the kind (`"inet"`, `"tcp4"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ConnectionKind::Inet => "inet",
            ConnectionKind::Inet4 => "inet4",
            ConnectionKind::Inet6 => "inet6",
            ConnectionKind::Tcp => "tcp",
            ConnectionKind::Tcp4 => "tcp4",
            ConnectionKind::Tcp6 => "tcp6",
            ConnectionKind::Udp => "udp",
            ConnectionKind::Udp4 => "udp4",
            ConnectionKind::Udp6 => "udp6",
            ConnectionKind::Unix => "unix",
            ConnectionKind::All => "all",
        }
    }

    /// The tables this kind covers, in psutil's order.
    pub fn tables(self) -> &'static [SocketTable] {
        use SocketTable::*;
        match self {
            ConnectionKind::All => &[Tcp4, Tcp6, Udp4, Udp6, Unix],
            ConnectionKind::Tcp => &[Tcp4, Tcp6],
            ConnectionKind::Tcp4 => &[Tcp4],
            ConnectionKind::Tcp6 => &[Tcp6],
            ConnectionKind::Udp => &[Udp4, Udp6],
            ConnectionKind::Udp4 => &[Udp4],
            ConnectionKind::Udp6 => &[Udp6],
            ConnectionKind::Unix => &[Unix],
            ConnectionKind::Inet => &[Tcp4, Tcp6, Udp4, Udp6],
            ConnectionKind::Inet4 => &[Tcp4, Udp4],
            ConnectionKind::Inet6 => &[Tcp6, Udp6],
        }
    }
}

impl fmt::Display for ConnectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ConnectionKind {
    type Err = Error;

    /// Parses psutil's kind names; anything else is [`Error::InvalidArgument`] naming the
    /// valid ones (psutil raises `ValueError` the same way).
    fn from_str(s: &str) -> Result<Self> {
        ConnectionKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let valid: Vec<String> = ConnectionKind::ALL
                    .iter()
                    .map(|k| format!("{:?}", k.name()))
                    .collect();
                Error::InvalidArgument(format!(
                    "invalid kind argument {s:?}; valid ones are: {}",
                    valid.join(", ")
                ))
            })
    }
}

/// A socket's type (psutil's `socket.SocketKind`); serializes to its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SocketType {
    /// `SOCK_STREAM` (1): TCP, and stream unix sockets.
    Stream,
    /// `SOCK_DGRAM` (2): UDP, and datagram unix sockets.
    Dgram,
    /// `SOCK_SEQPACKET` (5): a unix socket.
    SeqPacket,
    /// Any other type number the kernel reported.
    Other(u8),
}

impl SocketType {
    /// The type with number `n` (`SOCK_STREAM` = 1 ...).
    pub fn from_raw(n: u8) -> SocketType {
        match n {
            1 => SocketType::Stream,
            2 => SocketType::Dgram,
            5 => SocketType::SeqPacket,
            n => SocketType::Other(n),
        }
    }

    /// The type's number.
    pub fn as_raw(self) -> u8 {
        match self {
            SocketType::Stream => 1,
            SocketType::Dgram => 2,
            SocketType::SeqPacket => 5,
            SocketType::Other(n) => n,
        }
    }
}

impl Serialize for SocketType {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_u8(self.as_raw())
    }
}

/// A connection's state: psutil's `CONN_*` strings (TCP states; [`ConnectionStatus::None`]
/// for UDP and unix sockets). Serializes to the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectionStatus {
    /// `ESTABLISHED` (kernel state 1).
    Established,
    /// `SYN_SENT` (2).
    SynSent,
    /// `SYN_RECV` (3; also a pending request, kernel state 12).
    SynRecv,
    /// `FIN_WAIT1` (4).
    FinWait1,
    /// `FIN_WAIT2` (5).
    FinWait2,
    /// `TIME_WAIT` (6).
    TimeWait,
    /// `CLOSE` (7).
    Close,
    /// `CLOSE_WAIT` (8).
    CloseWait,
    /// `LAST_ACK` (9).
    LastAck,
    /// `LISTEN` (10).
    Listen,
    /// `CLOSING` (11).
    Closing,
    /// `NONE`: UDP and unix sockets, and a TCP state number psutil does not know.
    None,
}

impl ConnectionStatus {
    /// The status of a TCP socket in kernel state `n` (`include/net/tcp_states.h`).
    pub fn from_tcp_state(n: u8) -> ConnectionStatus {
        match n {
            1 => ConnectionStatus::Established,
            2 => ConnectionStatus::SynSent,
            3 | 12 => ConnectionStatus::SynRecv,
            4 => ConnectionStatus::FinWait1,
            5 => ConnectionStatus::FinWait2,
            6 => ConnectionStatus::TimeWait,
            7 => ConnectionStatus::Close,
            8 => ConnectionStatus::CloseWait,
            9 => ConnectionStatus::LastAck,
            10 => ConnectionStatus::Listen,
            11 => ConnectionStatus::Closing,
            _ => ConnectionStatus::None,
        }
    }

    /// psutil's string (`"ESTABLISHED"`, ..., `"NONE"`), the [`crate::consts`] `CONN_*`.
    pub fn as_str(self) -> &'static str {
        use crate::consts::*;
        match self {
            ConnectionStatus::Established => CONN_ESTABLISHED,
            ConnectionStatus::SynSent => CONN_SYN_SENT,
            ConnectionStatus::SynRecv => CONN_SYN_RECV,
            ConnectionStatus::FinWait1 => CONN_FIN_WAIT1,
            ConnectionStatus::FinWait2 => CONN_FIN_WAIT2,
            ConnectionStatus::TimeWait => CONN_TIME_WAIT,
            ConnectionStatus::Close => CONN_CLOSE,
            ConnectionStatus::CloseWait => CONN_CLOSE_WAIT,
            ConnectionStatus::LastAck => CONN_LAST_ACK,
            ConnectionStatus::Listen => CONN_LISTEN,
            ConnectionStatus::Closing => CONN_CLOSING,
            ConnectionStatus::None => CONN_NONE,
        }
    }
}

impl fmt::Display for ConnectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ConnectionStatus {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One end of a connection (psutil's `laddr`/`raddr`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConnAddr {
    /// No address: psutil's empty tuple `()`, given for an inet end whose port is 0 (a
    /// listening or unconnected socket's remote end, an unbound socket's local end).
    None,
    /// An IP address and port (psutil's `addr(ip, port)`). IPv6 addresses have no scope
    /// id; an IPv4-mapped address stays IPv6 (`::ffff:127.0.0.1`), as in psutil.
    Inet(SocketAddr),
    /// A unix socket's name, raw bytes: a path, `@name` for an abstract socket (the leading
    /// NUL shown as `@`, as psutil and `ss` show it; NULs inside the name are kept as NULs
    /// where netlink is the source, where psutil shows `@`), or empty for an unnamed socket
    /// and for every remote end (psutil's `""`).
    Unix(OsString),
}

impl ConnAddr {
    /// The IP address as psutil's string (`"127.0.0.1"`, `"::1"`), for an inet end.
    pub fn ip(&self) -> Option<String> {
        match self {
            ConnAddr::Inet(a) => Some(a.ip().to_string()),
            _ => None,
        }
    }

    /// The port, for an inet end.
    pub fn port(&self) -> Option<u16> {
        match self {
            ConnAddr::Inet(a) => Some(a.port()),
            _ => None,
        }
    }

    /// True for [`ConnAddr::None`] and for an empty unix name.
    pub fn is_empty(&self) -> bool {
        match self {
            ConnAddr::None => true,
            ConnAddr::Inet(_) => false,
            ConnAddr::Unix(p) => p.is_empty(),
        }
    }
}

impl fmt::Display for ConnAddr {
    /// `ip:port` (`[ip]:port` for IPv6), the unix name (invalid UTF-8 replaced), or
    /// nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnAddr::None => Ok(()),
            ConnAddr::Inet(a) => write!(f, "{a}"),
            ConnAddr::Unix(p) => f.write_str(&String::from_utf8_lossy(p.as_bytes())),
        }
    }
}

impl Serialize for ConnAddr {
    /// psutil's JSON shape: `[]`, `["127.0.0.1", 80]`, or the unix name as a string
    /// (invalid UTF-8 replaced by U+FFFD).
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ConnAddr::None => s.serialize_tuple(0)?.end(),
            ConnAddr::Inet(a) => {
                let mut t = s.serialize_tuple(2)?;
                t.serialize_element(&a.ip().to_string())?;
                t.serialize_element(&a.port())?;
                t.end()
            }
            ConnAddr::Unix(p) => s.serialize_str(&String::from_utf8_lossy(p.as_bytes())),
        }
    }
}

/// A socket's family: [`AddressFamily::Inet`], [`AddressFamily::Inet6`] or
/// [`AddressFamily::Unix`].
pub type ConnFamily = AddressFamily;

/// One socket (psutil's `sconn`, and `pconn` plus the pid).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Connection {
    /// The file descriptor number in the owning process, or -1 when the owner is not known
    /// (the pid mapping was not asked for, or the caller may not read that process's
    /// `fd` directory).
    pub fd: i32,
    /// The address family.
    pub family: ConnFamily,
    /// The socket type (`type` in psutil).
    #[serde(rename = "type")]
    pub socket_type: SocketType,
    /// The local end.
    pub laddr: ConnAddr,
    /// The remote end ([`ConnAddr::None`] when not connected; empty for unix sockets).
    pub raddr: ConnAddr,
    /// The TCP state, or [`ConnectionStatus::None`].
    pub status: ConnectionStatus,
    /// The owning process, when known.
    pub pid: Option<i32>,
    /// The socket's inode number (0 for a socket no file refers to, such as `TIME_WAIT`);
    /// not in psutil, and left out of the serialized form to keep psutil's fields.
    #[serde(skip)]
    pub inode: u64,
}

/// Where [`ConnectionQuery`] reads sockets from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConnectionSource {
    /// Netlink, then `/proc/net/*` for any table netlink refuses; the files under the
    /// procfs root when that root is not the live `/proc` (a fixture tree, or
    /// `/host/proc` seen from a container).
    #[default]
    Auto,
    /// Only `NETLINK_SOCK_DIAG`; an error if it is refused.
    Netlink,
    /// Only `<procfs>/net/{tcp,tcp6,udp,udp6,unix}` (what psutil reads).
    ProcNet,
}

/// A socket listing with options psutil does not have: no pid mapping (much faster),
/// another process's network namespace, a chosen source.
///
/// ```no_run
/// use sysgauge::{ConnectionKind, ConnectionQuery};
/// // The TCP sockets of the namespace pid 1234 lives in, without pids.
/// let conns = ConnectionQuery::new(ConnectionKind::Tcp)
///     .with_pids(false)
///     .netns_of(1234)
///     .list()?;
/// # Ok::<(), sysgauge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionQuery {
    /// Which sockets.
    pub kind: ConnectionKind,
    /// Map sockets to pid and fd by reading every `<procfs>/<pid>/fd` (psutil always
    /// does); without it every `pid` is `None` and every `fd` is -1.
    pub pids: bool,
    /// List the network namespace of this process instead of the caller's.
    pub netns_pid: Option<i32>,
    /// Where to read the sockets.
    pub source: ConnectionSource,
    /// How many threads the listing may use (default 1: none besides the caller's). With
    /// more, and pids asked for, the socket dump runs on one scoped thread while the others
    /// scan `/proc/<pid>/fd`; every thread ends before [`ConnectionQuery::list`] returns.
    pub threads: usize,
}

impl ConnectionQuery {
    /// A query for `kind` with psutil's behaviour: pids mapped, the caller's namespace,
    /// [`ConnectionSource::Auto`].
    pub fn new(kind: ConnectionKind) -> Self {
        ConnectionQuery {
            kind,
            pids: true,
            netns_pid: None,
            source: ConnectionSource::Auto,
            threads: 1,
        }
    }

    /// Whether to map sockets to pid and fd.
    pub fn with_pids(mut self, pids: bool) -> Self {
        self.pids = pids;
        self
    }

    /// List the network namespace that process `pid` is in (with netlink this needs the
    /// right to `setns(2)` into it, i.e. `CAP_SYS_ADMIN`; otherwise, in
    /// [`ConnectionSource::Auto`], `<procfs>/<pid>/net/*` is read, which shows that
    /// namespace to whoever may read the process).
    pub fn netns_of(mut self, pid: i32) -> Self {
        self.netns_pid = Some(pid);
        self
    }

    /// Lets the listing use `n` threads, the caller's included (see
    /// [`ConnectionQuery::threads`](ConnectionQuery#structfield.threads)): with 10,000 TCP
    /// connections on two CPUs this halves the time of a listing with pids. No thread
    /// outlives the call.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n.max(1);
        self
    }

    /// Where to read sockets from.
    pub fn source(mut self, source: ConnectionSource) -> Self {
        self.source = source;
        self
    }

    /// Lists the sockets, in psutil's table order (tcp4, tcp6, udp4, udp6, unix), each
    /// table in the kernel's order, without duplicates.
    ///
    /// With pids: a socket open in several processes is given to the one with the highest
    /// pid and, for TCP and UDP, its lowest fd there; a unix socket gives one connection
    /// per fd of that process (psutil's rules).
    ///
    /// Errors: [`Error::InvalidArgument`]/[`Error::NoSuchProcess`] for a bad `netns_pid`,
    /// [`Error::AccessDenied`] when the namespace cannot be entered nor its files read, and
    /// I/O or parse errors of the source.
    pub fn list(&self) -> Result<Vec<Connection>> {
        backend::list(&Roots::current(), self)
    }

    /// [`ConnectionQuery::list`] with another procfs root.
    pub fn list_at(&self, roots: &Roots) -> Result<Vec<Connection>> {
        backend::list(roots, self)
    }
}

/// The sockets of `kind` in the caller's network namespace, each with its owning pid and
/// fd where the caller can see them (psutil's `net_connections(kind)`; as non-root, sockets
/// of other users' processes have `pid` `None` and `fd` -1).
///
/// See [`ConnectionQuery::list`] for the order and the ownership rules, and
/// [`ConnectionQuery`] for listing without pids (far cheaper) or in another namespace.
pub fn net_connections(kind: ConnectionKind) -> Result<Vec<Connection>> {
    ConnectionQuery::new(kind).list()
}
