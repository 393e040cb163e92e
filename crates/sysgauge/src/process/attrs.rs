//! The attribute names of [`Process`] that [`Process::as_dict`] and
//! [`crate::process_iter`] fetch (psutil's `Process.attrs`), and the value each gives.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use serde::ser::{SerializeMap, Serializer};

use super::*;
use crate::error::{Error, Result};
use crate::platform::imp::process as backend;
use crate::platform::imp::process::limits as limits_backend;
use crate::platform::imp::sys::passwd::UserNames;

macro_rules! attrs {
    ($($variant:ident => $name:literal,)*) => {
        /// An attribute of a process that [`Process::as_dict`] and
        /// [`crate::process_iter`] can fetch: psutil's `Process.attrs`, one variant per
        /// getter of the same name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Attr {
            $(
                #[doc = concat!("[`Process::", $name, "`].")]
                $variant,
            )*
        }

        impl Attr {
            /// Every attribute, in psutil's alphabetical order of names.
            pub const ALL: &'static [Attr] = &[$(Attr::$variant,)*];

            /// psutil's name of the attribute (`"cpu_times"`...).
            pub fn name(self) -> &'static str {
                match self {
                    $(Attr::$variant => $name,)*
                }
            }

            /// The attribute called `name`, if there is one.
            pub fn from_name(name: &str) -> Option<Attr> {
                match name {
                    $($name => Some(Attr::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

attrs! {
    Cmdline => "cmdline",
    CpuAffinity => "cpu_affinity",
    CpuNum => "cpu_num",
    CpuPercent => "cpu_percent",
    CpuTimes => "cpu_times",
    CreateTime => "create_time",
    Cwd => "cwd",
    Environ => "environ",
    Exe => "exe",
    Gids => "gids",
    IoCounters => "io_counters",
    Ionice => "ionice",
    MemoryFootprint => "memory_footprint",
    MemoryFullInfo => "memory_full_info",
    MemoryInfo => "memory_info",
    MemoryInfoEx => "memory_info_ex",
    MemoryMaps => "memory_maps",
    MemoryPercent => "memory_percent",
    Name => "name",
    NetConnections => "net_connections",
    Nice => "nice",
    NumCtxSwitches => "num_ctx_switches",
    NumFds => "num_fds",
    NumThreads => "num_threads",
    OpenFiles => "open_files",
    PageFaults => "page_faults",
    Pid => "pid",
    Ppid => "ppid",
    Status => "status",
    Terminal => "terminal",
    Threads => "threads",
    Uids => "uids",
    Username => "username",
}

impl Attr {
    /// The attributes [`Process::as_dict`] fetches when given none: all but the deprecated
    /// `memory_full_info` (psutil 8.0's default set; ask for it by name).
    pub fn defaults() -> impl Iterator<Item = Attr> {
        Attr::ALL
            .iter()
            .copied()
            .filter(|a| *a != Attr::MemoryFullInfo)
    }

    /// Parses psutil attribute names; an unknown name is [`Error::InvalidArgument`] listing
    /// the valid ones.
    pub fn parse_list<S: AsRef<str>>(names: &[S]) -> Result<Vec<Attr>> {
        names
            .iter()
            .map(|n| {
                Attr::from_name(n.as_ref()).ok_or_else(|| {
                    let valid: Vec<&str> = Attr::ALL.iter().map(|a| a.name()).collect();
                    Error::InvalidArgument(format!(
                        "invalid attr name {:?}; valid names: {}",
                        n.as_ref(),
                        valid.join(", ")
                    ))
                })
            })
            .collect()
    }
}

impl std::fmt::Display for Attr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for Attr {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The value of one attribute in [`Process::as_dict`]: the getter's own type, or
/// [`AttrValue::None`] / [`AttrValue::Text`] where the caller's `ad_value` stands in for
/// a value that was refused ([`Error::AccessDenied`] or [`Error::ZombieProcess`]).
///
/// Serializes as the bare value (a number, a string, a struct as a map...); names, paths
/// and command lines become UTF-8 strings, invalid bytes replaced by U+FFFD.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AttrValue {
    /// No value: psutil's `None` (the default `ad_value`, or `terminal` without one).
    None,
    /// A caller-chosen `ad_value` given as text.
    Text(String),
    /// pid, ppid, nice, cpu_num.
    Int(i64),
    /// num_fds, num_threads.
    Count(u64),
    /// create_time (seconds since the Epoch), cpu_percent and memory_percent (percent).
    Float(f64),
    /// name, username.
    Bytes(OsString),
    /// exe, cwd, terminal.
    Path(PathBuf),
    /// cmdline.
    Args(Vec<OsString>),
    /// environ.
    Environ(BTreeMap<OsString, OsString>),
    /// status.
    Status(Status),
    /// cpu_times.
    CpuTimes(ProcessCpuTimes),
    /// cpu_affinity: CPU numbers.
    Cpus(Vec<usize>),
    /// uids, gids.
    Ids(Ids),
    /// num_ctx_switches.
    NumCtxSwitches(NumCtxSwitches),
    /// io_counters.
    IoCounters(ProcessIoCounters),
    /// ionice.
    IoNice(IoNice),
    /// memory_info.
    MemoryInfo(MemoryInfo),
    /// memory_info_ex.
    MemoryInfoEx(MemoryInfoEx),
    /// memory_footprint.
    MemoryFootprint(MemoryFootprint),
    /// memory_full_info.
    MemoryFullInfo(MemoryFullInfo),
    /// memory_maps (grouped by path).
    MemoryMaps(Vec<MemoryMapGrouped>),
    /// page_faults.
    PageFaults(PageFaults),
    /// open_files.
    OpenFiles(Vec<OpenFile>),
    /// net_connections (of kind `inet`, as psutil's `as_dict`).
    NetConnections(Vec<crate::Connection>),
    /// threads.
    Threads(Vec<ThreadTimes>),
}

/// Serializes raw bytes as a UTF-8 string (invalid sequences replaced by U+FFFD).
pub(crate) fn lossy<S: Serializer>(b: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(b))
}

/// `serialize_with` for a `PathBuf` field: [`lossy`].
pub(crate) fn lossy_path<S: Serializer>(
    p: &std::path::Path,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    use std::os::unix::ffi::OsStrExt;
    lossy(p.as_os_str().as_bytes(), s)
}

impl serde::Serialize for AttrValue {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use std::os::unix::ffi::OsStrExt;
        match self {
            AttrValue::None => s.serialize_none(),
            AttrValue::Text(t) => s.serialize_str(t),
            AttrValue::Int(v) => s.serialize_i64(*v),
            AttrValue::Count(v) => s.serialize_u64(*v),
            AttrValue::Float(v) => s.serialize_f64(*v),
            AttrValue::Bytes(b) => lossy(b.as_bytes(), s),
            AttrValue::Path(p) => lossy_path(p, s),
            AttrValue::Args(args) => s.collect_seq(
                args.iter()
                    .map(|a| String::from_utf8_lossy(a.as_bytes()).into_owned()),
            ),
            AttrValue::Environ(env) => {
                let mut m = s.serialize_map(Some(env.len()))?;
                for (k, v) in env {
                    m.serialize_entry(
                        &String::from_utf8_lossy(k.as_bytes()),
                        &String::from_utf8_lossy(v.as_bytes()),
                    )?;
                }
                m.end()
            }
            AttrValue::Status(v) => v.serialize(s),
            AttrValue::CpuTimes(v) => v.serialize(s),
            AttrValue::Cpus(v) => v.serialize(s),
            AttrValue::Ids(v) => v.serialize(s),
            AttrValue::NumCtxSwitches(v) => v.serialize(s),
            AttrValue::IoCounters(v) => v.serialize(s),
            AttrValue::IoNice(v) => v.serialize(s),
            AttrValue::MemoryInfo(v) => v.serialize(s),
            AttrValue::MemoryInfoEx(v) => v.serialize(s),
            AttrValue::MemoryFootprint(v) => v.serialize(s),
            AttrValue::MemoryFullInfo(v) => v.serialize(s),
            AttrValue::MemoryMaps(v) => v.serialize(s),
            AttrValue::PageFaults(v) => v.serialize(s),
            AttrValue::OpenFiles(v) => v.serialize(s),
            AttrValue::NetConnections(v) => s.collect_seq(v.iter().map(ProcessConnection)),
            AttrValue::Threads(v) => v.serialize(s),
        }
    }
}

/// psutil's `pconn`: a [`crate::Connection`] serialized without its pid.
struct ProcessConnection<'a>(&'a crate::Connection);

impl serde::Serialize for ProcessConnection<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let c = self.0;
        let mut st = s.serialize_struct("pconn", 6)?;
        st.serialize_field("fd", &c.fd)?;
        st.serialize_field("family", &c.family)?;
        st.serialize_field("type", &c.socket_type)?;
        st.serialize_field("laddr", &c.laddr)?;
        st.serialize_field("raddr", &c.raddr)?;
        st.serialize_field("status", &c.status)?;
        st.end()
    }
}

