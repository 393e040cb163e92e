#![no_main]
//! power_supply::status_plugged: Some exactly for the three status words (any case, around
//! whitespace), matching a plain reading of the text.
use libfuzzer_sys::fuzz_target;
use sysgauge::platform::linux::parse::hwmon::text;
use sysgauge::platform::linux::parse::power_supply::status_plugged;

fuzz_target!(|data: &[u8]| {
    let word = text(data).to_lowercase();
    let want = match word.as_str() {
        "discharging" => Some(false),
        "charging" | "full" => Some(true),
        _ => None,
    };
    assert_eq!(status_plugged(data), want);
    if let Some(p) = want {
        assert_eq!(status_plugged(format!("  {word}\n").as_bytes()), Some(p));
    }
});
