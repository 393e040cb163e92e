//! Pid reuse: a `Process` kept for a child that has ended must not act on the next process
//! the kernel gives the same pid.
//!
//! The test forces the reuse. As root it re-runs itself inside a pid namespace of its own
//! (`unshare --pid --fork --mount-proc`), where nothing else forks, and writes
//! `/proc/sys/kernel/ns_last_pid` so that the next fork gets the old pid. Where `unshare`
//! cannot make a namespace it does the same in the current one, retrying when another
//! process takes the pid first. Not root: skipped, with the reason printed.
//!
//! Every setter on the stale `Process` must answer `NoSuchProcess`, and the new process
//! (read directly from `/proc` and with `prlimit`, `taskset` and `ionice`) must be exactly
//! as before: still sleeping, same nice, limits, affinity and I/O priority. Without the
//! library's identity checks the setters would succeed on the new process and the test
//! fails.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    can_unshare_pid, is_root, prlimit_tool, run_in_pid_namespace, taskset, wait_comm, wait_state,
    Kid,
};
use sysgauge::{Attr, AttrValue, Error, IoClass, Process, RLIMIT_NOFILE};

/// Set in the environment of the copy of this test that runs inside the new namespace.
const INNER: &str = "SYSGAUGE_PID_REUSE_INNER";

/// Fields of `/proc/<pid>/stat` after the command name, numbered as in proc(5) (state = 3).
fn stat_field(pid: i32, field: usize) -> Option<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    rest.split(' ').nth(field - 3).map(str::to_string)
}

/// `ionice -p <pid>` output, e.g. "none: prio 0".
fn ionice_tool(pid: i32) -> String {
    common::run("ionice", &["-p", &pid.to_string()])
        .trim()
        .to_string()
}

/// What can be seen of a process from outside the library.
#[derive(Debug, PartialEq)]
struct Seen {
    state: Option<String>,
    nice: Option<String>,
    nofile: (i64, i64),
    affinity: Vec<usize>,
    ionice: String,
}

fn seen(pid: i32) -> Seen {
    Seen {
        state: stat_field(pid, 3),
        nice: stat_field(pid, 19),
        nofile: prlimit_tool(pid, "--nofile"),
        affinity: taskset(pid),
        ionice: ionice_tool(pid),
    }
}

fn sleeper() -> Kid {
    let kid = Kid::spawn(Command::new("sleep").arg("60"));
    wait_comm(kid.pid(), "sleep");
    wait_state(kid.pid(), b'S');
    kid
}

#[track_caller]
fn assert_nsp<T: std::fmt::Debug>(what: &str, pid: i32, r: sysgauge::Result<T>) {
    match r {
        Err(Error::NoSuchProcess { pid: p, .. }) if p == pid => {}
        other => {
            panic!("{what} on the stale Process: want NoSuchProcess(pid {pid}), got {other:?}")
        }
    }
}

/// The test proper: A, then B with A's pid, then every call on A's stale `Process`.
/// `private` says the namespace is the test's own (no other forks can take the pid).
fn reuse(private: bool) {
    let last_pid = "/proc/sys/kernel/ns_last_pid";
    let attempts = if private { 3 } else { 200 };
    let mut done = None;
    for attempt in 0..attempts {
        let mut a = sleeper();
        let pid = a.pid();
        let old = Process::new(pid).expect("A is running");
        let a_start = stat_field(pid, 22).expect("A's starttime");
        // B must start at a later clock tick than A, or nothing could tell them apart.
        std::thread::sleep(Duration::from_millis(40));
        a.0.kill().expect("kill A");
        a.0.wait().expect("reap A");
        std::mem::forget(a);
        assert!(!old.is_running(), "A was reaped, is_running must be false");
        std::fs::write(last_pid, (pid - 1).to_string()).expect("write ns_last_pid as root");
        let b = sleeper();
        if b.pid() == pid {
            let b_start = stat_field(pid, 22).expect("B's starttime");
            assert_ne!(a_start, b_start, "A and B started at the same tick");
            done = Some((old, b));
            break;
        }
        eprintln!(
            "attempt {attempt}: another fork took pid {pid} (B got {})",
            b.pid()
        );
    }
    let (old, b) = done.expect("the kernel never gave A's pid to B");
    let pid = b.pid();
    eprintln!("pid {pid} reused (private namespace: {private})");

    let before = seen(pid);
    assert_eq!(before.state.as_deref(), Some("S"));
    let new = Process::new(pid).expect("B");
    assert_ne!(old, new, "a Process for B must differ from A's");
    assert!(new.is_running());
    assert!(!old.is_running(), "the stale Process must not be running");

    // Getters: the stale Process reads nothing of B.
    assert_nsp("name", pid, old.name());
    assert_nsp("cmdline", pid, old.cmdline());
    assert_nsp("nice", pid, old.nice());
    assert_nsp("rlimit", pid, old.rlimit(RLIMIT_NOFILE));
    assert_nsp("cpu_affinity", pid, old.cpu_affinity());
    assert_nsp("as_dict", pid, old.as_dict(Attr::ALL, AttrValue::None));

    // Setters: each would change B in a way `seen` shows.
    let ncpu = before.affinity.len();
    let nice_to = if before.nice.as_deref() == Some("7") {
        8
    } else {
        7
    };
    let lim = if before.nofile.0 == 64 { 65 } else { 64 };
    assert_nsp("set_nice", pid, old.set_nice(nice_to));
    assert_nsp(
        "set_rlimit",
        pid,
        old.set_rlimit(RLIMIT_NOFILE, lim, before.nofile.1),
    );
    assert_nsp(
        "set_cpu_affinity",
        pid,
        old.set_cpu_affinity(&before.affinity[..1]),
    );
    assert_nsp("set_ionice", pid, old.set_ionice(IoClass::Idle, None));
    assert_nsp("suspend", pid, old.suspend());
    assert_eq!(stat_field(pid, 3).as_deref(), Some("S"), "B was stopped");
    assert_nsp("resume", pid, old.resume());
    // SIGUSR1's default action ends `sleep`.
    assert_nsp("send_signal", pid, old.send_signal(libc::SIGUSR1));
    assert_nsp("terminate", pid, old.terminate());
    assert_nsp("kill", pid, old.kill());
    assert_eq!(
        old.wait(Some(Duration::ZERO))
            .expect("wait on a gone process"),
        None,
        "wait must not reap B"
    );

    // Give a misdelivered signal time to act.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(200) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let after = seen(pid);
    assert_eq!(after, before, "B was touched through A's stale Process");
    if ncpu < 2 {
        eprintln!("note: one CPU only, set_cpu_affinity could not have changed B");
    }
    // The same setters on B's own Process do reach it (so `seen` can see a change).
    new.set_nice(nice_to).expect("set_nice on B");
    assert_eq!(stat_field(pid, 19), Some(nice_to.to_string()));
    drop(b);
}

#[test]
fn stale_process_never_reaches_the_pid_reuser() {
    if std::env::var_os(INNER).is_some() {
        reuse(true);
        return;
    }
    if !is_root() {
        eprintln!("skipped: forcing pid reuse needs root (ns_last_pid)");
        return;
    }
    // SYSGAUGE_PID_REUSE_SHARED=1 forces the path taken where unshare is refused.
    if !can_unshare_pid() || std::env::var_os("SYSGAUGE_PID_REUSE_SHARED").is_some() {
        eprintln!("note: reusing a pid in this pid namespace (no private one)");
        reuse(false);
        return;
    }
    run_in_pid_namespace("stale_process_never_reaches_the_pid_reuser", INNER);
}