/// A getter's type as an [`AttrValue`] and back (for values [`crate::process_iter`]
/// prefetched).
pub(crate) trait AttrType: Sized {
    fn into_attr(self) -> AttrValue;
    fn from_attr(v: &AttrValue) -> Option<Self>;
}

macro_rules! attr_type {
    ($t:ty, $variant:ident) => {
        impl AttrType for $t {
            fn into_attr(self) -> AttrValue {
                AttrValue::$variant(self)
            }
            fn from_attr(v: &AttrValue) -> Option<Self> {
                match v {
                    AttrValue::$variant(x) => Some(x.clone()),
                    _ => None,
                }
            }
        }
    };
}

attr_type!(i64, Int);
attr_type!(u64, Count);
attr_type!(f64, Float);
attr_type!(OsString, Bytes);
attr_type!(PathBuf, Path);
attr_type!(Vec<OsString>, Args);
attr_type!(BTreeMap<OsString, OsString>, Environ);
attr_type!(Status, Status);
attr_type!(ProcessCpuTimes, CpuTimes);
attr_type!(Vec<usize>, Cpus);
attr_type!(Ids, Ids);
attr_type!(NumCtxSwitches, NumCtxSwitches);
attr_type!(ProcessIoCounters, IoCounters);
attr_type!(IoNice, IoNice);
attr_type!(MemoryInfo, MemoryInfo);
attr_type!(MemoryInfoEx, MemoryInfoEx);
attr_type!(MemoryFootprint, MemoryFootprint);
attr_type!(MemoryFullInfo, MemoryFullInfo);
attr_type!(Vec<MemoryMapGrouped>, MemoryMaps);
attr_type!(PageFaults, PageFaults);
attr_type!(Vec<OpenFile>, OpenFiles);
attr_type!(Vec<crate::Connection>, NetConnections);
attr_type!(Vec<ThreadTimes>, Threads);

