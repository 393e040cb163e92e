//! `Process`, `pids` and `pid_exists` against `/proc` read directly, `ps` and psutil 7.2.2,
//! on this process and on children spawned with known properties.

mod common;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{wait_exec, wait_state, Kid};
use sysgauge::{Error, Process, Status};

/// A copy of `sleep` under the file name `name` in a fresh temporary directory.
fn sleep_named(name: &OsStr) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join(name);
    std::fs::copy("/bin/sleep", &exe).unwrap();
    (dir, exe)
}

/// psutil's view of one process, with names and arguments as byte lists.
fn psutil_proc(pid: i32) -> serde_json::Value {
    common::psutil(&format!(
        r#"
p = psutil.Process({pid})
enc = lambda s: list(s.encode("utf-8", "surrogateescape"))
with p.oneshot():
    out = {{"name": enc(p.name()), "ppid": p.ppid(), "status": p.status(),
           "create_time": p.create_time(), "num_threads": p.num_threads(),
           "cpu_times": p.cpu_times(), "memory_info": p.memory_info(),
           "cmdline": [enc(a) for a in p.cmdline()], "cwd": enc(p.cwd()),
           "num_fds": p.num_fds()}}
"#
    ))
}

/// psutil's cmdline, as byte lists, from [`psutil_proc`]'s output.
fn py_args(py: &serde_json::Value) -> Vec<Vec<u8>> {
    py["cmdline"]
        .as_array()
        .unwrap()
        .iter()
        .map(bytes_of)
        .collect()
}

fn bytes_of(v: &serde_json::Value) -> Vec<u8> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect()
}

#[test]
fn pids_match_proc_and_psutil() {
    let before: Vec<i32> = serde_json::from_value(common::psutil("out = psutil.pids()")).unwrap();
    let ours = sysgauge::pids().unwrap();
    let after: Vec<i32> = serde_json::from_value(common::psutil("out = psutil.pids()")).unwrap();
    assert!(
        ours.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates"
    );
    assert!(ours.contains(&1) && ours.contains(&(std::process::id() as i32)));
    for pid in &before {
        if after.contains(pid) {
            assert!(
                ours.contains(pid),
                "pid {pid} alive before and after is missing"
            );
        }
    }
    for pid in &ours {
        let seen = before.contains(pid) || after.contains(pid);
        let gone_now = !Path::new(&format!("/proc/{pid}")).exists();
        assert!(seen || gone_now, "pid {pid} was never seen by psutil");
    }
}

#[test]
fn pid_exists_processes_not_threads() {
    let me = std::process::id() as i32;
    assert!(sysgauge::pid_exists(me));
    assert!(
        !sysgauge::pid_exists(0),
        "psutil 7.2.2 on Linux: no /proc/0, so no pid 0"
    );
    assert!(sysgauge::pid_exists(1));
    assert!(!sysgauge::pid_exists(-1));
    // A thread id answers kill(2) and has a /proc entry, but is not a process.
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        // /proc/thread-self links to "<pid>/task/<tid>".
        let link = std::fs::read_link("/proc/thread-self").unwrap();
        let tid: i32 = link.file_name().unwrap().to_str().unwrap().parse().unwrap();
        tx.send(tid).unwrap();
        done_rx.recv().ok();
    });
    let tid = rx.recv().unwrap();
    assert!(Path::new(&format!("/proc/{tid}")).exists());
    assert!(!sysgauge::pid_exists(tid), "thread {tid} is not a process");
    let py = common::psutil(&format!(
        "out = [psutil.pid_exists({me}), psutil.pid_exists({tid}), psutil.pid_exists(0)]"
    ));
    assert_eq!(py, serde_json::json!([true, false, false]));
    done_tx.send(()).unwrap();
    t.join().unwrap();
    // A reaped child does not exist.
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id() as i32;
    c.wait().unwrap();
    assert!(!sysgauge::pid_exists(pid));
}

