//! uid → user name and gid → group name through the C library's `getpwuid_r(3)` and
//! `getgrgid_r(3)`, so every NSS source configured in `/etc/nsswitch.conf` (files, LDAP,
//! systemd's dynamic users...) is consulted, exactly as Python's `pwd.getpwuid` (which
//! psutil's `Process.username()` uses) and `grp.getgrgid`.
//!
//! A lookup that finds nothing is `Ok(None)`, so the caller can show the number instead, as
//! psutil does. Names are returned as raw bytes ([`OsString`]): NSS does not promise UTF-8.
//!
//! One lookup costs several microseconds with the `files` backend (glibc opens and scans
//! `/etc/passwd` each time; see the timing test below), so process sweeps should go through
//! the explicit caches [`UserNames`] and [`GroupNames`].
// The callers (the lead's `Process`) are being written at the same time as this module.
#![allow(dead_code)]

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::ffi::{CStr, OsStr, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::error::{Error, Result};

/// The first buffer size tried for the strings of one entry; grown on `ERANGE`.
const INITIAL_BUF: usize = 1024;
/// The largest buffer tried (an entry with a huge group member list can need a lot).
const MAX_BUF: usize = 1 << 24;

/// What the `*_r` functions answer other than "found": errno values that the man page lists
/// as "not found" variants (`ENOENT`, `ESRCH`, `EBADF`, `EPERM`) become `Ok(None)`; anything
/// else (`EIO`, `EMFILE`, `ENFILE`, `ENOMEM`...) is an [`Error::Io`] naming the call. (Python
/// turns every failure into `KeyError`, so psutil shows the number in all cases; a caller
/// wanting that can map the error to `None` itself.)
fn lookup_error(rc: libc::c_int, call: &str, id: u32) -> Result<Option<OsString>> {
    match rc {
        libc::ENOENT | libc::ESRCH | libc::EBADF | libc::EPERM => Ok(None),
        _ => Err(Error::Io {
            path: PathBuf::from(format!("{call}({id})")),
            source: io::Error::from_raw_os_error(rc),
        }),
    }
}

/// The C library's `getpwuid_r`/`getgrgid_r` shape: fill `entry` using `buf`, set `result`.
/// Both entry types start with the name pointer (`pw_name`, `gr_name`).
macro_rules! lookup {
    ($func:path, $entry:ty, $name:ident, $id:expr, $call:expr) => {{
        let id = $id;
        let mut size = INITIAL_BUF;
        loop {
            let mut buf: Vec<libc::c_char> = vec![0; size];
            // SAFETY: an all-zero passwd/group struct is a valid value (null pointers and
            // zero ids); it is only read after the C library filled it.
            let mut entry: $entry = unsafe { std::mem::zeroed() };
            let mut result: *mut $entry = std::ptr::null_mut();
            // SAFETY: `entry`, `buf` (of `buf.len()` bytes) and `result` are valid, writable
            // and live for the whole call; the C library stores the entry's strings in `buf`
            // and points `result` at `entry` on success, NULL otherwise.
            let rc = unsafe { $func(id, &mut entry, buf.as_mut_ptr(), buf.len(), &mut result) };
            if rc == libc::ERANGE && size < MAX_BUF {
                size = size.saturating_mul(4).min(MAX_BUF);
                continue;
            }
            if rc != 0 {
                break lookup_error(rc, $call, id);
            }
            if result.is_null() || entry.$name.is_null() {
                break Ok(None);
            }
            // SAFETY: on success `entry.$name` points to a NUL-terminated string inside
            // `buf`, which is still alive here; the bytes are copied before `buf` is freed.
            let name = unsafe { CStr::from_ptr(entry.$name) };
            break Ok(Some(OsStr::from_bytes(name.to_bytes()).to_os_string()));
        }
    }};
}

/// The user name of `uid` (`pw_name` of `getpwuid_r(3)`), `Ok(None)` when no user has
/// that uid (psutil's `username()` then returns `str(uid)`).
///
/// Costs one NSS lookup (microseconds); use [`UserNames`] for many processes.
pub(crate) fn user_name(uid: u32) -> Result<Option<OsString>> {
    lookup!(libc::getpwuid_r, libc::passwd, pw_name, uid, "getpwuid_r")
}

/// The group name of `gid` (`gr_name` of `getgrgid_r(3)`), `Ok(None)` when no group has
/// that gid.
pub(crate) fn group_name(gid: u32) -> Result<Option<OsString>> {
    lookup!(libc::getgrgid_r, libc::group, gr_name, gid, "getgrgid_r")
}

/// A uid → user name cache filled on demand: each uid is looked up once through
/// [`user_name`] (found and not-found answers are both kept; errors are not). Owned by the
/// caller, e.g. for one sweep over all processes; it never refreshes itself, so a user
/// renamed while it lives keeps the old name until it is dropped or [`clear`]ed.
///
/// [`clear`]: UserNames::clear
#[derive(Debug, Default, Clone)]
pub(crate) struct UserNames {
    map: HashMap<u32, Option<OsString>>,
}

impl UserNames {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The user name of `uid`, looked up on first use; `None` when no user has that uid.
    pub(crate) fn get(&mut self, uid: u32) -> Result<Option<&OsStr>> {
        let name = match self.map.entry(uid) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => v.insert(user_name(uid)?),
        };
        Ok(name.as_deref())
    }

    /// Forgets every cached answer.
    pub(crate) fn clear(&mut self) {
        self.map.clear();
    }
}

