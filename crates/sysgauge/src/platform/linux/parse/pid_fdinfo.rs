//! `/proc/<pid>/fdinfo/<fd>`: the position and flags of one open file descriptor.
//!
//! proc(5): "`/proc/pid/fdinfo/` (since Linux 2.6.22) This is a subdirectory containing one
//! entry for each file which the process has open, named by its file descriptor. The files
//! in this directory are readable only by the owner of the process. The contents of each
//! file can be read to obtain information about the corresponding file descriptor. The
//! content depends on the type of file referred to by the corresponding file descriptor.
//! For regular files and directories, we see something like:"
//!
//! ```text
//! $ cat /proc/12015/fdinfo/4
//! pos:    1000
//! flags:  01002002
//! mnt_id: 21
//! ```
//!
//! "The fields are as follows: *pos* This is a decimal number showing the file offset.
//! *flags* This is an octal number that displays the file access mode and file status
//! flags (see open(2)). If the close-on-exec file descriptor flag is set, then flags will
//! also include the value O_CLOEXEC. [...] *mnt_id* This field, present since Linux 3.15,
//! is the ID of the mount containing this file." Newer kernels add `ino:` (the inode
//! number) and, for eventfd, epoll, signalfd, inotify, fanotify and timerfd descriptors,
//! more lines after these.
//!
//! psutil's `open_files()` takes the second field of the first line as the position and the
//! second field of the second line as the octal flags; the kernel always writes `pos:` then
//! `flags:` first, and [`fdinfo`] looks the lines up by name, which gives the same values.

use crate::error::ParseError;

/// The common lines of one `/proc/<pid>/fdinfo/<fd>` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FdInfo {
    /// `pos:` the file offset in bytes (psutil's `position`). Signed, as the kernel prints
    /// it: files opened with unsigned offsets (`/proc/<pid>/mem`, `/dev/mem`) can show a
    /// negative value.
    pub pos: i64,
    /// `flags:` the `open(2)` access mode and status flags, O_CLOEXEC included (psutil's
    /// `flags`), read from octal.
    pub flags: i32,
    /// `mnt_id:` the ID of the mount holding the file (Linux 3.15); `None` when absent.
    pub mnt_id: Option<u64>,
    /// `ino:` the file's inode number (recent kernels); `None` when absent.
    pub ino: Option<u64>,
}

/// The second field of `line` (Python `line.split()[1]`), for `line` starting with `name`.
fn value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    line.strip_prefix(name)?
        .split(|b| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c))
        .find(|f| !f.is_empty())
}

fn decimal_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', d)) => (true, d),
        Some((b'+', d)) => (false, d),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        let d = i64::from(b.checked_sub(b'0').filter(|d| *d < 10)?);
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(d)?
        } else {
            v.checked_add(d)?
        };
    }
    Some(v)
}

fn decimal_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |v, &b| {
        let d = b.checked_sub(b'0').filter(|d| *d < 10)?;
        v.checked_mul(10)?.checked_add(u64::from(d))
    })
}

fn octal_i32(s: &[u8]) -> Option<i32> {
    if s.is_empty() {
        return None;
    }
    let v = s.iter().try_fold(0u32, |v, &b| {
        let d = b.checked_sub(b'0').filter(|d| *d < 8)?;
        v.checked_mul(8)?.checked_add(u32::from(d))
    })?;
    i32::try_from(v).ok()
}

/// Parses an fdinfo file: the `pos:` (decimal), `flags:` (octal), `mnt_id:` and `ino:`
/// lines; other lines are ignored.
///
/// Errors when `pos:` or `flags:` is missing or not a number, or `flags` does not fit an
/// `i32` (the kernel's flags are below 2^31); a bad `mnt_id:` or `ino:` reads as `None`.
///
/// ```
/// use sysgauge::platform::linux::parse::pid_fdinfo;
///
/// let info = pid_fdinfo::fdinfo(b"pos:\t1000\nflags:\t01002002\nmnt_id:\t21\nino:\t42\n")?;
/// assert_eq!(info.pos, 1000);
/// assert_eq!(info.flags, 0o1002002);
/// assert_eq!(pid_fdinfo::mode(info.flags), Some("a+"));
/// # Ok::<(), sysgauge::ParseError>(())
/// ```
pub fn fdinfo(data: &[u8]) -> Result<FdInfo, ParseError> {
    let (mut pos, mut flags, mut mnt_id, mut ino) = (None, None, None, None);
    for line in data.split(|&b| b == b'\n') {
        if let Some(v) = value(line, b"pos:") {
            pos = Some(
                decimal_i64(v).ok_or_else(|| ParseError::new("fdinfo pos: is not an integer"))?,
            );
        } else if let Some(v) = value(line, b"flags:") {
            flags = Some(octal_i32(v).ok_or_else(|| {
                ParseError::new("fdinfo flags: is not an octal number below 2^31")
            })?);
        } else if let Some(v) = value(line, b"mnt_id:") {
            mnt_id = decimal_u64(v);
        } else if let Some(v) = value(line, b"ino:") {
            ino = decimal_u64(v);
        }
        if pos.is_some() && flags.is_some() && mnt_id.is_some() && ino.is_some() {
            break;
        }
    }
    Ok(FdInfo {
        pos: pos.ok_or_else(|| ParseError::new("fdinfo has no pos: line"))?,
        flags: flags.ok_or_else(|| ParseError::new("fdinfo has no flags: line"))?,
        mnt_id,
        ino,
    })
}

