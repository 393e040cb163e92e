//! A `NETLINK_SOCK_DIAG` socket (sock_diag(7)): sends one dump request per socket table
//! and reads the replies with [`parse::sock_diag`](crate::platform::linux::parse::sock_diag).
//!
//! The socket is `socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)` through
//! `netlink-sys`; it is not bound (the kernel gives it a port id on the first `sendto`) and
//! sends to the kernel (port 0). A [`SockDiag`] lives for one listing: the backend opens
//! it, dumps the tables it needs and drops it, so no descriptor is kept between calls.
//!
//! The kernel fills each reply datagram up to the size of the reader's last receive
//! buffer, capped at `SKB_WITH_OVERHEAD(32768)` bytes (`netlink_recvmsg` and
//! `netlink_dump` in net/netlink/af_netlink.c: datagrams of 32432 bytes with a 32 KiB
//! buffer on x86-64 Linux 6.18, whatever the buffer beyond that), and never less than
//! about one page (`NLMSG_GOODSIZE`). A [`RECV_BUF`]-byte buffer thus receives every
//! datagram whole, in the fewest `recv`s. A datagram that would still not fit is detected
//! (`MSG_TRUNC`) and fails the dump rather than losing sockets.

use std::io;
use std::os::fd::BorrowedFd;

use netlink_sys::{protocols::NETLINK_SOCK_DIAG, Socket, SocketAddr};
use rustix::thread::{move_into_link_name_space, LinkNameSpaceType};

use crate::connections::SocketTable;
use crate::platform::linux::parse::sock_diag::{self, Reply};
use crate::platform::linux::parse::socket::RawSocket;

/// The receive buffer, in bytes: the kernel's largest dump datagram fits (see the module
/// docs). Smaller buffers make the kernel send smaller datagrams (more `recv` calls);
/// larger ones do not make it send larger ones.
pub(crate) const RECV_BUF: usize = 32 * 1024;

const AF_INET: u8 = libc::AF_INET as u8;
const AF_INET6: u8 = libc::AF_INET6 as u8;
const IPPROTO_TCP: u8 = libc::IPPROTO_TCP as u8;
const IPPROTO_UDP: u8 = libc::IPPROTO_UDP as u8;
const SOCK_STREAM: u8 = libc::SOCK_STREAM as u8;
const SOCK_DGRAM: u8 = libc::SOCK_DGRAM as u8;

/// A netlink socket for socket dumps, open for the length of one listing.
pub(crate) struct SockDiag {
    socket: Socket,
    /// The receive buffer, allocated at the first dump and reused by the next ones.
    buf: Vec<u8>,
    /// The sequence number of the last request (each dump uses the next one).
    seq: u32,
    /// Set when a dump failed before its end: the kernel may still be sending it, and a
    /// socket runs one dump at a time, so later dumps on this socket fail too.
    broken: bool,
}

impl SockDiag {
    /// Opens a socket in the caller's network namespace.
    pub(crate) fn open() -> io::Result<SockDiag> {
        Ok(SockDiag {
            socket: Socket::new(NETLINK_SOCK_DIAG)?,
            buf: Vec::new(),
            seq: 0,
            broken: false,
        })
    }