impl AttrType for i32 {
    fn into_attr(self) -> AttrValue {
        AttrValue::Int(self.into())
    }
    fn from_attr(v: &AttrValue) -> Option<Self> {
        match v {
            AttrValue::Int(x) => i32::try_from(*x).ok(),
            _ => None,
        }
    }
}

impl AttrType for usize {
    fn into_attr(self) -> AttrValue {
        AttrValue::Count(self as u64)
    }
    fn from_attr(v: &AttrValue) -> Option<Self> {
        match v {
            AttrValue::Count(x) => usize::try_from(*x).ok(),
            _ => None,
        }
    }
}

impl AttrType for Option<PathBuf> {
    fn into_attr(self) -> AttrValue {
        match self {
            Some(p) => AttrValue::Path(p),
            None => AttrValue::None,
        }
    }
    fn from_attr(v: &AttrValue) -> Option<Self> {
        match v {
            AttrValue::Path(p) => Some(Some(p.clone())),
            AttrValue::None => Some(None),
            _ => None,
        }
    }
}

/// What a prefetch kept for one attribute: its value, or the refusal that `ad_value`
/// stood in for (served again as the same error, without a new read).
#[derive(Debug, Clone)]
pub(crate) enum Kept {
    Value(AttrValue),
    Denied,
    Zombie,
}

/// The values [`crate::process_iter`] fetched for one process.
#[derive(Debug)]
pub(crate) struct Prefetched {
    /// In the order fetched; a handful of entries, so a scan beats a map.
    pub(crate) values: Vec<(Attr, Kept)>,
    /// What stands in for refused values in [`Process::info`].
    pub(crate) ad_value: AttrValue,
}

/// The result of [`Process::as_dict`]: attribute → value, in psutil's order of names.
/// Serializes as a map from psutil's attribute names to the bare values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcessDict(pub BTreeMap<Attr, AttrValue>);

