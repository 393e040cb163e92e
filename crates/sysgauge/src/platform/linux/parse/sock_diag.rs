//! `NETLINK_SOCK_DIAG` requests and replies: the binary socket dumps that `ss` reads, an
//! alternative to the `/proc/net/{tcp,tcp6,udp,udp6,unix}` tables.
//!
//! # Wire format
//!
//! Everything is in host byte order except the inet ports (big-endian) and addresses
//! (network order, as in a `sockaddr`). See sock_diag(7), linux/netlink.h,
//! linux/inet_diag.h and linux/unix_diag.h.
//!
//! A request is one netlink message: the 16-byte `struct nlmsghdr` (`nlmsg_len` u32: the
//! whole message's length, header included; `nlmsg_type` u16: `SOCK_DIAG_BY_FAMILY` = 20;
//! `nlmsg_flags` u16: `NLM_F_REQUEST | NLM_F_DUMP`; `nlmsg_seq` u32: echoed back in every
//! reply; `nlmsg_pid` u32: 0) followed by
//!
//! - for inet sockets, `struct inet_diag_req_v2` (56 bytes): `sdiag_family` u8 (`AF_INET`
//!   or `AF_INET6`), `sdiag_protocol` u8 (`IPPROTO_TCP`/`IPPROTO_UDP`), `idiag_ext` u8 (a
//!   bit per optional attribute wanted: none here), a pad byte, `idiag_states` u32 (bit `n`
//!   set = list sockets in state `n`), then a `struct inet_diag_sockid` filter (all zero:
//!   any socket);
//! - for unix sockets, `struct unix_diag_req` (24 bytes): `sdiag_family` u8 (`AF_UNIX`),
//!   `sdiag_protocol` u8 (0), a u16 pad, `udiag_states` u32, `udiag_ino` u32 (0 in a dump),
//!   `udiag_show` u32 (a bit per optional attribute: `UDIAG_SHOW_NAME` only here) and an
//!   8-byte cookie (ignored in a dump).
//!
//! The kernel answers with datagrams, each holding one or more netlink messages placed one
//! after the other, each starting on a 4-byte boundary (`NLMSG_ALIGN`). A message is
//!
//! - `NLMSG_DONE` (3): the dump is over; its payload is an `int`, the dump's error (0 or
//!   a negative errno: some kernels report a failed dump, such as a protocol without a
//!   diag module, there rather than in an `NLMSG_ERROR`);
//! - `NLMSG_ERROR` (2): an `int` (0 for an acknowledgement, else a negative errno) then
//!   the header of the request that failed;
//! - `SOCK_DIAG_BY_FAMILY` (20): one socket. Its payload starts with the family byte, then
//!   - inet: `struct inet_diag_msg` (72 bytes): `idiag_family` u8, `idiag_state` u8
//!     (`TCP_ESTABLISHED` = 1 ... `TCP_CLOSING` = 11; a `SYN_RECV` request shows as 3, a
//!     `TIME_WAIT` socket as 6), `idiag_timer` u8, `idiag_retrans` u8, then
//!     `struct inet_diag_sockid` (48 bytes: `idiag_sport` and `idiag_dport` u16
//!     big-endian, `idiag_src[4]` and `idiag_dst[4]` u32 in network order: an IPv4 address
//!     uses the first 4 bytes, an IPv6 one all 16; `idiag_if` u32; `idiag_cookie[2]` u32),
//!     then `idiag_expires`, `idiag_rqueue`, `idiag_wqueue`, `idiag_uid`, `idiag_inode`
//!     (u32 each);
//!   - unix: `struct unix_diag_msg` (16 bytes): `udiag_family` u8, `udiag_type` u8
//!     (`SOCK_STREAM` 1, `SOCK_DGRAM` 2, `SOCK_SEQPACKET` 5), `udiag_state` u8 (a TCP
//!     state number: `TCP_LISTEN` 10, `TCP_ESTABLISHED` 1, `TCP_CLOSE` 7 ...), a pad
//!     byte, `udiag_ino` u32, `udiag_cookie[2]` u32;
//!
//!   and after that fixed part, attributes: each a `struct rtattr` (`rta_len` u16: header
//!   included, padding excluded; `rta_type` u16) then its value, padded to 4 bytes. The
//!   unix `UNIX_DIAG_NAME` (0) attribute holds the bound name, `sun_path` as given to
//!   `bind(2)`: a path with its trailing NUL, or for an abstract name a NUL then the name's
//!   bytes (no terminator); an unnamed socket has no such attribute. Inet replies carry
//!   attributes too (`INET_DIAG_SHUTDOWN`, the cgroup id, ...) that are not read here.
//!
//! # How it is read
//!
//! The requests are built with `netlink-packet-sock-diag` (`InetRequest`, `UnixRequest`).
//! Replies are walked here with explicit bounds checks; each message's header is read
//! through `netlink-packet-core`'s checked `NetlinkBuffer`, the fixed socket part through
//! the crate's `InetResponseHeader` / `UnixResponseHeader`, and the unix attributes through
//! its `NlasIterator`. The crate's whole-message `NetlinkMessage::<SockDiagMessage>::
//! deserialize` is not used: it would also decode every attribute into an allocated list
//! (a box and a vector or more per socket), and fail the whole listing on an attribute
//! nobody reads here that it decodes more strictly than the kernel writes (a path without
//! its NUL, say). None of the parse paths used can panic: each checks its length first.
//!
//! The inet reply does not say which protocol it lists, so [`parse_replies`] leaves
//! [`RawSocket::sock_type`] at 0 for inet sockets; [`parse_replies_for`] takes the type
//! (and the sequence number to keep) from the caller, which knows what it asked for.

