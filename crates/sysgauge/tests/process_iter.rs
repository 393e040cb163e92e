//! `Process::oneshot`, `process_iter`, `Processes`, `as_dict` and the process table
//! (`children`, `parent`, `parents`) against psutil 7.2.2, `/proc` read directly and
//! fixture trees whose files the tests change between reads.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Kid;
use sysgauge::{Attr, AttrValue, Error, Process, ProcessTable, Processes, Roots};

/// Copies what the getters of one process read (`stat`, `status`, `statm`, `cmdline`) and
/// the system `stat` (boot time) into `<root>/<pid>/`, making a procfs tree the test can
/// change.
fn snapshot(pid: i32, root: &Path) {
    let dir = root.join(pid.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["stat", "status", "statm", "cmdline"] {
        std::fs::write(
            dir.join(f),
            std::fs::read(format!("/proc/{pid}/{f}")).unwrap(),
        )
        .unwrap();
    }
    std::fs::write(root.join("stat"), std::fs::read("/proc/stat").unwrap()).unwrap();
}

/// Rewrites the first field of `<root>/<pid>/statm` (vms, in pages).
fn bump_statm(root: &Path, pid: i32) {
    let path = root.join(format!("{pid}/statm"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut fields: Vec<u64> = text
        .split_whitespace()
        .map(|f| f.parse().unwrap())
        .collect();
    fields[0] += 1;
    let line: Vec<String> = fields.iter().map(u64::to_string).collect();
    std::fs::write(&path, line.join(" ") + "\n").unwrap();
}

/// Rewrites the real uid of `<root>/<pid>/status`.
fn set_uid(root: &Path, pid: i32, uid: u32) {
    let path = root.join(format!("{pid}/status"));
    let text = std::fs::read_to_string(&path).unwrap();
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("Uid:") {
                format!("Uid:\t{uid}\t{uid}\t{uid}\t{uid}")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
}

fn tree_roots(root: &Path) -> Arc<Roots> {
    Arc::new(Roots::new(root, "/sys"))
}

/// A stopped `sleep 30` and a procfs tree holding a [`snapshot`] of it.
fn stopped_in_tree() -> (Kid, tempfile::TempDir) {
    let kid = stopped_sleep();
    let tmp = tempfile::tempdir().unwrap();
    snapshot(kid.pid(), tmp.path());
    (kid, tmp)
}

/// A `sleep 30`, stopped so that its values hold still.
fn stopped_sleep() -> Kid {
    let kid = Kid::spawn(Command::new("sleep").arg("30"));
    kid.stop();
    kid
}

#[test]
fn oneshot_reads_each_file_once() {
    let (kid, tmp) = stopped_in_tree();
    let pid = kid.pid();
    let p = Process::new_at(tree_roots(tmp.path()), pid).unwrap();
    let vms0 = p.memory_info().unwrap().vms;
    let uid0 = p.uids().unwrap().real;
    p.oneshot(|q| {
        assert_eq!(q.memory_info().unwrap().vms, vms0);
        assert_eq!(q.uids().unwrap().real, uid0);
        // The files change; inside the oneshot the first reads stand.
        bump_statm(tmp.path(), pid);
        set_uid(tmp.path(), pid, 4242);
        assert_eq!(q.memory_info().unwrap().vms, vms0);
        assert_eq!(q.uids().unwrap().real, uid0);
        assert_eq!(q.gids().unwrap(), p.gids().unwrap());
        // Nested oneshots share the outer one.
        q.oneshot(|r| assert_eq!(r.uids().unwrap().real, uid0));
        // The process outside the oneshot reads again.
        assert_eq!(p.uids().unwrap().real, 4242);
    });
    let page = rustix::param::page_size() as u64;
    assert_eq!(p.memory_info().unwrap().vms, vms0 + page);
    assert_eq!(p.uids().unwrap().real, 4242);
}

#[test]
fn oneshot_values_equal_plain_reads_and_psutil_oneshot() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let p = Process::new(pid).unwrap();
    let plain = (
        p.name().unwrap(),
        p.ppid().unwrap(),
        p.status().unwrap(),
        p.cpu_times().unwrap(),
        p.memory_info().unwrap(),
        p.uids().unwrap(),
        p.gids().unwrap(),
        p.num_ctx_switches().unwrap(),
        p.cmdline().unwrap(),
    );
    let once = p.oneshot(|q| {
        (
            q.name().unwrap(),
            q.ppid().unwrap(),
            q.status().unwrap(),
            q.cpu_times().unwrap(),
            q.memory_info().unwrap(),
            q.uids().unwrap(),
            q.gids().unwrap(),
            q.num_ctx_switches().unwrap(),
            q.cmdline().unwrap(),
        )
    });
    assert_eq!(plain, once);
    let py = common::psutil(&format!(
        "p = psutil.Process({pid})\nwith p.oneshot():\n    out = {{'ppid': p.ppid(), 'status': p.status(), 'rss': p.memory_info().rss, 'uid': p.uids().real, 'vol': p.num_ctx_switches().voluntary}}"
    ));
    assert_eq!(py["ppid"], once.1);
    assert_eq!(py["status"], once.2.as_str());
    assert_eq!(py["rss"], once.4.rss);
    assert_eq!(py["uid"], once.5.real);
    assert_eq!(py["vol"], once.7.voluntary);
}

#[test]
fn oneshot_view_is_shared_by_threads() {
    let p = Process::current().unwrap();
    let ppid = std::os::unix::process::parent_id() as i32;
    p.oneshot(|q| {
        std::thread::scope(|s| {
            let hs: Vec<_> = (0..4).map(|_| s.spawn(|| q.ppid().unwrap())).collect();
            for h in hs {
                assert_eq!(h.join().unwrap(), ppid);
            }
        })
    });
}

#[test]
fn process_iter_matches_proc_and_psutil() {
    let _crowd = common::crowd(6);
    let attrs = [Attr::Pid, Attr::Ppid, Attr::Name, Attr::Cmdline, Attr::Uids];
    let procs = Processes::new();
    let mine: Vec<Process> = procs.iter(&attrs, AttrValue::None).unwrap().collect();
    // Ascending pids, no duplicates.
    assert!(mine.windows(2).all(|w| w[0].pid() < w[1].pid()));
    let listed: BTreeSet<i32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let got: BTreeSet<i32> = mine.iter().map(Process::pid).collect();
    // Every process yielded was listed; the crowd and this process are there.
    assert!(got.is_subset(&listed) || got.difference(&listed).count() < 3);
    for k in &_crowd {
        assert!(got.contains(&k.pid()));
    }
    assert!(got.contains(&(std::process::id() as i32)));
    // The sleeping crowd against psutil's process_iter with the same attributes.
    let py = common::psutil(
        "out = {str(p.pid): [p.info['ppid'], p.info['name'], p.info['cmdline'], p.info['uids'].real] for p in psutil.process_iter(['pid', 'ppid', 'name', 'cmdline', 'uids'])}",
    );
    for k in &_crowd {
        let p = mine.iter().find(|p| p.pid() == k.pid()).unwrap();
        let theirs = &py[k.pid().to_string()];
        assert_eq!(theirs[0], p.ppid().unwrap());
        assert_eq!(theirs[1], p.name().unwrap().to_str().unwrap());
        let args: Vec<String> = p
            .cmdline()
            .unwrap()
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(theirs[2], serde_json::json!(args));
        assert_eq!(theirs[3], p.uids().unwrap().real);
        // info() holds the same values.
        let info = p.info().unwrap();
        assert_eq!(info.get(Attr::Pid), Some(&AttrValue::Int(k.pid().into())));
        assert_eq!(info.0.len(), attrs.len());
    }
}

#[test]
fn prefetched_values_are_served_without_reading() {
    let (kid, tmp) = stopped_in_tree();
    let pid = kid.pid();
    let procs = Processes::new_at(tree_roots(tmp.path()));
    let got: Vec<Process> = procs
        .iter(&[Attr::MemoryInfo, Attr::Uids], AttrValue::None)
        .unwrap()
        .collect();
    assert_eq!(got.len(), 1);
    let p = &got[0];
    let (vms0, uid0) = (p.memory_info().unwrap().vms, p.uids().unwrap().real);
    bump_statm(tmp.path(), pid);
    set_uid(tmp.path(), pid, 4242);
    // Served from the prefetch: the old values.
    assert_eq!(p.memory_info().unwrap().vms, vms0);
    assert_eq!(p.uids().unwrap().real, uid0);
    // Not prefetched: read now.
    assert_eq!(p.gids().unwrap().real, p.gids().unwrap().real);
    let fresh = Process::new_at(tree_roots(tmp.path()), pid).unwrap();
    assert_eq!(fresh.uids().unwrap().real, 4242);
    // The next sweep yields the same process (same identity) with new values.
    let again: Vec<Process> = procs
        .iter(&[Attr::Uids], AttrValue::None)
        .unwrap()
        .collect();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0], *p);
    assert_eq!(again[0].uids().unwrap().real, 4242);
    // A sweep without attributes serves nothing from before.
    let bare: Vec<Process> = procs.iter(&[], AttrValue::None).unwrap().collect();
    assert!(bare[0].info().is_none());
    assert_eq!(
        bare[0].memory_info().unwrap().vms,
        vms0 + rustix::param::page_size() as u64
    );
}

#[test]
fn vanished_and_reused_pids_in_process_iter() {
    let (kid, tmp) = stopped_in_tree();
    let pid = kid.pid();
    let procs = Processes::new_at(tree_roots(tmp.path()));
    let first: Vec<Process> = procs
        .iter(&[Attr::Name], AttrValue::None)
        .unwrap()
        .collect();
    assert_eq!(first.len(), 1);
    // The pid now belongs to a process that started later: the sweep yields it, not the
    // old one.
    let stat_path = tmp.path().join(format!("{pid}/stat"));
    let stat = std::fs::read_to_string(&stat_path).unwrap();
    let close = stat.rfind(')').unwrap();
    let mut fields: Vec<String> = stat[close + 2..]
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let start: u64 = fields[19].parse().unwrap();
    fields[19] = (start + 100).to_string();
    std::fs::write(
        &stat_path,
        format!("{}) {}\n", &stat[..close], fields.join(" ")),
    )
    .unwrap();
    assert!(!first[0].is_running());
    let second: Vec<Process> = procs
        .iter(&[Attr::Name], AttrValue::None)
        .unwrap()
        .collect();
    assert_eq!(second.len(), 1);
    assert_ne!(second[0], first[0]);
    assert!(second[0].is_running());
    assert!(
        (second[0].create_time().unwrap() - first[0].create_time().unwrap() - 1.0).abs() < 1e-6
    );
    // Gone: skipped, not an error.
    std::fs::remove_dir_all(tmp.path().join(pid.to_string())).unwrap();
    assert_eq!(
        procs.iter(&[Attr::Name], AttrValue::None).unwrap().count(),
        0
    );
}

#[test]
fn as_dict_matches_psutil() {
    let kid = stopped_sleep();
    let pid = kid.pid();
    let p = Process::new(pid).unwrap();
    let attrs = [
        Attr::Pid,
        Attr::Ppid,
        Attr::Name,
        Attr::Cmdline,
        Attr::Status,
        Attr::Uids,
        Attr::Gids,
        Attr::Username,
        Attr::MemoryInfo,
        Attr::NumThreads,
        Attr::NumCtxSwitches,
        Attr::Cwd,
        Attr::Nice,
    ];
    let d = p.as_dict(&attrs, AttrValue::None).unwrap();
    let mine = serde_json::to_value(&d).unwrap();
    let names: Vec<&str> = attrs.iter().map(|a| a.name()).collect();
    let py = common::psutil_script(&format!(
        "import json\nd = psutil.Process({pid}).as_dict({names:?})\n\
         d = {{k: (v._asdict() if hasattr(v, '_asdict') else v) for k, v in d.items()}}\n\
         print(json.dumps(d, default=str))"
    ));
    for name in names {
        let (a, b) = (&mine[name], &py[name]);
        if name == "memory_info" {
            // psutil 7.2.2's Linux pmem has the same seven fields.
            for f in ["rss", "vms", "shared", "text", "lib", "data", "dirty"] {
                assert_eq!(a[f], b[f], "{name}.{f}");
            }
        } else {
            assert_eq!(a, b, "{name}");
        }
    }
    // Every attribute name is psutil's.
    let py_attrs = common::psutil("out = sorted(psutil.Process().as_dict().keys())");
    for a in py_attrs.as_array().unwrap() {
        let a = a.as_str().unwrap();
        if a == "net_connections" {
            continue; // issue 4 (netlink)
        }
        assert!(Attr::from_name(a).is_some(), "psutil attribute {a} missing");
    }
    assert!(matches!(
        Attr::parse_list(&["name", "bogus"]),
        Err(Error::InvalidArgument(m)) if m.contains("bogus") && m.contains("cmdline")
    ));
}

#[test]
fn ad_value_for_refused_attributes() {
    // Run as nobody: the io counters of a root process are refused. The test binary
    // re-runs itself as the child.
    if let Ok(target) = std::env::var("SYSGAUGE_TEST_AD_TARGET") {
        let target: i32 = target.parse().unwrap();
        let procs = Processes::new();
        let p = procs
            .iter(
                &[Attr::Pid, Attr::IoCounters],
                AttrValue::Text("denied".into()),
            )
            .unwrap()
            .find(|p| p.pid() == target)
            .unwrap();
        let refused = matches!(p.io_counters(), Err(Error::AccessDenied { .. }));
        let d = Process::new(target)
            .unwrap()
            .as_dict(&[Attr::Pid, Attr::IoCounters], AttrValue::Int(-1))
            .unwrap();
        println!(
            "RESULT {} {} {}",
            serde_json::to_string(&p.info().unwrap()).unwrap(),
            refused,
            serde_json::to_string(&d).unwrap()
        );
        return;
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root to run a child as nobody");
        return;
    }
    let kid = Kid::spawn(Command::new("sleep").arg("30"));
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
        .arg(&exe)
        .args(["--exact", "ad_value_for_refused_attributes", "--nocapture"])
        .env("SYSGAUGE_TEST_AD_TARGET", kid.pid().to_string())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("child said {text} {}", String::from_utf8_lossy(&out.stderr)));
    let pid = kid.pid();
    assert_eq!(
        line,
        format!(
            "{{\"io_counters\":\"denied\",\"pid\":{pid}}} true {{\"io_counters\":-1,\"pid\":{pid}}}"
        )
    );
}

