//! Another user: the whole sweep (every getter on every pid, every system function) run as
//! `nobody`, next to the same sweep run as root.
//!
//! As root the test copies its own binary to a world-readable temporary directory and runs
//! it again there under `setpriv --reuid=65534 --regid=65534 --clear-groups`; the copy
//! writes what it saw as JSON. Checked:
//! - the copy runs to its end (no panic), and every error it met is `AccessDenied`,
//!   `NoSuchProcess` or `ZombieProcess`, or the same error root met for that call;
//! - for root-owned children of this test (stable `sleep`s): name, ppid, status,
//!   cmdline, create_time, uids, gids and num_threads are returned to nobody and equal
//!   root's; exe, cwd, environ, num_fds, open_files, io_counters and memory_maps are
//!   `AccessDenied`;
//! - for nobody's own process and its own child nothing at all is refused;
//! - a refusal is the kernel's: where sysgauge said `AccessDenied`, reading the file
//!   behind the call (`/proc/<pid>/exe`, `environ`, `fd/`, `io`, `smaps`...) as nobody
//!   fails too, and where sysgauge returned a value, that read worked;
//! - psutil 7.2.2 run as nobody (the same package, copied where nobody can read it) refuses
//!   exactly the same calls on the same processes.
//!
//! Not root: skipped, with the reason printed.

mod common;
mod stress_calls;

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use sysgauge::{Attr, AttrValue, Error, Process};

const INNER: &str = "SYSGAUGE_NOBODY_INNER";
const OUT: &str = "SYSGAUGE_NOBODY_OUT";
const NOBODY: u32 = 65534;

fn kind(e: &Error) -> String {
    let s = format!("{e:?}");
    s.split([' ', '(', '{']).next().unwrap_or("").to_string()
}

/// The calls whose refusal stems from one file of `/proc/<pid>`, and that file.
const PROBED: &[(&str, &str)] = &[
    ("exe", "exe"),
    ("cwd", "cwd"),
    ("environ", "environ"),
    ("num_fds", "fd"),
    ("open_files", "fd"),
    ("io_counters", "io"),
    ("memory_maps", "smaps"),
    ("memory_maps_ungrouped", "smaps"),
];

/// Whether the kernel refuses the calling user `file` of `/proc/<pid>` (None: the process
/// went away, or another error).
fn kernel_refuses(pid: i32, file: &str) -> Option<bool> {
    let p = format!("/proc/{pid}/{file}");
    let r = match file {
        "exe" | "cwd" => std::fs::read_link(&p).map(drop),
        "fd" => std::fs::read_dir(&p).map(drop),
        _ => std::fs::read(&p).map(drop),
    };
    match r {
        Ok(()) => Some(false),
        // psutil's rule, which sysgauge follows: a refused `exe` is guessed from an
        // absolute `cmdline[0]` that the caller may execute; then no refusal is expected.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Some(!(file == "exe" && exe_guessable(pid)))
        }
        Err(_) => None,
    }
}

/// Whether `cmdline[0]` of `pid` (read directly) is an absolute path of a regular file
/// the caller may execute.
fn exe_guessable(pid: i32) -> bool {
    let Ok(c) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let first = c.split(|&b| b == 0).next().unwrap_or_default();
    let path = Path::new(std::ffi::OsStr::from_bytes(first));
    path.is_absolute()
        && path.is_file()
        && rustix::fs::access(path, rustix::fs::Access::EXEC_OK).is_ok()
}

/// The values compared between root and nobody.
const COMPARED: &[Attr] = &[
    Attr::Name,
    Attr::Ppid,
    Attr::Status,
    Attr::Cmdline,
    Attr::CreateTime,
    Attr::Uids,
    Attr::Gids,
    Attr::NumThreads,
];

