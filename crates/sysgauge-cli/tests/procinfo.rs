//! `sysgauge procinfo`, run as a program: its JSON for a stopped child against psutil
//! 7.2.2's `as_dict()` of the same pid (the fields a stopped process cannot change), its
//! report's labels and rows (psutil's procinfo.py), its default pid, and a clean error for
//! a pid that does not exist.

mod common;

use std::process::Command;

use common::{sysgauge, sysgauge_out, Kid};
use serde_json::{json, Value};

/// A stopped `sleep` with a known environment.
fn stopped_sleep() -> Kid {
    let kid = Kid::spawn(
        Command::new("sleep")
            .arg("60")
            .env("SGCLI_PROCINFO", "yes")
            .current_dir("/"),
    );
    common::stopped(kid, "sleep")
}

#[test]
fn json_matches_psutil_as_dict() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let got: Value =
        serde_json::from_str(&sysgauge(&["procinfo", &pid.to_string(), "--json"])).expect("JSON");
    let want = common::psutil(&format!(
        "p = psutil.Process({pid})\n\
         out = p.as_dict()\n\
         out['ionice'] = {{'ioclass': int(out['ionice'].ioclass), 'value': out['ionice'].value}}\n\
         out['status'] = str(out['status'])\n\
         out['parent'] = {{'pid': p.parent().pid, 'name': p.parent().name()}}\n\
         out['children'] = [c.pid for c in p.children()]\n\
         out['rlimits'] = {{n: list(p.rlimit(getattr(psutil, n))) for n in dir(psutil) if n.startswith('RLIMIT_')}}"
    ));
    // Values a stopped process keeps: exact.
    for k in [
        "pid",
        "ppid",
        "name",
        "exe",
        "cwd",
        "cmdline",
        "environ",
        "status",
        "username",
        "uids",
        "gids",
        "terminal",
        "nice",
        "ionice",
        "num_threads",
        "num_fds",
        "cpu_times",
        "cpu_affinity",
        "cpu_num",
        "memory_info",
        "num_ctx_switches",
        "io_counters",
        "open_files",
        "threads",
    ] {
        assert_eq!(got[k], want[k], "{k}");
    }
    assert_eq!(got["status"], "stopped");
    assert_eq!(got["environ"]["SGCLI_PROCINFO"], "yes");
    assert_eq!(got["cwd"], "/");
    // Both add starttime / CLK_TCK to the boot time of /proc/stat (whole seconds).
    common::assert_close(
        "create_time",
        got["create_time"].as_f64().unwrap(),
        want["create_time"].as_f64().unwrap(),
        1e-6,
    );
    // rss (unchanged) over MemTotal (constant).
    common::assert_close(
        "memory_percent",
        got["memory_percent"].as_f64().unwrap(),
        want["memory_percent"].as_f64().unwrap(),
        1e-9,
    );
    // A first cpu_percent call has nothing to compare with: 0.0 in both.
    assert_eq!(got["cpu_percent"], json!(0.0));
    // Maps: same paths in the same order, same sizes and resident bytes. (pss and the
    // shared/private split move when other processes map the same files.)
    let maps = |v: &Value| -> Vec<(Value, Value, Value)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| (m["path"].clone(), m["rss"].clone(), m["size"].clone()))
            .collect()
    };
    assert_eq!(maps(&got["memory_maps"]), maps(&want["memory_maps"]));
    // What procinfo adds.
    assert_eq!(got["parent"], want["parent"]);
    assert_eq!(got["parent"]["pid"], i64::from(std::process::id()));
    let kids: Vec<&Value> = got["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["pid"])
        .collect();
    assert_eq!(
        kids,
        want["children"]
            .as_array()
            .unwrap()
            .iter()
            .collect::<Vec<_>>()
    );
    for (name, limits) in want["rlimits"].as_object().unwrap() {
        assert_eq!(&got["rlimits"][name], limits, "{name}");
    }
    assert_eq!(
        got["rlimits"].as_object().unwrap().len(),
        want["rlimits"].as_object().unwrap().len()
    );
    assert!(got["started"].as_str().unwrap().len() == 16);
}

