//! `sysgauge netstat`: psutil's netstat.py, a clone of `netstat -antp`.
//!
//! One line per socket of the chosen kind (default `inet`: TCP and UDP over IPv4 and IPv6),
//! in the order of [`sysgauge::net_connections`], under this header:
//!
//! ```text
//! Proto Local address                  Remote address                 Status        PID    Program name
//! tcp   127.0.0.1:631                  -                              LISTEN        812    cupsd
//! tcp   10.0.0.2:51234                 140.82.112.3:443               ESTABLISHED   2240   firefox
//! udp6  :::5353                        -                              NONE          -      ?
//! ```
//!
//! The columns, as netstat.py lays them out (each a left-aligned field, one space apart):
//! - `Proto` (5): `tcp`, `tcp6`, `udp` or `udp6` from the family and type; `unix` for a
//!   unix socket (`--kind unix` or `all`, which the script never lists).
//! - `Local address` (30), `Remote address` (30): `ip:port` (an IPv6 address without
//!   brackets, as the script joins psutil's tuple), a unix socket's path, or `-` when
//!   there is none (no remote end; an unbound local end, where the script would fail).
//! - `Status` (13): the TCP state (`LISTEN`, `ESTABLISHED`...), `NONE` otherwise.
//! - `PID` (6): the owning process, `-` when it is not known.
//! - `Program name`: the owner's name from one [`sysgauge::process_iter`] pass made before
//!   the sockets are listed, cut to 15 characters; `?` when the owner is unknown or was not
//!   seen by that pass.
//!
//! No field is cut to its width: a longer value pushes the rest of the line right, as in
//! the script.
//!
//! With `--json`, a list with one object per socket under psutil's `sconn` field names:
//! `fd` (-1 when unknown), `family` (1, 2 or 10), `type` (1 stream, 2 datagram, 5
//! seqpacket), `laddr` and `raddr` (`["ip", port]`, `[]` for none, or a unix path
//! string), `status`, `pid` (`null` when unknown).

use std::collections::HashMap;
use std::str::FromStr;

use sysgauge::{AddressFamily, Attr, AttrValue, ConnAddr, Connection, ConnectionKind, SocketType};

use super::ps::{cut, lossy};

/// Options of `sysgauge netstat`.
#[derive(clap::Args)]
pub struct Args {
    /// Which sockets: inet (the default), inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6,
    /// unix or all (psutil's kinds).
    #[arg(long, default_value = "inet")]
    pub kind: String,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// What the script prints for a missing value.
const MISSING: &str = "-";

/// The `Proto` column for a socket of `family` and `socket_type`.
pub fn proto(family: AddressFamily, socket_type: SocketType) -> &'static str {
    match (family, socket_type) {
        (AddressFamily::Inet, SocketType::Stream) => "tcp",
        (AddressFamily::Inet6, SocketType::Stream) => "tcp6",
        (AddressFamily::Inet, SocketType::Dgram) => "udp",
        (AddressFamily::Inet6, SocketType::Dgram) => "udp6",
        (AddressFamily::Unix, _) => "unix",
        _ => "?",
    }
}

/// An address column: `ip:port` as the script joins psutil's `(ip, port)` (no brackets
/// around an IPv6 address), the unix name, or `-` for none.
pub fn address(a: &ConnAddr) -> String {
    match a {
        ConnAddr::Inet(sa) => format!("{}:{}", sa.ip(), sa.port()),
        ConnAddr::Unix(_) if !a.is_empty() => a.to_string(),
        _ => MISSING.to_string(),
    }
}

/// The five fixed-width fields and the last one, as netstat.py lays them out.
fn layout(proto: &str, laddr: &str, raddr: &str, status: &str, pid: &str, name: &str) -> String {
    format!("{proto:<5} {laddr:<30} {raddr:<30} {status:<13} {pid:<6} {name}")
}

/// netstat.py's header line.
pub fn header() -> String {
    layout(
        "Proto",
        "Local address",
        "Remote address",
        "Status",
        "PID",
        "Program name",
    )
}

