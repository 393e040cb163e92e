//! Human-readable sizes (psutil's `bytes2human`, from `psutil._common`).
//!
//! Sizes are scaled by powers of 1024 and given one of the symbols `B K M G T P E Z Y`
//! (`K` = 1024 bytes, `M` = 1024², ...). A `u64` never reaches `Z` or `Y`; they are kept for
//! completeness.
//!
//! ```
//! use sysgauge::bytes2human;
//! assert_eq!(bytes2human(10000), "9.8K");
//! assert_eq!(bytes2human(100001221), "95.4M");
//! assert_eq!(bytes2human(512), "512.0B");
//! ```

/// The symbols of the 1024-based units, from bytes (`B`) up to yobibytes (`Y`).
pub const BYTES2HUMAN_SYMBOLS: [&str; 9] = ["B", "K", "M", "G", "T", "P", "E", "Z", "Y"];

/// `n` bytes as a value and a unit symbol: the largest unit of [`BYTES2HUMAN_SYMBOLS`] that
/// is at most `n` and `n` divided by it (e.g. `(9.765625, "K")` for 10000); below 1024,
/// `(n, "B")`. The division is done on `n` converted to `f64`, as psutil does.
pub fn bytes2human_parts(n: u64) -> (f64, &'static str) {
    let wide = u128::from(n);
    for (i, symbol) in BYTES2HUMAN_SYMBOLS.iter().enumerate().skip(1).rev() {
        // 2^(10*i) for i in 1..=8: at most 2^80, well within u128.
        let prefix = 1u128 << (10 * i);
        if wide >= prefix {
            return (n as f64 / prefix as f64, symbol);
        }
    }
    (n as f64, "B")
}

/// `n` bytes in the unit chosen by [`bytes2human_parts`], formatted by `format(value,
/// symbol)`: psutil's `bytes2human(n, format=...)` with a closure instead of a `%` format.
///
/// ```
/// let s = sysgauge::bytes2human_with(3 * 1024 * 1024, |v, s| format!("{v:.2} {s}iB"));
/// assert_eq!(s, "3.00 MiB");
/// ```
pub fn bytes2human_with(n: u64, format: impl FnOnce(f64, &str) -> String) -> String {
    let (value, symbol) = bytes2human_parts(n);
    format(value, symbol)
}

/// `n` bytes as psutil's `bytes2human(n)` writes them: the value with one decimal and the
/// unit symbol, no space (`"0.0B"`, `"1023.0B"`, `"1.0K"`, `"9.8K"`, `"16.0E"` for
/// `u64::MAX`). Ties round to even, as Python's `%.1f` does (`1280` is `"1.2K"`).
pub fn bytes2human(n: u64) -> String {
    bytes2human_with(n, |value, symbol| format!("{value:.1}{symbol}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(bytes2human(0), "0.0B");
        assert_eq!(bytes2human(1), "1.0B");
        assert_eq!(bytes2human(1023), "1023.0B");
        assert_eq!(bytes2human(1024), "1.0K");
        assert_eq!(bytes2human(1280), "1.2K");
        assert_eq!(bytes2human(1024 * 1024 - 1), "1024.0K");
        assert_eq!(bytes2human(1 << 60), "1.0E");
        assert_eq!(bytes2human(u64::MAX), "16.0E");
        assert_eq!(bytes2human_parts(1 << 30), (1.0, "G"));
    }
}
