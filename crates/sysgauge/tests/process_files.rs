//! The files attributes of `Process` (exe, environ, terminal, open_files, threads) against
//! independent readings of the same process: `/proc/<pid>` read directly, `ps -o tty=`,
//! `lsof`, and psutil 7.2.2 on the same pid; children are spawned with known properties (a
//! deleted executable, an environment with invalid UTF-8, files open in every mode, 20
//! threads, a pseudo-terminal, a zombie).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{python_child, wait_exec, wait_state, Kid};
use serde_json::{json, Value};
use sysgauge::{Error, Process};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn exe_of_self_and_of_a_deleted_executable() {
    let me = Process::current().unwrap();
    assert_eq!(me.exe().unwrap(), std::env::current_exe().unwrap());
    // A copy of sleep, run, then deleted: the kernel's link ends in " (deleted)"; psutil
    // (and we) report the old path.
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("sleep copy");
    std::fs::copy("/bin/sleep", &exe).unwrap();
    let kid = Kid::spawn(Command::new(&exe).arg("30"));
    let mut want_cmdline = exe.as_os_str().as_bytes().to_vec();
    want_cmdline.extend_from_slice(b"\x0030\x00");
    wait_exec(kid.pid(), &want_cmdline);
    std::fs::remove_file(&exe).unwrap();
    let link = std::fs::read_link(format!("/proc/{}/exe", kid.pid())).unwrap();
    assert!(
        link.as_os_str().as_bytes().ends_with(b" (deleted)"),
        "{link:?}"
    );
    let p = Process::new(kid.pid()).unwrap();
    assert_eq!(p.exe().unwrap(), exe);
    let py = common::psutil(&format!(
        "import os\nout = os.fsencode(psutil.Process({}).exe()).hex()",
        kid.pid()
    ));
    assert_eq!(py, hex(exe.as_os_str().as_bytes()));
}

#[test]
fn exe_of_every_process_matches_psutil() {
    let _crowd = common::crowd(4);
    // Ours before and after psutil's: a process that exec'd (or a test thread's child
    // between fork and exec) meanwhile differs legitimately, so compare where ours held.
    let ours = || -> BTreeMap<i32, String> {
        sysgauge::pids()
            .unwrap()
            .into_iter()
            .filter_map(|pid| {
                let p = Process::new(pid).ok()?;
                let v = match p.exe() {
                    Ok(e) => hex(e.as_os_str().as_bytes()),
                    Err(Error::ZombieProcess { .. }) => "ZombieProcess".into(),
                    Err(Error::AccessDenied { .. }) => "AccessDenied".into(),
                    Err(Error::NoSuchProcess { .. }) => return None,
                    Err(e) => panic!("exe of {pid}: {e}"),
                };
                Some((pid, v))
            })
            .collect()
    };
    let before = ours();
    let py = common::psutil(
        r#"
import os
out = {}
for p in psutil.process_iter():
    try:
        out[str(p.pid)] = os.fsencode(p.exe()).hex()
    except psutil.NoSuchProcess as e:
        out[str(p.pid)] = type(e).__name__
    except psutil.AccessDenied:
        out[str(p.pid)] = "AccessDenied"
"#,
    );
    let after = ours();
    let mut compared = 0;
    for (pid, a) in &before {
        let (Some(b), Some(theirs)) = (after.get(pid), py.get(pid.to_string())) else {
            continue;
        };
        if a == b {
            assert_eq!(theirs, a.as_str(), "exe of {pid}");
            compared += 1;
        }
    }
    assert!(compared >= 5, "only {compared} processes compared");
}

