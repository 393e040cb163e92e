//! `sysgauge pmap`, run as a program on a stopped Python child that maps a file (with a
//! space in its name), shared anonymous memory (`/dev/zero (deleted)`) and private
//! anonymous memory: its rows against `/proc/<pid>/smaps` read here and against procps
//! `pmap -x -p`, its total, its JSON against smaps and psutil 7.2.2; cutting to the
//! terminal width (`$COLUMNS`, a tmux pane, none when piped); and the errors: an unknown
//! pid, a zombie, a process that exits while it is read, another user's process.

mod common;

use std::process::Command;
use std::time::Duration;

use common::tmux::Tmux;
use common::{retry, sysgauge_cmd, Kid};
use serde_json::Value;

/// The child: maps `argv[1]` (64 KiB, half of it touched), 3 pages of shared anonymous
/// memory, then says it is ready and sleeps.
const CHILD: &str = r#"
import mmap, sys, time
path = sys.argv[1]
with open(path, "wb") as f:
    f.write(b"x" * 65536)
f = open(path, "r+b")
m = mmap.mmap(f.fileno(), 65536)
t = sum(m[i] for i in range(0, 32768, 4096))
a = mmap.mmap(-1, 3 * 4096)
a[0:1] = b"a"
print("ready", flush=True)
time.sleep(120)
"#;

/// A directory removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("sgcli-pmap-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The stopped child, the file it maps, and the directory holding it.
fn mapping_child(tag: &str) -> (Kid, String, TempDir) {
    let dir = TempDir::new(tag);
    // Long enough that a mapping line passes 80 columns.
    let file = dir.0.join("a mapped file with a rather long name.bin");
    let (kid, line) = common::python_child(CHILD, &[file.as_os_str()]);
    assert_eq!(line, "ready");
    kid.stop();
    (kid, file.to_str().unwrap().to_string(), dir)
}

/// One region of `/proc/<pid>/smaps`, read here with simple code: the header's fields, the
/// path as psutil gives it, and the `kB` counters in bytes.
#[derive(Debug)]
struct Region {
    addr: String,
    perms: String,
    path: String,
    counters: std::collections::BTreeMap<String, u64>,
}

/// psutil's path of a mapping: `[anon]` when blank, ` (deleted)` dropped when nothing
/// exists at the path with it.
fn psutil_path(raw: &str) -> String {
    let p = raw.trim();
    if p.is_empty() {
        return "[anon]".into();
    }
    match p.strip_suffix(" (deleted)") {
        Some(short) if !std::path::Path::new(p).exists() => short.to_string(),
        _ => p.to_string(),
    }
}

fn smaps(pid: i32) -> Vec<Region> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap();
    let mut out: Vec<Region> = Vec::new();
    for l in text.lines() {
        let first = l.split_whitespace().next().unwrap_or_default();
        let is_header = first.contains('-')
            && first
                .split('-')
                .all(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if is_header {
            // address perms offset dev inode [pathname]
            let mut rest = l;
            let mut fields = Vec::new();
            for _ in 0..5 {
                rest = rest.trim_start();
                let end = rest.find(' ').unwrap_or(rest.len());
                fields.push(&rest[..end]);
                rest = &rest[end..];
            }
            out.push(Region {
                addr: fields[0].to_string(),
                perms: fields[1].to_string(),
                path: psutil_path(rest),
                counters: Default::default(),
            });
        } else if let Some((k, v)) = l.split_once(':') {
            let mut w = v.split_whitespace();
            if let (Some(n), Some("kB")) = (w.next(), w.next()) {
                let r = out.last_mut().unwrap();
                r.counters
                    .insert(k.to_string(), n.parse::<u64>().unwrap() * 1024);
            }
        }
    }
    out
}

/// One row of procps `pmap -x -p`: address, RSS in KiB, mode, mapping.
#[derive(Debug)]
struct PmapRow {
    address: String,
    rss_kib: u64,
    mode: String,
    mapping: String,
}

