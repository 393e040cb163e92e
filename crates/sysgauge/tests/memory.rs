//! Live `virtual_memory()` and `swap_memory()` against `/proc/meminfo` and `/proc/vmstat`
//! read here, procps `free -b`, and psutil 7.2.2.
//!
//! Memory moves between two reads (other processes allocate, the page cache grows), so each
//! comparison brackets the oracle's reading between two sysgauge readings taken just before
//! and just after it, widened by a small slack, and the whole comparison is retried a few
//! times before failing. Totals must match exactly. (Exact equality on the same bytes is
//! tested in the backend's unit tests, which give sysgauge and psutil one snapshot of /proc.)

mod common;

use common::{bracketed, retry};

use std::collections::BTreeMap;

use sysgauge::{swap_memory, virtual_memory, SwapMemory, VirtualMemory};

const MIB: i128 = 1024 * 1024;
/// Slack on top of the bracket: the oracle (a Python start-up, a `free` run) takes up to a
/// few hundred milliseconds, and the kernel's per-CPU counters are folded into the global
/// ones in batches of up to a few MiB.
const SLACK: i128 = 16 * MIB;

fn vm_fields(v: &VirtualMemory) -> BTreeMap<&'static str, i128> {
    BTreeMap::from([
        ("total", v.total.into()),
        ("available", v.available.into()),
        ("used", v.used.into()),
        ("free", v.free.into()),
        ("active", v.active.into()),
        ("inactive", v.inactive.into()),
        ("buffers", v.buffers.into()),
        ("cached", v.cached.into()),
        ("shared", v.shared.into()),
        ("slab", v.slab.into()),
    ])
}

/// `/proc/meminfo` read with simple code: name -> bytes.
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

/// The pswpin/pswpout lines of `/proc/vmstat`, in pages.
fn vmstat_swap() -> (i128, i128) {
    let text = std::fs::read_to_string("/proc/vmstat").unwrap();
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix(' ')?.trim().parse().ok())
            .unwrap()
    };
    (get("pswpin"), get("pswpout"))
}

