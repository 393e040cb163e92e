//! `/proc/<pid>/maps`: the process's memory mappings, one a line.
//!
//! proc(5): "A file containing the currently mapped memory regions and their access
//! permissions." The format is
//!
//! ```text
//! address           perms offset  dev   inode       pathname
//! 00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon
//! 00e03000-00e24000 rw-p 00000000 00:00 0           [heap]
//! 35b1800000-35b1820000 r-xp 00000000 08:02 135522  /usr/lib64/ld-2.15.so
//! 7fffb2c0d000-7fffb2c2e000 rw-p 00000000 00:00 0   [stack]
//! 7fffb2d48000-7fffb2d49000 r-xp 00000000 00:00 0   [vdso]
//! ```
//!
//! "The address field is the address space in the process that the mapping occupies. The
//! perms field is a set of permissions: r = read, w = write, x = execute, s = shared,
//! p = private (copy on write). The offset field is the offset into the file/whatever; dev
//! is the device (major:minor); inode is the inode on that device. 0 indicates that no inode
//! is associated with the memory region, as would be the case with BSS (uninitialized
//! data). The pathname field will usually be the file that is backing the mapping. [...]
//! There are additional helpful pseudo-paths: `[stack]`, `[vdso]`, `[heap]`,
//! `[anon:<name>]`, `[anon_shmem:<name>]`. If the pathname field is blank, this is an
//! anonymous mapping as obtained via mmap(2)."
//!
//! "pathname is shown unescaped except for newline characters, which are replaced with an
//! octal escape sequence. As a result, it is not possible to determine whether the original
//! pathname contained a newline character or the literal \012 character sequence." "If the
//! mapping is file-backed and the file has been deleted, the string " (deleted)" is
//! appended to the pathname. Note that this is ambiguous too." The pathname is returned as
//! printed, escapes and suffix included, as psutil returns it.
//!
//! The same header line starts every record of `/proc/<pid>/smaps` (see
//! [`super::pid_smaps`]), so [`MapsLine::parse`] is shared by both files.
//!
//! Fields are split the way psutil splits a smaps header, `line.split(None, 5)` on bytes:
//! the first five fields at runs of ASCII whitespace (space, `\t`, `\n`, `\r`, `\x0b`,
//! `\x0c`), and the sixth, the pathname, is the rest of the line after the whitespace that
//! follows the inode (so inner and trailing spaces are kept).

use std::borrow::Cow;

use crate::error::ParseError;

/// The suffix the kernel appends to the pathname of a mapped file that was unlinked.
pub const DELETED_SUFFIX: &[u8] = b" (deleted)";

/// What psutil reports as the path of a mapping whose pathname is blank.
pub const ANON_PATH: &[u8] = b"[anon]";

/// The whitespace of Python's `bytes.split()`.
#[inline]
pub(crate) fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// One line of `/proc/<pid>/maps` (or the header line of a `/proc/<pid>/smaps` record),
/// as slices of the input: no field is decoded until asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapsLine<'a> {
    /// The address range as printed, `start-end` in hex (`"7f3a1c000000-7f3a1c021000"`):
    /// psutil's `addr`.
    pub addr: &'a [u8],
    /// The permissions as printed (`"r-xp"`): psutil's `perms`.
    pub perms: &'a [u8],
    /// The offset into the file, hex, as printed.
    pub offset: &'a [u8],
    /// The device as printed, `major:minor` in hex (`"fd:01"`).
    pub dev: &'a [u8],
    /// The inode number, decimal, as printed.
    pub inode: &'a [u8],
    /// The pathname as printed, without the whitespace before it and with any trailing
    /// whitespace kept; empty for an anonymous mapping. Raw bytes: a newline in a file name
    /// appears as `\012`, a deleted file ends with `" (deleted)"`.
    pub pathname: &'a [u8],
}

/// The next field of `s` and what follows it, Python `split()`-style.
#[inline]
pub(crate) fn next_field(s: &[u8]) -> (&[u8], &[u8]) {
    let start = s
        .iter()
        .position(|&b| !is_ascii_space(b))
        .unwrap_or(s.len());
    let s = s.get(start..).unwrap_or_default();
    let end = s.iter().position(|&b| is_ascii_space(b)).unwrap_or(s.len());
    (
        s.get(..end).unwrap_or_default(),
        s.get(end..).unwrap_or_default(),
    )
}

fn hex(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | u64::from(d);
    }
    Some(v)
}