/// procps `pmap -x -p <pid>`: the rows and the total RSS (KiB).
fn procps_pmap(pid: i32) -> (Vec<PmapRow>, u64) {
    let out = common::run("pmap", &["-x", "-p", &pid.to_string()]);
    let mut rows = Vec::new();
    let mut total = None;
    for l in out.lines().skip(2) {
        if l.starts_with("total kB") {
            total = l.split_whitespace().nth(3).map(|v| v.parse().unwrap());
            continue;
        }
        if l.starts_with("----") {
            continue;
        }
        let mut rest = l;
        let mut fields = Vec::new();
        for _ in 0..5 {
            rest = rest.trim_start();
            let end = rest.find(' ').unwrap_or(rest.len());
            fields.push(&rest[..end]);
            rest = &rest[end..];
        }
        rows.push(PmapRow {
            address: fields[0].to_string(),
            rss_kib: fields[2].parse().unwrap(),
            mode: fields[4].to_string(),
            mapping: rest.trim().to_string(),
        });
    }
    (rows, total.expect("pmap's total line"))
}

/// The columns of one of our mapping lines (`{:<20} {:>10}  {:<7} {}`), checking the
/// padding.
fn columns(l: &str) -> (String, String, String, String) {
    assert!(l.len() > 41, "{l:?}");
    assert_eq!(&l[20..21], " ", "{l:?}");
    assert_eq!(&l[31..33], "  ", "{l:?}");
    assert_eq!(&l[40..41], " ", "{l:?}");
    assert!(
        !l[21..31].ends_with(' ') && !l[33..40].starts_with(' '),
        "{l:?}"
    );
    (
        l[..20].trim_end().to_string(),
        l[21..31].trim_start().to_string(),
        l[33..40].trim_end().to_string(),
        l[41..].to_string(),
    )
}

fn pmap_text(pid: i32, columns: Option<&str>) -> String {
    let mut cmd = sysgauge_cmd(&["pmap", &pid.to_string()]);
    match columns {
        Some(c) => cmd.env("COLUMNS", c),
        None => cmd.env_remove("COLUMNS"),
    };
    common::stdout_of(&mut cmd)
}

#[test]
fn rows_match_smaps_and_procps_pmap() {
    let (kid, file, _dir) = mapping_child("rows");
    let pid = kid.pid();
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap();
    retry("pmap rows", || {
        let regions = smaps(pid);
        let out = pmap_text(pid, None);
        let (theirs, their_total) = procps_pmap(pid);
        let lines: Vec<&str> = out.lines().collect();
        let n = regions.len();
        assert!(n > 10, "{n} regions");
        if lines.len() != n + 4 || theirs.len() != n {
            return Err(format!(
                "{} lines, {} smaps regions, {} pmap rows",
                lines.len(),
                n,
                theirs.len()
            ));
        }
        assert_eq!(lines[0], "Address                     RSS  Mode    Mapping");
        let mut total = 0;
        for ((l, r), t) in lines[1..=n].iter().zip(&regions).zip(&theirs) {
            let (address, rss, mode, mapping) = columns(l);
            let rss_bytes = r.counters["Rss"];
            total += rss_bytes;
            // Against smaps.
            let start = r.addr.split('-').next().unwrap();
            assert_eq!(address, format!("{start:0>16}"), "{l}");
            if rss != sysgauge::bytes2human(rss_bytes) {
                return Err(format!("{l}: smaps says Rss {rss_bytes}"));
            }
            assert_eq!(mode, r.perms, "{l}");
            assert_eq!(mapping, r.path, "{l}");
            // Against procps pmap.
            assert_eq!(address, t.address, "{l} vs {t:?}");
            if rss != sysgauge::bytes2human(t.rss_kib * 1024) {
                return Err(format!("{l}: pmap says {} KiB", t.rss_kib));
            }
            assert_eq!(mode[..3], t.mode[..3], "{l} vs {t:?}");
            assert_eq!(
                mode.ends_with('s'),
                t.mode.as_bytes()[3] == b's',
                "{l} vs {t:?}"
            );
            let pseudo = match mapping.as_str() {
                "[stack]" => Some("[ stack ]"),
                m if m.starts_with('[') => Some("[ anon ]"),
                _ => None,
            };
            match pseudo {
                Some(p) => assert_eq!(t.mapping, p, "{l} vs {t:?}"),
                // pmap keeps " (deleted)" where psutil drops it.
                None => assert!(
                    t.mapping == mapping || t.mapping == format!("{mapping} (deleted)"),
                    "{l} vs {t:?}"
                ),
            }
        }
        assert_eq!(lines[n + 1], "-".repeat(31));
        assert_eq!(
            lines[n + 2],
            format!(
                "{:<20} {:>10}  {:<7} ",
                "Total",
                sysgauge::bytes2human(total),
                ""
            )
        );
        if total != their_total * 1024 {
            return Err(format!("total {total} vs pmap's {their_total} KiB"));
        }
        assert_eq!(
            lines[n + 3],
            format!("PID = {pid}, name = {}", comm.trim_end())
        );
        // The mappings the child made are there.
        let shown = |path: &str, perms: &str| {
            lines
                .iter()
                .any(|l| l.ends_with(path) && columns(l).2 == perms)
        };
        assert!(shown(&file, "rw-s"), "the mapped file, whole: {out}");
        assert!(shown("/dev/zero", "rw-s"), "shared anonymous memory: {out}");
        assert!(shown("[anon]", "rw-p") && shown("[stack]", "rw-p"), "{out}");
        Ok(())
    });
}

