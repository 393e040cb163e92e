//! Network interfaces: I/O counters, addresses and status.
//!
//! | psutil | sysgauge | source |
//! |---|---|---|
//! | `net_io_counters(nowrap=False, pernic=True)` | [`net_io_counters_raw`] | `<procfs>/net/dev` |
//! | `net_io_counters()` | [`net_io_counters`] | the same, wrap-corrected, summed |
//! | `net_io_counters(pernic=True)` | [`net_io_counters_pernic`] | the same, wrap-corrected |
//! | `net_io_counters.cache_clear()` | [`net_io_counters_cache_clear`] | |
//! | `net_if_addrs()` | [`net_if_addrs`] | `getifaddrs(3)` |
//! | `net_if_stats()` | [`net_if_stats`] | `<procfs>/net/dev` names, then `ioctl`s |
//!
//! The convenience functions keep psutil's implicit wrap-around memory in one process-wide
//! [`NoWrap`]; a caller that wants its own memory applies a `NoWrap` of its own to
//! [`net_io_counters_raw`] and totals with [`net_io_counters_sum`]:
//!
//! ```no_run
//! use sysgauge::{net_io_counters_raw, net_io_counters_sum, NoWrap};
//! let mut memory = NoWrap::new();
//! let pernic = memory.apply(net_io_counters_raw()?);
//! let total = net_io_counters_sum(pernic.values());
//! println!("{} bytes received in all", total.bytes_recv);
//! # Ok::<(), sysgauge::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::nowrap::{Counters, NoWrap};
use crate::platform::imp;
use crate::roots::Roots;

/// One network interface's I/O counters since boot (psutil's `snetio`), from
/// `<procfs>/net/dev`. Every field is a count since the interface appeared (raw, or with
/// earlier wrap-arounds added back by [`NoWrap`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NetIoCounters {
    /// Bytes sent (transmit `bytes` column).
    pub bytes_sent: u64,
    /// Bytes received (receive `bytes` column).
    pub bytes_recv: u64,
    /// Packets sent (transmit `packets` column).
    pub packets_sent: u64,
    /// Packets received (receive `packets` column).
    pub packets_recv: u64,
    /// Receive errors (receive `errs` column).
    pub errin: u64,
    /// Transmit errors (transmit `errs` column).
    pub errout: u64,
    /// Incoming packets dropped (receive `drop` column).
    pub dropin: u64,
    /// Outgoing packets dropped (transmit `drop` column).
    pub dropout: u64,
}

impl Counters for NetIoCounters {
    /// Visits the fields in psutil's tuple order (`bytes_sent` … `dropout`).
    fn visit_counters(&mut self, f: &mut dyn FnMut(&mut u64)) {
        f(&mut self.bytes_sent);
        f(&mut self.bytes_recv);
        f(&mut self.packets_sent);
        f(&mut self.packets_recv);
        f(&mut self.errin);
        f(&mut self.errout);
        f(&mut self.dropin);
        f(&mut self.dropout);
    }
}

/// The field-by-field sum of `nics` (saturating at `u64::MAX`), as psutil totals
/// `net_io_counters()` over every interface. An empty input sums to all zeros.
pub fn net_io_counters_sum<'a>(nics: impl IntoIterator<Item = &'a NetIoCounters>) -> NetIoCounters {
    nics.into_iter()
        .fold(NetIoCounters::default(), |mut acc, n| {
            acc.bytes_sent = acc.bytes_sent.saturating_add(n.bytes_sent);
            acc.bytes_recv = acc.bytes_recv.saturating_add(n.bytes_recv);
            acc.packets_sent = acc.packets_sent.saturating_add(n.packets_sent);
            acc.packets_recv = acc.packets_recv.saturating_add(n.packets_recv);
            acc.errin = acc.errin.saturating_add(n.errin);
            acc.errout = acc.errout.saturating_add(n.errout);
            acc.dropin = acc.dropin.saturating_add(n.dropin);
            acc.dropout = acc.dropout.saturating_add(n.dropout);
            acc
        })
}

impl<'a> std::iter::Sum<&'a NetIoCounters> for NetIoCounters {
    /// Same as [`net_io_counters_sum`].
    fn sum<I: Iterator<Item = &'a NetIoCounters>>(iter: I) -> Self {
        net_io_counters_sum(iter)
    }
}

/// Every interface's raw counters from `<procfs>/net/dev`, by name, with no wrap-around
/// correction (psutil's `net_io_counters(pernic=True, nowrap=False)`). A name listed twice
/// keeps its last line.
///
/// ```no_run
/// for (nic, io) in sysgauge::net_io_counters_raw()? {
///     println!("{nic}: {} bytes in, {} bytes out", io.bytes_recv, io.bytes_sent);
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn net_io_counters_raw() -> Result<BTreeMap<String, NetIoCounters>> {
    imp::net::net_io_counters(&Roots::current())
}

