//! OS and version constants: psutil's module-level constants, under psutil's names.
//!
//! - platform flags ([`LINUX`], [`POSIX`], [`WINDOWS`], ...), true for the target sysgauge
//!   was compiled for;
//! - versions ([`VERSION`] of sysgauge, [`PSUTIL_COMPAT_VERSION`] it follows);
//! - process status strings (`STATUS_*`), TCP connection states (`CONN_*`), I/O priority
//!   classes (`IOPRIO_CLASS_*`), resource limits (`RLIMIT_*`, [`RLIM_INFINITY`]) and
//!   [`AF_LINK`].
//!
//! `NIC_DUPLEX_*` and `POWER_TIME_*` belong with the network and sensors types
//! (`NicDuplex`, `BatteryTime`) and are not repeated here.
//!
//! ```
//! assert!(sysgauge::LINUX && sysgauge::POSIX && !sysgauge::WINDOWS);
//! assert_eq!(sysgauge::STATUS_DISK_SLEEP, "disk-sleep");
//! assert_eq!(sysgauge::PSUTIL_COMPAT_VERSION, "7.2.2");
//! ```

// --- platforms -------------------------------------------------------------------------

/// True when compiled for a POSIX system (any Unix).
pub const POSIX: bool = cfg!(unix);
/// True when compiled for Windows.
pub const WINDOWS: bool = cfg!(windows);
/// True when compiled for Linux (including Android).
pub const LINUX: bool = cfg!(any(target_os = "linux", target_os = "android"));
/// True when compiled for macOS.
pub const MACOS: bool = cfg!(target_os = "macos");
/// psutil's deprecated alias of [`MACOS`].
pub const OSX: bool = MACOS;
/// True when compiled for FreeBSD (psutil also counts MidnightBSD, which Rust does not
/// target).
pub const FREEBSD: bool = cfg!(target_os = "freebsd");
/// True when compiled for OpenBSD.
pub const OPENBSD: bool = cfg!(target_os = "openbsd");
/// True when compiled for NetBSD.
pub const NETBSD: bool = cfg!(target_os = "netbsd");
/// True on any of the BSDs psutil supports: [`FREEBSD`], [`OPENBSD`] or [`NETBSD`].
pub const BSD: bool = FREEBSD || OPENBSD || NETBSD;
/// True when compiled for Solaris or illumos.
pub const SUNOS: bool = cfg!(any(target_os = "solaris", target_os = "illumos"));
/// True when compiled for AIX.
pub const AIX: bool = cfg!(target_os = "aix");

// --- versions --------------------------------------------------------------------------

/// sysgauge's own version (the crate version, e.g. `"0.1.0"`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The psutil version whose semantics sysgauge follows (psutil's `__version__`).
pub const PSUTIL_COMPAT_VERSION: &str = "7.2.2";
/// [`PSUTIL_COMPAT_VERSION`] as numbers (psutil's `version_info`).
pub const PSUTIL_COMPAT_VERSION_INFO: (u32, u32, u32) = (7, 2, 2);

// --- process status (Process.status()) ---------------------------------------------------

/// Process status: running or runnable (`R`).
pub const STATUS_RUNNING: &str = "running";
/// Process status: interruptible sleep (`S`).
pub const STATUS_SLEEPING: &str = "sleeping";
/// Process status: uninterruptible sleep, usually on I/O (`D`).
pub const STATUS_DISK_SLEEP: &str = "disk-sleep";
/// Process status: stopped by a signal (`T`).
pub const STATUS_STOPPED: &str = "stopped";
/// Process status: stopped by a debugger (`t`).
pub const STATUS_TRACING_STOP: &str = "tracing-stop";
/// Process status: exited, not yet reaped by its parent (`Z`).
pub const STATUS_ZOMBIE: &str = "zombie";
/// Process status: dead (`X`, `x`).
pub const STATUS_DEAD: &str = "dead";
/// Process status: wake-kill (`K`, Linux 2.6.33 to 3.13). psutil defines it in
/// `psutil._common` but does not export it from `psutil`.
pub const STATUS_WAKE_KILL: &str = "wake-kill";
/// Process status: waking (`W`, Linux 2.6.33 to 3.13).
pub const STATUS_WAKING: &str = "waking";
/// Process status: idle kernel thread (`I`, Linux 4.14+).
pub const STATUS_IDLE: &str = "idle";
/// Process status: locked (FreeBSD only).
pub const STATUS_LOCKED: &str = "locked";
/// Process status: waiting (FreeBSD only).
pub const STATUS_WAITING: &str = "waiting";
/// Process status: suspended (NetBSD only). psutil defines it in `psutil._common` but does
/// not export it from `psutil`.
pub const STATUS_SUSPENDED: &str = "suspended";
/// Process status: parked (`P`, Linux 3.9 to 3.13).
pub const STATUS_PARKED: &str = "parked";

// --- connection states (net_connections()) -----------------------------------------------

