//! The Linux backend of [`crate::sensors`]: hwmon, thermal zones and power supplies below
//! the sysfs root.
//!
//! psutil finds the sensors with `glob` (which never fails: unreadable directories simply
//! match nothing) and reads each file with Python's `float()`/`int()`, skipping a sensor
//! when its input file cannot be read. This module lists the same directories, in the same
//! order, with the same skipping rules. A file that psutil would try to open but that is not
//! in a directory listing just made is taken as unreadable without opening it (the open
//! would fail with `ENOENT`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::platform::linux::fs;
use crate::platform::linux::parse::hwmon;
use crate::platform::linux::parse::power_supply::{self, Attr};
use crate::roots::Roots;
use crate::sensors::{Battery, Fan, SecsLeft, Temperature};

/// A relative path below the sysfs root, as bytes (`class/hwmon/hwmon0/temp1`).
type Rel = Vec<u8>;

/// The directory part of `rel` (Python's `os.path.dirname` for paths without a trailing
/// slash) and the last component.
fn split_last(rel: &[u8]) -> (&[u8], &[u8]) {
    match rel.iter().rposition(|&b| b == b'/') {
        Some(i) => (rel.get(..i).unwrap_or(&[]), rel.get(i + 1..).unwrap_or(&[])),
        None => (&[], rel),
    }
}

fn join(dir: &[u8], name: &[u8]) -> Rel {
    let mut out = Vec::with_capacity(dir.len() + 1 + name.len());
    out.extend_from_slice(dir);
    out.push(b'/');
    out.extend_from_slice(name);
    out
}

fn concat(a: &[u8], b: &[u8]) -> Rel {
    let mut out = a.to_vec();
    out.extend_from_slice(b);
    out
}

/// The sysfs tree of one call: the directories listed so far, so that files known to be
/// absent are not opened.
struct Tree<'a> {
    roots: &'a Roots,
    listed: HashMap<Rel, HashSet<Rel>>,
}

impl<'a> Tree<'a> {
    fn new(roots: &'a Roots) -> Self {
        Tree {
            roots,
            listed: HashMap::new(),
        }
    }

    fn path(&self, rel: &[u8]) -> PathBuf {
        self.roots.sys(std::ffi::OsStr::from_bytes(rel))
    }

    /// The names in directory `rel` that `matches`, as glob lists them: any error (missing,
    /// not a directory, unreadable) is an empty list.
    fn glob(&mut self, rel: &[u8], matches: impl Fn(&[u8]) -> bool) -> Vec<Rel> {
        let names: Vec<Rel> = match fs::list_dir(&self.path(rel)) {
            Ok(names) => names.into_iter().map(OsString::into_vec).collect(),
            Err(_) => Vec::new(),
        };
        let out = names.iter().filter(|n| matches(n)).cloned().collect();
        self.listed
            .insert(rel.to_vec(), names.into_iter().collect());
        out
    }

    /// The subdirectories `pattern` matches in each directory of `dirs` (glob's middle
    /// components), as paths.
    fn glob_dirs(&mut self, dirs: &[Rel], matches: impl Fn(&[u8]) -> bool) -> Vec<Rel> {
        let mut out = Vec::new();
        for d in dirs {
            for name in self.glob(d, &matches) {
                out.push(join(d, &name));
            }
        }
        out
    }

    /// True when `rel` is known not to exist: its directory was listed without it.
    fn known_absent(&self, rel: &[u8]) -> bool {
        let (dir, name) = split_last(rel);
        self.listed
            .get(dir)
            .is_some_and(|names| !names.contains(name))
    }

    /// Reads `rel` and gives its bytes to `parse`; `Ok(None)` when it cannot be read (any I/O
    /// error, as psutil's `except OSError`).
    fn read<T>(&self, rel: &[u8], parse: impl FnOnce(&[u8]) -> T) -> Option<T> {
        if self.known_absent(rel) {
            return None;
        }
        fs::with_file(&self.path(rel), |b| Ok(parse(b))).ok()
    }
}