/// The labels of the report, in order (blank continuation labels left out).
fn labels(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            // "{:<11} {}": a label longer than 11 is followed by its one space.
            if l.as_bytes().get(11) == Some(&b' ') {
                l[..11].trim().to_string()
            } else {
                l.split(' ').next().unwrap_or_default().to_string()
            }
        })
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn report_has_procinfo_py_lines() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let out = sysgauge(&["procinfo", &pid.to_string()]);
    // Not a terminal: "{:<11} {}" lines, procinfo.py's labels in its order (a single
    // thread: "threads" blank; no children; no open files; environ and maps present).
    assert_eq!(
        labels(&out),
        [
            "pid",
            "name",
            "parent",
            "exe",
            "cwd",
            "cmdline",
            "started",
            "cpu-tspent",
            "cpu-times",
            "cpu-affinity",
            "cpu-num",
            "memory",
            "memory %",
            "user",
            "uids",
            "uids",
            "terminal",
            "status",
            "nice",
            "ionice",
            "num-threads",
            "num-fds",
            "I/O",
            "ctx-switches",
            "open-files",
            "connections",
            "threads",
            "res-limits",
            "environ",
            "mem-maps",
        ]
    );
    let line = |label: &str| -> String {
        out.lines()
            .find(|l| l.get(..11).map(str::trim) == Some(label))
            .unwrap()
            .to_string()
    };
    assert_eq!(line("pid"), format!("pid         {pid}"));
    assert_eq!(line("name"), "name        sleep");
    // psutil's name of this test: comm, or the longer base name of argv[0] when the
    // kernel cut comm at 15 bytes.
    let comm = std::fs::read_to_string("/proc/self/comm").unwrap();
    let comm = comm.trim_end_matches('\n');
    let arg0 = std::env::args().next().unwrap();
    let base = arg0.rsplit('/').next().unwrap();
    let me = if comm.len() >= 15 && base.starts_with(comm) {
        base
    } else {
        comm
    };
    assert_eq!(
        line("parent"),
        format!("parent      {} ({me})", std::process::id())
    );
    assert_eq!(line("cmdline"), "cmdline     sleep 60");
    assert_eq!(line("status"), "status      stopped");
    assert_eq!(line("nice"), "nice        0");
    assert_eq!(line("open-files"), "open-files  ");
    let m = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap();
    let rss: u64 = m.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(line("memory").starts_with(&format!(
        "memory      rss={}, vms=",
        sysgauge::bytes2human(rss * rustix::param::page_size() as u64)
    )));
    assert!(line("cpu-times").starts_with("cpu-times   user="));
    assert!(line("cpu-times").contains(", children_user=0.0, children_system=0.0, iowait="));
    // The tables' headers.
    assert!(out.contains("\nres-limits  RLIMIT                  SOFT            HARD\n"));
    assert!(out.contains("\nenviron     NAME                      VALUE\n"));
    assert!(out.contains("\nmem-maps    RSS      PATH\n"));
    assert!(out.contains("\n            stack      "));
    // Without -v, 4 variables then "[...]" (sleep has more than 4: we gave it one and
    // cargo many); with -v, all of them.
    let env_rows = |o: &str| {
        let at = o.find("\nenviron").unwrap();
        o[at + 1..]
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("            "))
            .count()
    };
    assert_eq!(env_rows(&out), 5);
    let verbose = sysgauge(&["procinfo", &pid.to_string(), "-v"]);
    let n_env = std::fs::read(format!("/proc/{pid}/environ"))
        .unwrap()
        .split(|&b| b == 0)
        .filter(|v| !v.is_empty())
        .count();
    assert_eq!(env_rows(&verbose), n_env);
    assert!(verbose.contains("\n            SGCLI_PROCINFO            yes\n"));
}

#[test]
fn default_pid_is_the_command_itself() {
    let got: Value = serde_json::from_str(&sysgauge(&["procinfo", "--json"])).unwrap();
    assert_eq!(got["name"], "sysgauge");
    assert_eq!(got["ppid"], i64::from(std::process::id()));
    assert_eq!(got["status"], "running");
}

#[test]
fn missing_pid_is_a_clean_error() {
    // Larger than any pid_max (2^22).
    for args in [
        &["procinfo", "2147483647"][..],
        &["procinfo", "2147483647", "--json"],
    ] {
        let o = sysgauge_out(args);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("sysgauge: "), "{err}");
        assert!(err.contains("pid=2147483647"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn connections_rows_match_psutil() {
    // A child with a TCP listener, an established pair and a bound UDP socket.
    let (kid, port) = common::python_child(
        "import socket, sys, time\n\
         l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()\n\
         c = socket.create_connection(l.getsockname()); a, _ = l.accept()\n\
         u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))\n\
         print(l.getsockname()[1], flush=True)\n\
         time.sleep(60)",
        &[],
    );
    let pid = kid.pid();
    let out = sysgauge(&["procinfo", &pid.to_string()]);
    let lines: Vec<&str> = out.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("connections"))
        .expect("a connections line");
    assert_eq!(
        lines[start],
        format!(
            "connections {:<5} {:<25} {:<25} {}",
            "PROTO", "LOCAL ADDR", "REMOTE ADDR", "STATUS"
        )
    );
    let rows: std::collections::BTreeSet<String> = lines[start + 1..]
        .iter()
        .take_while(|l| l.starts_with(' '))
        .map(|l| l[12..].to_string())
        .collect();
    // The same rows built from psutil's view of the child, as procinfo.py builds them.
    let want = common::psutil(&format!(
        "rows = []\n\
         for c in psutil.Process({pid}).net_connections():\n\
         \x20   t = {{1: 'TCP', 2: 'UDP'}}.get(int(c.type), 'UNIX')\n\
         \x20   r = '%s:%s' % tuple(c.raddr) if c.raddr else '*:*'\n\
         \x20   rows.append('{{:<5}} {{:<25}} {{:<25}} {{}}'.format(t, '%s:%s' % tuple(c.laddr), r, c.status))\n\
         out = sorted(rows)"
    ));
    let want: std::collections::BTreeSet<String> =
        serde_json::from_value(want).expect("a list of rows");
    assert_eq!(rows, want);
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows
        .iter()
        .any(|r| r.contains(&format!("127.0.0.1:{port}")) && r.ends_with("LISTEN")));
}
