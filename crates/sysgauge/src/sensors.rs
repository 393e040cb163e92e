//! Sensors: temperatures, fans and battery (psutil's `sensors_temperatures`, `sensors_fans`
//! and `sensors_battery`).
//!
//! Everything is read below the sysfs root of [`Roots`](crate::Roots):
//! `class/hwmon/hwmon*/` (and its `device/` subdirectory), `class/thermal/thermal_zone*/`
//! and `class/power_supply/`.
//!
//! The maps are [`BTreeMap`]s keyed by the chip or zone name, so they iterate in name order;
//! psutil's `dict` iterates in the order the names were first met (the sorted sensor paths).
//! Within one name, the sensors are in psutil's order: sorted by path, `hwmon10` before
//! `hwmon2` and `temp10` before `temp2`, as Python sorts strings.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::platform::linux::sensors as backend;
use crate::roots::Roots;

/// psutil's `POWER_TIME_UNKNOWN`: the value of [`SecsLeft::Unknown`] in psutil's encoding.
pub const POWER_TIME_UNKNOWN: i64 = -1;
/// psutil's `POWER_TIME_UNLIMITED`: the value of [`SecsLeft::Unlimited`] in psutil's
/// encoding.
pub const POWER_TIME_UNLIMITED: i64 = -2;

/// One temperature sensor (psutil's `shwtemp`).
///
/// All temperatures are in degrees Celsius, or degrees Fahrenheit when
/// [`sensors_temperatures`] was asked for them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Temperature {
    /// The sensor's label from `temp*_label` (e.g. `"Package id 0"`, `"Core 1"`), or `""`
    /// when there is none (always `""` for a thermal zone).
    pub label: String,
    /// The current temperature, from `temp*_input` (or the zone's `temp`), millidegrees / 1000.
    pub current: f64,
    /// The high threshold, from `temp*_max` (or the zone's `high` trip point); when absent
    /// but [`critical`](Self::critical) is known (and non-zero), the critical value. `None`
    /// when neither is known.
    pub high: Option<f64>,
    /// The critical threshold, from `temp*_crit` (or the zone's `critical` trip point); when
    /// absent but [`high`](Self::high) is known (and non-zero), the high value. `None` when
    /// neither is known.
    pub critical: Option<f64>,
}

/// One fan (psutil's `sfan`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fan {
    /// The fan's label from `fan*_label`, or `""` when there is none.
    pub label: String,
    /// The speed in revolutions per minute, from `fan*_input`.
    pub current: i64,
}

/// How long the battery will last (psutil's `secsleft`, an `int` that may be one of the
/// `BatteryTime` sentinels).
///
/// Serializes as psutil's number: seconds, or `-1` ([`POWER_TIME_UNKNOWN`]) or `-2`
/// ([`POWER_TIME_UNLIMITED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecsLeft {
    /// The AC adapter is plugged in: the battery is not being used up (psutil's
    /// `POWER_TIME_UNLIMITED`, `-2`).
    Unlimited,
    /// The time cannot be told: no power/current reading, or a zero one (psutil's
    /// `POWER_TIME_UNKNOWN`, `-1`).
    Unknown,
    /// Seconds left: `energy_now / |power_now| * 3600` (or `charge_now / |current_now|`),
    /// truncated, or `time_to_empty_now * 60`. Negative only if the driver reports a negative
    /// `energy_now`/`charge_now`, which psutil passes through too.
    Seconds(i64),
}

impl SecsLeft {
    /// The value psutil returns: the seconds, or `-1` for unknown, `-2` for unlimited.
    pub fn as_psutil(self) -> i64 {
        match self {
            SecsLeft::Unlimited => POWER_TIME_UNLIMITED,
            SecsLeft::Unknown => POWER_TIME_UNKNOWN,
            SecsLeft::Seconds(s) => s,
        }
    }

    /// The seconds left, when they are known and finite.
    pub fn seconds(self) -> Option<i64> {
        match self {
            SecsLeft::Seconds(s) => Some(s),
            _ => None,
        }
    }
}

