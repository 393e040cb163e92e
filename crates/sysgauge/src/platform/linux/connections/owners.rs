//! Which process owns each socket: the inode of every `socket:[<inode>]` link under
//! `<procfs>/<pid>/fd`, with psutil's rules for sockets shared by several descriptors.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Result;
use crate::platform::linux::fs;
use crate::platform::linux::process as backend;
use crate::roots::Roots;

/// The owner of one socket: a pid and its fds that refer to the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    /// The owning process.
    pub(crate) pid: i32,
    /// Its lowest fd for the socket.
    pub(crate) fd: i32,
    /// Its other fds for the socket, ascending.
    more: Vec<i32>,
}

impl Owner {
    /// Every fd of the owner that refers to the socket, ascending.
    pub(crate) fn fds(&self) -> impl Iterator<Item = i32> + '_ {
        std::iter::once(self.fd).chain(self.more.iter().copied())
    }
}

/// A hasher for inode numbers: kernel-chosen integers, not attacker-chosen keys, so one
/// multiply (Fibonacci hashing) spreads them well enough and costs far less than SipHash.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct InodeHasher(u64);

impl Hasher for InodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Socket inode → owner.
#[derive(Debug, Default)]
pub(crate) struct Owners {
    map: HashMap<u64, Owner, BuildHasherDefault<InodeHasher>>,
}

impl Owners {
    /// Records that `fd` of `pid` refers to socket `inode`. Calls must come in ascending
    /// pid order, each pid's fds ascending: then, as in psutil (whose dict of inodes is
    /// updated pid after pid), a socket shared by several processes belongs to the last
    /// one, i.e. the highest pid.
    pub(crate) fn add(&mut self, inode: u64, pid: i32, fd: i32) {
        use std::collections::hash_map::Entry;
        match self.map.entry(inode) {
            Entry::Occupied(mut o) if o.get().pid == pid => o.get_mut().more.push(fd),
            Entry::Occupied(mut o) => {
                o.insert(Owner {
                    pid,
                    fd,
                    more: Vec::new(),
                });
            }
            Entry::Vacant(v) => {
                v.insert(Owner {
                    pid,
                    fd,
                    more: Vec::new(),
                });
            }
        }
    }

    /// The owner of socket `inode`, if one was seen.
    pub(crate) fn get(&self, inode: u64) -> Option<&Owner> {
        self.map.get(&inode)
    }

    /// How many sockets have an owner.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

/// Scans the `fd` directory of every process. Processes that vanish, and those whose `fd`
/// directory the caller may not read, are skipped (their sockets stay without owner, as in
/// psutil and `ss -p`). `expected` sizes the map (the number of sockets listed).
pub(crate) fn scan_all(roots: &Roots, expected: usize) -> Result<Owners> {
    let mut owners = Owners::default();
    owners.map.reserve(expected);
    for pid in backend::pids(roots)? {
        let dir = roots.proc(format!("{pid}/fd"));
        // Errors: gone (ENOENT/ESRCH), refused (EACCES/EPERM), or anything else about one
        // process: none of them stops the listing.
        let _ = fs::for_each_socket_fd(&dir, |inode, fd| owners.add(inode, pid, fd));
    }
    Ok(owners)
}
/// [`scan_all`] on `threads` scoped threads (at least one), which take the next pid from a
/// shared counter and all end before this returns. The (pid, fd, inode) triples they find
/// are then added in ascending pid and fd order, so the owners are the same as with
/// [`scan_all`].
pub(crate) fn scan_all_threaded(roots: &Roots, threads: usize) -> Result<Owners> {
    let pids = backend::pids(roots)?;
    let next = AtomicUsize::new(0);
    let work = || {
        let mut found: Vec<(i32, i32, u64)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&pid) = pids.get(i) else {
                return found;
            };
            let dir = roots.proc(format!("{pid}/fd"));
            let _ = fs::for_each_socket_fd(&dir, |inode, fd| found.push((pid, fd, inode)));
        }
    };
    let mut all: Vec<(i32, i32, u64)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.max(1)).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for h in helpers {
            // A scan thread cannot panic on data (no unwrap on what it reads); if it did,
            // its pids stay unowned rather than failing the listing.
            if let Ok(found) = h.join() {
                all.extend(found);
            }
        }
        all
    });
    all.sort_unstable();
    let mut owners = Owners::default();
    owners.map.reserve(all.len());
    for (pid, fd, inode) in all {
        owners.add(inode, pid, fd);
    }
    Ok(owners)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threaded_scan_finds_the_same_owners() {
        let roots = Roots::default();
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        use std::os::fd::AsRawFd;
        let me = std::process::id() as i32;
        for threads in [1, 2, 4] {
            let a = scan_all_threaded(&roots, threads).unwrap();
            let b = scan_all(&roots, 0).unwrap();
            let mine = |o: &Owners| {
                let mut v: Vec<_> = o
                    .map
                    .iter()
                    .filter(|(_, w)| w.pid == me)
                    .map(|(i, w)| (*i, w.clone()))
                    .collect();
                v.sort_by_key(|x| x.0);
                v
            };
            assert_eq!(mine(&a), mine(&b));
            assert!(mine(&a).iter().any(|(_, w)| w.fd == l.as_raw_fd()));
        }
    }

    #[test]
    fn the_highest_pid_owns_a_shared_socket_with_all_its_fds() {
        let mut o = Owners::default();
        o.add(7, 10, 3);
        o.add(7, 10, 5);
        o.add(8, 10, 4);
        o.add(7, 20, 9);
        o.add(7, 20, 11);
        assert_eq!(o.len(), 2);
        let seven = o.get(7).unwrap();
        assert_eq!((seven.pid, seven.fd), (20, 9));
        assert_eq!(seven.fds().collect::<Vec<_>>(), [9, 11]);
        assert_eq!(o.get(8).unwrap().fds().collect::<Vec<_>>(), [4]);
        assert!(o.get(9).is_none());
    }
}