use std::net::{IpAddr, SocketAddr, SocketAddrV4, SocketAddrV6};

use netlink_packet_core::{
    DoneBuffer, ErrorBuffer, NetlinkBuffer, NetlinkHeader, NetlinkMessage, NetlinkPayload,
    NlasIterator, Parseable, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_packet_sock_diag::inet::{
    ExtensionFlags, InetRequest, InetResponseBuffer, InetResponseHeader, SocketId, StateFlags,
};
use netlink_packet_sock_diag::unix::{
    ShowFlags, StateFlags as UnixStateFlags, UnixRequest, UnixResponseBuffer, UnixResponseHeader,
};
use netlink_packet_sock_diag::{SockDiagMessage, SOCK_DIAG_BY_FAMILY, UNIX_DIAG_NAME};

use super::socket::{Endpoint, RawSocket};
use crate::error::ParseError;

/// What a batch of netlink replies ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The dump goes on: receive again.
    More,
    /// `NLMSG_DONE`: the dump is complete.
    Done,
    /// `NLMSG_ERROR` with this (positive) errno.
    Error(i32),
}

const AF_UNIX: u8 = libc::AF_UNIX as u8;
const AF_INET: u8 = libc::AF_INET as u8;
const AF_INET6: u8 = libc::AF_INET6 as u8;

/// The size of `struct nlmsghdr`.
const NLMSG_HDRLEN: usize = 16;
/// The size of `struct inet_diag_msg`.
const INET_DIAG_MSG_LEN: usize = std::mem::size_of::<InetResponseBuffer>();
/// The size of `struct unix_diag_msg`.
const UNIX_DIAG_MSG_LEN: usize = std::mem::size_of::<UnixResponseBuffer>();

const _: () = assert!(INET_DIAG_MSG_LEN == 72);
const _: () = assert!(UNIX_DIAG_MSG_LEN == 16);

/// `idiag_states` of an inet dump: bits 1 (`TCP_ESTABLISHED`) to 11 (`TCP_CLOSING`), the
/// states `/proc/net/tcp` lists, plus bit 12 (`TCP_NEW_SYN_RECV`: pending connection
/// requests, which `/proc/net/tcp` lists as `SYN_RECV`). Not bit 13
/// (`TCP_BOUND_INACTIVE`, bound but neither listening nor connecting: Linux 6.7+ can dump
/// those, `/proc/net/tcp` does not show them). UDP sockets are in state 1 (connected) or 7
/// (`TCP_CLOSE`), both included.
pub const INET_STATES: u32 = 0x1ffe;

/// `udiag_states` of a unix dump: every state.
pub const UNIX_STATES: u32 = u32::MAX;

