//! `sysgauge ifconfig`: psutil's ifconfig.py, a clone of `ifconfig`.
//!
//! One block per interface that has an address ([`sysgauge::net_if_addrs`]), then an
//! empty line:
//!
//! ```text
//! lo:
//!     stats          : speed=0MB, duplex=?, mtu=65536, up=yes
//!     incoming       : bytes=9.4K, pkts=87, errs=0, drops=0
//!     outgoing       : bytes=9.4K, pkts=87, errs=0, drops=0
//!     IPv4 address   : 127.0.0.1
//!          netmask   : 255.0.0.0
//!     IPv6 address   : ::1
//!          netmask   : ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
//!     MAC  address   : 00:00:00:00:00:00
//! ```
//!
//! The lines, as ifconfig.py writes them:
//! - `stats` ([`sysgauge::net_if_stats`]), when the interface has them: the speed in Mb/s
//!   (the script labels it `MB`), the duplex (`full`, `half`, `?`), the MTU in bytes, and
//!   `up=yes` or `up=no`.
//! - `incoming`, `outgoing` ([`sysgauge::net_io_counters_pernic`]), when the interface has
//!   counters: bytes through [`sysgauge::bytes2human`], packets, errors, drops.
//! - each address in the library's order (IPv4, IPv6, then MAC): the family label
//!   left-aligned in 4 (`IPv4`, `IPv6`, `MAC`) and the address, then, when set, the
//!   broadcast address, the netmask and the point-to-point peer (whose line the script
//!   indents by 6, not 9).
//!
//! Interfaces come in name order (the script follows psutil's dict, which lists those
//! with an IPv4 address first, in `getifaddrs` order).
//!
//! With `--json`, an object with one member per interface of the report, each holding
//! `stats` (psutil's `snicstats`: `isup`, `duplex` as a number, `speed`, `mtu`, `flags`),
//! `io_counters` (`snetio`: `bytes_sent` ... `dropout`, in bytes and packets) and `addrs`
//! (a list of `snicaddr`: `family` as a number, `address`, `netmask`, `broadcast`, `ptp`);
//! `stats` and `io_counters` are `null` where the script prints no such lines.

use std::collections::BTreeMap;

use serde::Serialize;
use sysgauge::{AddressFamily, NetIoCounters, NicAddr, NicDuplex, NicStats};

/// Options of `sysgauge ifconfig`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of the report.
    #[arg(long)]
    pub json: bool,
}

/// One interface of the report, as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct Nic<'a> {
    /// Status, when `net_if_stats` has the interface.
    pub stats: Option<&'a NicStats>,
    /// I/O counters, when `net_io_counters_pernic` has the interface.
    pub io_counters: Option<&'a NetIoCounters>,
    /// The addresses.
    pub addrs: &'a [NicAddr],
}

/// The script's label for an address family.
fn family_label(f: AddressFamily) -> String {
    match f {
        AddressFamily::Inet => "IPv4".to_string(),
        AddressFamily::Inet6 => "IPv6".to_string(),
        AddressFamily::Link => "MAC".to_string(),
        // The script prints the number of a family it has no label for.
        other => other.as_i32().to_string(),
    }
}

/// The script's word for a duplex mode.
fn duplex_label(d: NicDuplex) -> &'static str {
    match d {
        NicDuplex::Full => "full",
        NicDuplex::Half => "half",
        NicDuplex::Unknown => "?",
    }
}

/// A counters line: `bytes=…, pkts=…, errs=…, drops=…`.
fn traffic(bytes: u64, pkts: u64, errs: u64, drops: u64) -> String {
    format!(
        "bytes={}, pkts={pkts}, errs={errs}, drops={drops}",
        sysgauge::bytes2human(bytes)
    )
}

