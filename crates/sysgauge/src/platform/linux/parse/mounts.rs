//! `/proc/self/mounts` (and `/etc/mtab`): the mounted filesystems.
//!
//! proc(5): "`/proc/pid/mounts` ... This is a list of all the filesystems currently mounted
//! in the process's mount namespace. The format of this file is documented in fstab(5)."
//! One mount a line: `device mountpoint fstype options freq passno`, fields separated by
//! spaces or tabs, e.g.
//!
//! ```text
//! /dev/sda1 /mnt/my\040disk ext4 rw,relatime 0 0
//! ```
//!
//! getmntent(3): "Since fields in the mtab and fstab files are separated by whitespace,
//! octal escapes are used to represent the characters space (`\040`), tab (`\011`),
//! newline (`\012`), and backslash (`\\`) in those fields." The kernel writes a backslash
//! as `\134`.
//!
//! psutil reads the file with glibc's `getmntent()`; [`mounts`] reads it the same way:
//! lines end at `\n` (a NUL byte ends a line's text, as in C); blank lines and lines whose
//! first non-blank byte is `#` are skipped; fields are split at runs of spaces and tabs and
//! a missing field is empty; `\040`, `\011`, `\012`, `\134` and `\\` are decoded in all
//! four fields and any other backslash is kept as it is. Unlike `getmntent()`, whose buffer
//! is 4096 bytes, a line is never cut short.

/// One line of the mounts file, fields decoded to raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountEntry {
    /// The mounted device or source (`/dev/sda1`, `tmpfs`, `none`).
    pub device: Vec<u8>,
    /// Where it is mounted.
    pub mountpoint: Vec<u8>,
    /// The filesystem type (`ext4`).
    pub fstype: Vec<u8>,
    /// The comma-separated mount options (`rw,relatime`).
    pub opts: Vec<u8>,
}

/// Decodes getmntent's escapes in one field: `\040` space, `\011` tab, `\012` newline,
/// `\134` and `\\` backslash; every other byte, other backslashes included, is kept.
pub fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while let Some(&b) = field.get(i) {
        if b == b'\\' {
            let next3 = field.get(i + 1..i + 4);
            let decoded = match next3 {
                Some(b"040") => Some((b' ', 4)),
                Some(b"011") => Some((b'\t', 4)),
                Some(b"012") => Some((b'\n', 4)),
                Some(b"134") => Some((b'\\', 4)),
                _ if field.get(i + 1) == Some(&b'\\') => Some((b'\\', 2)),
                _ => None,
            };
            if let Some((c, len)) = decoded {
                out.push(c);
                i += len;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Every mount listed in a mounts file, in file order (see the module docs for how lines
/// are split and decoded). Never fails: a short line gives empty fields.
pub fn mounts(data: &[u8]) -> Vec<MountEntry> {
    let mut out = Vec::new();
    for line in data.split(|&b| b == b'\n') {
        // C string: the text ends at the first NUL.
        let line = match line.iter().position(|&b| b == 0) {
            Some(nul) => line.get(..nul).unwrap_or_default(),
            None => line,
        };
        let start = line
            .iter()
            .position(|&b| !is_blank(b))
            .unwrap_or(line.len());
        let line = line.get(start..).unwrap_or_default();
        if line.first().is_none_or(|&b| b == b'#') {
            continue;
        }
        let mut fields = line.split(|&b| is_blank(b)).filter(|f| !f.is_empty());
        let mut next = || fields.next().map(unescape).unwrap_or_default();
        let device = next();
        let mountpoint = next();
        let fstype = next();
        let opts = next();
        out.push(MountEntry {
            device,
            mountpoint,
            fstype,
            opts,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(d: &[u8], m: &[u8], t: &[u8], o: &[u8]) -> MountEntry {
        MountEntry {
            device: d.to_vec(),
            mountpoint: m.to_vec(),
            fstype: t.to_vec(),
            opts: o.to_vec(),
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            unescape(br"/mnt/a\040b\011c\012d\134e"),
            b"/mnt/a b\tc\nd\\e"
        );
        assert_eq!(unescape(br"a\\b"), b"a\\b");
        assert_eq!(unescape(br"a\101b\04"), br"a\101b\04");
        assert_eq!(unescape(br"\\\040"), b"\\ ");
        assert_eq!(unescape(b"\\"), b"\\");
        assert_eq!(unescape(b""), b"");
    }

    #[test]
    fn lines_and_fields() {
        let data = b"/dev/sda1 / ext4 rw,relatime 0 0\n\
            \n   \t\n# comment\n  #x y z w\n\
            \t/dev/sdb1\t\t/mnt/my\\040disk  vfat ro 0 0 \t\n\
            tmpfs /run\n\
            none /a\0b tmpfs rw 0 0\n\
            last /l xfs rw";
        let v = mounts(data);
        assert_eq!(
            v,
            vec![
                e(b"/dev/sda1", b"/", b"ext4", b"rw,relatime"),
                e(b"/dev/sdb1", b"/mnt/my disk", b"vfat", b"ro"),
                e(b"tmpfs", b"/run", b"", b""),
                e(b"none", b"/a", b"", b""),
                e(b"last", b"/l", b"xfs", b"rw"),
            ]
        );
        assert!(mounts(b"").is_empty());
    }
}
