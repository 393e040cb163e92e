//! `sysgauge sensors`, `temperatures`, `fans` and `battery`, run as programs on the
//! library's sysfs fixtures (`SYSGAUGE_SYSFS_PATH`) and on this machine.
//!
//! Each output is checked three ways: against text worked out by hand from the fixture
//! files (written out below), against the library's values on the same tree, and against
//! psutil 7.2.2 on the same tree. psutil reads `/sys` literally, so it is run with the
//! fixture bind-mounted over `/sys` in a private mount namespace (`unshare -m`); where
//! this machine does not allow that, the psutil comparison is skipped with a message and
//! the other two checks still run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use serde_json::Value;

/// A fixture's `sys/` tree (the library crate's `tests/fixtures/<name>/sys`).
fn fixture_sys(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sysgauge/tests/fixtures")
        .join(name)
        .join("sys")
}

/// Runs `sysgauge args` reading sysfs below `sys` (the machine's own when `None`).
fn run_at(sys: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = common::sysgauge_cmd(args);
    match sys {
        Some(s) => cmd.env("SYSGAUGE_SYSFS_PATH", s),
        None => cmd.env_remove("SYSGAUGE_SYSFS_PATH"),
    };
    cmd.env_remove("SYSGAUGE_PROCFS_PATH");
    cmd.output().expect("sysgauge runs")
}

/// stdout, stderr and exit code of `sysgauge args` on `sys`.
fn out_at(sys: Option<&Path>, args: &[&str]) -> (String, String, i32) {
    let o = run_at(sys, args);
    (
        String::from_utf8(o.stdout).expect("utf-8"),
        String::from_utf8(o.stderr).expect("utf-8"),
        o.status.code().expect("an exit code"),
    )
}

/// stdout of `sysgauge args` on `sys`, which must succeed.
fn stdout_at(sys: &Path, args: &[&str]) -> String {
    let (out, err, code) = out_at(Some(sys), args);
    assert_eq!(code, 0, "sysgauge {args:?} on {}: {err}", sys.display());
    assert_eq!(err, "", "sysgauge {args:?}: nothing on stderr");
    out
}

/// The library's roots are process-wide: tests that point them at a fixture take turns.
static ROOTS: Mutex<()> = Mutex::new(());

/// Runs `f` with the library reading sysfs below `sys`.
fn lib_at<T>(sys: &Path, f: impl FnOnce() -> T) -> T {
    let _turn = ROOTS.lock().unwrap_or_else(|e| e.into_inner());
    sysgauge::Roots::set_current(sysgauge::Roots::new("/proc", sys));
    let v = f();
    sysgauge::Roots::set_current(sysgauge::Roots::new("/proc", "/sys"));
    v
}

/// Python's `repr` of a float, for the values of the library (as the scripts print them).
fn py_float(v: f64) -> String {
    let s = format!("{v}");
    if s.contains('.') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

fn py_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "None".into(), py_float)
}

/// Code run by psutil on a fixture: its three sensor values, floats as `repr` strings,
/// dicts as lists of `[name, entries]` pairs (to keep psutil's order through JSON).
const PSUTIL_SENSORS: &str = r#"
import json, psutil
assert psutil.__version__ == "7.2.2", psutil.__version__
def r(x):
    return None if x is None else (repr(x) if isinstance(x, float) else x)
def call(f):
    try:
        return f()
    except Exception as e:
        return "error: " + type(e).__name__
temps = call(psutil.sensors_temperatures)
fans = call(psutil.sensors_fans)
bat = call(psutil.sensors_battery)
print(json.dumps({
    "temps": temps if isinstance(temps, str) else
        [[k, [[t.label, r(t.current), r(t.high), r(t.critical)] for t in v]] for k, v in temps.items()],
    "fans": fans if isinstance(fans, str) else
        [[k, [[f.label, f.current] for f in v]] for k, v in fans.items()],
    "battery": bat if bat is None or isinstance(bat, str) else
        [r(bat.percent), type(bat.percent).__name__, int(bat.secsleft), bat.power_plugged],
}))
"#;