#[test]
fn current_process_matches_proc_and_std() {
    let me = Process::current().unwrap();
    assert_eq!(me.pid(), std::process::id() as i32);
    assert_eq!(
        me.ppid().unwrap(),
        std::os::unix::process::parent_id() as i32
    );
    assert_eq!(me.cwd().unwrap(), std::env::current_dir().unwrap());
    // /proc/<pid>/stat describes the main thread, which sleeps while the tests run on
    // other threads.
    assert!(matches!(
        me.status().unwrap(),
        Status::Running | Status::Sleeping
    ));
    // Other tests open and close descriptors in this process meanwhile: exact counts are
    // compared on children (below), here only that the three standard ones are seen.
    assert!(me.num_fds().unwrap() >= 3);
    let threads = std::fs::read_dir("/proc/self/task").unwrap().count() as u64;
    // Test threads come and go; the count is within the ones seen around the call.
    assert!(me.num_threads().unwrap() >= 1 && me.num_threads().unwrap() <= threads + 64);
    assert!(me.is_running());
    assert_eq!(me, Process::new(me.pid()).unwrap());
}

#[test]
fn children_with_awkward_names_and_arguments() {
    let me = std::process::id() as i32;
    let cases: Vec<(OsString, &[u8])> = vec![
        (OsString::from("a) b (c"), b"a) b (c"),
        // 27 bytes: comm is cut to 15, name() extends it from cmdline[0].
        (
            OsString::from("sleep-with-a-very-long-name"),
            b"sleep-with-a-very-long-name",
        ),
        (
            OsStr::from_bytes(b"bad-\xff\xfe-utf8").to_owned(),
            b"bad-\xff\xfe-utf8",
        ),
    ];
    for (file, want_name) in cases {
        let (dir, exe) = sleep_named(&file);
        let kid = Kid::spawn(Command::new(&exe).arg("30").current_dir(dir.path()));
        let mut want_cmdline = exe.as_os_str().as_bytes().to_vec();
        want_cmdline.extend_from_slice(b"\x0030\x00");
        wait_exec(kid.pid(), &want_cmdline);
        let p = Process::new(kid.pid()).unwrap();
        assert_eq!(p.name().unwrap().as_bytes(), want_name, "{file:?}");
        assert_eq!(
            p.cmdline().unwrap(),
            vec![exe.clone().into_os_string(), OsString::from("30")]
        );
        assert_eq!(p.ppid().unwrap(), me);
        assert_eq!(p.cwd().unwrap(), dir.path().canonicalize().unwrap());
        let py = psutil_proc(kid.pid());
        assert_eq!(bytes_of(&py["name"]), want_name, "psutil name of {file:?}");
        assert_eq!(py["ppid"], me);
        assert_eq!(py["num_fds"], p.num_fds().unwrap());
        assert_eq!(py["num_threads"], p.num_threads().unwrap());
        assert_eq!(
            bytes_of(&py["cwd"]),
            dir.path().canonicalize().unwrap().as_os_str().as_bytes()
        );
        let ours: Vec<Vec<u8>> = p
            .cmdline()
            .unwrap()
            .iter()
            .map(|a| a.as_bytes().to_vec())
            .collect();
        assert_eq!(py_args(&py), ours);
    }
}

