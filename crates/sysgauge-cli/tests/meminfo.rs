//! `sysgauge meminfo`, run as a program: its lines (psutil's meminfo.py: `MEMORY` then
//! `SWAP`, each field capitalized and padded, sizes through `bytes2human`) against the
//! library, `/proc/meminfo`, `/proc/vmstat` and `free -b`; its JSON against the library;
//! and, on a fixture `/proc`, every line exactly and the JSON against psutil 7.2.2.
//!
//! Memory moves between two reads, so live values are bracketed between library calls
//! made just before and just after the program, with a slack (plus, for the text, the
//! rounding of `bytes2human`), and the check is retried a few times; totals must be exact.

mod common;

use std::collections::BTreeMap;

use common::{bracketed, retry, sysgauge, sysgauge_cmd};
use serde_json::Value;

const MIB: i128 = 1024 * 1024;
/// Slack on top of the bracket (the kernel folds per-CPU counters in batches of a few MiB).
const SLACK: i128 = 16 * MIB;

const MEMORY: [&str; 11] = common::SVMEM_FIELDS;
const SWAP: [&str; 6] = common::SSWAP_FIELDS;

/// `/proc/<file>` as name -> number (the first number after the name), read simply.
fn numbers(file: &str, sep: char) -> BTreeMap<String, i128> {
    std::fs::read_to_string(format!("/proc/{file}"))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(sep)?;
            Some((
                k.trim().to_string(),
                v.split_whitespace().next()?.parse().ok()?,
            ))
        })
        .collect()
}

/// `free -b`: the `Mem:` and `Swap:` rows, column name -> bytes.
fn free_b() -> (BTreeMap<String, i128>, BTreeMap<String, i128>) {
    let out = common::run("free", &["-b"]);
    let mut lines = out.lines();
    let head: Vec<String> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect();
    let mut mem = BTreeMap::new();
    let mut swap = BTreeMap::new();
    for l in lines {
        let mut w = l.split_whitespace();
        let row = match w.next() {
            Some("Mem:") => &mut mem,
            Some("Swap:") => &mut swap,
            _ => continue,
        };
        for (h, v) in head.iter().zip(w) {
            row.insert(h.clone(), v.parse().unwrap());
        }
    }
    (mem, swap)
}

/// The label meminfo.py gives field `name` (Python's `str.capitalize`).
fn label(name: &str) -> String {
    let mut c = name.chars();
    let first = c.next().unwrap().to_ascii_uppercase();
    format!("{first}{}", c.as_str())
}

/// The value part of a `bytes2human` text, as bytes, and half of its last digit's unit
/// (the most rounding can have moved it).
fn human_bytes(s: &str) -> (i128, i128) {
    let (num, unit) = s.split_at(s.len() - 1);
    let power = "BKMGTPE"
        .find(unit)
        .unwrap_or_else(|| panic!("unit of {s}"));
    let scale = 1i128 << (10 * power);
    let v: f64 = num.parse().unwrap();
    ((v * scale as f64) as i128, scale / 20 + 1)
}

/// `(label, value)` of each line of a section.
type Fields = Vec<(String, String)>;

/// The program's text split into the two sections' `(label, value)` pairs, checking the
/// lines that are not fields.
fn sections(out: &str) -> (Fields, Fields) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2 + 11 + 1 + 2 + 6, "{out}");
    assert_eq!(&lines[..2], ["MEMORY", "------"]);
    assert_eq!(&lines[13..16], ["", "SWAP", "----"]);
    let field = |l: &&str| -> (String, String) {
        // "{:<10} : {:>7}"
        assert!(l.len() >= 20, "{l:?}");
        assert_eq!(&l[10..13], " : ", "{l:?}");
        let value = &l[13..];
        assert!(value.len() == 7 || !value.starts_with(' '), "{l:?}");
        (l[..10].trim_end().to_string(), value.trim().to_string())
    };
    (
        lines[2..13].iter().map(field).collect(),
        lines[16..].iter().map(field).collect(),
    )
}

fn json_of<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}

fn n(v: &Value) -> i128 {
    i128::from(v.as_u64().unwrap())
}

