//! The Python objects the extension hands back: the named tuple classes of
//! `sysgauge._ntuples`, the enums of `socket` and `sysgauge._common`, the exception classes.
//! Looked up once per interpreter, on first use, so every call builds its results without
//! a lookup by name.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyTuple};
use pyo3::IntoPyObjectExt;

/// The cached objects (see the module doc).
pub(crate) struct Registry {
    /// `tuple.__new__`: builds an instance of a named tuple class from a plain tuple, as
    /// the class's own `_make` does.
    tuple_new: Py<PyAny>,
    pub scputimes: Py<PyAny>,
    /// How many fields `scputimes` has on this kernel (7 to 10).
    pub ncpu_fields: usize,
    pub svmem: Py<PyAny>,
    pub sswap: Py<PyAny>,
    pub sdiskusage: Py<PyAny>,
    pub sdiskio: Py<PyAny>,
    pub sdiskpart: Py<PyAny>,
    pub snetio: Py<PyAny>,
    pub suser: Py<PyAny>,
    pub addr: Py<PyAny>,
    pub sconn: Py<PyAny>,
    pub snicaddr: Py<PyAny>,
    pub snicstats: Py<PyAny>,
    pub scpustats: Py<PyAny>,
    pub scpufreq: Py<PyAny>,
    pub shwtemp: Py<PyAny>,
    pub sbattery: Py<PyAny>,
    pub sfan: Py<PyAny>,
    pub pcputimes: Py<PyAny>,
    pub pmem: Py<PyAny>,
    pub pfullmem: Py<PyAny>,
    pub pmem_ex: Py<PyAny>,
    pub pfootprint: Py<PyAny>,
    pub ppagefaults: Py<PyAny>,
    pub pio: Py<PyAny>,
    pub pctxsw: Py<PyAny>,
    pub puids: Py<PyAny>,
    pub pgids: Py<PyAny>,
    pub pionice: Py<PyAny>,
    pub popenfile: Py<PyAny>,
    pub pthread: Py<PyAny>,
    pub pmmap_grouped: Py<PyAny>,
    pub pmmap_ext: Py<PyAny>,
    pub pconn: Py<PyAny>,
    /// `IOPriority` members by value (0 none, 1 real time, 2 best effort, 3 idle).
    iopriority: [Py<PyAny>; 4],
    /// `socket.AddressFamily` members by number: AF_UNIX, AF_INET, AF_INET6, AF_PACKET.
    families: [(i32, Py<PyAny>); 4],
    /// `socket.SocketKind`, for socket types other than the three cached below.
    socket_kind: Py<PyAny>,
    sock_stream: Py<PyAny>,
    sock_dgram: Py<PyAny>,
    sock_seqpacket: Py<PyAny>,
    /// `NicDuplex` members by value (0 unknown, 1 half, 2 full).
    duplex: [Py<PyAny>; 3],
    pub power_time_unknown: Py<PyAny>,
    pub power_time_unlimited: Py<PyAny>,
    pub no_such_process: Py<PyAny>,
    pub zombie_process: Py<PyAny>,
    pub access_denied: Py<PyAny>,
    pub timeout_expired: Py<PyAny>,
    /// `()`, the address of an inet socket end that has none.
    pub empty_tuple: Py<PyTuple>,
    /// `""`, the remote address of every unix socket.
    pub empty_str: Py<PyString>,
}

static REGISTRY: PyOnceLock<Registry> = PyOnceLock::new();

impl Registry {
    /// The registry of this interpreter, built on first use.
    pub fn get(py: Python<'_>) -> PyResult<&Registry> {
        REGISTRY.get_or_try_init(py, || Registry::load(py))
    }