    /// Opens a socket in the network namespace `ns` (an open `/proc/<pid>/ns/net`).
    ///
    /// A socket belongs to the namespace it was created in for its whole life, so a
    /// short-lived thread joins `ns` (`setns(ns, CLONE_NEWNET)`), creates the socket and
    /// ends before this returns; the calling thread never changes namespace. Errors: those
    /// of `setns` (`EPERM` without `CAP_SYS_ADMIN` over the namespace, `EINVAL` when `ns`
    /// is not a network namespace), of `socket`, or of the thread's creation.
    pub(crate) fn open_in_netns(ns: BorrowedFd<'_>) -> io::Result<SockDiag> {
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .name("sysgauge-netns".into())
                .spawn_scoped(scope, move || -> io::Result<SockDiag> {
                    move_into_link_name_space(ns, Some(LinkNameSpaceType::Network))?;
                    SockDiag::open()
                })?;
            worker
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the netns thread panicked")))
        })
    }

    /// Appends every socket of `table` to `out`.
    ///
    /// Errors: the kernel's errno (`ENOENT` when the protocol's diag module, such as
    /// `udp_diag`, is missing; the caller then reads `/proc/net`), a failed `send`/`recv`,
    /// or `InvalidData` for a reply that does not parse or does not fit [`RECV_BUF`]. On
    /// error nothing is appended.
    pub(crate) fn dump(&mut self, table: SocketTable, out: &mut Vec<RawSocket>) -> io::Result<()> {
        let seq = self.next_seq();
        let (request, sock_type) = match table {
            SocketTable::Tcp4 => (
                sock_diag::inet_request(AF_INET, IPPROTO_TCP, seq),
                SOCK_STREAM,
            ),
            SocketTable::Tcp6 => (
                sock_diag::inet_request(AF_INET6, IPPROTO_TCP, seq),
                SOCK_STREAM,
            ),
            SocketTable::Udp4 => (
                sock_diag::inet_request(AF_INET, IPPROTO_UDP, seq),
                SOCK_DGRAM,
            ),
            SocketTable::Udp6 => (
                sock_diag::inet_request(AF_INET6, IPPROTO_UDP, seq),
                SOCK_DGRAM,
            ),
            SocketTable::Unix => (sock_diag::unix_request(seq), 0),
        };
        self.exchange(&request, seq, sock_type, out)
    }

    fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Sends `request` (sequence number `seq`) and reads its replies into `out` until the
    /// dump's end; inet sockets get `sock_type`.
    fn exchange(
        &mut self,
        request: &[u8],
        seq: u32,
        sock_type: u8,
        out: &mut Vec<RawSocket>,
    ) -> io::Result<()> {
        if self.broken {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "NETLINK_SOCK_DIAG: an earlier dump on this socket failed midway",
            ));
        }
        let start = out.len();
        let result = self
            .send(request)
            .and_then(|()| self.receive(seq, sock_type, out));
        match &result {
            Ok(()) => {}
            // The kernel ended the dump (or never started it): the socket is usable.
            Err(Failure::Kernel(_)) => out.truncate(start),
            Err(Failure::Local(_)) => {
                out.truncate(start);
                self.broken = true;
            }
        }
        result.map_err(Failure::into_io)
    }

    fn send(&self, request: &[u8]) -> Result<(), Failure> {
        let kernel = SocketAddr::new(0, 0);
        let sent =
            retry_eintr(|| self.socket.send_to(request, &kernel, 0)).map_err(Failure::Local)?;
        if sent != request.len() {
            return Err(Failure::Local(io::Error::new(
                io::ErrorKind::WriteZero,
                format!("NETLINK_SOCK_DIAG: sent {sent} of {} bytes", request.len()),
            )));
        }
        Ok(())
    }

    fn receive(
        &mut self,
        seq: u32,
        sock_type: u8,
        out: &mut Vec<RawSocket>,
    ) -> Result<(), Failure> {
        if self.buf.len() < RECV_BUF {
            self.buf.resize(RECV_BUF, 0);
        }
        loop {
            let (len, from) = {
                let socket = &self.socket;
                let buf = &mut self.buf;
                retry_eintr(|| socket.recv_from(&mut &mut buf[..], libc::MSG_TRUNC))
                    .map_err(Failure::Local)?
            };
            // With MSG_TRUNC the length is the datagram's, even when the buffer was smaller.
            let Some(data) = self.buf.get(..len) else {
                return Err(Failure::Local(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "NETLINK_SOCK_DIAG: a {len}-byte reply exceeds the {RECV_BUF}-byte buffer"
                    ),
                )));
            };
            if len == 0 {
                return Err(Failure::Local(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "NETLINK_SOCK_DIAG: empty reply",
                )));
            }
            if from.port_number() != 0 {
                // Not from the kernel (another process's unicast): not ours to read.
                continue;
            }
            match sock_diag::parse_replies_for(data, Some(seq), sock_type, out) {
                Ok(Reply::More) => {}
                Ok(Reply::Done) => return Ok(()),
                Ok(Reply::Error(errno)) => {
                    return Err(Failure::Kernel(io::Error::from_raw_os_error(errno)))
                }
                Err(e) => {
                    return Err(Failure::Local(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("NETLINK_SOCK_DIAG reply: {e}"),
                    )))
                }
            }
        }
    }
}