impl Prefetched {
    /// What was kept for `attr`.
    pub(crate) fn get(&self, attr: Attr) -> Option<&Kept> {
        self.values.iter().find(|(a, _)| *a == attr).map(|(_, k)| k)
    }
}

impl ProcessDict {
    /// The value of `attr`, if it was asked for.
    pub fn get(&self, attr: Attr) -> Option<&AttrValue> {
        self.0.get(&attr)
    }
}

impl serde::Serialize for ProcessDict {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k.name(), v)?;
        }
        m.end()
    }
}

/// What a run of fetches over many processes shares (one sweep of
/// [`crate::process_iter`], one [`Process::as_dict`]): the uid → user name answers and the
/// system-wide figures the per-process ones are computed from, each read at most once per
/// run. All of them are read on first need, so a run that does not need one never reads
/// it, and a failed read is not kept (the next process tries again and fails the same way
/// its own getter would).
#[derive(Debug, Default)]
pub(crate) struct FetchCtx {
    pub(crate) users: UserNames,
    /// The boot time, in seconds since the Epoch, found once per run of fetches.
    pub(crate) boot_time: Option<f64>,
    /// The logical CPU count [`Process::cpu_percent`] scales by. psutil asks for it on
    /// every call; it changes only when a CPU goes on or off line, so once per sweep.
    pub(crate) num_cpus: Option<f64>,
    /// Total physical memory in bytes (`MemTotal`), which [`Process::memory_percent`]
    /// divides by. psutil itself keeps the last `virtual_memory().total` for good, so one
    /// read per sweep is fresher than psutil.
    pub(crate) total_memory: Option<u64>,
}

impl Process {
    /// The value of `attr`, computed by its getter (within the caller's oneshot, if any).
    pub(crate) fn fetch(&self, attr: Attr, ctx: &mut FetchCtx) -> Result<AttrValue> {
        Ok(match attr {
            Attr::Pid => AttrValue::Int(self.pid().into()),
            Attr::Ppid => self.ppid()?.into_attr(),
            Attr::Name => self.name()?.into_attr(),
            Attr::Cmdline => self.cmdline()?.into_attr(),
            Attr::Status => self.status()?.into_attr(),
            Attr::CreateTime => match self.serve_kept(Attr::CreateTime) {
                Some(kept) => kept?,
                None => {
                    let boot = match ctx.boot_time {
                        Some(b) => b,
                        None => *ctx.boot_time.insert(backend::boot_time(self.roots())?),
                    };
                    AttrValue::Float(backend::create_time_from(self.start_ticks(), boot)?)
                }
            },
            Attr::NumThreads => self.num_threads()?.into_attr(),
            Attr::CpuTimes => self.cpu_times()?.into_attr(),
            Attr::MemoryInfo => self.memory_info()?.into_attr(),
            Attr::Cwd => self.cwd()?.into_attr(),
            Attr::NumFds => self.num_fds()?.into_attr(),
            Attr::Uids => self.uids()?.into_attr(),
            Attr::Gids => self.gids()?.into_attr(),
            Attr::Username => match self.serve_kept(Attr::Username) {
                Some(kept) => kept?,
                None => {
                    let uid = self.uids()?.real;
                    match ctx.users.get(uid)? {
                        Some(n) => AttrValue::Bytes(n.to_os_string()),
                        None => AttrValue::Bytes(uid.to_string().into()),
                    }
                }
            },
            Attr::NumCtxSwitches => self.num_ctx_switches()?.into_attr(),
            Attr::IoCounters => self.io_counters()?.into_attr(),
            Attr::Nice => self.nice()?.into_attr(),
            Attr::CpuNum => self.cpu_num()?.into_attr(),
            Attr::Exe => self.exe()?.into_attr(),
            Attr::Environ => self.environ()?.into_attr(),
            Attr::Terminal => self.terminal()?.into_attr(),
            Attr::OpenFiles => self.open_files()?.into_attr(),
            Attr::NetConnections => self
                .net_connections(crate::ConnectionKind::Inet)?
                .into_attr(),
            Attr::Threads => self.threads()?.into_attr(),
            Attr::MemoryInfoEx => self.memory_info_ex()?.into_attr(),
            Attr::MemoryFootprint => self.memory_footprint()?.into_attr(),
            Attr::MemoryFullInfo => self.memory_full_info()?.into_attr(),
            Attr::MemoryPercent => match self.serve_kept(Attr::MemoryPercent) {
                Some(kept) => kept?,
                None => {
                    let total = || match ctx.total_memory {
                        Some(t) => Ok(t),
                        None => Ok(*ctx
                            .total_memory
                            .insert(backend::total_memory(self.roots())?)),
                    };
                    AttrValue::Float(backend::memory_percent_of(
                        &self.target(),
                        MemoryType::Rss,
                        total,
                    )?)
                }
            },
            Attr::MemoryMaps => self.memory_maps()?.into_attr(),
            Attr::PageFaults => self.page_faults()?.into_attr(),
            Attr::Ionice => self.ionice()?.into_attr(),
            Attr::CpuAffinity => self.cpu_affinity()?.into_attr(),
            Attr::CpuPercent => match self.serve_kept(Attr::CpuPercent) {
                Some(kept) => kept?,
                None => {
                    let n = *ctx
                        .num_cpus
                        .get_or_insert_with(|| limits_backend::num_cpus(self.roots()));
                    AttrValue::Float(self.cpu_percent_since_last(&self.target(), n)?)
                }
            },
        })
    }

