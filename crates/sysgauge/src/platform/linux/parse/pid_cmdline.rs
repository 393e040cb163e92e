//! `/proc/<pid>/cmdline` and `/proc/<pid>/environ`: a process's arguments and initial
//! environment.
//!
//! proc(5) on `cmdline`: "This read-only file holds the complete command line for the
//! process, unless the process is a zombie. In the latter case, there is nothing in this
//! file: that is, a read on this file will return 0 characters. The command-line arguments
//! appear in this file as a set of strings separated by null bytes ('\0'), with a further
//! null byte after the last string." A process may overwrite its argument area
//! (`setproctitle()`), and then the file holds whatever it wrote there, often one string
//! with spaces between the words and no null byte at the end.
//!
//! proc(5) on `environ`: "This file contains the initial environment that was set when the
//! currently executing program was started via execve(2). The entries are separated by
//! null bytes ('\0'), and there may be a null byte at the end."
//!
//! Both keep the kernel's raw bytes ([`OsString`]s); psutil decodes them with the
//! filesystem encoding and `surrogateescape`, which round-trips the same bytes.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use super::pid_stat::find_byte;

/// Splits `/proc/<pid>/cmdline` into arguments as psutil's `cmdline()` does:
///
/// - an empty file (kernel threads, zombies) gives no arguments;
/// - a file ending in a null byte is split at null bytes, that last one dropped; if that
///   leaves one argument containing spaces (a process that rewrote its title with spaces
///   and a final null), it is split at spaces instead;
/// - a file not ending in a null byte (a rewritten title) is split at spaces, one
///   trailing space dropped;
/// - empty arguments are kept (`a\0\0b\0` gives `a`, ``, `b`).
///
/// ```
/// use sysgauge::platform::linux::parse::pid_cmdline::cmdline;
/// assert_eq!(cmdline(b"sleep\x0060\x00"), ["sleep", "60"]);
/// assert_eq!(cmdline(b"nginx: worker process"), ["nginx:", "worker", "process"]);
/// assert!(cmdline(b"").is_empty());
/// ```
pub fn cmdline(data: &[u8]) -> Vec<OsString> {
    if data.is_empty() {
        return Vec::new();
    }
    let sep = if data.last() == Some(&0) { 0 } else { b' ' };
    let body = data.strip_suffix(&[sep]).unwrap_or(data);
    let sep = if sep == 0 && !body.contains(&0) && body.contains(&b' ') {
        b' '
    } else {
        sep
    };
    body.split(|&b| b == sep)
        .map(|arg| OsString::from_vec(arg.to_vec()))
        .collect()
}

