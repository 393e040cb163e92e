//! Signals, `wait`, `wait_procs` and `cpu_percent` on children with known behaviour,
//! checked against the kernel (`/proc/<pid>/stat` state letters, exit statuses), psutil
//! 7.2.2 on the same pids, and a reused pid forced through `ns_last_pid`.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{psutil, state_letter, wait_state, Kid};
use sysgauge::{wait_procs, Error, Exit, Process};

fn sleeper() -> (Kid, Process) {
    let k = Kid::spawn(Command::new("sleep").arg("60"));
    let p = Process::new(k.pid()).unwrap();
    (k, p)
}

/// The pid of a child reaped by `wait`: the `Kid` must not touch it again.
fn forget(k: Kid) {
    std::mem::forget(k);
}

#[test]
fn suspend_resume_terminate_kill() {
    let (k, p) = sleeper();
    wait_state(k.pid(), b'S');
    p.suspend().unwrap();
    wait_state(k.pid(), b'T');
    assert_eq!(p.status().unwrap(), sysgauge::Status::Stopped);
    p.resume().unwrap();
    wait_state(k.pid(), b'S');
    p.send_signal(0).unwrap();
    p.terminate().unwrap();
    assert_eq!(p.wait(None).unwrap(), Some(Exit::Signal(libc::SIGTERM)));
    assert_eq!(Exit::Signal(libc::SIGTERM).psutil_code(), -15);
    // Reaped: the kernel has no such process any more.
    assert_eq!(state_letter(k.pid()), None);
    // A second wait returns the same status (psutil caches it), also on a clone.
    assert_eq!(p.clone().wait(None).unwrap(), Some(Exit::Signal(15)));
    assert!(matches!(p.kill(), Err(Error::NoSuchProcess { pid, .. }) if pid == k.pid()));
    forget(k);

    let (k, p) = sleeper();
    p.kill().unwrap();
    assert_eq!(
        p.wait(Some(Duration::from_secs(10))).unwrap(),
        Some(Exit::Signal(9))
    );
    forget(k);

    // A stopped process ignores SIGTERM until continued, as with psutil.
    let (k, p) = sleeper();
    p.suspend().unwrap();
    wait_state(k.pid(), b'T');
    p.terminate().unwrap();
    assert!(matches!(
        p.wait(Some(Duration::from_millis(100))),
        Err(Error::TimeoutExpired { .. })
    ));
    p.resume().unwrap();
    assert_eq!(p.wait(None).unwrap(), Some(Exit::Signal(15)));
    forget(k);

    // Bad signal numbers.
    let (_k, p) = sleeper();
    assert!(matches!(p.send_signal(-1), Err(Error::InvalidArgument(_))));
    assert!(matches!(
        p.send_signal(1000),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn exit_codes_match_psutil() {
    let k = Kid::spawn(Command::new("sh").args(["-c", "exit 7"]));
    let p = Process::new(k.pid()).unwrap();
    assert_eq!(p.wait(None).unwrap(), Some(Exit::Code(7)));
    assert_eq!(p.wait(Some(Duration::ZERO)).unwrap(), Some(Exit::Code(7)));
    forget(k);
    // psutil on its own children gives the same numbers.
    let v = psutil(
        "import subprocess, signal\n\
         a = subprocess.Popen(['sh', '-c', 'exit 7'])\n\
         b = subprocess.Popen(['sleep', '30']); psutil.Process(b.pid).terminate()\n\
         out = [psutil.Process(a.pid).wait(), int(psutil.Process(b.pid).wait())]",
    );
    assert_eq!(v, serde_json::json!([7, -15]));
    assert_eq!(Exit::Code(7).psutil_code(), 7);
}

#[test]
fn timeout_expired() {
    let (k, p) = sleeper();
    let t0 = Instant::now();
    match p.wait(Some(Duration::from_millis(100))) {
        Err(Error::TimeoutExpired { seconds, pid }) => {
            assert_eq!(seconds, 0.1);
            assert_eq!(pid, Some(k.pid()));
        }
        other => panic!("expected TimeoutExpired, got {other:?}"),
    }
    let took = t0.elapsed();
    assert!(took >= Duration::from_millis(100), "{took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    // Zero looks once.
    let t0 = Instant::now();
    assert!(matches!(
        p.wait(Some(Duration::ZERO)),
        Err(Error::TimeoutExpired { seconds, .. }) if seconds == 0.0
    ));
    assert!(t0.elapsed() < Duration::from_millis(50));
    // Still there and untouched.
    assert_eq!(state_letter(k.pid()), Some(b'S'));
    // psutil agrees.
    let v = psutil(&format!(
        "try:\n    psutil.Process({}).wait(0.1); out = 'returned'\n\
         except psutil.TimeoutExpired as e:\n    out = e.seconds",
        k.pid()
    ));
    assert_eq!(v, serde_json::json!(0.1));
}

/// A process whose parent is a Python script (not us) that reaps it after about 1 s.
fn foreign_child() -> (Kid, i32) {
    let (py, line) = common::python_child(
        "import subprocess, sys, time\n\
         p = subprocess.Popen(['sleep', '1'])\n\
         print(p.pid, flush=True)\n\
         p.wait()\n\
         time.sleep(3)",
        &[],
    );
    (py, line.parse().unwrap())
}

#[test]
fn wait_on_non_child_returns_none_when_gone() {
    let (py, pid) = foreign_child();
    let p = Process::new(pid).unwrap();
    assert_ne!(p.ppid().unwrap(), std::process::id() as i32);
    // psutil on the same process, from another process: also None.
    let oracle = std::thread::spawn(move || {
        psutil(&format!(
            "p = psutil.Process({pid})\nout = [p.wait(), p.is_running()]"
        ))
    });
    assert!(matches!(
        p.wait(Some(Duration::from_millis(50))),
        Err(Error::TimeoutExpired { .. })
    ));
    let t0 = Instant::now();
    assert_eq!(p.wait(Some(Duration::from_secs(10))).unwrap(), None);
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert!(!p.is_running());
    assert_eq!(oracle.join().unwrap(), serde_json::json!([null, false]));
    // Gone: None at once.
    assert_eq!(p.wait(Some(Duration::ZERO)).unwrap(), None);
    drop(py);
}

#[test]
fn wait_procs_gone_and_alive() {
    let quick = Kid::spawn(Command::new("sh").args(["-c", "exit 3"]));
    let (killed_kid, killed) = sleeper();
    let (_slow_kid, slow) = sleeper();
    let q = Process::new(quick.pid()).unwrap();
    killed.kill().unwrap();
    let procs = vec![q.clone(), killed.clone(), slow.clone(), q.clone()];
    let mut seen = Vec::new();
    let mut cb = |p: &Process, e: Option<Exit>| seen.push((p.pid(), e));
    let t0 = Instant::now();
    let (gone, alive) =
        wait_procs(&procs, Some(Duration::from_millis(500)), Some(&mut cb)).unwrap();
    let took = t0.elapsed();
    assert!(took >= Duration::from_millis(450), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let mut g: Vec<(i32, Option<Exit>)> = gone.iter().map(|(p, e)| (p.pid(), *e)).collect();
    g.sort_by_key(|x| x.0);
    let mut want = vec![
        (quick.pid(), Some(Exit::Code(3))),
        (killed.pid(), Some(Exit::Signal(9))),
    ];
    want.sort_by_key(|x| x.0);
    assert_eq!(g, want);
    seen.sort_by_key(|x| x.0);
    assert_eq!(seen, want);
    assert_eq!(alive, vec![slow.clone()]);
    forget(quick);
    forget(killed_kid);
    // timeout 0: one look, nothing waited for.
    let t0 = Instant::now();
    let (gone, alive) =
        wait_procs(std::slice::from_ref(&slow), Some(Duration::ZERO), None).unwrap();
    assert!(gone.is_empty());
    assert_eq!(alive.len(), 1);
    assert!(t0.elapsed() < Duration::from_millis(200));
    // No timeout: until all are gone.
    slow.terminate().unwrap();
    let (gone, alive) = wait_procs(std::slice::from_ref(&slow), None, None).unwrap();
    assert_eq!(gone, vec![(slow.clone(), Some(Exit::Signal(15)))]);
    assert!(alive.is_empty());
    std::mem::forget(_slow_kid);
}

#[test]
fn cpu_percent_of_busy_and_idle_children() {
    let busy = Kid::spawn(Command::new("python3").args(["-c", "while True: pass"]));
    let p = Process::new(busy.pid()).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let hz = 100.0; // CLK_TCK on Linux
    let (t0, c0) = (Instant::now(), common::cpu_ticks(busy.pid()));
    let ours = p.cpu_percent(Some(Duration::from_millis(500))).unwrap();
    let direct =
        (common::cpu_ticks(busy.pid()) - c0) as f64 / hz / t0.elapsed().as_secs_f64() * 100.0;
    // Same window to within a read or two: a tick is 10 ms, 2% of 0.5 s; allow 15 points
    // for scheduling noise between our samples and the direct reads.
    assert!(
        (ours - direct).abs() <= 15.0,
        "ours {ours}, direct {direct}"
    );
    // One busy thread: up to one CPU, not divided by the CPU count; a loaded machine may
    // give it much less, which the direct measure above accounts for.
    assert!(ours > 5.0 && ours <= 120.0, "{ours}");
    // psutil on the same child, next to its own direct measure of the same window (the
    // machine may be loaded, so compare with what the child really got, not with 100).
    let v = psutil(&format!(
        "import os, time\n\
         def ticks():\n    f = open('/proc/{pid}/stat').read().rsplit(')', 1)[1].split()\n    return int(f[11]) + int(f[12])\n\
         p = psutil.Process({pid}); t0, c0 = time.monotonic(), ticks()\n\
         pct = p.cpu_percent(interval=0.5)\n\
         out = [pct, (ticks() - c0) / os.sysconf('SC_CLK_TCK') / (time.monotonic() - t0) * 100]",
        pid = busy.pid()
    ));
    let (py, py_direct) = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
    assert!(
        (py - py_direct).abs() <= 15.0,
        "psutil {py}, direct {py_direct}"
    );
    assert!(py > 5.0, "psutil {py}");
    // Non-blocking: a fresh Process starts at 0.0, then compares with its last sample,
    // which clones share; checked against a direct measure of the same window.
    let fresh = Process::new(busy.pid()).unwrap();
    assert_eq!(fresh.cpu_percent(None).unwrap(), 0.0);
    let (t0, c0) = (Instant::now(), common::cpu_ticks(busy.pid()));
    std::thread::sleep(Duration::from_millis(500));
    let direct =
        (common::cpu_ticks(busy.pid()) - c0) as f64 / hz / t0.elapsed().as_secs_f64() * 100.0;
    let nb = fresh.clone().cpu_percent(None).unwrap();
    assert!((nb - direct).abs() <= 15.0, "ours {nb}, direct {direct}");
    assert!(nb > 5.0, "{nb}");
    // Rounded to one decimal like psutil.
    assert_eq!((nb * 10.0).round() / 10.0, nb);

    let (_k, idle) = sleeper();
    idle.cpu_percent(None).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(idle.cpu_percent(None).unwrap(), 0.0);
    assert_eq!(
        idle.cpu_percent(Some(Duration::from_millis(100))).unwrap(),
        0.0
    );
}

/// Spawns `sleep 60` until it gets `pid`, steering the kernel with `ns_last_pid`. `None`
/// when that is not possible here (not root, read-only /proc/sys) or other processes kept
/// taking the pid.
fn spawn_on_pid(pid: i32) -> Option<Kid> {
    for _ in 0..100 {
        std::fs::write("/proc/sys/kernel/ns_last_pid", (pid - 1).to_string()).ok()?;
        let k = Kid::spawn(Command::new("sleep").arg("60"));
        if k.pid() == pid {
            return Some(k);
        }
    }
    None
}

#[test]
fn reused_pid_is_never_acted_on() {
    let (k, old) = sleeper();
    let pid = k.pid();
    // Identity is the start time in clock ticks (10 ms), as psutil's create_time: a
    // newcomer started within the same tick would be indistinguishable (psutil has the
    // same limit), so let the old process age past a tick first.
    std::thread::sleep(Duration::from_millis(30));
    drop(k); // killed and reaped
    let Some(new) = spawn_on_pid(pid) else {
        eprintln!("skipped: cannot steer pids through /proc/sys/kernel/ns_last_pid (not root?)");
        return;
    };
    wait_state(pid, b'S');
    assert!(!old.is_running());
    let nsp =
        |r: sysgauge::Result<()>| matches!(r, Err(Error::NoSuchProcess { pid: p, .. }) if p == pid);
    assert!(nsp(old.send_signal(0)));
    assert!(nsp(old.suspend()));
    assert!(nsp(old.terminate()));
    assert!(nsp(old.kill()));
    assert!(nsp(old.set_nice(7)));
    assert!(nsp(old.set_ionice(sysgauge::IoClass::Idle, None)));
    assert!(nsp(old.set_rlimit(sysgauge::RLIMIT_NOFILE, 10, 10)));
    assert!(nsp(old.set_cpu_affinity(&[0])));
    assert!(nsp(old.rlimit(sysgauge::RLIMIT_NOFILE).map(|_| ())));
    // The old process is over: wait says so at once and reaps nothing.
    assert_eq!(old.wait(Some(Duration::ZERO)).unwrap(), None);
    // The newcomer was not touched.
    assert_eq!(state_letter(pid), Some(b'S'));
    let now = Process::new(pid).unwrap();
    assert_eq!(now.nice().unwrap(), 0);
    assert_ne!(now.ionice().unwrap().ioclass, sysgauge::IoClass::Idle);
    assert_ne!(now.rlimit(sysgauge::RLIMIT_NOFILE).unwrap(), (10, 10));
    assert!(matches!(
        now.wait(Some(Duration::from_millis(20))),
        Err(Error::TimeoutExpired { .. })
    ));
    drop(new);
}

/// Child mode of [`access_denied_as_nobody`]: run as `nobody`, acts on the pid in
/// `SYSGAUGE_CTL_TARGET` and prints one error kind per action.
#[test]
fn child_mode_act_on_target() {
    let Ok(pid) = std::env::var("SYSGAUGE_CTL_TARGET") else {
        return;
    };
    let p = Process::new(pid.parse().unwrap()).unwrap();
    let kind = |r: sysgauge::Result<()>| match r {
        Ok(()) => "ok".to_string(),
        Err(Error::AccessDenied { .. }) => "AccessDenied".to_string(),
        Err(e) => format!("{e:?}"),
    };
    let out = [
        kind(p.send_signal(0)),
        kind(p.kill()),
        kind(p.suspend()),
        kind(p.set_nice(5)),
        kind(p.set_rlimit(sysgauge::RLIMIT_NOFILE, 10, 10)),
        kind(p.set_cpu_affinity(&[0])),
    ];
    println!("RESULT {}", out.join(","));
}

#[test]
fn access_denied_as_nobody() {
    if rustix::process::geteuid().as_raw() != 0 {
        eprintln!("skipped: needs root to run a helper as nobody");
        return;
    }
    let (k, _p) = sleeper();
    // The test binary, copied where nobody can run it.
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("helper");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut out = None;
    for _ in 0..100 {
        match Command::new("setpriv")
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(&exe)
            .args([
                "--exact",
                "child_mode_act_on_target",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SYSGAUGE_CTL_TARGET", k.pid().to_string())
            .output()
        {
            Ok(o) if String::from_utf8_lossy(&o.stderr).contains("Text file busy") => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Ok(o) => {
                out = Some(o);
                break;
            }
            Err(e) => panic!("setpriv: {e}"),
        }
    }
    let o = out.expect("helper ran");
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
        .unwrap_or_else(|| panic!("no result: {text} {}", String::from_utf8_lossy(&o.stderr)));
    assert_eq!(line, ["AccessDenied"; 6].join(","));
    // The target is untouched.
    assert_eq!(state_letter(k.pid()), Some(b'S'));
    assert_eq!(Process::new(k.pid()).unwrap().nice().unwrap(), 0);
}
