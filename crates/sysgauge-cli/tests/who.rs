//! `sysgauge who`, run as a program. This machine has no utmp file, so the sessions come
//! from the library's fixture `crates/sysgauge/tests/fixtures/host-utmp/utmp` (seven
//! `USER_PROCESS` records among boot, run-level, login and dead ones), named by
//! `SYSGAUGE_UTMP_PATH`, with a small fake `/proc` (`SYSGAUGE_PROCFS_PATH`) in which two of
//! the sessions' pids exist: every line and field is checked exactly (psutil's who.py
//! layout), in two time zones, against psutil 7.2.2's `users()` reading the same file, and
//! against coreutils `who <file>` where the formats overlap (user, terminal, date, host).
//! Live: our lines against `who` on this machine (both empty here, or equal).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::sysgauge_cmd;
use serde_json::Value;

/// The library's utmp fixture.
fn utmp() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../sysgauge/tests/fixtures/host-utmp/utmp")
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fake procfs in which pid 1234 is `sshd` and pid 1300 is `login` (a `stat` file each,
/// the fields after the name taken from a real one); the other sessions' pids do not exist.
fn fake_proc(tag: &str) -> TempDir {
    let dir = TempDir(std::env::temp_dir().join(format!("sgcli-who-{tag}-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let rest = "S 1 1 1 0 -1 4194304 1236 0 3 0 2 0 0 0 20 0 1 0 235681 165683200 2423 \
                18446744073709551615 4321280 7148169 140721691940752 0 0 0 0 16781318 0 0 0 0 \
                17 0 0 0 0 0 0 9723336 11027064 80982016 140721691942797 140721691942832 \
                140721691942832 140721691942891 0";
    for (pid, comm) in [(1234, "sshd"), (1300, "login")] {
        let p = dir.0.join(pid.to_string());
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("stat"), format!("{pid} ({comm}) {rest}\n")).unwrap();
    }
    dir
}

/// `sysgauge who args` on the fixture, in time zone `tz`.
fn who_fixture(args: &[&str], tz: &str, proc: &Path) -> String {
    let mut cmd = sysgauge_cmd(args);
    cmd.env("SYSGAUGE_UTMP_PATH", utmp())
        .env("SYSGAUGE_PROCFS_PATH", proc)
        .env("TZ", tz);
    common::stdout_of(&mut cmd)
}

/// The fixture's lines as who.py prints them with psutil 7.2.2, in UTC.
const UTC_LINES: [&str; 7] = [
    "alice        pts/0      2023-11-14 22:13 (192.168.1.10) sshd",
    "bob          tty2       2023-11-14 22:15 (localhost)    login",
    "carol        :0         2023-11-14 22:16 (localhost)    ",
    "dave         pts/1      2023-11-14 22:18 (2001:db8::1)  ",
    "émile        pts/2      2023-11-14 22:20 (example.org)  ",
    "x\u{fffd}z          pts/3      2023-11-14 22:21 (h\u{fffd}st)         ",
    "frank        -          2023-11-14 22:23 (localhost)    ",
];

#[test]
fn fixture_lines_are_exact() {
    let proc = fake_proc("lines");
    let out = who_fixture(&["who"], "UTC0", &proc.0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines, UTC_LINES);
    // Local time: 5h30 east of UTC, the sessions started the next day.
    let out = who_fixture(&["who"], "IST-5:30", &proc.0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(
        lines[0],
        "alice        pts/0      2023-11-15 03:43 (192.168.1.10) sshd"
    );
    assert_eq!(
        lines[6],
        "frank        -          2023-11-15 03:53 (localhost)    "
    );
}

#[test]
fn fixture_json_matches_psutil() {
    let proc = fake_proc("json");
    let out = who_fixture(&["who", "--json"], "UTC0", &proc.0);
    let ours: Value = serde_json::from_str(&out).unwrap();
    // psutil reads utmp through glibc: point glibc at the fixture. Invalid UTF-8 comes
    // back as lone surrogates, which JSON (and Rust) write as U+FFFD.
    let code = format!(
        r#"
assert ctypes.CDLL(None).utmpxname({path:?}.encode()) == 0
fix = lambda s: s if s is None else s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
print(json.dumps([{{"name": fix(u.name), "terminal": fix(u.terminal), "host": fix(u.host),
                   "started": u.started, "pid": u.pid}} for u in psutil.users()]))
"#,
        path = utmp().to_str().unwrap()
    );
    let theirs = common::psutil_script(&code);
    assert_eq!(ours, theirs);
    // psutil's suser fields, in its order.
    let mut at = out.find('{').unwrap();
    for k in ["name", "terminal", "host", "started", "pid"] {
        at += out[at..].find(&format!("\"{k}\":")).unwrap() + 1;
    }
    let rows = ours.as_array().unwrap();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0]["pid"], 1234);
    assert_eq!(rows[0]["started"], 1_700_000_000.0, "microseconds dropped");
    assert!(rows[6]["terminal"].is_null());
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// One session as coreutils `who` prints it in the C locale: user, terminal (empty when
/// none), `Mon DD HH:MM`, and the host when there is one.
fn parse_who(out: &[u8]) -> Vec<(String, String, String, Option<String>)> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            // "NAME LINE Mon DD HH:MM [(HOST)]"; LINE is blank when the record has none.
            let (tty, at) = if MONTHS.contains(&w[1]) {
                ("", 1)
            } else {
                (w[1], 2)
            };
            let host = w
                .get(at + 3)
                .map(|h| h.trim_start_matches('(').trim_end_matches(')').to_string());
            (
                w[0].to_string(),
                tty.to_string(),
                format!("{} {:>2} {}", w[at], w[at + 1], w[at + 2]),
                host,
            )
        })
        .collect()
}