impl serde::Serialize for SecsLeft {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_i64(self.as_psutil())
    }
}

/// The battery's state (psutil's `sbattery`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Battery {
    /// Charge left, in percent: `100 * energy_now / energy_full` (or `charge_now /
    /// charge_full`; `0.0` when the full value is 0) when both are readable, else the
    /// integer in `capacity`.
    pub percent: f64,
    /// How long the battery will last; see [`SecsLeft`].
    pub secsleft: SecsLeft,
    /// Whether the AC adapter is plugged in: `AC0/online` or `AC/online` equal to 1 when one
    /// of them is readable, else from the battery's `status` (`Charging`/`Full` → true,
    /// `Discharging` → false); `None` when neither tells.
    pub power_plugged: Option<bool>,
}

/// Hardware temperatures, per chip (hwmon `name`) or thermal zone (`type`); see
/// [`Temperature`]. In degrees Celsius, or Fahrenheit (`°C * 9 / 5 + 32`) when `fahrenheit`.
///
/// Sensors are the `temp*_input` files of `class/hwmon/hwmon*/` and
/// `class/hwmon/hwmon*/device/`; a sensor whose input or chip name cannot be read (or is not
/// a number) is left out. Only when there are no hwmon temperature files at all are the
/// `class/thermal/thermal_zone*` zones used. An empty map when there are neither.
///
/// Does not fail today, as psutil's never raises: a missing or unreadable directory or file
/// just contributes no sensor (the `Result` leaves room for future sources).
///
/// Thermal-zone thresholds: when a zone has several trip points of the same type, the last
/// one in name order wins. psutil 7.2.2 walks them in an order that changes from run to run
/// and divides an already-converted value by 1000 again for every later trip point, so with
/// several trip points it may report e.g. 0.1 where sysgauge reports 100.0; with one
/// `critical`/`high` trip point (or when that one comes last) the two agree.
///
/// ```no_run
/// for (chip, temps) in sysgauge::sensors_temperatures(false)? {
///     for t in temps {
///         println!("{chip} {:?}: {} °C (high {:?}, critical {:?})", t.label, t.current, t.high, t.critical);
///     }
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn sensors_temperatures(fahrenheit: bool) -> Result<BTreeMap<String, Vec<Temperature>>> {
    backend::sensors_temperatures(&Roots::current(), fahrenheit)
}

/// Fan speeds in RPM, per hwmon chip `name`; see [`Fan`].
///
/// Fans are the `fan*_input` files of `class/hwmon/hwmon*/` (or, only when there are none
/// there, of `class/hwmon/hwmon*/device/`); a fan whose input cannot be read is left out.
/// An empty map when there are none.
///
/// Errors, as psutil raises, when a readable `fan*_input` is not an integer or the chip's
/// `name` file of a readable fan cannot be read.
///
/// ```no_run
/// for (chip, fans) in sysgauge::sensors_fans()? {
///     for f in fans {
///         println!("{chip} {:?}: {} RPM", f.label, f.current);
///     }
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn sensors_fans() -> Result<BTreeMap<String, Vec<Fan>>> {
    backend::sensors_fans(&Roots::current())
}

/// The battery's state, from the first (by name) entry of `class/power_supply/` whose name
/// starts with `BAT` or contains `battery` (any case); see [`Battery`].
///
/// `Ok(None)` when there is no such entry, or when neither `energy_now`/`charge_now` with
/// `energy_full`/`charge_full` nor `capacity` can be read (or `capacity` is -1).
///
/// Errors, as psutil raises, when `class/power_supply` does not exist or cannot be listed,
/// when `capacity` is not an integer, or when a value used in the computation is not an
/// integer.
///
/// ```no_run
/// match sysgauge::sensors_battery()? {
///     Some(b) => println!("{:.0}% left, plugged in: {:?}, {:?}", b.percent, b.power_plugged, b.secsleft),
///     None => println!("no battery"),
/// }
/// # Ok::<(), sysgauge::Error>(())
/// ```
pub fn sensors_battery() -> Result<Option<Battery>> {
    backend::sensors_battery(&Roots::current())
}