/// psutil's sensor values with `sys` bind-mounted over `/sys`; `None` (and a message)
/// when this machine does not allow it.
fn psutil_on(sys: &Path) -> Option<Value> {
    let out = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c"])
        .arg(r#"mount --bind "$1" /sys || exit 97; exec "$2" -c "$3""#)
        .arg("sh")
        .arg(sys)
        .arg(common::python())
        .arg(PSUTIL_SENSORS)
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            eprintln!("psutil comparison skipped: unshare: {e}");
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(97) || (!out.status.success() && stderr.contains("unshare")) {
        eprintln!("psutil comparison skipped: cannot bind-mount /sys: {stderr}");
        return None;
    }
    assert!(
        out.status.success(),
        "psutil on {}: {stderr}",
        sys.display()
    );
    Some(serde_json::from_slice(&out.stdout).expect("psutil prints JSON"))
}

/// temperatures.py's lines (the layout, without its stray `%`) from psutil's values.
fn temperature_lines_from_psutil(temps: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for chip in temps.as_array().unwrap() {
        let name = chip[0].as_str().unwrap();
        out.push(name.to_string());
        for t in chip[1].as_array().unwrap() {
            let label = t[0].as_str().unwrap();
            let s = |v: &Value| v.as_str().unwrap_or("None").to_string();
            out.push(format!(
                "    {:<20} {} °C (high = {} °C, critical = {} °C)",
                if label.is_empty() { name } else { label },
                s(&t[1]),
                s(&t[2]),
                s(&t[3])
            ));
        }
        out.push(String::new());
    }
    out
}

/// The chip names of the library's temperatures on `sys`, each with its lines in
/// temperatures.py's layout.
fn temperature_blocks_from_library(sys: &Path) -> Vec<(String, Vec<String>)> {
    let temps = lib_at(sys, || sysgauge::sensors_temperatures(false).unwrap());
    temps
        .into_iter()
        .map(|(name, entries)| {
            let lines = entries
                .iter()
                .map(|t| {
                    format!(
                        "    {:<20} {} °C (high = {} °C, critical = {} °C)",
                        if t.label.is_empty() { &name } else { &t.label },
                        py_float(t.current),
                        py_opt(t.high),
                        py_opt(t.critical)
                    )
                })
                .collect();
            (name, lines)
        })
        .collect()
}

/// Splits temperatures.py/fans.py output into (chip, its lines) blocks.
fn blocks(out: &str) -> Vec<(String, Vec<String>)> {
    let mut v: Vec<(String, Vec<String>)> = Vec::new();
    for l in out.lines() {
        if l.is_empty() {
            continue;
        }
        if l.starts_with("    ") {
            v.last_mut()
                .expect("a chip line first")
                .1
                .push(l.to_string());
        } else {
            v.push((l.to_string(), Vec::new()));
        }
    }
    v
}

const CORETEMP_TEMPERATURES: &str = "\
acpitz
    acpitz               27.8 °C (high = 105.0 °C, critical = 105.0 °C)
    acpitz               16.8 °C (high = None °C, critical = None °C)
    spaced label         48.0 °C (high = None °C, critical = None °C)

coretemp
    Package id 0         52.0 °C (high = 86.0 °C, critical = 100.0 °C)
    Core 8               47.25 °C (high = 86.0 °C, critical = 100.0 °C)
    Core 0               49.0 °C (high = 86.0 °C, critical = 100.0 °C)
    Core 1               51.5 °C (high = 86.0 °C, critical = 100.0 °C)

nvme
    Composite            38.85 °C (high = 81.85 °C, critical = 81.85 °C)
    nvme                 41.85 °C (high = None °C, critical = 0.0 °C)
    Composite            36.85 °C (high = 84.85 °C, critical = 84.85 °C)

iwlwifi_1
    iwlwifi_1            -7.5 °C (high = None °C, critical = None °C)

";

const THERMAL_TEMPERATURES: &str = "\
acpitz
    acpitz               27.8 °C (high = 105.0 °C, critical = 105.0 °C)
    acpitz               30.0 °C (high = 80.0 °C, critical = 80.0 °C)

x86_pkg_temp
    x86_pkg_temp         45.0 °C (high = None °C, critical = None °C)

pch_skylake
    pch_skylake          38.5 °C (high = None °C, critical = None °C)

INT3400 Thermal
    INT3400 Thermal      20.0 °C (high = None °C, critical = None °C)

";

const DEVICE_TEMPERATURES: &str = "\
it8728
    it8728               33.0 °C (high = 70.0 °C, critical = 90.0 °C)
    CPU                  45.0 °C (high = None °C, critical = None °C)

k10temp
    k10temp              40.125 °C (high = 70.0 °C, critical = 90.0 °C)
    Tctl                 41.0 °C (high = None °C, critical = None °C)

";

#[test]
fn temperatures_on_fixtures() {
    // By hand, from the files: coretemp's sensors sorted as Python sorts paths (hwmon1
    // before hwmon10 before hwmon2, temp10 before temp2); hwmon11 (empty input), hwmon4
    // (no name file), temp3 and temp4 of hwmon2 (N/A or no input) are left out; a
    // threshold missing on one side takes the other's; the chips in the order psutil
    // meets them, not in name order (iwlwifi_1 after nvme).
    for (fixture, want) in [
        ("sensors-coretemp", CORETEMP_TEMPERATURES),
        ("sensors-thermal", THERMAL_TEMPERATURES),
        ("sensors-hwmon-device", DEVICE_TEMPERATURES),
    ] {
        let sys = fixture_sys(fixture);
        let out = stdout_at(&sys, &["temperatures"]);
        assert_eq!(out, want, "{fixture}");
    }

    for fixture in [
        "sensors-coretemp",
        "sensors-thermal",
        "sensors-hwmon-device",
        "sensors-thermal-multitrip",
    ] {
        let sys = fixture_sys(fixture);
        let out = stdout_at(&sys, &["temperatures"]);
        // The library: the same chips with the same lines (the library's map is in name
        // order; the command shows psutil's order).
        let mut got = blocks(&out);
        let mut lib = temperature_blocks_from_library(&sys);
        assert!(!lib.is_empty(), "{fixture}");
        got.sort();
        lib.sort();
        assert_eq!(got, lib, "{fixture}: sysgauge temperatures vs the library");
        // psutil, on the same tree: the same lines in the same order. (With several trip
        // points psutil's thermal-zone thresholds depend on the hash seed; the library
        // documents that: compare only the chip names and currents there.)
        if let Some(p) = psutil_on(&sys) {
            let want = temperature_lines_from_psutil(&p["temps"]);
            let got: Vec<&str> = out.lines().collect();
            if fixture == "sensors-thermal-multitrip" {
                assert_eq!(got.len(), want.len());
                assert_eq!(got[0], want[0]);
                assert!(
                    got[1].starts_with("    acpitz               41.0 °C"),
                    "{out}"
                );
            } else {
                assert_eq!(got, want, "{fixture}: sysgauge temperatures vs psutil");
            }
        }
    }
}

#[test]
fn temperatures_json_on_fixture() {
    let sys = fixture_sys("sensors-coretemp");
    let out = stdout_at(&sys, &["temperatures", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let lib = lib_at(&sys, || sysgauge::sensors_temperatures(false).unwrap());
    assert_eq!(v, serde_json::to_value(&lib).unwrap());
    // psutil's field names, and its order of chips in the text.
    assert_eq!(
        v["nvme"][1],
        serde_json::json!({"label": "", "current": 41.85, "high": null, "critical": 0.0})
    );
    let at = |k: &str| out.find(&format!("\"{k}\": [")).unwrap();
    assert!(at("acpitz") < at("coretemp") && at("coretemp") < at("nvme"));
    assert!(at("nvme") < at("iwlwifi_1"));
    // Nothing to show: `{}`, exit status 0.
    let out = stdout_at(&fixture_sys("battery-none"), &["temperatures", "--json"]);
    assert_eq!(out.trim(), "{}");
}

#[test]
fn fans_on_fixtures() {
    // By hand: thinkpad's fan1 has no label (the chip's name is shown), fan3 has no
    // input (left out); on the older layout the fans are under hwmon0/device.
    for (fixture, want) in [
        (
            "sensors-coretemp",
            "thinkpad\n    thinkpad             2415 RPM\n    Secondary fan        0 RPM\n\n",
        ),
        (
            "sensors-hwmon-device",
            "it8728\n    CPU fan              1250 RPM\n    it8728               870 RPM\n\n",
        ),
        ("sensors-thermal", "no fans detected\n"),
    ] {
        let sys = fixture_sys(fixture);
        let out = stdout_at(&sys, &["fans"]);
        assert_eq!(out, want, "{fixture}");
        // The library and psutil: the same chips, labels and speeds, in psutil's order.
        let lib = lib_at(&sys, || sysgauge::sensors_fans().unwrap());
        let json: Value = serde_json::from_str(&stdout_at(&sys, &["fans", "--json"])).unwrap();
        assert_eq!(json, serde_json::to_value(&lib).unwrap(), "{fixture}");
        if let Some(p) = psutil_on(&sys) {
            let mut want = Vec::new();
            for chip in p["fans"].as_array().unwrap() {
                let name = chip[0].as_str().unwrap();
                want.push(name.to_string());
                for f in chip[1].as_array().unwrap() {
                    let label = f[0].as_str().unwrap();
                    want.push(format!(
                        "    {:<20} {} RPM",
                        if label.is_empty() { name } else { label },
                        f[1]
                    ));
                }
                want.push(String::new());
            }
            if want.is_empty() {
                want.push("no fans detected".into());
            }
            assert_eq!(out.lines().collect::<Vec<_>>(), want, "{fixture} vs psutil");
        }
    }
}

/// Every battery fixture: battery.py's lines worked out by hand, and the JSON values
/// (percent, secsleft, power_plugged).
const BATTERIES: &[(&str, &str, &str)] = &[
    // 100 * 30000000 / 50000000; AC/online = 1.
    (
        "battery-charging",
        "charge:     60.0%\nstatus:     charging\nplugged in: yes\n",
        r#"{"percent": 60.0, "secsleft": -2, "power_plugged": true}"#,
    ),
    // 100 * 24410000 / 48200000 = 50.6431...; AC/online = 0; 24410000 / 9870000 h =
    // 8903.34 s, truncated.
    (
        "battery-discharging-energy",
        "charge:     50.64%\nleft:       2:28:23\nstatus:     discharging\nplugged in: no\n",
        r#"{"percent": 50.643153526970956, "secsleft": 8903, "power_plugged": false}"#,
    ),
    // BAT1 (before hidpp_battery_0): 100 * 2100000 / 4400000 = 47.7272...; no AC, status
    // Discharging; 2100000 / 1500000 h = 5040 s.
    (
        "battery-discharging-charge",
        "charge:     47.73%\nleft:       1:24:00\nstatus:     discharging\nplugged in: no\n",
        r#"{"percent": 47.72727272727273, "secsleft": 5040, "power_plugged": false}"#,
    ),
    // capacity only: psutil's percent is the integer 100; status Full.
    (
        "battery-full",
        "charge:     100%\nstatus:     fully charged\nplugged in: yes\n",
        r#"{"percent": 100, "secsleft": -2, "power_plugged": true}"#,
    ),
    // 100 * 40000000 / 45000000; "Not charging" does not tell; no power_now: unknown.
    (
        "battery-missing-power",
        "charge:     88.89%\nleft:       N/A\nstatus:     discharging\nplugged in: no\n",
        r#"{"percent": 88.88888888888889, "secsleft": -1, "power_plugged": null}"#,
    ),
    // capacity 42 from `battery`; time_to_empty_now = 95 min.
    (
        "battery-time-to-empty",
        "charge:     42%\nleft:       1:35:00\nstatus:     discharging\nplugged in: no\n",
        r#"{"percent": 42, "secsleft": 5700, "power_plugged": false}"#,
    ),
    // energy_full = 0: 0.0; status Unknown; power_now = 0: unknown.
    (
        "battery-zero-power",
        "charge:     0.0%\nleft:       N/A\nstatus:     discharging\nplugged in: no\n",
        r#"{"percent": 0.0, "secsleft": -1, "power_plugged": null}"#,
    ),
    // AC0/online = 0 wins over AC/online = 1 and over status Charging.
    (
        "battery-ac0-over-status",
        "charge:     90.0%\nleft:       3:00:00\nstatus:     discharging\nplugged in: no\n",
        r#"{"percent": 90.0, "secsleft": 10800, "power_plugged": false}"#,
    ),
];

/// The number after `"key": ` in JSON text, parsed exactly.
fn raw_number(json: &str, key: &str) -> f64 {
    let at = json.find(&format!("\"{key}\": ")).expect("the key") + key.len() + 4;
    let rest = &json[at..];
    let end = rest.find([',', '\n', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().expect("a number")
}

#[test]
fn battery_on_fixtures() {
    for (fixture, text, json) in BATTERIES {
        let sys = fixture_sys(fixture);
        assert_eq!(stdout_at(&sys, &["battery"]), *text, "{fixture}");
        let raw = stdout_at(&sys, &["battery", "--json"]);
        let got: Value = serde_json::from_str(&raw).unwrap();
        let want: Value = serde_json::from_str(json).unwrap();
        assert_eq!(got, want, "{fixture} --json");
        // An integer percent is written as one (psutil's int), a float as a float.
        assert_eq!(got["percent"].is_i64(), !text.contains('.'), "{fixture}");
        // (serde_json's float parser may be one ulp off: read the number exactly.)
        let percent = raw_number(&raw, "percent");
        // The library on the same tree.
        let lib = lib_at(&sys, || sysgauge::sensors_battery().unwrap().unwrap());
        assert_eq!(percent, lib.percent, "{fixture}");
        assert_eq!(got["secsleft"], lib.secsleft.as_psutil(), "{fixture}");
        assert_eq!(
            got["power_plugged"],
            serde_json::to_value(lib.power_plugged).unwrap()
        );
        // psutil on the same tree: the same values, the same type of percent.
        if let Some(p) = psutil_on(&sys) {
            let b = &p["battery"];
            let theirs: f64 = b[0]
                .as_str()
                .map(|s| s.parse().unwrap())
                .or_else(|| b[0].as_f64())
                .unwrap();
            assert_eq!(percent, theirs, "{fixture} vs psutil");
            assert_eq!(
                b[1] == "int",
                got["percent"].is_i64(),
                "{fixture}: int or float"
            );
            assert_eq!(got["secsleft"], b[2], "{fixture} vs psutil");
            assert_eq!(got["power_plugged"], b[3], "{fixture} vs psutil");
        }
    }
    // No battery: battery.py's message on stderr, exit status 1; JSON null.
    for fixture in ["battery-none", "battery-no-capacity", "sensors-coretemp"] {
        let sys = fixture_sys(fixture);
        let (out, err, code) = out_at(Some(&sys), &["battery"]);
        assert_eq!((out.as_str(), code), ("", 1), "{fixture}");
        assert_eq!(err, "sysgauge: no battery is installed\n", "{fixture}");
        assert_eq!(stdout_at(&sys, &["battery", "--json"]), "null\n");
    }
}

/// A copy of fixture `sensors` with the power supplies of fixture `battery`, removed when
/// dropped.
struct Merged(PathBuf);

impl Merged {
    fn new(sensors: &str, battery: &str) -> Merged {
        let dir = std::env::temp_dir().join(format!(
            "sgcli-sensors-{sensors}-{battery}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        common::run(
            "cp",
            &[
                "-r",
                fixture_sys(sensors).to_str().unwrap(),
                dir.to_str().unwrap(),
            ],
        );
        common::run(
            "cp",
            &[
                "-r",
                fixture_sys(battery)
                    .join("class/power_supply")
                    .to_str()
                    .unwrap(),
                dir.join("class").to_str().unwrap(),
            ],
        );
        Merged(dir)
    }
}

impl Drop for Merged {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const CORETEMP_SENSORS: &str = "\
acpitz
    Temperatures:
        acpitz               27.8°C (high=105.0°C, critical=105.0°C)
        acpitz               16.8°C (high=None°C, critical=None°C)
        spaced label         48.0°C (high=None°C, critical=None°C)
coretemp
    Temperatures:
        Package id 0         52.0°C (high=86.0°C, critical=100.0°C)
        Core 8               47.25°C (high=86.0°C, critical=100.0°C)
        Core 0               49.0°C (high=86.0°C, critical=100.0°C)
        Core 1               51.5°C (high=86.0°C, critical=100.0°C)
nvme
    Temperatures:
        Composite            38.85°C (high=81.85°C, critical=81.85°C)
        nvme                 41.85°C (high=None°C, critical=0.0°C)
        Composite            36.85°C (high=84.85°C, critical=84.85°C)
iwlwifi_1
    Temperatures:
        iwlwifi_1            -7.5°C (high=None°C, critical=None°C)
thinkpad
    Fans:
        thinkpad             2415 RPM
        Secondary fan        0 RPM
Battery:
    charge:     50.64%
    left:       2:28:23
    status:     discharging
    plugged in: no
";

const DEVICE_SENSORS: &str = "\
it8728
    Temperatures:
        it8728               33.0°C (high=70.0°C, critical=90.0°C)
        CPU                  45.0°C (high=None°C, critical=None°C)
    Fans:
        CPU fan              1250 RPM
        it8728               870 RPM
k10temp
    Temperatures:
        k10temp              40.125°C (high=70.0°C, critical=90.0°C)
        Tctl                 41.0°C (high=None°C, critical=None°C)
Battery:
    charge:     100%
    status:     fully charged
    plugged in: yes
";

/// sensors.py's chip blocks from psutil's values (the script walks a set, in an order
/// that changes from run to run: the blocks are compared as a set).
fn sensors_blocks_from_psutil(p: &Value) -> Vec<Vec<String>> {
    let chips = |k: &str| -> Vec<(String, Vec<Value>)> {
        p[k].as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c[0].as_str().unwrap().to_string(),
                    c[1].as_array().unwrap().clone(),
                )
            })
            .collect()
    };
    let (temps, fans) = (chips("temps"), chips("fans"));
    let mut names: Vec<String> = temps.iter().map(|(k, _)| k.clone()).collect();
    names.extend(fans.iter().map(|(k, _)| k.clone()));
    names.sort();
    names.dedup();
    let or = |label: &str, name: &str| {
        if label.is_empty() {
            name.to_string()
        } else {
            label.to_string()
        }
    };
    let s = |v: &Value| v.as_str().unwrap_or("None").to_string();
    let mut out = Vec::new();
    for name in names {
        let mut b = vec![name.clone()];
        if let Some((_, ts)) = temps.iter().find(|(k, _)| *k == name) {
            b.push("    Temperatures:".into());
            for t in ts {
                b.push(format!(
                    "        {:<20} {}°C (high={}°C, critical={}°C)",
                    or(t[0].as_str().unwrap(), &name),
                    s(&t[1]),
                    s(&t[2]),
                    s(&t[3])
                ));
            }
        }
        if let Some((_, fs)) = fans.iter().find(|(k, _)| *k == name) {
            b.push("    Fans:".into());
            for f in fs {
                b.push(format!(
                    "        {:<20} {} RPM",
                    or(f[0].as_str().unwrap(), &name),
                    f[1]
                ));
            }
        }
        out.push(b);
    }
    out
}

/// The chip blocks of sensors.py output (up to `Battery:`), sorted.
fn sensors_blocks(out: &str) -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = Vec::new();
    for l in out.lines() {
        if l == "Battery:" {
            break;
        }
        if l.starts_with(' ') {
            v.last_mut().unwrap().push(l.to_string());
        } else {
            v.push(vec![l.to_string()]);
        }
    }
    v.sort();
    v
}

#[test]
fn sensors_on_fixtures() {
    for (sensors, battery, want) in [
        (
            "sensors-coretemp",
            "battery-discharging-energy",
            CORETEMP_SENSORS,
        ),
        ("sensors-hwmon-device", "battery-full", DEVICE_SENSORS),
    ] {
        let tree = Merged::new(sensors, battery);
        let out = stdout_at(&tree.0, &["sensors"]);
        assert_eq!(out, want, "{sensors} + {battery}");

        // The library on the same tree: the same chips and values.
        let (temps, fans) = lib_at(&tree.0, || {
            (
                sysgauge::sensors_temperatures(false).unwrap(),
                sysgauge::sensors_fans().unwrap(),
            )
        });
        let json: Value =
            serde_json::from_str(&stdout_at(&tree.0, &["sensors", "--json"])).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["battery", "fans", "temperatures"]);
        assert_eq!(json["temperatures"], serde_json::to_value(&temps).unwrap());
        assert_eq!(json["fans"], serde_json::to_value(&fans).unwrap());
        let battery_json: Value =
            serde_json::from_str(&stdout_at(&tree.0, &["battery", "--json"])).unwrap();
        assert_eq!(json["battery"], battery_json);

        // psutil: the same blocks (in the script's order of the moment), the same battery.
        if let Some(p) = psutil_on(&tree.0) {
            let mut want = sensors_blocks_from_psutil(&p);
            want.sort();
            assert_eq!(sensors_blocks(&out), want, "{sensors} vs psutil");
            assert_eq!(json["battery"]["secsleft"], p["battery"][2]);
        }
    }

    // Nothing at all: sensors.py's line, exit status 0.
    let sys = fixture_sys("battery-none");
    assert_eq!(
        stdout_at(&sys, &["sensors"]),
        "can't read any temperature, fans or battery info\n"
    );
    let json: Value = serde_json::from_str(&stdout_at(&sys, &["sensors", "--json"])).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"temperatures": {}, "fans": {}, "battery": null})
    );
    // Only a battery.
    let sys = fixture_sys("battery-charging");
    assert_eq!(
        stdout_at(&sys, &["sensors"]),
        "Battery:\n    charge:     60.0%\n    status:     charging\n    plugged in: yes\n"
    );
}

