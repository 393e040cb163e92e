//! `/proc/<pid>/io`: a process's I/O statistics (since Linux 2.6.20, with
//! `CONFIG_TASK_IO_ACCOUNTING`; reading another user's file needs ptrace access).
//!
//! proc(5): "This file contains I/O statistics for the process, for example:
//!
//! ```text
//! rchar: 323934931
//! wchar: 323929600
//! syscr: 632687
//! syscw: 632675
//! read_bytes: 0
//! write_bytes: 323932160
//! cancelled_write_bytes: 0
//! ```"
//!
//! `rchar`/`wchar` count the bytes passed to read- and write-like system calls, `syscr`/
//! `syscw` those calls, `read_bytes`/`write_bytes` the bytes fetched from or sent to the
//! storage layer, and `cancelled_write_bytes` the written bytes whose writeback was
//! cancelled (truncated page cache).
//!
//! As psutil's `io_counters()`: each line is stripped, empty lines and lines that do not
//! split into exactly two parts at `": "` are skipped, a later line with the same name
//! replaces an earlier one; the six counters psutil returns must be present.

use super::pid_stat::dec_u64;
use crate::error::ParseError;

/// The counters of `/proc/<pid>/io`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PidIo {
    /// `rchar`: bytes read through read-like system calls, from any source (psutil's
    /// `read_chars`).
    pub rchar: u64,
    /// `wchar`: bytes written through write-like system calls (psutil's `write_chars`).
    pub wchar: u64,
    /// `syscr`: read-like system calls (psutil's `read_count`).
    pub syscr: u64,
    /// `syscw`: write-like system calls (psutil's `write_count`).
    pub syscw: u64,
    /// `read_bytes`: bytes fetched from the storage layer (psutil's `read_bytes`).
    pub read_bytes: u64,
    /// `write_bytes`: bytes sent to the storage layer (psutil's `write_bytes`).
    pub write_bytes: u64,
    /// `cancelled_write_bytes`: written bytes whose writeback was cancelled; `None` when
    /// the line is missing (psutil does not return it).
    pub cancelled_write_bytes: Option<u64>,
}

/// `s` without the bytes Python's `bytes.strip()` removes (ASCII whitespace and `\x0b`).
fn strip(s: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !ws(b)).map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// Parses the content of `/proc/<pid>/io`.
///
/// Errors when no `name: value` line is found (an empty file), when a value is not a
/// non-negative integer, or when one of `rchar`, `wchar`, `syscr`, `syscw`,
/// `read_bytes`, `write_bytes` is missing.
///
/// ```
/// use sysgauge::platform::linux::parse::pid_io::pid_io;
/// let io = pid_io(b"rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\n\
///                   write_bytes: 8192\ncancelled_write_bytes: 0\n")?;
/// assert_eq!((io.rchar, io.syscw, io.write_bytes), (10, 2, 8192));
/// assert_eq!(io.cancelled_write_bytes, Some(0));
/// # Ok::<(), sysgauge::ParseError>(())
/// ```
pub fn pid_io(data: &[u8]) -> Result<PidIo, ParseError> {
    let mut vals: [Option<u64>; 7] = [None; 7];
    let mut any = false;
    for line in data.split(|&b| b == b'\n') {
        let line = strip(line);
        if line.is_empty() {
            continue;
        }
        let Some(sep) = line.windows(2).position(|w| w == b": ") else {
            continue;
        };
        let name = line.get(..sep).unwrap_or_default();
        let value = line.get(sep + 2..).unwrap_or_default();
        if value.windows(2).any(|w| w == b": ") {
            continue;
        }
        any = true;
        let v = dec_u64(strip(value)).ok_or_else(|| {
            ParseError::new(format!(
                "io: value of {} is not a number",
                String::from_utf8_lossy(name)
            ))
        })?;
        let slot = match name {
            b"rchar" => 0,
            b"wchar" => 1,
            b"syscr" => 2,
            b"syscw" => 3,
            b"read_bytes" => 4,
            b"write_bytes" => 5,
            b"cancelled_write_bytes" => 6,
            _ => continue,
        };
        if let Some(s) = vals.get_mut(slot) {
            *s = Some(v);
        }
    }
    if !any {
        return Err(ParseError::new("io: the file was empty"));
    }
    let [rchar, wchar, syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes] = vals;
    let need = |v: Option<u64>, name: &str| {
        v.ok_or_else(|| ParseError::new(format!("io: {name} line missing")))
    };
    Ok(PidIo {
        rchar: need(rchar, "rchar")?,
        wchar: need(wchar, "wchar")?,
        syscr: need(syscr, "syscr")?,
        syscw: need(syscw, "syscw")?,
        read_bytes: need(read_bytes, "read_bytes")?,
        write_bytes: need(write_bytes, "write_bytes")?,
        cancelled_write_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &[u8] = b"rchar: 323934931\nwchar: 323929600\nsyscr: 632687\nsyscw: 632675\n\
read_bytes: 0\nwrite_bytes: 323932160\ncancelled_write_bytes: 0\n";

    #[test]
    fn parses() {
        assert_eq!(
            pid_io(FULL),
            Ok(PidIo {
                rchar: 323934931,
                wchar: 323929600,
                syscr: 632687,
                syscw: 632675,
                read_bytes: 0,
                write_bytes: 323932160,
                cancelled_write_bytes: Some(0),
            })
        );
    }

    #[test]
    fn tolerates_what_psutil_tolerates() {
        // Blank lines, surrounding spaces, lines without ": " (psutil issue 1004), unknown
        // names, a missing cancelled_write_bytes, a repeated name (the last wins).
        let io = pid_io(
            b"\n  rchar: 1  \nwchar: 2\nbogus\nfoo: 9\nsyscr: 3\nsyscw: 4\na: b: c\n\
              read_bytes: 5\nwrite_bytes: 6\nrchar: 7",
        )
        .unwrap();
        assert_eq!((io.rchar, io.wchar, io.write_bytes), (7, 2, 6));
        assert_eq!(io.cancelled_write_bytes, None);
    }

    #[test]
    fn rejects() {
        assert!(pid_io(b"").is_err());
        assert!(pid_io(b"\n\n").is_err());
        assert!(pid_io(b"nothing here\n").is_err());
        // Truncated: write_bytes missing.
        let cut = &FULL[..FULL.windows(5).position(|w| w == b"write").unwrap()];
        assert!(pid_io(cut).is_err());
        let mut neg = FULL.to_vec();
        neg[7] = b'-';
        assert!(pid_io(&neg).is_err());
        assert!(pid_io(b"rchar: x\n").is_err());
        for n in 0..FULL.len() {
            let _ = pid_io(&FULL[..n]);
        }
    }
}
