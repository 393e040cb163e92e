//! `/proc/net/{tcp,tcp6,udp,udp6,unix}`: the kernel's socket tables, read by psutil's
//! `net_connections()` and used by sysgauge when `NETLINK_SOCK_DIAG` is not available.
//!
//! # The inet tables: `tcp`, `tcp6`, `udp`, `udp6`
//!
//! proc(5) describes `/proc/net/tcp` as a dump of the TCP socket table, `/proc/net/udp` as
//! the same for UDP; the `6` files list the IPv6 sockets in the same layout with wider
//! addresses. One header line, then one line per socket (TCP lines are padded with blanks
//! to a fixed width; UDP lines carry extra trailing fields such as `drops`):
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//!    0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   113        0 24001 1 ffff8a1b2c3d4e00 20 4 30 10 -1
//!    1: 1401A8C0:0016 0501A8C0:C822 01 00000024:00000000 02:00000014 00000000     0        0 88231 4 00000000d1c3a8f2 20 4 30 10 -1
//! ```
//!
//! The blank-separated fields used here are the 2nd to 4th and the 10th:
//!
//! | # | field | meaning |
//! |---|-------|---------|
//! | 1 | `sl` | slot number followed by `:` (ignored) |
//! | 2 | `local_address` | local `IP:PORT` in hex |
//! | 3 | `rem_address` | remote `IP:PORT` in hex |
//! | 4 | `st` | socket state in hex (TCP: `01` ESTABLISHED ... `0A` LISTEN, `0B` CLOSING) |
//! | 5-9 | `tx_queue:rx_queue`, `tr:tm->when`, `retrnsmt`, `uid`, `timeout` | (ignored) |
//! | 10 | `inode` | the socket's inode, decimal (0 for `TIME_WAIT` and request sockets) |
//!
//! The IP is the address as stored in the kernel (network byte order) printed as 32-bit
//! words with `%08X`: IPv4 is one word, IPv6 is four. Printing a word reads its four bytes
//! in the machine's byte order, so on a little-endian machine each group of four bytes
//! comes out reversed: `127.0.0.1` is `0100007F` there and `7F000001` on a big-endian one.
//! The parser turns each word back into its bytes with [`u32::to_ne_bytes`], which is the
//! same thing as the kernel's printing run backwards on the machine it runs on (the byte
//! order is fixed at compile time, `cfg(target_endian)`). The port is printed as a number
//! (`%04X` of the host-order port), so it needs no swapping. IPv6 addresses have no scope
//! id in these files; `::ffff:a.b.c.d` (IPv4-mapped) stays an IPv6 address, as in psutil.
//!
//! Port 0 and all-zero addresses are kept: the backend applies psutil's rule (port 0 is
//! "no address").
//!
//! # `/proc/net/unix`
//!
//! proc(5): the list of UNIX domain sockets present within the system and their status.
//! One header line, then one line per socket:
//!
//! ```text
//! Num       RefCount Protocol Flags    Type St Inode Path
//! ffff8a1b2c3d4e00: 00000002 00000000 00010000 0001 01 17001 /run/systemd/private
//! ffff8a1b2c3d4e00: 00000003 00000000 00000000 0001 03 17002
//! 00000000d1c3a8f2: 00000002 00000000 00010000 0001 01 17005 @/tmp/.X11-unix/X0
//! ffff9e0f11223344: 00000002 00000000 00000000 0002 01    42 relative.sock
//! ```
//!
//! | # | field | meaning |
//! |---|-------|---------|
//! | 1 | `Num` | the kernel address of the socket (or zeros, or a hash), then `:` |
//! | 2 | `RefCount` | users of the socket, hex |
//! | 3 | `Protocol` | always 0, hex |
//! | 4 | `Flags` | `00010000` (`__SO_ACCEPTCON`) for a listening socket, hex |
//! | 5 | `Type` | `0001` stream, `0002` datagram, `0005` seqpacket, hex |
//! | 6 | `St` | `01` unconnected, `02` connecting, `03` connected, `04` disconnecting, hex |
//! | 7 | `Inode` | the socket's inode, decimal, right-aligned in 5 columns |
//! | 8 | `Path` | the bound name, absent for an unnamed socket |
//!
//! The kernel prints the name raw after a single blank: a path keeps its spaces (also
//! leading and trailing ones), invalid UTF-8 and even newlines. An abstract name is shown
//! with `@` for its leading NUL and for every NUL inside it; the bytes are kept as printed.
//! The path is therefore everything after the one blank that follows the inode, to the end
//! of the line (psutil takes the last blank-separated word instead, and loses names with
//! spaces).
//!
//! A name containing `\n` spills onto the next line(s). A line that is not shaped like a
//! record — a record starts with a hex pointer directly followed by `:` and has at least 7
//! blank-separated fields — is taken as the continuation of the previous record's path:
//! `\n` and the line are appended to it (psutil skips such lines). This cannot be told
//! apart from the kernel's own output when the continuation itself is shaped like a record
//! (a name such as `"a\nffff: 1 2 3 4 5 6"`); the netlink source, which sysgauge prefers,
//! has no such ambiguity. A continuation with no record before it is an error.
//!
//! # Errors
//!
//! The header line is skipped whatever it says; an empty or header-only file gives no
//! sockets. A line with too few fields or a field that is not what the format says gives a
//! [`ParseError`] naming the line number in the file (the header is line 1), and leaves
//! `out` as it was. The piece after the final newline is not a line.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use super::socket::{Endpoint, RawSocket};
use crate::error::ParseError;

const AF_UNIX: u8 = libc::AF_UNIX as u8;
const AF_INET: u8 = libc::AF_INET as u8;
const AF_INET6: u8 = libc::AF_INET6 as u8;

/// The fields of an inet line up to and including `inode`.
const INET_FIELDS: usize = 10;

