//! hwmon and thermal-zone attributes, read the way psutil reads them.
//!
//! Documentation/hwmon/sysfs-interface.rst: "All sysfs values are fixed point numbers";
//! "`temp[1-*]_input` Temperature input value. Unit: millidegree Celsius", "`temp[1-*]_max`
//! Temperature max value. Unit: millidegree Celsius", "`temp[1-*]_crit` Temperature critical
//! max value, typically greater than corresponding temp_max values. Unit: millidegree
//! Celsius", "`temp[1-*]_label` Suggested temperature channel label. Text string",
//! "`fan[1-*]_input` Fan input value. Unit: revolution/min (RPM)", and "`name` The chip
//! name."
//!
//! sysfs-class-thermal: "`thermal_zoneX/temp` Current temperature as reported by thermal
//! zone (sensor). Unit: millidegree Celsius", "`trip_point_Y_temp` The temperature above
//! which trip point will be fired. Unit: millidegree Celsius", "`trip_point_Y_type` Strings
//! which indicate the type of the trip point. Possible values are: critical, hot, passive,
//! active[0-*]".
//!
//! psutil turns these bytes into numbers with Python's `float()` and `int()`, which accept
//! surrounding ASCII whitespace and single underscores between digits; [`py_float`] and
//! [`py_int`] accept exactly that grammar (integers must fit in an `i64`). Text attributes
//! are decoded as UTF-8 (invalid bytes become U+FFFD), with Python's universal-newline
//! translation and `str.strip()`: [`text`].

use crate::error::ParseError;

/// Python's `bytes.isspace()` set: space, `\t`, `\n`, `\v`, `\f`, `\r`.
fn is_py_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The bytes without leading and trailing whitespace, as Python's `bytes.strip()` does.
pub fn strip(data: &[u8]) -> &[u8] {
    let start = data
        .iter()
        .position(|&b| !is_py_space(b))
        .unwrap_or(data.len());
    let end = data
        .iter()
        .rposition(|&b| !is_py_space(b))
        .map_or(start, |i| i + 1);
    data.get(start..end.max(start)).unwrap_or(&[])
}

/// Removes the underscores of a Python numeric literal, which are only allowed singly and
/// between two digits; `None` when one is misplaced.
fn without_underscores(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    for (i, &b) in s.iter().enumerate() {
        if b == b'_' {
            let prev = i.checked_sub(1).and_then(|p| s.get(p));
            let next = s.get(i + 1);
            match (prev, next) {
                (Some(p), Some(n)) if p.is_ascii_digit() && n.is_ascii_digit() => continue,
                _ => return None,
            }
        }
        out.push(b);
    }
    Some(out)
}

/// The bytes as Python's `int(data)` reads them (base 10): optional whitespace, an optional
/// sign, ASCII digits with single underscores between them, optional whitespace. Values
/// outside the `i64` range are an error (Python would give a big integer).
pub fn py_int(data: &[u8]) -> Result<i64, ParseError> {
    let s = strip(data);
    let err = || ParseError::new("not an integer");
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, s.get(1..).unwrap_or(&[])),
        Some(b'+') => (false, s.get(1..).unwrap_or(&[])),
        _ => (false, s),
    };
    if digits.first().is_none_or(|b| !b.is_ascii_digit()) {
        return Err(err());
    }
    let digits = without_underscores(digits).ok_or_else(err)?;
    let mut v: i64 = 0;
    for &d in &digits {
        if !d.is_ascii_digit() {
            return Err(err());
        }
        let d = i64::from(d - b'0');
        v = v
            .checked_mul(10)
            .and_then(|v| {
                if neg {
                    v.checked_sub(d)
                } else {
                    v.checked_add(d)
                }
            })
            .ok_or_else(|| ParseError::new("integer out of range"))?;
    }
    Ok(v)
}