/// The request that dumps every inet socket of `family` (`AF_INET` or `AF_INET6`) and
/// `protocol` (`IPPROTO_TCP` or `IPPROTO_UDP`) in the states of [`INET_STATES`], without
/// optional attributes, with sequence number `seq`.
pub fn inet_request(family: u8, protocol: u8, seq: u32) -> Vec<u8> {
    let socket_id = if family == AF_INET6 {
        SocketId::new_v6()
    } else {
        SocketId::new_v4()
    };
    request(
        SockDiagMessage::InetRequest(InetRequest {
            family,
            protocol,
            extensions: ExtensionFlags::empty(),
            states: StateFlags::from_bits_retain(INET_STATES),
            socket_id,
        }),
        seq,
    )
}

/// The request that dumps every unix socket (all states) with its name
/// (`UDIAG_SHOW_NAME`, no other attribute), with sequence number `seq`.
pub fn unix_request(seq: u32) -> Vec<u8> {
    request(
        SockDiagMessage::UnixRequest(UnixRequest {
            state_flags: UnixStateFlags::from_bits_retain(UNIX_STATES),
            inode: 0,
            show_flags: ShowFlags::NAME,
            cookie: [0; 8],
        }),
        seq,
    )
}

/// Serializes `msg` as a `NLM_F_REQUEST | NLM_F_DUMP` message. `finalize` sets the length
/// that `serialize` slices with, and the buffer has exactly that length, so the crate's
/// emitters (which panic on a size mismatch) get what they expect.
fn request(msg: SockDiagMessage, seq: u32) -> Vec<u8> {
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    header.sequence_number = seq;
    let mut packet = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(msg));
    packet.finalize();
    let mut buf = vec![0; packet.buffer_len()];
    packet.serialize(&mut buf);
    buf
}

/// Parses one received batch of replies into `out`, whatever their sequence numbers;
/// inet sockets get [`RawSocket::sock_type`] 0 (the reply does not name the protocol: see
/// [`parse_replies_for`]).
pub fn parse_replies(buf: &[u8], out: &mut Vec<RawSocket>) -> Result<Reply, ParseError> {
    parse_replies_for(buf, None, 0, out)
}

/// Parses one received batch of replies (the bytes of one `recv`) into `out`.
///
/// Messages whose sequence number is not `seq` (when given) are skipped: replies to an
/// earlier request. Inet sockets get `inet_sock_type` as [`RawSocket::sock_type`]
/// (`SOCK_STREAM` for a TCP dump, `SOCK_DGRAM` for UDP); unix sockets their own
/// `udiag_type`.
///
/// Returns [`Reply::Done`] at the first `NLMSG_DONE` (what follows is not read),
/// [`Reply::Error`] at the first `NLMSG_ERROR` with an errno (or `NLMSG_DONE` carrying
/// one), else [`Reply::More`]; acknowledgements (`NLMSG_ERROR` with 0) and `NLMSG_NOOP`
/// are skipped. Sockets parsed before a `Done` or `Error` stay in `out`.
///
/// Errors: a message shorter than its 16-byte header or longer than the bytes left, bytes
/// left over that cannot hold a header, a socket message too short for its fixed part or
/// of another family, malformed unix attributes, a positive error code, an unknown
/// message type.
pub fn parse_replies_for(
    buf: &[u8],
    seq: Option<u32>,
    inet_sock_type: u8,
    out: &mut Vec<RawSocket>,
) -> Result<Reply, ParseError> {
    let mut offset = 0usize;
    while let Some(rest) = buf.get(offset..).filter(|r| !r.is_empty()) {
        if rest.len() < NLMSG_HDRLEN {
            return Err(ParseError::new(format!(
                "netlink: {} bytes left at offset {offset}, less than a message header",
                rest.len()
            )));
        }
        let msg = NetlinkBuffer::new_checked(rest)
            .map_err(|e| ParseError::new(format!("netlink message at offset {offset}: {e}")))?;
        // new_checked: NLMSG_HDRLEN <= len <= rest.len().
        let len = msg.length() as usize;
        let next = len
            .checked_add(3)
            .map(|n| n & !3)
            .and_then(|n| offset.checked_add(n))
            .ok_or_else(|| ParseError::new("netlink: message length overflows"))?;
        if seq.is_none_or(|s| s == msg.sequence_number()) {
            let payload = msg.payload();
            match msg.message_type() {
                NLMSG_NOOP => {}
                NLMSG_DONE => {
                    return Ok(match done_code(payload)? {
                        0 => Reply::Done,
                        code => Reply::Error(errno(code)?),
                    })
                }
                NLMSG_ERROR => {
                    let code = ErrorBuffer::new_checked(payload)
                        .map_err(|e| ParseError::new(format!("NLMSG_ERROR: {e}")))?
                        .code();
                    if let Some(code) = code {
                        return Ok(Reply::Error(errno(code.get())?));
                    }
                }
                SOCK_DIAG_BY_FAMILY => out.push(socket(payload, inet_sock_type)?),
                other => {
                    return Err(ParseError::new(format!(
                        "netlink: unexpected message type {other}"
                    )))
                }
            }
        }
        offset = next;
    }
    Ok(Reply::More)
}

