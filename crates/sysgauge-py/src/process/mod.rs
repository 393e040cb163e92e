//! Processes: the Rust half of the facade's `Process` class ([`ProcessHandle`]), and
//! `process_iter`, which reads the requested attributes of every process in one call.
//!
//! A handle holds a `sysgauge::Process`, i.e. a pid plus its start time, so every getter
//! and every action checks that the pid still names the same process (`NoSuchProcess`
//! otherwise). Errors carry what psutil's carry: the pid, the name once `name()` has been
//! read (psutil remembers it), and no ppid.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use sysgauge::{ConnectionKind, Error, MemoryType, Process};

mod convert;
mod iter;

pub(crate) use iter::{process_iter, process_iter_cache_clear};

use crate::errors::to_py;
use crate::registry::Registry;

/// What psutil's `Process` remembers once read: the name (for its errors and repr), the
/// start time and the executable (both cached after the first call).
#[derive(Debug, Default, Clone)]
pub(crate) struct Known {
    pub(crate) name: Option<OsString>,
    pub(crate) create_time: Option<f64>,
    pub(crate) exe: Option<PathBuf>,
}

/// One process, as the facade's `Process` holds it.
#[pyclass(module = "sysgauge._sysgauge", frozen)]
pub(crate) struct ProcessHandle {
    /// The process; never one carrying a sweep's fetched values (getters read anew).
    proc: Process,
    /// The view of an open `oneshot()` (its files read at most once) and how deeply the
    /// context is nested.
    oneshot: Mutex<Option<(Process, usize)>>,
    known: Mutex<Known>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The longest one wait for a process blocks without looking at Python's signals (so
/// Ctrl-C interrupts `wait()`).
const WAIT_SLICE: Duration = Duration::from_millis(100);

/// A CPU number no machine has, to have the kernel and sysgauge name the eligible CPUs
/// when psutil would reject a negative CPU number.
const NO_SUCH_CPU: usize = 1 << 16;

/// `OSError(EINVAL, "Invalid argument")`, what psutil lets through from the kernel.
fn einval() -> PyErr {
    PyOSError::new_err((22, "Invalid argument"))
}

impl ProcessHandle {
    /// A handle for `proc` that already knows `known`.
    pub(crate) fn with_known(proc: Process, known: Known) -> Self {
        ProcessHandle {
            proc,
            oneshot: Mutex::new(None),
            known: Mutex::new(known),
        }
    }

    /// The process to read now: the oneshot's view when one is open.
    fn live(&self) -> Process {
        match &*lock(&self.oneshot) {
            Some((view, _)) => view.clone(),
            None => self.proc.clone(),
        }
    }

    /// `e` as psutil raises it for this process: NoSuchProcess / ZombieProcess /
    /// AccessDenied with this pid and the name read last (if any), no ppid.
    fn err(&self, py: Python<'_>, e: Error) -> PyErr {
        let pid = self.proc.pid();
        let reg = match Registry::get(py) {
            Ok(r) => r,
            Err(err) => return err,
        };
        let name = lock(&self.known).name.clone();
        let built = match e {
            Error::NoSuchProcess { .. } => reg.no_such_process.bind(py).call1((pid, name)),
            Error::ZombieProcess { .. } => {
                reg.zombie_process.bind(py).call1((pid, name, None::<i32>))
            }
            Error::AccessDenied { .. } => reg.access_denied.bind(py).call1((pid, name)),
            other => return to_py(py, other),
        };
        match built {
            Ok(v) => PyErr::from_value(v),
            Err(err) => err,
        }
    }

    /// `f` on the process to read now, its errors as psutil's.
    fn read<T>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Process) -> sysgauge::Result<T>,
    ) -> PyResult<T> {
        f(&self.live()).map_err(|e| self.err(py, e))
    }

    /// [`ProcessHandle::read`] with the GIL released (slower reads: smaps, fd tables...).
    fn read_detached<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Process) -> sysgauge::Result<T> + Send,
    ) -> PyResult<T> {
        let p = self.live();
        py.detach(|| f(&p)).map_err(|e| self.err(py, e))
    }

    /// Handles for processes found from this one.
    fn handles<'py>(py: Python<'py>, procs: Vec<Process>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for p in procs {
            list.append(Bound::new(
                py,
                ProcessHandle::with_known(p, Known::default()),
            )?)?;
        }
        Ok(list)
    }
}

