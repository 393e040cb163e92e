//! `sysgauge ifconfig`, run as a program: its JSON against the library, psutil,
//! `/sys/class/net`, `ip -s -j link` (counters, which move, bracketed between two `ip`
//! reads) and `ip -j addr` (addresses); its text report (psutil's ifconfig.py) for `lo`
//! line by line, and the shape of every block.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};

use common::{bracketed, retry, sysgauge};
use serde_json::{json, Value};

/// `IFF_UP` and `IFF_BROADCAST` of `<linux/if.h>`.
const IFF_UP: u32 = 0x1;
const IFF_BROADCAST: u32 = 0x2;

fn ifconfig_json() -> BTreeMap<String, Value> {
    let out = sysgauge(&["ifconfig", "--json"]);
    let v: Value = serde_json::from_str(&out).expect("ifconfig --json prints JSON");
    v.as_object()
        .expect("an object")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `/sys/class/net/<nic>/<file>`, trimmed; `None` when it cannot be read.
fn sysfs(nic: &str, file: &str) -> Option<String> {
    std::fs::read_to_string(format!("/sys/class/net/{nic}/{file}"))
        .ok()
        .map(|s| s.trim().to_string())
}

/// The `IFF_*` flags of `nic` from `/sys/class/net/<nic>/flags` (hex).
fn sys_flags(nic: &str) -> u32 {
    let s = sysfs(nic, "flags").unwrap();
    u32::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

/// Whether `nic` has `IFF_RUNNING`, from sysfs: the kernel sets it (it is not in sysfs's
/// `flags`) when the interface is up and its operational state is `up` or `unknown`.
fn sys_running(nic: &str) -> bool {
    sys_flags(nic) & IFF_UP != 0
        && matches!(sysfs(nic, "operstate").as_deref(), Some("up" | "unknown"))
}

/// Whether `ip -j` (iproute2 with JSON output) can be run; says the calling test is
/// skipped when not (a sparse CI container may lack it).
fn have_ip_json() -> bool {
    let ok = std::process::Command::new("ip")
        .args(["-j", "link"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("skipped: `ip -j` (iproute2 with JSON output) cannot be run");
    }
    ok
}

/// `ip -s -j link`, by interface name.
fn ip_link() -> BTreeMap<String, Value> {
    let v: Value = serde_json::from_str(&common::run("ip", &["-s", "-j", "link"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| (l["ifname"].as_str().unwrap().to_string(), l.clone()))
        .collect()
}

/// `ip -j addr`, as a list of links.
fn ip_addr() -> Vec<Value> {
    let v: Value = serde_json::from_str(&common::run("ip", &["-j", "addr"])).unwrap();
    v.as_array().unwrap().clone()
}

fn n(v: &Value) -> i128 {
    i128::from(v.as_u64().unwrap_or_else(|| panic!("a count: {v}")))
}

fn v4_mask(prefix: u32) -> String {
    let bits = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    Ipv4Addr::from(bits).to_string()
}

fn v6_mask(prefix: u32) -> String {
    let bits = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    Ipv6Addr::from(bits).to_string()
}

/// The address lines ifconfig.py prints for `link` (one entry of `ip -j addr`): IPv4,
/// then IPv6, then the hardware address, each in `ip`'s order, which is `getifaddrs`'s.
/// `None` when ip's view cannot be mapped to getifaddrs's (an IPv4 label other than the
/// interface's name, a peer address, a link type without an Ethernet-like address).
fn expected_addr_lines(link: &Value) -> Option<Vec<String>> {
    let name = link["ifname"].as_str().unwrap();
    let infos = link["addr_info"].as_array().cloned().unwrap_or_default();
    let mut lines = Vec::new();
    for fam in ["inet", "inet6"] {
        for a in infos.iter().filter(|a| a["family"] == fam) {
            let local = a["local"].as_str()?;
            if a.get("address").is_some() {
                return None;
            }
            let prefix = u32::try_from(a["prefixlen"].as_u64()?).ok()?;
            if fam == "inet" {
                if a.get("label").and_then(Value::as_str).unwrap_or(name) != name {
                    return None;
                }
                lines.push(format!("    IPv4 address   : {local}"));
                if let Some(b) = a.get("broadcast").and_then(Value::as_str) {
                    lines.push(format!("         broadcast : {b}"));
                }
                lines.push(format!("         netmask   : {}", v4_mask(prefix)));
            } else {
                let addr = if a["scope"] == "link" {
                    format!("{local}%{name}")
                } else {
                    local.to_string()
                };
                lines.push(format!("    IPv6 address   : {addr}"));
                lines.push(format!("         netmask   : {}", v6_mask(prefix)));
            }
        }
    }
    if !matches!(link["link_type"].as_str(), Some("ether" | "loopback")) {
        return None;
    }
    lines.push(format!(
        "    MAC  address   : {}",
        link["address"].as_str()?
    ));
    if sys_flags(name) & IFF_BROADCAST != 0 {
        lines.push(format!(
            "         broadcast : {}",
            link["broadcast"].as_str()?
        ));
    }
    Some(lines)
}

#[test]
fn json_matches_library_sysfs_and_psutil() {
    let lib_addrs = sysgauge::net_if_addrs().unwrap();
    let lib_stats = sysgauge::net_if_stats().unwrap();
    let j = ifconfig_json();
    // One member per interface with an address, with exactly the three parts.
    let names: Vec<&String> = j.keys().collect();
    let lib_names: Vec<&String> = lib_addrs.keys().collect();
    assert_eq!(names, lib_names);
    for (nic, v) in &j {
        let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["addrs", "io_counters", "stats"]),
            "{nic}"
        );
        assert_eq!(v["addrs"], json!(lib_addrs[nic]), "{nic} addrs");
        assert_eq!(v["stats"], json!(lib_stats.get(nic)), "{nic} stats");
        if let Some(mtu) = sysfs(nic, "mtu") {
            assert_eq!(v["stats"]["mtu"].to_string(), mtu, "{nic} mtu");
        }
        if v["stats"].is_object() {
            let running = sys_running(nic);
            assert_eq!(v["stats"]["isup"], running, "{nic} isup");
        }
        let io = v["io_counters"].as_object().unwrap();
        let keys: Vec<&str> = io.keys().map(|k| k.as_str()).collect();
        let mut want = [
            "bytes_sent",
            "bytes_recv",
            "packets_sent",
            "packets_recv",
            "errin",
            "errout",
            "dropin",
            "dropout",
        ];
        want.sort();
        assert_eq!(keys, want, "{nic} io_counters");
    }

    // lo: 127.0.0.1/8, and the MTU sysfs gives.
    let lo = &j["lo"];
    assert!(
        lo["addrs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["family"] == 2
                && a["address"] == "127.0.0.1"
                && a["netmask"] == "255.0.0.0"),
        "{lo}"
    );
    assert_eq!(
        lo["stats"]["mtu"].as_u64().unwrap().to_string(),
        sysfs("lo", "mtu").unwrap()
    );

    // psutil: the same addresses, in the same order, and the same stats.
    let py =
        common::psutil("out = {'addrs': psutil.net_if_addrs(), 'stats': psutil.net_if_stats()}");
    let py_addrs = py["addrs"].as_object().unwrap();
    let py_names: BTreeSet<&String> = py_addrs.keys().collect();
    assert_eq!(py_names, j.keys().collect::<BTreeSet<_>>());
    for (nic, v) in &j {
        assert_eq!(v["addrs"], py_addrs[nic], "{nic}: addrs vs psutil");
        assert_eq!(v["stats"], py["stats"][nic], "{nic}: stats vs psutil");
    }
}

#[test]
fn counters_match_ip_link() {
    if !have_ip_json() {
        return;
    }
    retry("ifconfig --json counters vs ip -s -j link", || {
        let before = ip_link();
        let j = ifconfig_json();
        let after = ip_link();
        let mut compared = 0;
        for (nic, v) in &j {
            let (Some(b), Some(a)) = (before.get(nic), after.get(nic)) else {
                continue;
            };
            let io = &v["io_counters"];
            let (bs, as_) = (&b["stats64"], &a["stats64"]);
            for (ours, dir, theirs) in [
                ("bytes_recv", "rx", "bytes"),
                ("packets_recv", "rx", "packets"),
                ("errin", "rx", "errors"),
                ("bytes_sent", "tx", "bytes"),
                ("packets_sent", "tx", "packets"),
                ("errout", "tx", "errors"),
                ("dropout", "tx", "dropped"),
            ] {
                bracketed(
                    &format!("{nic} {ours}"),
                    n(&bs[dir][theirs]),
                    n(&io[ours]),
                    n(&as_[dir][theirs]),
                    0,
                )?;
            }
            // /proc/net/dev's receive drop column adds the missed packets.
            let missed = |s: &Value| s["rx"].get("missed").map_or(0, n);
            bracketed(
                &format!("{nic} dropin"),
                n(&bs["rx"]["dropped"]) + missed(bs),
                n(&io["dropin"]),
                n(&as_["rx"]["dropped"]) + missed(as_),
                0,
            )?;
            compared += 1;
        }
        if !j.contains_key("lo") || !before.contains_key("lo") {
            return Err("lo is missing".into());
        }
        assert!(compared >= 1);
        Ok(())
    });
}

#[test]
fn json_addresses_match_ip_addr() {
    if !have_ip_json() {
        return;
    }
    let j = ifconfig_json();
    let mut compared = 0;
    for link in ip_addr() {
        let name = link["ifname"].as_str().unwrap();
        let Some(v) = j.get(name) else {
            // getifaddrs lists a link with neither an IP nor a hardware address nowhere.
            assert!(
                link["addr_info"].as_array().is_none_or(|a| a.is_empty()),
                "{name} has addresses in ip but not in ifconfig"
            );
            continue;
        };
        let addrs = v["addrs"].as_array().unwrap();
        for fam in ["inet", "inet6"] {
            let fam_no = if fam == "inet" { 2 } else { 10 };
            let mut want = BTreeSet::new();
            for a in link["addr_info"].as_array().unwrap() {
                if a["family"] != fam {
                    continue;
                }
                let label = a.get("label").and_then(Value::as_str).unwrap_or(name);
                if label != name {
                    continue;
                }
                let local = a["local"].as_str().unwrap();
                let prefix = a["prefixlen"].as_u64().unwrap() as u32;
                let (addr, mask) = if fam == "inet" {
                    (local.to_string(), v4_mask(prefix))
                } else if a["scope"] == "link" {
                    (format!("{local}%{name}"), v6_mask(prefix))
                } else {
                    (local.to_string(), v6_mask(prefix))
                };
                want.insert((addr, mask));
            }
            let got: BTreeSet<(String, String)> = addrs
                .iter()
                .filter(|a| a["family"] == fam_no)
                .map(|a| {
                    (
                        a["address"].as_str().unwrap().to_string(),
                        a["netmask"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{name} {fam}");
            compared += want.len();
        }
        if matches!(link["link_type"].as_str(), Some("ether" | "loopback")) {
            let mac: Vec<&Value> = addrs.iter().filter(|a| a["family"] == 17).collect();
            assert_eq!(mac.len(), 1, "{name}");
            assert_eq!(mac[0]["address"], link["address"], "{name} MAC");
        }
    }
    assert!(compared >= 1, "no IP address compared");
}

/// A `bytes2human` string as `(symbol rank, value)`, which orders as the byte counts do.
fn human_rank(s: &str) -> (usize, f64) {
    let symbols = ["B", "K", "M", "G", "T", "P", "E", "Z", "Y"];
    let cut = s.len() - 1;
    let rank = symbols.iter().position(|x| *x == &s[cut..]).unwrap();
    (rank, s[..cut].parse().unwrap())
}

/// The `bytes=…, pkts=…, errs=…, drops=…` fields of a counters line.
fn traffic_fields(line: &str, label: &str) -> (String, i128, i128, i128) {
    let rest = line
        .strip_prefix(&format!("    {label:<15}: "))
        .unwrap_or_else(|| panic!("{line:?} is not a {label} line"));
    let f: Vec<&str> = rest.split(", ").collect();
    assert_eq!(f.len(), 4, "{line:?}");
    let get = |i: usize, key: &str| {
        f[i].strip_prefix(&format!("{key}="))
            .unwrap_or_else(|| panic!("{line:?}: no {key}"))
            .to_string()
    };
    let num = |i, key| get(i, key).parse::<i128>().unwrap();
    (
        get(0, "bytes"),
        num(1, "pkts"),
        num(2, "errs"),
        num(3, "drops"),
    )
}

#[test]
fn text_has_ifconfig_py_lines_for_lo() {
    if !have_ip_json() {
        return;
    }
    retry("ifconfig text for lo", || {
        let before = ip_link();
        let out = sysgauge(&["ifconfig"]);
        let after = ip_link();
        // Blocks: "name:", indented lines, then an empty line; in the JSON's order.
        let blocks: Vec<Vec<&str>> = out
            .split("\n\n")
            .filter(|b| !b.is_empty())
            .map(|b| b.lines().collect())
            .collect();
        assert!(out.ends_with("\n\n"), "{out:?}");
        let heads: Vec<&str> = blocks.iter().map(|b| b[0]).collect();
        let j = ifconfig_json();
        let want_heads: Vec<String> = j.keys().map(|k| format!("{k}:")).collect();
        assert_eq!(heads, want_heads);
        for b in &blocks {
            assert!(b[1..].iter().all(|l| l.starts_with("    ")), "{b:?}");
        }
        let lo = blocks.iter().find(|b| b[0] == "lo:").ok_or("no lo block")?;
        let st = &j["lo"]["stats"];
        let duplex = match st["duplex"].as_u64().unwrap() {
            2 => "full",
            1 => "half",
            _ => "?",
        };
        let up = if sys_running("lo") { "yes" } else { "no" };
        assert_eq!(
            lo[1],
            format!(
                "    stats          : speed={}MB, duplex={duplex}, mtu={}, up={up}",
                st["speed"],
                sysfs("lo", "mtu").unwrap()
            )
        );
        let (b, a) = (&before["lo"]["stats64"], &after["lo"]["stats64"]);
        for (line, label, dir) in [(lo[2], "incoming", "rx"), (lo[3], "outgoing", "tx")] {
            let (bytes, pkts, errs, drops) = traffic_fields(line, label);
            let (hb, ha) = (
                sysgauge::bytes2human(b[dir]["bytes"].as_u64().unwrap()),
                sysgauge::bytes2human(a[dir]["bytes"].as_u64().unwrap()),
            );
            let r = human_rank(&bytes);
            if r < human_rank(&hb) || r > human_rank(&ha) {
                return Err(format!("lo {label} bytes {bytes} not within [{hb}, {ha}]"));
            }
            bracketed(
                &format!("lo {label} pkts"),
                n(&b[dir]["packets"]),
                pkts,
                n(&a[dir]["packets"]),
                0,
            )?;
            bracketed(
                &format!("lo {label} errs"),
                n(&b[dir]["errors"]),
                errs,
                n(&a[dir]["errors"]),
                0,
            )?;
            bracketed(
                &format!("lo {label} drops"),
                n(&b[dir]["dropped"]),
                drops,
                n(&a[dir]["dropped"]),
                0,
            )?;
        }
        let link = ip_addr().into_iter().find(|l| l["ifname"] == "lo").unwrap();
        let want = expected_addr_lines(&link).expect("lo maps to getifaddrs");
        assert_eq!(lo[4..], want[..]);
        assert!(lo[4..].contains(&"    IPv4 address   : 127.0.0.1"));
        Ok(())
    });
}

#[test]
fn text_address_lines_match_ip_addr() {
    if !have_ip_json() {
        return;
    }
    let out = sysgauge(&["ifconfig"]);
    let mut compared = 0;
    for link in ip_addr() {
        let name = link["ifname"].as_str().unwrap();
        let Some(want) = expected_addr_lines(&link) else {
            println!("{name}: not compared (ip's view differs from getifaddrs's)");
            continue;
        };
        let Some(block) = out
            .split("\n\n")
            .find(|b| b.starts_with(&format!("{name}:\n")))
        else {
            panic!("no block for {name} in\n{out}");
        };
        // After the name, the stats line and the two counter lines.
        let lines: Vec<&str> = block.lines().collect();
        assert!(
            lines[1].starts_with("    stats          : speed="),
            "{block}"
        );
        assert!(
            lines[2].starts_with("    incoming       : bytes="),
            "{block}"
        );
        assert!(
            lines[3].starts_with("    outgoing       : bytes="),
            "{block}"
        );
        assert_eq!(lines[4..], want[..], "{name}");
        compared += 1;
    }
    assert!(compared >= 1);
}