/// The `int` of an `NLMSG_DONE` payload (an empty payload counts as 0, as the packet
/// crate reads it).
fn done_code(payload: &[u8]) -> Result<i32, ParseError> {
    if payload.is_empty() {
        return Ok(0);
    }
    DoneBuffer::new_checked(payload)
        .map(|b| b.code())
        .map_err(|e| ParseError::new(format!("NLMSG_DONE: {e}")))
}

/// The errno of a netlink error code: the kernel sends `-errno`.
fn errno(code: i32) -> Result<i32, ParseError> {
    match code.checked_neg() {
        Some(e) if e > 0 => Ok(e),
        _ => Err(ParseError::new(format!(
            "netlink: error code {code} is not a negative errno"
        ))),
    }
}

/// One `SOCK_DIAG_BY_FAMILY` payload.
fn socket(payload: &[u8], inet_sock_type: u8) -> Result<RawSocket, ParseError> {
    match payload.first() {
        Some(&family @ (AF_INET | AF_INET6)) => {
            let h = InetResponseHeader::parse(payload)
                .map_err(|e| ParseError::new(format!("inet_diag_msg: {e}")))?;
            let id = &h.socket_id;
            Ok(RawSocket {
                family,
                sock_type: inet_sock_type,
                state: h.state,
                local: inet_endpoint(id.source_address, id.source_port),
                remote: inet_endpoint(id.destination_address, id.destination_port),
                inode: u64::from(h.inode),
            })
        }
        Some(&AF_UNIX) => {
            let h = UnixResponseHeader::parse(payload)
                .map_err(|e| ParseError::new(format!("unix_diag_msg: {e}")))?;
            let mut name = Vec::new();
            for nla in NlasIterator::new(payload.get(UNIX_DIAG_MSG_LEN..).unwrap_or_default()) {
                let nla = nla.map_err(|e| ParseError::new(format!("unix_diag_msg: {e}")))?;
                if nla.kind() == UNIX_DIAG_NAME {
                    name = unix_name(nla.value());
                }
            }
            Ok(RawSocket {
                family: AF_UNIX,
                sock_type: h.kind,
                state: h.state,
                local: Endpoint::Unix(name),
                remote: Endpoint::Unix(Vec::new()),
                inode: u64::from(h.inode),
            })
        }
        Some(other) => Err(ParseError::new(format!(
            "sock_diag: unexpected family {other}"
        ))),
        None => Err(ParseError::new("sock_diag: empty socket message")),
    }
}

/// An inet address and port as [`Endpoint::Inet`] (IPv6: no flow info, no scope id).
fn inet_endpoint(ip: IpAddr, port: u16) -> Endpoint {
    Endpoint::Inet(match ip {
        IpAddr::V4(ip) => SocketAddr::V4(SocketAddrV4::new(ip, port)),
        IpAddr::V6(ip) => SocketAddr::V6(SocketAddrV6::new(ip, port, 0, 0)),
    })
}