fn split_pair(s: &[u8], sep: u8) -> Option<(&[u8], &[u8])> {
    let i = s.iter().position(|&b| b == sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

impl<'a> MapsLine<'a> {
    /// Splits one line (without its `\n`) into its six fields.
    ///
    /// Errors when the line has fewer than five fields (psutil fails the same way on such
    /// a smaps header); the fields themselves are not checked (see the accessors).
    pub fn parse(line: &'a [u8]) -> Result<Self, ParseError> {
        let (addr, rest) = next_field(line);
        let (perms, rest) = next_field(rest);
        let (offset, rest) = next_field(rest);
        let (dev, rest) = next_field(rest);
        let (inode, rest) = next_field(rest);
        if inode.is_empty() {
            return Err(ParseError::new(format!(
                "mapping header has fewer than 5 fields: {:?}",
                String::from_utf8_lossy(line)
            )));
        }
        let start = rest
            .iter()
            .position(|&b| !is_ascii_space(b))
            .unwrap_or(rest.len());
        Ok(MapsLine {
            addr,
            perms,
            offset,
            dev,
            inode,
            pathname: rest.get(start..).unwrap_or_default(),
        })
    }

    /// The first address of the mapping; `None` when `addr` is not `hex-hex`.
    pub fn start(&self) -> Option<u64> {
        split_pair(self.addr, b'-').and_then(|(s, _)| hex(s))
    }

    /// The address just past the mapping's end; `None` when `addr` is not `hex-hex`.
    pub fn end(&self) -> Option<u64> {
        split_pair(self.addr, b'-').and_then(|(_, e)| hex(e))
    }

    /// The mapping's size in bytes (`end - start`); `None` when the address range is not
    /// valid.
    pub fn size(&self) -> Option<u64> {
        self.end()?.checked_sub(self.start()?)
    }

    /// The offset into the file, in bytes; `None` when not hex.
    pub fn offset_bytes(&self) -> Option<u64> {
        hex(self.offset)
    }

    /// The device as (major, minor); `None` when not `hex:hex`.
    pub fn dev_numbers(&self) -> Option<(u32, u32)> {
        let (ma, mi) = split_pair(self.dev, b':')?;
        let ma = u32::try_from(hex(ma)?).ok()?;
        let mi = u32::try_from(hex(mi)?).ok()?;
        Some((ma, mi))
    }

    /// The inode number; `None` when not decimal.
    pub fn inode_number(&self) -> Option<u64> {
        if self.inode.is_empty() {
            return None;
        }
        self.inode.iter().try_fold(0u64, |v, &b| {
            let d = b.checked_sub(b'0').filter(|d| *d < 10)?;
            v.checked_mul(10)?.checked_add(u64::from(d))
        })
    }

    /// True when the pathname ends with `" (deleted)"` (once trailing whitespace is
    /// stripped as psutil strips it).
    pub fn is_deleted(&self) -> bool {
        psutil_path(self.pathname).ends_with(DELETED_SUFFIX)
    }
}

/// The UTF-8 encodings of the non-ASCII characters Python's `str.isspace()` is true for.
const UNICODE_SPACES: [&[u8]; 19] = [
    "\u{85}".as_bytes(),
    "\u{a0}".as_bytes(),
    "\u{1680}".as_bytes(),
    "\u{2000}".as_bytes(),
    "\u{2001}".as_bytes(),
    "\u{2002}".as_bytes(),
    "\u{2003}".as_bytes(),
    "\u{2004}".as_bytes(),
    "\u{2005}".as_bytes(),
    "\u{2006}".as_bytes(),
    "\u{2007}".as_bytes(),
    "\u{2008}".as_bytes(),
    "\u{2009}".as_bytes(),
    "\u{200a}".as_bytes(),
    "\u{2028}".as_bytes(),
    "\u{2029}".as_bytes(),
    "\u{202f}".as_bytes(),
    "\u{205f}".as_bytes(),
    "\u{3000}".as_bytes(),
];

/// Python `str` whitespace at the start of `s`: its length in bytes, or 0.
fn leading_py_space(s: &[u8]) -> usize {
    match s.first() {
        Some(&b) if is_ascii_space(b) || (0x1c..=0x1f).contains(&b) => 1,
        Some(&b) if b >= 0x80 => UNICODE_SPACES
            .iter()
            .find(|u| s.starts_with(u))
            .map_or(0, |u| u.len()),
        _ => 0,
    }
}

/// Python `str` whitespace at the end of `s`: its length in bytes, or 0.
fn trailing_py_space(s: &[u8]) -> usize {
    match s.last() {
        Some(&b) if is_ascii_space(b) || (0x1c..=0x1f).contains(&b) => 1,
        // A UTF-8 sequence ending the buffer always decodes as itself (its lead byte cannot
        // be a continuation of an earlier character).
        Some(&b) if b >= 0x80 => UNICODE_SPACES
            .iter()
            .find(|u| s.ends_with(u))
            .map_or(0, |u| u.len()),
        _ => 0,
    }
}

/// `pathname` as psutil's `memory_maps()` reports it, before its `" (deleted)"` check:
/// [`ANON_PATH`] (`"[anon]"`) when the pathname is blank, otherwise the pathname with
/// leading and trailing whitespace stripped as Python's `str.strip()` strips the name
/// decoded from UTF-8 (ASCII whitespace, `\x1c`..`\x1f` and Unicode spaces such as
/// U+00A0). Borrowed unless it is `"[anon]"`.
///
/// psutil then drops a `" (deleted)"` suffix when no file exists at the whole path
/// (suffix included); that needs a `stat`, so it is left to the caller: see
/// [`strip_deleted`].
pub fn psutil_path(pathname: &[u8]) -> Cow<'_, [u8]> {
    if pathname.is_empty() {
        return Cow::Borrowed(ANON_PATH);
    }
    let mut s = pathname;
    loop {
        let n = leading_py_space(s);
        if n == 0 {
            break;
        }
        s = s.get(n..).unwrap_or_default();
    }
    loop {
        let n = trailing_py_space(s);
        if n == 0 {
            break;
        }
        s = s.get(..s.len().saturating_sub(n)).unwrap_or_default();
    }
    Cow::Borrowed(s)
}

/// `path` without its `" (deleted)"` suffix, or `None` when it has none. psutil reports
/// the shortened path only when nothing exists at `path` itself (a file may really be
/// named `"x (deleted)"`); the caller makes that check.
pub fn strip_deleted(path: &[u8]) -> Option<&[u8]> {
    path.strip_suffix(DELETED_SUFFIX)
}

/// The lines of a `/proc/<pid>/maps` file, in order: one [`MapsLine`] per non-blank line
/// (lines end at `\n`; blank or all-whitespace lines are skipped), or an error for a line
/// with fewer than five fields (a truncated line, say); the iterator goes on after an
/// error.
///
/// ```
/// use sysgauge::platform::linux::parse::pid_maps;
///
/// let data = b"00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/my prog\n\
///              7fffb2c0d000-7fffb2c2e000 rw-p 00000000 00:00 0                  [stack]\n";
/// let lines: Vec<_> = pid_maps::maps(data).collect::<Result<_, _>>().unwrap();
/// assert_eq!(lines[0].pathname, b"/usr/bin/my prog");
/// assert_eq!(lines[0].size(), Some(0x52000));
/// assert_eq!(lines[1].perms, b"rw-p");
/// # Ok::<(), sysgauge::ParseError>(())
/// ```
pub fn maps(data: &[u8]) -> Maps<'_> {
    Maps { rest: data }
}