const FIELDS: [&str; 13] = [
    "addr",
    "perms",
    "path",
    "rss",
    "size",
    "pss",
    "shared_clean",
    "shared_dirty",
    "private_clean",
    "private_dirty",
    "referenced",
    "anonymous",
    "swap",
];

/// smaps' names of the counters, by psutil's field.
const COUNTERS: [(&str, &str); 10] = [
    ("rss", "Rss"),
    ("size", "Size"),
    ("pss", "Pss"),
    ("shared_clean", "Shared_Clean"),
    ("shared_dirty", "Shared_Dirty"),
    ("private_clean", "Private_Clean"),
    ("private_dirty", "Private_Dirty"),
    ("referenced", "Referenced"),
    ("anonymous", "Anonymous"),
    ("swap", "Swap"),
];

/// The fields of a row that do not move while the process is stopped. `pss`, the
/// shared/private split and `referenced` of a library's pages move when other processes
/// map or unmap the library (each of the tests running beside this one does): for those
/// regions only their sums are stable. Pages only this process maps (its heap, stack,
/// anonymous memory, the file it mapped) are stable whole.
fn stable(row: &Value, own_file: &str) -> Vec<(String, Value)> {
    let path = row["path"].as_str().unwrap_or_default();
    let own = path == own_file || path.starts_with('[');
    let n = |f: &str| row[f].as_u64().unwrap_or(u64::MAX);
    let mut out: Vec<(String, Value)> = ["addr", "perms", "path"]
        .iter()
        .map(|f| (f.to_string(), row[f].clone()))
        .collect();
    for (f, _) in COUNTERS {
        if own || ["rss", "size", "anonymous", "swap"].contains(&f) {
            out.push((f.to_string(), row[f].clone()));
        }
    }
    out.push((
        "clean".into(),
        (n("shared_clean").saturating_add(n("private_clean"))).into(),
    ));
    out.push((
        "dirty".into(),
        (n("shared_dirty").saturating_add(n("private_dirty"))).into(),
    ));
    out
}

/// `Ok` when `ours` and `theirs` have as many rows and agree on their stable fields.
fn agree(ours: &[Value], theirs: &[Value], own_file: &str, what: &str) -> Result<(), String> {
    if ours.len() != theirs.len() {
        return Err(format!("{what}: {} rows vs {}", ours.len(), theirs.len()));
    }
    for (a, b) in ours.iter().zip(theirs) {
        let (sa, sb) = (stable(a, own_file), stable(b, own_file));
        if sa != sb {
            return Err(format!("{what}: {sa:?}\nvs {sb:?}"));
        }
    }
    Ok(())
}