#[test]
fn text_has_meminfo_py_layout_and_values() {
    retry("meminfo text", || {
        let va = json_of(&sysgauge::virtual_memory().unwrap());
        let sa = json_of(&sysgauge::swap_memory().unwrap());
        let out = sysgauge(&["meminfo"]);
        let m = numbers("meminfo", ':');
        let vmstat = numbers("vmstat", ' ');
        let (fm, fs) = free_b();
        let vb = json_of(&sysgauge::virtual_memory().unwrap());
        let sb = json_of(&sysgauge::swap_memory().unwrap());
        let (mem, swap) = sections(&out);
        let names: Vec<String> = mem.iter().map(|(l, _)| l.clone()).collect();
        let want: Vec<String> = MEMORY.iter().map(|f| label(f)).collect();
        assert_eq!(names, want);
        let names: Vec<String> = swap.iter().map(|(l, _)| l.clone()).collect();
        let want: Vec<String> = SWAP.iter().map(|f| label(f)).collect();
        assert_eq!(names, want);

        let kib = |k: &str| m.get(k).copied().unwrap_or(0) * 1024;
        // Totals do not move: exact, through bytes2human.
        let total = sysgauge::bytes2human(kib("MemTotal") as u64);
        assert_eq!(mem[0].1, total, "Total is MemTotal");
        assert_eq!(total, sysgauge::bytes2human(fm["total"] as u64), "free -b");
        assert_eq!(swap[0].1, sysgauge::bytes2human(kib("SwapTotal") as u64));
        assert_eq!(swap[0].1, sysgauge::bytes2human(fs["total"] as u64));

        // (field, sysgauge before, value printed, sysgauge after, independent value)
        let mut checks: Vec<(String, i128, &str, i128, i128)> = Vec::new();
        let independent = [
            kib("MemTotal"),
            kib("MemAvailable"),
            0,
            kib("MemTotal") - kib("MemAvailable"),
            kib("MemFree"),
            kib("Active"),
            kib("Inactive"),
            kib("Buffers"),
            kib("Cached") + kib("SReclaimable"),
            kib("Shmem"),
            kib("Slab"),
        ];
        for (i, f) in MEMORY.iter().enumerate() {
            if *f != "percent" {
                checks.push((
                    format!("memory {f}"),
                    n(&va[f]),
                    &mem[i].1,
                    n(&vb[f]),
                    independent[i],
                ));
            }
        }
        let page = 4096;
        let independent = [
            kib("SwapTotal"),
            kib("SwapTotal") - kib("SwapFree"),
            kib("SwapFree"),
            0,
            vmstat.get("pswpin").copied().unwrap_or(0) * page,
            vmstat.get("pswpout").copied().unwrap_or(0) * page,
        ];
        for (i, f) in SWAP.iter().enumerate() {
            if *f != "percent" {
                checks.push((
                    format!("swap {f}"),
                    n(&sa[f]),
                    &swap[i].1,
                    n(&sb[f]),
                    independent[i],
                ));
            }
        }
        for (what, a, shown, b, oracle) in checks {
            let (v, round) = human_bytes(shown);
            // The printed value against sysgauge's readings around it...
            bracketed(&what, a, v, b, SLACK + round)?;
            // ... and against /proc, read just after the program.
            bracketed(&format!("{what} vs /proc"), a, oracle, b, SLACK)?;
        }
        // free -b's columns, read between the two library calls.
        for (col, f) in [
            ("free", "free"),
            ("shared", "shared"),
            ("available", "available"),
        ] {
            bracketed(
                &format!("free -b {col}"),
                n(&va[f]),
                fm[col],
                n(&vb[f]),
                SLACK,
            )?;
        }
        bracketed(
            "free -b buff/cache",
            n(&va["buffers"]) + n(&va["cached"]),
            fm["buff/cache"],
            n(&vb["buffers"]) + n(&vb["cached"]),
            SLACK,
        )?;
        bracketed(
            "free -b used",
            n(&va["used"]),
            fm["used"],
            n(&vb["used"]),
            SLACK,
        )?;
        bracketed(
            "free -b swap used",
            n(&sa["used"]),
            fs["used"],
            n(&sb["used"]),
            SLACK,
        )?;

        // The percentages: a number as Python prints a float ("49.0"), no sign.
        for (what, shown, a, b) in [
            ("memory percent", &mem[2].1, &va["percent"], &vb["percent"]),
            ("swap percent", &swap[3].1, &sa["percent"], &sb["percent"]),
        ] {
            assert!(
                shown.contains('.') && !shown.contains('%'),
                "{what}: {shown}"
            );
            let p: f64 = shown.parse().unwrap();
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            if p < a.min(b) - 0.2 || p > a.max(b) + 0.2 {
                return Err(format!("{what} {p} outside [{a}, {b}]"));
            }
        }
        let p = 100.0 * (kib("MemTotal") - kib("MemAvailable")) as f64 / kib("MemTotal") as f64;
        let shown: f64 = mem[2].1.parse().unwrap();
        if (p - shown).abs() > 0.3 {
            return Err(format!("percent {shown} vs /proc/meminfo's {p}"));
        }
        Ok(())
    });
}

