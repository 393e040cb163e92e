//! The socket record that both socket sources produce: the `NETLINK_SOCK_DIAG` replies
//! ([`sock_diag`](super::sock_diag)) and the `/proc/net/{tcp,tcp6,udp,udp6,unix}` tables
//! ([`proc_net`](super::proc_net)).
//!
//! It keeps what the kernel said, unconverted: the TCP state number, port 0 and the
//! all-zero address. The backend turns it into a [`Connection`](crate::Connection) with
//! psutil's rules, the same way whichever source it came from.

use std::net::SocketAddr;

/// One socket as a source lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawSocket {
    /// `AF_INET` (2), `AF_INET6` (10) or `AF_UNIX` (1).
    pub family: u8,
    /// `SOCK_STREAM` (1), `SOCK_DGRAM` (2), `SOCK_SEQPACKET` (5), ...: for inet sockets the
    /// type that goes with the protocol listed (TCP: stream, UDP: datagram).
    pub sock_type: u8,
    /// The kernel's state number (`TCP_ESTABLISHED` = 1 ... `TCP_CLOSING` = 11, as in
    /// `include/net/tcp_states.h`); for UDP and unix sockets whatever the source printed
    /// (sysgauge ignores it there, as psutil does).
    pub state: u8,
    /// The local end: IP and port (port 0 and `0.0.0.0` kept), or a unix path.
    pub local: Endpoint,
    /// The remote end, as [`RawSocket::local`]; unix sockets have [`Endpoint::Unix`] with
    /// an empty path (neither source names the peer's path).
    pub remote: Endpoint,
    /// The socket's inode number (0 for sockets no file refers to, e.g. `TIME_WAIT`).
    pub inode: u64,
}

/// One end of a [`RawSocket`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// An IPv4 or IPv6 address and port; IPv6 addresses carry no scope id and no flow info
    /// (`/proc/net/tcp6` has neither).
    Inet(SocketAddr),
    /// A unix socket's name as raw bytes: a path, `@` then the name for an abstract socket
    /// (the leading NUL shown as `@`, as `/proc/net/unix` and `ss` do), or empty for an
    /// unnamed socket.
    Unix(Vec<u8>),
}
