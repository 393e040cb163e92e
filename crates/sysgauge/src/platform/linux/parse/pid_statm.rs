//! `/proc/<pid>/statm`: a process's memory usage, in pages.
//!
//! proc(5): "Provides information about memory usage, measured in pages. The columns are:
//!
//! ```text
//! size       (1) total program size (same as VmSize in /proc/pid/status)
//! resident   (2) resident set size (inaccurate; same as VmRSS in /proc/pid/status)
//! shared     (3) number of resident shared pages (i.e., backed by a file)
//!                (inaccurate; same as RssFile+RssShmem in /proc/pid/status)
//! text       (4) text (code)
//! lib        (5) library (unused since Linux 2.6; always 0)
//! data       (6) data + stack
//! dt         (7) dirty pages (unused since Linux 2.6; always 0)
//! ```"
//!
//! Example: `765 430 402 5 0 123 0`. psutil's `memory_info()` multiplies the first seven
//! by the page size (`vms, rss, shared, text, lib, data, dirty`).

use super::pid_stat::dec_u64;
use crate::error::ParseError;

/// The seven columns of `/proc/<pid>/statm`, in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PidStatm {
    /// (1) `size`: total program size (psutil's `vms`), in pages.
    pub size: u64,
    /// (2) `resident`: resident set size (psutil's `rss`), in pages.
    pub resident: u64,
    /// (3) `shared`: resident shared (file-backed and shmem) pages.
    pub shared: u64,
    /// (4) `text`: code pages.
    pub text: u64,
    /// (5) `lib`: library pages (always 0 since Linux 2.6).
    pub lib: u64,
    /// (6) `data`: data + stack pages.
    pub data: u64,
    /// (7) `dt`: dirty pages (always 0 since Linux 2.6).
    pub dirty: u64,
}

/// Parses the first line of `/proc/<pid>/statm`: seven whitespace-separated page counts
/// (further columns are ignored, as psutil does).
///
/// Errors when fewer than seven columns are present or one is not a number.
///
/// ```
/// use sysgauge::platform::linux::parse::pid_statm::pid_statm;
/// let m = pid_statm(b"765 430 402 5 0 123 0\n")?;
/// assert_eq!((m.size, m.resident, m.shared, m.data), (765, 430, 402, 123));
/// # Ok::<(), sysgauge::ParseError>(())
/// ```
pub fn pid_statm(data: &[u8]) -> Result<PidStatm, ParseError> {
    let line = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut cols = line
        .split(|&b| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c))
        .filter(|c| !c.is_empty());
    let mut next = |name: &str| -> Result<u64, ParseError> {
        let c = cols
            .next()
            .ok_or_else(|| ParseError::new(format!("statm: column {name} missing")))?;
        dec_u64(c).ok_or_else(|| ParseError::new(format!("statm: column {name} is not a number")))
    };
    Ok(PidStatm {
        size: next("size")?,
        resident: next("resident")?,
        shared: next("shared")?,
        text: next("text")?,
        lib: next("lib")?,
        data: next("data")?,
        dirty: next("dt")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(
            pid_statm(b"765 430 402 5 0 123 0\n"),
            Ok(PidStatm {
                size: 765,
                resident: 430,
                shared: 402,
                text: 5,
                lib: 0,
                data: 123,
                dirty: 0
            })
        );
        // Kernel threads: all zero.
        assert_eq!(pid_statm(b"0 0 0 0 0 0 0\n").unwrap().size, 0);
        // Extra columns and no newline.
        assert_eq!(pid_statm(b"1 2 3 4 5 6 7 8").unwrap().dirty, 7);
    }

    #[test]
    fn rejects() {
        for bad in [
            &b""[..],
            b"\n",
            b"1 2 3 4 5 6\n",
            b"1 2 3 4 5 6\n7\n",
            b"1 2 3 x 5 6 7\n",
            b"1 2 3 -4 5 6 7\n",
            b"1 2 3 4 5 6 18446744073709551616\n",
            b"\xff",
        ] {
            assert!(
                pid_statm(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
