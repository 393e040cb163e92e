//! Live tests of `sensors_temperatures`, `sensors_fans` and `sensors_battery` against psutil
//! 7.2.2 and against a direct listing of `/sys/class/{hwmon,thermal,power_supply}`.
//!
//! (The fixture tests, which check exact values and compare with psutil on the same trees,
//! are unit tests of the backend: `platform::linux::sensors::tests`.)
mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;

/// psutil's floats as `repr` strings (serde_json's default float parsing may be one ulp
/// off; Rust's `str::parse` is exact), so that exact values can be compared.
const REPR: &str = r#"
def r(x):
    return None if x is None else repr(float(x))
"#;

fn f(v: &Value) -> Option<f64> {
    v.as_str().map(|s| s.parse().expect("a float repr"))
}

/// Names of `dir`'s entries, sorted; empty when it does not exist.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn read_trim(p: &Path) -> Option<String> {
    fs::read_to_string(p).ok().map(|s| s.trim().to_string())
}

/// The `(chip name, label)` of every hwmon sensor of `kind` ("temp" or "fan") whose
/// `<base>_input` reads as a number and whose chip `name` is readable, found with plain
/// directory listings (both the `hwmonN/` and `hwmonN/device/` layouts).
fn hwmon_sensors(kind: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let class = Path::new("/sys/class/hwmon");
    // Fans are looked for in `device/` only when no hwmon directory has any `fan*_*` file.
    let top_fans = names(class).iter().any(|h| {
        names(&class.join(h))
            .iter()
            .any(|n| n.starts_with("fan") && n.contains('_'))
    });
    for h in names(class) {
        let mut dirs = Vec::new();
        if kind == "temp" || top_fans {
            dirs.push(class.join(&h));
        }
        if kind == "temp" || !top_fans {
            dirs.push(class.join(&h).join("device"));
        }
        for d in dirs {
            for n in names(&d) {
                let Some(base) = n.strip_suffix("_input").filter(|b| b.starts_with(kind)) else {
                    continue;
                };
                if read_trim(&d.join(&n))
                    .and_then(|v| v.parse::<f64>().ok())
                    .is_none()
                {
                    continue;
                }
                let Some(chip) = read_trim(&d.join("name")) else {
                    continue;
                };
                let label = read_trim(&d.join(format!("{base}_label"))).unwrap_or_default();
                out.push((chip, label));
            }
        }
    }
    out.sort();
    out
}

fn flatten<T>(m: &BTreeMap<String, Vec<T>>, label: impl Fn(&T) -> String) -> Vec<(String, String)> {
    let label = &label;
    let mut v: Vec<(String, String)> = m
        .iter()
        .flat_map(|(k, ts)| ts.iter().map(move |t| (k.clone(), label(t))))
        .collect();
    v.sort();
    v
}

#[test]
fn temperatures_match_psutil_and_sysfs() {
    for fahrenheit in [false, true] {
        let ours = sysgauge::sensors_temperatures(fahrenheit).unwrap();
        let theirs = common::psutil(&format!(
            "{REPR}\nout = {{k: [[t.label, r(t.current), r(t.high), r(t.critical)] for t in v] \
             for k, v in psutil.sensors_temperatures(fahrenheit={}).items()}}",
            if fahrenheit { "True" } else { "False" }
        ));
        let theirs = theirs.as_object().unwrap();
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "chip names"
        );
        for (chip, temps) in &ours {
            let t2 = theirs[chip].as_array().unwrap();
            assert_eq!(temps.len(), t2.len(), "{chip}: sensor count");
            for (a, b) in temps.iter().zip(t2) {
                assert_eq!(a.label, b[0].as_str().unwrap(), "{chip}: label");
                // Temperatures move between the two reads; 5 degrees is far more than a
                // sensor drifts in the second between them, far less than a wrong unit.
                common::assert_close(
                    &format!("{chip} {}", a.label),
                    a.current,
                    f(&b[1]).unwrap(),
                    5.0,
                );
                assert_eq!(a.high, f(&b[2]), "{chip} {}: high", a.label);
                assert_eq!(a.critical, f(&b[3]), "{chip} {}: critical", a.label);
            }
        }
    }

    // Against a plain listing: every readable hwmon temperature, or else every readable
    // thermal zone.
    let ours = sysgauge::sensors_temperatures(false).unwrap();
    let direct = hwmon_sensors("temp");
    if direct.is_empty() && names(Path::new("/sys/class/hwmon")).is_empty() {
        let zones: Vec<(String, String)> = {
            let mut v: Vec<(String, String)> = names(Path::new("/sys/class/thermal"))
                .iter()
                .filter(|z| z.starts_with("thermal_zone"))
                .map(|z| Path::new("/sys/class/thermal").join(z))
                .filter(|z| {
                    read_trim(&z.join("temp"))
                        .and_then(|t| t.parse::<f64>().ok())
                        .is_some()
                })
                .filter_map(|z| Some((read_trim(&z.join("type"))?, String::new())))
                .collect();
            v.sort();
            v
        };
        assert_eq!(flatten(&ours, |t| t.label.clone()), zones);
    } else {
        assert_eq!(flatten(&ours, |t| t.label.clone()), direct);
    }
}