#[test]
fn json_matches_smaps_and_psutil() {
    let (kid, file, _dir) = mapping_child("json");
    let pid = kid.pid();
    retry("pmap --json", || {
        let regions = smaps(pid);
        let out = common::sysgauge(&["pmap", &pid.to_string(), "--json"]);
        let theirs = common::psutil(&format!(
            "out = psutil.Process({pid}).memory_maps(grouped=False)"
        ));
        let ours: Value = serde_json::from_str(&out).unwrap();
        let rows = ours.as_array().unwrap();
        // psutil's field order.
        let first = out.find('{').unwrap();
        let mut at = first;
        for f in FIELDS {
            at += out[at..].find(&format!("\"{f}\":")).unwrap() + 1;
        }
        assert!(at < out[first..].find('}').unwrap() + first);
        for row in rows {
            let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
            let mut want = FIELDS.to_vec();
            want.sort();
            assert_eq!(keys, want);
        }
        // smaps as psutil's rows.
        let direct: Vec<Value> = regions
            .iter()
            .map(|r| {
                let mut o = serde_json::Map::new();
                o.insert("addr".into(), r.addr.clone().into());
                o.insert("perms".into(), r.perms.clone().into());
                o.insert("path".into(), r.path.clone().into());
                for (f, key) in COUNTERS {
                    o.insert(f.into(), r.counters.get(key).copied().into());
                }
                Value::Object(o)
            })
            .collect();
        agree(rows, &direct, &file, "vs smaps")?;
        agree(rows, theirs.as_array().unwrap(), &file, "vs psutil")?;
        let mine: Vec<&Value> = rows.iter().filter(|r| r["path"] == file.as_str()).collect();
        assert_eq!(mine.len(), 1, "the mapped file");
        assert_eq!(mine[0]["size"], 65536);
        // The pages the child touched, and the kernel's fault-around may map the rest.
        let rss = mine[0]["rss"].as_u64().unwrap();
        assert!((32768..=65536).contains(&rss), "rss {rss}");
        assert_eq!(mine[0]["perms"], "rw-s");
        Ok(())
    });
}

#[test]
fn lines_are_cut_to_columns_and_whole_when_piped() {
    let (kid, file, _dir) = mapping_child("cut");
    let pid = kid.pid();
    let whole = pmap_text(pid, None);
    assert!(whole.lines().any(|l| l.ends_with(&file) && l.len() > 80));
    let cut = pmap_text(pid, Some("60"));
    let (w, c): (Vec<&str>, Vec<&str>) = (whole.lines().collect(), cut.lines().collect());
    assert_eq!(w.len(), c.len());
    let n = w.len();
    // The header, the dashes and the total are printed whole; mappings and the PID line
    // are cut at 60 characters.
    assert_eq!((c[0], c[n - 3], c[n - 2]), (w[0], w[n - 3], w[n - 2]));
    for (wl, cl) in w[1..n - 3]
        .iter()
        .zip(&c[1..n - 3])
        .chain([(&w[n - 1], &c[n - 1])])
    {
        let want: String = wl.chars().take(60).collect();
        assert_eq!(*cl, want);
    }
    assert!(c.iter().any(|l| l.chars().count() == 60));
}

