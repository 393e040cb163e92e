//! `sysgauge sensors`: psutil's sensors.py, a clone of lm-sensors' `sensors`: the
//! temperatures and fans of every chip, then the battery.
//!
//! ```text
//! acpitz
//!     Temperatures:
//!         acpitz               27.8°C (high=105.0°C, critical=105.0°C)
//! coretemp
//!     Temperatures:
//!         Package id 0         52.0°C (high=86.0°C, critical=100.0°C)
//!         Core 0               49.0°C (high=86.0°C, critical=100.0°C)
//! thinkpad
//!     Fans:
//!         thinkpad             2415 RPM
//! Battery:
//!     charge:     50.64%
//!     left:       2:28:23
//!     status:     discharging
//!     plugged in: no
//! ```
//!
//! Each chip (hwmon `name`, or thermal zone `type`) is a line, then its `Temperatures:`
//! (`sensors_temperatures()`) and `Fans:` (`sensors_fans()`), one sensor a line: the label
//! (the chip name when the sensor has none) left-aligned in 20, then the values as Python
//! writes them (`27.8`, `None` for an unknown threshold). The chips come in psutil's order
//! (the order its dicts have them: the sensor files sorted by path), the temperature chips
//! first, then the chips with fans only.
//!
//! The battery (`sensors_battery()`) follows: the charge rounded to two decimals (an integer
//! when psutil has one, from `capacity`), then, plugged in, `charging` (below 100%) or
//! `fully charged`; on battery (or when it is not known whether it is plugged in), the time
//! left as `H:MM:SS` (see [`secs2hours`]).
//!
//! With nothing to show, the line `can't read any temperature, fans or battery info` (exit
//! status 0, as sensors.py). A machine without `class/power_supply` counts as one without a
//! battery.
//!
//! With `--json`, an object with psutil's three values: `temperatures` (chip → list of
//! `{label, current, high, critical}`), `fans` (chip → list of `{label, current}`) and
//! `battery` (`{percent, secsleft, power_plugged}` or `null`; `secsleft` is psutil's number:
//! seconds, `-1` unknown, `-2` unlimited). The chips are in psutil's order.

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use sysgauge::{Battery, Fan, SecsLeft, Temperature};

use super::procinfo::{py_float, py_round};

/// Options of `sysgauge sensors`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The entries of `dir` (full paths), sorted as Python sorts their path strings; empty when
/// `dir` cannot be listed.
fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
    v
}

/// Whether the file name of `p` starts with `prefix`.
fn name_starts(p: &Path, prefix: &str) -> bool {
    p.file_name()
        .is_some_and(|n| n.as_bytes().starts_with(prefix.as_bytes()))
}

/// The text of `p`, trimmed (psutil's `cat(p).strip()`); `None` when it cannot be read.
fn read_trim(p: &Path) -> Option<String> {
    let b = std::fs::read(p).ok()?;
    Some(String::from_utf8_lossy(&b).trim().to_string())
}

/// The sensor "bases" of the hwmon directories psutil globs (`hwmon*/<kind>*_*`, or
/// `hwmon*/device/<kind>*_*` when `device`): each file's path up to its first `_`, sorted,
/// without duplicates.
fn hwmon_bases(sysfs: &Path, kind: &str, device: bool) -> Vec<PathBuf> {
    let mut bases: Vec<PathBuf> = Vec::new();
    for h in sorted_entries(&sysfs.join("class/hwmon")) {
        if !name_starts(&h, "hwmon") {
            continue;
        }
        let dir = if device { h.join("device") } else { h };
        for f in sorted_entries(&dir) {
            let Some(name) = f.file_name().map(|n| n.as_bytes().to_vec()) else {
                continue;
            };
            if !name.starts_with(kind.as_bytes()) {
                continue;
            }
            if let Some(at) = name.iter().position(|&b| b == b'_') {
                bases.push(dir.join(std::ffi::OsStr::from_bytes(&name[..at])));
            }
        }
    }
    bases.sort_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
    bases.dedup();
    bases
}