/// Every getter on every pid, every system function: outcomes ("ok" or the error kind),
/// the compared values, and the kernel's own answer for the probed files.
fn sweep() -> Value {
    let mut system = BTreeMap::new();
    for (name, f) in stress_calls::system_calls() {
        let o = match f() {
            Ok(()) => "ok".to_string(),
            Err(e) => kind(&e),
        };
        system.insert(name.to_string(), o);
    }
    let mut procs = BTreeMap::new();
    for pid in sysgauge::pids().expect("pids") {
        let Ok(p) = Process::new(pid) else { continue };
        let mut calls = BTreeMap::new();
        for (name, f) in stress_calls::process_calls() {
            let o = match f(&p) {
                Ok(()) => "ok".to_string(),
                Err(e) => kind(&e),
            };
            calls.insert(name.to_string(), o);
        }
        let mut values = BTreeMap::new();
        for a in COMPARED {
            let mark = AttrValue::Text("\u{0}refused".into());
            if let Ok(d) = p.as_dict(&[*a], mark.clone()) {
                if let Some(v) = d.get(*a) {
                    let v = if *v == mark {
                        json!("<refused>")
                    } else {
                        serde_json::to_value(v).unwrap()
                    };
                    values.insert(a.name().to_string(), v);
                }
            }
        }
        let mut probes = BTreeMap::new();
        for (call, file) in PROBED {
            probes.insert(call.to_string(), json!(kernel_refuses(pid, file)));
        }
        procs.insert(
            pid.to_string(),
            json!({"calls": calls, "values": values, "probes": probes}),
        );
    }
    json!({"system": system, "procs": procs})
}

/// The copy running as nobody: sweeps (with a child of its own) and writes the JSON.
fn inner() {
    let out = std::env::var(OUT).expect("output path");
    let kid = common::Kid::spawn(Command::new("sleep").arg("60"));
    common::wait_comm(kid.pid(), "sleep");
    let mut v = sweep();
    v["me"] = json!(std::process::id());
    v["kid"] = json!(kid.pid());
    v["uid"] = json!(rustix::process::getuid().as_raw());
    std::fs::write(out, serde_json::to_vec(&v).unwrap()).expect("write the result");
}

/// psutil as nobody on `pids`: per pid and call, "ok" or the exception's name.
fn psutil_as_nobody(dir: &Path, pids: &[i32]) -> Option<Value> {
    let src = Path::new(&common::run(
        &common::python(),
        &[
            "-c",
            "import psutil, os; print(os.path.dirname(psutil.__file__))",
        ],
    ))
    .to_path_buf();
    let src = Path::new(src.to_str()?.trim()).to_path_buf();
    let lib = dir.join("pylib");
    std::fs::create_dir_all(lib.join("psutil")).ok()?;
    for e in std::fs::read_dir(&src).ok()?.flatten() {
        if e.file_type().ok()?.is_file() {
            std::fs::copy(e.path(), lib.join("psutil").join(e.file_name())).ok()?;
        }
    }
    make_world_readable(&lib);
    // An interpreter nobody may run (the one with psutil may live under /root).
    let py = ["/usr/bin/python3", "/usr/local/bin/python3"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let code = r#"
import json, sys, psutil
calls = ["name", "ppid", "status", "cmdline", "exe", "cwd", "environ", "num_fds",
         "open_files", "io_counters", "memory_maps", "uids", "num_threads", "threads",
         "memory_info", "memory_full_info", "cpu_times", "nice", "ionice", "cpu_affinity",
         "num_ctx_switches", "terminal", "cpu_num"]
out = {}
for pid in map(int, sys.argv[1:]):
    p = psutil.Process(pid)
    r = {}
    for c in calls:
        try:
            getattr(p, c)()
            r[c] = "ok"
        except psutil.Error as e:
            r[c] = type(e).__name__
    out[str(pid)] = r
print(json.dumps(out))
"#;
    let o = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            py,
            "-c",
            code,
        ])
        .args(pids.iter().map(|p| p.to_string()))
        .env("PYTHONPATH", &lib)
        .current_dir(dir)
        .output()
        .ok()?;
    if !o.status.success() {
        eprintln!(
            "note: psutil as nobody did not run ({}); not compared",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
        return None;
    }
    serde_json::from_slice(&o.stdout).ok()
}

fn make_world_readable(p: &Path) {
    let mode = if p.is_dir() { 0o755 } else { 0o644 };
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    if p.is_dir() {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            make_world_readable(&e.path());
        }
    }
}

