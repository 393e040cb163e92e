//! The `/proc/<pid>/{smaps,smaps_rollup,maps,fdinfo/<fd>}` parsers against independent
//! readings:
//!
//! - psutil 7.2.2 on the same bytes: the fixture trees and snapshots of live children are
//!   given to psutil through `PROCFS_PATH`, so `memory_maps()` (grouped and not), the
//!   `smaps_rollup` reading and the `smaps` fallback of `memory_full_info()` must match
//!   exactly;
//! - psutil 7.2.2 on the live files of stopped children (`sleep 30`, and a Python child
//!   mapping files whose names have spaces, a newline, invalid UTF-8, a `" (deleted)"`
//!   suffix...), and `open_files()` of this test process;
//! - the `procfs` crate parsing the very same bytes of every readable process's files;
//! - the kernel's own consistency: `smaps_rollup` totals == the sum over `smaps`.

mod common;

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use procfs::FromBufRead;
use serde_json::Value;
use sysgauge::platform::linux::parse::{pid_fdinfo, pid_maps, pid_smaps};

const KB: u64 = 1024;

// ---------------------------------------------------------------------------------------
// psutil's rows, built from the parsers the way the backend will build them.

/// One row of psutil's `memory_maps(grouped=False)`: addr, perms, path, then rss, size,
/// pss, shared_clean, shared_dirty, private_clean, private_dirty, referenced, anonymous,
/// swap (bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    addr: Vec<u8>,
    perms: Vec<u8>,
    path: Vec<u8>,
    vals: [u64; 10],
}

fn vals(c: &pid_smaps::MapCounters) -> [u64; 10] {
    [
        c.rss,
        c.size,
        c.pss,
        c.shared_clean,
        c.shared_dirty,
        c.private_clean,
        c.private_dirty,
        c.referenced,
        c.anonymous,
        c.swap,
    ]
}

/// psutil's `" (deleted)"` rule: drop the suffix unless something exists at the whole path.
fn resolve(path: Cow<'_, [u8]>) -> Vec<u8> {
    match pid_maps::strip_deleted(&path) {
        Some(short) if !Path::new(OsStr::from_bytes(&path)).exists() => short.to_vec(),
        _ => path.into_owned(),
    }
}

fn rows(smaps: &[u8]) -> Vec<Row> {
    pid_smaps::smaps(smaps)
        .map(|e| {
            let e = e.expect("smaps parses");
            Row {
                addr: e.header.addr.to_vec(),
                perms: e.header.perms.to_vec(),
                path: resolve(pid_maps::psutil_path(e.header.pathname)),
                vals: vals(&e.counters),
            }
        })
        .collect()
}

fn grouped(rows: &[Row]) -> Vec<(Vec<u8>, [u64; 10])> {
    // Through pid_smaps::group, on counters rebuilt from the rows.
    let g = pid_smaps::group(rows.iter().map(|r| {
        let v = r.vals;
        let c = pid_smaps::MapCounters {
            rss: v[0],
            size: v[1],
            pss: v[2],
            shared_clean: v[3],
            shared_dirty: v[4],
            private_clean: v[5],
            private_dirty: v[6],
            referenced: v[7],
            anonymous: v[8],
            swap: v[9],
            ..Default::default()
        };
        (r.path.clone(), c)
    }));
    g.into_iter().map(|(p, c)| (p, vals(&c))).collect()
}

/// What psutil 7.2.2 reads for `pid` below `procfs` (or the live /proc): the rows of
/// `memory_maps()` grouped and not, `_parse_smaps()` and, when the file exists,
/// `_parse_smaps_rollup()`. Paths come back as hex of their bytes (`os.fsencode`).
fn psutil_view(procfs: Option<&Path>, pid: i32) -> Value {
    let code = format!(
        r#"
import os
from psutil import _pslinux
pp = _pslinux.Process({pid})
P = psutil.Process.__new__(psutil.Process)
P._proc = pp
def h(t):
    return [os.fsencode(x).hex() if isinstance(x, str) else x for x in t]
root = psutil.PROCFS_PATH
out = {{
    "maps": [h(t) for t in pp.memory_maps()],
    "grouped": [h(t) for t in psutil.Process.memory_maps(P, grouped=True)],
    "smaps": list(pp._parse_smaps()),
    "rollup": list(pp._parse_smaps_rollup()) if os.path.exists(f"{{root}}/{pid}/smaps_rollup") else None,
}}
"#
    );
    common::psutil_at(procfs, &code)
}