/// `base` with `suffix` appended to its file name (`temp1` + `_input`).
fn with_suffix(base: &Path, suffix: &str) -> PathBuf {
    let mut s = base.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Pushes `name` onto `order` unless it is there already.
fn meet(order: &mut Vec<String>, name: String) {
    if !order.contains(&name) {
        order.push(name);
    }
}

/// The chip names in the order psutil's `sensors_temperatures()` dict meets them below the
/// sysfs root: the hwmon sensors sorted by path (a sensor counts when its input is a number
/// and its chip's `name` is readable), then the thermal zones sorted by path (psutil reads
/// them only when there are no hwmon sensors; the library's map then holds zone types).
pub fn temperature_order(sysfs: &Path) -> Vec<String> {
    let mut order = Vec::new();
    let mut bases = hwmon_bases(sysfs, "temp", false);
    bases.extend(hwmon_bases(sysfs, "temp", true));
    bases.sort_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
    for base in &bases {
        let number = read_trim(&with_suffix(base, "_input")).and_then(|t| t.parse::<f64>().ok());
        let name = base.parent().and_then(|d| read_trim(&d.join("name")));
        if let (Some(_), Some(name)) = (number, name) {
            meet(&mut order, name);
        }
    }
    for zone in sorted_entries(&sysfs.join("class/thermal")) {
        if !name_starts(&zone, "thermal_zone") {
            continue;
        }
        let number = read_trim(&zone.join("temp")).and_then(|t| t.parse::<f64>().ok());
        if let (Some(_), Some(name)) = (number, read_trim(&zone.join("type"))) {
            meet(&mut order, name);
        }
    }
    order
}

/// The chip names in the order psutil's `sensors_fans()` dict meets them: the fans of
/// `hwmon*/` (or, when there are none, of `hwmon*/device/`) sorted by path, each counted
/// when its input is readable.
pub fn fan_order(sysfs: &Path) -> Vec<String> {
    let mut bases = hwmon_bases(sysfs, "fan", false);
    if bases.is_empty() {
        bases = hwmon_bases(sysfs, "fan", true);
    }
    let mut order = Vec::new();
    for base in &bases {
        if std::fs::read(with_suffix(base, "_input")).is_err() {
            continue;
        }
        if let Some(name) = base.parent().and_then(|d| read_trim(&d.join("name"))) {
            meet(&mut order, name);
        }
    }
    order
}

/// The entries of `map` in the order of `order` (names it lacks last, in name order).
pub fn in_order<T>(map: BTreeMap<String, Vec<T>>, order: &[String]) -> Vec<(String, Vec<T>)> {
    let mut v: Vec<(String, Vec<T>)> = map.into_iter().collect();
    v.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
    v
}

/// The sysfs root the library reads (`/sys`, or `$SYSGAUGE_SYSFS_PATH`).
pub fn sysfs() -> PathBuf {
    sysgauge::Roots::current().sysfs().to_path_buf()
}

/// `sensors_temperatures()` in psutil's order of chips.
pub fn temperatures() -> sysgauge::Result<Vec<(String, Vec<Temperature>)>> {
    let map = sysgauge::sensors_temperatures(false)?;
    Ok(in_order(map, &temperature_order(&sysfs())))
}

/// `sensors_fans()` in psutil's order of chips.
pub fn fans() -> sysgauge::Result<Vec<(String, Vec<Fan>)>> {
    let map = sysgauge::sensors_fans()?;
    Ok(in_order(map, &fan_order(&sysfs())))
}

/// A list of chips serialized as a JSON object in the list's order (psutil's dict).
pub struct Chips<'a, T>(pub &'a [(String, Vec<T>)]);

impl<T: Serialize> Serialize for Chips<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A threshold as Python prints it: the float, or `None`.
pub fn py_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "None".to_string(), py_float)
}

/// The label shown for a sensor: its own, or the chip's name when it has none (the
/// scripts' `entry.label or name`).
pub fn label_or<'a>(label: &'a str, chip: &'a str) -> &'a str {
    if label.is_empty() {
        chip
    } else {
        label
    }
}

