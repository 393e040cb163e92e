//! `register_exit_fun` in child processes (this test binary re-run in a "child mode"
//! selected by `SYSGAUGE_EXIT_MODE`): the function runs exactly once on a normal exit,
//! on SIGTERM (then the process still dies by SIGTERM, as the kernel reports it to us),
//! and before a handler that was installed earlier, which keeps running.

mod common;

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sysgauge::{Error, Exit, Process};

/// The file the child's functions append to.
static LOG: OnceLock<PathBuf> = OnceLock::new();

fn log(what: &str) {
    if let Some(p) = LOG.get() {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(p)
        {
            let _ = f.write_all(format!("{what}\n").as_bytes());
        }
    }
}

/// A handler installed before `register_exit_fun`, as another library would.
extern "C" fn previous_handler(_sig: libc::c_int) {
    log("previous");
}

/// The child: registers a function that logs "fun", then behaves as `mode` says.
#[test]
fn child_mode() {
    let Ok(mode) = std::env::var("SYSGAUGE_EXIT_MODE") else {
        return;
    };
    let _ = LOG.set(PathBuf::from(std::env::var("SYSGAUGE_EXIT_LOG").unwrap()));
    if mode == "chain" {
        // SAFETY: installs a plain extern "C" handler for SIGTERM in this child.
        unsafe {
            libc::signal(
                libc::SIGTERM,
                previous_handler as extern "C" fn(libc::c_int) as libc::sighandler_t,
            )
        };
    }
    sysgauge::register_exit_fun(|| log("fun"), &[libc::SIGTERM]).unwrap();
    // A second function, for normal exits only: runs first at exit (newest first), and
    // not on SIGTERM.
    if mode == "normal" {
        sysgauge::register_exit_fun(|| log("second"), &[]).unwrap();
    }
    match mode.as_str() {
        "normal" => log("main done"),
        "term" => {
            log("ready");
            std::thread::sleep(Duration::from_secs(30));
            log("not killed");
        }
        "chain" => {
            rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::TERM)
                .unwrap();
            // Our handler ran "fun", then the previous handler, which does not exit.
            std::thread::sleep(Duration::from_millis(100));
            log("after signal");
        }
        other => panic!("unknown mode {other}"),
    }
}

/// Starts this test binary in child `mode`, logging to `log`.
fn child(mode: &str, log: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_mode", "--nocapture", "--test-threads=1"])
        .env("SYSGAUGE_EXIT_MODE", mode)
        .env("SYSGAUGE_EXIT_LOG", log)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn read(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

#[test]
fn runs_once_on_normal_exit() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let st = child("normal", &log).wait().unwrap();
    assert_eq!(st.code(), Some(0));
    assert_eq!(read(&log), "main done\nsecond\nfun\n");
}

#[test]
fn runs_once_on_sigterm_and_dies_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let c = child("term", &log);
    let t0 = Instant::now();
    while read(&log) != "ready\n" {
        assert!(t0.elapsed() < Duration::from_secs(10), "child never ready");
        std::thread::sleep(Duration::from_millis(5));
    }
    let p = Process::new(c.id() as i32).unwrap();
    p.terminate().unwrap();
    assert_eq!(
        p.wait(Some(Duration::from_secs(10))).unwrap(),
        Some(Exit::Signal(libc::SIGTERM))
    );
    std::mem::forget(c); // reaped by wait
    assert_eq!(read(&log), "ready\nfun\n");
    assert!(matches!(p.kill(), Err(Error::NoSuchProcess { .. })));
}

#[test]
fn previous_handler_still_runs_after() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let st = child("chain", &log).wait().unwrap();
    // The previous handler did not exit, so the child went on and exited normally; the
    // function ran once (on the signal), not again at exit.
    assert_eq!(st.signal(), None);
    assert_eq!(st.code(), Some(0));
    assert_eq!(read(&log), "fun\nprevious\nafter signal\n");
}

#[test]
fn signals_that_cannot_end_a_process_are_refused() {
    for sig in [
        0,
        libc::SIGKILL,
        libc::SIGSTOP,
        libc::SIGCHLD,
        libc::SIGCONT,
        libc::SIGWINCH,
        libc::SIGTSTP,
        65,
        -1,
    ] {
        assert!(
            matches!(
                sysgauge::register_exit_fun(|| {}, &[sig]),
                Err(Error::InvalidArgument(_))
            ),
            "signal {sig}"
        );
    }
}
