//! `sysgauge free`, run as a program: its JSON against the library and `/proc/meminfo`, and
//! its table's layout (psutil's free.py) and values.
//!
//! Memory moves between two reads, so values taken by the program are bracketed between
//! library calls made just before and just after it, with a small slack, and the check is
//! retried a few times; totals must be exact.

mod common;

use common::{bracketed, retry};

use std::collections::BTreeMap;

use common::sysgauge;

const MIB: i128 = 1024 * 1024;
/// Slack on top of the bracket (the kernel folds per-CPU counters in batches of a few MiB).
const SLACK: i128 = 16 * MIB;

/// `/proc/meminfo`, name -> bytes, read with simple code.
fn meminfo() -> BTreeMap<String, i128> {
    std::fs::read_to_string("/proc/meminfo")
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            let n: i128 = v.split_whitespace().next().unwrap().parse().unwrap();
            (k.to_string(), n * 1024)
        })
        .collect()
}

fn json_of<T: serde::Serialize>(t: &T) -> serde_json::Value {
    serde_json::to_value(t).unwrap()
}

#[test]
fn json_matches_library_and_meminfo() {
    retry("free --json", || {
        let va = json_of(&sysgauge::virtual_memory().unwrap());
        let sa = json_of(&sysgauge::swap_memory().unwrap());
        let out = sysgauge(&["free", "--json"]);
        let m = meminfo();
        let vb = json_of(&sysgauge::virtual_memory().unwrap());
        let sb = json_of(&sysgauge::swap_memory().unwrap());
        let j: serde_json::Value = serde_json::from_str(&out).unwrap();
        let top: Vec<&String> = j.as_object().unwrap().keys().collect();
        assert_eq!(top, ["swap_memory", "virtual_memory"]);
        // Same field names as the library's (psutil's); their order is checked below.
        for (section, lib) in [("virtual_memory", &va), ("swap_memory", &sa)] {
            let lib_keys: Vec<&String> = lib.as_object().unwrap().keys().collect();
            let got_keys: Vec<&String> = j[section].as_object().unwrap().keys().collect();
            assert_eq!(got_keys, lib_keys, "{section}");
        }
        assert_eq!(j["virtual_memory"].as_object().unwrap().len(), 11);
        assert_eq!(j["swap_memory"].as_object().unwrap().len(), 6);
        let vm = &j["virtual_memory"];
        let sw = &j["swap_memory"];
        let n = |v: &serde_json::Value| i128::from(v.as_u64().unwrap());
        assert_eq!(n(&vm["total"]), n(&va["total"]), "total is exact");
        assert_eq!(n(&vm["total"]), m["MemTotal"], "total is MemTotal");
        assert_eq!(n(&sw["total"]), m["SwapTotal"], "swap total is SwapTotal");
        for k in [
            "available",
            "used",
            "free",
            "active",
            "inactive",
            "buffers",
            "cached",
            "shared",
            "slab",
        ] {
            bracketed(k, n(&va[k]), n(&vm[k]), n(&vb[k]), SLACK)?;
        }
        for k in ["used", "free", "sin", "sout"] {
            bracketed(k, n(&sa[k]), n(&sw[k]), n(&sb[k]), SLACK)?;
        }
        let g = |k: &str| m.get(k).copied().unwrap_or(0);
        bracketed(
            "free vs MemFree",
            n(&va["free"]),
            g("MemFree"),
            n(&vb["free"]),
            SLACK,
        )?;
        bracketed(
            "cached vs Cached + SReclaimable",
            n(&va["cached"]),
            g("Cached") + g("SReclaimable"),
            n(&vb["cached"]),
            SLACK,
        )?;
        let p = vm["percent"].as_f64().unwrap();
        let (pa, pb) = (
            va["percent"].as_f64().unwrap(),
            vb["percent"].as_f64().unwrap(),
        );
        if p < pa.min(pb) - 0.2 || p > pa.max(pb) + 0.2 {
            return Err(format!("percent {p} outside [{pa}, {pb}]"));
        }
        Ok(())
    });
}

#[test]
fn json_keys_are_in_psutil_order() {
    let out = sysgauge(&["free", "--json"]);
    let order = |keys: &[&str], from: usize| {
        let mut at = from;
        for k in keys {
            let p = out[at..]
                .find(&format!("\"{k}\":"))
                .unwrap_or_else(|| panic!("{k} after byte {at} in {out}"));
            at += p + 1;
        }
    };
    let vm_at = out.find("\"virtual_memory\"").unwrap();
    let sw_at = out.find("\"swap_memory\"").unwrap();
    assert!(vm_at < sw_at, "virtual_memory comes first");
    order(&common::SVMEM_FIELDS, vm_at);
    order(&common::SSWAP_FIELDS, sw_at);
}

#[test]
fn table_has_free_py_layout_and_values() {
    retry("free table", || {
        let va = sysgauge::virtual_memory().unwrap();
        let sa = sysgauge::swap_memory().unwrap();
        let out = sysgauge(&["free"]);
        let m = meminfo();
        let vb = sysgauge::virtual_memory().unwrap();
        let sb = sysgauge::swap_memory().unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert_eq!(
            lines[0],
            "             total       used       free     shared    buffers      cache"
        );
        assert!(lines[1].starts_with("Mem:   ") && lines[2].starts_with("Swap:  "));
        // 7 characters of row name, then six " %10s" cells (blank ones for Swap).
        assert_eq!(lines[1].len(), 7 + 6 * 11, "{:?}", lines[1]);
        assert_eq!(lines[2].len(), 7 + 6 * 11, "{:?}", lines[2]);
        assert!(lines[2].ends_with(&" ".repeat(33)));
        let cells = |l: &str| -> Vec<i128> {
            (0..6)
                .filter_map(|i| l.get(8 + 11 * i..7 + 11 * (i + 1)))
                .filter(|c| !c.trim().is_empty())
                .map(|c| {
                    assert!(c.starts_with(' ') || c.len() == 10);
                    c.trim().parse().unwrap()
                })
                .collect()
        };
        let mem = cells(lines[1]);
        let swap = cells(lines[2]);
        assert_eq!((mem.len(), swap.len()), (6, 3));
        // Totals: MemTotal and SwapTotal are in KiB already: exact.
        assert_eq!(mem[0], m["MemTotal"] / 1024);
        assert_eq!(swap[0], m["SwapTotal"] / 1024);
        let k = |b: u64| i128::from(b / 1024);
        let s = SLACK / 1024;
        bracketed("used", k(va.used), mem[1], k(vb.used), s)?;
        bracketed("free", k(va.free), mem[2], k(vb.free), s)?;
        bracketed("shared", k(va.shared), mem[3], k(vb.shared), s)?;
        bracketed("buffers", k(va.buffers), mem[4], k(vb.buffers), s)?;
        bracketed("cache", k(va.cached), mem[5], k(vb.cached), s)?;
        bracketed("swap used", k(sa.used), swap[1], k(sb.used), s)?;
        bracketed("swap free", k(sa.free), swap[2], k(sb.free), s)?;
        Ok(())
    });
}
