//! How Python reads a text file, for the parsers whose psutil counterpart does.
//!
//! psutil opens `/proc` files in text mode and walks them with `readlines()`, `strip()`,
//! `split()` and `int()`. To give the same answer on every input, the parsers that follow it
//! use these byte-level equivalents:
//!
//! - lines end at `\n`, `\r` or `\r\n` (Python's universal newlines);
//! - whitespace is Python's ASCII whitespace: space, `\t`, `\n`, `\x0b`, `\x0c`, `\r` and the
//!   separators `\x1c`..`\x1f` (non-ASCII Unicode spaces, which the kernel never writes,
//!   are not treated as whitespace);
//! - an integer is what `int()` accepts in decimal: an optional sign, ASCII digits, single
//!   underscores between digits.

/// True for the bytes Python's `str.split()` and `str.strip()` treat as whitespace.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x1c..=0x1f)
}

/// The lines of `data` without their terminators, as Python's `readlines()` in text mode
/// gives them: `\n`, `\r` and `\r\n` end a line; a last line without terminator counts; an
/// empty input has no lines.
pub fn lines(data: &[u8]) -> Lines<'_> {
    Lines { rest: data }
}

/// The iterator of [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        match self.rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => {
                let line = self.rest.get(..i).unwrap_or_default();
                let skip =
                    if self.rest.get(i) == Some(&b'\r') && self.rest.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                self.rest = self.rest.get(skip..).unwrap_or_default();
                Some(line)
            }
            None => {
                let line = self.rest;
                self.rest = &[];
                Some(line)
            }
        }
    }
}

/// The whitespace-separated fields of `line`, as Python's `line.split()`.
pub fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|&b| is_space(b)).filter(|f| !f.is_empty())
}

/// `s` without leading and trailing whitespace, as Python's `s.strip()`.
pub fn strip(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// `s` as Python's `int(s)` reads it, when the value is a `u64`; `None` when `int()` would
/// fail or the value is negative or too large.
pub fn int(s: &[u8]) -> Option<u64> {
    let s = strip(s);
    let (negative, digits) = match s.split_first() {
        Some((b'+', rest)) => (false, rest),
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.first().is_none_or(|b| !b.is_ascii_digit())
        || digits.last().is_none_or(|b| !b.is_ascii_digit())
    {
        return None;
    }
    let mut value: u64 = 0;
    let mut prev_underscore = false;
    for &b in digits {
        if b == b'_' {
            if prev_underscore {
                return None;
            }
            prev_underscore = true;
            continue;
        }
        prev_underscore = false;
        let d = b.checked_sub(b'0').filter(|d| *d < 10)?;
        value = value.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    if negative && value != 0 {
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_universal_newlines() {
        let v: Vec<&[u8]> = lines(b"a\nb\r\nc\rd").collect();
        assert_eq!(v, [&b"a"[..], b"b", b"c", b"d"]);
        let v: Vec<&[u8]> = lines(b"a\n\nb\n").collect();
        assert_eq!(v, [&b"a"[..], b"", b"b"]);
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"\n").collect::<Vec<_>>(), [&b""[..]]);
    }

    #[test]
    fn fields_and_strip() {
        let v: Vec<&[u8]> = fields(b"  8 0\tsda \x0b1\x1f2 ").collect();
        assert_eq!(v, [&b"8"[..], b"0", b"sda", b"1", b"2"]);
        assert_eq!(strip(b" \tx y\n"), b"x y");
        assert_eq!(strip(b"   "), b"");
        assert_eq!(strip(b""), b"");
    }

    #[test]
    fn ints_as_python() {
        assert_eq!(int(b"0012"), Some(12));
        assert_eq!(int(b"+5"), Some(5));
        assert_eq!(int(b"-0"), Some(0));
        assert_eq!(int(b"1_000"), Some(1000));
        assert_eq!(int(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"-1",
            b"1__0",
            b"_1",
            b"1_",
            b"x",
            b"+",
            b"18446744073709551616",
            b"1.0",
        ] {
            assert_eq!(int(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