#[test]
fn environ_with_invalid_utf8_comes_back_as_bytes() {
    let bad = OsStr::from_bytes(b"\xff\xfe ok \xc3\x28");
    let kid = Kid::spawn(
        Command::new("sleep")
            .arg("30")
            .env_clear()
            .env("SG_PLAIN", "hello world")
            .env("SG_EQ", "a=b=c")
            .env("SG_EMPTY", "")
            .env("SG_BAD", bad)
            .env(OsStr::from_bytes(b"SG_\xe9NAME"), "v"),
    );
    wait_exec(kid.pid(), b"sleep\x0030\x00");
    let p = Process::new(kid.pid()).unwrap();
    let env = p.environ().unwrap();
    let want: BTreeMap<OsString, OsString> = [
        (OsStr::new("SG_PLAIN"), OsStr::new("hello world")),
        (OsStr::new("SG_EQ"), OsStr::new("a=b=c")),
        (OsStr::new("SG_EMPTY"), OsStr::new("")),
        (OsStr::new("SG_BAD"), bad),
        (OsStr::from_bytes(b"SG_\xe9NAME"), OsStr::new("v")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_os_string(), v.to_os_string()))
    .collect();
    assert_eq!(env, want);
    // /proc read directly, and psutil.
    let raw = std::fs::read(format!("/proc/{}/environ", kid.pid())).unwrap();
    let direct: BTreeMap<OsString, OsString> = raw
        .split(|&b| b == 0)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let i = e.iter().position(|&b| b == b'=').unwrap();
            (
                OsStr::from_bytes(&e[..i]).to_os_string(),
                OsStr::from_bytes(&e[i + 1..]).to_os_string(),
            )
        })
        .collect();
    assert_eq!(env, direct);
    let py = common::psutil(&format!(
        "import os\nout = {{os.fsencode(k).hex(): os.fsencode(v).hex() for k, v in psutil.Process({}).environ().items()}}",
        kid.pid()
    ));
    let ours: serde_json::Map<String, Value> = env
        .iter()
        .map(|(k, v)| (hex(k.as_bytes()), json!(hex(v.as_bytes()))))
        .collect();
    assert_eq!(py, Value::Object(ours));
}

#[test]
fn zombie_files_as_psutil() {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id() as i32;
    wait_state(pid, b'Z');
    let p = Process::new(pid).unwrap();
    assert!(matches!(p.exe(), Err(Error::ZombieProcess { pid: z, .. }) if z == pid));
    assert!(matches!(p.environ(), Err(Error::ZombieProcess { .. })));
    let threads = p.threads().unwrap();
    assert_eq!(threads.iter().map(|t| t.id).collect::<Vec<_>>(), [pid]);
    assert_eq!(p.open_files().unwrap(), vec![]);
    assert_eq!(p.terminal().unwrap(), None);
    let py = common::psutil(&format!(
        r#"
p = psutil.Process({pid})
def err(f):
    try:
        f(); return "no error"
    except psutil.ZombieProcess:
        return "zombie"
out = {{"exe": err(p.exe), "environ": err(p.environ),
        "threads": [t.id for t in p.threads()], "open_files": p.open_files(),
        "terminal": p.terminal()}}
"#
    ));
    assert_eq!(
        py,
        json!({"exe": "zombie", "environ": "zombie", "threads": [pid], "open_files": [],
               "terminal": null})
    );
    child.wait().unwrap();
    assert!(matches!(p.exe(), Err(Error::NoSuchProcess { .. })));
    assert!(matches!(p.environ(), Err(Error::NoSuchProcess { .. })));
    assert!(matches!(p.threads(), Err(Error::NoSuchProcess { .. })));
    assert!(matches!(p.open_files(), Err(Error::NoSuchProcess { .. })));
    assert!(matches!(p.terminal(), Err(Error::NoSuchProcess { .. })));
}

#[test]
fn kernel_thread_has_empty_exe_and_environ() {
    if !common::kthreadd_visible() {
        return;
    }
    let k = Process::new(2).unwrap();
    assert_eq!(k.exe().unwrap(), PathBuf::new());
    // psutil 7.2.2 raises NoSuchProcess here on kernels that answer ESRCH for a kernel
    // thread's environ (6.x) although the process exists; we give its empty environment.
    assert_eq!(k.environ().unwrap(), BTreeMap::new());
    assert_eq!(k.open_files().unwrap(), vec![]);
    assert_eq!(k.terminal().unwrap(), None);
    let py = common::psutil(
        "p = psutil.Process(2)\nout = [p.exe(), [t.id for t in p.threads()], p.open_files(), p.terminal()]",
    );
    let ids: Vec<i32> = k.threads().unwrap().iter().map(|t| t.id).collect();
    assert_eq!(py, json!(["", ids, [], null]));
}