/// [`net_io_counters_raw`] as a list in the order of `<procfs>/net/dev` (a name listed twice
/// at its first line's place, with its last line's counters): the order of psutil's dict.
pub fn net_io_counters_raw_ordered() -> Result<Vec<(String, NetIoCounters)>> {
    imp::net::net_io_counters_ordered(&Roots::current())
}

/// The process-wide wrap-around memory behind [`net_io_counters`] and
/// [`net_io_counters_pernic`] (psutil's cache for `psutil.net_io_counters`).
static NOWRAP: Mutex<NoWrap<NetIoCounters>> = Mutex::new(NoWrap::new());

/// Every interface's counters by name, corrected for wrap-around with the process-wide
/// memory (psutil's `net_io_counters(pernic=True)`, `nowrap=True`). With no interface in
/// `<procfs>/net/dev` the result is empty and the memory is left as it was.
///
/// ```no_run
/// let per = sysgauge::net_io_counters_pernic()?;
/// if let Some(lo) = per.get("lo") {
///     println!("lo: {} packets sent", lo.packets_sent);
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn net_io_counters_pernic() -> Result<BTreeMap<String, NetIoCounters>> {
    let raw = net_io_counters_raw()?;
    if raw.is_empty() {
        return Ok(raw);
    }
    let mut memory = NOWRAP.lock().unwrap_or_else(|e| e.into_inner());
    Ok(memory.apply(raw))
}

/// The counters of all interfaces summed, corrected for wrap-around with the process-wide
/// memory (psutil's `net_io_counters()`).
///
/// Where psutil returns `None` because `<procfs>/net/dev` lists no interface, this returns
/// [`Error::Unsupported`].
///
/// ```no_run
/// let io = sysgauge::net_io_counters()?;
/// println!("{} bytes sent, {} received", io.bytes_sent, io.bytes_recv);
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn net_io_counters() -> Result<NetIoCounters> {
    let per = net_io_counters_pernic()?;
    if per.is_empty() {
        return Err(Error::unsupported("no network interface in /proc/net/dev"));
    }
    Ok(net_io_counters_sum(per.values()))
}

/// Forgets the process-wide wrap-around memory (psutil's `net_io_counters.cache_clear()`).
pub fn net_io_counters_cache_clear() {
    NOWRAP.lock().unwrap_or_else(|e| e.into_inner()).reset();
}

/// The family of a [`NicAddr`] or a [`crate::Connection`]; serializes to its number, as psutil's `socket.AddressFamily`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum AddressFamily {
    /// `AF_UNIX` (1): a unix socket (only in [`crate::Connection`]).
    Unix = 1,
    /// `AF_INET` (2): IPv4.
    Inet = 2,
    /// `AF_INET6` (10): IPv6.
    Inet6 = 10,
    /// psutil's `AF_LINK`, which on Linux is `AF_PACKET` (17): a hardware (MAC) address.
    Link = 17,
}

impl AddressFamily {
    /// The numeric family (`1`, `2`, `10` or `17`).
    pub fn as_i32(self) -> i32 {
        self as i32
    }

    /// The family with number `n`, if it is one of the four above.
    pub fn from_i32(n: i32) -> Option<Self> {
        match n {
            1 => Some(AddressFamily::Unix),
            2 => Some(AddressFamily::Inet),
            10 => Some(AddressFamily::Inet6),
            17 => Some(AddressFamily::Link),
            _ => None,
        }
    }
}

impl Serialize for AddressFamily {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_i32(self.as_i32())
    }
}

/// One address of a network interface (psutil's `snicaddr`), from `getifaddrs(3)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NicAddr {
    /// The address family.
    pub family: AddressFamily,
    /// The address: dotted IPv4; IPv6 as `getnameinfo(NI_NUMERICHOST)` writes it, with
    /// `%<interface>` after a link-local address (`fe80::1%eth0`); a hardware address as
    /// lowercase hex bytes joined by `:` (`aa:bb:cc:dd:ee:ff`), padded with `:00` to six
    /// bytes when the hardware address is shorter, as psutil does.
    pub address: String,
    /// The netmask (`255.255.255.0`, `ffff:ffff:ffff:ffff::`); `None` for hardware
    /// addresses.
    pub netmask: Option<String>,
    /// The broadcast address, when the interface has the `broadcast` flag (for a hardware
    /// address, the link's broadcast address, e.g. `ff:ff:ff:ff:ff:ff`). As in psutil, on
    /// such an interface an address configured with a peer shows the peer here.
    pub broadcast: Option<String>,
    /// The destination (peer) address, when the interface is point-to-point and has no
    /// `broadcast` flag. Never set together with `broadcast`.
    pub ptp: Option<String>,
}

