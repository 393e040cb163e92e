#![no_main]
//! hwmon::py_int (and rpm): an integer prints and parses back to itself, rpm is py_int, and
//! py_float reads the same text as the same number.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::hwmon;

fuzz_target!(|data: &[u8]| {
    let r = hwmon::py_int(data);
    assert_eq!(hwmon::rpm(data), r);
    let Ok(v) = r else { return };
    assert_eq!(hwmon::py_int(format!(" {v}\n").as_bytes()), Ok(v));
    assert_eq!(hwmon::py_float(data), Ok(v as f64));
});
