//! The kernel's CPU list format, as in `/sys/devices/system/cpu/online`, `offline`,
//! `present`, `possible` and `topology/core_cpus_list`.
//!
//! Documentation/ABI/testing/sysfs-devices-system-cpu: "online: cpus that are online and
//! being scheduled" … "The format of the above is the same as that of
//! /sys/devices/system/cpu/cpu#/topology/\*\_list" — a comma-separated list of decimal CPU
//! numbers and inclusive ranges, e.g. `0-3,5,7-8`, ending with a newline. An empty file
//! (just `\n`, as `offline` is when every CPU is online) is the empty list.
//!
//! Ranges are kept as ranges, so a hostile `0-4294967295` costs no memory.

use std::ops::RangeInclusive;

use crate::error::ParseError;

/// A parsed CPU list: inclusive ranges of CPU numbers, in the order the file gives them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CpuList {
    /// The ranges (`5` is `5..=5`).
    pub ranges: Vec<RangeInclusive<u32>>,
}

impl CpuList {
    /// How many CPU numbers the list names (overlapping ranges are counted once); `None`
    /// if that does not fit in a `usize`.
    pub fn count(&self) -> Option<usize> {
        let mut sorted: Vec<(u32, u32)> =
            self.ranges.iter().map(|r| (*r.start(), *r.end())).collect();
        sorted.sort_unstable();
        let mut total: u64 = 0;
        // The first CPU number not yet counted.
        let mut next: u64 = 0;
        for (lo, hi) in sorted {
            let lo = u64::from(lo).max(next);
            let hi = u64::from(hi);
            if hi >= lo {
                total = total.checked_add(hi - lo + 1)?;
                next = hi + 1;
            }
        }
        usize::try_from(total).ok()
    }

    /// True when `cpu` is in the list.
    pub fn contains(&self, cpu: u32) -> bool {
        self.ranges.iter().any(|r| r.contains(&cpu))
    }
}

fn number(s: &[u8]) -> Result<u32, ParseError> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::new("CPU number is not a decimal number"));
    }
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ParseError::new("CPU number out of range"))
}

/// Parses a CPU list such as `0-3,5,7-8\n`. Surrounding whitespace is ignored; a range
/// whose end is below its start, an empty item or anything but digits, `-` and `,` is an
/// error.
pub fn parse(data: &[u8]) -> Result<CpuList, ParseError> {
    let text = data.trim_ascii();
    let mut ranges = Vec::new();
    if text.is_empty() {
        return Ok(CpuList { ranges });
    }
    for item in text.split(|&b| b == b',') {
        let range = match item.iter().position(|&b| b == b'-') {
            Some(dash) => {
                let lo = number(item.get(..dash).unwrap_or_default())?;
                let hi = number(item.get(dash + 1..).unwrap_or_default())?;
                if hi < lo {
                    return Err(ParseError::new("CPU range ends before it starts"));
                }
                lo..=hi
            }
            None => {
                let n = number(item)?;
                n..=n
            }
        };
        ranges.push(range);
    }
    Ok(CpuList { ranges })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists() {
        let l = parse(b"0-3,5,7-8\n").unwrap();
        assert_eq!(l.ranges, vec![0..=3, 5..=5, 7..=8]);
        assert_eq!(l.count(), Some(7));
        assert!(l.contains(5) && l.contains(8) && !l.contains(4) && !l.contains(9));
        assert_eq!(parse(b"\n").unwrap().count(), Some(0));
        assert_eq!(parse(b"0\n").unwrap().count(), Some(1));
        assert_eq!(parse(b"0-1,1-2,2").unwrap().count(), Some(3));
        assert_eq!(parse(b"0-4294967295").unwrap().count(), Some(1 << 32));
    }

    #[test]
    fn garbage() {
        for bad in [
            &b"0-"[..],
            b"-1",
            b"3-1",
            b"0,,1",
            b"a",
            b"0-1-2",
            b"99999999999",
            b"1 2",
            b"\xff",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