    /// psutil's `as_dict(attrs, ad_value)`: the value of each attribute in `attrs` (every
    /// default attribute, [`Attr::defaults`], when `attrs` is empty), read within one
    /// oneshot. An attribute refused with [`Error::AccessDenied`] or
    /// [`Error::ZombieProcess`] gets `ad_value`; an attribute this kernel cannot give
    /// ([`Error::Unsupported`]) is left out when not asked for by name and an error when
    /// asked for. Other errors ([`Error::NoSuchProcess`]...) end the call.
    ///
    /// ```no_run
    /// use sysgauge::{Attr, AttrValue, Process};
    /// let d = Process::current()?.as_dict(&[Attr::Pid, Attr::Name], AttrValue::None)?;
    /// println!("{}", serde_json::to_string(&d).unwrap());
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn as_dict(&self, attrs: &[Attr], ad_value: AttrValue) -> Result<ProcessDict> {
        self.oneshot(|p| {
            let mut out = BTreeMap::new();
            let asked = !attrs.is_empty();
            let names: Vec<Attr> = if asked {
                attrs.to_vec()
            } else {
                Attr::defaults().collect()
            };
            let mut ctx = FetchCtx::default();
            for attr in names {
                match p.fetch(attr, &mut ctx) {
                    Ok(v) => {
                        out.insert(attr, v);
                    }
                    Err(Error::AccessDenied { .. } | Error::ZombieProcess { .. }) => {
                        out.insert(attr, ad_value.clone());
                    }
                    Err(Error::Unsupported { .. }) if !asked => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(ProcessDict(out))
        })
    }

    /// The same, keeping refusals apart for [`crate::process_iter`]'s prefetch.
    pub(crate) fn prefetch(
        &self,
        attrs: &[Attr],
        ad_value: &AttrValue,
        ctx: &mut FetchCtx,
    ) -> Result<Prefetched> {
        self.oneshot(|p| {
            let mut values = Vec::with_capacity(attrs.len());
            for &attr in attrs {
                let kept = match p.fetch(attr, ctx) {
                    Ok(v) => Kept::Value(v),
                    Err(Error::AccessDenied { .. }) => Kept::Denied,
                    Err(Error::ZombieProcess { .. }) => Kept::Zombie,
                    Err(Error::Unsupported { .. }) => continue,
                    Err(e) => return Err(e),
                };
                values.retain(|(a, _)| *a != attr);
                values.push((attr, kept));
            }
            Ok(Prefetched {
                values,
                ad_value: ad_value.clone(),
            })
        })
    }

    /// The values [`crate::process_iter`] fetched for this process, with its `ad_value`
    /// in place of refusals (psutil's `Process.info`); `None` when it fetched none.
    pub fn info(&self) -> Option<ProcessDict> {
        let pre = self.prefetched.as_ref()?;
        Some(ProcessDict(
            pre.values
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        Kept::Value(v) => v.clone(),
                        Kept::Denied | Kept::Zombie => pre.ad_value.clone(),
                    };
                    (*k, v)
                })
                .collect(),
        ))
    }
}