#[test]
fn command_line_with_empty_spaced_and_invalid_arguments() {
    // `sh -c 'sleep 30; :'` stays a shell (the `:` stops it exec'ing sleep), so its
    // cmdline is exactly what was passed.
    let args: Vec<OsString> = vec![
        "sh".into(),
        "-c".into(),
        "sleep 30; :".into(),
        "zero".into(),
        "".into(),
        "a b".into(),
        OsStr::from_bytes(b"\xff\n)").to_owned(),
    ];
    let kid = Kid::spawn(Command::new("/bin/sh").args(&args[1..]));
    let mut raw = Vec::new();
    for a in &args {
        raw.extend_from_slice(if a == "sh" { b"/bin/sh" } else { a.as_bytes() });
        raw.push(0);
    }
    wait_exec(kid.pid(), &raw);
    let p = Process::new(kid.pid()).unwrap();
    let mut want = args.clone();
    want[0] = "/bin/sh".into();
    assert_eq!(p.cmdline().unwrap(), want);
    let py = psutil_proc(kid.pid());
    let ours: Vec<Vec<u8>> = want.iter().map(|a| a.as_bytes().to_vec()).collect();
    assert_eq!(py_args(&py), ours, "psutil splits the same way");
}

#[test]
fn stopped_child_values_equal_psutil_exactly() {
    let kid = Kid::spawn(Command::new("sleep").arg("30"));
    wait_exec(kid.pid(), b"sleep\x0030\x00");
    let p = Process::new(kid.pid()).unwrap();
    kid.stop();
    assert_eq!(p.status().unwrap(), Status::Stopped);
    assert_eq!(p.status().unwrap().to_string(), "stopped");
    // Stopped: memory and CPU times do not move, so they must be equal.
    let py = psutil_proc(kid.pid());
    assert_eq!(py["status"], "stopped");
    assert_eq!(
        py["memory_info"],
        serde_json::to_value(p.memory_info().unwrap()).unwrap()
    );
    assert_eq!(
        py["cpu_times"],
        serde_json::to_value(p.cpu_times().unwrap()).unwrap()
    );
    // create_time: the same formula on the same ticks and boot time.
    let ours = p.create_time().unwrap();
    let theirs = py["create_time"].as_f64().unwrap();
    common::assert_close("create_time", ours, theirs, 1e-6);
    // ps agrees on the rss in KiB and the virtual size.
    let ps = common::run("ps", &["-o", "rss=,vsz=", "-p", &kid.pid().to_string()]);
    let mut it = ps
        .split_whitespace()
        .map(|v| v.parse::<u64>().unwrap() * 1024);
    let m = p.memory_info().unwrap();
    assert_eq!(it.next(), Some(m.rss));
    assert_eq!(it.next(), Some(m.vms));
}

#[test]
fn zombie_and_reaped_child() {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id() as i32;
    wait_state(pid, b'Z');
    let p = Process::new(pid).unwrap();
    assert_eq!(p.status().unwrap(), Status::Zombie);
    assert!(p.is_running(), "a zombie is still running (psutil)");
    assert_eq!(p.name().unwrap(), "true");
    assert!(matches!(p.cmdline(), Err(Error::ZombieProcess { pid: z, .. }) if z == pid));
    let py = common::psutil(&format!(
        "try:\n    psutil.Process({pid}).cmdline(); out = 'no error'\nexcept psutil.ZombieProcess:\n    out = 'zombie'"
    ));
    assert_eq!(py, "zombie");
    child.wait().unwrap();
    assert!(!p.is_running());
    assert!(matches!(p.ppid(), Err(Error::NoSuchProcess { .. })));
    assert!(matches!(p.memory_info(), Err(Error::NoSuchProcess { .. })));
    assert!(matches!(
        Process::new(pid),
        Err(Error::NoSuchProcess { .. })
    ));
    assert!(matches!(Process::new(-3), Err(Error::InvalidArgument(_))));
}

#[test]
fn kernel_thread_has_empty_cmdline() {
    if !common::kthreadd_visible() {
        return;
    }
    let kthreadd = Process::new(2).unwrap();
    assert_eq!(kthreadd.cmdline().unwrap(), Vec::<OsString>::new());
    assert_eq!(kthreadd.ppid().unwrap(), 0);
}

