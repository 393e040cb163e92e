//! `sysgauge disk-usage` (and its alias `df`), run as a program: its rows (psutil's
//! disk_usage.py) and JSON against the library's `disk_partitions(false)` + `disk_usage`,
//! psutil 7.2.2 and coreutils `df -B1`; and, on a fixture mounts file whose mount points
//! mostly do not exist here, the `?` rows and the escapes, against psutil.
//!
//! Filesystems fill and empty while the tests run (the build writes to them), so `used`
//! and `free` are bracketed between library calls made just before and just after the
//! program, with a slack, and retried; `total` must be exact.

mod common;

use common::{bracketed, retry, sysgauge, sysgauge_cmd};
use serde_json::Value;

const MIB: i128 = 1024 * 1024;
/// Slack on top of the bracket: other processes write to the same filesystems.
const SLACK: i128 = 64 * MIB;

const HEADER: &str = "Device               Total     Used     Free  Use %      Type  Mount";

/// The cells of one of our lines for a filesystem with this device and mount point:
/// total, used, free, percent (without `%`), type; checking the padding of each.
fn cells(line: &str, device: &str, mount: &str) -> [String; 5] {
    let middle = line
        .strip_prefix(&format!("{device:<17} "))
        .and_then(|l| l.strip_suffix(&format!("  {mount}")))
        .unwrap_or_else(|| panic!("{line:?} is not {device} ... {mount}"));
    let w: Vec<&str> = middle.split_whitespace().collect();
    assert_eq!(w.len(), 5, "{line:?}");
    let pct = w[3].strip_suffix('%').unwrap();
    assert_eq!(
        middle,
        format!(
            "{:>8} {:>8} {:>8} {:>5}% {:>9}",
            w[0], w[1], w[2], pct, w[4]
        ),
        "padding of {line:?}"
    );
    [w[0], w[1], w[2], pct, w[4]].map(String::from)
}

/// A `bytes2human` text as bytes, and half of its last digit's unit.
fn human_bytes(s: &str) -> (i128, i128) {
    let (num, unit) = s.split_at(s.len() - 1);
    let power = "BKMGTPE"
        .find(unit)
        .unwrap_or_else(|| panic!("unit of {s}"));
    let scale = 1i128 << (10 * power);
    let v: f64 = num.parse().unwrap();
    ((v * scale as f64) as i128, scale / 20 + 1)
}

/// One row of `df -B1 --output=source,size,used,avail,pcent,fstype,target <path>`.
#[derive(Debug)]
struct Df {
    source: String,
    size: i128,
    used: i128,
    avail: i128,
    pcent: i128,
    fstype: String,
    target: String,
}

fn df(path: &str) -> Df {
    let out = common::run(
        "df",
        &[
            "-B1",
            "--output=source,size,used,avail,pcent,fstype,target",
            path,
        ],
    );
    let l = out.lines().nth(1).expect("df's row");
    let mut w = l.split_whitespace();
    let mut next = || w.next().unwrap().to_string();
    let source = next();
    let size = next().parse().unwrap();
    let used = next().parse().unwrap();
    let avail = next().parse().unwrap();
    let pcent = next().trim_end_matches('%').parse().unwrap();
    let fstype = next();
    let target = w.collect::<Vec<_>>().join(" ");
    Df {
        source,
        size,
        used,
        avail,
        pcent,
        fstype,
        target,
    }
}