/// psutil's battery percent: an integer when psutil has one (it read `capacity`), else
/// the float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Percent {
    /// From `capacity`: psutil's `int`.
    Int(i64),
    /// From `energy_now / energy_full` (or `charge_*`): psutil's `float`.
    Float(f64),
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Percent::Int(i) => s.serialize_i64(i),
            Percent::Float(f) => s.serialize_f64(f),
        }
    }
}

impl Percent {
    /// The value as a float, for comparisons.
    pub fn value(self) -> f64 {
        match self {
            Percent::Int(i) => i as f64,
            Percent::Float(f) => f,
        }
    }

    /// `round(percent, 2)` as Python prints it: `60` for an integer, `48.82` or `60.0` for a
    /// float.
    pub fn text(self) -> String {
        match self {
            Percent::Int(i) => i.to_string(),
            Percent::Float(f) => py_round(f, 2),
        }
    }
}

/// psutil's `sbattery`, with the percent typed as psutil types it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BatteryInfo {
    /// Charge left, in percent.
    pub percent: Percent,
    /// Seconds left, or psutil's `-1` (unknown) / `-2` (unlimited).
    pub secsleft: SecsLeft,
    /// Whether the AC adapter is plugged in; `null` when not known.
    pub power_plugged: Option<bool>,
}

/// Whether psutil's percent for the battery below `sysfs` is the integer of `capacity`:
/// true unless both a full value (`energy_full` or `charge_full`) and a current one
/// (`energy_now` or `charge_now`) of the battery psutil picks (the first by name of the
/// `class/power_supply` entries named `BAT*` or `*battery*`) can be read.
fn percent_from_capacity(sysfs: &Path) -> bool {
    let Some(bat) = sorted_entries(&sysfs.join("class/power_supply"))
        .into_iter()
        .find(|p| {
            p.file_name().is_some_and(|n| {
                let n = String::from_utf8_lossy(n.as_bytes());
                n.starts_with("BAT") || n.to_lowercase().contains("battery")
            })
        })
    else {
        return true;
    };
    let readable = |names: [&str; 2]| names.iter().any(|n| std::fs::read(bat.join(n)).is_ok());
    !(readable(["energy_full", "charge_full"]) && readable(["energy_now", "charge_now"]))
}

/// The battery as psutil reports it, `None` when there is none; a machine without
/// `class/power_supply` (where psutil raises) counts as one without a battery.
pub fn battery() -> sysgauge::Result<Option<BatteryInfo>> {
    let b: Battery = match sysgauge::sensors_battery() {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(None),
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let percent = if percent_from_capacity(&sysfs()) && b.percent.fract() == 0.0 {
        Percent::Int(b.percent as i64)
    } else {
        Percent::Float(b.percent)
    };
    Ok(Some(BatteryInfo {
        percent,
        secsleft: b.secsleft,
        power_plugged: b.power_plugged,
    }))
}

/// The scripts' `secs2hours`: seconds as `H:MM:SS` (hours not padded; Python's floor
/// division, so a negative count reads as Python writes it). psutil's sentinels are shown
/// as words: `N/A` for an unknown time (the scripts would write `-1:59:59`), `unlimited`.
pub fn secs2hours(s: SecsLeft) -> String {
    match s {
        SecsLeft::Unknown => "N/A".to_string(),
        SecsLeft::Unlimited => "unlimited".to_string(),
        SecsLeft::Seconds(secs) => {
            let (mm, ss) = (secs.div_euclid(60), secs.rem_euclid(60));
            let (hh, mm) = (mm.div_euclid(60), mm.rem_euclid(60));
            format!("{hh}:{mm:02}:{ss:02}")
        }
    }
}

/// The battery lines of sensors.py (`indent` = 4) and battery.py (`indent` = 0), without
/// the `Battery:` heading.
pub fn battery_lines(b: &BatteryInfo, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let mut out = vec![format!("{pad}charge:     {}%", b.percent.text())];
    if b.power_plugged == Some(true) {
        let status = if b.percent.value() < 100.0 {
            "charging"
        } else {
            "fully charged"
        };
        out.push(format!("{pad}status:     {status}"));
        out.push(format!("{pad}plugged in: yes"));
    } else {
        out.push(format!("{pad}left:       {}", secs2hours(b.secsleft)));
        out.push(format!("{pad}status:     discharging"));
        out.push(format!("{pad}plugged in: no"));
    }
    out
}

/// What `--json` prints.
#[derive(Serialize)]
struct Report<'a> {
    temperatures: Chips<'a, Temperature>,
    fans: Chips<'a, Fan>,
    battery: Option<BatteryInfo>,
}