/// The lines ifconfig.py prints for interface `name` (ending with the empty line).
pub fn block(name: &str, nic: &Nic<'_>) -> Vec<String> {
    let mut out = vec![format!("{name}:")];
    if let Some(st) = nic.stats {
        out.push(format!(
            "    stats          : speed={}MB, duplex={}, mtu={}, up={}",
            st.speed,
            duplex_label(st.duplex),
            st.mtu,
            if st.isup { "yes" } else { "no" }
        ));
    }
    if let Some(io) = nic.io_counters {
        out.push(format!(
            "    incoming       : {}",
            traffic(io.bytes_recv, io.packets_recv, io.errin, io.dropin)
        ));
        out.push(format!(
            "    outgoing       : {}",
            traffic(io.bytes_sent, io.packets_sent, io.errout, io.dropout)
        ));
    }
    for a in nic.addrs {
        out.push(format!(
            "    {:<4} address   : {}",
            family_label(a.family),
            a.address
        ));
        // The script skips empty values as well as missing ones.
        let set = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        if let Some(b) = set(&a.broadcast) {
            out.push(format!("         broadcast : {b}"));
        }
        if let Some(m) = set(&a.netmask) {
            out.push(format!("         netmask   : {m}"));
        }
        if let Some(p) = set(&a.ptp) {
            out.push(format!("      p2p       : {p}"));
        }
    }
    out.push(String::new());
    out
}

/// Prints every interface: ifconfig.py's report, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let stats = sysgauge::net_if_stats()?;
    let io = sysgauge::net_io_counters_pernic()?;
    let addrs = sysgauge::net_if_addrs()?;
    let report: BTreeMap<&str, Nic<'_>> = addrs
        .iter()
        .map(|(name, a)| {
            let nic = Nic {
                stats: stats.get(name),
                io_counters: io.get(name),
                addrs: a,
            };
            (name.as_str(), nic)
        })
        .collect();
    if args.json {
        return super::print_json(&report);
    }
    super::print_lines(report.iter().flat_map(|(name, nic)| block(name, nic)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(family: AddressFamily, address: &str) -> NicAddr {
        NicAddr {
            family,
            address: address.into(),
            netmask: None,
            broadcast: None,
            ptp: None,
        }
    }

    #[test]
    fn block_is_ifconfig_py() {
        let stats = NicStats {
            isup: true,
            duplex: NicDuplex::Full,
            speed: 1000,
            mtu: 1500,
            flags: "up,broadcast,running,multicast".into(),
        };
        let io = NetIoCounters {
            bytes_sent: 2048,
            bytes_recv: 5_000_000,
            packets_sent: 3,
            packets_recv: 4,
            errin: 5,
            errout: 6,
            dropin: 7,
            dropout: 8,
        };
        let mut v4 = addr(AddressFamily::Inet, "10.0.0.2");
        v4.broadcast = Some("10.0.0.255".into());
        v4.netmask = Some("255.255.255.0".into());
        let mut v6 = addr(AddressFamily::Inet6, "fe80::1%eth0");
        v6.netmask = Some("ffff:ffff:ffff:ffff::".into());
        v6.ptp = Some("fe80::2".into());
        let mut mac = addr(AddressFamily::Link, "aa:bb:cc:dd:ee:ff");
        mac.broadcast = Some("ff:ff:ff:ff:ff:ff".into());
        let addrs = [v4, v6, mac];
        let nic = Nic {
            stats: Some(&stats),
            io_counters: Some(&io),
            addrs: &addrs,
        };
        assert_eq!(
            block("eth0", &nic),
            [
                "eth0:",
                "    stats          : speed=1000MB, duplex=full, mtu=1500, up=yes",
                "    incoming       : bytes=4.8M, pkts=4, errs=5, drops=7",
                "    outgoing       : bytes=2.0K, pkts=3, errs=6, drops=8",
                "    IPv4 address   : 10.0.0.2",
                "         broadcast : 10.0.0.255",
                "         netmask   : 255.255.255.0",
                "    IPv6 address   : fe80::1%eth0",
                "         netmask   : ffff:ffff:ffff:ffff::",
                "      p2p       : fe80::2",
                "    MAC  address   : aa:bb:cc:dd:ee:ff",
                "         broadcast : ff:ff:ff:ff:ff:ff",
                "",
            ]
        );
        let bare = [addr(AddressFamily::Link, "00:00:00:00:00:00")];
        let nic = Nic {
            stats: None,
            io_counters: None,
            addrs: &bare,
        };
        assert_eq!(
            block("tun0", &nic),
            ["tun0:", "    MAC  address   : 00:00:00:00:00:00", ""]
        );
    }
}