/// Why a dump failed: the kernel said so (the dump is over), or something on this side
/// went wrong midway (the rest of the dump may still be queued on the socket).
enum Failure {
    Kernel(io::Error),
    Local(io::Error),
}

impl Failure {
    fn into_io(self) -> io::Error {
        match self {
            Failure::Kernel(e) | Failure::Local(e) => e,
        }
    }
}

/// Runs `f` again while it fails with `EINTR`.
fn retry_eintr<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::HashSet;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr as Inet, TcpListener, TcpStream, UdpSocket};
    use std::os::fd::{AsFd, AsRawFd};
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::net::{SocketAddr as UnixAddr, UnixDatagram, UnixListener, UnixStream};

    use crate::platform::linux::parse::socket::Endpoint;
    use crate::testing::{retry, Kid};

    const ALL: [SocketTable; 5] = [
        SocketTable::Tcp4,
        SocketTable::Tcp6,
        SocketTable::Udp4,
        SocketTable::Udp6,
        SocketTable::Unix,
    ];

    fn inode(fd: &impl AsRawFd) -> u64 {
        std::fs::metadata(format!("/proc/self/fd/{}", fd.as_raw_fd()))
            .unwrap()
            .ino()
    }

    /// True when this kernel dumps every table of `tables`; else prints why the test is
    /// skipped (a container without the diag modules, which the backend handles by
    /// reading `/proc/net`).
    fn supported(tables: &[SocketTable]) -> bool {
        let mut d = match SockDiag::open() {
            Ok(d) => d,
            Err(e) => {
                println!("skipped: no NETLINK_SOCK_DIAG socket ({e})");
                return false;
            }
        };
        for &t in tables {
            if let Err(e) = d.dump(t, &mut Vec::new()) {
                println!("skipped: this kernel does not dump {t:?} ({e})");
                return false;
            }
        }
        true
    }

    fn dump(d: &mut SockDiag, table: SocketTable) -> Vec<RawSocket> {
        let mut out = Vec::new();
        d.dump(table, &mut out)
            .unwrap_or_else(|e| panic!("dump {table:?}: {e}"));
        out
    }

    fn by_inode(sockets: &[RawSocket], ino: u64) -> &RawSocket {
        let found: Vec<_> = sockets.iter().filter(|s| s.inode == ino).collect();
        assert_eq!(
            found.len(),
            1,
            "inode {ino} once in {} sockets",
            sockets.len()
        );
        found[0]
    }

    fn inet(a: Inet) -> Endpoint {
        Endpoint::Inet(a)
    }

    fn any4() -> Endpoint {
        inet(Inet::from((Ipv4Addr::UNSPECIFIED, 0)))
    }

    fn any6() -> Endpoint {
        inet(Inet::from((Ipv6Addr::UNSPECIFIED, 0)))
    }

    #[test]
    fn finds_own_inet_sockets() {
        if !supported(&ALL[..4]) {
            return;
        }
        let l4 = TcpListener::bind("127.0.0.1:0").unwrap();
        let l6 = match TcpListener::bind("[::1]:0") {
            Ok(l) => Some(l),
            Err(e) => {
                println!("skipped: IPv6 checks, no [::1] ({e})");
                None
            }
        };
        let client = TcpStream::connect(l4.local_addr().unwrap()).unwrap();
        let (server, _) = l4.accept().unwrap();
        let u4 = UdpSocket::bind("127.0.0.1:0").unwrap();
        let uc = UdpSocket::bind("127.0.0.1:0").unwrap();
        uc.connect(u4.local_addr().unwrap()).unwrap();
        let u6 = l6.as_ref().map(|_| UdpSocket::bind("[::1]:0").unwrap());

        let mut d = SockDiag::open().unwrap();
        let tcp4 = dump(&mut d, SocketTable::Tcp4);
        let udp4 = dump(&mut d, SocketTable::Udp4);
        let tcp6 = dump(&mut d, SocketTable::Tcp6);
        let udp6 = dump(&mut d, SocketTable::Udp6);

        let check = |list: &[RawSocket], fd: &dyn AsRawFd, family, ty, state, local, remote| {
            let ino = std::fs::metadata(format!("/proc/self/fd/{}", fd.as_raw_fd()))
                .unwrap()
                .ino();
            let want = RawSocket {
                family,
                sock_type: ty,
                state,
                local,
                remote,
                inode: ino,
            };
            assert_eq!(by_inode(list, ino), &want);
        };
        let a = |s: Inet| inet(s);
        check(
            &tcp4,
            &l4,
            AF_INET,
            SOCK_STREAM,
            10,
            a(l4.local_addr().unwrap()),
            any4(),
        );
        check(
            &tcp4,
            &client,
            AF_INET,
            SOCK_STREAM,
            1,
            a(client.local_addr().unwrap()),
            a(client.peer_addr().unwrap()),
        );
        check(
            &tcp4,
            &server,
            AF_INET,
            SOCK_STREAM,
            1,
            a(server.local_addr().unwrap()),
            a(server.peer_addr().unwrap()),
        );
        check(
            &udp4,
            &u4,
            AF_INET,
            SOCK_DGRAM,
            7,
            a(u4.local_addr().unwrap()),
            any4(),
        );
        check(
            &udp4,
            &uc,
            AF_INET,
            SOCK_DGRAM,
            1,
            a(uc.local_addr().unwrap()),
            a(u4.local_addr().unwrap()),
        );
        // No table lists another's sockets.
        for (list, other) in [
            (&tcp4, &udp4),
            (&udp4, &tcp4),
            (&tcp6, &tcp4),
            (&udp6, &udp4),
        ] {
            for s in list.iter().filter(|s| s.inode != 0) {
                assert!(
                    !other.iter().any(|o| o.inode == s.inode),
                    "{s:?} in two tables"
                );
            }
        }
        assert!(tcp4.iter().chain(&udp4).all(|s| s.family == AF_INET));
        assert!(tcp6.iter().chain(&udp6).all(|s| s.family == AF_INET6));
        if let (Some(l6), Some(u6)) = (&l6, &u6) {
            check(
                &tcp6,
                l6,
                AF_INET6,
                SOCK_STREAM,
                10,
                a(l6.local_addr().unwrap()),
                any6(),
            );
            check(
                &udp6,
                u6,
                AF_INET6,
                SOCK_DGRAM,
                7,
                a(u6.local_addr().unwrap()),
                any6(),
            );
        }
    }

    #[test]
    fn finds_own_unix_sockets() {
        if !supported(&[SocketTable::Unix]) {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("listen.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let name = format!(
            "sysgauge-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        );
        let abs = UnixListener::bind_addr(&UnixAddr::from_abstract_name(name.as_bytes()).unwrap())
            .unwrap();
        let dgram = UnixDatagram::unbound().unwrap();
        let dpath = dir.path().join("dgram.sock");
        let bound_dgram = UnixDatagram::bind(&dpath).unwrap();
        let client = UnixStream::connect(&path).unwrap();
        let (server, _) = listener.accept().unwrap();

        let mut d = SockDiag::open().unwrap();
        let unix = dump(&mut d, SocketTable::Unix);
        let check = |fd: &dyn AsRawFd, ty: i32, state: u8, name: &[u8]| {
            let ino = std::fs::metadata(format!("/proc/self/fd/{}", fd.as_raw_fd()))
                .unwrap()
                .ino();
            let want = RawSocket {
                family: libc::AF_UNIX as u8,
                sock_type: ty as u8,
                state,
                local: Endpoint::Unix(name.to_vec()),
                remote: Endpoint::Unix(vec![]),
                inode: ino,
            };
            assert_eq!(by_inode(&unix, ino), &want);
        };
        use std::os::unix::ffi::OsStrExt;
        check(
            &listener,
            libc::SOCK_STREAM,
            10,
            path.as_os_str().as_bytes(),
        );
        check(&abs, libc::SOCK_STREAM, 10, format!("@{name}").as_bytes());
        check(&dgram, libc::SOCK_DGRAM, 7, b"");
        check(
            &bound_dgram,
            libc::SOCK_DGRAM,
            7,
            dpath.as_os_str().as_bytes(),
        );
        check(&client, libc::SOCK_STREAM, 1, b"");
        // The accepted end shows the listener's name, as in /proc/net/unix.
        check(&server, libc::SOCK_STREAM, 1, path.as_os_str().as_bytes());
        assert!(unix.iter().all(|s| s.family == libc::AF_UNIX as u8));
    }

    /// The (inode, local, remote, state) of each line of `/proc/net/<file>`, read with
    /// independent code (proc(5): hex addresses as the kernel's 32-bit words in host byte
    /// order, hex port and state, decimal inode in the 10th column).
    fn proc_inet(file: &str) -> HashSet<(u64, Endpoint, Endpoint, u8)> {
        let text = std::fs::read_to_string(format!("/proc/net/{file}")).unwrap_or_default();
        let addr = |s: &str| -> Endpoint {
            let (ip, port) = s.split_once(':').unwrap();
            let port = u16::from_str_radix(port, 16).unwrap();
            let bytes: Vec<u8> = (0..ip.len() / 8)
                .flat_map(|i| {
                    u32::from_str_radix(&ip[i * 8..i * 8 + 8], 16)
                        .unwrap()
                        .to_ne_bytes()
                })
                .collect();
            match <[u8; 16]>::try_from(bytes.as_slice()) {
                Ok(b16) => inet(Inet::from((Ipv6Addr::from(b16), port))),
                Err(_) => inet(Inet::from((
                    Ipv4Addr::from(<[u8; 4]>::try_from(bytes.as_slice()).unwrap()),
                    port,
                ))),
            }
        };
        text.lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (
                    f[9].parse().unwrap(),
                    addr(f[1]),
                    addr(f[2]),
                    u8::from_str_radix(f[3], 16).unwrap(),
                )
            })
            .collect()
    }

    fn keys(list: &[RawSocket]) -> HashSet<(u64, Endpoint, Endpoint, u8)> {
        list.iter()
            .map(|s| (s.inode, s.local.clone(), s.remote.clone(), s.state))
            .collect()
    }

    /// Compares a netlink listing with an independent one taken between two netlink
    /// listings `a` and `b`: what both netlink listings have must be in `p` (it existed
    /// throughout), and what `p` has must be in `a` or `b` (it existed at some point).
    fn bracket<K: std::hash::Hash + Eq + std::fmt::Debug>(
        what: &str,
        a: &HashSet<K>,
        p: &HashSet<K>,
        b: &HashSet<K>,
    ) -> Result<(), String> {
        let missing: Vec<_> = a
            .intersection(b)
            .filter(|k| !p.contains(k))
            .take(5)
            .collect();
        let extra: Vec<_> = p
            .iter()
            .filter(|k| !a.contains(k) && !b.contains(k))
            .take(5)
            .collect();
        if missing.is_empty() && extra.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{what}: in both netlink dumps but not in /proc: {missing:?}; in /proc only: {extra:?} \
                 (netlink {} and {}, /proc {})",
                a.len(),
                b.len(),
                p.len()
            ))
        }
    }

    #[test]
    fn inet_tables_match_proc_net() {
        if !supported(&ALL[..4]) {
            return;
        }
        // Own sockets, so that each table has something.
        let _l4 = TcpListener::bind("127.0.0.1:0").unwrap();
        let _u4 = UdpSocket::bind("127.0.0.1:0").unwrap();
        let _l6 = TcpListener::bind("[::1]:0").ok();
        let _u6 = UdpSocket::bind("[::1]:0").ok();
        for (table, file) in [
            (SocketTable::Tcp4, "tcp"),
            (SocketTable::Tcp6, "tcp6"),
            (SocketTable::Udp4, "udp"),
            (SocketTable::Udp6, "udp6"),
        ] {
            retry(file, || {
                let mut d = SockDiag::open().map_err(|e| e.to_string())?;
                let a = keys(&dump(&mut d, table));
                let p = proc_inet(file);
                let b = keys(&dump(&mut d, table));
                bracket(file, &a, &p, &b)
            });
        }
    }

    /// `/proc/net/unix` as (inode, type, name): the name after the 7th column, abstract
    /// ones with a leading `@` and every NUL shown as `@`.
    fn proc_unix() -> HashSet<(u64, u8, Vec<u8>)> {
        let text = std::fs::read("/proc/net/unix").unwrap();
        text.split(|&b| b == b'\n')
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let s = String::from_utf8_lossy(l);
                let f: Vec<&str> = s.split_whitespace().collect();
                // The name, raw, starts after the 7th field and one space.
                let mut rest = l;
                for _ in 0..7 {
                    let t = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
                    rest = &rest[t..];
                    let e = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
                    rest = &rest[e..];
                }
                let name = rest.strip_prefix(b" ").unwrap_or(rest).to_vec();
                (
                    f[6].parse().unwrap(),
                    u8::from_str_radix(f[4], 16).unwrap(),
                    name,
                )
            })
            .collect()
    }

    #[test]
    fn unix_table_matches_proc_net() {
        if !supported(&[SocketTable::Unix]) {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let _l = UnixListener::bind(dir.path().join("a b.sock")).unwrap();
        let _d = UnixDatagram::unbound().unwrap();
        retry("unix", || {
            let mut d = SockDiag::open().map_err(|e| e.to_string())?;
            let conv = |list: Vec<RawSocket>| -> HashSet<(u64, u8, Vec<u8>)> {
                list.into_iter()
                    .map(|s| {
                        let Endpoint::Unix(mut name) = s.local else {
                            panic!("unix socket with inet endpoint")
                        };
                        if name.first() == Some(&b'@') {
                            for b in name.iter_mut().skip(1).filter(|b| **b == 0) {
                                *b = b'@';
                            }
                        }
                        (s.inode, s.sock_type, name)
                    })
                    .collect()
            };
            let a = conv(dump(&mut d, SocketTable::Unix));
            let p = proc_unix();
            let b = conv(dump(&mut d, SocketTable::Unix));
            bracket("unix", &a, &p, &b)
        });
    }

    #[test]
    fn every_table_in_a_row_on_one_socket() {
        if !supported(&ALL) {
            return;
        }
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let ino = inode(&l);
        let mut d = SockDiag::open().unwrap();
        for _ in 0..3 {
            let mut all = Vec::new();
            for t in ALL {
                d.dump(t, &mut all).unwrap();
            }
            by_inode(&all, ino);
        }
    }

    #[test]
    fn kernel_errors_come_back_as_errno() {
        if !supported(&[SocketTable::Tcp4]) {
            return;
        }
        // No diag handler for IP protocol 200: ENOENT, with nothing appended; the socket
        // stays usable.
        let mut d = SockDiag::open().unwrap();
        let seq = d.next_seq();
        let mut out = vec![];
        let e = d
            .exchange(
                &sock_diag::inet_request(AF_INET, 200, seq),
                seq,
                0,
                &mut out,
            )
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT), "{e}");
        assert!(out.is_empty());
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        by_inode(&dump(&mut d, SocketTable::Tcp4), inode(&l));
    }

    /// A TCP socket bound to 127.0.0.1 (any port) that neither listens nor connects.
    fn bound_only_tcp() -> std::os::fd::OwnedFd {
        use std::os::fd::{FromRawFd, OwnedFd};
        // SAFETY: plain syscall with constant arguments.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
        assert!(fd >= 0, "socket: {}", io::Error::last_os_error());
        // SAFETY: a fresh descriptor nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: sockaddr_in is plain old data; all-zero is valid (port 0).
        let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
        sa.sin_family = libc::AF_INET as libc::sa_family_t;
        sa.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        // SAFETY: `sa` is a valid sockaddr_in of the length given, alive for the call.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sa as *const libc::sockaddr_in).cast(),
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        };
        assert_eq!(r, 0, "bind: {}", io::Error::last_os_error());
        fd
    }

    #[test]
    fn bound_only_tcp_sockets_are_left_out_as_in_proc_net() {
        if !supported(&[SocketTable::Tcp4]) {
            return;
        }
        let s = bound_only_tcp();
        let ino = inode(&s);
        let mut d = SockDiag::open().unwrap();
        assert!(!dump(&mut d, SocketTable::Tcp4)
            .iter()
            .any(|x| x.inode == ino));
        assert!(!proc_inet("tcp").iter().any(|x| x.0 == ino));
        // With bit 13 (TCP_BOUND_INACTIVE) set, a Linux 6.7+ kernel lists it (in state
        // TCP_CLOSE, 7): the state mask is what keeps it out.
        let seq = d.next_seq();
        let mut req = sock_diag::inet_request(AF_INET, IPPROTO_TCP, seq);
        req[20..24].copy_from_slice(&(sock_diag::INET_STATES | 1 << 13).to_ne_bytes());
        let mut out = Vec::new();
        d.exchange(&req, seq, SOCK_STREAM, &mut out).unwrap();
        match out.iter().find(|x| x.inode == ino) {
            Some(x) => assert_eq!(x.state, 7),
            None => println!("note: this kernel does not dump bound-only sockets (before 6.7)"),
        }
    }

    fn netns_link(path: &str) -> std::path::PathBuf {
        std::fs::read_link(path).unwrap()
    }

    #[test]
    fn own_namespace_through_its_fd() {
        if !supported(&[SocketTable::Tcp4]) {
            return;
        }
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let before = netns_link("/proc/thread-self/ns/net");
        let ns = std::fs::File::open("/proc/self/ns/net").unwrap();
        let mut d = match SockDiag::open_in_netns(ns.as_fd()) {
            Ok(d) => d,
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
                println!("skipped: setns refused ({e})");
                return;
            }
            Err(e) => panic!("open_in_netns: {e}"),
        };
        assert_eq!(netns_link("/proc/thread-self/ns/net"), before);
        let s = by_inode(&dump(&mut d, SocketTable::Tcp4), inode(&l)).clone();
        let mut plain = SockDiag::open().unwrap();
        assert_eq!(
            by_inode(&dump(&mut plain, SocketTable::Tcp4), inode(&l)),
            &s
        );
    }

    #[test]
    fn not_a_namespace_fd_is_an_error() {
        let f = std::fs::File::open("/proc/self/stat").unwrap();
        let e = SockDiag::open_in_netns(f.as_fd()).err().expect("an error");
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
    }

    #[test]
    fn another_namespace_has_none_of_ours() {
        if !supported(&ALL) {
            return;
        }
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let u = UnixDatagram::unbound().unwrap();
        let ours = [inode(&l), inode(&u)];
        let mine = netns_link("/proc/self/ns/net");
        let mut cmd = std::process::Command::new("unshare");
        cmd.args(["-n", "sleep", "30"]);
        let kid = match cmd
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        {
            Ok(c) => Kid(c),
            Err(e) => {
                println!("skipped: cannot run unshare ({e})");
                return;
            }
        };
        // Wait until the child is in its own namespace (or gave up).
        let link = format!("/proc/{}/ns/net", kid.pid());
        let mut theirs = None;
        for _ in 0..400 {
            match std::fs::read_link(&link) {
                Ok(l) if l != mine => {
                    theirs = Some(l);
                    break;
                }
                Ok(_) => {}
                Err(_) => break, // exited: unshare refused
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        if theirs.is_none() {
            println!("skipped: unshare -n did not give the child its own network namespace");
            return;
        }
        let ns = std::fs::File::open(&link).unwrap();
        let mut d = match SockDiag::open_in_netns(ns.as_fd()) {
            Ok(d) => d,
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
                println!("skipped: setns refused ({e})");
                return;
            }
            Err(e) => panic!("open_in_netns: {e}"),
        };
        assert_eq!(netns_link("/proc/self/ns/net"), mine);
        let mut counts = Vec::new();
        for t in ALL {
            let list = dump(&mut d, t);
            for s in &list {
                assert!(
                    !ours.contains(&s.inode),
                    "{s:?} of ours in the child's namespace"
                );
                if let Endpoint::Inet(a) = &s.local {
                    assert!(a.ip().is_loopback() || a.ip().is_unspecified(), "{s:?}");
                }
            }
            counts.push((t, list.len()));
        }
        // A fresh namespace: nothing in it (sleep opens no socket).
        assert!(counts.iter().all(|&(_, n)| n == 0), "{counts:?}");
        // And ours still lists ours.
        let mut own = SockDiag::open().unwrap();
        by_inode(&dump(&mut own, SocketTable::Tcp4), ours[0]);
        drop(kid);
    }

    #[test]
    fn receive_buffer_fits_the_kernels_largest_datagram() {
        if !supported(&[SocketTable::Tcp4]) {
            return;
        }
        // Many sockets, so that the dump needs several full datagrams.
        let listeners: Vec<_> = (0..400)
            .filter_map(|_| TcpListener::bind("127.0.0.1:0").ok())
            .collect();
        assert!(listeners.len() > 300);
        let mut d = SockDiag::open().unwrap();
        let list = dump(&mut d, SocketTable::Tcp4);
        for l in &listeners {
            by_inode(&list, inode(l));
        }
    }
}
