//! Live tests of the network interface calls against independent sources: `/proc/net/dev`
//! read here with simple code, `ip -j addr` / `ip -s -j link` (iproute2, netlink),
//! `/sys/class/net/<nic>/*`, and psutil 7.2.2.
//!
//! Every test takes `LIVE`, so the test that creates its own devices (`sgt<pid>*`) never
//! runs while another test is comparing interface lists. Counters move between reads, so
//! they are checked to lie between a read of the other source before and one after
//! (counters only grow while an interface exists).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::Mutex;

use serde_json::Value;
use sysgauge::{AddressFamily, NetIoCounters, NicDuplex, NicStats};

static LIVE: Mutex<()> = Mutex::new(());

fn live() -> std::sync::MutexGuard<'static, ()> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// `/proc/net/dev` parsed with the simplest code: the name is before the last `:`, then
/// 16 numbers.
fn proc_net_dev() -> BTreeMap<String, [u64; 16]> {
    let text = std::fs::read_to_string("/proc/net/dev").unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().skip(2) {
        let (name, rest) = line.rsplit_once(':').unwrap();
        let v: Vec<u64> = rest
            .split_whitespace()
            .map(|f| f.parse().unwrap())
            .collect();
        out.insert(name.trim().to_string(), <[u64; 16]>::try_from(v).unwrap());
    }
    out
}

fn fields(c: &NetIoCounters) -> [u64; 8] {
    [
        c.bytes_sent,
        c.bytes_recv,
        c.packets_sent,
        c.packets_recv,
        c.errin,
        c.errout,
        c.dropin,
        c.dropout,
    ]
}

/// Asserts `before[i] <= ours[i] <= after[i]` for every field.
#[track_caller]
fn assert_between(what: &str, before: [u64; 8], ours: [u64; 8], after: [u64; 8]) {
    for i in 0..8 {
        assert!(
            before[i] <= ours[i] && ours[i] <= after[i],
            "{what} field {i}: {} not within [{}, {}]",
            ours[i],
            before[i],
            after[i]
        );
    }
}

/// psutil's mapping, applied to the directly read columns.
fn proc_fields(c: &[u64; 16]) -> [u64; 8] {
    [c[8], c[0], c[9], c[1], c[2], c[10], c[3], c[11]]
}

fn ip_json(args: &[&str]) -> Vec<Value> {
    serde_json::from_str(&common::run("ip", args)).unwrap()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// `ip -s -j link` counters in psutil's field order; `/proc/net/dev`'s receive `drop` is
/// `rx_dropped + rx_missed_errors`, which iproute2 shows apart as `missed` when non-zero.
fn ip_stats() -> BTreeMap<String, [u64; 8]> {
    let mut out = BTreeMap::new();
    for link in ip_json(&["-s", "-j", "link"]) {
        let s = &link["stats64"];
        let (rx, tx) = (&s["rx"], &s["tx"]);
        out.insert(
            link["ifname"].as_str().unwrap().to_string(),
            [
                u(&tx["bytes"]),
                u(&rx["bytes"]),
                u(&tx["packets"]),
                u(&rx["packets"]),
                u(&rx["errors"]),
                u(&tx["errors"]),
                u(&rx["dropped"]) + u(&rx["missed"]),
                u(&tx["dropped"]),
            ],
        );
    }
    out
}

fn psutil_pernic(nowrap: bool) -> BTreeMap<String, [u64; 8]> {
    let code = format!(
        "out = psutil.net_io_counters(pernic=True, nowrap={})",
        if nowrap { "True" } else { "False" }
    );
    let v = common::psutil(&code);
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, c)| {
            let f = |n: &str| c[n].as_u64().unwrap();
            (
                k.clone(),
                [
                    f("bytes_sent"),
                    f("bytes_recv"),
                    f("packets_sent"),
                    f("packets_recv"),
                    f("errin"),
                    f("errout"),
                    f("dropin"),
                    f("dropout"),
                ],
            )
        })
        .collect()
}