fn lossy(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn rows_match_library_and_df() {
    let parts = sysgauge::disk_partitions(false).unwrap();
    if parts.is_empty() {
        // A container whose root is an overlay may have no filesystem on a device.
        assert_eq!(sysgauge(&["disk-usage"]), format!("{HEADER}\n"));
        eprintln!("no filesystem on a device here: only the header checked");
        return;
    }
    retry("disk-usage rows", || {
        let before: Vec<_> = parts
            .iter()
            .map(|p| sysgauge::disk_usage(&p.mountpoint).unwrap())
            .collect();
        let out = sysgauge(&["disk-usage"]);
        let dfs: Vec<Df> = parts
            .iter()
            .map(|p| df(p.mountpoint.to_str().unwrap()))
            .collect();
        let after: Vec<_> = parts
            .iter()
            .map(|p| sysgauge::disk_usage(&p.mountpoint).unwrap())
            .collect();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], HEADER);
        // One row per partition of the library's disk_partitions(false), in its order.
        assert_eq!(lines.len(), parts.len() + 1, "{out}");
        for (i, p) in parts.iter().enumerate() {
            let (a, b, d) = (&before[i], &after[i], &dfs[i]);
            let (dev, mount) = (lossy(&p.device), lossy(&p.mountpoint));
            let [total, used, free, pct, fstype] = cells(lines[i + 1], &dev, &mount);
            let what = |f: &str| format!("{mount} {f}");
            assert_eq!(fstype, p.fstype);
            assert_eq!(total, sysgauge::bytes2human(a.total), "{}", what("total"));
            for (f, shown, x, y) in [
                ("used", &used, a.used, b.used),
                ("free", &free, a.free, b.free),
            ] {
                let (v, round) = human_bytes(shown);
                bracketed(&what(f), x.into(), v, y.into(), SLACK + round)?;
            }
            // int(percent): truncated.
            let pct: i128 = pct.parse().unwrap();
            let (pa, pb) = (a.percent.trunc() as i128, b.percent.trunc() as i128);
            bracketed(&what("percent"), pa, pct, pb, 0)?;
            // Against df, for the same mount point.
            assert_eq!(d.size, i128::from(a.total), "{}: df {d:?}", what("size"));
            bracketed(
                &what("df used"),
                a.used.into(),
                d.used,
                b.used.into(),
                SLACK,
            )?;
            bracketed(
                &what("df avail"),
                a.free.into(),
                d.avail,
                b.free.into(),
                SLACK,
            )?;
            // df rounds Use% up, the script truncates.
            bracketed(&what("df Use%"), pa, d.pcent, pb, 1)?;
            assert_eq!(d.fstype, fstype, "{}", what("type"));
            assert_eq!(d.target, mount);
            // psutil names the root device where df may say /dev/root.
            assert!(d.source == dev || d.source == "/dev/root", "{d:?} vs {dev}");
        }
        Ok(())
    });
}

#[test]
fn df_is_an_alias() {
    let a = sysgauge(&["df"]);
    let b = sysgauge(&["disk-usage"]);
    let firsts = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| l.split_whitespace().next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(firsts(&a), firsts(&b));
    assert!(a.starts_with(HEADER));
}

#[test]
fn json_matches_library_and_psutil() {
    retry("disk-usage --json", || {
        let parts = sysgauge::disk_partitions(false).unwrap();
        let before: Vec<_> = parts
            .iter()
            .map(|p| sysgauge::disk_usage(&p.mountpoint).unwrap())
            .collect();
        let out = sysgauge(&["disk-usage", "--json"]);
        let theirs = common::psutil(
            "out = [[p, psutil.disk_usage(p.mountpoint)] for p in psutil.disk_partitions(all=False)]",
        );
        let after: Vec<_> = parts
            .iter()
            .map(|p| sysgauge::disk_usage(&p.mountpoint).unwrap())
            .collect();
        let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
        let theirs = theirs.as_array().unwrap();
        assert_eq!(rows.len(), parts.len());
        assert_eq!(theirs.len(), parts.len(), "psutil's partitions");
        let keys = [
            "device",
            "mountpoint",
            "fstype",
            "opts",
            "total",
            "used",
            "free",
            "percent",
        ];
        let mut at = out.find('{').unwrap();
        for k in keys {
            at += out[at..].find(&format!("\"{k}\":")).unwrap() + 1;
        }
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.as_object().unwrap().len(), keys.len());
            let (p, a, b, t) = (&parts[i], &before[i], &after[i], &theirs[i]);
            assert_eq!(row["device"], lossy(&p.device).as_str());
            assert_eq!(row["mountpoint"], lossy(&p.mountpoint).as_str());
            assert_eq!(row["fstype"], p.fstype.as_str());
            assert_eq!(row["opts"], p.opts.as_str());
            // psutil's sdiskpart, exactly.
            for k in ["device", "mountpoint", "fstype", "opts"] {
                assert_eq!(row[k], t[0][k], "{k} vs psutil");
            }
            let n = |v: &Value| i128::from(v.as_u64().unwrap());
            assert_eq!(n(&row["total"]), i128::from(a.total));
            assert_eq!(row["total"], t[1]["total"], "total vs psutil");
            let m = p.mountpoint.display();
            bracketed(
                &format!("{m} used"),
                a.used.into(),
                n(&row["used"]),
                b.used.into(),
                SLACK,
            )?;
            bracketed(
                &format!("{m} free"),
                a.free.into(),
                n(&row["free"]),
                b.free.into(),
                SLACK,
            )?;
            bracketed(
                &format!("{m} psutil used"),
                a.used.into(),
                n(&t[1]["used"]),
                b.used.into(),
                SLACK,
            )?;
            bracketed(
                &format!("{m} psutil free"),
                a.free.into(),
                n(&t[1]["free"]),
                b.free.into(),
                SLACK,
            )?;
            let pct = row["percent"].as_f64().unwrap();
            if pct < a.percent.min(b.percent) - 0.2 || pct > a.percent.max(b.percent) + 0.2 {
                return Err(format!(
                    "{m} percent {pct} vs [{}, {}]",
                    a.percent, b.percent
                ));
            }
        }
        Ok(())
    });
}

