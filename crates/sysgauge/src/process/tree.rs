//! Parents and children: a snapshot of the process table (pid, parent pid, start time of
//! every process, one `stat` read each) that answers psutil's `children(recursive)`,
//! `parents()` and `parent()`, and gives the whole tree, in one pass over `/proc`.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::*;
use crate::error::Result;

/// One process of a [`ProcessTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableEntry {
    /// The parent's pid (`ppid` of `/proc/<pid>/stat`; 0 for the first process and
    /// kthreadd).
    pub ppid: i32,
    /// `starttime` of `/proc/<pid>/stat`, in clock ticks after boot: with the pid, the
    /// process's identity.
    pub start_ticks: u64,
}

/// The process table at one instant: pid → parent pid and start time, from one read of
/// every `/proc/<pid>/stat` (psutil's `ppid_map()`, plus start times so that reused pids
/// are told apart without reading again).
///
/// ```no_run
/// let table = sysgauge::ProcessTable::snapshot()?;
/// let me = sysgauge::Process::current()?;
/// for child in table.children(&me, true) {
///     println!("{}", child.pid());
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProcessTable {
    roots: Arc<Roots>,
    entries: BTreeMap<i32, TableEntry>,
    /// ppid → child pids, ascending.
    kids: BTreeMap<i32, Vec<i32>>,
}

impl ProcessTable {
    /// Reads the table under the current roots. Processes that vanish while it is read
    /// are left out.
    pub fn snapshot() -> Result<ProcessTable> {
        ProcessTable::snapshot_at(Roots::current())
    }