/// The fields of a unix line before the optional path.
const UNIX_FIELDS: usize = 7;

/// Parses a `/proc/net/tcp`, `tcp6`, `udp` or `udp6` table into `out`, one [`RawSocket`]
/// per line after the header, in file order.
///
/// `family` is `AF_INET` (the addresses are 8 hex digits) or `AF_INET6` (32 hex digits);
/// `family` and `sock_type` (`SOCK_STREAM` for TCP, `SOCK_DGRAM` for UDP) are stored in
/// each socket as given. `state` is the `st` field, `inode` the 10th field; port 0 and
/// all-zero addresses are kept.
///
/// Errors (and `out` unchanged): `family` is neither `AF_INET` nor `AF_INET6`; a line has
/// fewer than 10 fields, an address that is not `HEX:HEX` of the right width, a port above
/// 65535, a state above `FF`, or an inode that is not a decimal `u64`. The error names the
/// line number in the file.
pub fn parse_inet(
    data: &[u8],
    family: u8,
    sock_type: u8,
    out: &mut Vec<RawSocket>,
) -> Result<(), ParseError> {
    if family != AF_INET && family != AF_INET6 {
        return Err(ParseError::new(format!(
            "address family {family} is neither AF_INET nor AF_INET6"
        )));
    }
    let start = out.len();
    let result = lines(data).try_for_each(|(line_no, line)| {
        let s = inet_line(line, family, sock_type)
            .map_err(|what| ParseError::new(format!("line {line_no}: {what}")))?;
        out.push(s);
        Ok(())
    });
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Parses `/proc/net/unix` into `out`, one [`RawSocket`] per record after the header, in
/// file order.
///
/// Each socket has family `AF_UNIX`, `sock_type` from `Type`, `state` from `St`, `inode`
/// from `Inode`, `local` = [`Endpoint::Unix`] with the path bytes as printed (empty for an
/// unnamed socket; `@...` for an abstract one; a path spread over several lines joined
/// with `\n`) and `remote` = [`Endpoint::Unix`] with no bytes.
///
/// Errors (and `out` unchanged): a continuation line with no record before it; a record
/// whose `RefCount`, `Protocol`, `Flags`, `Type` or `St` is not hex, whose `Type` or `St`
/// is above `FF`, or whose `Inode` is not a decimal `u64`. The error names the line number
/// in the file.
pub fn parse_unix(data: &[u8], out: &mut Vec<RawSocket>) -> Result<(), ParseError> {
    let start = out.len();
    let result = lines(data).try_for_each(|(line_no, line)| {
        if let Some(rec) = unix_record_shape(line) {
            let s = unix_record(&rec)
                .map_err(|what| ParseError::new(format!("line {line_no}: {what}")))?;
            out.push(s);
            return Ok(());
        }
        // A record already pushed by this call: the line continues its path.
        match out.get_mut(start..).and_then(|mine| mine.last_mut()) {
            Some(RawSocket {
                local: Endpoint::Unix(path),
                ..
            }) => {
                path.push(b'\n');
                path.extend_from_slice(line);
                Ok(())
            }
            _ => Err(ParseError::new(format!(
                "line {line_no}: not a socket record ({})",
                excerpt(line)
            ))),
        }
    });
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// The lines after the header, numbered as in the file (the header is line 1). The piece
/// after the final newline is not a line.
fn lines(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    // An empty file has no line at all (not even a header).
    let pieces = if data.is_empty() { None } else { Some(body) };
    pieces
        .into_iter()
        .flat_map(|b| b.split(|&c| c == b'\n'))
        .enumerate()
        .skip(1)
        .map(|(i, line)| (i.saturating_add(1), line))
}

/// The blank-separated fields of an inet line (blank = ASCII whitespace, as psutil's
/// `str.split()` on these ASCII lines).
fn inet_line(line: &[u8], family: u8, sock_type: u8) -> Result<RawSocket, String> {
    let mut fields = [&b""[..]; INET_FIELDS];
    let mut n = 0usize;
    for (slot, field) in fields.iter_mut().zip(
        line.split(u8::is_ascii_whitespace)
            .filter(|f| !f.is_empty()),
    ) {
        *slot = field;
        n += 1;
    }
    if n < INET_FIELDS {
        return Err(format!(
            "{n} fields instead of at least {INET_FIELDS} ({})",
            excerpt(line)
        ));
    }
    let [_sl, local, remote, st, _queues, _timer, _retr, _uid, _timeout, inode] = fields;
    Ok(RawSocket {
        family,
        sock_type,
        state: hex_u8(st).ok_or_else(|| bad("st", st))?,
        local: Endpoint::Inet(inet_addr(local, family).ok_or_else(|| bad("local address", local))?),
        remote: Endpoint::Inet(
            inet_addr(remote, family).ok_or_else(|| bad("remote address", remote))?,
        ),
        inode: decimal_u64(inode).ok_or_else(|| bad("inode", inode))?,
    })
}

/// `HEXIP:HEXPORT` → address; `None` when it is not that, or not as wide as `family` says.
fn inet_addr(field: &[u8], family: u8) -> Option<SocketAddr> {
    let colon = field.iter().position(|&b| b == b':')?;
    let (ip, port) = field.split_at(colon);
    let port = u16::try_from(hex(port.get(1..)?)?).ok()?;
    if family == AF_INET {
        let word = hex_word(ip)?;
        let ip = Ipv4Addr::from(word.to_ne_bytes());
        Some(SocketAddr::V4(SocketAddrV4::new(ip, port)))
    } else {
        if ip.len() != 32 {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (dst, word) in bytes.chunks_exact_mut(4).zip(ip.chunks_exact(8)) {
            dst.copy_from_slice(&hex_word(word)?.to_ne_bytes());
        }
        Some(SocketAddr::V6(SocketAddrV6::new(
            Ipv6Addr::from(bytes),
            port,
            0,
            0,
        )))
    }
}

/// Exactly 8 hex digits: one 32-bit word as `%08X` prints it.
fn hex_word(s: &[u8]) -> Option<u32> {
    if s.len() != 8 {
        return None;
    }
    u32::try_from(hex(s)?).ok()
}

/// A non-empty run of hex digits (either case) that fits in a `u64`.
fn hex(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |acc, &c| {
        let d = char::from(c).to_digit(16)?;
        acc.checked_mul(16)?.checked_add(u64::from(d))
    })
}

fn hex_u8(s: &[u8]) -> Option<u8> {
    u8::try_from(hex(s)?).ok()
}

/// A non-empty run of decimal digits that fits in a `u64`.
fn decimal_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |acc, &c| {
        let d = char::from(c).to_digit(10)?;
        acc.checked_mul(10)?.checked_add(u64::from(d))
    })
}

