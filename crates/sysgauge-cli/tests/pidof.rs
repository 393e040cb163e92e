//! `sysgauge pidof`, run as a program: children with a name of their own are found, as
//! sysvinit's `pidof`, the library and psutil find them.

mod common;

use common::TempDir;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use common::Kid;

/// The children of one test: `named` run a copy of `sleep` called `name` (their
/// `name()` and first argument are that name and that path), `argv0` runs `sleep` with
/// `name` as its first argument only (`exec -a`), `other` a copy under another name.
struct Children {
    _dir: TempDir,
    name: String,
    exe: PathBuf,
    named: Vec<Kid>,
    argv0: Kid,
    _other: Kid,
}

fn children(tag: &str) -> Children {
    let dir = TempDir::new(tag);
    // Short names: `comm` keeps 15 bytes.
    let name = format!("{tag}{}", std::process::id() % 100_000);
    let exe = dir.0.join(&name);
    std::fs::copy("/bin/sleep", &exe).unwrap();
    let other_exe = dir.0.join(format!("{name}x"));
    std::fs::copy("/bin/sleep", &other_exe).unwrap();
    let named: Vec<Kid> = (0..3)
        .map(|_| Kid::spawn(Command::new(&exe).arg("60")))
        .collect();
    for k in &named {
        common::wait_comm(k.pid(), &name);
    }
    let argv0 = Kid::spawn(
        Command::new("bash")
            .arg("-c")
            .arg(format!("exec -a {name} sleep 60")),
    );
    common::wait_exec(argv0.pid(), format!("{name}\x0060\x00").as_bytes());
    let other = Kid::spawn(Command::new(&other_exe).arg("60"));
    common::wait_comm(other.pid(), &format!("{name}x"));
    Children {
        _dir: dir,
        name,
        exe,
        named,
        argv0,
        _other: other,
    }
}

fn pids_of_line(line: &str) -> Vec<i32> {
    line.split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect()
}

#[test]
fn finds_children_like_pidof_library_and_psutil() {
    let c = children("sgpo");
    let mut want: Vec<i32> = c.named.iter().map(Kid::pid).collect();
    want.push(c.argv0.pid());
    want.sort();

    // One line, ascending pids, separated by spaces.
    let out = common::sysgauge(&["pidof", &c.name]);
    assert_eq!(out.lines().count(), 1, "{out:?}");
    let got = pids_of_line(&out);
    assert_eq!(got, want, "{out}");
    let joined: Vec<String> = want.iter().map(i32::to_string).collect();
    assert_eq!(out, format!("{}\n", joined.join(" ")));

    // sysvinit's pidof finds the same processes (it prints them in another order).
    let theirs: BTreeSet<i32> = pids_of_line(&common::run("pidof", &[&c.name]))
        .into_iter()
        .collect();
    assert_eq!(theirs, want.iter().copied().collect(), "pidof {}", c.name);

    // The library: name() or cmdline()[0] equal to the name.
    let lib: Vec<i32> = sysgauge::process_iter(
        &[sysgauge::Attr::Name, sysgauge::Attr::Cmdline],
        sysgauge::AttrValue::None,
    )
    .unwrap()
    .filter(|p| {
        p.name().ok().as_deref() == Some(c.name.as_ref())
            || p.cmdline().ok().and_then(|a| a.first().cloned()).as_deref() == Some(c.name.as_ref())
    })
    .map(|p| p.pid())
    .collect();
    assert_eq!(lib, want);

    // psutil, with the same rule.
    let theirs = common::psutil(&format!(
        "n = {:?}\nout = [p.pid for p in psutil.process_iter(['name', 'cmdline']) \
         if p.info['name'] == n or (p.info['cmdline'] or [None])[0] == n]",
        c.name
    ));
    let theirs: Vec<i32> = theirs
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap() as i32)
        .collect();
    assert_eq!(theirs, want);

    // --json: the list of pids.
    let json: Vec<i32> =
        serde_json::from_str(&common::sysgauge(&["pidof", "--json", &c.name])).unwrap();
    assert_eq!(json, want);
}

#[test]
fn first_argument_is_compared_whole() {
    let c = children("sgpp");
    // The copies were started by their full path: that path finds them (and not the
    // `exec -a` child, whose first argument is the bare name).
    let out = common::sysgauge(&["pidof", c.exe.to_str().unwrap()]);
    let want: Vec<i32> = c.named.iter().map(Kid::pid).collect();
    assert_eq!(pids_of_line(&out), want);
    // A prefix of the name is not the name.
    let prefix = &c.name[..c.name.len() - 1];
    let out = common::sysgauge_out(&["pidof", prefix]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
}

#[test]
fn nothing_found_prints_nothing() {
    let name = format!("sgnone{}", std::process::id());
    // pidof.py prints nothing and exits with 0 (sysvinit's pidof exits with 1).
    let out = common::sysgauge_out(&["pidof", &name]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"");
    assert_eq!(out.stderr, b"");
    let out = common::sysgauge_out(&["pidof", "--json", &name]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[]\n");
    let theirs = Command::new("pidof").arg(&name).output().unwrap();
    assert_eq!(theirs.stdout, b"");
    // A missing argument is a usage error.
    let out = common::sysgauge_out(&["pidof"]);
    assert!(!out.status.success());
}