/// Our line's fields as `who` shows them: user, terminal (`-` becomes empty), the date as
/// `Mon DD HH:MM` (`%b %e %H:%M`), host.
fn ours_as_who(line: &str) -> (String, String, String, String) {
    let w: Vec<&str> = line.split_whitespace().collect();
    let tty = if w[1] == "-" { "" } else { w[1] };
    let host = w[4].trim_start_matches('(').trim_end_matches(')');
    let ymd: Vec<usize> = w[2].split('-').map(|x| x.parse().unwrap()).collect();
    (
        w[0].to_string(),
        tty.to_string(),
        format!("{} {:>2} {}", MONTHS[ymd[1] - 1], ymd[2], w[3]),
        host.to_string(),
    )
}

#[test]
fn fixture_agrees_with_coreutils_who() {
    let proc = fake_proc("coreutils");
    for tz in ["UTC0", "IST-5:30"] {
        let o = Command::new("who")
            .arg(utmp())
            .env("TZ", tz)
            .env("LC_ALL", "C")
            .output()
            .expect("who runs");
        assert!(o.status.success());
        let theirs = parse_who(&o.stdout);
        let out = who_fixture(&["who"], tz, &proc.0);
        let ours: Vec<_> = out.lines().map(ours_as_who).collect();
        assert_eq!(ours.len(), theirs.len(), "{out}\n{theirs:?}");
        for (o, t) in ours.iter().zip(&theirs) {
            assert_eq!((&o.0, &o.1, &o.2), (&t.0, &t.1, &t.2), "{tz}");
            // psutil calls an empty host, ":0" and ":0.0" "localhost"; `who` shows them as
            // they are.
            match &t.3 {
                Some(h) if o.3 != "localhost" => assert_eq!(&o.3, h, "{tz}"),
                Some(h) => assert!(h.starts_with(':'), "{h}"),
                None => assert_eq!(o.3, "localhost"),
            }
        }
    }
}

#[test]
fn process_name_is_blank_when_the_process_is_gone() {
    // An empty /proc: no session's process exists (where who.py stops with a traceback).
    let empty =
        TempDir(std::env::temp_dir().join(format!("sgcli-who-empty-{}", std::process::id())));
    std::fs::create_dir_all(&empty.0).unwrap();
    let out = who_fixture(&["who"], "UTC0", &empty.0);
    let lines: Vec<&str> = out.lines().collect();
    let want: Vec<&str> = UTC_LINES
        .iter()
        .map(|l| l.trim_end_matches(|c: char| c != ' '))
        .collect();
    assert_eq!(lines, want);
}

#[test]
fn live_matches_who_and_psutil() {
    let mut cmd = sysgauge_cmd(&["who"]);
    cmd.env_remove("SYSGAUGE_UTMP_PATH")
        .env_remove("SYSGAUGE_PROCFS_PATH")
        .env("TZ", "UTC0");
    let out = common::stdout_of(&mut cmd);
    let o = Command::new("who")
        .env("TZ", "UTC0")
        .env("LC_ALL", "C")
        .output()
        .expect("who runs");
    assert!(o.status.success());
    let theirs = parse_who(&o.stdout);
    let ours: Vec<_> = out.lines().map(ours_as_who).collect();
    assert_eq!(ours.len(), theirs.len(), "{out}\n{theirs:?}");
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!((&o.0, &o.1, &o.2), (&t.0, &t.1, &t.2));
    }
    let mut cmd = sysgauge_cmd(&["who", "--json"]);
    cmd.env_remove("SYSGAUGE_UTMP_PATH");
    let ours: Value = serde_json::from_str(&common::stdout_of(&mut cmd)).unwrap();
    let theirs = common::psutil("out = psutil.users()");
    assert_eq!(ours, theirs);
}
