//! `/proc/net/dev`: per-interface receive and transmit counters.
//!
//! proc(5), `/proc/net/dev`: "The dev pseudo-file contains network device status
//! information. This gives the number of received and sent packets, the number of errors
//! and collisions and other basic statistics." The file has two header lines, then one
//! line per interface:
//!
//! ```text
//! Inter-|   Receive                                                |  Transmit
//!  face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
//!     lo: 2776770   11307    0    0    0     0          0         0  2776770   11307    0    0    0     0       0          0
//!   eth0: 1215645    2751    0    0    0     0          0         0  1782404    4324    0    0    0   427       0          0
//! ```
//!
//! The name is right-aligned in a 6-character field and followed by `:`; older kernels
//! (2.6 and before) printed the first counter as `%8lu` straight after the colon, so a
//! large receive byte count touches it (`eth0:123456789 ...`). The name is everything
//! before the LAST colon on the line, trimmed (interface names cannot contain `:`); the 16
//! counters follow, separated by blanks: 8 receive columns then 8 transmit columns.

use crate::error::ParseError;

/// One line of `/proc/net/dev`: an interface and its 16 counters, in the file's column
/// order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetDevEntry {
    /// The interface name (invalid UTF-8 replaced by U+FFFD).
    pub name: String,
    /// Receive: bytes.
    pub rx_bytes: u64,
    /// Receive: packets.
    pub rx_packets: u64,
    /// Receive: errors (`errs`).
    pub rx_errs: u64,
    /// Receive: packets dropped (`drop`).
    pub rx_drop: u64,
    /// Receive: FIFO buffer errors.
    pub rx_fifo: u64,
    /// Receive: framing errors.
    pub rx_frame: u64,
    /// Receive: compressed packets.
    pub rx_compressed: u64,
    /// Receive: multicast frames.
    pub rx_multicast: u64,
    /// Transmit: bytes.
    pub tx_bytes: u64,
    /// Transmit: packets.
    pub tx_packets: u64,
    /// Transmit: errors (`errs`).
    pub tx_errs: u64,
    /// Transmit: packets dropped (`drop`).
    pub tx_drop: u64,
    /// Transmit: FIFO buffer errors.
    pub tx_fifo: u64,
    /// Transmit: collisions (`colls`).
    pub tx_colls: u64,
    /// Transmit: carrier losses.
    pub tx_carrier: u64,
    /// Transmit: compressed packets.
    pub tx_compressed: u64,
}

/// The number of counters on each interface line.
const COLUMNS: usize = 16;

fn number(field: &[u8], line_no: usize) -> Result<u64, ParseError> {
    // Only plain decimal digits: the kernel prints `%llu`.
    if field.is_empty() || !field.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::new(format!(
            "line {line_no}: counter {:?} is not an unsigned integer",
            String::from_utf8_lossy(field)
        )));
    }
    field.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or_else(|| ParseError::new(format!("line {line_no}: counter overflows u64")))
    })
}

/// Parses the whole of `/proc/net/dev`: the interface lines in file order (the two header
/// lines are skipped whatever they say, as psutil does).
///
/// Errors: a line with no `:` (or one starting with `:`), or whose counters are not
/// exactly 16 unsigned decimal integers.
pub fn net_dev(data: &[u8]) -> Result<Vec<NetDevEntry>, ParseError> {
    let mut out = Vec::new();
    let mut lines = data.split(|&b| b == b'\n').enumerate().skip(2).peekable();
    while let Some((idx, line)) = lines.next() {
        let line_no = idx.saturating_add(1);
        // The piece after the final newline is not a line.
        if line.is_empty() && lines.peek().is_none() {
            break;
        }
        let colon = match line.iter().rposition(|&b| b == b':') {
            Some(c) if c > 0 => c,
            _ => {
                return Err(ParseError::new(format!(
                    "line {line_no}: no interface name followed by ':'"
                )))
            }
        };
        let (name, rest) = line.split_at(colon);
        let rest = rest.get(1..).unwrap_or_default();
        let mut values = [0u64; COLUMNS];
        let mut n = 0usize;
        for field in rest
            .split(|b| b.is_ascii_whitespace())
            .filter(|f| !f.is_empty())
        {
            let slot = values.get_mut(n).ok_or_else(|| {
                ParseError::new(format!("line {line_no}: more than {COLUMNS} counters"))
            })?;
            *slot = number(field, line_no)?;
            n += 1;
        }
        if n != COLUMNS {
            return Err(ParseError::new(format!(
                "line {line_no}: {n} counters instead of {COLUMNS}"
            )));
        }
        let [rx_bytes, rx_packets, rx_errs, rx_drop, rx_fifo, rx_frame, rx_compressed, rx_multicast, tx_bytes, tx_packets, tx_errs, tx_drop, tx_fifo, tx_colls, tx_carrier, tx_compressed] =
            values;
        out.push(NetDevEntry {
            name: String::from_utf8_lossy(name.trim_ascii()).into_owned(),
            rx_bytes,
            rx_packets,
            rx_errs,
            rx_drop,
            rx_fifo,
            rx_frame,
            rx_compressed,
            rx_multicast,
            tx_bytes,
            tx_packets,
            tx_errs,
            tx_drop,
            tx_fifo,
            tx_colls,
            tx_carrier,
            tx_compressed,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";

    #[test]
    fn modern_and_old_layouts() {
        let text = format!(
            "{HEADER}    lo: 3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0\n  eth0:123456789 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\nveryveryverylong0: 18446744073709551615 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0\n"
        );
        let v = net_dev(text.as_bytes()).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].name, "lo");
        assert_eq!(
            (v[0].rx_bytes, v[0].rx_packets, v[0].tx_bytes),
            (3193, 29, 3193)
        );
        let e = &v[1];
        assert_eq!(e.name, "eth0");
        assert_eq!(
            [
                e.rx_bytes,
                e.rx_packets,
                e.rx_errs,
                e.rx_drop,
                e.rx_fifo,
                e.rx_frame,
                e.rx_compressed,
                e.rx_multicast,
                e.tx_bytes,
                e.tx_packets,
                e.tx_errs,
                e.tx_drop,
                e.tx_fifo,
                e.tx_colls,
                e.tx_carrier,
                e.tx_compressed
            ],
            [123456789, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
        );
        assert_eq!(v[2].name, "veryveryverylong0");
        assert_eq!(v[2].rx_bytes, u64::MAX);
        assert_eq!(v[2].tx_bytes, 1);
    }

    #[test]
    fn headers_only_or_short_file_is_empty() {
        assert_eq!(net_dev(HEADER.as_bytes()).unwrap(), vec![]);
        assert_eq!(net_dev(b"").unwrap(), vec![]);
        assert_eq!(net_dev(b"only one line").unwrap(), vec![]);
        // No trailing newline on the last line.
        let text = format!("{HEADER}lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16");
        assert_eq!(net_dev(text.as_bytes()).unwrap()[0].tx_compressed, 16);
    }

    #[test]
    fn bad_lines_are_errors() {
        for body in [
            "lo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
            ": 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
            "lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n",
            "lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
            "lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 -16\n",
            "lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 18446744073709551616\n",
            "lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 1x\n",
            "\n",
        ] {
            let text = format!("{HEADER}{body}");
            assert!(net_dev(text.as_bytes()).is_err(), "{body:?}");
        }
    }

    #[test]
    fn invalid_utf8_name_is_lossy() {
        let mut text = HEADER.as_bytes().to_vec();
        text.extend_from_slice(b"e\xfft: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
        assert_eq!(net_dev(&text).unwrap()[0].name, "e\u{fffd}t");
    }
}