#[test]
fn fields_are_consistent() {
    let v = virtual_memory().unwrap();
    assert!(v.total > 0);
    assert!(v.available <= v.total);
    assert!(v.free <= v.total);
    assert_eq!(v.used, v.total - v.available);
    let pct = (v.total - v.available) as f64 / v.total as f64 * 100.0;
    common::assert_close("percent", v.percent, pct, 0.05);
    let s = swap_memory().unwrap();
    assert_eq!(s.used, s.total - s.free);
    if s.total == 0 {
        assert_eq!(s.percent, 0.0);
    }
    // Field order and names are psutil's.
    let json = serde_json::to_string(&v).unwrap();
    let keys = common::SVMEM_FIELDS;
    let pos: Vec<usize> = keys
        .iter()
        .map(|k| json.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{json}");
    let json = serde_json::to_string(&s).unwrap();
    let keys = ["total", "used", "free", "percent", "sin", "sout"];
    let pos: Vec<usize> = keys
        .iter()
        .map(|k| json.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{json}");
}

#[test]
fn virtual_memory_matches_proc_meminfo() {
    retry("meminfo", || {
        let a = virtual_memory().unwrap();
        let m = meminfo();
        let b = virtual_memory().unwrap();
        let (fa, fb) = (vm_fields(&a), vm_fields(&b));
        let g = |k: &str| m.get(k).copied().unwrap_or(0);
        let expect = [
            ("total", g("MemTotal")),
            ("free", g("MemFree")),
            ("available", g("MemAvailable")),
            ("buffers", g("Buffers")),
            ("cached", g("Cached") + g("SReclaimable")),
            ("shared", g("Shmem")),
            ("active", g("Active")),
            ("inactive", g("Inactive")),
            ("slab", g("Slab")),
            ("used", g("MemTotal") - g("MemAvailable")),
        ];
        assert!(
            m.contains_key("MemAvailable"),
            "this test assumes a kernel >= 3.14"
        );
        assert_eq!(fa["total"], g("MemTotal"), "total is exact");
        for (k, want) in expect {
            bracketed(k, fa[k], want, fb[k], SLACK)?;
        }
        Ok(())
    });
}

#[test]
fn virtual_memory_matches_psutil() {
    retry("psutil virtual_memory", || {
        let a = virtual_memory().unwrap();
        let p = common::psutil("out = psutil.virtual_memory()");
        let b = virtual_memory().unwrap();
        let keys: Vec<&str> = p.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys.len(), 11, "psutil fields: {keys:?}");
        assert_eq!(p["total"].as_u64().unwrap(), a.total, "total is exact");
        let (fa, fb) = (vm_fields(&a), vm_fields(&b));
        for (k, va) in &fa {
            let want = i128::from(p[*k].as_u64().unwrap());
            bracketed(k, *va, want, fb[k], SLACK)?;
        }
        let pp = p["percent"].as_f64().unwrap();
        let lo = a.percent.min(b.percent) - 0.2;
        let hi = a.percent.max(b.percent) + 0.2;
        if !(lo..=hi).contains(&pp) {
            return Err(format!("percent {pp} outside [{lo}, {hi}]"));
        }
        Ok(())
    });
}

#[test]
fn swap_memory_matches_psutil_meminfo_and_vmstat() {
    retry("swap", || {
        let a = swap_memory().unwrap();
        let p = common::psutil("out = psutil.swap_memory()");
        let m = meminfo();
        let (pin, pout) = vmstat_swap();
        let b = swap_memory().unwrap();
        assert_eq!(a.total, p["total"].as_u64().unwrap(), "total is exact");
        assert_eq!(i128::from(a.total), m["SwapTotal"], "total is exact");
        let pairs: [(&str, i128, i128, i128); 4] = [
            (
                "used",
                a.used.into(),
                p["used"].as_i64().unwrap().into(),
                b.used.into(),
            ),
            (
                "free",
                a.free.into(),
                p["free"].as_i64().unwrap().into(),
                b.free.into(),
            ),
            (
                "sin",
                a.sin.into(),
                p["sin"].as_i64().unwrap().into(),
                b.sin.into(),
            ),
            (
                "sout",
                a.sout.into(),
                p["sout"].as_i64().unwrap().into(),
                b.sout.into(),
            ),
        ];
        for (k, x, want, y) in pairs {
            bracketed(k, x, want, y, SLACK)?;
        }
        bracketed(
            "free vs meminfo",
            a.free.into(),
            m["SwapFree"],
            b.free.into(),
            SLACK,
        )?;
        // Swap counters only grow: /proc/vmstat read between the two calls lies between them.
        bracketed("sin vs vmstat", a.sin.into(), pin * 4096, b.sin.into(), 0)?;
        bracketed(
            "sout vs vmstat",
            a.sout.into(),
            pout * 4096,
            b.sout.into(),
            0,
        )?;
        Ok(())
    });
}

/// `free -b` (procps-ng): its columns with the same definitions as psutil's fields.
///
/// - total = MemTotal, free = MemFree, shared = Shmem, available = MemAvailable.
/// - buff/cache = Buffers + Cached + SReclaimable = psutil's `buffers + cached`.
/// - used: procps-ng >= 4.0.1 prints `total - available`, psutil 7's `used`; older procps
///   (3.3.x) printed `total - free - buffers - cache`, a different quantity, so "used" is
///   only compared when `free -V` says 4.x or later.
/// - Swap: total, used (= total - free), free.
#[test]
fn matches_free_b() {
    let version = common::run("free", &["-V"]);
    let major: u32 = version
        .split_whitespace()
        .last()
        .and_then(|v| v.split('.').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    retry("free -b", || {
        let a = virtual_memory().unwrap();
        let sa = swap_memory().unwrap();
        let out = common::run("free", &["-b"]);
        let b = virtual_memory().unwrap();
        let sb = swap_memory().unwrap();
        let mut lines = out.lines();
        let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
        let row = |name: &str| -> Vec<i128> {
            out.lines()
                .find(|l| l.starts_with(name))
                .unwrap()
                .split_whitespace()
                .skip(1)
                .map(|v| v.parse().unwrap())
                .collect()
        };
        let mem = row("Mem:");
        let col = |name: &str| mem[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(col("total"), i128::from(a.total), "total is exact");
        let (fa, fb) = (vm_fields(&a), vm_fields(&b));
        bracketed("free", fa["free"], col("free"), fb["free"], SLACK)?;
        bracketed("shared", fa["shared"], col("shared"), fb["shared"], SLACK)?;
        bracketed(
            "available",
            fa["available"],
            col("available"),
            fb["available"],
            SLACK,
        )?;
        let bc = |v: &VirtualMemory| i128::from(v.buffers + v.cached);
        bracketed("buff/cache", bc(&a), col("buff/cache"), bc(&b), SLACK)?;
        if major >= 4 {
            bracketed("used", fa["used"], col("used"), fb["used"], SLACK)?;
        }
        let swap = row("Swap:");
        assert_eq!(swap[0], i128::from(sa.total), "swap total is exact");
        let s = |v: &SwapMemory| (i128::from(v.used), i128::from(v.free));
        bracketed("swap used", s(&sa).0, swap[1], s(&sb).0, SLACK)?;
        bracketed("swap free", s(&sa).1, swap[2], s(&sb).1, SLACK)?;
        Ok(())
    });
}