#[test]
fn json_matches_library() {
    retry("meminfo --json", || {
        let va = json_of(&sysgauge::virtual_memory().unwrap());
        let sa = json_of(&sysgauge::swap_memory().unwrap());
        let out = sysgauge(&["meminfo", "--json"]);
        let vb = json_of(&sysgauge::virtual_memory().unwrap());
        let sb = json_of(&sysgauge::swap_memory().unwrap());
        let j: Value = serde_json::from_str(&out).unwrap();
        let top: Vec<&String> = j.as_object().unwrap().keys().collect();
        assert_eq!(top, ["swap_memory", "virtual_memory"]);
        // psutil's order of the fields, as printed.
        let mut at = out.find("\"virtual_memory\"").unwrap();
        let sw_at = out.find("\"swap_memory\"").unwrap();
        assert!(at < sw_at);
        for k in MEMORY {
            at += out[at..].find(&format!("\"{k}\":")).unwrap() + 1;
        }
        assert!(at < sw_at, "every memory field before swap_memory");
        for k in SWAP {
            at += out[at..].find(&format!("\"{k}\":")).unwrap() + 1;
        }
        for (section, fields, a, b) in [
            ("virtual_memory", &MEMORY[..], &va, &vb),
            ("swap_memory", &SWAP[..], &sa, &sb),
        ] {
            let got = &j[section];
            assert_eq!(got.as_object().unwrap().len(), fields.len(), "{section}");
            for f in fields {
                if *f == "percent" {
                    let p = got[f].as_f64().unwrap();
                    let (pa, pb) = (a[f].as_f64().unwrap(), b[f].as_f64().unwrap());
                    if p < pa.min(pb) - 0.2 || p > pa.max(pb) + 0.2 {
                        return Err(format!("{section}.percent {p} outside [{pa}, {pb}]"));
                    }
                } else if *f == "total" {
                    assert_eq!(got[f], a[f], "{section}.total");
                } else {
                    bracketed(
                        &format!("{section}.{f}"),
                        n(&a[f]),
                        n(&got[f]),
                        n(&b[f]),
                        SLACK,
                    )?;
                }
            }
        }
        Ok(())
    });
}

/// A `/proc` that does not move: every line exactly, and the JSON equal to psutil's.
#[test]
fn fixture_lines_and_json_match_psutil() {
    let proc = common::fixture("memory-swap-in-use").join("proc");
    let run =
        |args: &[&str]| common::stdout_of(sysgauge_cmd(args).env("SYSGAUGE_PROCFS_PATH", &proc));
    let out = run(&["meminfo"]);
    // As psutil 7.2.2's meminfo.py prints it with PROCFS_PATH at this fixture.
    let want = "\
MEMORY
------
Total      :   15.5G
Available  :    9.4G
Percent    :    39.4
Used       :    6.1G
Free       : 1000.8M
Active     :    8.6G
Inactive   :    4.6G
Buffers    :  392.7M
Cached     :    5.2G
Shared     :  700.1M
Slab       :  665.5M

SWAP
----
Total      :    8.0G
Used       :    2.0G
Free       :    6.0G
Percent    :    25.0
Sin        :  482.2M
Sout       :    2.5G
";
    assert_eq!(out, want);

    let theirs = common::psutil_at(
        Some(&proc),
        "out = {'virtual_memory': psutil.virtual_memory(), 'swap_memory': psutil.swap_memory()}",
    );
    let ours: Value = serde_json::from_str(&run(&["meminfo", "--json"])).unwrap();
    assert_eq!(ours, theirs);
    // And the text's values are psutil's through bytes2human.
    let (mem, swap) = sections(&out);
    for (fields, rows, section) in [
        (&MEMORY[..], &mem, "virtual_memory"),
        (&SWAP[..], &swap, "swap_memory"),
    ] {
        for (f, (_, shown)) in fields.iter().zip(rows.iter()) {
            let v = &theirs[section][f];
            let expect = match v.as_u64() {
                Some(b) => sysgauge::bytes2human(b),
                None => format!("{:.1}", v.as_f64().unwrap()),
            };
            assert_eq!(shown, &expect, "{section}.{f}");
        }
    }
}
