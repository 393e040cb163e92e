//! The Linux backend of [`crate::net`].
//!
//! - I/O counters: `<procfs>/net/dev` ([`parse::net_dev`]), columns mapped to psutil's
//!   fields.
//! - addresses: `getifaddrs(3)` (`sys::ifaddrs`), then psutil's selection of broadcast vs.
//!   point-to-point address, MAC formatting and ordering.
//! - status: the names of `<procfs>/net/dev`, then `SIOCGIFMTU`, `SIOCGIFFLAGS` and
//!   `SIOCETHTOOL` on one datagram socket (`sys::netif`), closed before returning.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::net::{AddressFamily, NetIoCounters, NicAddr, NicDuplex, NicStats};
use crate::order::dict_order;
use crate::platform::linux::fs;
use crate::platform::linux::parse::net_dev::{self, NetDevEntry};
use crate::platform::linux::sys::ifaddrs::{self, IfAddr, SockAddr};
use crate::platform::linux::sys::netif::{LinkSettings, NetIfSocket};
use crate::roots::Roots;

/// psutil's mapping of `/proc/net/dev`'s columns to `snetio`'s fields.
fn counters(e: &NetDevEntry) -> NetIoCounters {
    NetIoCounters {
        bytes_sent: e.tx_bytes,
        bytes_recv: e.rx_bytes,
        packets_sent: e.tx_packets,
        packets_recv: e.rx_packets,
        errin: e.rx_errs,
        errout: e.tx_errs,
        dropin: e.rx_drop,
        dropout: e.tx_drop,
    }
}

/// Every interface's raw counters from `<procfs>/net/dev`; a repeated name keeps its last
/// line.
pub(crate) fn net_io_counters(roots: &Roots) -> Result<BTreeMap<String, NetIoCounters>> {
    Ok(net_io_counters_ordered(roots)?.into_iter().collect())
}

/// [`net_io_counters`] in the file's order (a repeated name at its first line's place, with
/// its last line's counters), the order of psutil's dict.
pub(crate) fn net_io_counters_ordered(roots: &Roots) -> Result<Vec<(String, NetIoCounters)>> {
    let entries = fs::with_file(&roots.proc("net/dev"), net_dev::net_dev)?;
    Ok(dict_order(entries.into_iter().map(|e| {
        let c = counters(&e);
        (e.name, c)
    })))
}

/// A hardware address as psutil writes it: lowercase hex bytes joined by `:`.
fn hw_text(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len().saturating_mul(3));
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn text(a: Option<SockAddr>) -> Option<String> {
    match a? {
        SockAddr::Ip(s) => Some(s),
        SockAddr::Hw(b) => Some(hw_text(&b)),
    }
}

/// psutil's `net_if_addrs()` over the raw `getifaddrs` entries: entries whose address
/// cannot be decoded are dropped; the `ifa_ifu` address is the broadcast address on an
/// `IFF_BROADCAST` interface, else the peer on an `IFF_POINTOPOINT` one, else unused; a
/// hardware address with fewer than six bytes is padded with `:00`; entries are stably
/// sorted by family and grouped by name, the names in the order they first appear then (as
/// psutil's dict).
fn group_addrs(raw: Vec<IfAddr>) -> Vec<(String, Vec<NicAddr>)> {
    let broadcast_flag = libc::IFF_BROADCAST as u32;
    let ptp_flag = libc::IFF_POINTOPOINT as u32;
    let mut rows: Vec<(String, NicAddr)> = Vec::with_capacity(raw.len());
    for e in raw {
        let Some(family) = AddressFamily::from_i32(e.family) else {
            continue;
        };
        let Some(mut address) = text(e.address) else {
            continue;
        };
        if family == AddressFamily::Link {
            while address.matches(':').count() < 5 {
                address.push_str(":00");
            }
        }
        let (broadcast, ptp) = if e.flags & broadcast_flag != 0 {
            (text(e.ifu), None)
        } else if e.flags & ptp_flag != 0 {
            (None, text(e.ifu))
        } else {
            (None, None)
        };
        rows.push((
            e.name,
            NicAddr {
                family,
                address,
                netmask: text(e.netmask),
                broadcast,
                ptp,
            },
        ));
    }
    rows.sort_by_key(|(_, a)| a.family);
    let mut out: Vec<(String, Vec<NicAddr>)> = Vec::new();
    for (name, addr) in rows {
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, addrs)) => addrs.push(addr),
            None => out.push((name, vec![addr])),
        }
    }
    out
}