fn unhex(v: &Value) -> Vec<u8> {
    let s = v.as_str().expect("hex string");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn psutil_rows(v: &Value) -> Vec<Row> {
    v["maps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let r = r.as_array().unwrap();
            Row {
                addr: unhex(&r[0]),
                perms: unhex(&r[1]),
                path: unhex(&r[2]),
                vals: std::array::from_fn(|i| r[3 + i].as_u64().unwrap()),
            }
        })
        .collect()
}

fn psutil_grouped(v: &Value) -> Vec<(Vec<u8>, [u64; 10])> {
    v["grouped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let r = r.as_array().unwrap();
            (
                unhex(&r[0]),
                std::array::from_fn(|i| r[1 + i].as_u64().unwrap()),
            )
        })
        .collect()
}

fn totals_json(v: &Value) -> Option<pid_smaps::SmapsTotals> {
    let a = v.as_array()?;
    Some(pid_smaps::SmapsTotals {
        uss: a[0].as_u64().unwrap(),
        pss: a[1].as_u64().unwrap(),
        swap: a[2].as_u64().unwrap(),
    })
}

/// Everything the parsers give for `pid` below `procfs` equals what psutil gives there.
fn assert_same_as_psutil(procfs: &Path, pid: i32) {
    let dir = procfs.join(pid.to_string());
    let smaps = std::fs::read(dir.join("smaps")).unwrap();
    let v = psutil_view(Some(procfs), pid);
    let ours = rows(&smaps);
    assert_eq!(
        ours,
        psutil_rows(&v),
        "memory_maps(grouped=False) of {dir:?}"
    );
    assert_eq!(
        grouped(&ours),
        psutil_grouped(&v),
        "memory_maps(grouped=True) of {dir:?}"
    );
    assert_eq!(
        Some(pid_smaps::smaps_totals(&smaps).unwrap()),
        totals_json(&v["smaps"]),
        "smaps fallback of {dir:?}"
    );
    match std::fs::read(dir.join("smaps_rollup")) {
        Ok(r) => assert_eq!(
            Some(pid_smaps::rollup_totals(&r).unwrap()),
            totals_json(&v["rollup"]),
            "smaps_rollup of {dir:?}"
        ),
        Err(_) => assert!(v["rollup"].is_null()),
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures.

const FIXTURES: [(&str, i32); 5] = [
    ("pid-smaps-linux-2.6.18", 2618),
    ("pid-smaps-linux-3.10", 310),
    ("pid-smaps-linux-4.14", 414),
    ("pid-smaps-linux-6.18", 618),
    ("pid-smaps-truncated", 999),
];

#[test]
fn fixtures_match_psutil() {
    for (name, pid) in FIXTURES {
        assert_same_as_psutil(&common::fixture(name).join("proc"), pid);
    }
}

fn fixture_file(name: &str, pid: i32, file: &str) -> Vec<u8> {
    std::fs::read(common::fixture(name).join(format!("proc/{pid}/{file}"))).unwrap()
}

#[test]
fn fixture_linux_2_6_18_has_no_pss_nor_swap() {
    let d = fixture_file("pid-smaps-linux-2.6.18", 2618, "smaps");
    let r = rows(&d);
    assert_eq!(r.len(), 6);
    assert_eq!(r[0].path, b"/bin/bash");
    // rss, size, pss, shared_clean, shared_dirty, private_clean, private_dirty, ...
    assert_eq!(
        r[0].vals,
        [424 * KB, 464 * KB, 0, 424 * KB, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(r[3].path, b"[anon]");
    assert_eq!(r[4].path, b"[heap]");
    assert_eq!(r[5].path, b"[stack]");
    let t = pid_smaps::smaps_totals(&d).unwrap();
    assert_eq!(t.uss, (4 + 8 + 12 + 132 + 84) * KB);
    assert_eq!((t.pss, t.swap), (0, 0));
}

#[test]
fn fixture_linux_3_10_thread_stack_and_no_swap_pss() {
    let d = fixture_file("pid-smaps-linux-3.10", 310, "smaps");
    let all: Vec<_> = pid_smaps::smaps(&d).collect::<Result<_, _>>().unwrap();
    assert_eq!(all.len(), 5);
    assert!(all
        .iter()
        .all(|e| e.counters.swap_pss == 0 && e.field(b"SwapPss").is_none()));
    assert_eq!(all[3].header.pathname, b"[stack:2211]");
    assert_eq!(all[3].counters.swap, 8 * KB);
    assert_eq!(all[0].vm_flags(), Some(&b"rd ex mr mw me dw"[..]));
    let t = pid_smaps::smaps_totals(&d).unwrap();
    assert_eq!(
        t,
        pid_smaps::SmapsTotals {
            uss: 284 * KB,
            pss: 1148 * KB,
            swap: 20 * KB
        }
    );
}

#[test]
fn fixture_linux_4_14_rollup_equals_smaps_sum() {
    let d = fixture_file("pid-smaps-linux-4.14", 414, "smaps");
    let r = fixture_file("pid-smaps-linux-4.14", 414, "smaps_rollup");
    let from_smaps = pid_smaps::smaps_totals(&d).unwrap();
    let from_rollup = pid_smaps::rollup_totals(&r).unwrap();
    assert_eq!(from_smaps.uss, from_rollup.uss);
    assert_eq!(from_smaps.swap, from_rollup.swap);
    // The rollup's Pss is rounded once, smaps' once per mapping.
    assert_eq!(from_rollup.pss - from_smaps.pss, 2 * KB);
    assert_eq!(
        from_rollup,
        pid_smaps::SmapsTotals {
            uss: 2360 * KB,
            pss: 1546 * KB,
            swap: 48 * KB
        }
    );
    let e = pid_smaps::rollup(&r).unwrap();
    assert_eq!(e.header.pathname, b"[rollup]");
    assert_eq!(e.counters.private_hugetlb, 2048 * KB);
    assert_eq!(e.counters.swap_pss, 40 * KB);
    assert_eq!(e.counters.pss_anon, 0); // no Pss_Anon before 5.8
    let all: Vec<_> = pid_smaps::smaps(&d).collect::<Result<_, _>>().unwrap();
    assert!(all
        .iter()
        .all(|e| e.field(b"ProtectionKey") == Some(&b"0"[..])));
    assert_eq!(all[2].counters.kernel_page_size, 2048 * KB);
    assert_eq!(rows(&d)[3].path, b"/SYSV00000000");
}

#[test]
fn fixture_linux_6_18_paths() {
    let d = fixture_file("pid-smaps-linux-6.18", 618, "smaps");
    let paths: Vec<Vec<u8>> = rows(&d).into_iter().map(|r| r.path).collect();
    let has = |p: &[u8]| paths.iter().any(|x| x == p);
    assert!(has(b"/tmp/sysgauge-maps/with space.bin"));
    assert!(has(b"/tmp/sysgauge-maps/new\\012line.bin"));
    assert!(has(b"/tmp/sysgauge-maps/\xff\xfe latin.bin"));
    // Unlinked while mapped: the suffix goes, since nothing exists at the whole path.
    assert!(has(b"/tmp/sysgauge-maps/gone.bin"));
    // Trailing (Unicode) whitespace is stripped as Python strips the decoded path.
    assert!(has(b"/tmp/sysgauge-maps/trail"));
    assert!(has(b"/tmp/sysgauge-maps/nbsp"));
    assert!(has(b"/dev/zero"));
    assert!(has(b"[anon]") && has(b"[heap]") && has(b"[stack]") && has(b"[vdso]"));
    assert!(has(b"[vvar_vclock]"));
    let all: Vec<_> = pid_smaps::smaps(&d).collect::<Result<_, _>>().unwrap();
    assert!(all
        .iter()
        .all(|e| e.field(b"THPeligible") == Some(&b"0"[..])));
    let r = pid_smaps::rollup_totals(&fixture_file("pid-smaps-linux-6.18", 618, "smaps_rollup"))
        .unwrap();
    let s = pid_smaps::smaps_totals(&d).unwrap();
    assert!(rollup_agrees(&r, &s, all.len() as u64), "{r:?} {s:?}");
    // The same file's maps: the same headers.
    let m = fixture_file("pid-smaps-linux-6.18", 618, "maps");
    let lines: Vec<_> = pid_maps::maps(&m).collect::<Result<_, _>>().unwrap();
    assert_eq!(lines, all.iter().map(|e| e.header).collect::<Vec<_>>());
    // fdinfo of the fixture's descriptors.
    let f = pid_fdinfo::fdinfo(&fixture_file("pid-smaps-linux-6.18", 618, "fdinfo/3")).unwrap();
    assert_eq!((f.pos, f.flags), (4096, 0o2102002));
    assert_eq!(pid_fdinfo::mode(f.flags), Some("a+"));
}

#[test]
fn fixture_truncated_smaps_ends_with_a_header_only_record() {
    let d = fixture_file("pid-smaps-truncated", 999, "smaps");
    let all: Vec<_> = pid_smaps::smaps(&d).collect::<Result<_, _>>().unwrap();
    let last = all.last().unwrap();
    assert_eq!(last.counters.rss, 4 * KB);
    assert_eq!(last.counters.swap, 0);
    let m = fixture_file("pid-maps-truncated", 999, "maps");
    let v: Vec<_> = pid_maps::maps(&m).collect();
    assert!(v[..v.len() - 1].iter().all(|l| l.is_ok()));
    assert!(v.last().unwrap().is_err());
}

#[test]
fn fixture_maps_match_procfs_crate() {
    let m = fixture_file("pid-maps-linux-6", 4242, "maps");
    assert!(compare_with_procfs(&m, "maps"));
    let lines: Vec<_> = pid_maps::maps(&m).collect::<Result<_, _>>().unwrap();
    let paths: Vec<Cow<'_, [u8]>> = lines
        .iter()
        .map(|l| pid_maps::psutil_path(l.pathname))
        .collect();
    assert_eq!(paths[0], &b"/usr/bin/my prog"[..]);
    assert_eq!(paths[3], &b"[anon:glibc: malloc arena]"[..]);
    assert_eq!(paths[4], &b"[anon_shmem:ring buffer]"[..]);
    assert_eq!(paths[7], &b"/srv/data/new\\012line.db"[..]);
    assert_eq!(paths[10], &b"[anon]"[..]);
    let deleted: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].is_deleted())
        .collect();
    assert_eq!(deleted, [5, 6, 8, 9]);
    assert_eq!(lines[16].start(), Some(0xffff_ffff_ff60_0000));
    assert_eq!(lines[16].size(), Some(4096));
    // The 4.14 smaps headers, SysV segment included, read the same by procfs.
    assert!(compare_with_procfs(
        &fixture_file("pid-smaps-linux-4.14", 414, "smaps"),
        "smaps"
    ));
    assert!(compare_with_procfs(
        &fixture_file("pid-smaps-linux-4.14", 414, "smaps_rollup"),
        "smaps_rollup"
    ));
}

// ---------------------------------------------------------------------------------------
// The procfs crate on the same bytes.

fn procfs_path(p: &procfs::process::MMapPath) -> Option<Vec<u8>> {
    use procfs::process::MMapPath::*;
    Some(match p {
        Path(p) => p.as_os_str().as_bytes().to_vec(),
        Heap => b"[heap]".to_vec(),
        Stack => b"[stack]".to_vec(),
        TStack(t) => format!("[stack:{t}]").into_bytes(),
        Vdso => b"[vdso]".to_vec(),
        Vvar => b"[vvar]".to_vec(),
        Vsyscall => b"[vsyscall]".to_vec(),
        Rollup => b"[rollup]".to_vec(),
        Anonymous => Vec::new(),
        Other(s) => format!("[{s}]").into_bytes(),
        Vsys(_) => return None, // procfs keeps only the key
    })
}

const NAMES: [&str; 25] = [
    "Size",
    "KernelPageSize",
    "MMUPageSize",
    "Rss",
    "Pss",
    "Pss_Dirty",
    "Pss_Anon",
    "Pss_File",
    "Pss_Shmem",
    "Shared_Clean",
    "Shared_Dirty",
    "Private_Clean",
    "Private_Dirty",
    "Referenced",
    "Anonymous",
    "KSM",
    "LazyFree",
    "AnonHugePages",
    "ShmemPmdMapped",
    "FilePmdMapped",
    "Shared_Hugetlb",
    "Private_Hugetlb",
    "Swap",
    "SwapPss",
    "Locked",
];

fn counters_by_name(c: &pid_smaps::MapCounters) -> [u64; 25] {
    [
        c.size,
        c.kernel_page_size,
        c.mmu_page_size,
        c.rss,
        c.pss,
        c.pss_dirty,
        c.pss_anon,
        c.pss_file,
        c.pss_shmem,
        c.shared_clean,
        c.shared_dirty,
        c.private_clean,
        c.private_dirty,
        c.referenced,
        c.anonymous,
        c.ksm,
        c.lazy_free,
        c.anon_huge_pages,
        c.shmem_pmd_mapped,
        c.file_pmd_mapped,
        c.shared_hugetlb,
        c.private_hugetlb,
        c.swap,
        c.swap_pss,
        c.locked,
    ]
}

fn same_header(ours: &pid_maps::MapsLine<'_>, theirs: &procfs::process::MemoryMap, what: &str) {
    assert_eq!(Some(theirs.address), ours.start().zip(ours.end()), "{what}");
    assert_eq!(Some(theirs.offset), ours.offset_bytes(), "{what}");
    let (ma, mi) = ours.dev_numbers().unwrap();
    assert_eq!(theirs.dev, (ma as i32, mi as i32), "{what}");
    assert_eq!(Some(theirs.inode), ours.inode_number(), "{what}");
    if let Some(p) = procfs_path(&theirs.pathname) {
        let mine = pid_maps::psutil_path(ours.pathname);
        let mine: &[u8] = if ours.pathname.is_empty() { b"" } else { &mine };
        assert_eq!(mine, &p[..], "{what}");
    }
}

/// Compares our reading of a maps, smaps or smaps_rollup file with the procfs crate's;
/// false when procfs cannot read it (a non-UTF-8 path, say).
fn compare_with_procfs(data: &[u8], what: &str) -> bool {
    let Ok(theirs) = procfs::process::MemoryMaps::from_buf_read(data) else {
        return false;
    };
    if what == "maps" {
        let ours: Vec<_> = pid_maps::maps(data).collect::<Result<_, _>>().unwrap();
        assert_eq!(ours.len(), theirs.len(), "{what}");
        for (o, t) in ours.iter().zip(theirs.iter()) {
            same_header(o, t, what);
        }
        return true;
    }
    let ours: Vec<_> = pid_smaps::smaps(data).collect::<Result<_, _>>().unwrap();
    assert_eq!(ours.len(), theirs.len(), "{what}");
    for (o, t) in ours.iter().zip(theirs.iter()) {
        same_header(&o.header, t, what);
        let mine = counters_by_name(&o.counters);
        for (i, name) in NAMES.iter().enumerate() {
            assert_eq!(
                mine[i],
                t.extension.map.get(*name).copied().unwrap_or(0),
                "{what}: {name} of {:?}",
                String::from_utf8_lossy(o.header.addr)
            );
        }
        // Every line procfs saw, we saw too.
        let names: Vec<&[u8]> = o.fields().map(|(n, _)| n).collect();
        for k in t.extension.map.keys() {
            assert!(names.contains(&k.as_bytes()), "{what}: {k}");
        }
    }
    true
}

fn pids() -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

#[test]
fn live_every_pid_matches_procfs_crate() {
    let _crowd = common::crowd(4);
    let (mut compared, mut seen) = (0, 0);
    for pid in pids() {
        for file in ["smaps", "smaps_rollup", "maps"] {
            let Ok(data) = std::fs::read(format!("/proc/{pid}/{file}")) else {
                continue; // gone, or a kernel file we may not read
            };
            seen += 1;
            if compare_with_procfs(&data, file) {
                compared += 1;
            }
        }
    }
    assert!(
        seen > 10 && compared * 10 >= seen * 9,
        "{compared} of {seen}"
    );
}

// ---------------------------------------------------------------------------------------
// The kernel's consistency: smaps_rollup == sum over smaps.

/// (rollup, smaps sum, number of mappings) read three times (rollup, smaps, rollup) until
/// both rollups agree, so that the process did not change in between; `None` when it kept
/// changing or vanished.
fn stable_totals(pid: i32) -> Option<(pid_smaps::SmapsTotals, pid_smaps::SmapsTotals, u64)> {
    for _ in 0..5 {
        let r1 = std::fs::read(format!("/proc/{pid}/smaps_rollup")).ok()?;
        let s = std::fs::read(format!("/proc/{pid}/smaps")).ok()?;
        let r2 = std::fs::read(format!("/proc/{pid}/smaps_rollup")).ok()?;
        let (t1, t2) = (
            pid_smaps::rollup_totals(&r1).unwrap(),
            pid_smaps::rollup_totals(&r2).unwrap(),
        );
        if t1 == t2 {
            let n = pid_smaps::smaps(&s).count() as u64;
            return Some((t1, pid_smaps::smaps_totals(&s).unwrap(), n));
        }
    }
    None
}

/// uss and swap equal; pss of the rollup at most 1 kB per mapping above the smaps sum (the
/// kernel rounds each mapping's Pss down in smaps, the sum once in smaps_rollup).
fn rollup_agrees(r: &pid_smaps::SmapsTotals, s: &pid_smaps::SmapsTotals, n: u64) -> bool {
    r.uss == s.uss && r.swap == s.swap && r.pss >= s.pss && r.pss - s.pss <= n * KB
}

#[test]
fn live_rollup_equals_smaps_sum_for_self() {
    // Other tests run in threads of this process and allocate: retry until a stable read.
    let pid = std::process::id() as i32;
    for _ in 0..20 {
        if let Some((r, s, n)) = stable_totals(pid) {
            assert!(rollup_agrees(&r, &s, n), "{r:?} {s:?} {n}");
            assert!(r.uss > 0 && r.pss >= r.uss);
            return;
        }
    }
    panic!("this process never held still");
}

#[test]
fn live_rollup_equals_smaps_sum_for_every_pid() {
    // A CI container may hold only a handful of processes: bring four of our own.
    let _crowd = common::crowd(4);
    let (mut checked, mut bad) = (0, Vec::new());
    for pid in pids() {
        let Some((r, s, n)) = stable_totals(pid) else {
            continue;
        };
        checked += 1;
        if !rollup_agrees(&r, &s, n) {
            // One more try: the process may have changed between the reads all the same.
            match stable_totals(pid) {
                Some((r, s, n)) if rollup_agrees(&r, &s, n) => {}
                Some(x) => bad.push((pid, x)),
                None => {}
            }
        }
    }
    // Kernel threads have no smaps_rollup (ENOENT/ESRCH) and some user processes keep
    // changing; the four sleeping children remain at least.
    assert!(checked >= 4, "only {checked} processes checked");
    // Shared pages move Pss while we read (other processes map and unmap libc...): allow
    // a few processes to disagree, never most.
    assert!(
        bad.len() * 20 <= checked,
        "{} of {checked}: {bad:?}",
        bad.len()
    );
}

// ---------------------------------------------------------------------------------------
// Stopped children against psutil.

use common::Kid;

/// A Python child that maps files with awkward names in `dir` (two of them then unlinked),
/// a shared anonymous mapping (shown as `/dev/zero (deleted)`) and a private one it tries
/// to name with `PR_SET_VMA_ANON_NAME`, then says "ready" and waits.
const MAPPER: &str = r#"
import ctypes, mmap, os, signal, sys
d = os.fsencode(sys.argv[1])
names = [b"with space.bin", b"new\nline.bin", b"\xff\xfe latin.bin", b"gone.bin",
         b"trail ", "nbsp\u00a0".encode(), b"exists (deleted)", b"deleted (deleted)"]
keep = []
for n in names:
    p = os.path.join(d, n)
    with open(p, "wb") as f:
        f.write(b"x" * 8192)
    f = open(p, "r+b")
    m = mmap.mmap(f.fileno(), 0)
    m[0:1] = b"y"
    m[4096]
    keep.append((f, m))
os.unlink(os.path.join(d, b"gone.bin"))
os.unlink(os.path.join(d, b"deleted (deleted)"))
shared = mmap.mmap(-1, 3 * 4096)
shared[0:1] = b"s"
anon = mmap.mmap(-1, 3 * 4096, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
anon[0:1] = b"a"
addr = ctypes.addressof(ctypes.c_char.from_buffer(anon))
rc = ctypes.CDLL(None, use_errno=True).prctl(0x53564D41, 0, ctypes.c_ulong(addr),
    ctypes.c_ulong(3 * 4096), ctypes.c_char_p(b"sysgauge name"))
print("ready", "named" if rc == 0 else "unnamed", flush=True)
signal.pause()
"#;

/// The mapper child and whether it could name its anonymous mapping (CONFIG_ANON_VMA_NAME).
fn spawn_mapper(dir: &Path) -> (Kid, bool) {
    let (kid, line) = common::python_child(MAPPER, &[dir.as_os_str()]);
    let named = match line.as_str() {
        "ready named" => true,
        "ready unnamed" => false,
        other => panic!("mapper child said {other:?}"),
    };
    (kid, named)
}

/// Copies the child's smaps files into a procfs tree for psutil to read the same bytes.
fn snapshot(pid: i32, root: &Path) {
    let dir = root.join(pid.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    let smaps = std::fs::read(format!("/proc/{pid}/smaps")).unwrap();
    let rollup = std::fs::read(format!("/proc/{pid}/smaps_rollup")).unwrap();
    std::fs::write(dir.join("smaps"), &smaps).unwrap();
    std::fs::write(dir.join("smaps_rollup"), &rollup).unwrap();
}

/// How much psutil's live reading of a stopped child may differ from ours. psutil runs in
/// a Python interpreter that maps the same libc, ld.so and locale files as the child while
/// it reads: pages only the child had touched become shared during psutil's read only, so
/// the child's Pss drops and private clean pages turn shared clean (on a quiet machine with
/// few processes, even for `sleep`'s libc). Equal: addresses, perms, paths, size, rss,
/// referenced, anonymous, swap and the clean and dirty totals (shared + private); psutil's
/// Pss and uss at most the larger of our two readings. (Exact equality on the same bytes
/// is checked on a snapshot.)
fn within(lo: u64, x: u64, hi: u64) -> bool {
    x <= lo.max(hi)
}

fn rows_agree(a: &[Row], p: &[Row], b: &[Row]) -> Result<(), String> {
    if a.len() != p.len() || b.len() != p.len() {
        return Err(format!("{} / {} / {} rows", a.len(), p.len(), b.len()));
    }
    // rss, size, pss, shared_clean, shared_dirty, private_clean, private_dirty, referenced,
    // anonymous, swap
    let fixed = |r: &Row| {
        let v = r.vals;
        let (clean, dirty) = (v[3] + v[5], v[4] + v[6]);
        (
            r.addr.clone(),
            r.perms.clone(),
            r.path.clone(),
            [v[0], v[1], v[7], v[8], v[9], clean, dirty],
        )
    };
    for ((a, p), b) in a.iter().zip(p).zip(b) {
        if fixed(a) != fixed(p) || fixed(b) != fixed(p) {
            return Err(format!("{a:?} / {p:?} / {b:?}"));
        }
        if !within(a.vals[2], p.vals[2], b.vals[2]) {
            return Err(format!("pss of {p:?} vs {} and {}", a.vals[2], b.vals[2]));
        }
    }
    Ok(())
}

fn check_stopped_child(kid: &Kid) {
    let pid = kid.pid();
    kid.stop();
    // Same bytes: exact.
    let tmp = tempfile::tempdir().unwrap();
    snapshot(pid, tmp.path());
    assert_same_as_psutil(tmp.path(), pid);
    // smaps_rollup == sum over smaps, on reads during which Pss did not move (it can while
    // the child is stopped: other processes map and unmap the pages it shares).
    let agreed =
        (0..20).any(|_| stable_totals(pid).is_some_and(|(r, s, n)| rollup_agrees(&r, &s, n)));
    assert!(agreed, "smaps_rollup and smaps of {pid} never agreed");
    // Live psutil: memory_full_info() and memory_maps() between two readings of ours.
    let read = || {
        (
            rows(&std::fs::read(format!("/proc/{pid}/smaps")).unwrap()),
            pid_smaps::rollup_totals(&std::fs::read(format!("/proc/{pid}/smaps_rollup")).unwrap())
                .unwrap(),
        )
    };
    let mut last = String::new();
    for _ in 0..10 {
        let before = read();
        let v = common::psutil(&format!(
            "import os\np = psutil.Process({pid})\nf = p.memory_full_info()\n\
             out = {{'full': [f.uss, f.pss, f.swap], 'maps': [[os.fsencode(x).hex() if isinstance(x, str) else x for x in t] for t in p.memory_maps(grouped=False)]}}"
        ));
        let after = read();
        let full = totals_json(&v["full"]).unwrap();
        let (b, a) = (before.1, after.1);
        let totals_ok = full.swap == b.swap
            && full.swap == a.swap
            && within(b.pss, full.pss, a.pss)
            && full.uss <= b.uss.max(a.uss);
        match rows_agree(&before.0, &psutil_rows(&v), &after.0) {
            Ok(()) if totals_ok => return,
            Ok(()) => last = format!("totals {full:?} vs {b:?} / {a:?}"),
            Err(e) => last = e,
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("pid {pid} never matched psutil: {last}");
}

#[test]
fn stopped_sleep_children_match_psutil() {
    let kids: Vec<Kid> = (0..2)
        .map(|_| Kid(Command::new("sleep").arg("30").spawn().unwrap()))
        .collect();
    for k in &kids {
        check_stopped_child(k);
    }
}

#[test]
fn stopped_mapper_child_matches_psutil() {
    let dir = tempfile::tempdir().unwrap();
    let (kid, named) = spawn_mapper(dir.path());
    check_stopped_child(&kid);
    // The awkward paths are there, in psutil's form.
    let r = rows(&std::fs::read(format!("/proc/{}/smaps", kid.pid())).unwrap());
    let d = dir.path().as_os_str().as_bytes();
    let has = |name: &[u8]| {
        let mut p = d.to_vec();
        p.push(b'/');
        p.extend_from_slice(name);
        r.iter().any(|row| row.path == p)
    };
    assert!(has(b"with space.bin"));
    assert!(has(b"new\\012line.bin"));
    assert!(has(b"\xff\xfe latin.bin"));
    assert!(has(b"gone.bin"));
    assert!(has(b"trail"));
    assert!(has(b"nbsp"));
    // A file really named "... (deleted)" keeps its name; one deleted is shortened once.
    assert!(has(b"exists (deleted)"));
    assert!(has(b"deleted (deleted)"));
    assert_eq!(
        r.iter().any(|row| row.path == b"[anon:sysgauge name]"),
        named
    );
    // maps has the same headers as smaps (the child is stopped).
    let m = std::fs::read(format!("/proc/{}/maps", kid.pid())).unwrap();
    let s = std::fs::read(format!("/proc/{}/smaps", kid.pid())).unwrap();
    let from_maps: Vec<_> = pid_maps::maps(&m).collect::<Result<_, _>>().unwrap();
    let from_smaps: Vec<_> = pid_smaps::smaps(&s).map(|e| e.unwrap().header).collect();
    assert_eq!(from_maps, from_smaps);
    assert!(from_maps.iter().any(|l| l.is_deleted()));
}

// ---------------------------------------------------------------------------------------
// fdinfo.

#[test]
fn fdinfo_matches_proc_and_psutil_open_files() {
    let dir = tempfile::tempdir().unwrap();
    // (open options, expected mode, position to seek to)
    type Open = fn(&mut std::fs::OpenOptions);
    let cases: [(&str, Open, &str, u64); 6] = [
        (
            "r",
            |o| {
                o.read(true);
            },
            "r",
            3,
        ),
        (
            "r-append",
            |o| {
                o.read(true).custom_flags(libc::O_APPEND);
            },
            "r",
            5,
        ),
        (
            "w",
            |o| {
                o.write(true);
            },
            "w",
            7,
        ),
        (
            "a",
            |o| {
                o.append(true);
            },
            "a",
            11,
        ),
        (
            "r+",
            |o| {
                o.read(true).write(true);
            },
            "r+",
            13,
        ),
        (
            "a+",
            |o| {
                o.read(true).append(true);
            },
            "a+",
            4000,
        ),
    ];
    let mut files = Vec::new();
    for (name, opts, mode, pos) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, vec![b'x'; 8192]).unwrap();
        let mut o = std::fs::OpenOptions::new();
        opts(&mut o);
        let mut f = o.open(&path).unwrap();
        if mode.starts_with('a') {
            f.write_all(b"appended").unwrap();
        }
        f.seek(SeekFrom::Start(pos)).unwrap();
        let fd = f.as_raw_fd();
        let info =
            pid_fdinfo::fdinfo(&std::fs::read(format!("/proc/self/fdinfo/{fd}")).unwrap()).unwrap();
        assert_eq!(info.pos, pos as i64, "{name}");
        assert_eq!(pid_fdinfo::mode(info.flags), Some(mode), "{name}");
        assert_ne!(info.flags & libc::O_CLOEXEC, 0, "{name}");
        assert_eq!(
            info.flags & libc::O_APPEND != 0,
            name.contains("append") || mode.starts_with('a')
        );
        // The simple reading: "flags:\t0%o".
        let text = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
        let flags_line = text.lines().find(|l| l.starts_with("flags:")).unwrap();
        let flags = i32::from_str_radix(flags_line.split_whitespace().nth(1).unwrap(), 8).unwrap();
        assert_eq!(info.flags, flags);
        assert!(info.mnt_id.is_some());
        files.push((f, path, fd, info));
    }
    let v = common::psutil(&format!(
        "import os\nout = [[f.fd, os.fsencode(f.path).hex(), f.position, f.mode, f.flags] for f in psutil.Process({}).open_files()]",
        std::process::id()
    ));
    let by_fd: HashMap<i64, &Value> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0].as_i64().unwrap(), r))
        .collect();
    for (_f, path, fd, info) in &files {
        let r = by_fd
            .get(&i64::from(*fd))
            .unwrap_or_else(|| panic!("psutil lists fd {fd}"));
        assert_eq!(PathBuf::from(OsStr::from_bytes(&unhex(&r[1]))), *path);
        assert_eq!(r[2].as_i64(), Some(info.pos));
        assert_eq!(r[3].as_str(), pid_fdinfo::mode(info.flags));
        assert_eq!(r[4].as_i64(), Some(i64::from(info.flags)));
    }
}

#[test]
fn fdinfo_of_every_readable_fd_parses() {
    let mut n = 0;
    for pid in pids() {
        let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
            continue;
        };
        for e in dir.flatten() {
            let Ok(text) = std::fs::read(e.path()) else {
                continue;
            };
            let info =
                pid_fdinfo::fdinfo(&text).unwrap_or_else(|err| panic!("{:?}: {err}", e.path()));
            // The simple reading: first line "pos:\t<n>", second "flags:\t0<octal>".
            let s = String::from_utf8_lossy(&text);
            let mut lines = s.lines();
            let pos: i64 = lines
                .next()
                .unwrap()
                .split_whitespace()
                .nth(1)
                .unwrap()
                .parse()
                .unwrap();
            let flags =
                i32::from_str_radix(lines.next().unwrap().split_whitespace().nth(1).unwrap(), 8)
                    .unwrap();
            assert_eq!((info.pos, info.flags), (pos, flags), "{:?}", e.path());
            n += 1;
        }
    }
    assert!(n > 10, "only {n} fdinfo files read");
}