/// fnmatch's `<prefix>*_*`: the name starts with `prefix` and has a `_` after it.
fn prefix_underscore(prefix: &'static [u8]) -> impl Fn(&[u8]) -> bool {
    move |n: &[u8]| {
        n.strip_prefix(prefix)
            .is_some_and(|rest| rest.contains(&b'_'))
    }
}

fn starts_with(prefix: &'static [u8]) -> impl Fn(&[u8]) -> bool {
    move |n: &[u8]| n.starts_with(prefix)
}

/// The sensor's base path: the path up to its first `_` (psutil's `path.split('_')[0]`).
fn base_of(rel: &[u8]) -> Rel {
    rel.split(|&b| b == b'_').next().unwrap_or(&[]).to_vec()
}

/// The files of `<kind>*_*` in `class/hwmon/hwmon*/` or in `class/hwmon/hwmon*/device/`.
fn hwmon_files(tree: &mut Tree<'_>, pattern: &'static [u8], device: bool) -> Vec<Rel> {
    let hwmons = tree.glob_dirs(&[b"class/hwmon".to_vec()], starts_with(b"hwmon"));
    let dirs: Vec<Rel> = if device {
        hwmons.iter().map(|h| join(h, b"device")).collect()
    } else {
        hwmons
    };
    tree.glob_dirs(&dirs, prefix_underscore(pattern))
}

/// A temperature as psutil's `sensors_temperatures` finishes it: converted to Fahrenheit
/// when asked (`°C * 9 / 5 + 32`), then a missing (or zero) high or critical threshold
/// replaced by the other one.
fn finish(
    label: String,
    current: f64,
    high: Option<f64>,
    critical: Option<f64>,
    fahrenheit: bool,
) -> Temperature {
    let convert = |v: f64| if fahrenheit { v * 9.0 / 5.0 + 32.0 } else { v };
    let current = convert(current);
    let mut high = high.map(convert);
    let mut critical = critical.map(convert);
    // Python truthiness: None and 0.0 are false, everything else (NaN too) is true.
    let truthy = |v: Option<f64>| v.is_some_and(|v| v != 0.0);
    if truthy(high) && !truthy(critical) {
        critical = high;
    } else if truthy(critical) && !truthy(high) {
        high = critical;
    }
    Temperature {
        label,
        current,
        high,
        critical,
    }
}