/// Every interface's addresses, from `getifaddrs(3)`, in psutil's dict order.
pub(crate) fn net_if_addrs_ordered() -> Result<Vec<(String, Vec<NicAddr>)>> {
    let raw = ifaddrs::getifaddrs().map_err(|e| Error::io("getifaddrs()", e))?;
    Ok(group_addrs(raw))
}

/// Every interface's addresses, from `getifaddrs(3)`.
pub(crate) fn net_if_addrs() -> Result<BTreeMap<String, Vec<NicAddr>>> {
    Ok(net_if_addrs_ordered()?.into_iter().collect())
}

/// The `IFF_*` flags psutil names, in bit order.
const FLAG_NAMES: [(i32, &str); 16] = [
    (libc::IFF_UP, "up"),
    (libc::IFF_BROADCAST, "broadcast"),
    (libc::IFF_DEBUG, "debug"),
    (libc::IFF_LOOPBACK, "loopback"),
    (libc::IFF_POINTOPOINT, "pointopoint"),
    (libc::IFF_NOTRAILERS, "notrailers"),
    (libc::IFF_RUNNING, "running"),
    (libc::IFF_NOARP, "noarp"),
    (libc::IFF_PROMISC, "promisc"),
    (libc::IFF_ALLMULTI, "allmulti"),
    (libc::IFF_MASTER, "master"),
    (libc::IFF_SLAVE, "slave"),
    (libc::IFF_MULTICAST, "multicast"),
    (libc::IFF_PORTSEL, "portsel"),
    (libc::IFF_AUTOMEDIA, "automedia"),
    (libc::IFF_DYNAMIC, "dynamic"),
];

/// psutil's comma-separated flag string for `SIOCGIFFLAGS`'s value.
fn flag_names(flags: u16) -> String {
    let flags = i32::from(flags);
    FLAG_NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

/// psutil's duplex and speed for an `ETHTOOL_GSET` answer (`None`: no link settings).
fn duplex_speed(ls: Option<LinkSettings>) -> (NicDuplex, u32) {
    let Some(ls) = ls else {
        return (NicDuplex::Unknown, 0);
    };
    let duplex = match ls.duplex {
        0 => NicDuplex::Half,
        1 => NicDuplex::Full,
        // DUPLEX_UNKNOWN (0xff); psutil fails on any other value, sysgauge says unknown.
        _ => NicDuplex::Unknown,
    };
    // SPEED_UNKNOWN is (u32)-1.
    let speed = if ls.speed == u32::MAX { 0 } else { ls.speed };
    (duplex, speed)
}

/// An ioctl failure as an [`Error`] naming the request and the interface.
fn ioctl_error(request: &str, nic: &str, e: io::Error) -> Error {
    Error::io(PathBuf::from(format!("ioctl({request}) on {nic}")), e)
}

fn is_enodev(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ENODEV)
}