fn bad(what: &str, field: &[u8]) -> String {
    format!("bad {what} {}", excerpt(field))
}

/// `bytes` quoted for an error message, cut after 80 bytes.
fn excerpt(bytes: &[u8]) -> String {
    const MAX: usize = 80;
    match bytes.get(..MAX) {
        Some(head) if bytes.len() > MAX => format!("{:?}...", String::from_utf8_lossy(head)),
        _ => format!("{:?}", String::from_utf8_lossy(bytes)),
    }
}

/// The first 7 fields of a unix record line, and what follows them (empty, or the blank
/// before the path and the path).
struct UnixRecord<'a> {
    fields: [&'a [u8]; UNIX_FIELDS],
    rest: &'a [u8],
}

/// Splits `line` when it is shaped like a record: the first field is hex digits directly
/// followed by `:` and starts the line, and there are at least 7 fields separated by runs
/// of spaces (`%5lu` pads the inode). `None` for anything else: a path's continuation line.
fn unix_record_shape(line: &[u8]) -> Option<UnixRecord<'_>> {
    let mut fields = [&b""[..]; UNIX_FIELDS];
    let mut rest = line;
    for (i, slot) in fields.iter_mut().enumerate() {
        if i > 0 {
            let blanks = rest.iter().take_while(|&&b| b == b' ').count();
            if blanks == 0 {
                return None;
            }
            rest = rest.get(blanks..)?;
        }
        let len = rest.iter().take_while(|&&b| b != b' ').count();
        if len == 0 {
            return None;
        }
        let (field, after) = rest.split_at_checked(len)?;
        *slot = field;
        rest = after;
    }
    let ptr = fields.first()?.strip_suffix(b":")?;
    if ptr.is_empty() || !ptr.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    Some(UnixRecord { fields, rest })
}

