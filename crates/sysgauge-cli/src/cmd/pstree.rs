//! `sysgauge pstree`: psutil's pstree.py, the process list as a tree.
//!
//! ```text
//! 0 ?
//! |- 1 init
//! | |- 289 cgmanager
//! | `_ 979 avahi-daemon
//! `_ 2 kthreadd
//!   `_ 3 pool_workqueue_release
//! ```
//!
//! The tree maps each parent pid to its children in pid order (one snapshot of every
//! `/proc/<pid>/stat`, [`sysgauge::ProcessTable`]); it starts at the lowest parent pid
//! (0 on Linux, which is no process: its name is `?`). Each line is the pid and the name
//! (read when the line is printed; `?` when it cannot be). A child is introduced by `|- `,
//! the last child of a parent by `` `_ ``; below a child the indent grows by `| `, below
//! the last one by two spaces.
//!
//! With `--json`, the same tree nested: `{"pid": 0, "name": null, "children": [...]}`.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

/// Options of `sysgauge pstree`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of the tree.
    #[arg(long)]
    pub json: bool,
}

/// One process of the tree and its children.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// The pid.
    pub pid: i32,
    /// The name (lossy UTF-8); `null` when it could not be read (pid 0, a process gone).
    pub name: Option<String>,
    /// The children, in pid order.
    pub children: Vec<Node>,
}

/// The name of `pid`, read now.
fn name_of(pid: i32) -> Option<String> {
    let p = sysgauge::Process::new(pid).ok()?;
    p.name().ok().map(|n| super::ps::lossy(&n))
}

/// parent pid → child pids, as pstree.py builds it (pid 0 not listed as its own child).
fn tree() -> sysgauge::Result<BTreeMap<i32, Vec<i32>>> {
    let table = sysgauge::ProcessTable::snapshot()?;
    let mut tree = table.tree().clone();
    if let Some(kids) = tree.get_mut(&0) {
        kids.retain(|&k| k != 0);
    }
    Ok(tree)
}

/// pstree.py's lines for the tree under `root`, names given by `name`. A pid met twice
/// (pids reused into a cycle) is printed but not descended into again.
pub fn lines(
    root: i32,
    tree: &BTreeMap<i32, Vec<i32>>,
    name: &mut dyn FnMut(i32) -> Option<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    // (pid, the prefix of its own line, the indent of its children's lines)
    let mut stack = vec![(root, String::new(), String::new())];
    while let Some((pid, prefix, indent)) = stack.pop() {
        let shown = name(pid).unwrap_or_else(|| "?".to_string());
        out.push(format!("{prefix}{pid} {shown}"));
        if !seen.insert(pid) {
            continue;
        }
        let kids = match tree.get(&pid) {
            Some(k) if !k.is_empty() => k,
            _ => continue,
        };
        let last = kids.len() - 1;
        for (i, &kid) in kids.iter().enumerate().rev() {
            if i == last {
                stack.push((kid, format!("{indent}`_ "), format!("{indent}  ")));
            } else {
                stack.push((kid, format!("{indent}|- "), format!("{indent}| ")));
            }
        }
    }
    out
}

/// The tree under `root` as nested [`Node`]s.
pub fn nodes(
    root: i32,
    tree: &BTreeMap<i32, Vec<i32>>,
    name: &mut dyn FnMut(i32) -> Option<String>,
) -> Node {
    fn build(
        pid: i32,
        tree: &BTreeMap<i32, Vec<i32>>,
        name: &mut dyn FnMut(i32) -> Option<String>,
        seen: &mut HashSet<i32>,
    ) -> Node {
        let mut node = Node {
            pid,
            name: name(pid),
            children: Vec::new(),
        };
        if seen.insert(pid) {
            for &kid in tree.get(&pid).map(Vec::as_slice).unwrap_or(&[]) {
                node.children.push(build(kid, tree, name, seen));
            }
        }
        node
    }
    build(root, tree, name, &mut HashSet::new())
}

/// Prints the process tree: pstree.py's lines, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let tree = tree()?;
    let Some(&root) = tree.keys().next() else {
        return Err(sysgauge::Error::unsupported("no process found in /proc"));
    };
    if args.json {
        return super::print_json(&nodes(root, &tree, &mut name_of));
    }
    super::print_lines(lines(root, &tree, &mut name_of))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_pstree_py() {
        let tree: BTreeMap<i32, Vec<i32>> = [
            (0, vec![1, 2]),
            (1, vec![10, 11, 12]),
            (10, vec![20]),
            (11, vec![21, 22]),
            (2, vec![3]),
        ]
        .into_iter()
        .collect();
        let mut name = |pid: i32| (pid != 0).then(|| format!("p{pid}"));
        let got = lines(0, &tree, &mut name);
        let want = [
            "0 ?",
            "|- 1 p1",
            "| |- 10 p10",
            "| | `_ 20 p20",
            "| |- 11 p11",
            "| | |- 21 p21",
            "| | `_ 22 p22",
            "| `_ 12 p12",
            "`_ 2 p2",
            "  `_ 3 p3",
        ];
        assert_eq!(got, want);
        let n = nodes(0, &tree, &mut name);
        assert_eq!(n.name, None);
        assert_eq!(n.children.len(), 2);
        assert_eq!(n.children[0].children[1].children[1].pid, 22);
    }

    #[test]
    fn a_cycle_ends() {
        let tree: BTreeMap<i32, Vec<i32>> = [(5, vec![6]), (6, vec![5])].into_iter().collect();
        let mut name = |_| None;
        assert_eq!(lines(5, &tree, &mut name), ["5 ?", "`_ 6 ?", "  `_ 5 ?"]);
    }
}