const OPENER: &str = r#"
import os, signal, socket, sys
d = sys.argv[1]
def path(n):
    return os.path.join(d, n)
for n in ("r.txt", "rplus.txt", "gone.txt", "a.txt"):
    with open(path(n), "wb") as f:
        f.write(b"0123456789" * 10)
keep = []
f = open(path("r.txt"), "rb"); f.seek(3); keep.append(f)
f = open(path("w.txt"), "wb"); f.write(b"hello"); f.flush(); keep.append(f)
f = open(path("a.txt"), "ab"); keep.append(f)
f = open(path("rplus.txt"), "r+b"); f.seek(42); keep.append(f)
f = open(path("aplus.txt"), "a+b"); f.write(b"xyz"); f.flush(); keep.append(f)
fd = os.open(path("rappend.txt"), os.O_RDONLY | os.O_APPEND | os.O_CREAT); keep.append(fd)
f = open(path("gone.txt"), "rb"); keep.append(f)
os.unlink(path("gone.txt"))
f = open(path("odd \xff name.txt".encode("latin-1").decode("utf-8", "surrogateescape")), "wb"); keep.append(f)
keep.append(os.open(d, os.O_RDONLY))
r, w = os.pipe(); keep += [r, w]
s = socket.socket(); keep.append(s)
print("ready", flush=True)
signal.pause()
"#;

#[test]
fn open_files_in_every_mode_match_psutil_proc_and_lsof() {
    let dir = tempfile::tempdir().unwrap();
    let (kid, line) = python_child(OPENER, &[dir.path().as_os_str()]);
    assert_eq!(line, "ready");
    let pid = kid.pid();
    kid.stop();
    let p = Process::new(pid).unwrap();
    let files = p.open_files().unwrap();
    let in_dir: BTreeMap<Vec<u8>, (String, u64)> = files
        .iter()
        .filter_map(|f| {
            let name = f.path.strip_prefix(dir.path()).ok()?;
            Some((
                name.as_os_str().as_bytes().to_vec(),
                (f.mode.clone(), f.position),
            ))
        })
        .collect();
    let want: BTreeMap<Vec<u8>, (String, u64)> = [
        (&b"r.txt"[..], "r", 3),
        (b"w.txt", "w", 5),
        (b"a.txt", "a", 100),
        (b"rplus.txt", "r+", 42),
        (b"aplus.txt", "a+", 3),
        (b"rappend.txt", "r", 0),
        (b"odd \xff name.txt", "w", 0),
    ]
    .into_iter()
    .map(|(n, m, pos)| (n.to_vec(), (m.to_string(), pos)))
    .collect();
    // The deleted file, the directory, the pipe and the socket are not listed.
    assert_eq!(in_dir, want);
    // Every listed fd's flags are fdinfo's, read directly.
    for f in &files {
        let info = std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{}", f.fd)).unwrap();
        let flags = info
            .lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .map(|v| i32::from_str_radix(v.trim(), 8).unwrap())
            .unwrap();
        assert_eq!(f.flags, flags, "{f:?}");
        assert_eq!(
            std::fs::read_link(format!("/proc/{pid}/fd/{}", f.fd)).unwrap(),
            f.path
        );
    }
    // psutil: the same list, in the same order.
    let py = common::psutil(&format!(
        "import os\nout = [[os.fsencode(f.path).hex(), f.fd, f.position, f.mode, f.flags] for f in psutil.Process({pid}).open_files()]"
    ));
    let ours: Vec<Value> = files
        .iter()
        .map(|f| {
            json!([
                hex(f.path.as_os_str().as_bytes()),
                f.fd,
                f.position,
                f.mode,
                f.flags
            ])
        })
        .collect();
    assert_eq!(py, Value::Array(ours));
    // lsof: the regular files it lists by numeric fd, minus the deleted one, are ours.
    let Ok(out) = Command::new("lsof")
        .args([
            "-n",
            "-P",
            "-w",
            "-a",
            "-p",
            &pid.to_string(),
            "-d",
            "0-65535",
            "-F",
            "ftn",
        ])
        .output()
    else {
        eprintln!("lsof not installed: skipped that part");
        return;
    };
    let mut lsof: BTreeSet<(i32, Vec<u8>)> = BTreeSet::new();
    let (mut fd, mut ty) = (None, Vec::new());
    for l in out.stdout.split(|&b| b == b'\n') {
        match l.split_first() {
            Some((b'f', v)) => fd = std::str::from_utf8(v).ok().and_then(|s| s.parse().ok()),
            Some((b't', v)) => ty = v.to_vec(),
            Some((b'n', v)) if ty == b"REG" => {
                if let Some(fd) = fd {
                    if !v.ends_with(b" (deleted)") && !v.contains(&b'\\') {
                        lsof.insert((fd, v.to_vec()));
                    }
                }
            }
            _ => {}
        }
    }
    let ours: BTreeSet<(i32, Vec<u8>)> = files
        .iter()
        .filter(|f| !f.path.as_os_str().as_bytes().contains(&0xff))
        .map(|f| (f.fd, f.path.as_os_str().as_bytes().to_vec()))
        .collect();
    assert_eq!(ours, lsof);
}