    fn load(py: Python<'_>) -> PyResult<Registry> {
        let nt = py.import("sysgauge._ntuples")?;
        let common = py.import("sysgauge._common")?;
        let socket = py.import("socket")?;
        let get = |m: &Bound<'_, PyModule>, name: &str| -> PyResult<Py<PyAny>> {
            Ok(m.getattr(name)?.unbind())
        };
        let scputimes = nt.getattr("scputimes")?;
        let ncpu_fields = scputimes.getattr("_fields")?.len()?;
        let family = socket.getattr("AddressFamily")?;
        let fam = |n: i32| -> PyResult<(i32, Py<PyAny>)> { Ok((n, family.call1((n,))?.unbind())) };
        let duplex = common.getattr("NicDuplex")?;
        let dup = |n: i32| -> PyResult<Py<PyAny>> { Ok(duplex.call1((n,))?.unbind()) };
        let iopriority = common.getattr("IOPriority")?;
        let iop = |n: i32| -> PyResult<Py<PyAny>> { Ok(iopriority.call1((n,))?.unbind()) };
        Ok(Registry {
            tuple_new: py.get_type::<PyTuple>().getattr("__new__")?.unbind(),
            scputimes: scputimes.unbind(),
            ncpu_fields,
            svmem: get(&nt, "svmem")?,
            sswap: get(&nt, "sswap")?,
            sdiskusage: get(&nt, "sdiskusage")?,
            sdiskio: get(&nt, "sdiskio")?,
            sdiskpart: get(&nt, "sdiskpart")?,
            snetio: get(&nt, "snetio")?,
            suser: get(&nt, "suser")?,
            addr: get(&nt, "addr")?,
            sconn: get(&nt, "sconn")?,
            snicaddr: get(&nt, "snicaddr")?,
            snicstats: get(&nt, "snicstats")?,
            scpustats: get(&nt, "scpustats")?,
            scpufreq: get(&nt, "scpufreq")?,
            shwtemp: get(&nt, "shwtemp")?,
            sbattery: get(&nt, "sbattery")?,
            sfan: get(&nt, "sfan")?,
            pcputimes: get(&nt, "pcputimes")?,
            pmem: get(&nt, "pmem")?,
            pfullmem: get(&nt, "pfullmem")?,
            pmem_ex: get(&nt, "pmem_ex")?,
            pfootprint: get(&nt, "pfootprint")?,
            ppagefaults: get(&nt, "ppagefaults")?,
            pio: get(&nt, "pio")?,
            pctxsw: get(&nt, "pctxsw")?,
            puids: get(&nt, "puids")?,
            pgids: get(&nt, "pgids")?,
            pionice: get(&nt, "pionice")?,
            popenfile: get(&nt, "popenfile")?,
            pthread: get(&nt, "pthread")?,
            pmmap_grouped: get(&nt, "pmmap_grouped")?,
            pmmap_ext: get(&nt, "pmmap_ext")?,
            pconn: get(&nt, "pconn")?,
            iopriority: [iop(0)?, iop(1)?, iop(2)?, iop(3)?],
            families: [fam(1)?, fam(2)?, fam(10)?, fam(17)?],
            socket_kind: get(&socket, "SocketKind")?,
            sock_stream: get(&socket, "SOCK_STREAM")?,
            sock_dgram: get(&socket, "SOCK_DGRAM")?,
            sock_seqpacket: get(&socket, "SOCK_SEQPACKET")?,
            duplex: [dup(0)?, dup(1)?, dup(2)?],
            power_time_unknown: get(&common, "POWER_TIME_UNKNOWN")?,
            power_time_unlimited: get(&common, "POWER_TIME_UNLIMITED")?,
            no_such_process: get(&common, "NoSuchProcess")?,
            zombie_process: get(&common, "ZombieProcess")?,
            access_denied: get(&common, "AccessDenied")?,
            timeout_expired: get(&common, "TimeoutExpired")?,
            empty_tuple: PyTuple::empty(py).unbind(),
            empty_str: PyString::new(py, "").unbind(),
        })
    }

    /// An instance of the named tuple class `cls` holding `items`.
    pub fn make<'py>(
        &self,
        py: Python<'py>,
        cls: &Py<PyAny>,
        items: Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.tuple_new.bind(py).call1((cls.bind(py), items))
    }

    /// The `socket.AddressFamily` member numbered `n` (a plain int for an unknown number).
    pub fn family<'py>(&self, py: Python<'py>, n: i32) -> PyResult<Bound<'py, PyAny>> {
        match self.families.iter().find(|(k, _)| *k == n) {
            Some((_, v)) => Ok(v.bind(py).clone()),
            None => n.into_bound_py_any(py),
        }
    }

    /// The `socket.SocketKind` member numbered `n`, or the plain int when `socket` has none
    /// (as psutil's `socktype_to_enum`).
    pub fn socket_type<'py>(&self, py: Python<'py>, n: u8) -> PyResult<Bound<'py, PyAny>> {
        let cached = match n {
            1 => Some(&self.sock_stream),
            2 => Some(&self.sock_dgram),
            5 => Some(&self.sock_seqpacket),
            _ => None,
        };
        if let Some(v) = cached {
            return Ok(v.bind(py).clone());
        }
        match self.socket_kind.bind(py).call1((n,)) {
            Ok(v) => Ok(v),
            Err(_) => n.into_bound_py_any(py),
        }
    }

    /// The `IOPriority` member for an I/O class.
    pub fn iopriority<'py>(&self, py: Python<'py>, class: sysgauge::IoClass) -> Bound<'py, PyAny> {
        let i = match class {
            sysgauge::IoClass::None => 0,
            sysgauge::IoClass::RealTime => 1,
            sysgauge::IoClass::BestEffort => 2,
            sysgauge::IoClass::Idle => 3,
        };
        self.iopriority[i].bind(py).clone()
    }

    /// The `NicDuplex` member of value `n` (0, 1 or 2).
    pub fn duplex<'py>(&self, py: Python<'py>, n: u8) -> Bound<'py, PyAny> {
        self.duplex[usize::from(n.min(2))].bind(py).clone()
    }
}
