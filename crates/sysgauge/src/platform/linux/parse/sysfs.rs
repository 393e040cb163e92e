//! Single-value sysfs attributes.
//!
//! sysfs(5): "each file contains one value" — a number or a word followed by a newline.

use crate::error::ParseError;

/// The attribute's text without surrounding whitespace (the kernel ends it with `\n`).
pub fn text(data: &[u8]) -> &[u8] {
    data.trim_ascii()
}

/// The attribute as an unsigned integer.
pub fn u64_value(data: &[u8]) -> Result<u64, ParseError> {
    std::str::from_utf8(text(data))
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ParseError::new("not an unsigned integer"))
}

/// The attribute as a signed integer (hwmon temperatures can be negative).
pub fn i64_value(data: &[u8]) -> Result<i64, ParseError> {
    std::str::from_utf8(text(data))
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ParseError::new("not an integer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(text(b" Charging\n"), b"Charging");
        assert_eq!(u64_value(b"2400000\n"), Ok(2_400_000));
        assert_eq!(i64_value(b"-5000\n"), Ok(-5000));
        assert!(u64_value(b"-1\n").is_err());
        assert!(u64_value(b"").is_err());
        assert!(i64_value(b"\xff").is_err());
    }
}
