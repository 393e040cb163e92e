//! The helpers of the `sysgauge` command's integration tests: running the command, and the
//! library's test helpers (`crates/sysgauge/src/testing.rs`: children, psutil oracles).
#![allow(dead_code, unused_imports)]

#[path = "../../../sysgauge/src/testing.rs"]
mod testing;
pub mod tmux;

use std::process::{Command, Output};

pub use testing::*;

/// The `sysgauge` program under test, with `args`, not yet run.
pub fn sysgauge_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sysgauge"));
    cmd.args(args);
    cmd
}

/// Runs `sysgauge args` and returns what it did, success or not.
pub fn sysgauge_out(args: &[&str]) -> Output {
    sysgauge_cmd(args).output().expect("sysgauge runs")
}

/// Runs `cmd` (a [`sysgauge_cmd`]) and returns its stdout; panics, failing the test, when
/// it fails.
pub fn stdout_of(cmd: &mut Command) -> String {
    let o = cmd.output().expect("sysgauge runs");
    assert!(
        o.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8 output")
}

/// Runs `sysgauge args` and returns its stdout; panics, failing the test, when it fails.
pub fn sysgauge(args: &[&str]) -> String {
    stdout_of(&mut sysgauge_cmd(args))
}

/// `kid` once it runs the executable named `comm`, stopped so that its values hold still
/// while they are compared.
pub fn stopped(kid: Kid, comm: &str) -> Kid {
    wait_comm(kid.pid(), comm);
    kid.stop();
    kid
}

/// A directory of its own under the system temp dir (`sgcli-<tag>-<pid>`), emptied when
/// made and removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// Makes `sgcli-<tag>-<this pid>`, empty.
    pub fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("sgcli-{tag}-{}", std::process::id()));
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