    /// Reads the table under `roots`.
    pub fn snapshot_at(roots: Arc<Roots>) -> Result<ProcessTable> {
        let mut entries = BTreeMap::new();
        for pid in backend::pids(&roots)? {
            match backend::stat(&roots, pid) {
                Ok(s) => {
                    entries.insert(
                        pid,
                        TableEntry {
                            ppid: s.ppid,
                            start_ticks: s.starttime,
                        },
                    );
                }
                Err(Error::NoSuchProcess { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let mut kids: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
        for (&pid, e) in &entries {
            kids.entry(e.ppid).or_default().push(pid);
        }
        Ok(ProcessTable {
            roots,
            entries,
            kids,
        })
    }

    /// The number of processes in the table.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the table has no process (an empty or unreadable procfs).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every process: pid → entry, by ascending pid.
    pub fn entries(&self) -> &BTreeMap<i32, TableEntry> {
        &self.entries
    }

    /// parent pid → the pids of its children, ascending: the whole tree, for `pstree`.
    /// The roots of the tree are the children of pid 0.
    pub fn tree(&self) -> &BTreeMap<i32, Vec<i32>> {
        &self.kids
    }

    /// The table's process at `pid`, as a [`Process`].
    pub fn process(&self, pid: i32) -> Option<Process> {
        let e = self.entries.get(&pid)?;
        Some(Process::from_ident(
            Arc::clone(&self.roots),
            pid,
            e.start_ticks,
        ))
    }

    /// psutil's `children(recursive)` of `p`, as the table saw them. Direct children are
    /// the processes whose parent pid is `p`'s and that started no earlier than `p` (an
    /// older one has a reused parent pid); with `recursive`, their descendants too, each
    /// started no earlier than `p`, in psutil's order. Empty when `p` is not in the table
    /// (or its pid now belongs to another process).
    pub fn children(&self, p: &Process, recursive: bool) -> Vec<Process> {
        let Some(me) = self.entries.get(&p.pid()) else {
            return Vec::new();
        };
        if me.start_ticks != p.start_ticks() {
            return Vec::new();
        }
        let younger = |pid: &i32| {
            self.entries
                .get(pid)
                .is_some_and(|e| e.start_ticks >= me.start_ticks)
        };
        let kids_of = |pid: i32| self.kids.get(&pid).map(Vec::as_slice).unwrap_or(&[]);
        let mut out = Vec::new();
        if !recursive {
            out.extend(kids_of(p.pid()).iter().filter(|k| younger(k)).copied());
        } else {
            // psutil's walk: a stack of pids, each visited once (a reused pid can make a
            // cycle), every child older than `p` cut off with its subtree.
            let mut seen = HashSet::new();
            let mut stack = vec![p.pid()];
            while let Some(pid) = stack.pop() {
                if !seen.insert(pid) {
                    continue;
                }
                for &kid in kids_of(pid) {
                    if younger(&kid) {
                        out.push(kid);
                        stack.push(kid);
                    }
                }
            }
        }
        out.into_iter()
            .filter_map(|pid| self.process(pid))
            .collect()
    }

    /// psutil's `parent()` of `p`: the process at its parent pid, if that started no later
    /// than `p`; `None` for the lowest pid of the table (the first process) or when the
    /// parent is gone or its pid reused.
    pub fn parent(&self, p: &Process) -> Option<Process> {
        let me = self.entries.get(&p.pid())?;
        if me.start_ticks != p.start_ticks() {
            return None;
        }
        if self.entries.keys().next() == Some(&p.pid()) {
            return None;
        }
        let parent = self.entries.get(&me.ppid)?;
        if parent.start_ticks > me.start_ticks {
            return None;
        }
        self.process(me.ppid)
    }

    /// psutil's `parents()` of `p`: its parent, the parent's parent, and so on up to the
    /// first process (a cycle made by reused pids ends the walk).
    pub fn parents(&self, p: &Process) -> Vec<Process> {
        let mut out: Vec<Process> = Vec::new();
        let mut seen = HashSet::from([p.pid()]);
        let mut cur = self.parent(p);
        while let Some(q) = cur {
            if !seen.insert(q.pid()) {
                break;
            }
            cur = self.parent(&q);
            out.push(q);
        }
        out
    }
}

impl Process {
    /// psutil's `children(recursive)`, from one [`ProcessTable`] snapshot. Errors:
    /// [`Error::NoSuchProcess`] when this process is gone or its pid reused.
    pub fn children(&self, recursive: bool) -> Result<Vec<Process>> {
        self.check_running()?;
        Ok(ProcessTable::snapshot_at(Arc::clone(self.roots()))?.children(self, recursive))
    }

    /// psutil's `parent()`: the process at this one's parent pid, read now, if it started
    /// no later than this one; `None` when there is none (parent pid 0: the first process
    /// and kthreadd), or the parent exited or its pid was reused. Two `stat` reads.
    pub fn parent(&self) -> Result<Option<Process>> {
        let me = backend::stat_same(self.roots(), self.pid(), self.start_ticks())?;
        if me.ppid <= 0 {
            return Ok(None);
        }
        match Process::new_at(Arc::clone(self.roots()), me.ppid) {
            Ok(parent) if parent.start_ticks() <= me.starttime => Ok(Some(parent)),
            Ok(_) | Err(Error::NoSuchProcess { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// psutil's `parents()`: parent, grandparent, ... up to the first process, each found
    /// as [`Process::parent`] finds it.
    pub fn parents(&self) -> Result<Vec<Process>> {
        let mut out: Vec<Process> = Vec::new();
        let mut seen = HashSet::from([self.pid()]);
        let mut cur = self.parent()?;
        while let Some(q) = cur {
            if !seen.insert(q.pid()) {
                break;
            }
            cur = match q.parent() {
                Ok(next) => next,
                Err(Error::NoSuchProcess { .. }) => None,
                Err(e) => return Err(e),
            };
            out.push(q);
        }
        Ok(out)
    }

    /// [`Error::NoSuchProcess`] unless the process still runs under its identity.
    fn check_running(&self) -> Result<()> {
        backend::stat_same(self.roots(), self.pid(), self.start_ticks()).map(|_| ())
    }
}