/// The socket of a record line split by [`unix_record_shape`].
fn unix_record(rec: &UnixRecord<'_>) -> Result<RawSocket, String> {
    let [_num, refcount, protocol, flags, sock_type, st, inode] = rec.fields;
    for (name, f) in [
        ("RefCount", refcount),
        ("Protocol", protocol),
        ("Flags", flags),
    ] {
        hex(f).ok_or_else(|| bad(name, f))?;
    }
    // The path starts after the one blank that follows the inode.
    let path = rec.rest.get(1..).unwrap_or_default().to_vec();
    Ok(RawSocket {
        family: AF_UNIX,
        sock_type: hex_u8(sock_type).ok_or_else(|| bad("Type", sock_type))?,
        state: hex_u8(st).ok_or_else(|| bad("St", st))?,
        local: Endpoint::Unix(path),
        remote: Endpoint::Unix(Vec::new()),
        inode: decimal_u64(inode).ok_or_else(|| bad("Inode", inode))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const STREAM: u8 = libc::SOCK_STREAM as u8;
    const DGRAM: u8 = libc::SOCK_DGRAM as u8;
    const SEQPACKET: u8 = libc::SOCK_SEQPACKET as u8;

    const TCP_HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    const UNIX_HEADER: &str = "Num       RefCount Protocol Flags    Type St Inode Path\n";

    fn fixture(name: &str) -> PathBuf {
        crate::testing::fixture("proc_net")
            .join("proc/net")
            .join(name)
    }

    fn read_fixture(name: &str) -> Vec<u8> {
        std::fs::read(fixture(name)).unwrap()
    }

    fn inet(data: &[u8], family: u8, sock_type: u8) -> Result<Vec<RawSocket>, ParseError> {
        let mut v = Vec::new();
        parse_inet(data, family, sock_type, &mut v).map(|()| v)
    }

    fn unix(data: &[u8]) -> Result<Vec<RawSocket>, ParseError> {
        let mut v = Vec::new();
        parse_unix(data, &mut v).map(|()| v)
    }

    fn ep(s: &str) -> Endpoint {
        Endpoint::Inet(s.parse().unwrap())
    }

    fn path(s: &[u8]) -> Endpoint {
        Endpoint::Unix(s.to_vec())
    }

    /// The addresses, state and inode of each socket, checking family and type on the way.
    fn summary(v: &[RawSocket], family: u8, sock_type: u8) -> Vec<(u8, Endpoint, Endpoint, u64)> {
        v.iter()
            .map(|s| {
                assert_eq!((s.family, s.sock_type), (family, sock_type), "{s:?}");
                (s.state, s.local.clone(), s.remote.clone(), s.inode)
            })
            .collect()
    }

    /// One `/proc/net/tcp` line as the kernel prints it on this machine: each 32-bit word of
    /// the address in memory printed with `%08X` (so in this machine's byte order).
    fn kernel_line(sl: u32, local: SocketAddr, remote: SocketAddr, st: u8, inode: u64) -> String {
        fn words(a: &SocketAddr) -> String {
            let bytes: Vec<u8> = match a.ip() {
                std::net::IpAddr::V4(ip) => ip.octets().to_vec(),
                std::net::IpAddr::V6(ip) => ip.octets().to_vec(),
            };
            let hex: String = bytes
                .chunks_exact(4)
                .map(|w| format!("{:08X}", u32::from_ne_bytes([w[0], w[1], w[2], w[3]])))
                .collect();
            format!("{hex}:{:04X}", a.port())
        }
        format!(
            "{sl:4}: {} {} {st:02X} 00000000:00000000 00:00000000 00000000  1000        0 {inode} 1 0000000000000000 20 4 30 10 -1\n",
            words(&local),
            words(&remote)
        )
    }

    #[test]
    fn addresses_decode_in_this_machines_byte_order() {
        let cases = [
            ("127.0.0.1:22", "10.1.2.3:65535"),
            ("0.0.0.0:0", "255.255.255.255:1"),
            ("192.168.1.20:443", "1.0.0.0:80"),
            ("[::ffff:127.0.0.1]:8080", "[::]:0"),
            ("[2001:db8::8a2e:370:7334]:1", "[fe80::1]:2"),
            (
                "[::1]:631",
                "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535",
            ),
        ];
        for (i, (l, r)) in cases.into_iter().enumerate() {
            let (local, remote): (SocketAddr, SocketAddr) =
                (l.parse().unwrap(), r.parse().unwrap());
            let text = format!("{TCP_HEADER}{}", kernel_line(0, local, remote, 1, i as u64));
            let family = if local.is_ipv4() { AF_INET } else { AF_INET6 };
            let v = inet(text.as_bytes(), family, STREAM).unwrap();
            assert_eq!(
                summary(&v, family, STREAM),
                [(1, Endpoint::Inet(local), Endpoint::Inet(remote), i as u64)],
                "{text}"
            );
        }
        // What a little-endian machine prints, and what a big-endian one prints, for
        // 127.0.0.1:22 - only the one of this machine decodes to it.
        let le = format!("{TCP_HEADER}   0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 7\n");
        let be = format!("{TCP_HEADER}   0: 7F000001:0016 00000000:0000 0A 0:0 0:0 0 0 0 7\n");
        let (native, other) = if cfg!(target_endian = "little") {
            (le, be)
        } else {
            (be, le)
        };
        let loopback = ep("127.0.0.1:22");
        assert_eq!(
            inet(native.as_bytes(), AF_INET, STREAM).unwrap()[0].local,
            loopback
        );
        assert_eq!(
            inet(other.as_bytes(), AF_INET, STREAM).unwrap()[0].local,
            ep("1.0.0.127:22")
        );
    }

    /// The hand-written fixtures are what a little-endian machine prints.
    #[cfg(target_endian = "little")]
    #[test]
    fn tcp_fixture_every_state() {
        let v = inet(&read_fixture("tcp"), AF_INET, STREAM).unwrap();
        let want = [
            (0x0A, "0.0.0.0:22", "0.0.0.0:0", 21334),
            (0x0A, "127.0.0.1:5432", "0.0.0.0:0", 24001),
            (0x01, "192.168.1.20:22", "192.168.1.5:51234", 88231),
            (0x02, "10.0.0.5:43210", "93.184.216.34:443", 90001),
            (0x03, "192.168.1.20:80", "203.0.113.9:40000", 0),
            (0x04, "10.0.0.5:43212", "93.184.216.34:443", 90002),
            (0x05, "10.0.0.5:43214", "93.184.216.34:443", 0),
            (0x06, "10.0.0.5:43216", "93.184.216.34:443", 0),
            (0x07, "0.0.0.0:8080", "0.0.0.0:0", 90005),
            (0x08, "127.0.0.1:5432", "127.0.0.1:50000", 90006),
            (0x09, "10.0.0.5:43218", "198.51.100.7:25", 90007),
            (0x0B, "10.0.0.5:43220", "198.51.100.7:25", 90008),
            (0x01, "255.255.255.255:65535", "1.2.3.4:1", u64::MAX),
        ]
        .map(|(st, l, r, ino)| (st, ep(l), ep(r), ino));
        assert_eq!(summary(&v, AF_INET, STREAM), want);
        // Every TCP state the kernel has (1 ESTABLISHED ... 11 CLOSING) is in the file.
        let mut states: Vec<u8> = v.iter().map(|s| s.state).collect();
        states.sort_unstable();
        states.dedup();
        assert_eq!(states, (1..=11).collect::<Vec<u8>>());
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn tcp6_fixture() {
        let v = inet(&read_fixture("tcp6"), AF_INET6, STREAM).unwrap();
        let want = [
            (0x0A, "[::]:22", "[::]:0", 21336),
            (0x0A, "[::1]:631", "[::]:0", 21400),
            (
                0x01,
                "[::ffff:127.0.0.1]:8080",
                "[::ffff:127.0.0.1]:40521",
                91000,
            ),
            (
                0x01,
                "[fe80::1c2b:3aff:fe4d:5e6f]:22",
                "[fe80::aa:bbff:fecc:dd01]:60000",
                91001,
            ),
            (
                0x08,
                "[2001:db8::1]:443",
                "[2001:db8:85a3::8a2e:370:7334]:50123",
                91002,
            ),
            (
                0x06,
                "[2001:db8::1]:443",
                "[2001:db8:85a3::8a2e:370:7334]:50124",
                0,
            ),
            (
                0x0B,
                "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:1",
                "[1::]:65535",
                91003,
            ),
        ]
        .map(|(st, l, r, ino)| (st, ep(l), ep(r), ino));
        assert_eq!(summary(&v, AF_INET6, STREAM), want);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn udp_fixtures_with_trailing_fields() {
        let v = inet(&read_fixture("udp"), AF_INET, DGRAM).unwrap();
        let want = [
            (0x07, "0.0.0.0:68", "0.0.0.0:0", 20110),
            (0x07, "127.0.0.53:53", "0.0.0.0:0", 20300),
            (0x01, "10.0.0.5:5353", "10.0.0.1:53", 92000),
            (0x07, "0.0.0.0:0", "0.0.0.0:0", 92001),
        ]
        .map(|(st, l, r, ino)| (st, ep(l), ep(r), ino));
        assert_eq!(summary(&v, AF_INET, DGRAM), want);
        let v = inet(&read_fixture("udp6"), AF_INET6, DGRAM).unwrap();
        let want = [
            (0x07, "[fe80::1c2b:3aff:fe4d:5e6f]:546", "[::]:0", 20500),
            (0x07, "[::]:5353", "[::]:0", 20501),
            (
                0x01,
                "[::ffff:10.0.0.5]:40000",
                "[::ffff:10.0.0.1]:53",
                92100,
            ),
        ]
        .map(|(st, l, r, ino)| (st, ep(l), ep(r), ino));
        assert_eq!(summary(&v, AF_INET6, DGRAM), want);
    }

    /// psutil 7.2.2's own `/proc/net` parser on the same fixture files: the same
    /// addresses (psutil drops port-0 ends) and, for TCP, the same states.
    #[test]
    fn inet_fixtures_match_psutil() {
        let status = |st: u8| match st {
            1 => "ESTABLISHED",
            2 => "SYN_SENT",
            3 => "SYN_RECV",
            4 => "FIN_WAIT1",
            5 => "FIN_WAIT2",
            6 => "TIME_WAIT",
            7 => "CLOSE",
            8 => "CLOSE_WAIT",
            9 => "LAST_ACK",
            10 => "LISTEN",
            11 => "CLOSING",
            _ => "?",
        };
        let addr = |e: &Endpoint| match e {
            Endpoint::Inet(a) if a.port() != 0 => {
                serde_json::json!({"ip": a.ip().to_string(), "port": a.port()})
            }
            _ => serde_json::json!([]),
        };
        for (file, family, sock_type) in [
            ("tcp", AF_INET, STREAM),
            ("tcp6", AF_INET6, STREAM),
            ("udp", AF_INET, DGRAM),
            ("udp6", AF_INET6, DGRAM),
        ] {
            let path = fixture(file);
            let theirs = crate::testing::psutil(&format!(
                "from psutil._pslinux import NetConnections\n\
                 out = [[c[3], c[4], c[5]] for c in NetConnections.process_inet({:?}, {family}, {sock_type}, {{}})]",
                path.to_str().unwrap()
            ));
            let ours: Vec<serde_json::Value> =
                inet(&std::fs::read(&path).unwrap(), family, sock_type)
                    .unwrap()
                    .iter()
                    .map(|s| {
                        let st = if sock_type == STREAM {
                            status(s.state)
                        } else {
                            "NONE"
                        };
                        serde_json::json!([addr(&s.local), addr(&s.remote), st])
                    })
                    .collect();
            assert_eq!(serde_json::Value::Array(ours), theirs, "{file}");
        }
    }

    /// The `procfs` crate's parser on the same fixture files.
    #[test]
    fn inet_fixtures_match_procfs() {
        for (file, family, sock_type) in [
            ("tcp", AF_INET, STREAM),
            ("tcp6", AF_INET6, STREAM),
            ("udp", AF_INET, DGRAM),
            ("udp6", AF_INET6, DGRAM),
        ] {
            let data = read_fixture(file);
            let ours = inet(&data, family, sock_type).unwrap();
            assert_eq!(procfs_view(&data, sock_type), plain(&ours), "{file}");
        }
    }

    /// (state, local, remote, inode) of each socket as the `procfs` crate parses `data`.
    fn procfs_view(data: &[u8], sock_type: u8) -> Vec<(u8, SocketAddr, SocketAddr, u64)> {
        use procfs::FromBufReadSI;
        let si = procfs::current_system_info();
        if sock_type == STREAM {
            procfs::net::TcpNetEntries::from_buf_read(data, si)
                .unwrap()
                .0
                .iter()
                .map(|e| (e.state.to_u8(), e.local_address, e.remote_address, e.inode))
                .collect()
        } else {
            procfs::net::UdpNetEntries::from_buf_read(data, si)
                .unwrap()
                .0
                .iter()
                .map(|e| (e.state.to_u8(), e.local_address, e.remote_address, e.inode))
                .collect()
        }
    }

    fn plain(v: &[RawSocket]) -> Vec<(u8, SocketAddr, SocketAddr, u64)> {
        v.iter()
            .map(|s| match (&s.local, &s.remote) {
                (Endpoint::Inet(l), Endpoint::Inet(r)) => (s.state, *l, *r, s.inode),
                _ => panic!("not inet: {s:?}"),
            })
            .collect()
    }

    #[test]
    fn unix_fixture() {
        let v = unix(&read_fixture("unix")).unwrap();
        let want: Vec<(u8, u8, &[u8], u64)> = vec![
            (STREAM, 1, b"/run/systemd/private", 17001),
            (STREAM, 3, b"", 17002),
            (DGRAM, 1, b"/run/systemd/notify", 17003),
            (SEQPACKET, 1, b"/run/udev/control", 17004),
            (STREAM, 1, b"@/tmp/.X11-unix/X0", 17005),
            (DGRAM, 1, b"@00012", 17006),
            (STREAM, 1, b"@sg@inner@", 17007),
            (SEQPACKET, 3, b"", 17008),
            (DGRAM, 1, b"", 17009),
            (STREAM, 1, b"/tmp/my socket dir/a  b.sock", 17010),
            (STREAM, 1, b"/tmp/trailing space ", 17011),
            (STREAM, 1, b" leading-space-relative", 17012),
            (STREAM, 1, b"/tmp/line one\nline two.sock", 17013),
            (STREAM, 1, b"/tmp/ends-with-newline\n", 17014),
            (STREAM, 1, b"/tmp/\xff\xfe-latin1-\xe9.sock", 17015),
            (STREAM, 1, b"relative.sock", 42),
            (DGRAM, 2, b"/run/max-inode", u64::MAX),
        ];
        let got: Vec<(u8, u8, &[u8], u64)> = v
            .iter()
            .map(|s| {
                assert_eq!(s.family, AF_UNIX);
                assert_eq!(s.remote, path(b""));
                let Endpoint::Unix(p) = &s.local else {
                    panic!("{s:?}")
                };
                (s.sock_type, s.state, p.as_slice(), s.inode)
            })
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn empty_and_header_only_files_list_nothing() {
        for data in [
            &b""[..],
            b"\n",
            TCP_HEADER.as_bytes(),
            TCP_HEADER.trim_end().as_bytes(),
        ] {
            for family in [AF_INET, AF_INET6] {
                assert_eq!(inet(data, family, STREAM).unwrap(), vec![]);
            }
        }
        for data in [
            &b""[..],
            b"\n",
            UNIX_HEADER.as_bytes(),
            UNIX_HEADER.trim_end().as_bytes(),
        ] {
            assert_eq!(unix(data).unwrap(), vec![]);
        }
    }

    #[test]
    fn last_line_without_newline_and_tabs() {
        let text = format!("{TCP_HEADER}   0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 7");
        let s = &inet(text.as_bytes(), AF_INET, STREAM).unwrap()[0];
        assert_eq!((s.state, s.inode), (0x0A, 7));
        // Blanks are any ASCII whitespace; hex in either case.
        let text = format!("{TCP_HEADER}\t0:\t0100007f:01bb\t00000000:0000 0a 0:0 0:0 0 0 0 8\r\n");
        let s = &inet(text.as_bytes(), AF_INET, STREAM).unwrap()[0];
        cfg_if_little(|| assert_eq!(s.local, ep("127.0.0.1:443")));
        assert_eq!((s.state, s.inode), (0x0A, 8));
        let text =
            format!("{UNIX_HEADER}0000000000000000: 00000002 00000000 00010000 0001 01 5 /a b");
        assert_eq!(unix(text.as_bytes()).unwrap()[0].local, path(b"/a b"));
    }

    fn cfg_if_little(f: impl FnOnce()) {
        if cfg!(target_endian = "little") {
            f()
        }
    }

    #[test]
    fn malformed_inet_lines_are_errors_naming_the_line() {
        let good = "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 20 4 30 10 -1\n";
        let v4 = [
            // Truncated lines.
            "   1: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0",
            "   1: 0100007F:00",
            "   1:",
            // A blank line, garbage.
            "",
            "hello world",
            "garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage",
            // Bad addresses: no colon, two colons, wrong width, not hex, empty or big port.
            "   1: 0100007F0016 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "   1: 0100007F:0016:1 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "   1: 100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "   1: 000100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "   1: 0100007G:0016 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "   1: +100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "   1: 0100007F: 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "   1: 0100007F:10000 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "   1: 0100007F:0016 00000000:-1 0A 0:0 0:0 0 0 0 1",
            "   1: 0100007F:0016 0000000000000000FFFF00000100007F:0000 0A 0:0 0:0 0 0 0 1",
            // Bad state or inode.
            "   1: 0100007F:0016 00000000:0000 100 0:0 0:0 0 0 0 1",
            "   1: 0100007F:0016 00000000:0000 XY 0:0 0:0 0 0 0 1",
            "   1: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 -1",
            "   1: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 1a",
            "   1: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 18446744073709551616",
        ];
        for bad in v4 {
            let text = format!("{TCP_HEADER}{good}{bad}\n{good}");
            let mut out = vec![RawSocket {
                family: 0,
                sock_type: 0,
                state: 0,
                local: path(b"kept"),
                remote: path(b""),
                inode: 9,
            }];
            let before = out.clone();
            let e = parse_inet(text.as_bytes(), AF_INET, STREAM, &mut out).unwrap_err();
            assert!(e.what.starts_with("line 3: "), "{bad:?}: {e}");
            assert_eq!(out, before, "{bad:?}: out is left as it was");
        }
        // An IPv4 table read as IPv6 and the other way round.
        let text = format!("{TCP_HEADER}{good}");
        assert!(inet(text.as_bytes(), AF_INET6, STREAM)
            .unwrap_err()
            .what
            .starts_with("line 2: "));
        let six = std::fs::read(fixture("tcp6")).unwrap();
        assert!(inet(&six, AF_INET, STREAM).is_err());
        // A family that is neither.
        assert!(inet(b"", AF_UNIX, STREAM).is_err());
        // Invalid UTF-8 is an error like any bad byte, not a panic.
        let text =
            format!("{TCP_HEADER}   0: \u{ff}100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 1\n");
        assert!(inet(text.as_bytes(), AF_INET, STREAM).is_err());
    }

    #[test]
    fn unix_continuation_lines_and_errors() {
        let rec = "0000000000000000: 00000002 00000000 00010000 0001 01 7001 /tmp/a\n";
        // Lines that are not records continue the path: no spaces, spaces, fewer than 7
        // fields, a pointer without its colon, empty.
        let text = format!(
            "{UNIX_HEADER}{rec}b\n c d\n0000000000000000: 00000002\n00000000 00000002 00000000 00010000 0001 01 1\n\n{rec}"
        );
        let v = unix(text.as_bytes()).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0].local,
            path(b"/tmp/a\nb\n c d\n0000000000000000: 00000002\n00000000 00000002 00000000 00010000 0001 01 1\n")
        );
        assert_eq!(v[1].local, path(b"/tmp/a"));
        // A continuation never joins a record parsed by an earlier call.
        let mut out = unix(format!("{UNIX_HEADER}{rec}").as_bytes()).unwrap();
        let before = out.clone();
        let e = parse_unix(format!("{UNIX_HEADER}orphan\n{rec}").as_bytes(), &mut out).unwrap_err();
        assert!(e.what.starts_with("line 2: "), "{e}");
        assert_eq!(out, before);
        // Record-shaped lines with bad fields, truncated first records, garbage.
        for bad in [
            "0000000000000000: 00000002 00000000 00010000 0001 01 70x1 /tmp/a",
            "0000000000000000: 00000002 00000000 00010000 0001 01 -7001",
            "0000000000000000: 00000002 00000000 00010000 0001 01 18446744073709551616",
            "0000000000000000: 00000002 00000000 00010000 0100 01 7001",
            "0000000000000000: 00000002 00000000 00010000 0001 100 7001",
            "0000000000000000: 00000002 00000000 00010000 0001 zz 7001",
            "0000000000000000: 0000000g 00000000 00010000 0001 01 7001",
            "0000000000000000: 00000002 00000000 000100000000000000000 0001 01 7001",
            "0000000000000000: 00000002 00000000 00010000 0001 01",
            "0000000000000000: 00000002 00000000 00010000",
            "garbage",
            "",
        ] {
            let text = format!("{UNIX_HEADER}{bad}\n{rec}");
            let e = unix(text.as_bytes()).unwrap_err();
            assert!(e.what.starts_with("line 2: "), "{bad:?}: {e}");
        }
    }

    #[test]
    fn unix_names_kept_byte_for_byte() {
        let cases: [&[u8]; 7] = [
            b"@",
            b"@abstract@with@nuls",
            b"/a\tb",
            b"  ",
            b"/\xc3\x28\xff",
            b"x\n",
            b"\n\n",
        ];
        for name in cases {
            let mut text = UNIX_HEADER.as_bytes().to_vec();
            text.extend_from_slice(b"ffff000011112222: 00000002 00000000 00000000 0002 01 12345 ");
            text.extend_from_slice(name);
            text.push(b'\n');
            let v = unix(&text).unwrap();
            assert_eq!(v.len(), 1, "{name:?}");
            assert_eq!(v[0].local, path(name));
            assert_eq!((v[0].sock_type, v[0].state, v[0].inode), (DGRAM, 1, 12345));
        }
    }

    mod live {
        use super::*;
        use std::collections::HashMap;
        use std::net::{TcpListener, TcpStream, UdpSocket};
        use std::os::fd::AsRawFd;
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};

        fn ino(fd: &impl AsRawFd) -> u64 {
            std::fs::metadata(format!("/proc/self/fd/{}", fd.as_raw_fd()))
                .unwrap()
                .ino()
        }

        fn table(
            file: &str,
            parse: impl Fn(&[u8]) -> Result<Vec<RawSocket>, ParseError>,
        ) -> (Vec<u8>, HashMap<u64, RawSocket>) {
            let data = std::fs::read(format!("/proc/net/{file}")).unwrap();
            let v = parse(&data).unwrap_or_else(|e| panic!("/proc/net/{file}: {e}"));
            let by_inode = v
                .into_iter()
                .filter(|s| s.inode != 0)
                .map(|s| (s.inode, s))
                .collect();
            (data, by_inode)
        }

        #[track_caller]
        fn check(t: &HashMap<u64, RawSocket>, inode: u64, want: (u8, u8, u8, Endpoint, Endpoint)) {
            let s = t
                .get(&inode)
                .unwrap_or_else(|| panic!("inode {inode} not listed"));
            assert_eq!(
                (
                    s.family,
                    s.sock_type,
                    s.state,
                    s.local.clone(),
                    s.remote.clone()
                ),
                want
            );
        }

        fn unspecified(a: SocketAddr) -> Endpoint {
            Endpoint::Inet(match a {
                SocketAddr::V4(_) => "0.0.0.0:0".parse().unwrap(),
                SocketAddr::V6(_) => "[::]:0".parse().unwrap(),
            })
        }

        fn compare_unix_with_procfs(ours: &[RawSocket], theirs: &[procfs::net::UnixNetEntry]) {
            assert_eq!(ours.len(), theirs.len());
            for (o, e) in ours.iter().zip(theirs) {
                let want = (e.socket_type, e.state.to_u8(), e.inode);
                assert_eq!((u16::from(o.sock_type), o.state, o.inode), want);
                let Endpoint::Unix(p) = &o.local else {
                    panic!("not unix: {o:?}")
                };
                if !p.iter().any(u8::is_ascii_whitespace) {
                    let path = e.path.as_ref().map(|p| p.as_os_str().as_bytes());
                    assert_eq!(p.as_slice(), path.unwrap_or_default());
                }
            }
        }

        /// Sockets opened here are found by inode in the live tables, with the addresses,
        /// state and type they were opened with; the whole inet tables match the `procfs`
        /// crate's parse of the same bytes.
        #[test]
        fn own_sockets_in_live_tables() {
            let mut inet_sockets = Vec::new();
            for (file, family, host) in [
                ("tcp", AF_INET, "127.0.0.1:0"),
                ("tcp6", AF_INET6, "[::1]:0"),
            ] {
                let l = match TcpListener::bind(host) {
                    Ok(l) => l,
                    Err(e) if family == AF_INET6 => {
                        println!("skipped: IPv6 sockets: cannot bind {host}: {e}");
                        continue;
                    }
                    Err(e) => panic!("{host}: {e}"),
                };
                let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
                let (a, _) = l.accept().unwrap();
                let u = UdpSocket::bind(host).unwrap();
                let ucon = UdpSocket::bind(host).unwrap();
                ucon.connect(u.local_addr().unwrap()).unwrap();
                let la = l.local_addr().unwrap();
                let (_, tcp) = table(file, |d| inet(d, family, STREAM));
                check(
                    &tcp,
                    ino(&l),
                    (family, STREAM, 0x0A, Endpoint::Inet(la), unspecified(la)),
                );
                for s in [&c, &a] {
                    let (local, peer) = (s.local_addr().unwrap(), s.peer_addr().unwrap());
                    check(
                        &tcp,
                        ino(s),
                        (
                            family,
                            STREAM,
                            0x01,
                            Endpoint::Inet(local),
                            Endpoint::Inet(peer),
                        ),
                    );
                }
                let udp_file = if family == AF_INET { "udp" } else { "udp6" };
                let (_, udp) = table(udp_file, |d| inet(d, family, DGRAM));
                let ua = u.local_addr().unwrap();
                check(
                    &udp,
                    ino(&u),
                    (family, DGRAM, 0x07, Endpoint::Inet(ua), unspecified(ua)),
                );
                let (local, peer) = (ucon.local_addr().unwrap(), ucon.peer_addr().unwrap());
                check(
                    &udp,
                    ino(&ucon),
                    (
                        family,
                        DGRAM,
                        0x01,
                        Endpoint::Inet(local),
                        Endpoint::Inet(peer),
                    ),
                );
                inet_sockets.push((l, c, a, u, ucon));
            }
            // The whole tables, against the procfs crate on the same bytes.
            for (file, family, sock_type) in [
                ("tcp", AF_INET, STREAM),
                ("tcp6", AF_INET6, STREAM),
                ("udp", AF_INET, DGRAM),
                ("udp6", AF_INET6, DGRAM),
            ] {
                let Ok(data) = std::fs::read(format!("/proc/net/{file}")) else {
                    println!("skipped: /proc/net/{file} cannot be read (no IPv6?)");
                    continue;
                };
                let ours = inet(&data, family, sock_type).unwrap();
                assert_eq!(procfs_view(&data, sock_type), plain(&ours), "{file}");
            }
        }

        /// Unix sockets of each kind opened here are found by inode with their exact names,
        /// including names with spaces, a newline, invalid UTF-8 and an abstract name with a
        /// NUL inside.
        #[test]
        fn own_unix_sockets_in_live_table() {
            let dir = tempfile::tempdir().unwrap();
            let names: [&[u8]; 4] = [
                b"plain.sock",
                b"with  two spaces .sock",
                b"new\nline.sock",
                b"bad\xffutf8.sock",
            ];
            let listeners: Vec<(UnixListener, Vec<u8>)> = names
                .iter()
                .map(|n| {
                    let p = dir.path().join(std::ffi::OsStr::from_bytes(n));
                    (
                        UnixListener::bind(&p).unwrap(),
                        p.as_os_str().as_bytes().to_vec(),
                    )
                })
                .collect();
            let abstract_name = format!("sysgauge-proc-net-test-{}\0inner", std::process::id());
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(abstract_name.as_bytes())
                .unwrap();
            let abs = UnixListener::bind_addr(&addr).unwrap();
            let unbound = UnixDatagram::unbound().unwrap();
            let dgram_path = dir.path().join("d g");
            let bound_dgram = UnixDatagram::bind(&dgram_path).unwrap();
            let (p1, p2) = UnixStream::pair().unwrap();
            let client = UnixStream::connect(std::ffi::OsStr::from_bytes(&listeners[0].1)).unwrap();

            let (data, t) = table("unix", unix);
            for (l, p) in &listeners {
                check(&t, ino(l), (AF_UNIX, STREAM, 1, path(p), path(b"")));
            }
            let mut want_abs = b"@".to_vec();
            want_abs.extend(abstract_name.bytes().map(|b| if b == 0 { b'@' } else { b }));
            check(
                &t,
                ino(&abs),
                (AF_UNIX, STREAM, 1, Endpoint::Unix(want_abs), path(b"")),
            );
            check(&t, ino(&unbound), (AF_UNIX, DGRAM, 1, path(b""), path(b"")));
            check(
                &t,
                ino(&bound_dgram),
                (
                    AF_UNIX,
                    DGRAM,
                    1,
                    path(dgram_path.as_os_str().as_bytes()),
                    path(b""),
                ),
            );
            for s in [&p1, &p2] {
                check(&t, ino(s), (AF_UNIX, STREAM, 3, path(b""), path(b"")));
            }
            check(&t, ino(&client), (AF_UNIX, STREAM, 3, path(b""), path(b"")));

            // Against the procfs crate on the same bytes: type, state and inode of every
            // socket, and the path when it is one word (procfs keeps the first word only).
            // procfs reads text and takes every line for a record: leave out the lines of
            // our names with a newline and with invalid UTF-8 (and, should another process
            // have such names, the comparison is skipped).
            let keep: Vec<&[u8]> = {
                let mut lines = data.split(|&b| b == b'\n');
                let mut v = Vec::new();
                while let Some(line) = lines.next() {
                    if line.ends_with(b"/new") {
                        lines.next();
                    } else if std::str::from_utf8(line).is_ok() {
                        v.push(line);
                    }
                }
                v
            };
            let trimmed = keep.join(&b'\n');
            let theirs =
                <procfs::net::UnixNetEntries as procfs::FromBufRead>::from_buf_read(&trimmed[..]);
            match theirs {
                Ok(theirs) => compare_unix_with_procfs(&unix(&trimmed).unwrap(), &theirs.0),
                Err(e) => println!(
                    "skipped: procfs cannot parse this machine's /proc/net/unix \
                     (another process's name with a newline or invalid UTF-8?): {e}"
                ),
            }
            drop((p1, p2, client, unbound, bound_dgram, abs, listeners));
        }
    }
}