/// netstat.py's line for `c`; `names` maps pids to process names.
pub fn line(c: &Connection, names: &HashMap<i32, String>) -> String {
    // The script prints "-" for a pid of 0 too (Python's `pid or "-"`).
    let pid = match c.pid {
        Some(p) if p != 0 => p.to_string(),
        _ => MISSING.to_string(),
    };
    let name = c
        .pid
        .and_then(|p| names.get(&p))
        .map_or("?", String::as_str);
    layout(
        proto(c.family, c.socket_type),
        &address(&c.laddr),
        &address(&c.raddr),
        c.status.as_str(),
        &pid,
        cut(name, 15),
    )
}

/// Every process's name by pid, from one `process_iter` pass; a process whose name
/// cannot be read is left out (shown as `?`).
fn process_names() -> sysgauge::Result<HashMap<i32, String>> {
    Ok(
        sysgauge::process_iter(&[Attr::Pid, Attr::Name], AttrValue::None)?
            .filter_map(|p| p.name().ok().map(|n| (p.pid(), lossy(&n))))
            .collect(),
    )
}

/// Lists sockets: netstat.py's table, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let kind = ConnectionKind::from_str(&args.kind)?;
    if args.json {
        return super::print_json(&sysgauge::net_connections(kind)?);
    }
    let names = process_names()?;
    let conns = sysgauge::net_connections(kind)?;
    let body = conns.iter().map(|c| line(c, &names));
    super::print_lines(std::iter::once(header()).chain(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sysgauge::ConnectionStatus;

    fn conn(family: AddressFamily, t: SocketType, l: ConnAddr, r: ConnAddr) -> Connection {
        Connection {
            fd: 3,
            family,
            socket_type: t,
            laddr: l,
            raddr: r,
            status: ConnectionStatus::None,
            pid: None,
            inode: 1,
        }
    }

    #[test]
    fn header_is_netstat_py() {
        assert_eq!(
            header(),
            format!(
                "Proto Local address{} Remote address{} Status{} PID    Program name",
                " ".repeat(17),
                " ".repeat(16),
                " ".repeat(7)
            )
        );
    }

    #[test]
    fn lines() {
        let names: HashMap<i32, String> = [
            (42, "averyveryverylongname".to_string()),
            (7, String::new()),
        ]
        .into();
        let mut c = conn(
            AddressFamily::Inet,
            SocketType::Stream,
            ConnAddr::Inet("127.0.0.1:80".parse().unwrap()),
            ConnAddr::None,
        );
        c.status = ConnectionStatus::Listen;
        c.pid = Some(42);
        assert_eq!(
            line(&c, &names),
            format!(
                "tcp   127.0.0.1:80{} -{} LISTEN        42     averyveryverylo",
                " ".repeat(18),
                " ".repeat(29)
            )
        );
        let mut c = conn(
            AddressFamily::Inet6,
            SocketType::Dgram,
            ConnAddr::Inet("[::ffff:10.0.0.1]:53".parse().unwrap()),
            ConnAddr::Inet("[fe80::1]:5353".parse().unwrap()),
        );
        let l = line(&c, &names);
        assert!(l.starts_with("udp6  ::ffff:10.0.0.1:53 "), "{l:?}");
        assert!(l.contains(" fe80::1:5353 "), "{l:?}");
        assert!(l.ends_with(" NONE          -      ?"), "{l:?}");
        // An empty name is blank; a pid not seen by process_iter is "?"; pid 0 is "-".
        c.pid = Some(7);
        assert!(line(&c, &names).ends_with(" 7      "));
        c.pid = Some(8);
        assert!(line(&c, &names).ends_with(" 8      ?"));
        c.pid = Some(0);
        assert!(line(&c, &names).ends_with(" -      ?"));
        let c = conn(
            AddressFamily::Unix,
            SocketType::SeqPacket,
            ConnAddr::Unix("/run/a.sock".into()),
            ConnAddr::Unix("".into()),
        );
        let l = line(&c, &names);
        assert!(l.starts_with("unix  /run/a.sock "), "{l:?}");
        assert_eq!(&l[37..39], "- ");
        let c = conn(
            AddressFamily::Unix,
            SocketType::Stream,
            ConnAddr::Unix("".into()),
            ConnAddr::Unix("".into()),
        );
        assert!(line(&c, &names).starts_with("unix  - "));
    }
}
