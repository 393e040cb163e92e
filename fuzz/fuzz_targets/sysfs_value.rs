#![no_main]
//! sysfs::text / u64_value / i64_value: the text is the input trimmed, both integer readings
//! agree where both fit, and values print and read back equal.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::sysfs;

fuzz_target!(|data: &[u8]| {
    let t = sysfs::text(data);
    assert_eq!(t, data.trim_ascii());
    assert_eq!(sysfs::text(t), t);
    let u = sysfs::u64_value(data);
    let i = sysfs::i64_value(data);
    if let (Ok(u), Ok(i)) = (&u, &i) {
        assert_eq!(i64::try_from(*u).ok(), Some(*i));
    }
    if let Ok(u) = u {
        assert_eq!(sysfs::u64_value(format!("{u}\n").as_bytes()), Ok(u));
        if let Ok(small) = i64::try_from(u) {
            assert_eq!(sysfs::i64_value(data), Ok(small));
        }
    }
    if let Ok(i) = i {
        assert_eq!(sysfs::i64_value(format!(" {i}\n").as_bytes()), Ok(i));
    }
});