/// Parses `/proc/<pid>/environ` into `(name, value)` pairs as psutil's
/// `parse_environ_block()` does:
///
/// - entries end at a null byte; parsing stops at an empty entry (two null bytes in a
///   row, or one at the start) and at a last entry without its terminating null byte,
///   which is dropped;
/// - the first `=` splits the name from the value (the value may contain `=`); entries
///   without `=` or with an empty name are skipped;
/// - when a name appears more than once, the last value wins and keeps the place of the
///   first occurrence (as a Python `dict` does).
///
/// ```
/// use std::ffi::OsString;
/// use sysgauge::platform::linux::parse::pid_cmdline::environ;
/// let env = environ(b"HOME=/root\x00A=1=2\x00junk\x00HOME=/tmp\x00");
/// let want = [("HOME", "/tmp"), ("A", "1=2")].map(|(k, v)| (OsString::from(k), OsString::from(v)));
/// assert_eq!(env, want);
/// ```
pub fn environ(data: &[u8]) -> Vec<(OsString, OsString)> {
    let mut pairs: Vec<(&[u8], &[u8])> = Vec::new();
    let mut rest = data;
    while let Some(end) = find_byte(0, rest) {
        if end == 0 {
            break;
        }
        let (entry, tail) = rest.split_at_checked(end).unwrap_or((rest, &[]));
        rest = tail.get(1..).unwrap_or_default();
        if let Some(eq) = entry.iter().position(|&b| b == b'=').filter(|&i| i > 0) {
            let (key, value) = entry.split_at_checked(eq).unwrap_or((entry, &[]));
            pairs.push((key, value.get(1..).unwrap_or_default()));
        }
    }
    // Duplicate names: sort the entries' indices by (name, index); in each run of one
    // name the first index keeps its place and takes the last index's value.
    let name = |i: usize| pairs.get(i).map_or(&[][..], |p| p.0);
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_unstable_by(|&a, &b| name(a).cmp(name(b)).then(a.cmp(&b)));
    let mut value_from: Vec<Option<usize>> = (0..pairs.len()).map(Some).collect();
    for run in order.chunk_by(|&a, &b| name(a) == name(b)) {
        if let [first, later @ ..] = run {
            if let (Some(&last), Some(slot)) = (later.last(), value_from.get_mut(*first)) {
                *slot = Some(last);
            }
            for &i in later {
                if let Some(slot) = value_from.get_mut(i) {
                    *slot = None;
                }
            }
        }
    }
    pairs
        .iter()
        .zip(&value_from)
        .filter_map(|(&(key, _), from)| {
            let value = pairs.get((*from)?)?.1;
            Some((
                OsString::from_vec(key.to_vec()),
                OsString::from_vec(value.to_vec()),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(data: &[u8]) -> Vec<Vec<u8>> {
        cmdline(data).into_iter().map(OsString::into_vec).collect()
    }

    fn v(items: &[&[u8]]) -> Vec<Vec<u8>> {
        items.iter().map(|s| s.to_vec()).collect()
    }

    #[test]
    fn cmdline_cases() {
        assert_eq!(args(b""), v(&[]));
        assert_eq!(args(b"/sbin/init\0"), v(&[b"/sbin/init"]));
        assert_eq!(args(b"a\0b c\0"), v(&[b"a", b"b c"]));
        assert_eq!(args(b"a\0\0b\0"), v(&[b"a", b"", b"b"]));
        assert_eq!(args(b"a\0\0"), v(&[b"a", b""]));
        assert_eq!(args(b"\0"), v(&[b""]));
        assert_eq!(args(b"\0\0"), v(&[b"", b""]));
        // Rewritten titles.
        assert_eq!(args(b"nginx: master"), v(&[b"nginx:", b"master"]));
        assert_eq!(args(b"nginx: master "), v(&[b"nginx:", b"master"]));
        assert_eq!(args(b"a  b"), v(&[b"a", b"", b"b"]));
        assert_eq!(args(b" "), v(&[b""]));
        assert_eq!(
            args(b"chrome --type=renderer\0"),
            v(&[b"chrome", b"--type=renderer"])
        );
        // No final null and no space: one argument, nulls inside kept.
        assert_eq!(args(b"abc"), v(&[b"abc"]));
        assert_eq!(args(b"a\0b"), v(&[b"a\0b"]));
        assert_eq!(args(b"a\0b c"), v(&[b"a\0b", b"c"]));
        // Raw bytes.
        assert_eq!(args(b"\xff\xfe\0x\ny\0"), v(&[b"\xff\xfe", b"x\ny"]));
    }

    fn env(data: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        environ(data)
            .into_iter()
            .map(|(k, v)| (k.into_vec(), v.into_vec()))
            .collect()
    }

    fn kv(items: &[(&[u8], &[u8])]) -> Vec<(Vec<u8>, Vec<u8>)> {
        items
            .iter()
            .map(|(k, v)| (k.to_vec(), v.to_vec()))
            .collect()
    }

    #[test]
    fn environ_cases() {
        assert_eq!(env(b""), kv(&[]));
        assert_eq!(env(b"A=1\0B=2\0"), kv(&[(b"A", b"1"), (b"B", b"2")]));
        // The last entry without a null byte is dropped.
        assert_eq!(env(b"A=1\0B=2"), kv(&[(b"A", b"1")]));
        // A double null ends the block; so does a leading one.
        assert_eq!(env(b"A=1\0\0B=2\0"), kv(&[(b"A", b"1")]));
        assert_eq!(env(b"\0A=1\0"), kv(&[]));
        // No '=', empty name, empty value, '=' in the value.
        assert_eq!(
            env(b"junk\0=x\0E=\0F==a=b\0"),
            kv(&[(b"E", b""), (b"F", b"=a=b")])
        );
        // Duplicates: first place, last value.
        assert_eq!(env(b"A=1\0B=2\0A=3\0"), kv(&[(b"A", b"3"), (b"B", b"2")]));
        assert_eq!(env(b"K\xff=\xfe\0"), kv(&[(b"K\xff", b"\xfe")]));
        assert_eq!(
            env(b"B=1\0A=1\0B=2\0C=1\0A=2\0B=3\0"),
            kv(&[(b"B", b"3"), (b"A", b"2"), (b"C", b"1")])
        );
    }
}