/// One interface's status, or `None` when it does not exist (`ENODEV`).
fn nic_stats(sock: &NetIfSocket, nic: &str) -> Result<Option<NicStats>> {
    macro_rules! query {
        ($call:expr, $req:literal) => {
            match $call {
                Ok(v) => v,
                Err(e) if is_enodev(&e) => return Ok(None),
                Err(e) => return Err(ioctl_error($req, nic, e)),
            }
        };
    }
    let mtu = query!(sock.mtu(nic), "SIOCGIFMTU");
    let flags = query!(sock.flags(nic), "SIOCGIFFLAGS");
    let link = query!(sock.link_settings(nic), "SIOCETHTOOL");
    let (duplex, speed) = duplex_speed(link);
    let mtu = u32::try_from(mtu).map_err(|_| Error::Parse {
        path: PathBuf::from(format!("ioctl(SIOCGIFMTU) on {nic}")),
        what: format!("negative MTU {mtu}"),
    })?;
    Ok(Some(NicStats {
        isup: i32::from(flags) & libc::IFF_RUNNING != 0,
        duplex,
        speed,
        mtu,
        flags: flag_names(flags),
    }))
}

/// The status of every interface named in `<procfs>/net/dev`.
pub(crate) fn net_if_stats(roots: &Roots) -> Result<BTreeMap<String, NicStats>> {
    Ok(net_if_stats_ordered(roots)?.into_iter().collect())
}

