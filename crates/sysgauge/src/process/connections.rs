//! psutil's `Process.net_connections()`.

use super::{Attr, Process};
use crate::connections::{Connection, ConnectionKind};
use crate::error::Result;
use crate::platform::imp::connections as backend;

impl Process {
    /// The sockets this process has open, of `kind` (psutil's `net_connections(kind)`;
    /// psutil's default kind is [`ConnectionKind::Inet`]), each with this pid and the fd:
    /// the `socket:[<inode>]` links of `/proc/<pid>/fd`, matched against the kernel's
    /// socket tables (netlink, or `/proc/net/*`; see [`crate::connections`]).
    ///
    /// A TCP or UDP socket open on several fds is listed once, with the lowest fd; a unix
    /// socket once per fd (psutil's rules). A process with no socket costs one directory
    /// listing. A process in another network namespace is listed in its namespace (psutil
    /// looks in the caller's and finds nothing).
    ///
    /// Errors: [`crate::Error::AccessDenied`] when its `fd` directory may not be read
    /// (another user's process), [`crate::Error::NoSuchProcess`] when it is gone.
    ///
    /// ```no_run
    /// use sysgauge::{ConnectionKind, Process};
    /// for c in Process::current()?.net_connections(ConnectionKind::All)? {
    ///     println!("fd {} {:?} {} -> {} {}", c.fd, c.socket_type, c.laddr, c.raddr, c.status);
    /// }
    /// # Ok::<(), sysgauge::Error>(())
    /// ```
    pub fn net_connections(&self, kind: ConnectionKind) -> Result<Vec<Connection>> {
        if kind == ConnectionKind::Inet {
            return self.serve(Attr::NetConnections, |t| backend::of_process(t, kind));
        }
        backend::of_process(&self.target(), kind)
    }
}
