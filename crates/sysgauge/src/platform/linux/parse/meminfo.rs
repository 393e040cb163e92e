//! `/proc/meminfo`: memory usage statistics.
//!
//! proc(5): "This file reports statistics about memory usage on the system. It is used by
//! free(1) to report the amount of free and used memory (both physical and swap) on the
//! system as well as the shared memory and buffers used by the kernel. Each line of the file
//! consists of a parameter name, followed by a colon, the value of the parameter, and an
//! option unit of measurement (e.g., "kB")."
//!
//! ```text
//! MemTotal:       24684084 kB
//! MemFree:        24346304 kB
//! MemAvailable:   24355172 kB
//! HugePages_Total:       0
//! ```
//!
//! Like psutil, every value is taken as KiB and multiplied by 1024, whether or not the line
//! carries the `kB` unit (the unitless lines, `HugePages_*`, are page counts that no
//! sysgauge call reads).

use crate::error::ParseError;

/// The whitespace that Python's `bytes.split()` splits on (ASCII space, `\t`, `\n`, `\v`,
/// `\f`, `\r`).
pub(crate) fn is_space(b: &u8) -> bool {
    matches!(*b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// An optionally signed decimal integer, as Python's `int()` reads it from stripped bytes.
pub(crate) fn int(token: &[u8]) -> Option<i64> {
    let (neg, digits) = match token.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, token),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i64 = 0;
    for d in digits {
        v = v.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
    }
    Some(if neg { -v } else { v })
}

/// The lines of `/proc/meminfo`, in file order, each as its name and its value in bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meminfo {
    /// The names of every line (first token, colon included), one after another: one
    /// allocation for the whole file rather than one per line.
    names: Vec<u8>,
    /// (end of the line's name in `names`, value × 1024), in file order.
    entries: Vec<(usize, i64)>,
}

impl Meminfo {
    /// The value of the line named `name` (given without its colon, e.g. `"MemTotal"`), in
    /// bytes; `None` when there is no such line. When a name appears twice, the last line
    /// wins.
    pub fn get(&self, name: &str) -> Option<i64> {
        let name = name.as_bytes();
        self.iter()
            .filter(|(key, _)| {
                key.len() == name.len() + 1 && key.starts_with(name) && key.ends_with(b":")
            })
            .last()
            .map(|(_, v)| v)
    }

    /// Every line as (name with its colon, value in bytes), in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], i64)> {
        let starts = std::iter::once(0).chain(self.entries.iter().map(|(end, _)| *end));
        starts
            .zip(&self.entries)
            .map(|(start, (end, v))| (self.names.get(start..*end).unwrap_or_default(), *v))
    }

    /// The number of lines read.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the file had no lines.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Parses `/proc/meminfo`: each non-blank line is `Name: value [kB]`; the value is returned
/// in bytes (× 1024).
///
/// Errors, as psutil raises, on a line without a value or whose value is not an integer,
/// and on a value that overflows an `i64` number of bytes. Blank lines are skipped.
pub fn parse(data: &[u8]) -> Result<Meminfo, ParseError> {
    let mut names = Vec::with_capacity(1024);
    let mut entries = Vec::with_capacity(64);
    for (no, line) in data.split(|&b| b == b'\n').enumerate() {
        let mut fields = line.split(is_space).filter(|f| !f.is_empty());
        let Some(key) = fields.next() else {
            continue;
        };
        let value = fields
            .next()
            .ok_or_else(|| ParseError::new(format!("line {}: no value", no + 1)))?;
        let value = int(value)
            .ok_or_else(|| ParseError::new(format!("line {}: value is not an integer", no + 1)))?
            .checked_mul(1024)
            .ok_or_else(|| ParseError::new(format!("line {}: value too large", no + 1)))?;
        names.extend_from_slice(key);
        entries.push((names.len(), value));
    }
    Ok(Meminfo { names, entries })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_bytes_and_last_wins() {
        let m = parse(
            b"MemTotal:       24684084 kB\nMemFree:  10 kB\nHugePages_Total:       2\n\nMemFree: 11 kB\n",
        )
        .unwrap();
        assert_eq!(m.get("MemTotal"), Some(24_684_084 * 1024));
        assert_eq!(m.get("MemFree"), Some(11 * 1024));
        assert_eq!(m.get("HugePages_Total"), Some(2048));
        assert_eq!(m.get("Mem"), None);
        assert_eq!(m.get("MemTotal:"), None);
        assert_eq!(m.len(), 4);
        assert_eq!(
            m.iter().next(),
            Some((&b"MemTotal:"[..], 24_684_084 * 1024))
        );
    }

    #[test]
    fn active_file_names_with_parentheses() {
        let m = parse(b"Active(file):      18516 kB\nInactive(file):   179996 kB\n").unwrap();
        assert_eq!(m.get("Active(file)"), Some(18516 * 1024));
        assert_eq!(m.get("Inactive(file)"), Some(179_996 * 1024));
    }

    #[test]
    fn empty_and_blank() {
        assert!(parse(b"").unwrap().is_empty());
        assert!(parse(b"\n \n\t\n").unwrap().is_empty());
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert!(parse(b"MemTotal:\n").is_err());
        assert!(parse(b"MemTotal: x kB\n").is_err());
        assert!(parse(b"MemTotal: 1.5 kB\n").is_err());
        assert!(parse(b"MemTotal: 99999999999999999999 kB\n").is_err());
        assert!(parse(b"MemTotal: 9007199254740993 kB\n").is_err()); // overflows after x1024
        assert!(parse(b"MemTotal: \xff kB\n").is_err());
        // A truncated last line, cut inside the name, has no value.
        assert!(parse(b"MemTotal: 1 kB\nMemF").is_err());
    }

    #[test]
    fn signs_are_accepted_like_python_int() {
        let m = parse(b"Committed_AS: -4 kB\nX: +3 kB\n").unwrap();
        assert_eq!(m.get("Committed_AS"), Some(-4096));
        assert_eq!(m.get("X"), Some(3072));
        assert!(parse(b"X: - kB\n").is_err());
        assert!(parse(b"X: -+3 kB\n").is_err());
    }

    #[test]
    fn int_limits() {
        assert_eq!(int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(int(b"9223372036854775808"), None);
        assert_eq!(int(b"-9223372036854775807"), Some(-i64::MAX));
        assert_eq!(int(b""), None);
    }
}
