//! `/proc/vmstat`: virtual memory statistics (since Linux 2.6.0).
//!
//! proc(5): "This file displays various virtual memory statistics. Each line of this file
//! contains a single name-value pair, delimited by white space." Among them:
//!
//! ```text
//! pswpin 1234
//! pswpout 5678
//! ```
//!
//! `pswpin` / `pswpout`: the number of pages swapped in from / out to disk since boot.

use crate::error::ParseError;

use super::meminfo::{int, is_space};

/// Every `name value` line of `/proc/vmstat`, in file order. Blank lines are skipped.
///
/// Errors on a line without a value, or whose value is not an integer that fits an `i64`
/// (the kernel prints some node counters as signed numbers).
pub fn parse(data: &[u8]) -> Result<Vec<(String, i64)>, ParseError> {
    let mut out = Vec::with_capacity(256);
    for (no, line) in data.split(|&b| b == b'\n').enumerate() {
        let mut fields = line.split(is_space).filter(|f| !f.is_empty());
        let Some(name) = fields.next() else {
            continue;
        };
        let value = fields
            .next()
            .and_then(int)
            .ok_or_else(|| ParseError::new(format!("line {}: no integer value", no + 1)))?;
        out.push((String::from_utf8_lossy(name).into_owned(), value));
    }
    Ok(out)
}

/// The `pswpin` and `pswpout` counters, in pages, scanned the way psutil scans them.
///
/// Lines are read in order; a line starting with `pswpin` sets the swap-in count, else one
/// starting with `pswpout` sets the swap-out count, the value being the text after the
/// line's first space (up to the next space). The scan stops as soon as both are set.
/// `Ok(None)` when the file ends before both were seen (psutil then reports 0 for both).
///
/// Errors when a matching line's value is missing or is not a non-negative integer.
pub fn swap_pages(data: &[u8]) -> Result<Option<(u64, u64)>, ParseError> {
    let (mut sin, mut sout) = (None, None);
    for (no, line) in data.split(|&b| b == b'\n').enumerate() {
        let slot = if line.starts_with(b"pswpin") {
            &mut sin
        } else if line.starts_with(b"pswpout") {
            &mut sout
        } else {
            continue;
        };
        let value = line
            .split(|&b| b == b' ')
            .nth(1)
            .map(|v| v.trim_ascii())
            .and_then(int)
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| ParseError::new(format!("line {}: not a page count", no + 1)))?;
        *slot = Some(value);
        if let (Some(i), Some(o)) = (sin, sout) {
            return Ok(Some((i, o)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs() {
        let v = parse(b"nr_free_pages 6086576\nnr_zone_inactive_anon -3\n\npswpin 0\n").unwrap();
        assert_eq!(
            v,
            vec![
                ("nr_free_pages".to_string(), 6_086_576),
                ("nr_zone_inactive_anon".to_string(), -3),
                ("pswpin".to_string(), 0)
            ]
        );
        assert!(parse(b"pswpin\n").is_err());
        assert!(parse(b"pswpin x\n").is_err());
        assert_eq!(parse(b"").unwrap(), vec![]);
    }

    #[test]
    fn swap_counters() {
        let data = b"nr_free_pages 1\npgpgin 7\npswpin 12\npswpout 34\npgpgout 9\n";
        assert_eq!(swap_pages(data), Ok(Some((12, 34))));
        assert_eq!(swap_pages(b"pswpout 34\r\npswpin 12\n"), Ok(Some((12, 34))));
    }

    #[test]
    fn missing_counters_are_none() {
        assert_eq!(swap_pages(b""), Ok(None));
        assert_eq!(swap_pages(b"pswpin 12\n"), Ok(None));
        assert_eq!(swap_pages(b"pgpgin 1\npgpgout 2\n"), Ok(None));
    }

    #[test]
    fn stops_once_both_are_seen() {
        // The later, malformed pswpin is never read (psutil stops there too).
        assert_eq!(
            swap_pages(b"pswpin 1\npswpout 2\npswpin x\n"),
            Ok(Some((1, 2)))
        );
        // Before both are seen, a repeated line overwrites the earlier value.
        assert_eq!(
            swap_pages(b"pswpin 1\npswpin 5\npswpout 2\n"),
            Ok(Some((5, 2)))
        );
    }

    #[test]
    fn malformed_counters_are_errors() {
        assert!(swap_pages(b"pswpin\n").is_err());
        assert!(swap_pages(b"pswpin  12\n").is_err()); // two spaces: empty field, as in psutil
        assert!(swap_pages(b"pswpin -1\n").is_err());
        assert!(swap_pages(b"pswpout \xff\n").is_err());
    }
}