/// Every interface's addresses, by interface name (psutil's `net_if_addrs()`), from
/// `getifaddrs(3)` in the calling process's network namespace (not below the procfs root).
///
/// Each interface's list is ordered as psutil's: by family (`AF_INET`, `AF_INET6`,
/// `AF_LINK`), then in `getifaddrs` order. The map itself is ordered by name, where
/// psutil's dict lists first the interfaces that have an IPv4 address, then those with an
/// IPv6 one, then the rest, each group in `getifaddrs` order. Interfaces without any
/// address (e.g. a tunnel with no hardware address and no IP) are absent.
///
/// ```no_run
/// for (nic, addrs) in sysgauge::net_if_addrs()? {
///     for a in addrs {
///         println!("{nic}: {:?} {} netmask {:?}", a.family, a.address, a.netmask);
///     }
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn net_if_addrs() -> Result<BTreeMap<String, Vec<NicAddr>>> {
    imp::net::net_if_addrs()
}

/// [`net_if_addrs`] as a list in psutil's dict order: the `getifaddrs` entries sorted by
/// family (stably), each interface where its first entry then falls (so interfaces with an
/// IPv4 address come first, in the kernel's order).
pub fn net_if_addrs_ordered() -> Result<Vec<(String, Vec<NicAddr>)>> {
    imp::net::net_if_addrs_ordered()
}

/// A link's duplex mode; serializes to psutil's `NicDuplex` number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum NicDuplex {
    /// `NIC_DUPLEX_UNKNOWN` (0): not reported (virtual devices, wireless, link down).
    Unknown = 0,
    /// `NIC_DUPLEX_HALF` (1).
    Half = 1,
    /// `NIC_DUPLEX_FULL` (2).
    Full = 2,
}

impl Serialize for NicDuplex {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

/// One interface's status (psutil's `snicstats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NicStats {
    /// True when the interface has the `running` flag (psutil 7's definition: up and
    /// with its link operational).
    pub isup: bool,
    /// The duplex mode reported by the driver (`SIOCETHTOOL`).
    pub duplex: NicDuplex,
    /// The link speed in Mb/s (megabits per second); 0 when unknown.
    pub speed: u32,
    /// The maximum transmission unit in bytes (`SIOCGIFMTU`).
    pub mtu: u32,
    /// The set `IFF_*` flags (`SIOCGIFFLAGS`) by name, comma-separated, in bit order:
    /// `up`, `broadcast`, `debug`, `loopback`, `pointopoint`, `notrailers`, `running`,
    /// `noarp`, `promisc`, `allmulti`, `master`, `slave`, `multicast`, `portsel`,
    /// `automedia`, `dynamic` (e.g. `"up,broadcast,running,multicast"`).
    pub flags: String,
}

/// The status of every interface listed in `<procfs>/net/dev`, by name (psutil's
/// `net_if_stats()`). The values come from ioctls in the calling process's network
/// namespace; an interface that vanished in between (`ENODEV`) is left out.
///
/// ```no_run
/// for (nic, st) in sysgauge::net_if_stats()? {
///     println!("{nic}: up={} {} Mb/s mtu {} [{}]", st.isup, st.speed, st.mtu, st.flags);
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn net_if_stats() -> Result<BTreeMap<String, NicStats>> {
    imp::net::net_if_stats(&Roots::current())
}

/// [`net_if_stats`] as a list in the order of `<procfs>/net/dev` (psutil's dict order).
pub fn net_if_stats_ordered() -> Result<Vec<(String, NicStats)>> {
    imp::net::net_if_stats_ordered(&Roots::current())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_and_serialize() {
        let a = NetIoCounters {
            bytes_sent: 1,
            bytes_recv: 2,
            packets_sent: 3,
            packets_recv: 4,
            errin: 5,
            errout: 6,
            dropin: 7,
            dropout: u64::MAX,
        };
        let s: NetIoCounters = [a, a].iter().sum();
        assert_eq!((s.bytes_sent, s.dropin, s.dropout), (2, 14, u64::MAX));
        assert_eq!(net_io_counters_sum([]), NetIoCounters::default());
        let mut order = Vec::new();
        let mut visited = a;
        visited.visit_counters(&mut |v| order.push(*v));
        assert_eq!(order, [1, 2, 3, 4, 5, 6, 7, u64::MAX]);
        assert_eq!(serde_json::to_string(&NicDuplex::Full).unwrap(), "2");
        assert_eq!(serde_json::to_string(&AddressFamily::Link).unwrap(), "17");
        assert_eq!(AddressFamily::from_i32(10), Some(AddressFamily::Inet6));
        assert_eq!(AddressFamily::from_i32(1), Some(AddressFamily::Unix));
        assert_eq!(AddressFamily::from_i32(3), None);
    }
}
