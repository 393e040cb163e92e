//! Live tests of the disk functions against independent sources: `df`, `findmnt`,
//! `/proc/self/mounts` and `/proc/diskstats` read here with simple code, and psutil 7.2.2.
//! (Fixture tests are unit tests of the backend, `platform::linux::disk`.)

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use sysgauge::nowrap::Counters;
use sysgauge::{DiskIoCounters, DiskPartition, Error, NoWrap};

/// Other processes (cargo building this very crate) write to `/` while the tests run, so
/// used and free bytes may move between two reads; 512 MiB is far above what a few
/// milliseconds of writing can change and far below the sizes compared.
const MOVING_BYTES: f64 = 512.0 * 1024.0 * 1024.0;

fn fields(c: &DiskIoCounters) -> Vec<u64> {
    let mut v = Vec::new();
    c.clone().visit_counters(&mut |x| v.push(*x));
    v
}

/// Counters only grow: a value read between two of ours lies between them.
#[track_caller]
fn assert_between(lo: &DiskIoCounters, mid: &[u64], hi: &DiskIoCounters, what: &str) {
    let (l, h) = (fields(lo), fields(hi));
    assert_eq!(mid.len(), 9, "{what}");
    for i in 0..9 {
        assert!(
            l[i] <= mid[i] && mid[i] <= h[i],
            "{what}, field {i}: {l:?} / {mid:?} / {h:?}"
        );
    }
}

fn json_u64s(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_u64().expect("u64"))
        .collect()
}

// ------------------------------------------------------------------- usage

/// `df -B1 --output=size,used,avail PATH`: (size, used, avail) in bytes. df computes them
/// from statvfs as psutil does: f_blocks, f_blocks - f_bfree, f_bavail, times f_frsize.
fn df(path: &str) -> (u64, u64, u64) {
    let out = common::run("df", &["-B1", "--output=size,used,avail", path]);
    let line = out.lines().nth(1).expect("df prints a data line");
    let v: Vec<u64> = line
        .split_whitespace()
        .map(|s| s.parse().expect("df number"))
        .collect();
    (v[0], v[1], v[2])
}

#[test]
fn usage_matches_df() {
    for path in ["/", "/dev/shm"] {
        let u = sysgauge::disk_usage(path).unwrap();
        let (size, used, avail) = df(path);
        assert_eq!(u.total, size, "{path}: total");
        common::assert_close(
            &format!("{path} used"),
            u.used as f64,
            used as f64,
            MOVING_BYTES,
        );
        common::assert_close(
            &format!("{path} free"),
            u.free as f64,
            avail as f64,
            MOVING_BYTES,
        );
        // The percent is of the user's share (used + free), to one decimal.
        let expect = if u.used + u.free == 0 {
            0.0
        } else {
            u.used as f64 * 100.0 / (u.used + u.free) as f64
        };
        common::assert_close(&format!("{path} percent"), u.percent, expect, 0.05 + 1e-9);
        assert_eq!((u.percent * 10.0).round() / 10.0, u.percent);
    }
}

#[test]
fn usage_matches_psutil() {
    for path in ["/", "/dev/shm", "/proc"] {
        let ours = sysgauge::disk_usage(path).unwrap();
        let py = common::psutil(&format!("out = psutil.disk_usage({path:?})"));
        assert_eq!(py["total"].as_u64().unwrap(), ours.total, "{path}");
        let used = py["used"].as_u64().unwrap() as f64;
        let free = py["free"].as_u64().unwrap() as f64;
        common::assert_close(path, ours.used as f64, used, MOVING_BYTES);
        common::assert_close(path, ours.free as f64, free, MOVING_BYTES);
        // 512 MiB moving on a filesystem of at least several GiB changes the percent by
        // well under 1 point (and /dev/shm, /proc barely move).
        common::assert_close(path, ours.percent, py["percent"].as_f64().unwrap(), 1.0);
    }
}

#[test]
fn usage_of_a_missing_path_is_an_io_error_naming_it() {
    let e = sysgauge::disk_usage("/no/such/dir/sysgauge").unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    assert!(e.is_not_found());
    assert!(e.to_string().contains("/no/such/dir/sysgauge"), "{e}");
}

// -------------------------------------------------------------- partitions

/// getmntent's decoding, written plainly: \040 \011 \012 \134 and \\.
fn unescape(s: &str) -> String {
    s.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\")
        .replace("\\\\", "\\")
}

fn as_json(parts: &[DiskPartition]) -> Value {
    Value::Array(
        parts
            .iter()
            .map(|p| {
                serde_json::json!([
                    p.device.to_str().unwrap(),
                    p.mountpoint.to_str().unwrap(),
                    p.fstype,
                    p.opts
                ])
            })
            .collect(),
    )
}

#[test]
fn partitions_all_match_proc_self_mounts() {
    let ours = sysgauge::disk_partitions(true).unwrap();
    let text = std::fs::read_to_string("/proc/self/mounts").unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(ours.len(), lines.len());
    for (p, line) in ours.iter().zip(&lines) {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(p.mountpoint, Path::new(&unescape(f[1])), "{line}");
        assert_eq!(p.fstype, f[2], "{line}");
        assert_eq!(p.opts, f[3], "{line}");
        match f[0] {
            "none" => assert_eq!(p.device, Path::new("")),
            "/dev/root" | "rootfs" => {}
            dev => assert_eq!(p.device, Path::new(&unescape(dev)), "{line}"),
        }
    }
}

#[test]
fn partitions_match_psutil() {
    for (all, py_all) in [(true, "True"), (false, "False")] {
        let ours = sysgauge::disk_partitions(all).unwrap();
        let py = common::psutil(&format!(
            "out = [list(p) for p in psutil.disk_partitions(all={py_all})]"
        ));
        assert_eq!(as_json(&ours), py, "all={all}");
    }
}