#[test]
fn io_counters_between_two_direct_reads_of_proc_net_dev() {
    let _g = live();
    let before = proc_net_dev();
    let ours = sysgauge::net_io_counters_raw().unwrap();
    let after = proc_net_dev();
    assert_eq!(
        ours.keys().collect::<BTreeSet<_>>(),
        before.keys().collect::<BTreeSet<_>>()
    );
    assert!(ours.contains_key("lo"));
    for (nic, c) in &ours {
        assert_between(
            nic,
            proc_fields(&before[nic]),
            fields(c),
            proc_fields(&after[nic]),
        );
    }
}

#[test]
fn io_counters_between_two_ip_link_reads() {
    let _g = live();
    let before = ip_stats();
    let ours = sysgauge::net_io_counters_raw().unwrap();
    let after = ip_stats();
    assert_eq!(
        ours.keys().collect::<BTreeSet<_>>(),
        before.keys().collect::<BTreeSet<_>>()
    );
    for (nic, c) in &ours {
        assert_between(nic, before[nic], fields(c), after[nic]);
    }
}

#[test]
fn io_counters_pernic_and_total_between_two_psutil_calls() {
    let _g = live();
    sysgauge::net_io_counters_cache_clear();
    let before = psutil_pernic(true);
    let ours = sysgauge::net_io_counters_pernic().unwrap();
    let total = sysgauge::net_io_counters().unwrap();
    let after = psutil_pernic(true);
    assert_eq!(
        ours.keys().collect::<BTreeSet<_>>(),
        before.keys().collect::<BTreeSet<_>>()
    );
    for (nic, c) in &ours {
        assert_between(nic, before[nic], fields(c), after[nic]);
    }
    let sum = |m: &BTreeMap<String, [u64; 8]>| {
        let mut s = [0u64; 8];
        for v in m.values() {
            for i in 0..8 {
                s[i] += v[i];
            }
        }
        s
    };
    assert_between("total", sum(&before), fields(&total), sum(&after));
    // The total is the sum of the per-NIC values (read a moment later).
    assert_between(
        "total vs pernic",
        fields(&sysgauge::net_io_counters_sum(ours.values())),
        fields(&total),
        sum(&after),
    );
    let again = sysgauge::net_io_counters_pernic().unwrap();
    for (nic, c) in &again {
        assert_between(nic, fields(&ours[nic]), fields(c), [u64::MAX; 8]);
    }
}

fn prefix_to_v4_mask(p: u32) -> String {
    let m: u32 = if p == 0 { 0 } else { u32::MAX << (32 - p) };
    std::net::Ipv4Addr::from(m).to_string()
}

fn prefix_to_v6_mask(p: u32) -> String {
    let m: u128 = if p == 0 { 0 } else { u128::MAX << (128 - p) };
    std::net::Ipv6Addr::from(m).to_string()
}

