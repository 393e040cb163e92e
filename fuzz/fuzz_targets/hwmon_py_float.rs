#![no_main]
//! hwmon::py_float (and millidegrees): a number prints and parses back to itself and
//! millidegrees is the value divided by 1000.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::hwmon;

fuzz_target!(|data: &[u8]| {
    let r = hwmon::py_float(data);
    let m = hwmon::millidegrees(data);
    assert_eq!(r.is_ok(), m.is_ok());
    let Ok(v) = r else { return };
    let m = m.unwrap_or_default();
    if v.is_nan() {
        assert!(m.is_nan());
        return;
    }
    assert_eq!(m, v / 1000.0);
    assert_eq!(hwmon::py_float(format!("{v:?}\n").as_bytes()), Ok(v));
});
