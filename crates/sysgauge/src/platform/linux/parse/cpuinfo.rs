//! `/proc/cpuinfo`: one block of `key\t: value` lines per online CPU, blocks separated by
//! an empty line.
//!
//! proc(5): "This is a collection of CPU and system architecture dependent items, for each
//! supported architecture a different list." On x86 each block has, among others (`\t`
//! stands for a tab):
//!
//! ```text
//! processor\t: 0
//! cpu MHz\t\t: 2596.122
//! physical id\t: 0
//! core id\t\t: 0
//! cpu cores\t: 2
//! ```
//!
//! The keys are matched case-insensitively, as psutil does; other architectures may lack
//! `cpu MHz`, `physical id` and `cpu cores` altogether.

use std::collections::BTreeMap;

use crate::error::ParseError;

/// The lines as Python iterates a file: a final newline ends the last line, it does not
/// start an empty one.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.strip_suffix(b"\n")
        .unwrap_or(data)
        .split(|&b| b == b'\n')
}

/// True when `line` starts with `prefix` (given in lower case), ignoring ASCII case.
fn starts_with_ci(line: &[u8], prefix: &[u8]) -> bool {
    line.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Python's `bytes.strip()` whitespace (ASCII whitespace and VT).
fn py_trim(s: &[u8]) -> &[u8] {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = s.iter().position(|b| !ws(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !ws(b)).map_or(start, |e| e + 1);
    s.get(start..end).unwrap_or_default()
}

/// How many lines start with `processor` (any case): the number of CPU blocks.
pub fn processor_count(data: &[u8]) -> usize {
    lines(data)
        .filter(|l| starts_with_ci(l, b"processor"))
        .count()
}

/// The `cpu MHz` value of every block, in file order, in MHz.
pub fn mhz(data: &[u8]) -> Result<Vec<f64>, ParseError> {
    let mut out = Vec::new();
    for line in lines(data) {
        if !starts_with_ci(line, b"cpu mhz") {
            continue;
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or_else(|| ParseError::new("cpu MHz line has no ':'"))?;
        let value = std::str::from_utf8(py_trim(line.get(colon + 1..).unwrap_or_default()))
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .ok_or_else(|| ParseError::new("cpu MHz is not a number"))?;
        out.push(value);
    }
    Ok(out)
}

/// A decimal integer with optional sign, as Python's `int()` reads it after trimming.
fn int(s: &[u8]) -> Result<i64, ParseError> {
    std::str::from_utf8(py_trim(s))
        .ok()
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| ParseError::new("cpuinfo value is not an integer"))
}

/// The number of physical cores from the `physical id` and `cpu cores` lines: for each
/// distinct `physical id`, the `cpu cores` of the last block naming it, summed. A block
/// counts only once an empty line closes it. `None` when no block has both keys or the sum
/// is below 1 (psutil's `cpu_count(logical=False)` fallback).
///
/// As psutil, a `physical id` or `cpu cores` line must be `key\t: integer`.
pub fn physical_cores(data: &[u8]) -> Result<Option<usize>, ParseError> {
    let mut cores_per_package: BTreeMap<i64, i64> = BTreeMap::new();
    let mut package: Option<i64> = None;
    let mut cores: Option<i64> = None;
    for raw in lines(data) {
        let line = py_trim(raw);
        if line.is_empty() {
            if let (Some(p), Some(c)) = (package, cores) {
                cores_per_package.insert(p, c);
            }
            package = None;
            cores = None;
            continue;
        }
        if !(starts_with_ci(line, b"physical id") || starts_with_ci(line, b"cpu cores")) {
            continue;
        }
        let sep = line
            .windows(2)
            .position(|w| w == b"\t:")
            .ok_or_else(|| ParseError::new("cpuinfo line has no '\\t:'"))?;
        let key = line.get(..sep).unwrap_or_default();
        let value = int(line.get(sep + 2..).unwrap_or_default())?;
        if key.eq_ignore_ascii_case(b"physical id") {
            package = Some(value);
        } else if key.eq_ignore_ascii_case(b"cpu cores") {
            cores = Some(value);
        }
    }
    let sum = cores_per_package
        .values()
        .fold(0i64, |acc, &c| acc.saturating_add(c));
    Ok(usize::try_from(sum).ok().filter(|&n| n >= 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_CORES: &[u8] = b"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu MHz\t\t: 2596.122\nphysical id\t: 0\ncore id\t\t: 0\ncpu cores\t: 2\n\nprocessor\t: 1\ncpu MHz\t\t: 2400.5\nphysical id\t: 0\ncore id\t\t: 1\ncpu cores\t: 2\n\n";

    #[test]
    fn counts_and_mhz() {
        assert_eq!(processor_count(TWO_CORES), 2);
        assert_eq!(mhz(TWO_CORES).unwrap(), vec![2596.122, 2400.5]);
        assert_eq!(physical_cores(TWO_CORES).unwrap(), Some(2));
        assert_eq!(processor_count(b"Processor : ARMv7\n"), 1);
    }

    #[test]
    fn two_packages_and_unclosed_block() {
        let two = b"physical id\t: 0\ncpu cores\t: 4\n\nphysical id\t: 1\ncpu cores\t: 4\n\nphysical id\t: 1\ncpu cores\t: 4\n\n";
        assert_eq!(physical_cores(two).unwrap(), Some(8));
        // The last block is not closed by an empty line: not counted.
        assert_eq!(
            physical_cores(b"physical id\t: 0\ncpu cores\t: 4\n").unwrap(),
            None
        );
        // A key written with two tabs is not the key psutil looks up.
        assert_eq!(
            physical_cores(b"physical id\t\t: 0\ncpu cores\t: 4\n\n").unwrap(),
            None
        );
    }

    #[test]
    fn garbage() {
        assert!(mhz(b"cpu MHz 100\n").is_err());
        assert!(mhz(b"cpu MHz\t: fast\n").is_err());
        assert!(physical_cores(b"physical id : 0\n").is_err());
        assert!(physical_cores(b"cpu cores\t: x\n").is_err());
        assert_eq!(processor_count(b"\xff\xfe"), 0);
        assert_eq!(mhz(b"").unwrap(), Vec::<f64>::new());
    }
}