#[test]
fn every_process_against_ps() {
    let _crowd = common::crowd(8);
    // ppid and thread count of every process, compared where two of our reads agree
    // (processes change as we look). This test process is left out: its test threads come
    // and go between `ps` and us.
    let me = std::process::id() as i32;
    let out = common::run("ps", &["-e", "-o", "pid=,ppid=,nlwp="]);
    let mut compared = 0;
    for line in out.lines() {
        let v: Vec<i64> = line
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        let (pid, ppid, nlwp) = (v[0] as i32, v[1] as i32, v[2] as u64);
        let Ok(p) = Process::new(pid) else { continue };
        let (Ok(a), Ok(b)) = (p.ppid(), p.ppid()) else {
            continue;
        };
        if a == b {
            assert_eq!(a, ppid, "ppid of {pid}");
        }
        if let (Ok(t1), Ok(t2)) = (p.num_threads(), p.num_threads()) {
            if t1 == t2 && pid != me {
                assert_eq!(t1, nlwp, "threads of {pid}");
                compared += 1;
            }
        }
    }
    assert!(compared > 5, "only {compared} processes compared");
}

#[test]
fn child_as_nobody_with_nice_ids_and_counters() {
    // `setpriv` drops to nobody/nogroup, then `nice -n 7` runs sleep: known uids, gids,
    // user name and nice value.
    let kid = Kid::spawn(Command::new("setpriv").args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "nice",
        "-n",
        "7",
        "sleep",
        "30",
    ]));
    wait_exec(kid.pid(), b"sleep\x0030\x00");
    kid.stop();
    let p = Process::new(kid.pid()).unwrap();
    let nobody = sysgauge::Ids {
        real: 65534,
        effective: 65534,
        saved: 65534,
    };
    assert_eq!(p.uids().unwrap(), nobody);
    assert_eq!(p.gids().unwrap(), nobody);
    assert_eq!(p.nice().unwrap(), 7);
    let py = common::psutil(&format!(
        r#"
p = psutil.Process({pid})
out = {{"uids": p.uids(), "gids": p.gids(), "username": p.username(), "nice": p.nice(),
       "ctx": p.num_ctx_switches(), "io": p.io_counters(), "cpu_num": p.cpu_num()}}
"#,
        pid = kid.pid()
    ));
    assert_eq!(py["uids"], serde_json::to_value(nobody).unwrap());
    assert_eq!(py["gids"], serde_json::to_value(nobody).unwrap());
    assert_eq!(py["username"], p.username().unwrap().to_str().unwrap());
    assert_eq!(py["nice"], 7);
    // Stopped: the counters do not move.
    assert_eq!(
        py["ctx"],
        serde_json::to_value(p.num_ctx_switches().unwrap()).unwrap()
    );
    assert_eq!(
        py["io"],
        serde_json::to_value(p.io_counters().unwrap()).unwrap()
    );
    assert_eq!(py["cpu_num"], p.cpu_num().unwrap());
    // ps agrees on the user, the nice value and the CPU.
    let ps = common::run(
        "ps",
        &["-o", "user=,ni=,psr=", "-p", &kid.pid().to_string()],
    );
    let f: Vec<&str> = ps.split_whitespace().collect();
    assert_eq!(
        f,
        [
            p.username().unwrap().to_str().unwrap(),
            "7",
            &p.cpu_num().unwrap().to_string()
        ]
    );
}

#[test]
fn io_counters_of_self_follow_writes() {
    let me = Process::current().unwrap();
    let before = me.io_counters().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f"), vec![7u8; 1 << 20]).unwrap();
    let after = me.io_counters().unwrap();
    // Other tests write too, so at least (not exactly) the 1 MiB written here.
    assert!(after.write_chars >= before.write_chars + (1 << 20));
    assert!(after.write_count > before.write_count);
    let direct = std::fs::read_to_string("/proc/self/io").unwrap();
    let wchar: u64 = direct
        .lines()
        .find_map(|l| l.strip_prefix("wchar: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(wchar >= after.write_chars, "the counter only grows");
}
