//! `sysgauge pstree`, run as a program: a spawned `sh -c 'sleep 30 & wait'` and its
//! `sleep` appear under each other in the JSON tree and in the text tree (psutil's
//! pstree.py layout), and the tree's edges agree with the parent pids of `/proc` and of
//! psutil.

mod common;

use std::process::Command;

use common::{sysgauge, Kid};
use serde_json::Value;

/// The parent pid in `/proc/<pid>/stat`, read directly.
fn ppid(pid: i64) -> Option<i64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    s[s.rfind(')')? + 2..]
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// `sh -c 'sleep 30 & wait'` and the pid of its `sleep`, once that runs.
fn shell_with_child() -> (Kid, i64) {
    let sh = Kid::spawn(Command::new("sh").args(["-c", "sleep 30 & wait"]));
    let t0 = std::time::Instant::now();
    loop {
        let kid = std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i64>().ok())
            .find(|&p| {
                ppid(p) == Some(i64::from(sh.pid()))
                    && std::fs::read(format!("/proc/{p}/comm")).ok().as_deref() == Some(b"sleep\n")
            });
        if let Some(k) = kid {
            return (sh, k);
        }
        assert!(t0.elapsed().as_secs() < 10, "sleep never started");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Whether `pid` has exited (no `/proc/<pid>`, or a zombie).
fn gone(pid: i64) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => s
            .rfind(')')
            .and_then(|i| s.get(i + 2..i + 3))
            .is_none_or(|state| state == "Z" || state == "X"),
        Err(_) => true,
    }
}

fn find(node: &Value, pid: i64) -> Option<&Value> {
    if node["pid"] == pid {
        return Some(node);
    }
    node["children"]
        .as_array()?
        .iter()
        .find_map(|c| find(c, pid))
}

/// Every (parent, child) edge of the tree.
fn edges(node: &Value, out: &mut Vec<(i64, i64)>) {
    let pid = node["pid"].as_i64().unwrap();
    let kids = node["children"].as_array().unwrap();
    let kid_pids: Vec<i64> = kids.iter().map(|c| c["pid"].as_i64().unwrap()).collect();
    assert!(kid_pids.windows(2).all(|w| w[0] < w[1]), "pid order");
    for c in kids {
        out.push((pid, c["pid"].as_i64().unwrap()));
        edges(c, out);
    }
}

#[test]
fn json_tree_has_the_shell_and_its_sleep() {
    let (sh, sleep) = shell_with_child();
    let tree: Value = serde_json::from_str(&sysgauge(&["pstree", "--json"])).unwrap();
    // The root is pid 0, which is no process.
    assert_eq!(tree["pid"], 0);
    assert_eq!(tree["name"], Value::Null);
    let node = find(&tree, i64::from(sh.pid())).expect("the shell is in the tree");
    assert_eq!(node["name"], "sh");
    let kids = node["children"].as_array().unwrap();
    assert_eq!(kids.len(), 1, "{node}");
    assert_eq!(kids[0]["pid"], sleep);
    assert_eq!(kids[0]["name"], "sleep");
    assert_eq!(kids[0]["children"], serde_json::json!([]));
    // The shell hangs under this test (its parent).
    let me = find(&tree, i64::from(std::process::id())).expect("the test is in the tree");
    assert!(find(me, i64::from(sh.pid())).is_some());
    // Every edge agrees with /proc now, unless the child was orphaned since the snapshot
    // (other tests kill their shells, whose sleeps then move to a reaper).
    let mut all = Vec::new();
    edges(&tree, &mut all);
    let mut checked = 0;
    for (parent, child) in &all {
        if let Some(p) = ppid(*child) {
            if p != *parent {
                assert!(
                    gone(*parent),
                    "parent of {child}: {p} now, {parent} in the tree"
                );
                continue;
            }
            checked += 1;
        }
    }
    assert!(checked >= 3);
}

#[test]
fn json_tree_agrees_with_psutil_children() {
    let (sh, sleep) = shell_with_child();
    let tree: Value = serde_json::from_str(&sysgauge(&["pstree", "--json"])).unwrap();
    let want = common::psutil(&format!(
        "out = [c.pid for c in psutil.Process({}).children()]",
        sh.pid()
    ));
    assert_eq!(want, serde_json::json!([sleep]));
    let node = find(&tree, i64::from(sh.pid())).unwrap();
    let got: Vec<&Value> = node["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["pid"])
        .collect();
    assert_eq!(got, want.as_array().unwrap().iter().collect::<Vec<_>>());
}

#[test]
fn text_tree_has_pstree_py_layout() {
    let (sh, sleep) = shell_with_child();
    let out = sysgauge(&["pstree"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "0 ?");
    // Every other line: an indent of "| " / "  " pairs, "|- " or "`_ ", pid, name.
    for l in &lines[1..] {
        let mut rest = *l;
        while let Some(r) = rest.strip_prefix("| ").or_else(|| rest.strip_prefix("  ")) {
            rest = r;
        }
        let rest = rest
            .strip_prefix("|- ")
            .or_else(|| rest.strip_prefix("`_ "))
            .unwrap_or_else(|| panic!("bad line {l:?}"));
        let (pid, _name) = rest.split_once(' ').unwrap();
        pid.parse::<u32>().unwrap();
    }
    let sh_line = format!(" {} sh", sh.pid());
    let at = lines
        .iter()
        .position(|l| l.ends_with(&sh_line))
        .unwrap_or_else(|| panic!("no {sh_line:?} in\n{out}"));
    let prefix = &lines[at][..lines[at].len() - sh_line.len()];
    // The sleep is the shell's only (so last) child: one level deeper, "`_ ".
    let indent = match prefix.strip_suffix("|-") {
        Some(i) => format!("{i}| "),
        None => format!("{}  ", prefix.strip_suffix("`_").unwrap()),
    };
    assert_eq!(lines[at + 1], format!("{indent}`_ {sleep} sleep"));
}
