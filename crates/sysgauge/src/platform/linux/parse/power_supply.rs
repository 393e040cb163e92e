//! `/sys/class/power_supply/<name>/*` attributes, read the way psutil reads them.
//!
//! sysfs-class-power (Documentation/ABI/testing/sysfs-class-power):
//!
//! - "`capacity` Fine grain representation of battery capacity. Valid values: 0 - 100
//!   (percent)".
//! - "`energy_now`, `energy_full`" (µWh), "`charge_now`, `charge_full`" (µAh), "`power_now`"
//!   (µW), "`current_now`" (µA; "Reports an instant, single IV reading for the current
//!   flowing through the battery"), "`time_to_empty_now`" (minutes in psutil's reading) —
//!   each one integer.
//! - "`status` Represents the charging status of the battery. Valid values: Unknown,
//!   Charging, Discharging, Not charging, Full".
//! - "`online`" (of a `Mains`/`USB` supply such as `AC`): "0: Offline, 1: Online Fixed,
//!   2: Online Programmable".
//!
//! psutil reads the numeric ones with Python's `int()` and, when that fails, keeps the
//! stripped bytes instead ([`attr`]); `capacity` is read as text and must be an integer
//! ([`capacity`]); `status` is compared, stripped and lower-cased ([`status_plugged`]).

use super::hwmon::{py_int, strip, text};
use crate::error::ParseError;

/// A numeric power-supply attribute: the integer psutil's `int()` reads, or the stripped
/// bytes it keeps when the content is not an integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attr {
    /// The attribute is an integer (in the attribute's own unit).
    Int(i64),
    /// The attribute is not an integer (or not one that fits an `i64`): its bytes without
    /// surrounding whitespace.
    Other(Vec<u8>),
}

/// Reads a numeric attribute such as `energy_now` or `online`.
pub fn attr(data: &[u8]) -> Attr {
    match py_int(data) {
        Ok(v) => Attr::Int(v),
        Err(_) => Attr::Other(strip(data).to_vec()),
    }
}

/// Reads `capacity` (percent) as psutil does, with `int()` over the text.
pub fn capacity(data: &[u8]) -> Result<i64, ParseError> {
    py_int(text(data).as_bytes())
}

/// What `status` says about the AC adapter: `Some(false)` for `Discharging`, `Some(true)`
/// for `Charging` or `Full` (any case, surrounding whitespace ignored), `None` otherwise.
pub fn status_plugged(data: &[u8]) -> Option<bool> {
    match text(data).to_lowercase().as_str() {
        "discharging" => Some(false),
        "charging" | "full" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attrs() {
        assert_eq!(attr(b"48200000\n"), Attr::Int(48_200_000));
        assert_eq!(attr(b"-1234\n"), Attr::Int(-1234));
        assert_eq!(attr(b" N/A \n"), Attr::Other(b"N/A".to_vec()));
        assert_eq!(attr(b"\n"), Attr::Other(Vec::new()));
        assert_eq!(
            attr(b"99999999999999999999"),
            Attr::Other(b"99999999999999999999".to_vec())
        );
    }

    #[test]
    fn capacity_and_status() {
        assert_eq!(capacity(b"85\n"), Ok(85));
        assert_eq!(capacity(b"\xc2\xa085 "), Ok(85));
        assert!(capacity(b"full\n").is_err());
        assert!(capacity(b"").is_err());
        assert_eq!(status_plugged(b"Discharging\n"), Some(false));
        assert_eq!(status_plugged(b"Charging\n"), Some(true));
        assert_eq!(status_plugged(b"FULL"), Some(true));
        assert_eq!(status_plugged(b"Not charging\n"), None);
        assert_eq!(status_plugged(b"Unknown\n"), None);
        assert_eq!(status_plugged(b"\xff"), None);
    }
}

#[cfg(test)]
mod smoke {
    /// Pseudo-random inputs (a fixed LCG) through every parser of this module and of
    /// `hwmon`: none may panic. The fuzz targets do this at length.
    #[test]
    fn no_panics_on_noise() {
        let alphabet = b"0123456789 _-+.eE\n\r\x0b\x1cinfaNA\xff\xc2\xa0";
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (x >> 60) as usize;
            let data: Vec<u8> = (0..len)
                .map(|i| alphabet[((x >> (i * 4 % 56)) as usize + i) % alphabet.len()])
                .collect();
            let _ = super::attr(&data);
            let _ = super::capacity(&data);
            let _ = super::status_plugged(&data);
            let _ = super::super::hwmon::py_int(&data);
            let _ = super::super::hwmon::py_float(&data);
            let _ = super::super::hwmon::text(&data);
        }
    }
}