#[test]
fn threads_of_a_python_child_with_20_threads() {
    let code = r#"
import threading, signal
ev = threading.Event()
ts = [threading.Thread(target=ev.wait, daemon=True) for _ in range(20)]
for t in ts:
    t.start()
print("ready", flush=True)
signal.pause()
"#;
    let (kid, line) = python_child(code, &[]);
    assert_eq!(line, "ready");
    let pid = kid.pid();
    kid.stop();
    let p = Process::new(pid).unwrap();
    let threads = p.threads().unwrap();
    assert_eq!(threads.len(), 21);
    // /proc/<pid>/task, sorted as text (psutil's order).
    let mut names: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let ids: Vec<String> = threads.iter().map(|t| t.id.to_string()).collect();
    assert_eq!(ids, names);
    assert_eq!(p.num_threads().unwrap(), 21);
    // Times: task/<tid>/stat's utime/stime over CLK_TCK; the child is stopped, so psutil's
    // reading is the same.
    let hz = rustix::param::clock_ticks_per_second() as f64;
    for t in &threads {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/task/{}/stat", t.id)).unwrap();
        let f: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
            .split_whitespace()
            .collect();
        assert_eq!(t.user_time, f[11].parse::<f64>().unwrap() / hz);
        assert_eq!(t.system_time, f[12].parse::<f64>().unwrap() / hz);
    }
    let py = common::psutil(&format!(
        "out = [list(t) for t in psutil.Process({pid}).threads()]"
    ));
    let theirs = py.as_array().unwrap();
    assert_eq!(theirs.len(), threads.len());
    for (t, v) in threads.iter().zip(theirs) {
        assert_eq!(v[0], json!(t.id));
        common::assert_close("user_time", v[1].as_f64().unwrap(), t.user_time, 1e-9);
        common::assert_close("system_time", v[2].as_f64().unwrap(), t.system_time, 1e-9);
    }
}

/// The pid of the first descendant of `root` whose comm is `name`.
fn descendant_named(root: i32, name: &str) -> Option<i32> {
    let mut frontier = vec![root];
    while let Some(pid) = frontier.pop() {
        for e in std::fs::read_dir("/proc").ok()? {
            let Ok(e) = e else { continue };
            let Some(child) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
                continue;
            };
            let close = stat.rfind(')')?;
            let comm = &stat[stat.find('(')? + 1..close];
            let ppid: i32 = stat[close + 2..].split_whitespace().nth(1)?.parse().ok()?;
            if ppid == pid {
                if comm == name {
                    return Some(child);
                }
                frontier.push(child);
            }
        }
    }
    None
}