/// psutil's `sensors_temperatures(fahrenheit)` below `roots`.
pub(crate) fn sensors_temperatures(
    roots: &Roots,
    fahrenheit: bool,
) -> Result<BTreeMap<String, Vec<Temperature>>> {
    let mut tree = Tree::new(roots);
    let mut bases: BTreeSet<Rel> = BTreeSet::new();
    for device in [false, true] {
        for f in hwmon_files(&mut tree, b"temp", device) {
            bases.insert(base_of(&f));
        }
    }
    let mut bases: Vec<Rel> = bases.into_iter().collect();
    // psutil also globs the coretemp driver's own hwmon directories and appends every file
    // it finds there as a "base" (the whole file name, so that `<file>_input` is looked
    // for). Such a file almost never exists, but the entries do turn the thermal-zone
    // fallback off.
    let coretemp = tree.glob_dirs(&[b"devices/platform".to_vec()], starts_with(b"coretemp."));
    let coretemp: Vec<Rel> = coretemp.iter().map(|c| join(c, b"hwmon")).collect();
    let coretemp = tree.glob_dirs(&coretemp, starts_with(b"hwmon"));
    bases.extend(tree.glob_dirs(&coretemp, prefix_underscore(b"temp")));

    let mut out: BTreeMap<String, Vec<Temperature>> = BTreeMap::new();
    let mut names: HashMap<Rel, Option<String>> = HashMap::new();
    for base in &bases {
        let Some(Ok(current)) = tree.read(&concat(base, b"_input"), hwmon::millidegrees) else {
            continue;
        };
        let dir = split_last(base).0;
        let name = match names.get(dir) {
            Some(n) => n.clone(),
            None => {
                let n = tree.read(&join(dir, b"name"), hwmon::text);
                names.insert(dir.to_vec(), n.clone());
                n
            }
        };
        let Some(name) = name else { continue };
        let value = |suffix: &[u8]| {
            tree.read(&concat(base, suffix), hwmon::millidegrees)
                .and_then(|v| v.ok())
        };
        let high = value(b"_max");
        let critical = value(b"_crit");
        let label = tree
            .read(&concat(base, b"_label"), hwmon::text)
            .unwrap_or_default();
        out.entry(name)
            .or_default()
            .push(finish(label, current, high, critical, fahrenheit));
    }
    if !bases.is_empty() {
        return Ok(out);
    }

    // No hwmon temperatures at all: the thermal zones.
    let mut zones = tree.glob_dirs(&[b"class/thermal".to_vec()], starts_with(b"thermal_zone"));
    zones.sort();
    for zone in &zones {
        let Some(Ok(current)) = tree.read(&join(zone, b"temp"), hwmon::millidegrees) else {
            continue;
        };
        let Some(name) = tree.read(&join(zone, b"type"), hwmon::text) else {
            continue;
        };
        // `trip_point_0_temp`, `trip_point_0_type`, `trip_point_0_hyst` → `trip_point_0`.
        let trips: BTreeSet<Rel> = tree
            .glob(zone, starts_with(b"trip_point"))
            .iter()
            .map(|n| {
                n.split(|&b| b == b'_')
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(&b'_')
            })
            .collect();
        let (mut high, mut critical) = (None, None);
        // psutil iterates a Python set here (an order that changes from run to run); the
        // last trip point of a type wins, so sorted order is used for a stable answer.
        for trip in &trips {
            let kind = tree
                .read(&join(zone, &concat(trip, b"_type")), hwmon::text)
                .unwrap_or_default();
            let temp = || {
                tree.read(&join(zone, &concat(trip, b"_temp")), hwmon::millidegrees)
                    .and_then(|v| v.ok())
            };
            match kind.as_str() {
                "critical" => critical = temp(),
                "high" => high = temp(),
                _ => {}
            }
        }
        out.entry(name).or_default().push(finish(
            String::new(),
            current,
            high,
            critical,
            fahrenheit,
        ));
    }
    Ok(out)
}

/// psutil's `sensors_fans()` below `roots`.
pub(crate) fn sensors_fans(roots: &Roots) -> Result<BTreeMap<String, Vec<Fan>>> {
    let mut tree = Tree::new(roots);
    let mut files = hwmon_files(&mut tree, b"fan", false);
    if files.is_empty() {
        files = hwmon_files(&mut tree, b"fan", true);
    }
    let bases: BTreeSet<Rel> = files.iter().map(|f| base_of(f)).collect();
    let mut out: BTreeMap<String, Vec<Fan>> = BTreeMap::new();
    for base in &bases {
        let input = concat(base, b"_input");
        let Some(current) = tree.read(&input, hwmon::rpm) else {
            continue;
        };
        // psutil does not catch a bad number here, nor a missing chip name: both raise.
        let current = current.map_err(|e| e.at(&tree.path(&input)))?;
        let dir = split_last(base).0;
        let name = fs::with_file(&tree.path(&join(dir, b"name")), |b| Ok(hwmon::text(b)))?;
        let label = tree
            .read(&concat(base, b"_label"), hwmon::text)
            .unwrap_or_default();
        out.entry(name).or_default().push(Fan { label, current });
    }
    Ok(out)
}

/// The first readable one of `paths`, as psutil's `multi_bcat`: the file it came from and
/// its value.
fn first_attr(tree: &Tree<'_>, paths: &[Rel]) -> Option<(Rel, Attr)> {
    paths
        .iter()
        .find_map(|p| tree.read(p, power_supply::attr).map(|a| (p.clone(), a)))
}

/// The integer of an attribute that psutil uses in arithmetic (where non-integer bytes
/// raise `TypeError`).
fn int_of(tree: &Tree<'_>, a: &(Rel, Attr)) -> Result<i64> {
    match &a.1 {
        Attr::Int(v) => Ok(*v),
        Attr::Other(b) => Err(Error::Parse {
            path: tree.path(&a.0),
            what: format!("not an integer: {:?}", String::from_utf8_lossy(b)),
        }),
    }
}

