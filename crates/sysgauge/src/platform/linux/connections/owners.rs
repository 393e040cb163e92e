//! Which process owns each socket: the inode of every `socket:[<inode>]` link under
//! `<procfs>/<pid>/fd`, with psutil's rules for sockets shared by several descriptors.

use std::collections::HashMap;

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

/// Socket inode → owner.
#[derive(Debug, Default)]
pub(crate) struct Owners {
    map: HashMap<u64, Owner>,
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
/// psutil and `ss -p`).
pub(crate) fn scan_all(roots: &Roots) -> Result<Owners> {
    let mut owners = Owners::default();
    for pid in backend::pids(roots)? {
        let dir = roots.proc(format!("{pid}/fd"));
        // Errors: gone (ENOENT/ESRCH), refused (EACCES/EPERM), or anything else about one
        // process: none of them stops the listing.
        let _ = fs::for_each_socket_fd(&dir, |inode, fd| owners.add(inode, pid, fd));
    }
    Ok(owners)
}
#[cfg(test)]
mod tests {
    use super::*;

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