/// Checks every address `ip -j addr` lists against `net_if_addrs()`.
fn check_addrs_against_ip(only: Option<&str>) {
    let ours = sysgauge::net_if_addrs().unwrap();
    let mut seen = 0;
    for link in ip_json(&["-j", "addr"]) {
        let name = link["ifname"].as_str().unwrap();
        if only.is_some_and(|p| !name.starts_with(p)) {
            continue;
        }
        let flags: Vec<&str> = link["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let empty = Vec::new();
        let mine = ours.get(name).unwrap_or(&empty);
        for a in link["addr_info"].as_array().unwrap() {
            let local = a["local"].as_str().unwrap();
            let prefix = a["prefixlen"].as_u64().unwrap() as u32;
            let (fam, address, netmask) = match a["family"].as_str().unwrap() {
                "inet" => (
                    AddressFamily::Inet,
                    local.to_string(),
                    prefix_to_v4_mask(prefix),
                ),
                "inet6" => {
                    let addr = if a["scope"] == "link" {
                        format!("{local}%{name}")
                    } else {
                        local.to_string()
                    };
                    (AddressFamily::Inet6, addr, prefix_to_v6_mask(prefix))
                }
                other => panic!("unexpected family {other}"),
            };
            let got = mine
                .iter()
                .find(|x| x.family == fam && x.address == address)
                .unwrap_or_else(|| panic!("{name}: {address} missing from {mine:?}"));
            assert_eq!(got.netmask.as_deref(), Some(netmask.as_str()), "{name}");
            if fam == AddressFamily::Inet {
                if flags.contains(&"BROADCAST") {
                    if let Some(b) = a["broadcast"].as_str() {
                        assert_eq!(got.broadcast.as_deref(), Some(b), "{name} {address}");
                    }
                    assert_eq!(got.ptp, None);
                } else if flags.contains(&"POINTOPOINT") {
                    assert_eq!(got.ptp.as_deref(), a["address"].as_str(), "{name}");
                    assert_eq!(got.broadcast, None);
                } else {
                    assert_eq!((&got.broadcast, &got.ptp), (&None, &None), "{name}");
                }
            }
            seen += 1;
        }
        let links: Vec<_> = mine
            .iter()
            .filter(|x| x.family == AddressFamily::Link)
            .collect();
        match link["address"].as_str() {
            Some(mac) if link["link_type"] != "none" => {
                assert_eq!(links.len(), 1, "{name}");
                assert_eq!(links[0].address, mac, "{name}");
                let brd = link["broadcast"]
                    .as_str()
                    .filter(|_| flags.contains(&"BROADCAST"));
                assert_eq!(links[0].broadcast.as_deref(), brd, "{name}");
            }
            _ => assert!(links.is_empty(), "{name}: {links:?}"),
        }
        // Nothing more than ip lists: IP addresses plus at most one hardware address.
        assert_eq!(
            mine.len(),
            link["addr_info"].as_array().unwrap().len() + links.len(),
            "{name}: {mine:?}"
        );
    }
    assert!(seen > 0, "ip listed no address at all");
}

#[test]
fn if_addrs_match_ip_addr_and_psutil() {
    let _g = live();
    check_addrs_against_ip(None);
    let ours = serde_json::to_value(sysgauge::net_if_addrs().unwrap()).unwrap();
    let theirs = common::psutil("out = psutil.net_if_addrs()");
    assert_eq!(ours, theirs);
}

fn sysfs(nic: &str, attr: &str) -> Option<String> {
    std::fs::read_to_string(format!("/sys/class/net/{nic}/{attr}"))
        .ok()
        .map(|s| s.trim().to_string())
}

/// Checks `net_if_stats()` against `ip -j link` and `/sys/class/net`.
fn check_stats(stats: &BTreeMap<String, NicStats>, only: Option<&str>) {
    let mut seen = 0;
    for link in ip_json(&["-j", "link"]) {
        let name = link["ifname"].as_str().unwrap();
        if only.is_some_and(|p| !name.starts_with(p)) {
            continue;
        }
        let st = stats.get(name).unwrap_or_else(|| panic!("{name} missing"));
        seen += 1;
        assert_eq!(u64::from(st.mtu), link["mtu"].as_u64().unwrap(), "{name}");
        assert_eq!(sysfs(name, "mtu").unwrap(), st.mtu.to_string(), "{name}");
        // ip prints the IFF_* flags by name except RUNNING; it adds LOWER_UP, DORMANT,
        // ECHO (bits above 16 that SIOCGIFFLAGS cannot return), NO-CARRIER (up but not
        // running) and M-DOWN (a veth whose peer is down).
        const IP_ONLY: [&str; 5] = ["lower_up", "dormant", "echo", "no-carrier", "m-down"];
        let ip_flags: BTreeSet<String> = link["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_lowercase())
            .filter(|f| !IP_ONLY.contains(&f.as_str()))
            .collect();
        let our_flags: Vec<&str> = if st.flags.is_empty() {
            vec![]
        } else {
            st.flags.split(',').collect()
        };
        let without_running: BTreeSet<String> = our_flags
            .iter()
            .filter(|f| **f != "running")
            .map(|f| f.to_string())
            .collect();
        assert_eq!(without_running, ip_flags, "{name}: {}", st.flags);
        let up = our_flags.contains(&"up");
        let no_carrier = link["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "NO-CARRIER");
        assert_eq!(st.isup, up && !no_carrier, "{name}");
        assert_eq!(our_flags.contains(&"running"), st.isup, "{name}");
        // The kernel sets RUNNING for an up device whose operstate is up or unknown.
        let oper = sysfs(name, "operstate").unwrap();
        assert_eq!(
            st.isup,
            up && (oper == "up" || oper == "unknown"),
            "{name}: {oper}"
        );
        // sysfs gives speed and duplex only for running devices whose driver reports
        // them (EINVAL otherwise); ioctl also answers for down ones.
        if let Some(speed) = sysfs(name, "speed") {
            let speed: i64 = speed.parse().unwrap();
            assert_eq!(i64::from(st.speed), speed.max(0), "{name}");
        }
        if let Some(duplex) = sysfs(name, "duplex") {
            let want = match duplex.as_str() {
                "full" => NicDuplex::Full,
                "half" => NicDuplex::Half,
                _ => NicDuplex::Unknown,
            };
            assert_eq!(st.duplex, want, "{name}");
        }
    }
    assert!(seen > 0);
}

#[test]
fn if_stats_match_ip_link_sysfs_and_psutil() {
    let _g = live();
    let stats = sysgauge::net_if_stats().unwrap();
    check_stats(&stats, None);
    let lo = &stats["lo"];
    assert!(lo.isup && lo.flags.contains("loopback"));
    assert_eq!((lo.duplex, lo.speed), (NicDuplex::Unknown, 0));
    let theirs = common::psutil("out = psutil.net_if_stats()");
    assert_eq!(serde_json::to_value(&stats).unwrap(), theirs);
}

/// Test devices in the root namespace, removed on drop. Nothing leaves the machine: a veth
/// pair only talks to itself and a tun device without a reader drops everything.
struct Devices {
    prefix: String,
}

impl Devices {
    fn ip(args: &[&str]) -> Result<(), String> {
        let o = Command::new("ip")
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if o.status.success() {
            Ok(())
        } else {
            Err(format!(
                "ip {args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            ))
        }
    }

    fn create() -> Result<Devices, String> {
        let prefix = format!("sgt{}", std::process::id());
        let (a, b, t) = (
            format!("{prefix}a"),
            format!("{prefix}b"),
            format!("{prefix}t"),
        );
        Devices::ip(&["link", "add", &a, "type", "veth", "peer", "name", &b])?;
        let d = Devices { prefix };
        if let Err(e) = d.configure(&a, &b, &t) {
            panic!("configuring test devices: {e}"); // `d` removes what was created
        }
        Ok(d)
    }

    fn configure(&self, a: &str, b: &str, t: &str) -> Result<(), String> {
        let ip = Devices::ip;
        ip(&["addr", "add", "198.18.77.1/24", "brd", "+", "dev", a])?;
        ip(&["-6", "addr", "add", "2001:db8:77::1/64", "dev", a, "nodad"])?;
        ip(&["-6", "addr", "add", "fe80::77:1/64", "dev", a, "nodad"])?;
        ip(&["link", "set", b, "mtu", "1400"])?;
        ip(&["link", "set", a, "up"])?;
        ip(&["link", "set", b, "up"])?;
        ip(&["tuntap", "add", t, "mode", "tun"])?;
        ip(&[
            "addr",
            "add",
            "198.19.77.1",
            "peer",
            "198.19.77.2/32",
            "dev",
            t,
        ])?;
        Ok(())
    }
}

impl Drop for Devices {
    fn drop(&mut self) {
        let _ = Devices::ip(&["link", "del", &format!("{}a", self.prefix)]);
        let _ = Devices::ip(&["link", "del", &format!("{}t", self.prefix)]);
    }
}

#[test]
fn own_devices_ipv4_broadcast_ipv6_scopes_ptp_and_down() {
    let _g = live();
    let devs = match Devices::create() {
        Ok(d) => d,
        Err(e) => {
            println!("SKIPPED: cannot create test interfaces ({e})");
            return;
        }
    };
    let p = devs.prefix.clone();
    let (a, b, t) = (format!("{p}a"), format!("{p}b"), format!("{p}t"));

    let addrs = sysgauge::net_if_addrs().unwrap();
    let va = &addrs[&a];
    let fams: Vec<_> = va.iter().map(|x| x.family).collect();
    assert_eq!(fams[0], AddressFamily::Inet, "{va:?}");
    assert_eq!(*fams.last().unwrap(), AddressFamily::Link);
    let v4 = &va[0];
    assert_eq!(v4.address, "198.18.77.1");
    assert_eq!(v4.netmask.as_deref(), Some("255.255.255.0"));
    assert_eq!(v4.broadcast.as_deref(), Some("198.18.77.255"));
    assert_eq!(v4.ptp, None);
    let global = va.iter().find(|x| x.address == "2001:db8:77::1").unwrap();
    assert_eq!(global.netmask.as_deref(), Some("ffff:ffff:ffff:ffff::"));
    assert_eq!(global.broadcast, None);
    let ll = format!("fe80::77:1%{a}");
    assert!(va.iter().any(|x| x.address == ll), "{va:?}");
    let mac = va.last().unwrap();
    assert_eq!(Some(mac.address.clone()), sysfs(&a, "address"));
    assert_eq!(mac.broadcast.as_deref(), Some("ff:ff:ff:ff:ff:ff"));
    // Point-to-point: the peer is `ptp`; a tun device has no hardware address.
    let vt = &addrs[&t];
    assert_eq!(vt.len(), 1, "{vt:?}");
    assert_eq!(vt[0].address, "198.19.77.1");
    assert_eq!(vt[0].netmask.as_deref(), Some("255.255.255.255"));
    assert_eq!(
        (vt[0].broadcast.as_deref(), vt[0].ptp.as_deref()),
        (None, Some("198.19.77.2"))
    );
    check_addrs_against_ip(Some(&p));

    let stats = sysgauge::net_if_stats().unwrap();
    let sa = &stats[&a];
    assert!(sa.isup);
    assert_eq!(sa.flags, "up,broadcast,running,multicast");
    assert_eq!(
        (sa.duplex, sa.speed, sa.mtu),
        (NicDuplex::Full, 10_000, 1500)
    );
    assert_eq!(stats[&b].mtu, 1400);
    let st = &stats[&t];
    assert!(!st.isup, "tun without a reader is down");
    assert_eq!(st.flags, "pointopoint,noarp,multicast");
    check_stats(&stats, Some(&p));

    // psutil agrees on everything about these devices.
    let pick = |v: Value| -> Value {
        v.as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with(&p))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    assert_eq!(
        pick(serde_json::to_value(&addrs).unwrap()),
        pick(common::psutil("out = psutil.net_if_addrs()"))
    );
    assert_eq!(
        pick(serde_json::to_value(&stats).unwrap()),
        pick(common::psutil("out = psutil.net_if_stats()"))
    );
    // Peer down: `a` stays up but loses its carrier, so it is not running: psutil's isup
    // is false.
    Devices::ip(&["link", "set", &b, "down"]).unwrap();
    let stats = sysgauge::net_if_stats().unwrap();
    let sa = &stats[&a];
    assert!(!sa.isup, "{sa:?}");
    assert_eq!(sa.flags, "up,broadcast,multicast");
    assert!(!stats[&b].isup);
    check_stats(&stats, Some(&p));
    assert_eq!(
        pick(serde_json::to_value(&stats).unwrap()),
        pick(common::psutil("out = psutil.net_if_stats()"))
    );

    let io = sysgauge::net_io_counters_pernic().unwrap();
    for n in [&a, &b, &t] {
        assert!(io.contains_key(n), "{n}");
    }
    drop(devs);
    assert!(!sysgauge::net_if_stats().unwrap().contains_key(&a));
}
