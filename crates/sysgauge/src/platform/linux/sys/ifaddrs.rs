//! `getifaddrs(3)`: every address of every network interface, as the C library gives them.
//!
//! Each entry's sockaddrs are read according to the family of its primary address, as
//! psutil does: `AF_INET`/`AF_INET6` through `getnameinfo(3)` with `NI_NUMERICHOST` (so an
//! IPv6 link-local address gets its `%<interface>` scope suffix exactly as the C library
//! writes it), `AF_PACKET` as the `sll_halen` bytes of a `sockaddr_ll`. The list is freed
//! before returning.

use std::ffi::CStr;
use std::io;

/// One sockaddr of an entry, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SockAddr {
    /// An IPv4 or IPv6 address in `getnameinfo(NI_NUMERICHOST)` text form.
    Ip(String),
    /// A link-layer (hardware) address: `sll_halen` bytes, never empty.
    Hw(Vec<u8>),
}

/// One entry of the `getifaddrs` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IfAddr {
    /// `ifa_name` (invalid UTF-8 replaced by U+FFFD).
    pub name: String,
    /// `ifa_flags`: the interface's `IFF_*` flags.
    pub flags: u32,
    /// `ifa_addr->sa_family`.
    pub family: i32,
    /// `ifa_addr`, or `None` when it cannot be decoded (unknown family, empty hardware
    /// address, `getnameinfo` failure).
    pub address: Option<SockAddr>,
    /// `ifa_netmask`, decoded as `family`.
    pub netmask: Option<SockAddr>,
    /// `ifa_ifu` (the broadcast or the point-to-point destination address: the same C
    /// union), decoded as `family`.
    pub ifu: Option<SockAddr>,
}

/// glibc and musl store `AF_PACKET` addresses in a `sockaddr_ll` whose `sll_addr` has room
/// for this many bytes, and cap `sll_halen` to it.
const MAX_HW_LEN: usize = 24;

/// Frees the list when dropped, whatever happens while it is walked.
struct List(*mut libc::ifaddrs);

impl Drop for List {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from a successful getifaddrs() and is freed once,
            // here; nothing derived from it outlives the List.
            unsafe { libc::freeifaddrs(self.0) };
        }
    }
}

/// Decodes `sa` as a sockaddr of `family` (the entry's family, as psutil does).
///
/// # Safety
/// `sa` is null or points to a sockaddr from a live `getifaddrs` list.
unsafe fn decode(sa: *const libc::sockaddr, family: i32) -> Option<SockAddr> {
    if sa.is_null() {
        return None;
    }
    match family {
        libc::AF_INET | libc::AF_INET6 => {
            let len = if family == libc::AF_INET {
                std::mem::size_of::<libc::sockaddr_in>()
            } else {
                std::mem::size_of::<libc::sockaddr_in6>()
            };
            let mut host = [0 as libc::c_char; libc::NI_MAXHOST as usize];
            // SAFETY: the C library allocates every sockaddr of an AF_INET/AF_INET6 entry
            // with room for a sockaddr_in6, so `len` bytes are readable; `host` is a
            // writable buffer of the length passed; no service buffer is asked for.
            let rc = unsafe {
                libc::getnameinfo(
                    sa,
                    len as libc::socklen_t,
                    host.as_mut_ptr(),
                    host.len() as libc::socklen_t,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NUMERICHOST,
                )
            };
            if rc != 0 {
                return None;
            }
            // SAFETY: on success getnameinfo wrote a NUL-terminated string into `host`.
            let text = unsafe { CStr::from_ptr(host.as_ptr()) };
            Some(SockAddr::Ip(text.to_string_lossy().into_owned()))
        }
        libc::AF_PACKET => {
            let ll = sa.cast::<libc::sockaddr_ll>();
            // SAFETY: for AF_PACKET entries the C library stores a sockaddr_ll whose
            // address array holds MAX_HW_LEN bytes; the header fields are read in place
            // (read_unaligned: the storage is only guaranteed sockaddr-aligned).
            let halen = unsafe { std::ptr::addr_of!((*ll).sll_halen).read_unaligned() };
            let n = usize::from(halen).min(MAX_HW_LEN);
            if n == 0 {
                return None;
            }
            // SAFETY: as above, `n` <= MAX_HW_LEN bytes from sll_addr are inside the
            // C library's allocation; u8 has no alignment requirement.
            let bytes = unsafe {
                std::slice::from_raw_parts(std::ptr::addr_of!((*ll).sll_addr).cast::<u8>(), n)
            };
            Some(SockAddr::Hw(bytes.to_vec()))
        }
        _ => None,
    }
}

/// Every entry of `getifaddrs(3)`, in the list's order. Entries without an address
/// (`ifa_addr == NULL`) are left out.
pub(crate) fn getifaddrs() -> io::Result<Vec<IfAddr>> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: `head` is a valid out-pointer; on success it receives a list owned by us
    // until freeifaddrs (done by List's Drop).
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let list = List(head);
    let mut out = Vec::new();
    let mut cur = list.0;
    while !cur.is_null() {
        // SAFETY: `cur` is a non-null node of the list, alive until `list` is dropped.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_addr.is_null() {
            continue;
        }
        // SAFETY: ifa_addr is non-null and points to at least a sockaddr header.
        let family = i32::from(unsafe { (*ifa.ifa_addr).sa_family });
        let name = if ifa.ifa_name.is_null() {
            String::new()
        } else {
            // SAFETY: ifa_name is a NUL-terminated string inside the list.
            unsafe { CStr::from_ptr(ifa.ifa_name) }
                .to_string_lossy()
                .into_owned()
        };
        // SAFETY: the three pointers are null or sockaddrs of this live list.
        let (address, netmask, ifu) = unsafe {
            (
                decode(ifa.ifa_addr, family),
                decode(ifa.ifa_netmask, family),
                decode(ifa.ifa_ifu, family),
            )
        };
        out.push(IfAddr {
            name,
            flags: ifa.ifa_flags,
            family,
            address,
            netmask,
            ifu,
        });
    }
    drop(list);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_listed() {
        let all = getifaddrs().unwrap();
        assert!(all
            .iter()
            .any(|a| a.name == "lo" && a.address == Some(SockAddr::Ip("127.0.0.1".into()))));
        assert!(all.iter().any(|a| a.name == "lo"
            && a.family == libc::AF_PACKET
            && a.address == Some(SockAddr::Hw(vec![0; 6]))));
    }
}