/// The bytes as Python's `float(data)` reads them: optional whitespace, a decimal number
/// (digits, optional fraction, optional exponent, single underscores between digits) or
/// `inf`/`infinity`/`nan` in any case, with an optional sign, optional whitespace.
pub fn py_float(data: &[u8]) -> Result<f64, ParseError> {
    let err = || ParseError::new("not a number");
    let s = without_underscores(strip(data)).ok_or_else(err)?;
    // Rust's f64 grammar is Python's once whitespace and underscores are gone, except that
    // Rust takes no whitespace (already stripped) and no underscores (already removed).
    std::str::from_utf8(&s)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .ok_or_else(err)
}

/// A temperature attribute in millidegrees Celsius, as degrees Celsius (psutil's
/// `float(value) / 1000.0`).
pub fn millidegrees(data: &[u8]) -> Result<f64, ParseError> {
    Ok(py_float(data)? / 1000.0)
}

/// A fan's `fan*_input` in RPM (psutil's `int(value)`).
pub fn rpm(data: &[u8]) -> Result<i64, ParseError> {
    py_int(data)
}

/// Python's `str.isspace()`: Unicode White_Space plus the separators `\x1c`..`\x1f`.
fn is_py_str_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// A text attribute (`name`, `temp*_label`, `type`, `trip_point_*_type`, `status`) as psutil
/// reads it with `cat(path).strip()`: UTF-8 (invalid bytes become U+FFFD), `\r\n` and `\r`
/// turned into `\n`, surrounding whitespace removed.
pub fn text(data: &[u8]) -> String {
    let s = String::from_utf8_lossy(data);
    let s = if s.contains('\r') {
        std::borrow::Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        s
    };
    s.trim_matches(is_py_str_space).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_follow_python() {
        assert_eq!(py_int(b"1200\n"), Ok(1200));
        assert_eq!(py_int(b" \x0b-5\t"), Ok(-5));
        assert_eq!(py_int(b"+007"), Ok(7));
        assert_eq!(py_int(b"1_000"), Ok(1000));
        assert_eq!(py_int(b"-9223372036854775808"), Ok(i64::MIN));
        assert!(py_int(b"9223372036854775808").is_err());
        for bad in [
            &b""[..],
            b"\n",
            b"-",
            b"_1",
            b"1_",
            b"1__0",
            b"1.0",
            b"- 1",
            b"0x10",
            b"1 2",
            b"12\0",
            b"\xff",
        ] {
            assert!(py_int(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn floats_follow_python() {
        assert_eq!(py_float(b"45000\n"), Ok(45000.0));
        assert_eq!(py_float(b"-1.5e3"), Ok(-1500.0));
        assert_eq!(py_float(b"1_0.2_5"), Ok(10.25));
        assert_eq!(py_float(b".5"), Ok(0.5));
        assert_eq!(py_float(b"5."), Ok(5.0));
        assert_eq!(py_float(b" Infinity "), Ok(f64::INFINITY));
        assert_eq!(py_float(b"-inf"), Ok(f64::NEG_INFINITY));
        assert!(py_float(b"nan").is_ok_and(f64::is_nan));
        for bad in [
            &b""[..],
            b".",
            b"e5",
            b"1e",
            b"1_.5",
            b"_1",
            b"1,5",
            b"N/A",
            b"5\0",
        ] {
            assert!(py_float(bad).is_err(), "{bad:?}");
        }
        assert_eq!(millidegrees(b"52000\n"), Ok(52.0));
        assert_eq!(millidegrees(b"-7500\n"), Ok(-7.5));
        assert_eq!(rpm(b"2415\n"), Ok(2415));
    }

    #[test]
    fn text_is_stripped_like_python() {
        assert_eq!(text(b"coretemp\n"), "coretemp");
        assert_eq!(text(b"  Package id 0\x1c\n"), "Package id 0");
        assert_eq!(text(b"a\rb\r\n"), "a\nb");
        assert_eq!(text(b"\xffx\n"), "\u{fffd}x");
        assert_eq!(text(b""), "");
        assert_eq!(strip(b" \x0bab \x0c"), b"ab");
        assert_eq!(strip(b"   "), b"");
    }
}