/// The iterator of [`maps`].
#[derive(Debug, Clone)]
pub struct Maps<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Maps<'a> {
    type Item = Result<MapsLine<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let (line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
                Some(i) => (
                    self.rest.get(..i).unwrap_or_default(),
                    self.rest.get(i + 1..).unwrap_or_default(),
                ),
                None => (self.rest, &[][..]),
            };
            self.rest = rest;
            if line.iter().all(|&b| is_ascii_space(b)) {
                continue;
            }
            return Some(MapsLine::parse(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_accessors() {
        let l = MapsLine::parse(
            b"7f3a1c000000-7f3a1c021000 r-xp 0001a000 fd:01 1234567                    /usr/lib/x86_64-linux-gnu/libc.so.6",
        )
        .unwrap();
        assert_eq!(l.addr, b"7f3a1c000000-7f3a1c021000");
        assert_eq!(l.start(), Some(0x7f3a_1c00_0000));
        assert_eq!(l.end(), Some(0x7f3a_1c02_1000));
        assert_eq!(l.size(), Some(0x21000));
        assert_eq!(l.perms, b"r-xp");
        assert_eq!(l.offset_bytes(), Some(0x1a000));
        assert_eq!(l.dev_numbers(), Some((0xfd, 1)));
        assert_eq!(l.inode_number(), Some(1_234_567));
        assert_eq!(l.pathname, b"/usr/lib/x86_64-linux-gnu/libc.so.6");
        assert!(!l.is_deleted());
    }

    #[test]
    fn anonymous_pseudo_and_odd_paths() {
        // The kernel leaves a space after the inode of an anonymous mapping.
        let l = MapsLine::parse(b"7f00-7f01 rw-p 00000000 00:00 0 ").unwrap();
        assert_eq!(l.pathname, b"");
        assert_eq!(psutil_path(l.pathname), &b"[anon]"[..]);
        let l = MapsLine::parse(b"7f00-7f01 rw-p 00000000 00:00 0").unwrap();
        assert_eq!(l.pathname, b"");
        for p in [
            &b"[heap]"[..],
            b"[stack]",
            b"[vdso]",
            b"[vvar]",
            b"[anon:my name]",
        ] {
            let mut line = b"7f00-7f01 rw-p 00000000 00:00 0      ".to_vec();
            line.extend_from_slice(p);
            let l = MapsLine::parse(&line).unwrap();
            assert_eq!(l.pathname, p);
            assert_eq!(psutil_path(l.pathname), p);
        }
        let l = MapsLine::parse(b"7f00-7f01 r--s 00000000 00:01 7   /tmp/a  b\\012c (deleted)  ")
            .unwrap();
        assert_eq!(l.pathname, b"/tmp/a  b\\012c (deleted)  ");
        assert_eq!(psutil_path(l.pathname), &b"/tmp/a  b\\012c (deleted)"[..]);
        assert!(l.is_deleted());
        assert_eq!(
            strip_deleted(&psutil_path(l.pathname)),
            Some(&b"/tmp/a  b\\012c"[..])
        );
        assert_eq!(strip_deleted(b"/x"), None);
        // Tabs separate fields too; invalid UTF-8 is kept.
        let l = MapsLine::parse(b"\t7f00-7f01\tr--p 0 0:0 1\t\t/\xff\xfe").unwrap();
        assert_eq!(l.addr, b"7f00-7f01");
        assert_eq!(l.pathname, b"/\xff\xfe");
    }

    #[test]
    fn python_strip_of_the_path() {
        assert_eq!(psutil_path(b"/a\x1c"), &b"/a"[..]);
        assert_eq!(psutil_path("/a\u{a0}\u{3000} ".as_bytes()), &b"/a"[..]);
        assert_eq!(psutil_path("\u{2028}/a".as_bytes()), &b"/a"[..]);
        // A lone 0xa0 byte is not valid UTF-8: psutil decodes it as a surrogate escape.
        assert_eq!(psutil_path(b"/a\xa0"), &b"/a\xa0"[..]);
        assert_eq!(psutil_path(b"\x1f"), &b""[..]);
    }

    #[test]
    fn bad_fields_give_none() {
        let l = MapsLine::parse(b"zz-7f01 rw-p xyz 0:zz -1").unwrap();
        assert_eq!(l.start(), None);
        assert_eq!(l.end(), Some(0x7f01));
        assert_eq!(l.size(), None);
        assert_eq!(l.offset_bytes(), None);
        assert_eq!(l.dev_numbers(), None);
        assert_eq!(l.inode_number(), None);
        let l =
            MapsLine::parse(b"7f01-7f00 rw-p 11111111111111111 100000000:0 99999999999999999999")
                .unwrap();
        assert_eq!(l.size(), None);
        assert_eq!(l.offset_bytes(), None);
        assert_eq!(l.dev_numbers(), None);
        assert_eq!(l.inode_number(), None);
        let l =
            MapsLine::parse(b"ffffffffffffffff-ffffffffffffffff --xp 0 0:0 18446744073709551615")
                .unwrap();
        assert_eq!(l.start(), Some(u64::MAX));
        assert_eq!(l.size(), Some(0));
        assert_eq!(l.inode_number(), Some(u64::MAX));
    }

    #[test]
    fn short_lines_are_errors() {
        assert!(MapsLine::parse(b"").is_err());
        assert!(MapsLine::parse(b"7f00-7f01 rw-p 00000000 00:00").is_err());
        let v: Vec<_> =
            maps(b"7f00-7f01 rw-p 0 00:00 0\n\n  \n7f01-7f02 r\n7f02-7f03 r--p 0 0:0 0 /x")
                .collect();
        assert_eq!(v.len(), 3);
        assert!(v[0].is_ok());
        assert!(v[1].is_err());
        assert_eq!(v[2].as_ref().unwrap().pathname, b"/x");
        assert_eq!(maps(b"").count(), 0);
        assert_eq!(maps(b"\n\n").count(), 0);
    }
}
