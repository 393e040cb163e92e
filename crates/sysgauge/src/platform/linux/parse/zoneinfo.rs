//! `/proc/zoneinfo`: per-zone memory statistics (since Linux 2.6.13).
//!
//! proc(5): "This file display information about memory zones. This is useful for analyzing
//! virtual memory behavior." Each zone's block starts with `Node N, zone NAME` and lists its
//! watermarks, in pages, one per line:
//!
//! ```text
//! Node 0, zone   Normal
//!   pages free     3840
//!         boost    0
//!         min      53
//!         low      66
//!         high     79
//! ```
//!
//! psutil's estimate of available memory for kernels without `MemAvailable` (< 3.14) needs
//! the sum of every zone's `low` watermark.

use crate::error::ParseError;

use super::meminfo::{int, is_space};

/// The sum, in pages, of the `low` watermarks of every zone: the second field of every line
/// that starts with `low` once leading and trailing whitespace is removed (the test psutil
/// uses).
///
/// Errors when such a line has no second field, when that field is not a non-negative
/// integer, or when the sum overflows a `u64`. A file without any `low` line sums to 0.
pub fn low_watermark_pages(data: &[u8]) -> Result<u64, ParseError> {
    let mut sum: u64 = 0;
    for (no, line) in data.split(|&b| b == b'\n').enumerate() {
        let start = line.iter().position(|b| !is_space(b)).unwrap_or(line.len());
        let rest = line.get(start..).unwrap_or_default();
        if !rest.starts_with(b"low") {
            continue;
        }
        let value = rest
            .split(is_space)
            .filter(|f| !f.is_empty())
            .nth(1)
            .ok_or_else(|| {
                ParseError::new(format!("line {}: low watermark has no value", no + 1))
            })?;
        let pages = int(value)
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| {
                ParseError::new(format!(
                    "line {}: low watermark is not a page count",
                    no + 1
                ))
            })?;
        sum = sum
            .checked_add(pages)
            .ok_or_else(|| ParseError::new("sum of low watermarks overflows"))?;
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = b"Node 0, zone      DMA
  per-node stats
      nr_inactive_anon 2025
  pages free     3840
        boost    0
        min      53
        low      66
        high     79
        spanned  4095
Node 0, zone    DMA32
  pages free     398906
        min      11330
        low      14162
        high     16994
Node 0, zone   Normal
  pages free     5667474
        min      5717
        low      7146
        high     8575
";

    #[test]
    fn sums_every_zone() {
        assert_eq!(low_watermark_pages(SAMPLE), Ok(66 + 14162 + 7146));
    }

    #[test]
    fn empty_or_no_low_lines() {
        assert_eq!(low_watermark_pages(b""), Ok(0));
        assert_eq!(low_watermark_pages(b"Node 0, zone DMA\n  min 5\n"), Ok(0));
    }

    #[test]
    fn malformed_low_lines_are_errors() {
        assert!(low_watermark_pages(b"        low\n").is_err());
        assert!(low_watermark_pages(b"        low  x\n").is_err());
        assert!(low_watermark_pages(b"        low  -1\n").is_err());
        assert!(low_watermark_pages(b"  lowmem 1\n        low 18446744073709551615\n").is_err());
        assert!(low_watermark_pages(b"low 99999999999999999999999\n").is_err());
    }

    #[test]
    fn prefix_match_like_psutil() {
        // Any line beginning with "low" counts, as in psutil.
        assert_eq!(low_watermark_pages(b"lowest 3\n  low 4\n"), Ok(7));
        // Whitespace around the line does not matter; "below" does not start with "low".
        assert_eq!(low_watermark_pages(b"\tlow 4 \r\n below 9\n"), Ok(4));
    }
}