/// A `UNIX_DIAG_NAME` value as [`Endpoint::Unix`] bytes: an abstract name (leading NUL)
/// as `@` then its bytes unchanged; a path up to its terminating NUL (all of it if there
/// is none).
fn unix_name(value: &[u8]) -> Vec<u8> {
    match value.split_first() {
        Some((0, name)) => {
            let mut v = Vec::with_capacity(name.len().saturating_add(1));
            v.push(b'@');
            v.extend_from_slice(name);
            v
        }
        _ => {
            let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
            value.get(..end).unwrap_or_default().to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::net::Ipv4Addr;
    use std::num::NonZeroI32;

    use netlink_packet_core::{DoneMessage, ErrorMessage, NLM_F_MULTIPART};
    use netlink_packet_sock_diag::inet::{InetResponse, Timer};
    use netlink_packet_sock_diag::unix::nlas::{Nla as UnixNla, UnixDiagName};
    use netlink_packet_sock_diag::unix::UnixResponse;

    /// A serialized netlink message with `payload` and sequence number `seq`.
    fn message(payload: NetlinkPayload<SockDiagMessage>, seq: u32) -> Vec<u8> {
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_MULTIPART;
        header.sequence_number = seq;
        header.port_number = 1234;
        let mut m = NetlinkMessage::new(header, payload);
        m.finalize();
        let mut buf = vec![0; m.buffer_len()];
        m.serialize(&mut buf);
        buf
    }

    fn inet(
        family: u8,
        state: u8,
        src: (IpAddr, u16),
        dst: (IpAddr, u16),
        inode: u32,
        seq: u32,
    ) -> Vec<u8> {
        let r = InetResponse {
            header: InetResponseHeader {
                family,
                state,
                timer: Some(Timer::KeepAlive(std::time::Duration::from_millis(500))),
                socket_id: SocketId {
                    source_port: src.1,
                    destination_port: dst.1,
                    source_address: src.0,
                    destination_address: dst.0,
                    interface_id: 3,
                    cookie: [7; 8],
                },
                recv_queue: 1,
                send_queue: 2,
                uid: 1000,
                inode,
            },
            nlas: Default::default(),
        };
        message(
            NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(Box::new(r))),
            seq,
        )
    }

    fn unix(kind: u8, state: u8, inode: u32, name: Option<UnixDiagName>, seq: u32) -> Vec<u8> {
        let mut r = UnixResponse {
            header: UnixResponseHeader {
                kind,
                state,
                inode,
                cookie: [1; 8],
            },
            nlas: Default::default(),
        };
        r.nlas.push(UnixNla::Peer(99));
        r.nlas.push(UnixNla::Shutdown(0));
        if let Some(n) = name {
            r.nlas.push(UnixNla::Name(n));
        }
        message(
            NetlinkPayload::InnerMessage(SockDiagMessage::UnixResponse(Box::new(r))),
            seq,
        )
    }

    fn done(code: i32, seq: u32) -> Vec<u8> {
        let mut d = DoneMessage::default();
        d.code = code;
        message(NetlinkPayload::Done(d), seq)
    }

    fn error(code: i32, seq: u32) -> Vec<u8> {
        let mut e = ErrorMessage::default();
        e.code = NonZeroI32::new(code);
        e.header = vec![0; 16];
        message(NetlinkPayload::Error(e), seq)
    }

    fn v4(a: [u8; 4]) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(a))
    }

    fn sa(ip: IpAddr, port: u16) -> Endpoint {
        Endpoint::Inet(SocketAddr::new(ip, port))
    }

    #[test]
    fn inet_request_bytes() {
        let r = inet_request(AF_INET6, libc::IPPROTO_TCP as u8, 0x0102_0304);
        assert_eq!(r.len(), 16 + 56);
        assert_eq!(&r[0..4], &72u32.to_ne_bytes());
        assert_eq!(&r[4..6], &20u16.to_ne_bytes());
        assert_eq!(&r[6..8], &(0x301u16).to_ne_bytes()); // REQUEST | ROOT | MATCH
        assert_eq!(&r[8..12], &0x0102_0304u32.to_ne_bytes());
        assert_eq!(&r[12..16], &[0; 4]);
        assert_eq!(&r[16..20], &[10, 6, 0, 0]); // family, protocol, no extension, pad
        assert_eq!(&r[20..24], &0x1ffeu32.to_ne_bytes());
        assert!(
            r[24..].iter().all(|&b| b == 0),
            "an all-zero socket id filter"
        );
        let u = inet_request(AF_INET, libc::IPPROTO_UDP as u8, 1);
        assert_eq!(&u[16..20], &[2, 17, 0, 0]);
    }

    #[test]
    fn inet_states_are_proc_net_tcps() {
        // 1..=12, not 0 nor 13 (TCP_BOUND_INACTIVE).
        for s in 0..32 {
            assert_eq!(
                INET_STATES & (1 << s) != 0,
                (1..=12).contains(&s),
                "state {s}"
            );
        }
    }

    #[test]
    fn unix_request_bytes() {
        let r = unix_request(9);
        assert_eq!(r.len(), 16 + 24);
        assert_eq!(&r[0..4], &40u32.to_ne_bytes());
        assert_eq!(&r[4..6], &20u16.to_ne_bytes());
        assert_eq!(&r[8..12], &9u32.to_ne_bytes());
        assert_eq!(&r[16..20], &[1, 0, 0, 0]);
        assert_eq!(&r[20..24], &u32::MAX.to_ne_bytes()); // all states
        assert_eq!(&r[24..28], &[0; 4]); // inode
        assert_eq!(&r[28..32], &1u32.to_ne_bytes()); // UDIAG_SHOW_NAME only
    }

    #[test]
    fn inet4_socket() {
        let buf = inet(
            AF_INET,
            10,
            (v4([127, 0, 0, 1]), 8080),
            (v4([0, 0, 0, 0]), 0),
            4242,
            5,
        );
        let mut out = Vec::new();
        assert_eq!(parse_replies(&buf, &mut out), Ok(Reply::More));
        assert_eq!(
            out,
            vec![RawSocket {
                family: AF_INET,
                sock_type: 0,
                state: 10,
                local: sa(v4([127, 0, 0, 1]), 8080),
                remote: sa(v4([0, 0, 0, 0]), 0),
                inode: 4242,
            }]
        );
        out.clear();
        assert_eq!(
            parse_replies_for(&buf, Some(5), libc::SOCK_STREAM as u8, &mut out),
            Ok(Reply::More)
        );
        assert_eq!(out[0].sock_type, 1);
    }

    #[test]
    fn inet4_ports_are_big_endian_on_the_wire() {
        let buf = inet(
            AF_INET,
            1,
            (v4([10, 0, 0, 1]), 0x1234),
            (v4([10, 0, 0, 2]), 0xabcd),
            1,
            1,
        );
        // nlmsghdr (16) + family, state, timer, retrans (4): sport then dport.
        assert_eq!(&buf[20..24], &[0x12, 0x34, 0xab, 0xcd]);
        assert_eq!(&buf[24..28], &[10, 0, 0, 1]);
        let mut out = Vec::new();
        parse_replies(&buf, &mut out).unwrap();
        assert_eq!(out[0].local, sa(v4([10, 0, 0, 1]), 0x1234));
        assert_eq!(out[0].remote, sa(v4([10, 0, 0, 2]), 0xabcd));
    }

    #[test]
    fn inet6_socket() {
        let local = IpAddr::V6("fe80::1".parse().unwrap());
        let remote = IpAddr::V6("::ffff:192.0.2.7".parse().unwrap());
        let buf = inet(AF_INET6, 1, (local, 443), (remote, 50000), u32::MAX, 1);
        let mut out = Vec::new();
        assert_eq!(
            parse_replies_for(&buf, Some(1), libc::SOCK_DGRAM as u8, &mut out),
            Ok(Reply::More)
        );
        assert_eq!(
            out,
            vec![RawSocket {
                family: AF_INET6,
                sock_type: 2,
                state: 1,
                local: Endpoint::Inet(SocketAddr::V6(SocketAddrV6::new(
                    "fe80::1".parse().unwrap(),
                    443,
                    0,
                    0
                ))),
                remote: sa(remote, 50000),
                inode: u64::from(u32::MAX),
            }]
        );
    }

    #[test]
    fn unix_sockets() {
        let path = unix(
            1,
            10,
            77,
            Some(UnixDiagName::Pathname("/run/x.sock".into())),
            2,
        );
        let abs = unix(
            2,
            7,
            78,
            Some(UnixDiagName::Abstract(b"ab\0c\xff".to_vec())),
            2,
        );
        let unnamed = unix(5, 1, 79, None, 2);
        let buf = [path, abs, unnamed].concat();
        let mut out = Vec::new();
        assert_eq!(parse_replies(&buf, &mut out), Ok(Reply::More));
        let want = |t, s, i, n: &[u8]| RawSocket {
            family: AF_UNIX,
            sock_type: t,
            state: s,
            local: Endpoint::Unix(n.to_vec()),
            remote: Endpoint::Unix(vec![]),
            inode: i,
        };
        assert_eq!(
            out,
            vec![
                want(1, 10, 77, b"/run/x.sock"),
                want(2, 7, 78, b"@ab\0c\xff"),
                want(5, 1, 79, b""),
            ]
        );
    }

    #[test]
    fn unix_name_edge_cases() {
        assert_eq!(unix_name(b""), b"");
        assert_eq!(unix_name(b"\0"), b"@");
        assert_eq!(unix_name(b"/p"), b"/p"); // no NUL: taken whole
        assert_eq!(unix_name(b"/p\0\0junk"), b"/p");
    }

    #[test]
    fn done_and_error() {
        let mut out = Vec::new();
        assert_eq!(parse_replies(&done(0, 1), &mut out), Ok(Reply::Done));
        assert_eq!(
            parse_replies(&done(-libc::ENOENT, 1), &mut out),
            Ok(Reply::Error(libc::ENOENT))
        );
        assert_eq!(
            parse_replies(&error(-libc::ENOENT, 1), &mut out),
            Ok(Reply::Error(libc::ENOENT))
        );
        // An acknowledgement is skipped.
        assert_eq!(parse_replies(&error(0, 1), &mut out), Ok(Reply::More));
        // Not negative errnos.
        assert!(parse_replies(&error(5, 1), &mut out).is_err());
        assert!(parse_replies(&error(i32::MIN, 1), &mut out).is_err());
        assert!(out.is_empty());
        // A DONE without its int, as the packet crate accepts it.
        let mut bare = done(0, 1);
        bare.truncate(16);
        bare[0..4].copy_from_slice(&16u32.to_ne_bytes());
        assert_eq!(parse_replies(&bare, &mut out), Ok(Reply::Done));
        // ... but not a partial one.
        let mut partial = done(0, 1);
        partial.truncate(18);
        partial[0..4].copy_from_slice(&18u32.to_ne_bytes());
        assert!(parse_replies(&partial, &mut out).is_err());
    }

    #[test]
    fn many_messages_in_one_buffer() {
        let a = inet(
            AF_INET,
            1,
            (v4([1, 2, 3, 4]), 1),
            (v4([5, 6, 7, 8]), 2),
            10,
            3,
        );
        let b = inet(
            AF_INET,
            6,
            (v4([1, 2, 3, 4]), 3),
            (v4([5, 6, 7, 8]), 4),
            0,
            3,
        );
        let noop = {
            let mut n = vec![0u8; 16];
            n[0..4].copy_from_slice(&16u32.to_ne_bytes());
            n[4..6].copy_from_slice(&NLMSG_NOOP.to_ne_bytes());
            n[8..12].copy_from_slice(&3u32.to_ne_bytes());
            n
        };
        let mut out = Vec::new();
        let buf = [a.clone(), noop, b.clone(), done(0, 3), a.clone()].concat();
        assert_eq!(parse_replies(&buf, &mut out), Ok(Reply::Done));
        assert_eq!(out.iter().map(|s| s.inode).collect::<Vec<_>>(), [10, 0]);
        assert_eq!(out[1].state, 6);
        // Sockets before an error are kept; the error ends the batch.
        out.clear();
        let buf = [a.clone(), error(-libc::EPERM, 3), b.clone()].concat();
        assert_eq!(parse_replies(&buf, &mut out), Ok(Reply::Error(libc::EPERM)));
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn other_sequence_numbers_are_skipped() {
        let old = inet(
            AF_INET,
            1,
            (v4([1, 1, 1, 1]), 1),
            (v4([2, 2, 2, 2]), 2),
            10,
            6,
        );
        let new = inet(
            AF_INET,
            1,
            (v4([1, 1, 1, 1]), 1),
            (v4([2, 2, 2, 2]), 2),
            11,
            7,
        );
        let buf = [old.clone(), done(0, 6), new, error(-1, 6), done(0, 7)].concat();
        let mut out = Vec::new();
        assert_eq!(
            parse_replies_for(&buf, Some(7), 1, &mut out),
            Ok(Reply::Done)
        );
        assert_eq!(out.iter().map(|s| s.inode).collect::<Vec<_>>(), [11]);
        out.clear();
        assert_eq!(
            parse_replies_for(&old, Some(7), 1, &mut out),
            Ok(Reply::More)
        );
        assert!(out.is_empty());
    }

    #[test]
    fn alignment_padding_between_messages() {
        // The name "x" is the last attribute: 4 + 2 bytes, then 2 of padding. Ending the
        // message at the name makes its length 2 short of a multiple of 4: the next
        // message starts after the padding.
        let mut odd = unix(1, 7, 5, Some(UnixDiagName::Abstract(b"x".to_vec())), 1);
        let len = odd.len() - 2;
        assert_eq!(len % 4, 2);
        odd[0..4].copy_from_slice(&(len as u32).to_ne_bytes());
        let mut out = Vec::new();
        assert_eq!(
            parse_replies(&[odd.clone(), done(0, 1)].concat(), &mut out),
            Ok(Reply::Done)
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].local, Endpoint::Unix(b"@x".to_vec()));
        // The last message of a batch may come without its padding.
        out.clear();
        assert_eq!(parse_replies(&odd[..len], &mut out), Ok(Reply::More));
        assert_eq!(out.len(), 1);
        // A message ending inside the name's attribute header is an error.
        odd[0..4].copy_from_slice(&((len - 4) as u32).to_ne_bytes());
        assert!(parse_replies(&odd, &mut out).is_err());
    }

    #[test]
    fn truncated_and_bad_lengths() {
        let good = inet(
            AF_INET,
            1,
            (v4([1, 1, 1, 1]), 1),
            (v4([2, 2, 2, 2]), 2),
            10,
            1,
        );
        let mut out = Vec::new();
        // Every strict prefix fails (or, for an empty one, reads nothing).
        for n in 1..good.len() {
            assert!(parse_replies(&good[..n], &mut out).is_err(), "prefix {n}");
        }
        assert_eq!(parse_replies(&[], &mut out), Ok(Reply::More));
        assert!(out.is_empty());
        let with_len = |len: u32| {
            let mut b = good.clone();
            b[0..4].copy_from_slice(&len.to_ne_bytes());
            b
        };
        // Length below the header, zero, beyond the buffer, huge.
        for len in [0, 4, 15, good.len() as u32 + 1, u32::MAX] {
            assert!(
                parse_replies(&with_len(len), &mut out).is_err(),
                "len {len}"
            );
        }
        // A length that covers the header but not the fixed inet part.
        assert!(parse_replies(&with_len(16 + 71), &mut out).is_err());
        assert!(parse_replies(&with_len(16), &mut out).is_err());
        // Trailing bytes after a good message that cannot hold a header.
        let mut tail = good.clone();
        tail.extend([0; 8]);
        assert!(parse_replies(&tail, &mut out).is_err());
        assert!(out.iter().all(|s| s.inode == 10));
    }

    #[test]
    fn bad_families_and_types() {
        let mut out = Vec::new();
        let mut b = inet(
            AF_INET,
            1,
            (v4([1, 1, 1, 1]), 1),
            (v4([2, 2, 2, 2]), 2),
            10,
            1,
        );
        b[16] = 44; // family
        assert!(parse_replies(&b, &mut out).is_err());
        b[16] = AF_INET;
        b[4..6].copy_from_slice(&99u16.to_ne_bytes()); // message type
        assert!(parse_replies(&b, &mut out).is_err());
        // A unix message whose attribute claims more bytes than there are.
        let mut u = unix(1, 7, 5, Some(UnixDiagName::Pathname("/a".into())), 1);
        u[16 + 16..16 + 18].copy_from_slice(&200u16.to_ne_bytes());
        assert!(parse_replies(&u, &mut out).is_err());
        // An empty socket message.
        let mut e = vec![0u8; 16];
        e[0..4].copy_from_slice(&16u32.to_ne_bytes());
        e[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        assert!(parse_replies(&e, &mut out).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap stand-in for the fuzz target: mutate valid buffers byte by byte.
        let base = [
            inet(
                AF_INET6,
                1,
                (v4([1, 1, 1, 1]), 1),
                (v4([2, 2, 2, 2]), 2),
                10,
                1,
            ),
            unix(1, 7, 5, Some(UnixDiagName::Abstract(b"n".to_vec())), 1),
            error(-2, 1),
            done(0, 1),
        ]
        .concat();
        let mut out = Vec::new();
        for i in 0..base.len() {
            for v in [0u8, 1, 3, 4, 15, 16, 0x7f, 0x80, 0xff] {
                let mut b = base.clone();
                b[i] = v;
                let _ = parse_replies(&b, &mut out);
                let _ = parse_replies(&b[i..], &mut out);
            }
        }
    }
}