/// psutil's `sensors_battery()` below `roots`.
pub(crate) fn sensors_battery(roots: &Roots) -> Result<Option<Battery>> {
    let tree = Tree::new(roots);
    let dir = roots.sys("class/power_supply");
    let battery = fs::list_dir(&dir)?
        .into_iter()
        .map(OsString::into_vec)
        .filter(|n| {
            n.starts_with(b"BAT") || n.to_ascii_lowercase().windows(7).any(|w| w == b"battery")
        })
        .min();
    let Some(battery) = battery else {
        return Ok(None);
    };
    let bat = join(b"class/power_supply", &battery);
    let at = |name: &[u8]| join(&bat, name);

    let energy_now = first_attr(&tree, &[at(b"energy_now"), at(b"charge_now")]);
    let power_now = first_attr(&tree, &[at(b"power_now"), at(b"current_now")]);
    let energy_full = first_attr(&tree, &[at(b"energy_full"), at(b"charge_full")]);
    let time_to_empty = first_attr(&tree, &[at(b"time_to_empty_now")]);

    let percent = match (&energy_full, &energy_now) {
        (Some(full), Some(now)) => {
            let full = int_of(&tree, full)?;
            let now = int_of(&tree, now)?;
            if full == 0 {
                0.0
            } else {
                100.0 * now as f64 / full as f64
            }
        }
        _ => {
            let path = at(b"capacity");
            match tree.read(&path, power_supply::capacity) {
                None => return Ok(None),
                Some(Err(e)) => return Err(e.at(&tree.path(&path))),
                Some(Ok(-1)) => return Ok(None),
                Some(Ok(v)) => v as f64,
            }
        }
    };

    let online = first_attr(
        &tree,
        &[
            b"class/power_supply/AC0/online".to_vec(),
            b"class/power_supply/AC/online".to_vec(),
        ],
    );
    let power_plugged = match online {
        Some((_, a)) => Some(a == Attr::Int(1)),
        None => tree
            .read(&at(b"status"), power_supply::status_plugged)
            .flatten(),
    };

    let secsleft = if power_plugged == Some(true) {
        SecsLeft::Unlimited
    } else if let (Some(now), Some(power)) = (&energy_now, &power_now) {
        let power = int_of(&tree, power)?.unsigned_abs();
        let now = int_of(&tree, now)?;
        if power == 0 {
            SecsLeft::Unknown
        } else {
            let secs = (now as f64 / power as f64 * 3600.0).trunc();
            // 2^63 is exact in f64; anything in [-2^63, 2^63) converts exactly.
            if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&secs) {
                return Err(Error::Parse {
                    path: tree.path(&energy_now.map(|e| e.0).unwrap_or_default()),
                    what: "seconds left out of range".into(),
                });
            }
            SecsLeft::Seconds(secs as i64)
        }
    } else if let Some(tte) = &time_to_empty {
        let minutes = int_of(&tree, tte)?;
        match minutes.checked_mul(60) {
            Some(s) if s < 0 => SecsLeft::Unknown,
            Some(s) => SecsLeft::Seconds(s),
            None => {
                return Err(Error::Parse {
                    path: tree.path(&tte.0),
                    what: "seconds left out of range".into(),
                })
            }
        }
    } else {
        SecsLeft::Unknown
    };

    Ok(Some(Battery {
        percent,
        secsleft,
        power_plugged,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use std::path::Path;
    use std::process::Command;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    fn roots(name: &str) -> Roots {
        let f = fixture(name);
        Roots::new(f.join("proc"), f.join("sys"))
    }

    fn t(label: &str, current: f64, high: Option<f64>, critical: Option<f64>) -> Temperature {
        Temperature {
            label: label.into(),
            current,
            high,
            critical,
        }
    }

    const PSUTIL: &str = r#"
import json, psutil
assert psutil.__version__ == "7.2.2", psutil.__version__
def d(x):
    if hasattr(x, "_asdict"): return {k: d(v) for k, v in x._asdict().items()}
    if isinstance(x, dict): return {str(k): d(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)): return [d(v) for v in x]
    if isinstance(x, float): return "float:" + repr(x)
    return x
def t(f):
    try: return d(f())
    except Exception as e: return "error: " + type(e).__name__
print(json.dumps({"c": t(psutil.sensors_temperatures),
                  "f": t(lambda: psutil.sensors_temperatures(fahrenheit=True)),
                  "fans": t(psutil.sensors_fans),
                  "battery": t(psutil.sensors_battery)}))
"#;

    /// psutil 7.2.2's sensors on a fixture: psutil reads `/sys` literally, so the fixture's
    /// `sys/` is bind-mounted over `/sys` in a private mount namespace. `None` (the
    /// comparison is skipped, the exact expected values are still checked) when this
    /// machine does not allow that.
    fn psutil_on(name: &str, hash_seed: Option<&str>) -> Option<Value> {
        let python = crate::testing::python();
        let mut cmd = Command::new("unshare");
        cmd.args(["-m", "--propagation", "private", "sh", "-c"])
            .arg(r#"mount --bind "$1" /sys || exit 97; exec "$2" -c "$3""#)
            .arg("sh")
            .arg(fixture(name).join("sys"))
            .arg(python)
            .arg(PSUTIL);
        if let Some(s) = hash_seed {
            cmd.env("PYTHONHASHSEED", s);
        }
        let out = match cmd.output() {
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
        assert!(out.status.success(), "psutil failed on {name}: {stderr}");
        Some(serde_json::from_slice(&out.stdout).expect("psutil prints JSON"))
    }

    /// JSON equality with every number compared as f64 (psutil gives `100` where sysgauge
    /// gives `100.0`). psutil's floats come as `"float:<repr>"` strings: serde_json's
    /// default float parser can be one ulp off, Rust's `str::parse` is exact.
    fn same(a: &Value, b: &Value) -> bool {
        let theirs = b.as_str().and_then(|s| s.strip_prefix("float:"));
        match (a, b) {
            (Value::Number(x), _) if theirs.is_some() => {
                x.as_f64() == theirs.and_then(|s| s.parse::<f64>().ok())
            }
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    fn ours(name: &str) -> Value {
        let r = roots(name);
        let err = |e: Error| Value::String(format!("error: {e}"));
        json!({
            "c": sensors_temperatures(&r, false).map_or_else(err, |v| serde_json::to_value(v).unwrap()),
            "f": sensors_temperatures(&r, true).map_or_else(err, |v| serde_json::to_value(v).unwrap()),
            "fans": sensors_fans(&r).map_or_else(err, |v| serde_json::to_value(v).unwrap()),
            "battery": sensors_battery(&r).map_or_else(err, |v| serde_json::to_value(v).unwrap()),
        })
    }

    /// Checks every call on fixture `name` against psutil on the same tree. Errors are
    /// compared by presence only (psutil's exception type vs our error).
    fn check_psutil(name: &str) {
        let Some(theirs) = psutil_on(name, None) else {
            return;
        };
        let ours = ours(name);
        for key in ["c", "f", "fans", "battery"] {
            let (a, b) = (&ours[key], &theirs[key]);
            let a_err = a.as_str().is_some_and(|s| s.starts_with("error"));
            let b_err = b.as_str().is_some_and(|s| s.starts_with("error"));
            if a_err || b_err {
                assert!(a_err && b_err, "{name} {key}: ours {a} psutil {b}");
            } else {
                assert!(same(a, b), "{name} {key}:\nours   {a}\npsutil {b}");
            }
        }
    }

    #[test]
    fn coretemp_layout() {
        let r = roots("sensors-coretemp");
        let got = sensors_temperatures(&r, false).unwrap();
        let want = BTreeMap::from([
            (
                "acpitz".to_string(),
                vec![
                    // hwmon0/temp1: no _max, _crit 105000 → high filled from critical.
                    t("", 27.8, Some(105.0), Some(105.0)),
                    // hwmon10 sorts after hwmon1 and before hwmon2.
                    t("", 16.8, None, None),
                    t("spaced label", 48.0, None, None),
                ],
            ),
            (
                "coretemp".to_string(),
                vec![
                    t("Package id 0", 52.0, Some(86.0), Some(100.0)),
                    t("Core 8", 47.25, Some(86.0), Some(100.0)), // temp10 < temp2
                    t("Core 0", 49.0, Some(86.0), Some(100.0)),
                    t("Core 1", 51.5, Some(86.0), Some(100.0)),
                ],
            ),
            ("iwlwifi_1".to_string(), vec![t("", -7.5, None, None)]),
            (
                "nvme".to_string(),
                vec![
                    t("Composite", 38.85, Some(81.85), Some(81.85)),
                    // _max "N/A" → None; _crit 0 → 0.0, and 0.0 is falsy: not propagated.
                    t("", 41.85, None, Some(0.0)),
                    t("Composite", 36.85, Some(84.85), Some(84.85)),
                ],
            ),
        ]);
        assert_eq!(got, want);

        // Fahrenheit: (c * 9 / 5) + 32, then the same propagation on converted values.
        let f = sensors_temperatures(&r, true).unwrap();
        let nvme = &f["nvme"];
        assert_eq!(nvme[0].current, 38.85 * 9.0 / 5.0 + 32.0); // 101.93
        assert_eq!(nvme[0].high, Some(179.32999999999998)); // 81.85 * 9 / 5 + 32
                                                            // critical 0 °C is 32 °F, truthy, so high takes it.
        assert_eq!(nvme[1], t("", 107.33000000000001, Some(32.0), Some(32.0)));
        assert_eq!(
            f["coretemp"][0],
            t("Package id 0", 125.6, Some(186.8), Some(212.0))
        );
        assert_eq!(f["iwlwifi_1"][0].current, 18.5);

        let fans = sensors_fans(&r).unwrap();
        let want = BTreeMap::from([(
            "thinkpad".to_string(),
            vec![
                Fan {
                    label: String::new(),
                    current: 2415,
                },
                Fan {
                    label: "Secondary fan".into(),
                    current: 0,
                },
            ],
        )]);
        assert_eq!(fans, want);
        check_psutil("sensors-coretemp");
    }

    #[test]
    fn device_subdir_layout() {
        let r = roots("sensors-hwmon-device");
        let got = sensors_temperatures(&r, false).unwrap();
        let want = BTreeMap::from([
            (
                "it8728".to_string(),
                vec![
                    t("", 33.0, Some(70.0), Some(90.0)),
                    t("CPU", 45.0, None, None),
                ],
            ),
            (
                "k10temp".to_string(),
                // hwmon1/device/temp1 sorts before hwmon1/temp2.
                vec![
                    t("", 40.125, Some(70.0), Some(90.0)),
                    t("Tctl", 41.0, None, None),
                ],
            ),
        ]);
        assert_eq!(got, want);
        let fans = sensors_fans(&r).unwrap();
        assert_eq!(
            fans["it8728"],
            vec![
                Fan {
                    label: "CPU fan".into(),
                    current: 1250
                },
                Fan {
                    label: String::new(),
                    current: 870
                }
            ]
        );
        check_psutil("sensors-hwmon-device");
    }

    #[test]
    fn thermal_zone_fallback() {
        let r = roots("sensors-thermal");
        let got = sensors_temperatures(&r, false).unwrap();
        let want = BTreeMap::from([
            (
                "acpitz".to_string(),
                vec![
                    t("", 27.8, Some(105.0), Some(105.0)), // critical trip 105000
                    t("", 30.0, Some(80.0), Some(80.0)),   // zone10: high trip 80000
                ],
            ),
            ("x86_pkg_temp".to_string(), vec![t("", 45.0, None, None)]),
            ("pch_skylake".to_string(), vec![t("", 38.5, None, None)]),
            ("INT3400 Thermal".to_string(), vec![t("", 20.0, None, None)]),
        ]);
        assert_eq!(got, want);
        let f = sensors_temperatures(&r, true).unwrap();
        assert_eq!(f["acpitz"][0], t("", 82.04, Some(221.0), Some(221.0)));
        assert!(sensors_fans(&r).unwrap().is_empty());
        check_psutil("sensors-thermal");
    }

    #[test]
    fn thermal_zone_several_trip_points() {
        let r = roots("sensors-thermal-multitrip");
        let got = sensors_temperatures(&r, false).unwrap();
        assert_eq!(got["acpitz"], vec![t("", 41.0, Some(100.0), Some(100.0))]);
        // psutil divides again by 1000 for every trip point it visits after the critical
        // one, in hash order: its answer is ours / 1000^k.
        for seed in ["0", "1", "2", "3"] {
            let Some(theirs) = psutil_on("sensors-thermal-multitrip", Some(seed)) else {
                return;
            };
            let num = |v: &Value| {
                v.as_str()
                    .and_then(|s| s.strip_prefix("float:")?.parse::<f64>().ok())
            };
            let crit = num(&theirs["c"]["acpitz"][0]["critical"]).unwrap();
            assert!(
                [100.0, 0.1, 0.0001].contains(&crit),
                "psutil critical {crit} is not 100 / 1000^k"
            );
            assert_eq!(num(&theirs["c"]["acpitz"][0]["current"]), Some(41.0));
        }
    }

    #[test]
    fn coretemp_platform_dir_disables_fallback() {
        let r = roots("sensors-coretemp-platform-only");
        assert!(sensors_temperatures(&r, false).unwrap().is_empty());
        check_psutil("sensors-coretemp-platform-only");
    }

    fn battery(name: &str) -> Option<Battery> {
        sensors_battery(&roots(name)).unwrap()
    }

    fn b(percent: f64, secsleft: SecsLeft, power_plugged: Option<bool>) -> Option<Battery> {
        Some(Battery {
            percent,
            secsleft,
            power_plugged,
        })
    }

    #[test]
    fn batteries() {
        use SecsLeft::*;
        // 100.0 * 30000000 / 50000000; AC/online = 1 → unlimited.
        assert_eq!(battery("battery-charging"), b(60.0, Unlimited, Some(true)));
        // 100.0 * 24410000 / 48200000; int(24410000 / 9870000 * 3600) = int(8903.34...).
        assert_eq!(
            battery("battery-discharging-energy"),
            b(50.643153526970956, Seconds(8903), Some(false))
        );
        // 100.0 * 2100000 / 4400000; int(2100000 / |-1500000| * 3600); status Discharging.
        assert_eq!(
            battery("battery-discharging-charge"),
            b(47.72727272727273, Seconds(5040), Some(false))
        );
        // capacity 100, status Full.
        assert_eq!(battery("battery-full"), b(100.0, Unlimited, Some(true)));
        // 100.0 * 40000000 / 45000000; no power_now/current_now; "Not charging" → None.
        assert_eq!(
            battery("battery-missing-power"),
            b(88.88888888888889, Unknown, None)
        );
        // capacity 42; time_to_empty_now 95 * 60.
        assert_eq!(
            battery("battery-time-to-empty"),
            b(42.0, Seconds(5700), Some(false))
        );
        // AC0/online = 0 wins over AC/online = 1 and status Charging; 36e6 / 12e6 * 3600.
        assert_eq!(
            battery("battery-ac0-over-status"),
            b(90.0, Seconds(10800), Some(false))
        );
        // energy_full 0 → 0.0; power_now 0 → unknown.
        assert_eq!(battery("battery-zero-power"), b(0.0, Unknown, None));
        assert_eq!(battery("battery-none"), None);
        assert_eq!(battery("battery-no-capacity"), None);
        assert_eq!(Unlimited.as_psutil(), -2);
        assert_eq!(Unknown.as_psutil(), -1);
        assert_eq!(serde_json::to_value(Seconds(5)).unwrap(), json!(5));
        for name in [
            "battery-charging",
            "battery-discharging-energy",
            "battery-discharging-charge",
            "battery-full",
            "battery-missing-power",
            "battery-time-to-empty",
            "battery-ac0-over-status",
            "battery-zero-power",
            "battery-none",
            "battery-no-capacity",
        ] {
            check_psutil(name);
        }
    }

    /// A temporary sysfs tree with `files` (relative path, content).
    fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, Roots) {
        let dir = tempfile::tempdir().unwrap();
        for (p, c) in files {
            let p = dir.path().join("sys").join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, c).unwrap();
        }
        let r = Roots::new(dir.path().join("proc"), dir.path().join("sys"));
        (dir, r)
    }

    #[test]
    fn errors_where_psutil_raises() {
        // A fan input that is not a number, or a readable fan without a chip name.
        let (_d, r) = tree(&[
            ("class/hwmon/hwmon0/name", "f\n"),
            ("class/hwmon/hwmon0/fan1_input", "N/A\n"),
        ]);
        assert!(matches!(sensors_fans(&r), Err(Error::Parse { .. })));
        let (_d, r) = tree(&[("class/hwmon/hwmon0/fan1_input", "100\n")]);
        assert!(sensors_fans(&r).unwrap_err().is_not_found());
        // No power_supply class at all (psutil: FileNotFoundError from os.listdir).
        let (_d, r) = tree(&[]);
        assert!(sensors_battery(&r).unwrap_err().is_not_found());
        assert!(sensors_temperatures(&r, false).unwrap().is_empty());
        assert!(sensors_fans(&r).unwrap().is_empty());
        // capacity that is not an integer (psutil: ValueError).
        let (_d, r) = tree(&[("class/power_supply/BAT0/capacity", "full\n")]);
        assert!(matches!(sensors_battery(&r), Err(Error::Parse { .. })));
        // energy_now that is not an integer used in arithmetic (psutil: TypeError).
        let (_d, r) = tree(&[
            ("class/power_supply/BAT0/energy_now", "N/A\n"),
            ("class/power_supply/BAT0/energy_full", "100\n"),
        ]);
        assert!(matches!(sensors_battery(&r), Err(Error::Parse { .. })));
        // ...but a garbage `online` just means "not 1": power_plugged False.
        let (_d, r) = tree(&[
            ("class/power_supply/BAT1/capacity", "-1\n"),
            ("class/power_supply/BAT0/capacity", "7\n"),
            ("class/power_supply/AC/online", "yes\n"),
        ]);
        assert_eq!(
            sensors_battery(&r).unwrap(),
            b(7.0, SecsLeft::Unknown, Some(false))
        );
        // capacity -1 means no battery; a negative time_to_empty is unknown.
        let (_d, r) = tree(&[("class/power_supply/BAT0/capacity", "-1\n")]);
        assert_eq!(sensors_battery(&r).unwrap(), None);
        let (_d, r) = tree(&[
            ("class/power_supply/BAT0/capacity", "5\n"),
            ("class/power_supply/BAT0/time_to_empty_now", "-3\n"),
        ]);
        assert_eq!(
            sensors_battery(&r).unwrap(),
            b(5.0, SecsLeft::Unknown, None)
        );
    }

    #[test]
    fn unreadable_files_are_skipped() {
        // A directory where a value file should be: reading fails with EISDIR, an OSError
        // psutil's fallbacks catch.
        let (d, r) = tree(&[
            ("class/hwmon/hwmon0/name", "x\n"),
            ("class/hwmon/hwmon0/temp1_input", "1000\n"),
            ("class/hwmon/hwmon0/temp2_label", "l\n"),
        ]);
        std::fs::create_dir_all(d.path().join("sys/class/hwmon/hwmon0/temp1_max")).unwrap();
        std::fs::create_dir_all(d.path().join("sys/class/hwmon/hwmon0/temp2_input")).unwrap();
        let got = sensors_temperatures(&r, false).unwrap();
        assert_eq!(got["x"], vec![t("", 1.0, None, None)]);
    }
}