/// psutil's `mode` of an open file from its `flags`: `"r"` (O_RDONLY, with or without
/// O_APPEND), `"w"` (O_WRONLY), `"a"` (O_WRONLY | O_APPEND), `"r+"` (O_RDWR) or `"a+"`
/// (O_RDWR | O_APPEND). `None` for the access mode 3 (neither read nor write, as some
/// device drivers use), which psutil cannot map (it raises `KeyError`).
pub fn mode(flags: i32) -> Option<&'static str> {
    let append = flags & libc::O_APPEND != 0;
    match flags & libc::O_ACCMODE {
        libc::O_RDONLY => Some("r"),
        libc::O_WRONLY if append => Some("a"),
        libc::O_WRONLY => Some("w"),
        libc::O_RDWR if append => Some("a+"),
        libc::O_RDWR => Some("r+"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_file() {
        let i = fdinfo(b"pos:\t0\nflags:\t0100000\nmnt_id:\t24\nino:\t3\n").unwrap();
        assert_eq!(
            i,
            FdInfo {
                pos: 0,
                flags: 0o100000,
                mnt_id: Some(24),
                ino: Some(3)
            }
        );
        // Old kernels: no mnt_id, no ino.
        let i = fdinfo(b"pos:\t12\nflags:\t02\n").unwrap();
        assert_eq!((i.pos, i.flags, i.mnt_id, i.ino), (12, 2, None, None));
    }

    #[test]
    fn extra_lines_and_huge_values() {
        let i = fdinfo(
            b"pos:\t9223372036854775807\nflags:\t017777777777\nmnt_id:\t18446744073709551615\n\
eventfd-count:                0\neventfd-id: 1\n",
        )
        .unwrap();
        assert_eq!(i.pos, i64::MAX);
        assert_eq!(i.flags, i32::MAX);
        assert_eq!(i.mnt_id, Some(u64::MAX));
        let i = fdinfo(b"pos:\t-9223372036854775808\nflags:\t0\nmnt_id: x\n").unwrap();
        assert_eq!(i.pos, i64::MIN);
        assert_eq!(i.mnt_id, None);
    }

    #[test]
    fn malformed() {
        assert!(fdinfo(b"").is_err());
        assert!(fdinfo(b"pos:\t1\n").is_err());
        assert!(fdinfo(b"flags:\t1\n").is_err());
        assert!(fdinfo(b"pos:\t1\nflags:\t8\n").is_err());
        assert!(fdinfo(b"pos:\t1\nflags:\t020000000000\n").is_err());
        assert!(fdinfo(b"pos:\t1\nflags:\n").is_err());
        assert!(fdinfo(b"pos:\t9223372036854775808\nflags:\t0\n").is_err());
        assert!(fdinfo(b"pos:\t-\nflags:\t0\n").is_err());
        assert!(fdinfo(b"pos:\t1\xff\nflags:\t0\n").is_err());
        // A file cut after "pos:".
        assert!(fdinfo(b"pos:").is_err());
    }

    #[test]
    fn modes_as_psutil() {
        let (ro, wo, rw, app) = (libc::O_RDONLY, libc::O_WRONLY, libc::O_RDWR, libc::O_APPEND);
        assert_eq!(mode(ro), Some("r"));
        assert_eq!(mode(ro | app), Some("r"));
        assert_eq!(mode(wo), Some("w"));
        assert_eq!(mode(wo | app), Some("a"));
        assert_eq!(mode(rw), Some("r+"));
        assert_eq!(mode(rw | app), Some("a+"));
        assert_eq!(mode(rw | app | libc::O_CLOEXEC | libc::O_CREAT), Some("a+"));
        assert_eq!(mode(3), None);
        assert_eq!(mode(-1), None);
    }
}