/// A gid → group name cache, like [`UserNames`] for [`group_name`].
#[derive(Debug, Default, Clone)]
pub(crate) struct GroupNames {
    map: HashMap<u32, Option<OsString>>,
}

impl GroupNames {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The group name of `gid`, looked up on first use; `None` when no group has that gid.
    pub(crate) fn get(&mut self, gid: u32) -> Result<Option<&OsStr>> {
        let name = match self.map.entry(gid) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => v.insert(group_name(gid)?),
        };
        Ok(name.as_deref())
    }

    /// Forgets every cached answer.
    pub(crate) fn clear(&mut self) {
        self.map.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{psutil_script, run};
    use std::time::Instant;

    /// Python's `pwd`/`grp` answer for `id` (psutil's own source of user names).
    fn python_names(id: u32) -> (Option<String>, Option<String>) {
        let v = psutil_script(&format!(
            "import pwd, grp\n\
             def u(i):\n    try:\n        return pwd.getpwuid(i).pw_name\n    except KeyError:\n        return None\n\
             def g(i):\n    try:\n        return grp.getgrgid(i).gr_name\n    except KeyError:\n        return None\n\
             print(json.dumps([u({id}), g({id})]))"
        ));
        let s = |x: &serde_json::Value| x.as_str().map(str::to_string);
        (s(&v[0]), s(&v[1]))
    }

    fn lossy(o: Option<OsString>) -> Option<String> {
        o.map(|n| n.to_string_lossy().into_owned())
    }

    #[test]
    fn names_match_python_pwd_and_grp() {
        assert_eq!(lossy(user_name(0).unwrap()).as_deref(), Some("root"));
        assert_eq!(lossy(group_name(0).unwrap()).as_deref(), Some("root"));
        for id in [0, 1, 65534, 54321, 4_000_000_000, u32::MAX] {
            let (u, g) = python_names(id);
            assert_eq!(lossy(user_name(id).unwrap()), u, "uid {id}");
            assert_eq!(lossy(group_name(id).unwrap()), g, "gid {id}");
        }
        assert_eq!(user_name(54321).unwrap(), None);
        assert_eq!(group_name(54321).unwrap(), None);
    }

    /// Every entry of `getent passwd` / `getent group` (an independent NSS client) resolves
    /// to the same name (the first entry wins when an id appears twice, as in the C library).
    #[test]
    fn names_match_getent() {
        for (db, f) in [
            ("passwd", user_name as fn(u32) -> Result<Option<OsString>>),
            ("group", group_name),
        ] {
            let out = run("getent", &[db]);
            let mut seen = std::collections::HashSet::new();
            for line in out.lines() {
                let mut it = line.split(':');
                let name = it.next().unwrap();
                let id: u32 = it.nth(1).unwrap().parse().unwrap();
                if seen.insert(id) {
                    assert_eq!(lossy(f(id).unwrap()).as_deref(), Some(name), "{db} {id}");
                }
            }
            assert!(!seen.is_empty());
        }
    }

    #[test]
    fn caches_answer_like_the_functions() {
        let mut users = UserNames::new();
        let mut groups = GroupNames::new();
        for _ in 0..3 {
            assert_eq!(users.get(0).unwrap(), Some(OsStr::new("root")));
            assert_eq!(users.get(54321).unwrap(), None);
            assert_eq!(
                users.get(65534).unwrap().map(OsStr::to_os_string),
                user_name(65534).unwrap()
            );
            assert_eq!(groups.get(0).unwrap(), Some(OsStr::new("root")));
            assert_eq!(groups.get(54321).unwrap(), None);
        }
        assert_eq!(users.map.len(), 3);
        users.clear();
        assert!(users.map.is_empty());
    }

    /// Prints the cost of one lookup (run with `--nocapture` to see it); the reason the
    /// caches exist. Not asserted: timing depends on the machine and its NSS setup.
    #[test]
    fn timing() {
        const N: u32 = 2000;
        let t = Instant::now();
        for i in 0..N {
            let _ = user_name(i % 3).unwrap();
        }
        let direct = t.elapsed() / N;
        let mut cache = UserNames::new();
        let t = Instant::now();
        for i in 0..N {
            let _ = cache.get(i % 3).unwrap();
        }
        let cached = t.elapsed() / N;
        println!("user_name: {direct:?} per call; UserNames::get: {cached:?} per call");
    }
}