/// On a terminal, without `$COLUMNS`, lines are cut to the terminal's width.
#[test]
fn lines_are_cut_to_the_terminal_width() {
    if !common::tmux::installed() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    // `sleep` has few mappings: all of them fit in the pane and its history.
    let kid = common::stopped(Kid::spawn(Command::new("sleep").arg("120")), "sleep");
    let pid = kid.pid();
    let whole = pmap_text(pid, None);
    let script = format!(
        "env -u COLUMNS {} pmap {pid}; echo __DONE__; sleep 60",
        env!("CARGO_BIN_EXE_sysgauge")
    );
    let tmux = Tmux::session("pmap", 70, 50, &script).patience(Duration::from_secs(20));
    let screen = tmux.wait_history("pmap's end", |s| {
        if s.contains("__DONE__") {
            Ok(s.to_string())
        } else {
            Err("pmap never finished".into())
        }
    });
    let shown: Vec<&str> = screen
        .lines()
        .take_while(|l| !l.starts_with("__DONE__"))
        .collect();
    let w: Vec<&str> = whole.lines().collect();
    assert_eq!(shown.len(), w.len(), "{screen}");
    assert!(w.iter().any(|l| l.chars().count() > 70), "{whole}");
    for (i, (s, wl)) in shown.iter().zip(&w).enumerate() {
        // capture-pane drops trailing spaces (the total line's).
        let want: String = if i == 0 || i >= w.len() - 3 && i < w.len() - 1 {
            wl.to_string()
        } else {
            wl.chars().take(70).collect()
        };
        assert_eq!(s.trim_end(), want.trim_end(), "line {i}");
    }
}

/// Runs `sysgauge pmap <pid>` expecting failure: its stderr's one line.
fn pmap_error(pid: i32) -> String {
    let o = sysgauge_cmd(&["pmap", &pid.to_string()]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("sysgauge: ") && err.ends_with('\n'),
        "{err}"
    );
    err
}

#[test]
fn unknown_pid_is_one_line_and_exit_1() {
    // The pid of a child already reaped.
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id() as i32;
    c.wait().unwrap();
    let err = pmap_error(pid);
    assert_eq!(
        err,
        format!("sysgauge: process no longer exists (pid={pid})\n")
    );
    let err = pmap_error(-1);
    assert!(err.contains("pid must be a positive integer"), "{err}");
}

#[test]
fn zombie_is_one_line_and_exit_1() {
    // A child that exited and is not reaped yet: its maps are gone.
    let kid = Kid::spawn(&mut Command::new("true"));
    common::wait_state(kid.pid(), b'Z');
    let err = pmap_error(kid.pid());
    assert!(
        err.contains("zombie") && err.contains(&format!("pid={}", kid.pid())),
        "{err}"
    );
}

/// A process that exits while it is read: either the whole table (it was read before it
/// went) or one error line and nothing on stdout, never a part of the table.
#[test]
fn a_process_exiting_meanwhile_gives_all_or_one_line() {
    let mut errors = 0;
    for i in 0..20 {
        let kid = Kid::spawn(Command::new("sleep").arg(format!("0.0{}", i % 10)));
        let o = sysgauge_cmd(&["pmap", &kid.pid().to_string()])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        if o.status.success() {
            assert!(err.is_empty(), "{err}");
            assert!(
                out.starts_with("Address") && out.contains("\nPID = "),
                "{out}"
            );
        } else {
            errors += 1;
            assert_eq!(o.status.code(), Some(1));
            assert!(out.is_empty(), "partial output: {out}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.starts_with("sysgauge: process"), "{err}");
        }
        drop(kid);
    }
    eprintln!("{errors} of 20 runs saw the process go");
}

/// As `nobody`, another user's process (pid 1, root's) may not be read: the permission
/// error, one line.
#[test]
fn another_users_process_is_access_denied() {
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: setpriv is not installed");
        return;
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: not root, cannot become nobody");
        return;
    }
    let owner = std::fs::metadata("/proc/1").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid()
    });
    if owner.ok() != Some(0) {
        eprintln!("skipped: pid 1 is not root's here");
        return;
    }
    let o = Command::new("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_sysgauge"))
        .args(["pmap", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    if err.starts_with("setpriv:") {
        // e.g. the binary lies where nobody may not go.
        eprintln!("skipped: {err}");
        return;
    }
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(o.stdout.is_empty());
    assert_eq!(
        err, "sysgauge: access denied (pid=1) (/proc/1/smaps)\n",
        "the permission error, one line"
    );
}
