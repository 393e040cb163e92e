//! Test-only helpers shared by the unit tests (as `crate::testing`) and the integration
//! tests (as `tests/common`): the independent sources sysgauge is compared against (psutil
//! 7.2.2 through `python3`, command-line tools) and the fixture trees. Compiled only for tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python interpreter that has psutil 7.2.2 (`make test` installs it).
pub fn python() -> String {
    std::env::var("SYSGAUGE_PYTHON").unwrap_or_else(|_| "python3".into())
}

const PRELUDE: &str = r#"
import json, sys, psutil
assert psutil.__version__ == "7.2.2", "psutil 7.2.2 is needed, found " + psutil.__version__
def d(x):
    if hasattr(x, "_asdict"):
        return {k: d(v) for k, v in x._asdict().items()}
    if isinstance(x, dict):
        return {str(k): d(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [d(v) for v in x]
    return x
"#;

/// Runs a Python `script` that prints JSON; returns it parsed. Panics, failing the test,
/// when the script fails (psutil missing, say).
fn run_python(script: &str) -> serde_json::Value {
    let o = Command::new(python())
        .arg("-c")
        .arg(script)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "psutil script failed (run `make deps`?):\n{}\n{}",
        script,
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("psutil script prints JSON")
}

/// Runs Python `code` with psutil imported; `code` must assign the result to `out`, which
/// comes back as JSON (named tuples become objects, through `d()`). `procfs`, when given,
/// becomes `psutil.PROCFS_PATH`.
pub fn psutil_at(procfs: Option<&Path>, code: &str) -> serde_json::Value {
    let mut script = String::from(PRELUDE);
    if let Some(p) = procfs {
        script.push_str(&format!("psutil.PROCFS_PATH = {:?}\n", p.to_str().unwrap()));
    }
    script.push_str(code);
    script.push_str("\nprint(json.dumps(d(out)))\n");
    run_python(&script)
}

/// Runs Python `code` with `json`, `ctypes` and psutil imported; `code` prints its own JSON,
/// which comes back parsed. For oracles that need more than one expression.
pub fn psutil_script(code: &str) -> serde_json::Value {
    run_python(&format!("{PRELUDE}import ctypes\n{code}\n"))
}

/// [`psutil_at`] on the live `/proc`.
pub fn psutil(code: &str) -> serde_json::Value {
    psutil_at(None, code)
}

/// Runs a command and returns its stdout; panics, failing the test, if it fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let o = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        o.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8 output")
}

/// The fixture tree `name` under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    // `crates/sysgauge/tests/fixtures`, from the library's tests and the command's alike.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sysgauge/tests/fixtures")
        .join(name)
}

/// Asserts that `a` and `b` differ by at most `tol` (absolute).
#[track_caller]
pub fn assert_close(what: &str, a: f64, b: f64, tol: f64) {
    assert!(
        (a - b).abs() <= tol,
        "{what}: {a} and {b} differ by more than {tol}"
    );
}

/// A child process killed and reaped when dropped, so a failing test leaves nothing behind.
pub struct Kid(pub std::process::Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Kid {
    /// Spawns `cmd` with stdin, stdout and stderr at /dev/null. A binary copied just before may
    /// fail with `ETXTBSY` for a moment (a child forked by another test thread can hold it
    /// open for writing until it execs), so that is retried.
    pub fn spawn(cmd: &mut Command) -> Kid {
        // stderr too: the test's may be a log file whose offset moves (CI), which would
        // show up in the child's open files.
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        for _ in 0..200 {
            match cmd.spawn() {
                Ok(child) => return Kid(child),
                Err(e) if e.raw_os_error() == Some(26) => {
                    // ETXTBSY
                    std::thread::sleep(std::time::Duration::from_millis(5))
                }
                Err(e) => panic!("spawn: {e}"),
            }
        }
        panic!("spawn: executable stayed busy");
    }

    /// The child's pid.
    pub fn pid(&self) -> i32 {
        self.0.id() as i32
    }

    /// SIGSTOP, then waits until `/proc` says it is stopped.
    pub fn stop(&self) {
        let pid = rustix::process::Pid::from_raw(self.pid()).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::STOP).unwrap();
        wait_state(self.pid(), b'T');
    }
}