/// `sh` with two `sleep` children, one of which has its own `sleep` child; returns the
/// shell and, once all exist, the pids below it.
fn family() -> (Kid, Vec<i32>) {
    let kid =
        Kid::spawn(Command::new("sh").args(["-c", "sleep 30 & sh -c 'sleep 30 & wait' & wait"]));
    let t0 = Instant::now();
    loop {
        let py = common::psutil(&format!(
            "out = sorted(c.pid for c in psutil.Process({}).children(recursive=True))",
            kid.pid()
        ));
        let v: Vec<i32> = serde_json::from_value(py).unwrap();
        // sleep, sh, sleep (the inner sh's sleep)
        let names_ok = v.len() == 3
            && v.iter().all(|p| {
                std::fs::read(format!("/proc/{p}/comm"))
                    .is_ok_and(|c| c == b"sleep\n" || c == b"sh\n")
            });
        if names_ok {
            return (kid, v);
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "family never formed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn children_parents_and_table_match_psutil() {
    let (sh, all) = family();
    let p = Process::new(sh.pid()).unwrap();
    let pids = |v: Vec<Process>| v.iter().map(Process::pid).collect::<Vec<i32>>();
    let mut rec = pids(p.children(true).unwrap());
    let direct = pids(p.children(false).unwrap());
    let py = common::psutil(&format!(
        "p = psutil.Process({})\nout = [[c.pid for c in p.children()], [c.pid for c in p.children(recursive=True)]]",
        sh.pid()
    ));
    assert_eq!(serde_json::json!(direct), py[0]);
    // Same order as psutil's walk.
    assert_eq!(serde_json::json!(rec), py[1]);
    rec.sort();
    assert_eq!(rec, all);
    // The grandchild's parents, up to pid 1 (or the namespace's first process).
    let inner_sh = *direct
        .iter()
        .find(|&&c| std::fs::read(format!("/proc/{c}/comm")).unwrap() == b"sh\n")
        .unwrap();
    let grandchild = Process::new(inner_sh)
        .unwrap()
        .children(false)
        .unwrap()
        .remove(0);
    let parents = pids(grandchild.parents().unwrap());
    let py = common::psutil(&format!(
        "out = [q.pid for q in psutil.Process({}).parents()]",
        grandchild.pid()
    ));
    assert_eq!(serde_json::json!(parents), py);
    assert_eq!(&parents[..2], &[inner_sh, sh.pid()]);
    assert_eq!(
        grandchild.parent().unwrap().map(|q| q.pid()),
        Some(inner_sh)
    );
    // The first process has no parent.
    assert_eq!(Process::new(1).unwrap().parent().unwrap(), None);
    // The table gives the same answers from one read.
    let table = ProcessTable::snapshot().unwrap();
    assert_eq!(pids(table.children(&p, false)), direct);
    assert!(table.tree()[&sh.pid()].iter().all(|c| direct.contains(c)));
    assert_eq!(table.entries()[&inner_sh].ppid, sh.pid());
    // A process whose pid was reused has no children in the table.
    drop(sh);
}

#[test]
fn children_of_a_gone_process_is_no_such_process() {
    let mut kid = Kid::spawn(&mut Command::new("true"));
    let p = Process::new(kid.pid()).unwrap();
    kid.0.wait().unwrap();
    assert!(matches!(
        p.children(false),
        Err(Error::NoSuchProcess { .. })
    ));
    assert!(matches!(p.parent(), Err(Error::NoSuchProcess { .. })));
}

/// Spawns `sleep` and retries until the kernel gives it `pid` (by writing `pid - 1` to
/// `ns_last_pid` just before the fork); `None` when other forks keep winning the race or
/// the file cannot be written (not root).
fn spawn_at_pid(pid: i32) -> Option<Kid> {
    for _ in 0..50 {
        std::fs::write("/proc/sys/kernel/ns_last_pid", (pid - 1).to_string()).ok()?;
        let kid = Kid::spawn(Command::new("sleep").arg("30"));
        if kid.pid() == pid {
            return Some(kid);
        }
    }
    None
}

#[test]
fn a_reused_pid_is_another_process() {
    let mut first = Kid::spawn(Command::new("sleep").arg("30"));
    let pid = first.pid();
    let old = Process::new(pid).unwrap();
    let t_old = old.create_time().unwrap();
    let procs = Processes::new();
    let seen = procs
        .iter(&[Attr::Name], AttrValue::None)
        .unwrap()
        .find(|p| p.pid() == pid)
        .unwrap();
    assert_eq!(seen, old);
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    // Start ticks have a 10 ms resolution: let them move on.
    std::thread::sleep(Duration::from_millis(30));
    let Some(second) = spawn_at_pid(pid) else {
        eprintln!("skipped: could not get pid {pid} again (not root, or busy machine)");
        return;
    };
    assert_eq!(second.pid(), pid);
    assert!(!old.is_running());
    for r in [
        old.name().map(|_| ()),
        old.ppid().map(|_| ()),
        old.memory_info().map(|_| ()),
    ] {
        assert!(matches!(r, Err(Error::NoSuchProcess { .. })), "{r:?}");
    }
    let new = Process::new(pid).unwrap();
    assert_ne!(new, old);
    assert!(new.create_time().unwrap() > t_old);
    // The next sweep yields the new process at that pid.
    let swept = procs
        .iter(&[Attr::Name], AttrValue::None)
        .unwrap()
        .find(|p| p.pid() == pid)
        .unwrap();
    assert_eq!(swept, new);
    // psutil agrees that the old identity is gone: its create_time is the new one's.
    let py = common::psutil(&format!("out = psutil.Process({pid}).create_time()"));
    common::assert_close(
        "create_time",
        py.as_f64().unwrap(),
        new.create_time().unwrap(),
        0.02,
    );
}

#[test]
fn cpu_percent_carries_over_between_sweeps() {
    // A busy child: its cpu_percent from one sweep to the next is about 100 (one CPU),
    // because the second sweep yields the same Process, which kept the first sample.
    let kid = Kid::spawn(Command::new(common::python()).args(["-c", "while True: pass"]));
    let procs = Processes::new();
    let find = |v: Vec<Process>| v.into_iter().find(|p| p.pid() == kid.pid()).unwrap();
    let (t0, c0) = (std::time::Instant::now(), common::cpu_ticks(kid.pid()));
    let first = find(
        procs
            .iter(&[Attr::CpuPercent], AttrValue::None)
            .unwrap()
            .collect(),
    );
    assert_eq!(first.cpu_percent(None).unwrap(), 0.0, "first sample");
    std::thread::sleep(Duration::from_millis(500));
    let second = find(
        procs
            .iter(&[Attr::CpuPercent], AttrValue::None)
            .unwrap()
            .collect(),
    );
    let direct =
        (common::cpu_ticks(kid.pid()) - c0) as f64 / 100.0 / t0.elapsed().as_secs_f64() * 100.0;
    let pct = second.cpu_percent(None).unwrap();
    // Served from the sweep: asking again gives the same number without a new sample.
    assert_eq!(second.cpu_percent(None).unwrap(), pct);
    // What the child really got over (about) the same window, read directly: a loaded
    // machine may give it far less than one CPU. Ticks are 10 ms: 2 points of 0.5 s.
    assert!(
        pct > 5.0 && (pct - direct).abs() <= 20.0,
        "busy child at {pct}%, direct {direct:.1}%"
    );
    // A fresh table knows no earlier sample.
    let fresh = find(
        Processes::new()
            .iter(&[Attr::CpuPercent], AttrValue::None)
            .unwrap()
            .collect(),
    );
    assert_eq!(fresh.cpu_percent(None).unwrap(), 0.0);
}
