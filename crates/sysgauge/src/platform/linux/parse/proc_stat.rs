//! `/proc/stat`: kernel/system statistics.
//!
//! proc(5): "`btime 769041601` — boot time, in seconds since the Epoch".

use crate::error::ParseError;

/// The `btime` line of `/proc/stat`: boot time in seconds since the Epoch.
pub fn btime(data: &[u8]) -> Result<u64, ParseError> {
    for line in data.split(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"btime ") {
            return std::str::from_utf8(rest)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| ParseError::new("btime is not a number"));
        }
    }
    Err(ParseError::new("no btime line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn btime_found_and_missing() {
        assert_eq!(btime(b"cpu 1 2\nbtime 1700000000\nprocesses 5\n"), Ok(1_700_000_000));
        assert!(btime(b"cpu 1 2\n").is_err());
        assert!(btime(b"btime x\n").is_err());
    }
}