/// A mounts file listing mount points that do not exist here (and escapes: a space, a
/// tab, a newline, a backslash): those rows show `?` where the script would stop with a
/// traceback; the partitions are psutil's.
#[test]
fn fixture_mounts_unreadable_rows_show_question_marks() {
    let proc = common::fixture("disk-mounts-escapes").join("proc");
    let run =
        |args: &[&str]| common::stdout_of(sysgauge_cmd(args).env("SYSGAUGE_PROCFS_PATH", &proc));
    let theirs = common::psutil_at(
        Some(&proc),
        r#"
out = []
for p in psutil.disk_partitions(all=False):
    try:
        u = psutil.disk_usage(p.mountpoint)
    except OSError:
        u = None
    out.append([p, u])
"#,
    );
    let theirs = theirs.as_array().unwrap();
    let rows: Vec<Value> = serde_json::from_str(&run(&["disk-usage", "--json"])).unwrap();
    let text = run(&["disk-usage"]);
    assert_eq!(rows.len(), theirs.len());
    assert!(rows.len() >= 7, "{rows:?}");
    let mut expect_text = vec![HEADER.to_string()];
    let mut unreadable = 0;
    for (row, t) in rows.iter().zip(theirs) {
        for k in ["device", "mountpoint", "fstype", "opts"] {
            assert_eq!(row[k], t[0][k], "{k}");
        }
        let (dev, mount) = (
            row["device"].as_str().unwrap(),
            row["mountpoint"].as_str().unwrap(),
        );
        if t[1].is_null() {
            unreadable += 1;
            for k in ["total", "used", "free", "percent"] {
                assert!(row[k].is_null(), "{mount}: {k} is {}", row[k]);
            }
            expect_text.push(format!(
                "{dev:<17} {:>8} {:>8} {:>8} {:>5}% {:>9}  {mount}",
                "?",
                "?",
                "?",
                "?",
                t[0]["fstype"].as_str().unwrap()
            ));
        } else {
            assert_eq!(row["total"], t[1]["total"], "{mount}");
            // A live filesystem: its line is checked for layout only.
            expect_text.push(String::new());
        }
    }
    assert!(unreadable >= 5, "{rows:?}");
    // Escapes decoded: the mount points as the kernel named them.
    let mounts: Vec<&str> = rows
        .iter()
        .map(|r| r["mountpoint"].as_str().unwrap())
        .collect();
    for m in [
        "/mnt/my disk",
        "/mnt/tab\there",
        "/mnt/new\nline",
        "/mnt/back\\slash",
    ] {
        assert!(mounts.contains(&m), "{m:?} in {mounts:?}");
    }
    // The text: one row per partition, in order; a mount point with a newline spans two
    // lines, as the script prints it.
    let mut rest = text.as_str();
    for (i, want) in expect_text.iter().enumerate() {
        let row = if i == 0 { None } else { Some(&rows[i - 1]) };
        let line = match row {
            Some(r) => {
                let mount = r["mountpoint"].as_str().unwrap();
                let end = rest.find('\n').unwrap();
                let end = if mount.contains('\n') {
                    end + 1 + rest[end + 1..].find('\n').unwrap()
                } else {
                    end
                };
                let line = &rest[..end];
                if want.is_empty() {
                    cells(line, r["device"].as_str().unwrap(), mount);
                } else {
                    assert_eq!(line, want);
                }
                line
            }
            None => {
                let line = rest.lines().next().unwrap();
                assert_eq!(line, want);
                line
            }
        };
        rest = &rest[line.len() + 1..];
    }
    assert!(rest.is_empty(), "left over: {rest:?}");
}
