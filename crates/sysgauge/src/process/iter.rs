//! psutil's `process_iter(attrs, ad_value)`: every running process, in pid order, with the
//! chosen attributes fetched in one oneshot each and served by the getters afterwards.
//!
//! The processes of the previous sweep are kept (in a [`Processes`] object, or in the
//! process-wide one behind [`process_iter`]), so a process seen again is the same
//! [`Process`] value and per-process state such as [`Process::cpu_percent`]'s last sample
//! carries over from sweep to sweep.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, Mutex};

use super::attrs::FetchCtx;
use super::*;
use crate::error::Result;

/// The processes seen by the last sweep, keyed by pid: psutil's `process_iter` cache as an
/// explicit object. [`process_iter`] uses one process-wide instance; make your own for
/// independent sweeps (e.g. two monitors in one program).
///
/// ```no_run
/// use sysgauge::{Attr, AttrValue, Processes};
/// let mut procs = Processes::new();
/// for p in procs.iter(&[Attr::Name, Attr::Username], AttrValue::None)? {
///     println!("{} {:?} {:?}", p.pid(), p.name(), p.username());
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct Processes {
    table: Arc<Mutex<BTreeMap<i32, Process>>>,
    roots: Option<Arc<Roots>>,
}

impl Processes {
    /// An empty table reading the current roots ([`Roots::current`] at each sweep).
    pub fn new() -> Processes {
        Processes::default()
    }

    /// An empty table reading `roots` (e.g. a host's `/proc` seen from a container).
    pub fn new_at(roots: Arc<Roots>) -> Processes {
        Processes {
            table: Arc::default(),
            roots: Some(roots),
        }
    }

    /// Forgets every kept process (psutil's `process_iter.cache_clear()`).
    pub fn clear(&self) {
        lock(&self.table).clear();
    }

    /// One sweep: lists `/proc`, then yields a [`Process`] per pid in ascending order.
    /// With `attrs` non-empty, each process's attributes are fetched in one oneshot
    /// before it is yielded; its getters then return those values without reading again
    /// (a refused attribute returns the same refusal, and [`Process::info`] shows
    /// `ad_value` for it). A process that vanished before or while it was read is skipped;
    /// a zombie is yielded. A pid given to a new process since the last sweep yields the
    /// new process.
    ///
    /// The table is updated as the iterator advances and saved when it is dropped, so
    /// sweeps may overlap (as psutil's copies do) without deadlock.
    pub fn iter(&self, attrs: &[Attr], ad_value: AttrValue) -> Result<ProcessIter> {
        let roots = self.roots.clone().unwrap_or_else(Roots::current);
        let pids = backend::pids(&roots)?;
        let mut kept = lock(&self.table).clone();
        // Drop the processes whose pid is no longer listed.
        kept.retain(|pid, _| pids.binary_search(pid).is_ok());
        Ok(ProcessIter {
            home: Arc::clone(&self.table),
            roots,
            pids: pids.into_iter(),
            kept,
            attrs: attrs.to_vec(),
            ad_value,
            ctx: FetchCtx::default(),
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The iterator of one sweep ([`Processes::iter`], [`process_iter`]).
#[derive(Debug)]
pub struct ProcessIter {
    home: Arc<Mutex<BTreeMap<i32, Process>>>,
    roots: Arc<Roots>,
    pids: std::vec::IntoIter<i32>,
    kept: BTreeMap<i32, Process>,
    attrs: Vec<Attr>,
    ad_value: AttrValue,
    ctx: FetchCtx,
}

impl ProcessIter {
    /// The process at `pid` for this sweep, fetched; `None` when it is gone.
    fn visit(&mut self, pid: i32) -> Option<Process> {
        let known = self.kept.get(&pid).cloned();
        // A kept process is checked by its oneshot (its pid may have been reused);
        // a new one is opened once and that open serves its oneshot.
        let fresh = |iter: &ProcessIter| -> Option<Process> {
            let (dir, stat) = backend::open_new(&iter.roots, pid).ok()?;
            Some(Process::from_open(Arc::clone(&iter.roots), pid, dir, stat))
        };
        // Forget the last sweep's values: this sweep reads anew.
        let mut proc = match known {
            Some(p) => p.with_prefetched(None),
            None => fresh(self)?,
        };
        if self.attrs.is_empty() {
            // (Drops a fresh process's directory handle.)
            let p = proc.with_prefetched(None);
            self.kept.insert(pid, p.clone());
            return Some(p);
        }
        for attempt in 0..2 {
            match proc.prefetch(&self.attrs, &self.ad_value, &mut self.ctx) {
                Ok(pre) => {
                    let p = proc.with_prefetched(Some(pre));
                    self.kept.insert(pid, p.clone());
                    return Some(p);
                }
                // The kept process is gone: its pid may now be another process's.
                Err(_) if attempt == 0 && proc.cache.is_none() => match fresh(self) {
                    Some(p) => proc = p,
                    None => break,
                },
                Err(_) => break,
            }
        }
        self.kept.remove(&pid);
        None
    }
}

impl Iterator for ProcessIter {
    type Item = Process;

    fn next(&mut self) -> Option<Process> {
        while let Some(pid) = self.pids.next() {
            if let Some(p) = self.visit(pid) {
                return Some(p);
            }
        }
        None
    }
}

impl Drop for ProcessIter {
    fn drop(&mut self) {
        // Pids not reached (the caller stopped early) keep their old entries.
        *lock(&self.home) = std::mem::take(&mut self.kept);
    }
}

static TABLE: LazyLock<Processes> = LazyLock::new(Processes::new);

/// psutil's `process_iter(attrs, ad_value)` with the process-wide [`Processes`] table:
/// every running process in pid order, with `attrs` fetched (none when empty) and
/// `ad_value` standing in for refused ones in [`Process::info`]. See [`Processes::iter`].
///
/// ```no_run
/// use sysgauge::{process_iter, Attr, AttrValue};
/// for p in process_iter(&[Attr::Name, Attr::CpuTimes], AttrValue::None)? {
///     println!("{} {:?} {:?}", p.pid(), p.name(), p.cpu_times());
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn process_iter(attrs: &[Attr], ad_value: AttrValue) -> Result<ProcessIter> {
    TABLE.iter(attrs, ad_value)
}

/// Forgets the processes [`process_iter`] kept (psutil's `process_iter.cache_clear()`).
pub fn process_iter_cache_clear() {
    TABLE.clear();
}