/// `findmnt -rn -o TARGET,FSTYPE` (from /proc/self/mountinfo; raw mode writes unsafe
/// characters as `\xNN`).
fn findmnt() -> Vec<(String, String)> {
    let out = common::run("findmnt", &["-rn", "-o", "TARGET,FSTYPE"]);
    let unhex = |s: &str| {
        let mut bytes = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 4 <= b.len() {
                if let Ok(v) = u8::from_str_radix(&s[i + 2..i + 4], 16) {
                    bytes.push(v);
                    i += 4;
                    continue;
                }
            }
            bytes.push(b[i]);
            i += 1;
        }
        String::from_utf8(bytes).unwrap()
    };
    out.lines()
        .map(|l| {
            let (t, f) = l.split_once(' ').unwrap();
            (unhex(t), unhex(f))
        })
        .collect()
}

#[test]
fn partitions_match_findmnt_and_df() {
    let mut ours: Vec<(String, String)> = sysgauge::disk_partitions(true)
        .unwrap()
        .into_iter()
        .map(|p| (p.mountpoint.to_str().unwrap().to_string(), p.fstype))
        .collect();
    let mut theirs = findmnt();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);

    let physical = sysgauge::disk_partitions(false).unwrap();
    assert!(!physical.is_empty(), "no physical filesystem mounted?");
    for p in physical {
        let mp = p.mountpoint.to_str().unwrap();
        let out = common::run("df", &["-B1", "--output=source,target,size", mp]);
        let f: Vec<&str> = out.lines().nth(1).unwrap().split_whitespace().collect();
        assert_eq!(f[1], mp);
        assert_eq!(Path::new(f[0]), p.device, "{mp}");
        let total: u64 = f[2].parse().unwrap();
        assert_eq!(sysgauge::disk_usage(&p.mountpoint).unwrap().total, total);
    }
}

// ------------------------------------------------------------ I/O counters

/// `/proc/diskstats` read plainly (modern layout: name third, then the fields).
fn proc_diskstats() -> BTreeMap<String, Vec<u64>> {
    let text = std::fs::read_to_string("/proc/diskstats").unwrap();
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let n = |i: usize| f[i].parse::<u64>().unwrap();
            // read_count write_count read_bytes write_bytes read_time write_time
            // read_merged write_merged busy_time
            let v = vec![
                n(3),
                n(7),
                n(5) * 512,
                n(9) * 512,
                n(6),
                n(10),
                n(4),
                n(8),
                n(12),
            ];
            (f[2].to_string(), v)
        })
        .collect()
}

#[test]
fn raw_counters_match_proc_diskstats() {
    let before = sysgauge::disk_io_counters_raw().unwrap();
    let mid = proc_diskstats();
    let after = sysgauge::disk_io_counters_raw().unwrap();
    assert!(!mid.is_empty());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        mid.keys().collect::<Vec<_>>()
    );
    for (name, v) in &mid {
        assert_between(&before[name], v, &after[name], name);
    }
}

#[test]
fn perdisk_matches_psutil() {
    let before = sysgauge::disk_io_counters_perdisk().unwrap();
    let py = common::psutil("out = psutil.disk_io_counters(perdisk=True)");
    let after = sysgauge::disk_io_counters_perdisk().unwrap();
    let py = py.as_object().unwrap();
    assert_eq!(
        py.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (name, v) in py {
        let o = v.as_object().unwrap();
        // psutil's field order, by name.
        let mid: Vec<u64> = [
            "read_count",
            "write_count",
            "read_bytes",
            "write_bytes",
            "read_time",
            "write_time",
            "read_merged_count",
            "write_merged_count",
            "busy_time",
        ]
        .iter()
        .map(|k| o[*k].as_u64().unwrap())
        .collect();
        assert_between(&before[name], &mid, &after[name], name);
    }
}

#[test]
fn total_matches_psutil_and_sums_whole_disks() {
    let before = sysgauge::disk_io_counters().unwrap();
    let py = common::psutil("out = list(psutil.disk_io_counters())");
    let disks = sysgauge::disk_io_counters_raw_disks().unwrap();
    let after = sysgauge::disk_io_counters().unwrap();
    assert_between(&before, &json_u64s(&py), &after, "total");
    // The total is over whole disks: no partition of /proc/diskstats is in it.
    for name in disks.keys() {
        assert!(
            Path::new("/sys/block")
                .join(name.replace('/', "!"))
                .exists(),
            "{name}"
        );
    }
    let raw_sum = DiskIoCounters::sum(disks.values());
    assert_between(&before, &fields(&raw_sum), &after, "sum of whole disks");
}

#[test]
fn own_nowrap_memory_and_cache_clear() {
    let mut memory: NoWrap<DiskIoCounters> = NoWrap::new();
    let first = memory.apply(sysgauge::disk_io_counters_raw().unwrap());
    let second = memory.apply(sysgauge::disk_io_counters_raw().unwrap());
    for (name, a) in &first {
        if let Some(b) = second.get(name) {
            let (a, b) = (fields(a), fields(b));
            assert!(a.iter().zip(&b).all(|(x, y)| x <= y), "{name} went down");
        }
    }
    let total: DiskIoCounters = second.values().sum();
    assert!(total.read_count >= second.values().map(|c| c.read_count).max().unwrap_or(0));
    sysgauge::disk_io_counters_cache_clear();
    assert!(sysgauge::disk_io_counters().is_ok());
    assert!(!sysgauge::disk_io_counters_perdisk().unwrap().is_empty());
}