/// TCP state: connection established.
pub const CONN_ESTABLISHED: &str = "ESTABLISHED";
/// TCP state: SYN sent, waiting for the peer's SYN-ACK.
pub const CONN_SYN_SENT: &str = "SYN_SENT";
/// TCP state: SYN received, waiting for the final ACK.
pub const CONN_SYN_RECV: &str = "SYN_RECV";
/// TCP state: FIN sent, waiting for its ACK.
pub const CONN_FIN_WAIT1: &str = "FIN_WAIT1";
/// TCP state: FIN acknowledged, waiting for the peer's FIN.
pub const CONN_FIN_WAIT2: &str = "FIN_WAIT2";
/// TCP state: closed, waiting for stray packets to expire.
pub const CONN_TIME_WAIT: &str = "TIME_WAIT";
/// TCP state: closed.
pub const CONN_CLOSE: &str = "CLOSE";
/// TCP state: the peer closed; waiting for the local close.
pub const CONN_CLOSE_WAIT: &str = "CLOSE_WAIT";
/// TCP state: closed on both sides, waiting for the last ACK.
pub const CONN_LAST_ACK: &str = "LAST_ACK";
/// TCP state: listening for connections.
pub const CONN_LISTEN: &str = "LISTEN";
/// TCP state: both sides closing at once.
pub const CONN_CLOSING: &str = "CLOSING";
/// No state: UDP and UNIX sockets.
pub const CONN_NONE: &str = "NONE";

// --- I/O priority classes (Process.ionice()) ---------------------------------------------

/// I/O scheduling class: none set (the kernel derives one from the nice value).
/// Linux's `IOPRIO_CLASS_NONE` from `<linux/ioprio.h>`.
pub const IOPRIO_CLASS_NONE: i32 = 0;
/// I/O scheduling class: real time.
pub const IOPRIO_CLASS_RT: i32 = 1;
/// I/O scheduling class: best effort (the default).
pub const IOPRIO_CLASS_BE: i32 = 2;
/// I/O scheduling class: idle, served only when no one else wants the disk.
pub const IOPRIO_CLASS_IDLE: i32 = 3;

// --- resource limits (Process.rlimit()) --------------------------------------------------

/// "No limit", as psutil reports it: `-1` (the kernel's `RLIM_INFINITY` is all ones, which
/// psutil converts to a signed `-1`).
pub const RLIM_INFINITY: i64 = -1;
/// Resource: address space size, in bytes.
pub const RLIMIT_AS: i32 = libc::RLIMIT_AS as i32;
/// Resource: core dump file size, in bytes.
pub const RLIMIT_CORE: i32 = libc::RLIMIT_CORE as i32;
/// Resource: CPU time, in seconds.
pub const RLIMIT_CPU: i32 = libc::RLIMIT_CPU as i32;
/// Resource: data segment size, in bytes.
pub const RLIMIT_DATA: i32 = libc::RLIMIT_DATA as i32;
/// Resource: size of a created file, in bytes.
pub const RLIMIT_FSIZE: i32 = libc::RLIMIT_FSIZE as i32;
/// Resource: number of file locks.
pub const RLIMIT_LOCKS: i32 = libc::RLIMIT_LOCKS as i32;
/// Resource: locked memory, in bytes.
pub const RLIMIT_MEMLOCK: i32 = libc::RLIMIT_MEMLOCK as i32;
/// Resource: bytes in POSIX message queues.
pub const RLIMIT_MSGQUEUE: i32 = libc::RLIMIT_MSGQUEUE as i32;
/// Resource: ceiling of the nice value (as `20 - nice`).
pub const RLIMIT_NICE: i32 = libc::RLIMIT_NICE as i32;
/// Resource: number of open file descriptors (one more than the highest fd).
pub const RLIMIT_NOFILE: i32 = libc::RLIMIT_NOFILE as i32;
/// Resource: number of processes (threads) of the real user.
pub const RLIMIT_NPROC: i32 = libc::RLIMIT_NPROC as i32;
/// Resource: resident set size, in bytes (ignored by Linux since 2.6).
pub const RLIMIT_RSS: i32 = libc::RLIMIT_RSS as i32;
/// Resource: ceiling of the real-time priority.
pub const RLIMIT_RTPRIO: i32 = libc::RLIMIT_RTPRIO as i32;
/// Resource: CPU time under real-time scheduling without a blocking call, in microseconds.
pub const RLIMIT_RTTIME: i32 = libc::RLIMIT_RTTIME as i32;
/// Resource: number of queued signals.
pub const RLIMIT_SIGPENDING: i32 = libc::RLIMIT_SIGPENDING as i32;
/// Resource: stack size, in bytes.
pub const RLIMIT_STACK: i32 = libc::RLIMIT_STACK as i32;

// --- address families (net_if_addrs()) ---------------------------------------------------

/// The address family of a link-layer (MAC) address in `net_if_addrs()`: on Linux
/// `AF_PACKET` (17), as in psutil.
pub const AF_LINK: i32 = libc::AF_PACKET;