#[test]
fn empty_cases_print_the_scripts_messages() {
    let sys = fixture_sys("battery-none");
    let (out, err, code) = out_at(Some(&sys), &["temperatures"]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "sysgauge: can't read any temperature\n", 1)
    );
    let (out, err, code) = out_at(Some(&sys), &["fans"]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("no fans detected\n", "", 0)
    );
}

#[test]
fn live_matches_library_and_psutil() {
    // This machine's own sysfs: what the library and psutil see decides what is printed.
    let (temps, fans, battery) = lib_at(Path::new("/sys"), || {
        (
            sysgauge::sensors_temperatures(false).unwrap(),
            sysgauge::sensors_fans().unwrap(),
            match sysgauge::sensors_battery() {
                Ok(b) => b,
                Err(e) if e.is_not_found() => None,
                Err(e) => panic!("sensors_battery: {e}"),
            },
        )
    });
    let p = common::psutil(
        "t = psutil.sensors_temperatures()\nf = psutil.sensors_fans()\n\
         try:\n    b = psutil.sensors_battery()\nexcept FileNotFoundError:\n    b = None\n\
         out = [sorted(t), sorted(f), b is None]",
    );
    assert_eq!(
        p[0].as_array().unwrap().len(),
        temps.len(),
        "psutil's chips {p}"
    );
    assert_eq!(
        p[1].as_array().unwrap().len(),
        fans.len(),
        "psutil's fans {p}"
    );
    assert_eq!(p[2].as_bool(), Some(battery.is_none()));

    let (out, err, code) = out_at(None, &["temperatures"]);
    if temps.is_empty() {
        assert_eq!(
            (out.as_str(), err.as_str(), code),
            ("", "sysgauge: can't read any temperature\n", 1)
        );
    } else {
        assert_eq!(code, 0, "{err}");
        let mut got: Vec<String> = blocks(&out).into_iter().map(|(k, _)| k).collect();
        got.sort();
        assert_eq!(got, temps.keys().cloned().collect::<Vec<_>>());
    }

    let (out, _, code) = out_at(None, &["fans"]);
    assert_eq!(code, 0);
    if fans.is_empty() {
        assert_eq!(out, "no fans detected\n");
    } else {
        let mut got: Vec<String> = blocks(&out).into_iter().map(|(k, _)| k).collect();
        got.sort();
        assert_eq!(got, fans.keys().cloned().collect::<Vec<_>>());
    }

    let (out, err, code) = out_at(None, &["battery"]);
    match &battery {
        None => assert_eq!(
            (out.as_str(), err.as_str(), code),
            ("", "sysgauge: no battery is installed\n", 1)
        ),
        Some(_) => {
            assert_eq!(code, 0, "{err}");
            assert!(out.starts_with("charge:     "), "{out}");
        }
    }

    let (out, _, code) = out_at(None, &["sensors"]);
    assert_eq!(code, 0);
    if temps.is_empty() && fans.is_empty() && battery.is_none() {
        assert_eq!(out, "can't read any temperature, fans or battery info\n");
    } else {
        assert_eq!(out.contains("Battery:\n"), battery.is_some(), "{out}");
    }
}
