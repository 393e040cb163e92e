//! Interface ioctls on a datagram socket: `SIOCGIFFLAGS`, `SIOCGIFMTU` and `SIOCETHTOOL`
//! with `ETHTOOL_GSET` (netdevice(7), linux/ethtool.h).
//!
//! A [`NetIfSocket`] is opened for one query and closed when dropped; nothing is kept
//! between calls.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// `ETHTOOL_GSET` from linux/ethtool.h: "get settings" (legacy, but still served by every
/// driver that has `get_link_ksettings`; the kernel converts).
const ETHTOOL_GSET: u32 = 0x0000_0001;

/// `struct ethtool_cmd` from linux/ethtool.h (44 bytes).
#[repr(C)]
#[derive(Default)]
struct EthtoolCmd {
    cmd: u32,
    supported: u32,
    advertising: u32,
    speed: u16,
    duplex: u8,
    port: u8,
    phy_address: u8,
    transceiver: u8,
    autoneg: u8,
    mdio_support: u8,
    maxtxpkt: u32,
    maxrxpkt: u32,
    speed_hi: u16,
    eth_tp_mdix: u8,
    eth_tp_mdix_ctrl: u8,
    lp_advertising: u32,
    reserved: [u32; 2],
}

const _: () = assert!(std::mem::size_of::<EthtoolCmd>() == 44);

/// What `ETHTOOL_GSET` said about a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LinkSettings {
    /// `duplex`: `DUPLEX_HALF` (0), `DUPLEX_FULL` (1), `DUPLEX_UNKNOWN` (0xff).
    pub duplex: u8,
    /// `speed_hi << 16 | speed`, in Mb/s; `SPEED_UNKNOWN` is `u32::MAX`.
    pub speed: u32,
}

/// An `AF_INET` datagram socket used only as a handle for interface ioctls.
pub(crate) struct NetIfSocket(OwnedFd);

fn ifreq_for(name: &str) -> io::Result<libc::ifreq> {
    let bytes = name.as_bytes();
    // A name that does not fit IFNAMSIZ (with its NUL) or has a NUL cannot name a device.
    if bytes.len() >= libc::IFNAMSIZ || bytes.contains(&0) {
        return Err(io::Error::from_raw_os_error(libc::ENODEV));
    }
    // SAFETY: ifreq is plain old data (a name array and a union of integers, sockaddrs
    // and a pointer): all-zero bytes are a valid value.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, &src) in ifr.ifr_name.iter_mut().zip(bytes) {
        *dst = src as libc::c_char;
    }
    Ok(ifr)
}

impl NetIfSocket {
    /// Opens the socket (`socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)`).
    pub(crate) fn open() -> io::Result<Self> {
        // SAFETY: plain syscall with constant arguments.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a freshly opened descriptor that nothing else owns; OwnedFd
        // closes it on drop.
        Ok(NetIfSocket(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Runs `request` on `ifr`.
    fn ioctl(&self, request: libc::c_ulong, ifr: &mut libc::ifreq) -> io::Result<()> {
        // SAFETY: `request` is one of the SIOCGIF*/SIOCETHTOOL requests, all of which take
        // a pointer to a struct ifreq that lives for the call; the fd is open.
        let rc = unsafe { libc::ioctl(self.0.as_raw_fd(), request as _, ifr as *mut libc::ifreq) };
        if rc == -1 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// The interface's MTU in bytes (`SIOCGIFMTU`).
    pub(crate) fn mtu(&self, name: &str) -> io::Result<i32> {
        let mut ifr = ifreq_for(name)?;
        self.ioctl(libc::SIOCGIFMTU, &mut ifr)?;
        // SAFETY: SIOCGIFMTU filled the ifru_mtu member of the union.
        Ok(unsafe { ifr.ifr_ifru.ifru_mtu })
    }

    /// The interface's low 16 `IFF_*` flags (`SIOCGIFFLAGS`).
    pub(crate) fn flags(&self, name: &str) -> io::Result<u16> {
        let mut ifr = ifreq_for(name)?;
        self.ioctl(libc::SIOCGIFFLAGS, &mut ifr)?;
        // SAFETY: SIOCGIFFLAGS filled the ifru_flags member of the union.
        Ok(unsafe { ifr.ifr_ifru.ifru_flags } as u16)
    }

    /// The link's duplex and speed (`SIOCETHTOOL` / `ETHTOOL_GSET`); `Ok(None)` when the
    /// driver has no link settings (`EOPNOTSUPP` or `EINVAL`).
    pub(crate) fn link_settings(&self, name: &str) -> io::Result<Option<LinkSettings>> {
        let mut ifr = ifreq_for(name)?;
        let mut cmd = EthtoolCmd {
            cmd: ETHTOOL_GSET,
            ..EthtoolCmd::default()
        };
        ifr.ifr_ifru.ifru_data = (&mut cmd as *mut EthtoolCmd).cast::<libc::c_char>();
        match self.ioctl(libc::SIOCETHTOOL, &mut ifr) {
            Ok(()) => Ok(Some(LinkSettings {
                duplex: cmd.duplex,
                speed: (u32::from(cmd.speed_hi) << 16) | u32::from(cmd.speed),
            })),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP | libc::EINVAL)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_missing_device() {
        let s = NetIfSocket::open().unwrap();
        let sys_mtu = std::fs::read_to_string("/sys/class/net/lo/mtu").unwrap();
        assert_eq!(s.mtu("lo").unwrap(), sys_mtu.trim().parse::<i32>().unwrap());
        assert_ne!(s.flags("lo").unwrap() & libc::IFF_LOOPBACK as u16, 0);
        assert_eq!(s.link_settings("lo").unwrap(), None);
        let e = s.mtu("sgt-no-such-if").unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENODEV));
        assert_eq!(
            s.flags("0123456789abcdef").unwrap_err().raw_os_error(),
            Some(libc::ENODEV)
        );
    }
}