#[test]
fn terminal_of_a_child_on_a_pty() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no script(1)");
        return;
    }
    let script = Kid::spawn(
        Command::new("script")
            .args(["-qfc", "sleep 30", "/dev/null"])
            .stderr(Stdio::null()),
    );
    let t0 = Instant::now();
    let pid = loop {
        if let Some(p) = descendant_named(script.pid(), "sleep") {
            break p;
        }
        if t0.elapsed() > Duration::from_secs(10) {
            eprintln!("skipped: script(1) did not start sleep on a pty here");
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let p = Process::new(pid).unwrap();
    let tty = p.terminal().unwrap().expect("sleep under script has a pty");
    assert!(tty.starts_with("/dev/pts/"), "{tty:?}");
    // The device numbers agree.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let tty_nr: u64 = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .nth(4)
        .unwrap()
        .parse()
        .unwrap();
    let rdev = std::os::unix::fs::MetadataExt::rdev(&std::fs::metadata(&tty).unwrap());
    assert_eq!(rdev, tty_nr);
    let ps = common::run("ps", &["-o", "tty=", "-p", &pid.to_string()]);
    assert_eq!(Path::new("/dev").join(ps.trim()), tty);
    let py = common::psutil(&format!("out = psutil.Process({pid}).terminal()"));
    assert_eq!(py, json!(tty.to_str().unwrap()));
    // The script process itself has none (our test has no terminal) or the same as ps.
    let ours = Process::new(script.pid()).unwrap().terminal().unwrap();
    let ps = common::run("ps", &["-o", "tty=", "-p", &script.pid().to_string()]);
    match ps.trim() {
        "?" => assert_eq!(ours, None),
        t => assert_eq!(ours, Some(Path::new("/dev").join(t))),
    }
}

#[test]
fn terminal_of_every_process_matches_ps_and_psutil() {
    let _crowd = common::crowd(4);
    // Every process's terminal read before and after ps and psutil: a process that changes
    // terminal meanwhile (a tmux server of another test calls setsid right after it starts)
    // or whose pid changes hands is not compared.
    let before: Vec<(Process, Option<PathBuf>)> = sysgauge::pids()
        .unwrap()
        .into_iter()
        .filter_map(|pid| {
            let p = Process::new(pid).ok()?;
            let t = p.terminal().ok()?;
            Some((p, t))
        })
        .collect();
    let ps = common::run("ps", &["-e", "-o", "pid=,tty="]);
    let py = common::psutil(
        "out = {str(p.pid): p.info['terminal'] for p in psutil.process_iter(['terminal'])}",
    );
    let ps: std::collections::HashMap<i32, String> = ps
        .lines()
        .filter_map(|line| {
            let mut it = line.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.to_string()))
        })
        .collect();
    let mut compared = 0;
    for (p, first) in before {
        let pid = p.pid();
        let Ok(ours) = p.terminal() else { continue };
        if ours != first || !p.is_running() {
            continue;
        }
        let Some(tty) = ps.get(&pid) else { continue };
        // ps names only the ttys it can find too; "?" is none.
        if tty == "?" {
            assert_eq!(ours, None, "terminal of {pid}");
        } else if tty.starts_with("pts/") || tty.starts_with("tty") {
            assert_eq!(ours, Some(Path::new("/dev").join(tty)), "terminal of {pid}");
        }
        if let Some(theirs) = py.get(pid.to_string()) {
            let theirs = theirs.as_str().map(PathBuf::from);
            assert_eq!(ours, theirs, "terminal of {pid} vs psutil");
        }
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} processes compared");
}

#[test]
fn oneshot_gives_the_same_values_as_separate_calls() {
    let dir = tempfile::tempdir().unwrap();
    let (kid, _) = python_child(OPENER, &[dir.path().as_os_str()]);
    kid.stop();
    let p = Process::new(kid.pid()).unwrap();
    let outside = (
        p.exe().unwrap(),
        p.environ().unwrap(),
        p.terminal().unwrap(),
        p.open_files().unwrap(),
        p.threads().unwrap(),
    );
    let inside = p.oneshot(|q| {
        (
            q.exe().unwrap(),
            q.environ().unwrap(),
            q.terminal().unwrap(),
            q.open_files().unwrap(),
            q.threads().unwrap(),
        )
    });
    assert_eq!(outside, inside);
}