/// [`net_if_stats`] in `<procfs>/net/dev`'s order (psutil's dict order).
pub(crate) fn net_if_stats_ordered(roots: &Roots) -> Result<Vec<(String, NicStats)>> {
    let names = net_io_counters_ordered(roots)?;
    let sock = NetIfSocket::open().map_err(|e| Error::io("socket(AF_INET, SOCK_DGRAM)", e))?;
    let mut out = Vec::with_capacity(names.len());
    for (nic, _) in names {
        if let Some(st) = nic_stats(&sock, &nic)? {
            out.push((nic, st));
        }
    }
    drop(sock);
    Ok(out)
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::testing::{psutil_at, python};

    fn fixture(name: &str) -> Roots {
        Roots::fixture(name)
    }

    fn io(v: [u64; 8]) -> NetIoCounters {
        let [bytes_sent, bytes_recv, packets_sent, packets_recv, errin, errout, dropin, dropout] =
            v;
        NetIoCounters {
            bytes_sent,
            bytes_recv,
            packets_sent,
            packets_recv,
            errin,
            errout,
            dropin,
            dropout,
        }
    }

    #[test]
    fn fixture_modern_kernel() {
        let m = net_io_counters(&fixture("net-dev-linux6")).unwrap();
        let names: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(names, ["docker0", "eth0", "lo", "veth1a2b3c4", "wlp0s20f3"]);
        assert_eq!(
            m["lo"],
            io([12_884_353, 12_884_353, 98_017, 98_017, 0, 0, 0, 0])
        );
        assert_eq!(
            m["eth0"],
            io([
                1_102_345_678_901,
                98_765_432_109_876,
                4_567_890_123,
                8_765_432_109,
                12,
                3,
                4_567,
                89
            ])
        );
        assert_eq!(
            m["wlp0s20f3"],
            io([2_345_678, 45_678_901, 12_345, 43_210, 0, 0, 77, 0])
        );
    }

    #[test]
    fn fixture_old_kernel_no_space_after_colon() {
        let m = net_io_counters(&fixture("net-dev-linux2.6")).unwrap();
        assert_eq!(m.len(), 4);
        assert_eq!(
            m["eth0"],
            io([
                1_845_721_345,
                3_271_557_830,
                14_310_276,
                17_538_214,
                7,
                2,
                1_024,
                5
            ])
        );
        assert_eq!(m["eth1"], io([0, 123_456_789, 0, 987_654, 0, 0, 0, 0]));
        assert_eq!(m["lo"], io([987_654, 987_654, 4_321, 4_321, 0, 0, 0, 0]));
        assert_eq!(m["sit0"], io([0, 0, 0, 0, 0, 0, 0, 0]));
    }

    #[test]
    fn fixture_long_names_and_wrap_values() {
        let m = net_io_counters(&fixture("net-dev-long-names")).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(
            m["enx0123456789ab"],
            io([u64::MAX, 18_446_744_073_709_551_614, 1, 2, 3, 4, 5, 6])
        );
        assert_eq!(m["br-0123456789ab"], io([10, 20, 30, 40, 0, 0, 0, 0]));
        assert_eq!(m["lo"], io([1, 1, 1, 1, 0, 0, 0, 0]));
    }

    #[test]
    fn fixture_garbage_is_a_parse_error_naming_the_file() {
        let e = net_io_counters(&fixture("net-dev-truncated")).unwrap_err();
        assert!(matches!(e, Error::Parse { .. }), "{e}");
        assert!(e.to_string().contains("net/dev"), "{e}");
        let e = net_io_counters(&Roots::new("/nonexistent-sg", "/nonexistent-sg")).unwrap_err();
        assert!(e.is_not_found());
    }

    /// The backend and psutil 7.2.2 (`PROCFS_PATH` pointed at the fixture) read every
    /// valid fixture to the same values.
    #[test]
    fn fixtures_match_psutil() {
        for name in ["net-dev-linux6", "net-dev-linux2.6", "net-dev-long-names"] {
            let roots = fixture(name);
            let ours = serde_json::to_value(net_io_counters(&roots).unwrap()).unwrap();
            let theirs = psutil_at(
                Some(roots.procfs()),
                "out = psutil.net_io_counters(pernic=True, nowrap=False)",
            );
            assert_eq!(ours, theirs, "{name}");
            // Live ioctls on the fixture's names: both keep only those that exist here.
            let ours: Vec<String> = net_if_stats(&roots).unwrap().into_keys().collect();
            let theirs = psutil_at(Some(roots.procfs()), "out = sorted(psutil.net_if_stats())");
            assert_eq!(serde_json::to_value(ours).unwrap(), theirs, "{name}");
        }
        let theirs = std::process::Command::new(python())
            .arg("-c")
            .arg("import psutil; psutil.PROCFS_PATH = 'tests/fixtures/net-dev-truncated/proc'; psutil.net_io_counters()")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(
            !theirs.status.success(),
            "psutil rejects the truncated line too"
        );
    }

    #[test]
    fn flags_in_bit_order() {
        assert_eq!(flag_names(0), "");
        assert_eq!(flag_names(0x1 | 0x8 | 0x40), "up,loopback,running");
        assert_eq!(
            flag_names(0x1 | 0x2 | 0x40 | 0x1000),
            "up,broadcast,running,multicast"
        );
        assert_eq!(
            flag_names(0xffff),
            "up,broadcast,debug,loopback,pointopoint,notrailers,running,noarp,promisc,\
             allmulti,master,slave,multicast,portsel,automedia,dynamic"
        );
    }

    #[test]
    fn duplex_and_speed_mapping() {
        assert_eq!(duplex_speed(None), (NicDuplex::Unknown, 0));
        let ls = |duplex, speed| Some(LinkSettings { duplex, speed });
        assert_eq!(duplex_speed(ls(1, 10_000)), (NicDuplex::Full, 10_000));
        assert_eq!(duplex_speed(ls(0, 100)), (NicDuplex::Half, 100));
        assert_eq!(duplex_speed(ls(0xff, u32::MAX)), (NicDuplex::Unknown, 0));
        assert_eq!(duplex_speed(ls(7, 0)), (NicDuplex::Unknown, 0));
    }

    #[test]
    fn stats_skip_missing_nics_and_live_lo() {
        // The fixture's names do not exist here: ENODEV, so they are left out (as psutil).
        let m = net_if_stats(&fixture("net-dev-long-names")).unwrap();
        assert!(!m.contains_key("enx0123456789ab"));
        if let Some(lo) = m.get("lo") {
            assert!(lo.flags.contains("loopback"));
        }
    }

    #[test]
    fn addrs_psutil_rules() {
        let ip = |s: &str| Some(SockAddr::Ip(s.into()));
        let hw = |b: &[u8]| Some(SockAddr::Hw(b.to_vec()));
        let bc = (libc::IFF_UP | libc::IFF_BROADCAST) as u32;
        let p2p = (libc::IFF_UP | libc::IFF_POINTOPOINT) as u32;
        let e = |name: &str, flags, family, address, netmask, ifu| IfAddr {
            name: name.into(),
            flags,
            family,
            address,
            netmask,
            ifu,
        };
        let raw = vec![
            e(
                "eth0",
                bc,
                libc::AF_PACKET,
                hw(&[2, 0xfc, 0, 0, 0, 1]),
                None,
                hw(&[0xff; 6]),
            ),
            e(
                "tun0",
                p2p,
                libc::AF_INET,
                ip("10.0.0.1"),
                ip("255.255.255.255"),
                ip("10.0.0.2"),
            ),
            e(
                "eth0",
                bc,
                libc::AF_INET6,
                ip("fe80::1%eth0"),
                ip("ffff:ffff:ffff:ffff::"),
                None,
            ),
            e(
                "eth0",
                bc,
                libc::AF_INET,
                ip("192.0.2.2"),
                ip("255.255.255.0"),
                ip("192.0.2.255"),
            ),
            e(
                "eth0",
                bc,
                libc::AF_INET6,
                ip("fd00::2"),
                ip("ffff:ffff:ffff:ffff::"),
                None,
            ),
            e(
                "ipip0",
                p2p | 0x80,
                libc::AF_PACKET,
                hw(&[0, 0, 0, 0]),
                None,
                hw(&[1, 2, 3, 4]),
            ),
            e(
                "lo",
                0x49,
                libc::AF_INET,
                ip("127.0.0.1"),
                ip("255.0.0.0"),
                ip("127.0.0.1"),
            ),
            e("tun1", p2p, libc::AF_PACKET, None, None, None),
            e("x", bc, 99, ip("1.2.3.4"), None, None),
        ];
        let ordered = group_addrs(raw);
        // psutil's dict order: names as they first appear once sorted by family (tun0 and
        // eth0 and lo have IPv4 addresses, in getifaddrs order; ipip0 only a link one).
        assert_eq!(
            ordered.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["tun0", "eth0", "lo", "ipip0"]
        );
        let m: BTreeMap<String, Vec<NicAddr>> = ordered.into_iter().collect();
        let eth0 = &m["eth0"];
        let fams: Vec<_> = eth0.iter().map(|a| a.family).collect();
        assert_eq!(
            fams,
            [
                AddressFamily::Inet,
                AddressFamily::Inet6,
                AddressFamily::Inet6,
                AddressFamily::Link
            ]
        );
        assert_eq!(eth0[0].broadcast.as_deref(), Some("192.0.2.255"));
        assert_eq!(eth0[1].address, "fe80::1%eth0");
        assert_eq!(eth0[2].address, "fd00::2");
        assert_eq!(eth0[3].address, "02:fc:00:00:00:01");
        assert_eq!(eth0[3].broadcast.as_deref(), Some("ff:ff:ff:ff:ff:ff"));
        assert_eq!(eth0[3].netmask, None);
        let tun0 = &m["tun0"][0];
        assert_eq!(
            (tun0.broadcast.as_deref(), tun0.ptp.as_deref()),
            (None, Some("10.0.0.2"))
        );
        // Short hardware address padded; its peer is not.
        assert_eq!(m["ipip0"][0].address, "00:00:00:00:00:00");
        assert_eq!(m["ipip0"][0].ptp.as_deref(), Some("01:02:03:04"));
        // Neither broadcast nor point-to-point: the union is ignored.
        assert_eq!(
            (m["lo"][0].broadcast.as_deref(), m["lo"][0].ptp.as_deref()),
            (None, None)
        );
        assert_eq!(hw_text(&[0xab; 20]).len(), 59);
    }

    #[test]
    fn live_addrs_have_loopback() {
        let m = net_if_addrs().unwrap();
        let lo = m.get("lo").expect("lo has addresses");
        assert!(lo
            .iter()
            .any(|a| a.family == AddressFamily::Link && a.address == "00:00:00:00:00:00"));
    }
}
