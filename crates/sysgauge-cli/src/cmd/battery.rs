//! `sysgauge battery`: psutil's battery.py, the battery's state (`sensors_battery()`).
//!
//! On battery:
//!
//! ```text
//! charge:     50.64%
//! left:       2:28:23
//! status:     discharging
//! plugged in: no
//! ```
//!
//! Plugged in:
//!
//! ```text
//! charge:     60.0%
//! status:     charging
//! plugged in: yes
//! ```
//!
//! The charge is `round(percent, 2)` as Python prints it (an integer when psutil reads the
//! `capacity` file: `100%`); the status is `charging` below 100%, else `fully charged`.
//! When psutil cannot tell whether the AC adapter is plugged in, the battery counts as
//! discharging, as in battery.py. The time left is `H:MM:SS`, or `N/A` when it is unknown
//! (see [`super::sensors::secs2hours`]).
//!
//! Without a battery (or without `class/power_supply`), `sysgauge: no battery is installed`
//! on stderr and exit status 1 (battery.py's `sys.exit`).
//!
//! With `--json`, psutil's `sbattery`: `{percent, secsleft, power_plugged}`, `secsleft`
//! being seconds or psutil's `-1` (unknown) / `-2` (unlimited); `null` without a battery
//! (exit status 0).

use super::fail;
use super::sensors::battery_lines;

/// Options of `sysgauge battery`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Prints the battery's state: battery.py's text, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let battery = super::sensors::battery()?;
    if args.json {
        return super::print_json(&battery);
    }
    match battery {
        Some(b) => super::print_lines(battery_lines(&b, 0)),
        None => fail("no battery is installed"),
    }
}