#[pymethods]
impl ProcessHandle {
    /// Opens the process `pid` (`NoSuchProcess` when there is none).
    #[new]
    fn new(py: Python<'_>, pid: i32) -> PyResult<Self> {
        let proc = Process::new(pid).map_err(|e| to_py(py, e))?;
        Ok(ProcessHandle::with_known(proc, Known::default()))
    }

    #[getter]
    fn pid(&self) -> i32 {
        self.proc.pid()
    }

    /// The name `name()` returned last (psutil's `_name`), or None.
    #[getter]
    fn known_name(&self) -> Option<OsString> {
        lock(&self.known).name.clone()
    }

    /// The start time once `create_time()` has read it, or None.
    #[getter]
    fn known_create_time(&self) -> Option<f64> {
        lock(&self.known).create_time
    }

    // --- oneshot ------------------------------------------------------------------------

    /// Opens (or nests) a oneshot: until the matching [`ProcessHandle::_oneshot_exit`],
    /// getters share one read of `stat`, `status`, `statm`, `smaps`... Opening reads
    /// nothing.
    fn _oneshot_enter(&self) {
        let mut g = lock(&self.oneshot);
        match &mut *g {
            Some((_, depth)) => *depth += 1,
            // The view keeps its cache as long as it is held.
            None => *g = Some((self.proc.oneshot(|view| view.clone()), 1)),
        }
    }

    /// Closes one level of oneshot; the outermost drops the cached files.
    fn _oneshot_exit(&self) {
        let mut g = lock(&self.oneshot);
        if let Some((_, depth)) = &mut *g {
            *depth -= 1;
            if *depth == 0 {
                *g = None;
            }
        }
    }

    // --- getters ------------------------------------------------------------------------

    fn name(&self, py: Python<'_>) -> PyResult<OsString> {
        let name = self.read(py, Process::name)?;
        lock(&self.known).name = Some(name.clone());
        Ok(name)
    }

    fn ppid(&self, py: Python<'_>) -> PyResult<i32> {
        self.read(py, Process::ppid)
    }

    fn status(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.read(py, |p| p.status().map(|s| s.as_str()))
    }

    fn cmdline(&self, py: Python<'_>) -> PyResult<Vec<OsString>> {
        self.read(py, Process::cmdline)
    }

    /// Seconds since the Epoch; read once, then remembered (as psutil).
    fn create_time(&self, py: Python<'_>) -> PyResult<f64> {
        if let Some(t) = lock(&self.known).create_time {
            return Ok(t);
        }
        let t = self.read(py, Process::create_time)?;
        lock(&self.known).create_time = Some(t);
        Ok(t)
    }

    /// The executable; remembered once read (as psutil).
    fn exe(&self, py: Python<'_>) -> PyResult<OsString> {
        if let Some(e) = lock(&self.known).exe.clone() {
            return Ok(e.into_os_string());
        }
        let e = self.read(py, Process::exe)?;
        lock(&self.known).exe = Some(e.clone());
        Ok(e.into_os_string())
    }

