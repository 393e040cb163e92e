//! A `NETLINK_SOCK_DIAG` socket (STUB: being written).

use std::io;
use std::os::fd::BorrowedFd;

use crate::connections::SocketTable;
use crate::platform::linux::parse::socket::RawSocket;

/// A netlink socket for socket dumps, open for the length of one listing.
pub(crate) struct SockDiag {}

impl SockDiag {
    /// Opens a socket in the caller's network namespace.
    pub(crate) fn open() -> io::Result<SockDiag> {
        Err(io::Error::from_raw_os_error(libc::EPROTONOSUPPORT))
    }

    /// Opens a socket in the network namespace `ns` (an open `/proc/<pid>/ns/net`).
    pub(crate) fn open_in_netns(_ns: BorrowedFd<'_>) -> io::Result<SockDiag> {
        Err(io::Error::from_raw_os_error(libc::EPROTONOSUPPORT))
    }

    /// Appends every socket of `table` to `out`.
    pub(crate) fn dump(
        &mut self,
        _table: SocketTable,
        _out: &mut Vec<RawSocket>,
    ) -> io::Result<()> {
        Err(io::Error::from_raw_os_error(libc::EPROTONOSUPPORT))
    }
}