#[test]
fn sweep_as_nobody() {
    if std::env::var_os(INNER).is_some() {
        inner();
        return;
    }
    if !common::is_root() {
        eprintln!("skipped: running as nobody needs root (setpriv)");
        return;
    }
    // Root-owned processes with values that do not move.
    let crowd = common::crowd(3);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = tmp.path().join("stress_nobody");
    std::fs::copy(std::env::current_exe().unwrap(), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let outdir = tmp.path().join("out");
    std::fs::create_dir(&outdir).unwrap();
    std::fs::set_permissions(&outdir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = outdir.join("nobody.json");

    let root = sweep();
    let mut run = None;
    for _ in 0..200 {
        let r = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin)
            .args([
                "--exact",
                "sweep_as_nobody",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(INNER, "1")
            .env(OUT, &out)
            .current_dir(tmp.path())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("setpriv runs");
        // ETXTBSY: a child forked elsewhere may still hold the fresh copy open for writing.
        if !String::from_utf8_lossy(&r.stderr).contains("Text file busy") {
            run = Some(r);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let r = run.expect("the copy could be executed");
    assert!(
        r.status.success(),
        "the sweep as nobody failed:\n{}{}",
        String::from_utf8_lossy(&r.stdout),
        String::from_utf8_lossy(&r.stderr)
    );
    let nb: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(nb["uid"], json!(NOBODY), "the copy ran as nobody");

    let mut bad = Vec::new();
    let mut denied: BTreeMap<String, u64> = BTreeMap::new();
    // System functions.
    for (name, o) in nb["system"].as_object().unwrap() {
        let o = o.as_str().unwrap();
        if o == "AccessDenied" {
            *denied.entry(format!("system {name}")).or_default() += 1;
        } else if o != "ok" && Some(o) != root["system"][name].as_str() {
            bad.push(format!(
                "system {name}: nobody got {o}, root {}",
                root["system"][name]
            ));
        }
    }
    // Processes.
    let typed = ["AccessDenied", "NoSuchProcess", "ZombieProcess"];
    let me = nb["me"].as_i64().unwrap().to_string();
    let kid = nb["kid"].as_i64().unwrap().to_string();
    let procs = nb["procs"].as_object().unwrap();
    for (pid, d) in procs {
        for (call, o) in d["calls"].as_object().unwrap() {
            let o = o.as_str().unwrap();
            let at_root = root["procs"][pid]["calls"][call].as_str();
            if o == "AccessDenied" {
                *denied.entry(call.clone()).or_default() += 1;
            }
            if o != "ok" && !typed.contains(&o) && Some(o) != at_root {
                bad.push(format!(
                    "pid {pid} {call}: nobody got {o}, root {at_root:?}"
                ));
            }
            if (*pid == me || *pid == kid) && o == "AccessDenied" {
                bad.push(format!("pid {pid} {call}: nobody refused its own process"));
            }
            // The kernel's own answer for the file behind the call.
            if let Some(refused) = d["probes"][call].as_bool() {
                if refused && o == "ok" {
                    bad.push(format!(
                        "pid {pid} {call}: the kernel refuses the file, sysgauge returned a value ({})",
                        d["values"]
                    ));
                }
                if !refused && o == "AccessDenied" {
                    bad.push(format!(
                        "pid {pid} {call}: the kernel allows the file, sysgauge said AccessDenied"
                    ));
                }
            }
        }
    }
    // Root's children: values shared, private files refused.
    for k in &crowd {
        let pid = k.pid().to_string();
        let d = &procs[&pid];
        assert!(d.is_object(), "nobody did not see pid {pid}");
        for a in COMPARED {
            let (n, r) = (
                &d["values"][a.name()],
                &root["procs"][&pid]["values"][a.name()],
            );
            if n != r || n == "<refused>" {
                bad.push(format!(
                    "root's child {pid} {}: nobody {n}, root {r}",
                    a.name()
                ));
            }
        }
        for call in [
            "exe",
            "cwd",
            "environ",
            "num_fds",
            "open_files",
            "io_counters",
            "memory_maps",
        ] {
            let o = d["calls"][call].as_str();
            if o != Some("AccessDenied") {
                bad.push(format!(
                    "root's child {pid} {call}: nobody got {o:?}, want AccessDenied"
                ));
            }
        }
    }
    // psutil as nobody, on root's children and pid 1 (stable processes).
    let mut pids: Vec<i32> = crowd.iter().map(|k| k.pid()).collect();
    pids.push(1);
    let mut compared = 0;
    if let Some(ps) = psutil_as_nobody(tmp.path(), &pids) {
        for pid in &pids {
            let pid = pid.to_string();
            for (call, want) in ps[&pid].as_object().unwrap() {
                let got = procs[&pid]["calls"][call].as_str();
                if got.is_none() {
                    continue;
                }
                compared += 1;
                if got != want.as_str() {
                    bad.push(format!(
                        "pid {pid} {call}: psutil as nobody {want}, sysgauge {got:?}"
                    ));
                }
            }
        }
    }
    eprintln!(
        "as nobody: {} processes swept, {compared} outcomes compared with psutil; refused calls: {denied:?}",
        procs.len()
    );
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