    fn environ<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let env = self.read(py, Process::environ)?;
        convert::environ(py, &env)
    }

    fn terminal<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = self.read(py, Process::terminal)?;
        convert::opt_path(py, &t)
    }

    fn cwd(&self, py: Python<'_>) -> PyResult<OsString> {
        self.read(py, |p| p.cwd().map(PathBuf::into_os_string))
    }

    fn username(&self, py: Python<'_>) -> PyResult<OsString> {
        self.read(py, Process::username)
    }

    fn uids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ids = self.read(py, Process::uids)?;
        let reg = Registry::get(py)?;
        convert::ids(py, reg, &reg.puids, &ids)
    }

    fn gids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ids = self.read(py, Process::gids)?;
        let reg = Registry::get(py)?;
        convert::ids(py, reg, &reg.pgids, &ids)
    }

    fn nice(&self, py: Python<'_>) -> PyResult<i32> {
        self.read(py, Process::nice)
    }

    fn ionice<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.read(py, Process::ionice)?;
        convert::ionice(py, Registry::get(py)?, &n)
    }

    /// `(soft, hard)` of `resource`, -1 for unlimited.
    fn rlimit(&self, py: Python<'_>, resource: i32) -> PyResult<(i64, i64)> {
        check_resource(resource)?;
        self.read(py, |p| p.rlimit(resource))
    }

    fn cpu_affinity(&self, py: Python<'_>) -> PyResult<Vec<usize>> {
        self.read(py, Process::cpu_affinity)
    }

    fn cpu_num(&self, py: Python<'_>) -> PyResult<i32> {
        self.read(py, Process::cpu_num)
    }

    fn num_threads(&self, py: Python<'_>) -> PyResult<u64> {
        self.read(py, Process::num_threads)
    }

    fn threads<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = self.read_detached(py, Process::threads)?;
        convert::threads(py, Registry::get(py)?, &t)
    }

    fn num_fds(&self, py: Python<'_>) -> PyResult<usize> {
        self.read(py, Process::num_fds)
    }

    fn open_files<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let f = self.read_detached(py, Process::open_files)?;
        convert::open_files(py, Registry::get(py)?, &f)
    }

    fn num_ctx_switches<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.read(py, Process::num_ctx_switches)?;
        convert::ctx_switches(py, Registry::get(py)?, &c)
    }

    fn io_counters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.read(py, Process::io_counters)?;
        convert::io_counters(py, Registry::get(py)?, &c)
    }

    fn cpu_times<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = self.read(py, Process::cpu_times)?;
        convert::cpu_times(py, Registry::get(py)?, &t)
    }

    /// Percent of one CPU: over `interval` seconds (blocking, GIL released) when it is
    /// positive, else since the previous call (0.0 the first time).
    #[pyo3(signature = (interval = None))]
    fn cpu_percent(&self, py: Python<'_>, interval: Option<f64>) -> PyResult<f64> {
        let interval = match interval {
            Some(secs) if secs > 0.0 => Some(
                Duration::try_from_secs_f64(secs)
                    .map_err(|e| PyValueError::new_err(format!("interval {secs}: {e}")))?,
            ),
            _ => None,
        };
        match interval {
            Some(_) => self.read_detached(py, |p| p.cpu_percent(interval)),
            None => self.read(py, |p| p.cpu_percent(None)),
        }
    }

    fn memory_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let m = self.read(py, Process::memory_info)?;
        convert::memory_info(py, Registry::get(py)?, &m)
    }

    fn memory_full_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let m = self.read_detached(py, Process::memory_full_info)?;
        convert::memory_full_info(py, Registry::get(py)?, &m)
    }

    /// psutil 8.0's `memory_info_ex()`: one read of `/proc/<pid>/status` and `statm`.
    fn memory_info_ex<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let m = self.read(py, Process::memory_info_ex)?;
        convert::memory_info_ex(py, Registry::get(py)?, &m)
    }

    /// psutil 8.0's `memory_footprint()`: uss, pss and swap from `smaps_rollup`/`smaps`.
    fn memory_footprint<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let m = self.read_detached(py, Process::memory_footprint)?;
        convert::memory_footprint(py, Registry::get(py)?, &m)
    }

    /// psutil 8.0's `page_faults()`: minflt and majflt of `/proc/<pid>/stat`.
    fn page_faults<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let f = self.read(py, Process::page_faults)?;
        convert::page_faults(py, Registry::get(py)?, &f)
    }

    /// `memtype` (a `pfullmem` field name, checked by the facade) over total memory, in
    /// percent.
    #[pyo3(signature = (memtype = "rss"))]
    fn memory_percent(&self, py: Python<'_>, memtype: &str) -> PyResult<f64> {
        let t = match memtype {
            "rss" => MemoryType::Rss,
            "vms" => MemoryType::Vms,
            "shared" => MemoryType::Shared,
            "text" => MemoryType::Text,
            "lib" => MemoryType::Lib,
            "data" => MemoryType::Data,
            "dirty" => MemoryType::Dirty,
            "uss" => MemoryType::Uss,
            "pss" => MemoryType::Pss,
            "swap" => MemoryType::Swap,
            other => {
                return Err(PyValueError::new_err(format!("invalid memtype {other:?}")));
            }
        };
        self.read_detached(py, |p| p.memory_percent(t))
    }

    /// `pmmap_grouped` rows, or `pmmap_ext` rows unless `grouped`.
    #[pyo3(signature = (grouped = true))]
    fn memory_maps<'py>(&self, py: Python<'py>, grouped: bool) -> PyResult<Bound<'py, PyAny>> {
        let reg = Registry::get(py)?;
        if grouped {
            let m = self.read_detached(py, Process::memory_maps)?;
            convert::memory_maps(py, reg, &m)
        } else {
            let m = self.read_detached(py, Process::memory_maps_ungrouped)?;
            convert::memory_maps_ext(py, reg, &m)
        }
    }

    /// Sockets of `kind` (checked by the facade).
    #[pyo3(signature = (kind = "inet"))]
    fn net_connections<'py>(&self, py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
        let kind: ConnectionKind = kind.parse().map_err(|e| to_py(py, e))?;
        let c = self.read_detached(py, |p| p.net_connections(kind))?;
        convert::connections(py, Registry::get(py)?, &c)
    }

    // --- family -----------------------------------------------------------------------

    fn parent(&self, py: Python<'_>) -> PyResult<Option<ProcessHandle>> {
        let parent = self.read(py, |p| p.fresh().parent())?;
        Ok(parent.map(|p| ProcessHandle::with_known(p, Known::default())))
    }

    fn parents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let procs = self.read(py, |p| p.fresh().parents())?;
        Self::handles(py, procs)
    }

    #[pyo3(signature = (recursive = false))]
    fn children<'py>(&self, py: Python<'py>, recursive: bool) -> PyResult<Bound<'py, PyList>> {
        let procs = self.read_detached(py, |p| p.fresh().children(recursive))?;
        Self::handles(py, procs)
    }

    /// True while the pid still names this process (a zombie included).
    fn is_running(&self) -> bool {
        self.proc.is_running()
    }

    /// True when this process is gone and its pid now names another one.
    fn pid_reused(&self) -> bool {
        !self.proc.is_running() && Process::new(self.proc.pid()).is_ok()
    }

    // --- setters ------------------------------------------------------------------------

    fn set_nice(&self, py: Python<'_>, value: i32) -> PyResult<()> {
        self.read(py, |p| p.fresh().set_nice(value))
    }

    /// `ioclass` and `value` as psutil's facade has checked them, handed to the kernel as
    /// they are (as psutil does); its EINVAL is psutil's `OSError`.
    fn set_ionice(&self, py: Python<'_>, ioclass: i32, value: i32) -> PyResult<()> {
        match self.proc.set_ionice_raw(ioclass, value) {
            Ok(()) => Ok(()),
            Err(Error::InvalidArgument(_)) => Err(einval()),
            Err(e) => Err(self.err(py, e)),
        }
    }

    fn set_rlimit(&self, py: Python<'_>, resource: i32, soft: i64, hard: i64) -> PyResult<()> {
        check_resource(resource)?;
        match self.proc.set_rlimit(resource, soft, hard) {
            Ok(()) => Ok(()),
            Err(Error::InvalidArgument(_)) => {
                Err(PyValueError::new_err("current limit exceeds maximum limit"))
            }
            Err(e) => Err(self.err(py, e)),
        }
    }

    /// Restricts the process to `cpus` (`[]`: every eligible CPU).
    fn set_cpu_affinity(&self, py: Python<'_>, cpus: Vec<i64>) -> PyResult<()> {
        if let Some(&neg) = cpus.iter().find(|&&c| c < 0) {
            // psutil names the CPU and the eligible ones; sysgauge knows the latter.
            return match self.proc.set_cpu_affinity(&[NO_SUCH_CPU]) {
                Err(Error::InvalidArgument(msg)) => Err(PyValueError::new_err(msg.replacen(
                    &NO_SUCH_CPU.to_string(),
                    &neg.to_string(),
                    1,
                ))),
                Err(e) => Err(self.err(py, e)),
                Ok(()) => Err(PyValueError::new_err(format!("invalid CPU {neg}"))),
            };
        }
        let cpus: Vec<usize> = cpus
            .into_iter()
            .map(|c| usize::try_from(c).unwrap_or(NO_SUCH_CPU))
            .collect();
        self.proc
            .set_cpu_affinity(&cpus)
            .map_err(|e| self.err(py, e))
    }

    // --- signals and wait ---------------------------------------------------------------

    fn send_signal(&self, py: Python<'_>, sig: i32) -> PyResult<()> {
        match self.proc.send_signal(sig) {
            Ok(()) => Ok(()),
            Err(Error::InvalidArgument(_)) => Err(einval()),
            Err(e) => Err(self.err(py, e)),
        }
    }

    /// Waits for the process to end: its exit code (minus the signal number when a
    /// signal killed it) for a child of this process, else None. `timeout` in seconds
    /// (None: for ever); when it runs out, `TimeoutExpired`. The GIL is released while
    /// waiting, and Python's signal handlers run every [`WAIT_SLICE`].
    #[pyo3(signature = (timeout = None))]
    fn wait(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Option<i32>> {
        let deadline = match timeout {
            Some(secs) => {
                let d = Duration::try_from_secs_f64(secs)
                    .map_err(|e| PyValueError::new_err(format!("timeout {secs}: {e}")))?;
                Instant::now().checked_add(d)
            }
            None => None,
        };
        let p = self.proc.clone();
        loop {
            let slice = match deadline {
                Some(at) => at.saturating_duration_since(Instant::now()).min(WAIT_SLICE),
                None => WAIT_SLICE,
            };
            match py.detach(|| p.wait(Some(slice))) {
                Ok(exit) => return Ok(exit.map(|e| e.psutil_code())),
                Err(Error::TimeoutExpired { seconds, pid }) => {
                    if deadline.is_some_and(|at| Instant::now() >= at) {
                        return Err(to_py(py, Error::TimeoutExpired { seconds, pid }));
                    }
                    py.check_signals()?;
                }
                Err(e) => return Err(self.err(py, e)),
            }
        }
    }

    // --- as_dict --------------------------------------------------------------------------

    /// psutil's `as_dict(attrs, ad_value)` for attribute names the facade has checked:
    /// read within one oneshot; a refused attribute (AccessDenied, ZombieProcess) gets
    /// `ad_value`; one this kernel lacks is an error if `asked`, else left out.
    fn as_dict<'py>(
        &self,
        py: Python<'py>,
        attrs: Vec<String>,
        ad_value: Bound<'py, PyAny>,
        asked: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let attrs = iter::parse_attrs(&attrs)?;
        let mut known = lock(&self.known).clone();
        let d = self
            .live()
            .oneshot(|p| iter::info_dict(py, p, &attrs, &ad_value, asked, &mut known))?;
        *lock(&self.known) = known;
        match d {
            Some(d) => Ok(d),
            None => Err(self.err(
                py,
                Error::NoSuchProcess {
                    pid: self.proc.pid(),
                    name: None,
                },
            )),
        }
    }

    /// Same process: same pid and start time (psutil's `__eq__`).
    fn __eq__(&self, other: &Self) -> bool {
        self.proc == other.proc
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        self.proc.hash(&mut h);
        h.finish()
    }
}

/// Python's `resource.prlimit` check: Linux has resources 0 to 15.
fn check_resource(resource: i32) -> PyResult<()> {
    if (0..16).contains(&resource) {
        Ok(())
    } else {
        Err(PyValueError::new_err("invalid resource specified"))
    }
}