/// sensors.py's lines.
pub fn render(
    temps: &[(String, Vec<Temperature>)],
    fans: &[(String, Vec<Fan>)],
    battery: Option<&BatteryInfo>,
) -> Vec<String> {
    if temps.is_empty() && fans.is_empty() && battery.is_none() {
        return vec!["can't read any temperature, fans or battery info".to_string()];
    }
    let mut names: Vec<&str> = temps.iter().map(|(k, _)| k.as_str()).collect();
    for (k, _) in fans {
        if !names.contains(&k.as_str()) {
            names.push(k);
        }
    }
    let mut out = Vec::new();
    for name in names {
        out.push(name.to_string());
        if let Some((_, ts)) = temps.iter().find(|(k, _)| k == name) {
            out.push("    Temperatures:".to_string());
            for t in ts {
                out.push(format!(
                    "        {:<20} {}°C (high={}°C, critical={}°C)",
                    label_or(&t.label, name),
                    py_float(t.current),
                    py_opt(t.high),
                    py_opt(t.critical)
                ));
            }
        }
        if let Some((_, fs)) = fans.iter().find(|(k, _)| k == name) {
            out.push("    Fans:".to_string());
            for f in fs {
                out.push(format!(
                    "        {:<20} {} RPM",
                    label_or(&f.label, name),
                    f.current
                ));
            }
        }
    }
    if let Some(b) = battery {
        out.push("Battery:".to_string());
        out.extend(battery_lines(b, 4));
    }
    out
}

/// Prints temperatures, fans and battery: sensors.py's text, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let temps = temperatures()?;
    let fans = fans()?;
    let battery = battery()?;
    if args.json {
        return super::print_json(&Report {
            temperatures: Chips(&temps),
            fans: Chips(&fans),
            battery,
        });
    }
    super::print_lines(render(&temps, &fans, battery.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secs2hours_is_pythons() {
        assert_eq!(secs2hours(SecsLeft::Seconds(7891)), "2:11:31");
        assert_eq!(secs2hours(SecsLeft::Seconds(0)), "0:00:00");
        assert_eq!(secs2hours(SecsLeft::Seconds(360000)), "100:00:00");
        // Python: divmod(-100, 60) == (-2, 20); divmod(-2, 60) == (-1, 58).
        assert_eq!(secs2hours(SecsLeft::Seconds(-100)), "-1:58:20");
        assert_eq!(secs2hours(SecsLeft::Unknown), "N/A");
        assert_eq!(secs2hours(SecsLeft::Unlimited), "unlimited");
    }

    #[test]
    fn percent_text() {
        assert_eq!(Percent::Int(100).text(), "100");
        assert_eq!(Percent::Float(60.0).text(), "60.0");
        assert_eq!(Percent::Float(50.643153526970956).text(), "50.64");
    }

    #[test]
    fn battery_layouts() {
        let b = BatteryInfo {
            percent: Percent::Float(100.0),
            secsleft: SecsLeft::Unlimited,
            power_plugged: Some(true),
        };
        assert_eq!(
            battery_lines(&b, 0),
            [
                "charge:     100.0%",
                "status:     fully charged",
                "plugged in: yes"
            ]
        );
        let b = BatteryInfo {
            percent: Percent::Int(42),
            secsleft: SecsLeft::Seconds(5700),
            power_plugged: None,
        };
        assert_eq!(
            battery_lines(&b, 4),
            [
                "    charge:     42%",
                "    left:       1:35:00",
                "    status:     discharging",
                "    plugged in: no"
            ]
        );
    }

    #[test]
    fn nothing_to_show() {
        assert_eq!(
            render(&[], &[], None),
            ["can't read any temperature, fans or battery info"]
        );
    }
}