/// A Python child (the interpreter of [`python`]) running `code` with `sys.argv[1:]` =
/// `args`, which prints one line when it is ready; returns the child and that line,
/// trimmed.
pub fn python_child(code: &str, args: &[&std::ffi::OsStr]) -> (Kid, String) {
    use std::io::BufRead;
    let mut child = Command::new(python())
        .arg("-c")
        .arg(code)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        // Not the test's stderr: that may be a log file whose offset moves (CI), which
        // would show up in the child's open files.
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 runs");
    let stdout = child.stdout.take().expect("piped stdout");
    let kid = Kid(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the child's first line");
    (kid, line.trim().to_string())
}

/// Waits (10 s at most) until `/proc/<pid>/<file>` holds `want`.
fn wait_file(pid: i32, file: &str, want: &[u8], what: &str) {
    let t0 = std::time::Instant::now();
    while std::fs::read(format!("/proc/{pid}/{file}")).ok().as_deref() != Some(want) {
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(10),
            "pid {pid} {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// Waits (10 s at most) until `/proc/<pid>/cmdline` is `want` (the child has exec'd).
pub fn wait_exec(pid: i32, want: &[u8]) {
    wait_file(pid, "cmdline", want, "did not exec");
}

/// Waits (10 s at most) until `/proc/<pid>/comm` is `comm` followed by a newline (the
/// child runs the executable of that name).
pub fn wait_comm(pid: i32, comm: &str) {
    let want = format!("{comm}\n");
    wait_file(pid, "comm", want.as_bytes(), &format!("never ran {comm}"));
}

/// Whether pid 2 is `kthreadd` (`/proc/2/comm`), the kernel thread tests look at; when it
/// is not (a pid namespace shows none), says the calling test is skipped.
pub fn kthreadd_visible() -> bool {
    match std::fs::read("/proc/2/comm") {
        Ok(c) if c == b"kthreadd\n" => true,
        Ok(_) => {
            eprintln!("skipped: pid 2 is not kthreadd here");
            false
        }
        Err(_) => {
            eprintln!("skipped: no kernel thread visible in this pid namespace");
            false
        }
    }
}

/// `(soft, hard)` of `prlimit --pid <pid> <flag>` (`flag` names the resource, e.g.
/// `--nofile`), -1 for "unlimited".
pub fn prlimit_tool(pid: i32, flag: &str) -> (i64, i64) {
    let out = run(
        "prlimit",
        &[
            "--pid",
            &pid.to_string(),
            flag,
            "--noheadings",
            "--raw",
            "-o",
            "SOFT,HARD",
        ],
    );
    let v: Vec<i64> = out
        .split_whitespace()
        .map(|t| {
            if t == "unlimited" {
                -1
            } else {
                t.parse().expect("prlimit prints numbers")
            }
        })
        .collect();
    (v[0], v[1])
}

/// `(soft, hard)` of psutil's `Process(pid).rlimit(resource)`.
pub fn psutil_rlimit(pid: i32, resource: i32) -> (i64, i64) {
    let v = psutil(&format!("out = psutil.Process({pid}).rlimit({resource})"));
    (
        v[0].as_i64().expect("an integer"),
        v[1].as_i64().expect("an integer"),
    )
}

/// The CPUs `taskset -pc <pid>` lists (it prints e.g. "pid 12's current affinity list:
/// 0,2-3").
pub fn taskset(pid: i32) -> Vec<usize> {
    let out = run("taskset", &["-pc", &pid.to_string()]);
    let list = out.rsplit(':').next().unwrap_or_default().trim();
    let mut v = Vec::new();
    for part in list.split(',') {
        match part.split_once('-') {
            Some((a, b)) => v.extend(a.parse::<usize>().unwrap()..=b.parse().unwrap()),
            None => v.push(part.parse().unwrap()),
        }
    }
    v
}

/// psutil's `Process(pid).cpu_affinity()`.
pub fn psutil_cpu_affinity(pid: i32) -> Vec<usize> {
    let v = psutil(&format!("out = psutil.Process({pid}).cpu_affinity()"));
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_u64().expect("a CPU number") as usize)
        .collect()
}

/// `n` sleeping children, so that tests over "every process" have enough to look at even
/// in a CI container whose pid namespace holds only the test and its shell.
/// Returns once every child has exec'd `sleep` and sleeps.
pub fn crowd(n: usize) -> Vec<Kid> {
    let kids: Vec<Kid> = (0..n)
        .map(|_| Kid::spawn(Command::new("sleep").arg("120")))
        .collect();
    for k in &kids {
        wait_comm(k.pid(), "sleep");
        wait_state(k.pid(), b'S');
    }
    kids
}

/// The state letter of `/proc/<pid>/stat`, read directly (after the last `)`).
pub fn state_letter(pid: i32) -> Option<u8> {
    let data = std::fs::read(format!("/proc/{pid}/stat")).ok()?;
    let close = data.iter().rposition(|&b| b == b')')?;
    data.get(close + 2).copied()
}

/// Waits (10 s at most) until the state letter of `pid` is `want`.
pub fn wait_state(pid: i32, want: u8) {
    let t0 = std::time::Instant::now();
    while state_letter(pid) != Some(want) {
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(10),
            "pid {pid} never reached state {}",
            want as char
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Runs `check` up to 5 times, 200 ms apart, for values that move between reads; it
/// returns `Err(message)` when they were not within tolerance, and the last failure fails
/// the test.
pub fn retry(what: &str, mut check: impl FnMut() -> Result<(), String>) {
    let mut last = String::new();
    for _ in 0..5 {
        match check() {
            Ok(()) => return,
            Err(e) => last = e,
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("{what}: {last}");
}

/// `Ok` when `oracle` lies in `[min(a, b) - slack, max(a, b) + slack]`, where `a` and `b`
/// are sysgauge's readings before and after the oracle's.
pub fn bracketed(name: &str, a: i128, oracle: i128, b: i128, slack: i128) -> Result<(), String> {
    let (lo, hi) = (a.min(b) - slack, a.max(b) + slack);
    if (lo..=hi).contains(&oracle) {
        Ok(())
    } else {
        Err(format!(
            "{name}: oracle {oracle} outside sysgauge's [{a}, {b}] ± {slack}"
        ))
    }
}

/// utime + stime of `/proc/<pid>/stat`, in clock ticks, read directly (the oracle for CPU
/// percentages: what the process really got, whatever the load of the machine).
pub fn cpu_ticks(pid: i32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let f: Vec<&str> = s[s.rfind(')').unwrap() + 2..].split(' ').collect();
    // Fields after the comm: state is field 3, so utime (14) and stime (15) are 11, 12.
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// psutil's `svmem` field names on Linux, in order (`virtual_memory()`).
pub const SVMEM_FIELDS: [&str; 11] = [
    "total",
    "available",
    "percent",
    "used",
    "free",
    "active",
    "inactive",
    "buffers",
    "cached",
    "shared",
    "slab",
];

/// psutil's `sswap` field names, in order (`swap_memory()`).
pub const SSWAP_FIELDS: [&str; 6] = ["total", "used", "free", "percent", "sin", "sout"];

/// Whether the calling process runs with effective uid 0 (`/proc/self/status`).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// Whether `unshare --pid --fork --mount-proc` works here (root, and the container lets
/// it make a pid namespace).
pub fn can_unshare_pid() -> bool {
    is_root()
        && Command::new("unshare")
            .args(["--pid", "--fork", "--mount-proc", "true"])
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
}

/// Runs test `name` of the calling test binary once more, alone, as pid 1 of a new pid
/// namespace with its own `/proc` (`unshare --pid --fork --mount-proc`), with `inner_env`
/// set to "1" so the copy knows it is the inner one. Prints the copy's output and fails
/// the calling test when the copy failed or did not run the test.
pub fn run_in_pid_namespace(name: &str, inner_env: &str) {
    let exe = std::env::current_exe().expect("the test binary");
    let out = Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc"])
        .arg(exe)
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(inner_env, "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("unshare runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{text}");
    assert!(
        out.status.success(),
        "{name} failed inside its pid namespace"
    );
    assert!(
        text.contains("1 passed"),
        "the inner run did not run {name}"
    );
}