#[test]
fn fans_match_psutil_and_sysfs() {
    let ours = sysgauge::sensors_fans().unwrap();
    let theirs = common::psutil("out = psutil.sensors_fans()");
    let theirs = theirs.as_object().unwrap();
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (chip, fans) in &ours {
        let f2 = theirs[chip].as_array().unwrap();
        assert_eq!(fans.len(), f2.len(), "{chip}: fan count");
        for (a, b) in fans.iter().zip(f2) {
            assert_eq!(a.label, b["label"].as_str().unwrap());
            // Fan speed moves between reads: allow 20% (or 200 RPM) of difference.
            let rpm = b["current"].as_i64().unwrap() as f64;
            common::assert_close(&a.label, a.current as f64, rpm, (rpm * 0.2).max(200.0));
        }
    }
    assert_eq!(flatten(&ours, |f| f.label.clone()), hwmon_sensors("fan"));
}

#[test]
fn battery_matches_psutil_and_sysfs() {
    let theirs = common::psutil(
        "try:\n    b = psutil.sensors_battery()\n\
         except FileNotFoundError:\n    b = 'missing'\n\
         out = b if b in (None, 'missing') else [float(b.percent), int(b.secsleft), b.power_plugged]",
    );
    if !Path::new("/sys/class/power_supply").exists() {
        // No power_supply class (some containers): psutil's os.listdir raises
        // FileNotFoundError; so do we.
        assert_eq!(theirs, "missing");
        assert!(sysgauge::sensors_battery().unwrap_err().is_not_found());
        return;
    }
    let ours = sysgauge::sensors_battery().unwrap();
    let listed: Vec<String> = names(Path::new("/sys/class/power_supply"))
        .into_iter()
        .filter(|n| n.starts_with("BAT") || n.to_lowercase().contains("battery"))
        .collect();
    match ours {
        None => {
            assert!(theirs.is_null(), "psutil sees a battery: {theirs}");
            // No battery directory, or one psutil also gives up on (no capacity/energy).
            if let Some(first) = listed.first() {
                let d = Path::new("/sys/class/power_supply").join(first);
                assert!(!d.join("capacity").exists() && !d.join("energy_now").exists());
            }
        }
        Some(b) => {
            assert!(!listed.is_empty(), "a battery without a BAT*/battery entry");
            let t = theirs.as_array().expect("psutil sees the battery too");
            // The charge moves slowly; one percent covers two reads far apart.
            common::assert_close("percent", b.percent, t[0].as_f64().unwrap(), 1.0);
            assert_eq!(b.power_plugged, t[2].as_bool(), "power_plugged");
            let secs = t[1].as_i64().unwrap();
            match b.secsleft {
                sysgauge::SecsLeft::Seconds(s) => {
                    // Power draw fluctuates between reads: allow 30%.
                    assert!(secs >= 0, "psutil says {secs}, we say {s} s");
                    common::assert_close(
                        "secsleft",
                        s as f64,
                        secs as f64,
                        (secs as f64 * 0.3).max(60.0),
                    );
                }
                other => assert_eq!(other.as_psutil(), secs),
            }
        }
    }
}

#[test]
fn no_sensors_on_this_machine_means_empty_results() {
    // On a machine without hwmon, thermal zones or power supplies (a VM or container, like
    // the CI machine), each call is empty, exactly as psutil's {} / {} / None.
    let hwmon = names(Path::new("/sys/class/hwmon"));
    let zones = names(Path::new("/sys/class/thermal"));
    if hwmon.is_empty() && zones.iter().all(|z| !z.starts_with("thermal_zone")) {
        assert!(sysgauge::sensors_temperatures(false).unwrap().is_empty());
        assert!(sysgauge::sensors_fans().unwrap().is_empty());
    }
    if Path::new("/sys/class/power_supply").is_dir() {
        let bats = names(Path::new("/sys/class/power_supply"))
            .into_iter()
            .filter(|n| n.starts_with("BAT") || n.to_lowercase().contains("battery"))
            .count();
        if bats == 0 {
            assert_eq!(sysgauge::sensors_battery().unwrap(), None);
        }
    }
}
