//! `/proc/loadavg`: the load averages.
//!
//! proc(5): "The first three fields in this file are load average figures giving the number
//! of jobs in the run queue (state R) or waiting for disk I/O (state D) averaged over 1, 5,
//! and 15 minutes. … The fourth field consists of two numbers separated by a slash (/).
//! … The fifth field is the PID of the process that was most recently created on the
//! system." Example: `0.37 0.34 0.18 1/90 9398`.

use crate::error::ParseError;

/// The 1, 5 and 15 minute load averages: the first three fields of `/proc/loadavg`.
pub fn loadavg(data: &[u8]) -> Result<(f64, f64, f64), ParseError> {
    let mut fields = data
        .split(u8::is_ascii_whitespace)
        .filter(|f| !f.is_empty());
    let mut next = |which: &str| -> Result<f64, ParseError> {
        fields
            .next()
            .and_then(|f| std::str::from_utf8(f).ok())
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .ok_or_else(|| ParseError::new(format!("{which} load average missing or not a number")))
    };
    Ok((next("1-minute")?, next("5-minute")?, next("15-minute")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            loadavg(b"0.37 0.34 0.18 1/90 9398\n"),
            Ok((0.37, 0.34, 0.18))
        );
        assert_eq!(loadavg(b"12.00 7.50 3.25\n"), Ok((12.0, 7.5, 3.25)));
        assert!(loadavg(b"0.37 0.34\n").is_err());
        assert!(loadavg(b"0.37 x 0.18\n").is_err());
        assert!(loadavg(b"inf 0 0\n").is_err());
        assert!(loadavg(b"").is_err());
        assert!(loadavg(b"\xff 1 2").is_err());
    }
}
